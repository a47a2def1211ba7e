/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "config/file.h"
#include "config/state.h"
#include "gpio/types.h"
#include "log.h"
#include "util/strv.h"

typedef struct StateEntry {
        char *name;
        bool value;
} StateEntry;

struct StateStore {
        sd_event *event;
        char *dir;
        char *path;
        StateEntry *entries; /* in the order they were first saved (the file's order) */
        size_t n_entries, n_allocated;
        size_t *index; /* by name hash: entry number + 1, or 0 */
        size_t index_size;
        bool dirty;
        bool failing;           /* the last write failed (and was logged) */
        uint64_t retry_us;      /* the interval of the next retry of a failed write; 0 if none failed */
        sd_event_source *timer; /* the retry */
        char **warnings;        /* what loading found wrong, as "<file>:<line>: <message>" */
};

/* Largest state file read, in bytes (100k outputs take about 3 MB). */
#define STATE_FILE_MAX (64 * 1024 * 1024)

/* The index: open addressing with linear probing over a power-of-two table of entry
 * numbers + 1 (0 = empty), at most half full, so that loading n entries is O(n). */
static uint32_t name_hash(const char *name)
{
        uint32_t h = 2166136261u; /* FNV-1a */

        for (; *name; name++)
                h = (h ^ (unsigned char)*name) * 16777619u;
        return h;
}

static size_t *index_slot(size_t *index, size_t size, const StateEntry *entries, const char *name)
{
        size_t i = name_hash(name) & (size - 1);

        while (index[i] != 0 && !streq(entries[index[i] - 1].name, name))
                i = (i + 1) & (size - 1);
        return &index[i];
}

static int index_grow(StateStore *s)
{
        size_t size = s->index_size ? s->index_size * 2 : 64, *index;

        index = calloc(size, sizeof(size_t));
        if (!index)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_entries; i++)
                *index_slot(index, size, s->entries, s->entries[i].name) = i + 1;
        free(s->index);
        s->index = index;
        s->index_size = size;
        return 0;
}

static StateEntry *store_find(StateStore *s, const char *name)
{
        size_t *slot;

        if (s->index_size == 0)
                return NULL;
        slot = index_slot(s->index, s->index_size, s->entries, name);
        return *slot ? &s->entries[*slot - 1] : NULL;
}

static int store_put(StateStore *s, const char *name, bool value, bool *ret_changed)
{
        StateEntry *e = store_find(s, name), *n;
        char *copy;

        if (e) {
                *ret_changed = e->value != value;
                e->value = value;
                return 0;
        }
        if ((s->n_entries + 1) * 2 > s->index_size && index_grow(s) < 0)
                return -ENOMEM;
        if (s->n_entries == s->n_allocated) {
                size_t k = s->n_allocated ? s->n_allocated * 2 : 16;

                n = realloc(s->entries, k * sizeof(StateEntry));
                if (!n)
                        return -ENOMEM;
                s->entries = n;
                s->n_allocated = k;
        }
        copy = strdup(name);
        if (!copy)
                return -ENOMEM;
        s->entries[s->n_entries] = (StateEntry){ .name = copy, .value = value };
        *index_slot(s->index, s->index_size, s->entries, name) = s->n_entries + 1;
        s->n_entries++;
        *ret_changed = true;
        return 0;
}

/* Reading the state file: inih is given the lines of the file, read whole. */
typedef struct Loader {
        StateStore *store;
        const char *data;
        size_t size;
        size_t pos;
        unsigned lineno;
        bool ignoring;     /* after a refused line that may have been a header: values go nowhere */
        size_t n_warnings; /* all of them, kept or not */
        bool oom;
} Loader;

static void load_warning(Loader *l, unsigned lineno, const char *format, ...) _printf_(3, 4);

static void load_warning(Loader *l, unsigned lineno, const char *format, ...)
{
        _cleanup_free_ char *msg = NULL, *escaped = NULL;
        va_list ap;
        int r;

        if (l->n_warnings++ >= STATE_WARNINGS_MAX)
                return; /* counted, for the summary store_load() adds */
        va_start(ap, format);
        r = vasprintf(&msg, format, ap);
        va_end(ap);
        if (r < 0 || !(escaped = config_escape(msg)))
                return;
        if (strv_extendf(&l->store->warnings, "%s:%u: %s", l->store->path, lineno, escaped) < 0)
                l->oom = true;
}

