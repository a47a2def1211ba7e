/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The [button NAME] sections of the config. A button holds its line (as a
 * LineHolder nobody may drive) as an input with edge detection for as long as
 * the daemon runs, feeds its edges to the button state machine
 * (lib/button/machine.h) and reports the machine's events to the front end
 * (Frontend.button_event: the io.pinbus1.Button signals). When its chip goes
 * away a pressed button reports Released, and it takes its line again when
 * lines appear.
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

/* Where a button's debounce runs. */
typedef enum Debouncer {
        DEBOUNCER_NONE,   /* debounce = 0 */
        DEBOUNCER_KERNEL, /* the line is requested with the debounce period */
        DEBOUNCER_DAEMON, /* the machine debounces raw edges */
} Debouncer;

/* "none", "kernel", "daemon"; NULL for a value out of range. */
const char *debouncer_to_string(Debouncer d);

/* A button's counters (io.pinbus1.Button's counter properties). */
typedef struct ButtonCounters {
        uint64_t presses;           /* confirmed by the debouncer, coalesced ones included */
        uint64_t edges;             /* reported by the line, including the lost ones */
        uint64_t dropped_edges;     /* lost to a full event buffer (seqno gaps) */
        uint64_t storms;            /* seconds with more than BUTTON_STORM_EDGES edges after a quiet one */
        uint64_t coalesced_presses; /* presses over the rate limit, not reported */
        uint64_t timer_wakeups;     /* times the button's timer fired */
} ButtonCounters;

/* Creates the button for cfg (copied) and watches for lines appearing. Errors: -ENOMEM. */
int button_new(Daemon *d, const ButtonConfig *cfg, Button **ret);

/* Frees the button (its line is released by the line's own teardown). Returns NULL. */
Button *button_free(Button *b);

/* Finds the button's line and requests it. Failures are logged and leave the
 * button without a line; they never fail the daemon. Called at start, and again
 * when lines appear while the button has no line. */
void button_start(Button *b);

const char *button_get_name(const Button *b);
/* Its configuration (strings owned by the button). */
const ButtonConfig *button_get_config(const Button *b);
/* The line it reads, NULL while it has none. */
Line *button_get_line(const Button *b);
Debouncer button_get_debouncer(const Button *b);
/* Between a reported Pressed and its Released; between the first Held and the Released. */
bool button_is_pressed(const Button *b);
bool button_is_held(const Button *b);
void button_get_counters(const Button *b, ButtonCounters *ret);

/* The path the front end publishes it at, set by the front end and owned by the button. */
void button_set_path(Button *b, char *path);
const char *button_get_path(const Button *b);
