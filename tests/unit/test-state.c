/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The persistent output state (daemon/config/state.h). */

#include <ini.h>
#include <sys/stat.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include "config/state.h"
#include "test-util.h"

static char *tmpdir;
static sd_event *event;

static void setup(void)
{
        tmpdir = t_mkdtemp();
        ck_assert_int_ge(sd_event_new(&event), 0);
}

static void teardown(void)
{
        event = sd_event_unref(event);
        t_rm_rf(tmpdir);
        free(tmpdir);
        tmpdir = NULL;
}

static StateStore *store_new(const char *dir)
{
        StateStore *s = NULL;

        ck_assert_int_eq(state_store_new(event, dir, &s), 0);
        ck_assert_ptr_nonnull(s);
        return s;
}

static int store_get(StateStore *s, const char *name)
{
        bool v = false;
        int r = state_store_get_output(s, name, &v);

        if (r == -ENOENT)
                return -1;
        ck_assert_int_eq(r, 0);
        return v;
}

/* What inih reads in the state file. */
typedef struct FileLookup {
        const char *name;
        int value; /* -1: not found */
        unsigned n_sections;
} FileLookup;

static int lookup_handler(void *user, const char *section, const char *key, const char *value)
{
        FileLookup *l = user;
        const char *name = strncmp(section, "output ", 7) == 0 ? section + 7 : NULL;

        if (strcmp(key, "value") != 0)
                return 0; /* the store only writes "value" keys */
        l->n_sections++;
        if (name && strcmp(name, l->name) == 0) {
                if (strcmp(value, "on") == 0)
                        l->value = 1;
                else if (strcmp(value, "off") == 0)
                        l->value = 0;
                else
                        return 0;
        }
        return 1;
}

/* The value the state file in dir holds for name: 1, 0, or -1 when absent (or no file). */
static int file_value(const char *dir, const char *name)
{
        char *path = t_path(dir, "outputs");
        FileLookup l = { .name = name, .value = -1 };
        int r;

        r = ini_parse(path, lookup_handler, &l);
        free(path);
        if (r == -1)
                return -1;
        ck_assert_msg(r == 0, "state file: inih error at line %d", r);
        return l.value;
}

static bool file_exists(const char *dir, const char *name)
{
        char *p = t_path(dir, name);
        bool b = access(p, F_OK) == 0;

        free(p);
        return b;
}

/* Runs the event loop until the file holds value for name or timeout_us passed. Returns
 * the time it took (µs), or UINT64_MAX on timeout. */
static uint64_t run_until_file_value(const char *name, int value, uint64_t timeout_us)
{
        uint64_t t0 = t_now_us();

        for (;;) {
                uint64_t now = t_now_us();

                if (file_value(tmpdir, name) == value)
                        return now - t0;
                if (now - t0 >= timeout_us)
                        return UINT64_MAX;
                ck_assert_int_ge(sd_event_run(event, 20000), 0);
        }
}

/* Runs the loop until the first write of name=value lands; fails the test if it does not. */
static void expect_next_write(const char *name, int value)
{
        /* Due at once: well within a (scaled) quarter second, accuracy included. */
        uint64_t took = run_until_file_value(name, value, 250000 * t_timeout_scale());

        ck_assert_msg(took != UINT64_MAX, "%s=%d was not written by the event loop", name, value);
}

START_TEST(test_new_empty_dir)
{
        StateStore *s = store_new(tmpdir);
        char *expected = t_path(tmpdir, "outputs");

        ck_assert_str_eq(state_store_get_path(s), expected);
        ck_assert_int_eq(store_get(s, "porch"), -1);
        /* Opening writes nothing; neither does a flush with nothing to write. */
        ck_assert_int_eq(state_store_flush(s), 0);
        ck_assert_uint_eq(t_count_dir_entries(tmpdir), 0);
        ck_assert_ptr_null(state_store_free(s));
        ck_assert_uint_eq(t_count_dir_entries(tmpdir), 0);
        free(expected);
}
END_TEST

START_TEST(test_set_get)
{
        StateStore *s = store_new(tmpdir);
        bool v = false;

        ck_assert_int_eq(state_store_set_output(s, "porch", true), 0);
        ck_assert_int_eq(state_store_set_output(s, "relay", false), 0);
        ck_assert_int_eq(state_store_get_output(s, "porch", &v), 0);
        ck_assert(v);
        ck_assert_int_eq(state_store_get_output(s, "relay", &v), 0);
        ck_assert(!v);
        ck_assert_int_eq(state_store_get_output(s, "other", &v), -ENOENT);

        ck_assert_int_eq(state_store_set_output(s, "porch", false), 0);
        ck_assert_int_eq(store_get(s, "porch"), 0);
        state_store_free(s);
}
END_TEST

