/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* libFuzzer target: the line-spec parser (lib/gpio/line-spec.h) on any string. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpio/line-spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = strndup((const char *)data, size); /* up to the first NUL, as a D-Bus string */
        const char *reason = NULL;
        PbLineSpec spec;

        if (!s)
                return 0;
        if (pb_line_spec_parse(s, &spec, &reason) >= 0) {
                /* A parsed spec names a line, or a chip (not empty) and an offset. */
                if (spec.kind == PB_LINE_SPEC_NAME ? !spec.name : !spec.chip || !spec.chip[0])
                        __builtin_trap();
                pb_line_spec_done(&spec);
        } else if (reason && strlen(reason) == 0)
                __builtin_trap();
        free(s);
        return 0;
}
