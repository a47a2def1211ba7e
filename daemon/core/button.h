/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * io.pinbus1.Button objects at /io/pinbus1/button/<name>: the [button NAME]
 * sections of the config. A button holds its line as an input with edge
 * detection for as long as the daemon runs, feeds its edges to the button
 * state machine (lib/button/machine.h) and publishes the machine's events as signals.
 *
 * Debounce placement: with debouncer=auto (the default) the line is requested
 * with the debounce period, so the kernel debounces (gpiolib-cdev's software
 * debounce, or the chip's own); if the chip refuses, the line is requested
 * without one and the machine debounces the raw edges. Both give the same
 * events (see lib/button/machine.h); the Debouncer property says which runs.
 *
 * Cost: nothing per edge goes on the bus. Edges are read in batches of at
 * most 64 per wakeup at a priority below the bus's, so a storm cannot starve
 * clients; edges lost to a full kernel buffer are counted from seqno gaps and
 * the line's level is then re-read, so a Released is never lost. A storm
 * (more than BUTTON_STORM_EDGES edges in a second) is logged once, and at
 * most once a minute. Reported presses are rate-limited (a token bucket of
 * BUTTON_PRESS_BURST presses refilled at BUTTON_PRESS_RATE per second); a
 * press over the limit is coalesced: neither it nor its Held or Released is
 * signalled, and if the button is still pressed when a token is back, the
 * Pressed is sent then with its original timestamp. Every Pressed signalled
 * is followed by exactly one Released. The one timer of a button is armed
 * only while a debounce period, a press (with hold-time) or a click window
 * runs: an idle button costs no wakeups.
 */

#include "core/daemon.h"

/* Edges in one second that make a storm. */
#define BUTTON_STORM_EDGES 500
/* Reported presses: burst, and sustained rate per second. */
#define BUTTON_PRESS_BURST 20
#define BUTTON_PRESS_RATE  20

/* Creates the button for cfg (copied). Errors: -ENOMEM. */
int button_new(Daemon *d, const ButtonConfig *cfg, Button **ret);

/* Frees the button (its line is released by the line's own teardown). Returns NULL. */
Button *button_free(Button *b);

/* Finds the button's line and requests it (button_request_line()). Failures are
 * logged and leave the button without a line; they never fail the daemon. Called
 * at start, and again by daemon_lines_appeared() while the button has no line. */
void button_start(Button *b);

/* Whether the button holds its line now. */
bool button_has_line(const Button *b);

const char *button_get_name(const Button *b);
const char *button_get_path(const Button *b);

/* Called by the line: n edge events were read from the button's line. */
void button_line_edges(Button *b, const PbEdgeEvent *events, size_t n);

/* Called by the line when it stops being held for the button (a pressed button reports Released). */
void button_line_lost(Button *b);

/* Registers the io.pinbus1.Button vtable and node enumerator on d->bus. */
int button_add_bus_objects(Daemon *d);
