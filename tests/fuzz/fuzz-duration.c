/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* libFuzzer target: the duration parser (lib/util/duration.h) on any string. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/duration.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = strndup((const char *)data, size);
        uint64_t us = 0, again = 0;

        if (!s)
                return 0;
        /* Deterministic: the same text gives the same answer. */
        if ((pb_parse_duration_us(s, &us) >= 0) != (pb_parse_duration_us(s, &again) >= 0) || us != again)
                __builtin_trap();
        free(s);
        return 0;
}
