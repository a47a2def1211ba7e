/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The [output NAME] sections of the config. An output holds its line as an
 * output for as long as the daemon runs (a LineHolder anyone may drive); with
 * restore=yes its settled value (what Set/Toggle leave, what a Pulse or Blink
 * ends on) is saved and comes back at the next start. When its chip goes away
 * it waits, and takes the line again with its last settled value when lines
 * appear.
 */

#include "core/daemon.h"

/* Creates the output for cfg (copied) and watches for lines appearing. Errors: -ENOMEM. */
int output_new(Daemon *d, const OutputConfig *cfg, Output **ret);

/* Frees the output (its line is released by the line's own teardown). Returns NULL. */
Output *output_free(Output *o);

/* Finds the output's line and holds it with the configured settings and the
 * initial (or restored) value; called again when the line came back after it
 * went away, it drives the value the output last settled at. Failures are
 * logged and leave the output without a line; it never fails the daemon. */
void output_start(Output *o);

const char *output_get_name(const Output *o);
/* The line it drives, NULL while it has none. */
Line *output_get_line(const Output *o);
/* The logical value it drives (or will start with). */
bool output_get_value(const Output *o);
/* Whether its settled value is saved and restored (restore=yes). */
bool output_get_restore(const Output *o);

/* The path the front end publishes it at, set by the front end and owned by the output. */
void output_set_path(Output *o, char *path);
const char *output_get_path(const Output *o);

/*
 * Drive the output's line, as line_set(), line_toggle(), line_pulse() and
 * line_blink() do for the daemon itself (the output holds its line, so no
 * claim is needed). Errors: NO_SUCH_LINE (-ENODEV) while the output has no
 * line; those of the line functions.
 */
int output_set(Output *o, bool value, CoreError *error);
int output_toggle(Output *o, CoreError *error);
int output_pulse(Output *o, bool value, uint64_t duration_us, CoreError *error);
int output_blink(Output *o, uint64_t on_us, uint64_t off_us, uint32_t count, CoreError *error);
