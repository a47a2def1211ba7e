/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <stdarg.h>
#include <sys/stat.h>

#include "log.h"

static int max_level = LOG_INFO;
static int use_prefix = -1; /* -1: not yet decided */
static const char *ident = "pinbusd";

void log_set_ident(const char *name)
{
        ident = name;
}

void log_set_max_level(int level)
{
        max_level = level;
}

/* stderr is the journal when JOURNAL_STREAM is "<dev>:<ino>" of our fd 2. */
static bool stderr_is_journal(void)
{
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
                return false;
        if (fstat(STDERR_FILENO, &st) < 0)
                return false;
        return st.st_dev == (dev_t)dev && st.st_ino == (ino_t)ino;
}

int log_internal(int level, int error, const char *format, ...)
{
        int saved_errno = errno;
        va_list ap;

        if (level > max_level)
                return error;
        if (use_prefix < 0)
                use_prefix = stderr_is_journal();

        if (use_prefix)
                fprintf(stderr, "<%d>", level);
        else
                fprintf(stderr, "%s: ", ident);
        va_start(ap, format);
        vfprintf(stderr, format, ap);
        va_end(ap);
        fputc('\n', stderr);
        fflush(stderr);

        errno = saved_errno;
        return error;
}