START_TEST(test_values_survive_reload)
{
        StateStore *s = store_new(tmpdir);

        ck_assert_int_eq(state_store_set_output(s, "porch", true), 0);
        ck_assert_int_eq(state_store_set_output(s, "relay", false), 0);
        ck_assert_int_eq(state_store_set_output(s, "a.b-c_d", true), 0);
        state_store_free(s);

        s = store_new(tmpdir);
        ck_assert_int_eq(store_get(s, "porch"), 1);
        ck_assert_int_eq(store_get(s, "relay"), 0);
        ck_assert_int_eq(store_get(s, "a.b-c_d"), 1);
        ck_assert_int_eq(store_get(s, "nothing"), -1);

        /* Change one after the reload; the others are kept too. */
        ck_assert_int_eq(state_store_set_output(s, "relay", true), 0);
        state_store_free(s);
        s = store_new(tmpdir);
        ck_assert_int_eq(store_get(s, "porch"), 1);
        ck_assert_int_eq(store_get(s, "relay"), 1);
        ck_assert_int_eq(store_get(s, "a.b-c_d"), 1);
        state_store_free(s);
}
END_TEST

START_TEST(test_file_is_ini_without_leftovers)
{
        StateStore *s = store_new(tmpdir);
        struct stat st;
        char *path;

        ck_assert_int_eq(state_store_set_output(s, "porch", true), 0);
        ck_assert_int_eq(state_store_set_output(s, "relay", false), 0);
        ck_assert_int_eq(state_store_flush(s), 0);

        /* inih reads it, with the values set. */
        ck_assert_int_eq(file_value(tmpdir, "porch"), 1);
        ck_assert_int_eq(file_value(tmpdir, "relay"), 0);
        /* Only the state file: no temporary file left behind. */
        ck_assert(file_exists(tmpdir, "outputs"));
        ck_assert_uint_eq(t_count_dir_entries(tmpdir), 1);

        path = t_path(tmpdir, "outputs");
        ck_assert_int_eq(stat(path, &st), 0);
        ck_assert(S_ISREG(st.st_mode));
        ck_assert_uint_eq(st.st_mode & 07777, 0644);
        free(path);

        state_store_free(s);
        ck_assert_uint_eq(t_count_dir_entries(tmpdir), 1);
}
END_TEST

START_TEST(test_written_before_set_returns)
{
        StateStore *s = store_new(tmpdir);
        uint64_t t0, took;
        const unsigned n = 50;

        /* An acknowledged Set must survive kill -9: the file holds the value when set returns,
         * without the event loop running. */
        ck_assert_int_eq(state_store_set_output(s, "porch", true), 0);
        ck_assert_int_eq(file_value(tmpdir, "porch"), 1);
        ck_assert_int_eq(state_store_set_output(s, "relay", false), 0);
        ck_assert_int_eq(file_value(tmpdir, "relay"), 0);
        ck_assert_int_eq(file_value(tmpdir, "porch"), 1);

        /* What it costs per change (temporary file, fsync, rename, fsync of the directory). */
        t0 = t_now_us();
        for (unsigned i = 0; i < n; i++)
                ck_assert_int_eq(state_store_set_output(s, "porch", i % 2 == 0 ? false : true), 0);
        took = t_now_us() - t0;
        fprintf(stderr, "state: one write of the state file takes %.3f ms here\n", (double)took / n / 1e3);
        ck_assert_int_eq(file_value(tmpdir, "porch"), 1);
        ck_assert_uint_eq(t_count_dir_entries(tmpdir), 1);
        state_store_free(s);
}
END_TEST

START_TEST(test_every_change_written_at_once)
{
        StateStore *s = store_new(tmpdir);

        /* No rate limit any more: a second change within a second is written at once too. */
        ck_assert_int_eq(state_store_set_output(s, "porch", true), 0);
        ck_assert_int_eq(file_value(tmpdir, "porch"), 1);
        ck_assert_int_eq(state_store_set_output(s, "porch", false), 0);
        ck_assert_int_eq(file_value(tmpdir, "porch"), 0);
        ck_assert_int_eq(state_store_set_output(s, "a", true), 0);
        ck_assert_int_eq(state_store_set_output(s, "porch", true), 0);
        ck_assert_int_eq(file_value(tmpdir, "porch"), 1);
        ck_assert_int_eq(file_value(tmpdir, "a"), 1);
        ck_assert_uint_eq(t_count_dir_entries(tmpdir), 1);
        state_store_free(s);
}
END_TEST

