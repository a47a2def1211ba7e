/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * io.pinbus1.Output objects at /io/pinbus1/output/<name>: the [output NAME]
 * sections of the config. An output holds its line as an output for as long as
 * the daemon runs; with restore=yes its settled value (what Set/Toggle leave,
 * what a Pulse or Blink ends on) is saved and comes back at the next start.
 */

#include "core/daemon.h"

/* Creates the output for cfg (copied). Errors: -ENOMEM. */
int output_new(Daemon *d, const OutputConfig *cfg, Output **ret);

/* Frees the output (its line is released by the line's own teardown). Returns NULL. */
Output *output_free(Output *o);

/* Finds the output's line and holds it with the configured settings and the
 * initial (or restored) value; called again when the line came back after it
 * went away, it drives the value the output last settled at. Failures are
 * logged and leave the output without a line; it never fails the daemon. */
void output_start(Output *o);

/* Whether the output holds its line (false while it is missing). */
bool output_has_line(const Output *o);

const char *output_get_name(const Output *o);
const char *output_get_path(const Output *o);

/* Called by the line: its logical value changed to value (emits Value). */
void output_line_value_changed(Output *o, bool value);

/* Called by the line: the value it will settle on is now value (saved if restore=yes). */
void output_line_settled(Output *o, bool value);

/* Called by the line when it stops being held for the output (its chip went away). */
void output_line_lost(Output *o);

/* Registers the io.pinbus1.Output vtable and node enumerator on d->bus. */
int output_add_bus_objects(Daemon *d);
