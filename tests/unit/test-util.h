/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Helpers shared by the unit test programs: temporary directories, file
 * contents, CLOCK_MONOTONIC, the timeout scale of slow setups (valgrind) and
 * running a Check suite. Everything here is static: each test program is one
 * translation unit plus this header.
 *
 * Tests must pass with CK_FORK=no (meson test --setup=valgrind): no state
 * survives from one test to the next, and everything a passing test allocates
 * is freed.
 */

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ELEMENTSOF_T(x) (sizeof(x) / sizeof((x)[0]))

#define T_NSEC_PER_USEC 1000ULL
#define T_NSEC_PER_MSEC 1000000ULL
#define T_NSEC_PER_SEC  1000000000ULL
#define T_USEC_PER_MSEC 1000ULL

static inline uint64_t t_now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline uint64_t t_now_us(void)
{
        return t_now_ns() / T_NSEC_PER_USEC;
}

static inline void t_sleep_us(uint64_t usec)
{
        struct timespec ts = { .tv_sec = (time_t)(usec / 1000000),
                               .tv_nsec = (long)(usec % 1000000) * 1000 };

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

/* PINBUS_TEST_TIMEOUT_SCALE (set by the valgrind and asan setups) stretches deadlines. */
static inline unsigned t_timeout_scale(void)
{
        const char *e = getenv("PINBUS_TEST_TIMEOUT_SCALE");
        long v = e ? strtol(e, NULL, 10) : 1;

        return v >= 1 && v <= 1000 ? (unsigned)v : 1;
}

/* Where the tests' temporary directories go: one directory per run of the program,
 * removed by t_run_suites() even when a forked test failed before its teardown. */
static char *t_base_dir;

static inline char *t_mkdtemp_in(const char *base)
{
        char *p;

        ck_assert_int_ge(asprintf(&p, "%s/pinbus-unit-XXXXXX", base), 0);
        ck_assert_msg(mkdtemp(p), "mkdtemp(%s): %s", p, strerror(errno));
        return p;
}

/* Creates a fresh temporary directory; returns a malloc'd path. */
static inline char *t_mkdtemp(void)
{
        const char *base = t_base_dir ?: getenv("TMPDIR");

        return t_mkdtemp_in(base && *base ? base : "/tmp");
}

static int t_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st;
        (void)ftw;
        if (flag == FTW_DP || flag == FTW_D || flag == FTW_DNR)
                return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
        return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* Removes path and everything below it (restoring permissions first is the caller's job). */
static inline void t_rm_rf(const char *path)
{
        if (path)
                (void)nftw(path, t_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline char *t_path(const char *dir, const char *name)
{
        char *p;

        ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
        return p;
}

/* Writes contents to path (creating or truncating it). */
static inline void t_write_file(const char *path, const char *contents)
{
        FILE *f = fopen(path, "we");

        ck_assert_msg(f, "fopen(%s): %s", path, strerror(errno));
        if (contents[0])
                ck_assert_int_ge(fputs(contents, f), 0);
        ck_assert_int_eq(fclose(f), 0);
}

/* Reads a whole file; NULL (errno set) if it cannot be opened. */
static inline char *t_read_file(const char *path)
{
        FILE *f = fopen(path, "re");
        char *buf = NULL;
        size_t size = 0;

        if (!f)
                return NULL;
        {
                FILE *m = open_memstream(&buf, &size);
                char chunk[4096];
                size_t k;

                ck_assert_ptr_nonnull(m);
                while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
                        ck_assert_uint_eq(fwrite(chunk, 1, k, m), k);
                ck_assert_int_eq(fclose(m), 0);
        }
        fclose(f);
        return buf;
}

/* Number of entries in dir other than "." and "..". */
static inline unsigned t_count_dir_entries(const char *dir)
{
        DIR *d = opendir(dir);
        unsigned n = 0;

        ck_assert_msg(d, "opendir(%s): %s", dir, strerror(errno));
        for (struct dirent *de; (de = readdir(d));)
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, ".."))
                        n++;
        closedir(d);
        return n;
}

/*
 * Cleanups deferred to the end of the test (run them from a checked fixture's
 * teardown), so that a failing assertion, which leaves the test function
 * early, leaks nothing under CK_FORK=no either.
 */
typedef struct TDeferred {
        void (*fn)(void *p);
        void *p;
} TDeferred;

static TDeferred t_deferred[512];
static size_t t_n_deferred;

static inline void *t_defer(void (*fn)(void *p), void *p)
{
        ck_assert_uint_lt(t_n_deferred, ELEMENTSOF_T(t_deferred));
        t_deferred[t_n_deferred++] = (TDeferred){ .fn = fn, .p = p };
        return p;
}

static inline void t_run_deferred(void)
{
        while (t_n_deferred > 0) {
                TDeferred *d = &t_deferred[--t_n_deferred];

                d->fn(d->p);
        }
}

/* A formatted string freed at the end of the test. */
static inline char *t_fmt(const char *format, ...) __attribute__((format(printf, 1, 2)));
static inline char *t_fmt(const char *format, ...)
{
        va_list ap;
        char *s;
        int r;

        va_start(ap, format);
        r = vasprintf(&s, format, ap);
        va_end(ap);
        ck_assert_int_ge(r, 0);
        return t_defer(free, s);
}

/* Runs the n suites and returns the process exit status. */
static inline int t_run_suites(Suite **suites, size_t n)
{
        const char *tmp = getenv("TMPDIR");
        SRunner *sr;
        int failed;

        /* Outside of a test: no ck_assert here. */
        if (asprintf(&t_base_dir, "%s/pinbus-unit-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0 ||
            !mkdtemp(t_base_dir)) {
                fprintf(stderr, "cannot create a temporary directory: %s\n", strerror(errno));
                return EXIT_FAILURE;
        }
        sr = srunner_create(suites[0]);
        for (size_t i = 1; i < n; i++)
                srunner_add_suite(sr, suites[i]);
        srunner_run_all(sr, CK_ENV);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        t_rm_rf(t_base_dir);
        free(t_base_dir);
        t_base_dir = NULL;
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static inline int t_run_suite(Suite *s)
{
        return t_run_suites(&s, 1);
}