/* Makes dir unwritable, as root too: a regular file where the directory should be. */
static void block_dir(const char *dir)
{
        t_write_file(dir, "not a directory\n");
}

START_TEST(test_failed_write_retried_until_it_succeeds)
{
        /* A write that fails (here: the state directory cannot be created; a full disk alike) is
         * retried on a timer, not only on the next different value. */
        char *dir = t_path(tmpdir, "state");
        StateStore *s;
        uint64_t t0;

        block_dir(dir);
        s = store_new(dir);
        ck_assert_int_eq(state_store_set_output(s, "porch", true), 0);
        ck_assert_int_eq(store_get(s, "porch"), 1);
        /* A few failed retries... */
        t0 = t_now_us();
        while (t_now_us() - t0 < 1500000)
                ck_assert_int_ge(sd_event_run(event, 100000), 0);
        /* ...then the disk has room again: written with no further change. */
        ck_assert_int_eq(unlink(dir), 0);
        t0 = t_now_us();
        while (file_value(dir, "porch") != 1) {
                ck_assert_msg(t_now_us() - t0 < 10 * STATE_RETRY_MAX_US * t_timeout_scale(),
                              "the failed write was never retried");
                ck_assert_int_ge(sd_event_run(event, 100000), 0);
        }
        /* Once it succeeded, nothing more is due. */
        ck_assert_int_eq(state_store_flush(s), 0);
        state_store_free(s);
        free(dir);
}
END_TEST

START_TEST(test_pending_written_by_free)
{
        char *dir = t_path(tmpdir, "state");
        StateStore *s;

        block_dir(dir);
        s = store_new(dir);
        ck_assert_int_eq(state_store_set_output(s, "porch", true), 0);
        ck_assert_int_eq(unlink(dir), 0);
        /* Still pending (the retry is not due yet): free writes it. */
        ck_assert_ptr_null(state_store_free(s));
        ck_assert_int_eq(file_value(dir, "porch"), 1);
        ck_assert_uint_eq(t_count_dir_entries(dir), 1);
        free(dir);
}
END_TEST

START_TEST(test_pending_written_by_flush)
{
        char *dir = t_path(tmpdir, "state");
        StateStore *s;

        block_dir(dir);
        s = store_new(dir);
        ck_assert_int_eq(state_store_set_output(s, "porch", true), 0);
        ck_assert_int_lt(state_store_flush(s), 0);
        ck_assert_int_eq(unlink(dir), 0);
        ck_assert_int_eq(state_store_flush(s), 0);
        ck_assert_int_eq(file_value(dir, "porch"), 1);
        /* Nothing pending any more: the timer has nothing to add. */
        ck_assert_int_eq(state_store_flush(s), 0);
        ck_assert_int_ge(sd_event_run(event, 0), 0);
        state_store_free(s);
        ck_assert_int_eq(file_value(dir, "porch"), 1);
        free(dir);
}
END_TEST

START_TEST(test_unchanged_value_not_written)
{
        StateStore *s = store_new(tmpdir);
        char *path = t_path(tmpdir, "outputs");

        ck_assert_int_eq(state_store_set_output(s, "porch", true), 0);
        expect_next_write("porch", 1);
        ck_assert_int_eq(unlink(path), 0);
        /* Setting the same value changes nothing, so nothing is written. */
        ck_assert_int_eq(state_store_set_output(s, "porch", true), 0);
        ck_assert_int_eq(state_store_flush(s), 0);
        ck_assert(!file_exists(tmpdir, "outputs"));
        state_store_free(s);
        ck_assert(!file_exists(tmpdir, "outputs"));
        free(path);
}
END_TEST

START_TEST(test_dir_created_on_first_write)
{
        char *dir = t_path(tmpdir, "state");
        StateStore *s = store_new(dir);

        ck_assert(!file_exists(tmpdir, "state"));
        ck_assert_int_eq(state_store_set_output(s, "porch", true), 0);
        ck_assert_int_eq(state_store_flush(s), 0);
        ck_assert_int_eq(file_value(dir, "porch"), 1);
        state_store_free(s);
        free(dir);
}
END_TEST

