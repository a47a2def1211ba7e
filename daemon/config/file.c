/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/file.h"
#include "util/macro.h"

static const char *file_kind(mode_t mode)
{
        switch (mode & S_IFMT) {
        case S_IFDIR:
                return "a directory";
        case S_IFIFO:
                return "a FIFO";
        case S_IFCHR:
                return "a character device";
        case S_IFBLK:
                return "a block device";
        case S_IFSOCK:
                return "a socket";
        default:
                return "not a file";
        }
}

static int set_error(char **ret_error, int r, const char *path, const char *reason)
{
        _cleanup_free_ char *p = config_escape(path);

        if (!p || asprintf(ret_error, "%s: %s", p, reason) < 0) {
                *ret_error = NULL;
                return -ENOMEM;
        }
        return r;
}

int config_read_file(const char *path, size_t max, char **ret_data, size_t *ret_size, char **ret_error)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *data = NULL, *reason = NULL;
        size_t size = 0, allocated;
        struct stat st;

        *ret_error = NULL;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
                int r = -errno;

                if (asprintf(&reason, "cannot open: %s", strerror(-r)) < 0)
                        return -ENOMEM;
                return set_error(ret_error, r, path, reason);
        }
        if (fstat(fd, &st) < 0) {
                int r = -errno;

                if (asprintf(&reason, "cannot read: %s", strerror(-r)) < 0)
                        return -ENOMEM;
                return set_error(ret_error, r, path, reason);
        }
        if (!S_ISREG(st.st_mode)) {
                if (asprintf(&reason, "not a regular file (%s)", file_kind(st.st_mode)) < 0)
                        return -ENOMEM;
                return set_error(ret_error, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL, path, reason);
        }

        /* The size is a hint (the file may grow while it is read); max is what counts. */
        allocated = st.st_size > 0 && (uint64_t)st.st_size < max ? (size_t)st.st_size + 1 : 4096;
        data = malloc(allocated + 1);
        if (!data)
                return -ENOMEM;
        for (;;) {
                ssize_t k;

                if (size == allocated) {
                        char *n;

                        if (allocated > max)
                                break;
                        allocated = allocated * 2 > max + 1 ? max + 1 : allocated * 2;
                        n = realloc(data, allocated + 1);
                        if (!n)
                                return -ENOMEM;
                        data = n;
                }
                k = read(fd, data + size, allocated - size);
                if (k < 0) {
                        int r = -errno;

                        if (r == -EINTR)
                                continue;
                        if (asprintf(&reason, "cannot read: %s", strerror(-r)) < 0)
                                return -ENOMEM;
                        return set_error(ret_error, r, path, reason);
                }
                if (k == 0)
                        break;
                size += (size_t)k;
        }
        if (size > max) {
                if (asprintf(&reason, "file is larger than %zu bytes", max) < 0)
                        return -ENOMEM;
                return set_error(ret_error, -EFBIG, path, reason);
        }
        data[size] = '\0';
        *ret_data = TAKE_PTR(data);
        *ret_size = size;
        return 0;
}

static bool is_control(unsigned char c)
{
        return c < 0x20 || c == 0x7f;
}

const char *config_find_control(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];

                if (c == '\t' || !is_control(c))
                        continue;
                if (c == '\r' && i + 1 == n)
                        continue;
                return s + i;
        }
        return NULL;
}

char *config_escape_n(const char *s, size_t n)
{
        char *out = malloc(n * 4 + 1), *o = out;

        if (!out)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];

                switch (c) {
                case '\t':
                        *o++ = '\\';
                        *o++ = 't';
                        break;
                case '\r':
                        *o++ = '\\';
                        *o++ = 'r';
                        break;
                case '\n':
                        *o++ = '\\';
                        *o++ = 'n';
                        break;
                default:
                        if (is_control(c))
                                o += sprintf(o, "\\x%02x", c);
                        else
                                *o++ = (char)c;
                }
        }
        *o = '\0';
        return out;
}

char *config_escape(const char *s)
{
        return config_escape_n(s, strlen(s));
}

int config_check_text(const char *s, size_t n, char **ret)
{
        _cleanup_free_ char *c = NULL, *line = NULL;
        const char *bad = config_find_control(s, n);
        size_t shown = n > 60 ? 60 : n;

        *ret = NULL;
        if (!bad)
                return 0;
        c = config_escape_n(bad, 1);
        line = config_escape_n(s, shown);
        if (!c || !line ||
            asprintf(ret, "%s%s at column %zu in \"%s%s\": the file must be text",
                     *bad ? "control character " : "NUL byte ", *bad ? c : "(\\x00)", (size_t)(bad - s) + 1,
                     line, shown < n ? "..." : "") < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}
