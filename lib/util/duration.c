/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "util/duration.h"
#include "util/macro.h"

/* Largest duration accepted: intervals of the button machine must stay below 2^63 ns. */
#define DURATION_US_MAX ((uint64_t)INT64_MAX / NSEC_PER_USEC)

static const struct {
        const char *suffix;
        uint64_t us;
} units[] = {
        { "us", 1 },
        { "\xC2\xB5s", 1 }, /* µs */
        { "ms", USEC_PER_MSEC },
        { "s", USEC_PER_SEC },
        { "sec", USEC_PER_SEC },
        { "min", 60 * USEC_PER_SEC },
        { "h", 3600 * USEC_PER_SEC },
};

int pb_parse_duration_us(const char *s, uint64_t *ret_us)
{
        uint64_t whole = 0, frac = 0, frac_scale = 1, unit = 0, v;
        const char *p = s;
        bool digits = false;

        if (!s || !ret_us)
                return -EINVAL;
        while (*p == ' ' || *p == '\t')
                p++;
        for (; *p >= '0' && *p <= '9'; p++) {
                if (whole > (UINT64_MAX - 9) / 10)
                        return -ERANGE;
                whole = whole * 10 + (uint64_t)(*p - '0');
                digits = true;
        }
        if (*p == '.') {
                p++;
                for (; *p >= '0' && *p <= '9'; p++) {
                        if (frac_scale >= 1000000000ULL)
                                return -EINVAL; /* more digits than any unit can use */
                        frac = frac * 10 + (uint64_t)(*p - '0');
                        frac_scale *= 10;
                        digits = true;
                }
        }
        if (!digits)
                return -EINVAL;
        while (*p == ' ' || *p == '\t')
                p++;

        if (*p == '\0') {
                /* Only zero needs no unit. */
                if (whole != 0 || frac != 0)
                        return -EINVAL;
                *ret_us = 0;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if (streq(p, units[i].suffix))
                        unit = units[i].us;
        if (unit == 0)
                return -EINVAL;

        if (whole > DURATION_US_MAX / unit)
                return -ERANGE;
        v = whole * unit;
        /* The fraction must be a whole number of µs. */
        if ((frac * unit) % frac_scale != 0)
                return -EINVAL;
        v += frac * unit / frac_scale;
        if (v > DURATION_US_MAX)
                return -ERANGE;
        *ret_us = v;
        return 0;
}