START_TEST(test_malformed_file_partial)
{
        char *path = t_path(tmpdir, "outputs");
        StateStore *s;

        t_write_file(path, "[output a]\n"
                           "value = on\n"
                           "this line is not INI\n"
                           "[output b]\n"
                           "value = maybe\n"
                           "[output c]\n"
                           "value = off\n");
        s = store_new(tmpdir);
        /* What precedes the damage is kept; the bad entry is not invented. */
        ck_assert_int_eq(store_get(s, "a"), 1);
        ck_assert_int_eq(store_get(s, "b"), -1);
        /* The store still works and rewrites a clean file. */
        ck_assert_int_eq(state_store_set_output(s, "d", true), 0);
        ck_assert_int_eq(state_store_flush(s), 0);
        state_store_free(s);
        ck_assert_int_eq(file_value(tmpdir, "a"), 1);
        ck_assert_int_eq(file_value(tmpdir, "d"), 1);
        free(path);
}
END_TEST

START_TEST(test_garbage_file)
{
        char *path = t_path(tmpdir, "outputs");
        static const char garbage[] = "\x01\x02\xff\xfe[[[=\n\n=\n]]]\x7f value = on\n[output\n";
        StateStore *s;

        t_write_file(path, garbage);
        s = store_new(tmpdir);
        ck_assert_int_eq(store_get(s, "a"), -1);
        ck_assert_int_eq(state_store_set_output(s, "a", false), 0);
        ck_assert_int_eq(state_store_flush(s), 0);
        ck_assert_int_eq(file_value(tmpdir, "a"), 0);
        state_store_free(s);
        free(path);
}
END_TEST

START_TEST(test_unknown_entries_ignored)
{
        char *path = t_path(tmpdir, "outputs");
        StateStore *s;

        t_write_file(path, "# from a newer pinbusd\n"
                           "[button x]\n"
                           "value = on\n"
                           "[output a]\n"
                           "colour = red\n"
                           "value = on\n"
                           "[output b]\n"
                           "value = off\n");
        s = store_new(tmpdir);
        ck_assert_int_eq(store_get(s, "a"), 1);
        ck_assert_int_eq(store_get(s, "b"), 0);
        ck_assert_int_eq(store_get(s, "x"), -1);
        state_store_free(s);
        free(path);
}
END_TEST

START_TEST(test_unreadable_state_is_empty)
{
        /* The state "file" is a directory: unreadable, so the store starts empty. */
        char *path = t_path(tmpdir, "outputs");
        StateStore *s;

        ck_assert_int_eq(mkdir(path, 0755), 0);
        s = store_new(tmpdir);
        ck_assert_int_eq(store_get(s, "a"), -1);
        state_store_free(s);
        free(path);
}
END_TEST

START_TEST(test_fifo_state_is_empty)
{
        /* A FIFO would block the read (and READY) forever: refused at once, the store starts empty. */
        char *path = t_path(tmpdir, "outputs");
        StateStore *s;

        ck_assert_int_eq(mkfifo(path, 0644), 0);
        s = store_new(tmpdir);
        ck_assert_int_eq(store_get(s, "a"), -1);
        ck_assert_ptr_nonnull(state_store_get_warnings(s));
        ck_assert_msg(strstr(state_store_get_warnings(s)[0], "outputs: not a regular file (a FIFO)"), "%s",
                      state_store_get_warnings(s)[0]);
        state_store_free(s);
        free(path);
}
END_TEST

START_TEST(test_dev_zero_state_is_empty)
{
        char *path = t_path(tmpdir, "outputs");
        StateStore *s;

        ck_assert_int_eq(symlink("/dev/zero", path), 0);
        s = store_new(tmpdir);
        ck_assert_int_eq(store_get(s, "a"), -1);
        ck_assert_ptr_nonnull(state_store_get_warnings(s));
        ck_assert_msg(
                strstr(state_store_get_warnings(s)[0], "outputs: not a regular file (a character device)"),
                "%s", state_store_get_warnings(s)[0]);
        state_store_free(s);
        free(path);
}
END_TEST

/* Writes n bytes (NULs allowed) to path. */
static void write_bytes(const char *path, const char *data, size_t n)
{
        FILE *f = fopen(path, "we");

        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(data, 1, n, f), n);
        ck_assert_int_eq(fclose(f), 0);
}

