/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* libFuzzer target: the state reader (state_store_new() on a state file of any bytes). */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

#include "config/state.h"
#include "log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/pinbus-fuzz-state-XXXXXX";
static char path[sizeof(dir) + 16];
static sd_event *event;

static void cleanup(void)
{
        (void)unlink(path);
        (void)rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        /* Each bad line is a warning: not on stderr millions of times. */
        log_set_max_level(LOG_CRIT);
        if (!mkdtemp(dir) || sd_event_new(&event) < 0)
                abort();
        snprintf(path, sizeof(path), "%s/outputs", dir);
        atexit(cleanup);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        StateStore *s = NULL;
        FILE *f = fopen(path, "we");
        bool v;

        if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
                abort();
        if (state_store_new(event, dir, &s) < 0)
                return 0;
        (void)state_store_get_output(s, "a", &v);
        for (char *const *w = state_store_get_warnings(s); w && *w; w++)
                for (const char *ch = *w; *ch; ch++)
                        if ((unsigned char)*ch < 0x20 || *ch == 0x7f)
                                __builtin_trap();
        /* Nothing was changed: freeing writes nothing. */
        state_store_free(s);
        return 0;
}
