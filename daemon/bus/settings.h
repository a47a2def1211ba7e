/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

#include "gpio/types.h"

/* What ClaimLine's a{sv} settings ask for. */
typedef struct ClaimSettings {
        PbLineSettings settings; /* starts as PB_LINE_SETTINGS_INPUT */
        bool value_given;        /* the 'value' key was present */
        bool persist;
} ClaimSettings;

/*
 * Reads an a{sv} of line settings from m for line (a name, for messages).
 * Keys: direction s (input|output), bias s (as-is|disabled|pull-up|pull-down),
 * drive s (push-pull|open-drain|open-source), edge s (none|rising|falling|both),
 * active-low b, debounce-us t (µs; any unsigned or non-negative integer type is
 * accepted), value b, persist b. Fails with InvalidArgs naming the key and the
 * line for an unknown or repeated key, a wrong D-Bus type, a bad value, or
 * settings that do not fit together.
 */
int bus_message_read_claim_settings(sd_bus_message *m, const char *line, ClaimSettings *ret,
                                    sd_bus_error *error);
