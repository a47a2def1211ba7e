/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * io.pinbus1.Line objects at /io/pinbus1/line/<name>, one per line of every
 * chip, and the rules for who holds a line:
 *
 *  - nobody: the daemon has no request; Get() does a transient as-is read;
 *  - a client: ClaimLine() by a bus peer, released by ReleaseLine() or when
 *    the peer disconnects (a claim with persist=true is then kept by the
 *    daemon instead);
 *  - the daemon: Set/Toggle/Pulse/Blink on a free line claim it as an output
 *    and keep it until someone releases it (as sysfs export did);
 *  - a configured output: held for as long as the daemon runs;
 *  - a configured button: held as an input with edge detection for as long as
 *    the daemon runs; its edges go to the button, not on the bus as Edge signals.
 *
 * Changes to a line held by a client are refused to other clients with
 * LineBusy; a line held by the daemon or an output can be driven by anyone the
 * bus policy lets through; a button's line can be neither claimed nor driven. The methods below set *error
 * with a message that names the line and return a negative errno on failure.
 */

#include "core/daemon.h"

/* Shortest on or off period of Blink(), and longest period or pulse, in µs. */
#define LINE_BLINK_PERIOD_MIN_US 1000U
#define LINE_DURATION_MAX_US     (24ULL * 3600 * USEC_PER_SEC)

/* Creates the line object for offset of chip, with its info read from the chip. */
int line_new(Chip *chip, unsigned offset, Line **ret);

/* Releases what the line holds (without checks) and frees it. Returns NULL. */
Line *line_free(Line *l);

/* Sets the name the line is known by on the bus, and its object path. Errors: -ENOMEM. */
int line_set_object_name(Line *l, const char *name);
const char *line_get_object_name(const Line *l);
const char *line_get_path(const Line *l);
Chip *line_get_chip(const Line *l);
unsigned line_get_offset(const Line *l);
const PbLineInfo *line_get_info(const Line *l);
Client *line_get_owner(const Line *l);

/* Reads the line's info from the chip again and emits the properties that changed. */
void line_refresh_info(Line *l);

/*
 * Claims the line for client with settings s; if the line is already held by
 * the daemon or by this client it is reconfigured in place. value_given says
 * whether s->output_value was asked for (otherwise an output keeps its current
 * value, or starts inactive). Fails with LineBusy when another client, an
 * output or another process holds the line.
 */
int line_claim(Line *l, Client *client, const PbLineSettings *s, bool value_given, bool persist,
               sd_bus_error *error);

/* Releases the line on behalf of sender (a unique bus name). Releasing a free line
 * succeeds; a line held by another client or by an output is LineBusy. */
int line_release(Line *l, const char *sender, sd_bus_error *error);

/*
 * The line's chip is going away: whatever holds the line lets go of it (a
 * client's claim ends, a line the daemon kept is dropped, a configured output
 * is told through output_line_lost() and waits for the line to come back).
 */
void line_lost(Line *l);

/* The owning client disconnected: releases the line, or keeps it for the
 * daemon if it was claimed with persist=true. */
void line_owner_gone(Line *l);

/* Holds the line as an output for a configured output, with settings s.
 * Errors as for line_claim(). */
int line_hold_for_output(Line *l, Output *o, const PbLineSettings *s, sd_bus_error *error);

/*
 * Holds the free line for configured button b, requested with settings s (an
 * input with edge detection). Its edge events then go to button_line_edges(),
 * read at a priority below the bus's. Errors as for line_claim(); a request
 * the chip refuses (e.g. for its debounce period) sets the IOError or
 * InvalidArgs of bus_error_errno() and returns its errno.
 */
int line_hold_for_button(Line *l, Button *b, const PbLineSettings *s, sd_bus_error *error);

/* Reads the edge events pending on the line now, handling them as the fd watch does. */
void line_flush_edges(Line *l);

/* Reads the held line's logical value without emitting anything. Errors: -ENODEV (not held),
 * errnos of the backend. */
int line_read_held_value(Line *l, bool *ret);

/* The held input's logical value is now v (a button's debounced state): emits Value if it changed. */
void line_note_input_value(Line *l, bool v);

/* Reads the logical value: from the request when held, else a transient as-is read. */
int line_get_value(Line *l, bool *ret, sd_bus_error *error);

/*
 * Output operations on behalf of sender (a unique bus name, or NULL for the
 * daemon itself). A free line is claimed as an output and kept by the daemon.
 * Set and Toggle stop a Pulse or Blink in progress; Pulse and Blink replace one.
 *  - Pulse drives value for duration_us, then !value;
 *  - Blink drives active for on_us, then inactive for off_us, count times
 *    (0: until stopped), and ends inactive.
 * Errors: LineBusy, NotOutput (held as an input), InvalidArgs (durations).
 */
int line_set(Line *l, const char *sender, bool value, sd_bus_error *error);
int line_toggle(Line *l, const char *sender, sd_bus_error *error);
int line_pulse(Line *l, const char *sender, bool value, uint64_t duration_us, sd_bus_error *error);
int line_blink(Line *l, const char *sender, uint64_t on_us, uint64_t off_us, uint32_t count,
               sd_bus_error *error);

/*
 * Handles a Set, Toggle, Pulse or Blink call (by its member name, with the
 * arguments of io.pinbus1.Line) on l for sender, and replies. Shared by the
 * Line and Output interfaces.
 */
int line_method_drive(sd_bus_message *m, Line *l, const char *sender, sd_bus_error *error);

/* The last logical value known: live while held, else the last one seen. */
bool line_get_cached_value(const Line *l);

/* Registers the io.pinbus1.Line vtable and node enumerator on d->bus. */
int line_add_bus_objects(Daemon *d);