/* Whether one of the store's warnings starts with "<state file>:<line>: " and contains sub. */
static bool has_warning(StateStore *s, unsigned line, const char *sub)
{
        char *prefix = NULL;
        bool found = false;

        ck_assert_int_ge(asprintf(&prefix, "%s:%u: ", state_store_get_path(s), line), 0);
        for (char *const *w = state_store_get_warnings(s); w && *w; w++) {
                if (strncmp(*w, prefix, strlen(prefix)) == 0 && strstr(*w, sub))
                        found = true;
                for (const char *c = *w; *c; c++)
                        ck_assert_msg((unsigned char)*c >= 0x20 && *c != 0x7f, "raw control byte in %s", *w);
        }
        if (!found)
                for (char *const *w = state_store_get_warnings(s); w && *w; w++)
                        fprintf(stderr, "    %s\n", *w);
        free(prefix);
        return found;
}

START_TEST(test_nul_after_value_is_not_off)
{
        /* "value = on\0": inih would see "on" cut short or the line dropped; it must not restore
         * the output off. The entry is ignored, with a warning naming file:line. */
        static const char text[] = "[output a]\nvalue = on\0\n[output b]\nvalue = on\n";
        char *path = t_path(tmpdir, "outputs");
        StateStore *s;

        write_bytes(path, text, sizeof(text) - 1);
        s = store_new(tmpdir);
        ck_assert_int_eq(store_get(s, "a"), -1);
        ck_assert_int_eq(store_get(s, "b"), 1);
        ck_assert(has_warning(s, 2, "NUL byte"));
        state_store_free(s);
        free(path);
}
END_TEST

START_TEST(test_control_bytes_in_state)
{
        static const char text[] = "[output \x1b[31ma]\nvalue = on\n[output b]\nvalue = o\rff\n"
                                   "\0[output c]\nvalue = on\n[output d]\nvalue = off\n";
        char *path = t_path(tmpdir, "outputs");
        StateStore *s;

        write_bytes(path, text, sizeof(text) - 1);
        s = store_new(tmpdir);
        ck_assert(has_warning(s, 1, "control character \\x1b"));
        ck_assert(has_warning(s, 4, "control character \\r"));
        ck_assert(has_warning(s, 5, "NUL byte"));
        ck_assert_int_eq(store_get(s, "b"), -1);
        /* The value after the refused [output c] header belongs to no output. */
        ck_assert_int_eq(store_get(s, "c"), -1);
        ck_assert_int_eq(store_get(s, "d"), 0);
        state_store_free(s);
        free(path);
}
END_TEST

START_TEST(test_file_of_nuls_state)
{
        char text[1000] = {};
        char *path = t_path(tmpdir, "outputs");
        StateStore *s;

        write_bytes(path, text, sizeof(text));
        s = store_new(tmpdir);
        ck_assert(has_warning(s, 1, "NUL byte"));
        state_store_free(s);
        free(path);
}
END_TEST

START_TEST(test_unwritable_dir)
{
        char *file = t_path(tmpdir, "file");
        char *dir = t_path(file, "state");
        StateStore *s;

        t_write_file(file, "a regular file\n");
        s = store_new(dir);
        /* The write fails, but set does not: the value is kept in memory. */
        ck_assert_int_eq(state_store_set_output(s, "porch", true), 0);
        ck_assert_int_eq(store_get(s, "porch"), 1);
        ck_assert_int_lt(state_store_flush(s), 0);
        ck_assert_int_eq(state_store_set_output(s, "porch", false), 0);
        ck_assert_int_eq(state_store_set_output(s, "relay", true), 0);
        ck_assert_int_lt(state_store_flush(s), 0);
        ck_assert_int_eq(store_get(s, "porch"), 0);
        /* The event loop copes with a failing deferred write too. */
        ck_assert_int_ge(sd_event_run(event, 0), 0);
        ck_assert_ptr_null(state_store_free(s));
        /* Only the regular file is there. */
        ck_assert_uint_eq(t_count_dir_entries(tmpdir), 1);
        free(dir);
        free(file);
}
END_TEST

