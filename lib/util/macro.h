/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Small helpers shared by the library and the daemon: ownership through
 * _cleanup_ attributes, pointer/fd hand-over, a few string predicates, time units and the
 * monotonic clock.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define _cleanup_(f)   __attribute__((cleanup(f)))
#define _unused_       __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _pure_         __attribute__((pure))

#define ELEMENTSOF(x)  (sizeof(x) / sizeof((x)[0]))

/* Hand ownership of a pointer or fd to someone else: the variable becomes empty. */
#define TAKE_PTR(p)                      \
        ({                               \
                __typeof__(p) _p_ = (p); \
                (p) = NULL;              \
                _p_;                     \
        })
#define TAKE_FD(fd)              \
        ({                       \
                int _fd_ = (fd); \
                (fd) = -1;       \
                _fd_;            \
        })

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

/* Defines funcp(type *p) calling func(*p) when *p is non-NULL, for _cleanup_(). */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func) \
        static inline void func##p(type *p)     \
        {                                       \
                if (*p)                         \
                        func(*p);               \
        }

static inline void freep(void *p)
{
        free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

/* free() that returns NULL, for "p = mfree(p)". */
static inline void *mfree(void *p)
{
        free(p);
        return NULL;
}

static inline void closep(int *fd)
{
        if (*fd >= 0)
                close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f)
{
        if (*f)
                fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Frees a NULL-terminated array of strings and the array itself. */
static inline void strv_free(char **l)
{
        if (!l)
                return;
        for (char **i = l; *i; i++)
                free(*i);
        free(l);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free)
#define _cleanup_strv_free_ _cleanup_(strv_freep)

static inline bool streq(const char *a, const char *b)
{
        return strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b)
{
        if (!a || !b)
                return a == b;
        return streq(a, b);
}

static inline bool isempty(const char *s)
{
        return !s || s[0] == '\0';
}

static inline const char *strempty(const char *s)
{
        return s ?: "";
}

/* Returns the suffix of s after prefix, or NULL if s does not start with prefix. */
static inline const char *startswith(const char *s, const char *prefix)
{
        size_t l = strlen(prefix);
        return strncmp(s, prefix, l) == 0 ? s + l : NULL;
}

#define NSEC_PER_USEC ((uint64_t)1000ULL)
#define NSEC_PER_MSEC ((uint64_t)1000000ULL)
#define NSEC_PER_SEC  ((uint64_t)1000000000ULL)
#define USEC_PER_MSEC ((uint64_t)1000ULL)
#define USEC_PER_SEC  ((uint64_t)1000000ULL)

/* CLOCK_MONOTONIC now, in ns: the clock of every timestamp pinbus sends (the kernel's edge
 * events, the simulator's, the button machine's). It cannot fail for this clock. */
static inline uint64_t monotonic_ns(void)
{
        struct timespec ts;

        (void)clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}
