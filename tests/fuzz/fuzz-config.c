/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* libFuzzer target: the configuration reader (config_parse_data(), then config_validate()) on
 * any bytes as one file. */

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "util/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        Config *c = config_new();
        char **errors = NULL;

        if (!c)
                return 0;
        if (config_parse_data(c, "fuzz.conf", (const char *)data, size, &errors) != -ENOMEM)
                (void)config_validate(c, &errors);
        /* Every message is "<file>:<line>: ..." or "<file>: ...", with no raw control byte. */
        for (char **e = errors; e && *e; e++) {
                if (strncmp(*e, "fuzz.conf:", 10) != 0)
                        __builtin_trap();
                for (const char *ch = *e; *ch; ch++)
                        if ((unsigned char)*ch < 0x20 || *ch == 0x7f)
                                __builtin_trap();
        }
        strv_free(errors);
        config_free(c);
        return 0;
}