static char *load_reader(char *str, int num, void *stream)
{
        Loader *l = stream;
        const char *line, *nl;
        size_t len;

        if (l->pos >= l->size)
                return NULL;
        line = l->data + l->pos;
        nl = memchr(line, '\n', l->size - l->pos);
        len = nl ? (size_t)(nl - line) + 1 : l->size - l->pos;
        l->pos += len;
        l->lineno++;
        {
                _cleanup_free_ char *msg = NULL;

                if (config_check_text(line, nl ? len - 1 : len, &msg) < 0) {
                        l->oom = true;
                        return NULL;
                }
                if (msg) {
                        load_warning(l, l->lineno, "%s; line ignored", msg);
                        if (memchr(line, '[', len))
                                l->ignoring = true;
                        snprintf(str, (size_t)num, "\n");
                        return str;
                }
        }
        if (memchr(line, '[', len))
                l->ignoring = false;
        if (len > (size_t)num - 1) {
                load_warning(l, l->lineno, "line is longer than %d characters; ignored", num - 2);
                snprintf(str, (size_t)num, "\n");
                return str;
        }
        memcpy(str, line, len);
        str[len] = '\0';
        return str;
}

static int load_handler(void *user, const char *section, const char *key, const char *value)
{
        Loader *l = user;
        const char *name = startswith(section, "output ");
        bool changed;
        int b;

        if (l->ignoring || !name || !streq(key, "value"))
                return 1; /* after a refused header, or written by a newer pinbusd: skip */
        b = pb_parse_boolean(value);
        if (b < 0) {
                load_warning(l, l->lineno, "invalid value '%s' for [%s]; entry ignored", value, section);
                return 1;
        }
        if (store_put(l->store, name, b, &changed) < 0) {
                l->oom = true;
                return 0;
        }
        return 1;
}

static void store_load(StateStore *s)
{
        _cleanup_free_ char *data = NULL, *error = NULL;
        Loader l = { .store = s };
        size_t size = 0;
        int r;

        r = config_read_file(s->path, STATE_FILE_MAX, &data, &size, &error);
        if (r == -ENOENT)
                return;
        if (r < 0) {
                log_warning("Cannot read saved output state: %s; starting without it",
                            error ?: strerror(-r));
                if (error)
                        (void)strv_consume(&s->warnings, TAKE_PTR(error));
                return;
        }
        l.data = data;
        l.size = size;
        r = ini_parse_stream(load_reader, &l, load_handler, &l);
        if (r > 0)
                load_warning(&l, (unsigned)r, "malformed line; ignored");
        if (l.n_warnings > STATE_WARNINGS_MAX &&
            strv_extendf(&s->warnings, "%s: %zu more warnings left out", s->path,
                         l.n_warnings - STATE_WARNINGS_MAX) < 0)
                l.oom = true;
        for (char **w = s->warnings; w && *w; w++)
                log_warning("%s", *w);
        if (l.oom)
                log_warning("%s: out of memory while loading; entries after it may be missing", s->path);
}

static int write_file(StateStore *s)
{
        _cleanup_free_ char *tmp = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_close_ int dfd = -1;
        int fd, r;

        if (mkdir(s->dir, 0755) < 0 && errno != EEXIST)
                return -errno;
        if (asprintf(&tmp, "%s/.outputs.XXXXXX", s->dir) < 0)
                return -ENOMEM;
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        f = fdopen(fd, "w");
        if (!f) {
                r = -errno;
                close(fd);
                unlink(tmp);
                return r;
        }

        fputs("# The last value of each output with restore=yes, kept by pinbusd.\n", f);
        for (size_t i = 0; i < s->n_entries; i++)
                fprintf(f, "\n[output %s]\nvalue = %s\n", s->entries[i].name,
                        s->entries[i].value ? "on" : "off");

        if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0 || fchmod(fileno(f), 0644) < 0) {
                r = errno > 0 ? -errno : -EIO;
                unlink(tmp);
                return r;
        }
        if (rename(tmp, s->path) < 0) {
                r = -errno;
                unlink(tmp);
                return r;
        }
        /* The rename itself must reach the disk for the value to survive a power cut. */
        dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0)
                (void)fsync(dfd);
        return 0;
}