START_TEST(test_100k_entries)
{
        /* Startup was quadratic in the entries (a linear search per entry): 20k took 4 s and
         * 50k never got READY. The figure is printed, not asserted: hosts differ. */
        const unsigned n = 100000;
        char *path = t_path(tmpdir, "outputs");
        FILE *f = fopen(path, "we");
        uint64_t t0, t1, t2;
        char name[32];
        StateStore *s;

        ck_assert_ptr_nonnull(f);
        for (unsigned i = 0; i < n; i++)
                fprintf(f, "[output out%u]\nvalue = %s\n", i, i % 3 == 0 ? "on" : "off");
        /* A later entry for the same output wins. */
        fprintf(f, "[output out7]\nvalue = on\n");
        ck_assert_int_eq(fclose(f), 0);

        t0 = t_now_us();
        s = store_new(tmpdir);
        t1 = t_now_us();
        for (unsigned i = 0; i < n; i++) {
                snprintf(name, sizeof(name), "out%u", i);
                ck_assert_int_eq(store_get(s, name), i % 3 == 0 || i == 7);
        }
        t2 = t_now_us();
        ck_assert_int_eq(store_get(s, "out100000"), -1);
        ck_assert_ptr_null(state_store_get_warnings(s));
        fprintf(stderr, "state: %u entries loaded in %.3f s, looked up in %.3f s\n", n,
                (double)(t1 - t0) / 1e6, (double)(t2 - t1) / 1e6);

        /* Written back whole, and read again. */
        ck_assert_int_eq(state_store_set_output(s, "out1", true), 0);
        ck_assert_int_eq(state_store_flush(s), 0);
        state_store_free(s);
        s = store_new(tmpdir);
        ck_assert_int_eq(store_get(s, "out1"), 1);
        ck_assert_int_eq(store_get(s, "out2"), 0);
        ck_assert_int_eq(store_get(s, "out99999"), 1);
        state_store_free(s);
        free(path);
}
END_TEST

START_TEST(test_warnings_are_bounded)
{
        /* A large damaged file is not logged line by line: at most STATE_WARNINGS_MAX warnings and
         * one saying the rest were left out; the good entries are still read. */
        char *path = t_path(tmpdir, "outputs");
        FILE *f = fopen(path, "we");
        StateStore *s;
        size_t n;

        ck_assert_ptr_nonnull(f);
        for (unsigned i = 0; i < 5000; i++)
                fprintf(f, "[output bad%u]\nvalue = maybe\n", i);
        fprintf(f, "[output good]\nvalue = on\n");
        ck_assert_int_eq(fclose(f), 0);
        s = store_new(tmpdir);
        n = 0;
        for (char *const *w = state_store_get_warnings(s); w && *w; w++)
                n++;
        ck_assert_uint_eq(n, STATE_WARNINGS_MAX + 1);
        ck_assert_ptr_nonnull(strstr(state_store_get_warnings(s)[n - 1], "more warnings left out"));
        ck_assert_int_eq(store_get(s, "good"), 1);
        state_store_free(s);
        free(path);
}
END_TEST

START_TEST(test_free_null)
{
        ck_assert_ptr_null(state_store_free(NULL));
        ck_assert_int_eq(state_store_flush(NULL), 0);
}
END_TEST

static Suite *state_suite(void)
{
        Suite *s = suite_create("state");
        TCase *tc;

        tc = tcase_create("store");
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 30);
        tcase_add_test(tc, test_new_empty_dir);
        tcase_add_test(tc, test_set_get);
        tcase_add_test(tc, test_values_survive_reload);
        tcase_add_test(tc, test_file_is_ini_without_leftovers);
        tcase_add_test(tc, test_written_before_set_returns);
        tcase_add_test(tc, test_every_change_written_at_once);
        tcase_add_test(tc, test_failed_write_retried_until_it_succeeds);
        tcase_add_test(tc, test_pending_written_by_free);
        tcase_add_test(tc, test_pending_written_by_flush);
        tcase_add_test(tc, test_unchanged_value_not_written);
        tcase_add_test(tc, test_dir_created_on_first_write);
        tcase_add_test(tc, test_malformed_file_partial);
        tcase_add_test(tc, test_garbage_file);
        tcase_add_test(tc, test_unknown_entries_ignored);
        tcase_add_test(tc, test_unreadable_state_is_empty);
        tcase_add_test(tc, test_fifo_state_is_empty);
        tcase_add_test(tc, test_dev_zero_state_is_empty);
        tcase_add_test(tc, test_unwritable_dir);
        tcase_add_test(tc, test_nul_after_value_is_not_off);
        tcase_add_test(tc, test_control_bytes_in_state);
        tcase_add_test(tc, test_file_of_nuls_state);
        tcase_add_test(tc, test_free_null);
        tcase_add_test(tc, test_warnings_are_bounded);
        tcase_add_test(tc, test_100k_entries);
        suite_add_tcase(s, tc);

        return s;
}

int main(void)
{
        return t_run_suite(state_suite());
}
