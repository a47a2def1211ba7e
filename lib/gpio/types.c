/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <strings.h>

#include "gpio/types.h"
#include "util/macro.h"

static const char *const direction_table[_PB_DIRECTION_MAX] = {
        [PB_DIRECTION_AS_IS] = "as-is",
        [PB_DIRECTION_INPUT] = "input",
        [PB_DIRECTION_OUTPUT] = "output",
};

static const char *const bias_table[_PB_BIAS_MAX] = {
        [PB_BIAS_AS_IS] = "as-is",
        [PB_BIAS_DISABLED] = "disabled",
        [PB_BIAS_PULL_UP] = "pull-up",
        [PB_BIAS_PULL_DOWN] = "pull-down",
};

static const char *const drive_table[_PB_DRIVE_MAX] = {
        [PB_DRIVE_PUSH_PULL] = "push-pull",
        [PB_DRIVE_OPEN_DRAIN] = "open-drain",
        [PB_DRIVE_OPEN_SOURCE] = "open-source",
};

static const char *const edge_table[_PB_EDGE_MAX] = {
        [PB_EDGE_NONE] = "none",
        [PB_EDGE_RISING] = "rising",
        [PB_EDGE_FALLING] = "falling",
        [PB_EDGE_BOTH] = "both",
};

static const char *table_to_string(const char *const *table, size_t n, int v)
{
        if (v < 0 || (size_t)v >= n)
                return NULL;
        return table[v];
}

static int table_from_string(const char *const *table, size_t n, const char *s)
{
        if (!s)
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if (streq(table[i], s))
                        return (int)i;
        return -EINVAL;
}

#define DEFINE_STRING_TABLE(name, type, table)                            \
        const char *pb_##name##_to_string(type v)                         \
        {                                                                 \
                return table_to_string(table, ELEMENTSOF(table), (int)v); \
        }                                                                 \
        int pb_##name##_from_string(const char *s)                        \
        {                                                                 \
                return table_from_string(table, ELEMENTSOF(table), s);    \
        }

DEFINE_STRING_TABLE(direction, PbDirection, direction_table)
DEFINE_STRING_TABLE(bias, PbBias, bias_table)
DEFINE_STRING_TABLE(drive, PbDrive, drive_table)
DEFINE_STRING_TABLE(edge, PbEdge, edge_table)

int pb_parse_boolean(const char *s)
{
        static const char *const yes[] = { "1", "yes", "true", "on" };
        static const char *const no[] = { "0", "no", "false", "off" };

        if (!s)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcasecmp(s, yes[i]) == 0)
                        return 1;
                if (strcasecmp(s, no[i]) == 0)
                        return 0;
        }
        return -EINVAL;
}

int pb_line_settings_validate(const PbLineSettings *s, const char **ret_reason)
{
        const char *reason = NULL;

        if (!s)
                return -EINVAL;

        if ((unsigned)s->direction >= _PB_DIRECTION_MAX)
                reason = "'direction' is out of range";
        else if ((unsigned)s->bias >= _PB_BIAS_MAX)
                reason = "'bias' is out of range";
        else if ((unsigned)s->drive >= _PB_DRIVE_MAX)
                reason = "'drive' is out of range";
        else if ((unsigned)s->edge >= _PB_EDGE_MAX)
                reason = "'edge' is out of range";
        else if (s->edge != PB_EDGE_NONE && s->direction != PB_DIRECTION_INPUT)
                reason = "'edge' needs direction=input";
        else if (s->debounce_us > 0 && s->direction != PB_DIRECTION_INPUT)
                reason = "'debounce-us' needs direction=input";
        else if (s->debounce_us > PB_DEBOUNCE_US_MAX)
                reason = "'debounce-us' is larger than the kernel's limit of 4294967295 µs";
        else if (s->drive != PB_DRIVE_PUSH_PULL && s->direction != PB_DIRECTION_OUTPUT)
                reason = "'drive' needs direction=output";
        else if (s->bias != PB_BIAS_AS_IS && s->direction == PB_DIRECTION_AS_IS)
                reason = "'bias' needs an explicit direction";

        if (ret_reason)
                *ret_reason = reason;
        return reason ? -EINVAL : 0;
}
