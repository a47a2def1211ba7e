/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <limits.h>
#include <stdint.h>

#include "gpio/line-spec.h"
#include "util/macro.h"

static int fail(const char **ret_reason, const char *reason)
{
        if (ret_reason)
                *ret_reason = reason;
        return -EINVAL;
}

int pb_line_spec_parse(const char *spec, PbLineSpec *ret, const char **ret_reason)
{
        const char *colon;

        if (!spec || !ret)
                return -EINVAL;
        *ret = (PbLineSpec){};
        if (ret_reason)
                *ret_reason = NULL;

        if (isempty(spec))
                return fail(ret_reason, "is empty");

        colon = strrchr(spec, ':');
        if (!colon) {
                ret->kind = PB_LINE_SPEC_NAME;
                ret->name = strdup(spec);
                return ret->name ? 0 : -ENOMEM;
        }

        if (colon == spec)
                return fail(ret_reason, "has no chip before ':'");
        if (colon[1] == '\0')
                return fail(ret_reason, "has no offset after ':'");

        /* uint64_t, not unsigned long: on 32-bit, unsigned long is no wider than unsigned, so
         * the range check below could never fire and 4294967296 would wrap to 0. Checking after
         * every digit keeps v below 10 * 2^32, far from uint64_t's own limit. */
        uint64_t v = 0;
        for (const char *p = colon + 1; *p; p++) {
                if (*p < '0' || *p > '9')
                        return fail(ret_reason, "has an offset that is not a decimal number");
                v = v * 10 + (uint64_t)(*p - '0');
                if (v > UINT_MAX)
                        return fail(ret_reason, "has an offset out of range");
        }

        ret->kind = PB_LINE_SPEC_CHIP_OFFSET;
        ret->offset = (unsigned)v;
        ret->chip = strndup(spec, (size_t)(colon - spec));
        return ret->chip ? 0 : -ENOMEM;
}

void pb_line_spec_done(PbLineSpec *spec)
{
        if (!spec)
                return;
        free(spec->name);
        free(spec->chip);
        *spec = (PbLineSpec){};
}