static int on_retry(sd_event_source *source, uint64_t time_us, void *userdata);

/* Arms the retry of a failed write: STATE_RETRY_MIN_US after the first failure, then at doubling
 * intervals up to STATE_RETRY_MAX_US. */
static void schedule_retry(StateStore *s)
{
        uint64_t due;
        int r;

        s->retry_us = s->retry_us == 0 ? STATE_RETRY_MIN_US
                                       : (s->retry_us * 2 < STATE_RETRY_MAX_US ? s->retry_us * 2
                                                                               : STATE_RETRY_MAX_US);
        due = monotonic_ns() / NSEC_PER_USEC + s->retry_us;
        if (!s->timer)
                r = sd_event_add_time(s->event, &s->timer, CLOCK_MONOTONIC, due, USEC_PER_MSEC, on_retry, s);
        else {
                r = sd_event_source_set_time(s->timer, due);
                if (r >= 0)
                        r = sd_event_source_set_enabled(s->timer, SD_EVENT_ONESHOT);
        }
        if (r < 0)
                log_error_errno(r, "Cannot schedule a retry of saving output state to %s: %s", s->path,
                                strerror(-r));
}

int state_store_flush(StateStore *s)
{
        int r;

        if (!s || !s->dirty)
                return 0;

        r = write_file(s);
        if (r < 0) {
                if (!s->failing)
                        log_error_errno(r,
                                        "Cannot save output state to %s: %s; will retry until it succeeds",
                                        s->path, strerror(-r));
                s->failing = true;
                schedule_retry(s);
                return r;
        }
        if (s->failing)
                log_info("Saved output state to %s again", s->path);
        s->failing = false;
        s->dirty = false;
        s->retry_us = 0;
        if (s->timer)
                (void)sd_event_source_set_enabled(s->timer, SD_EVENT_OFF);
        return 0;
}

static int on_retry(sd_event_source *source, uint64_t time_us, void *userdata)
{
        (void)state_store_flush(userdata);
        return 0;
}

int state_store_set_output(StateStore *s, const char *name, bool value)
{
        bool changed;
        int r;

        r = store_put(s, name, value, &changed);
        if (r < 0 || !changed)
                return r;
        s->dirty = true;

        /* Written before the caller (a D-Bus handler) replies, so that an acknowledged Set
         * survives a kill -9 or a power cut; a failure is retried by the timer. */
        (void)state_store_flush(s);
        return 0;
}

int state_store_get_output(StateStore *s, const char *name, bool *ret)
{
        StateEntry *e = store_find(s, name);

        if (!e)
                return -ENOENT;
        *ret = e->value;
        return 0;
}

char *const *state_store_get_warnings(StateStore *s)
{
        return s->warnings;
}

const char *state_store_get_path(StateStore *s)
{
        return s->path;
}

int state_store_new(sd_event *event, const char *dir, StateStore **ret)
{
        StateStore *s;

        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->event = sd_event_ref(event);
        s->dir = strdup(dir);
        if (!s->dir || asprintf(&s->path, "%s/outputs", dir) < 0) {
                s->path = NULL;
                state_store_free(s);
                return -ENOMEM;
        }
        store_load(s);
        *ret = s;
        return 0;
}

StateStore *state_store_free(StateStore *s)
{
        if (!s)
                return NULL;
        if (s->path)
                (void)state_store_flush(s);
        sd_event_source_disable_unref(s->timer);
        sd_event_unref(s->event);
        for (size_t i = 0; i < s->n_entries; i++)
                free(s->entries[i].name);
        free(s->entries);
        free(s->index);
        strv_free(s->warnings);
        free(s->dir);
        free(s->path);
        free(s);
        return NULL;
}
