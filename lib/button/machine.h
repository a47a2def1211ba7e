/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The button state machine: pure, clock-injected and I/O-free. It is fed the
 * logical level of a button's line (true = pressed, after active-low) with the
 * time of each change, and told when time has passed; it returns the events
 * a user of a button wants and the next moment it needs to be woken. It never
 * reads a clock, sleeps, allocates after creation, or logs.
 *
 * One meaning of time for every event, whichever debouncer runs:
 *  - Debounce: a level change counts once the level has been stable for the
 *    debounce period. Every edge restarts the period; when it expires and the
 *    level differs from the last one that counted, the change counts, stamped
 *    at the expiry (= last edge + debounce period). A level that comes back
 *    before the period ends (a glitch) counts for nothing. This is exactly the
 *    software debounce of the kernel's GPIO character device
 *    (drivers/gpio/gpiolib-cdev.c, debounce_irq_handler/debounce_work_func) and
 *    of the simulator (sim/gpio-chip.h), so the machine with debounce_ns > 0 fed
 *    raw edges gives the same events as the machine with debounce_ns = 0 fed
 *    the kernel's debounced edges.
 *  - Pressed is stamped when the press counts (its confirmation); Released
 *    likewise; a Released's duration is release confirmation - press
 *    confirmation.
 *  - Held fires hold_time after the press confirmation (repeat 0), then every
 *    hold_repeat (repeat 1, 2, ...) while the button stays pressed; each is
 *    stamped at its scheduled time. If the machine is advanced late past
 *    several repeats, they are coalesced into one Held carrying the number and
 *    time of the latest one due (so a gap in repeat numbers shows lateness).
 *  - Clicked(n): a press released before hold_time is a click. Clicks whose
 *    presses are confirmed within click_window of the previous click's release
 *    form one sequence; Clicked(n) is reported when the window after the last
 *    release closes (stamped then), or at the release itself when
 *    click_window is 0 (every click then reports Clicked(1)). A press that
 *    becomes Held is no click: it ends the sequence, and the clicks before it
 *    are reported (Clicked(n), just before the Held). With hold_time 0 no Held
 *    fires and every press is a click.
 *  - Deadlines and the edges fed are processed in time order; a deadline that
 *    falls at exactly the time of an edge is processed first (a level stable
 *    for exactly the debounce period counts; a press exactly at the end of a
 *    click window starts a new sequence).
 *  - Events fed late (stamped before the time the machine has already reached
 *    through pb_button_advance()) are taken as happening at that time: time
 *    never runs backwards, durations are never negative, no event is repeated.
 *  - Times are uint64 CLOCK_MONOTONIC nanoseconds compared by signed
 *    difference, so they may wrap around 2^64 (intervals must stay below 2^63 ns).
 *
 * Fed the same level twice in a row (edges were lost between them): with a
 * debounce period, the line evidently moved, so the period restarts; without
 * one, nothing happens (Pressed and Released always alternate).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/macro.h"

typedef struct PbButton PbButton;

/* Most events one call can return (an advance over a whole press is at most
 * Clicked, Pressed, Clicked, Held, Held; a feed adds at most two). */
#define PB_BUTTON_EVENTS_MAX 8

typedef struct PbButtonConfig {
        uint64_t debounce_ns;     /* debounce period; 0: the levels fed are already debounced */
        uint64_t hold_time_ns;    /* 0: never Held, every press is a click */
        uint64_t hold_repeat_ns;  /* Held repeats at this interval; 0: Held fires once */
        uint64_t click_window_ns; /* 0: every click reports Clicked(1) at its release */
} PbButtonConfig;

typedef enum PbButtonEventType {
        PB_BUTTON_PRESSED,
        PB_BUTTON_RELEASED,
        PB_BUTTON_HELD,
        PB_BUTTON_CLICKED,
        _PB_BUTTON_EVENT_TYPE_MAX,
} PbButtonEventType;

typedef struct PbButtonEvent {
        PbButtonEventType type;
        uint64_t timestamp_ns; /* CLOCK_MONOTONIC ns, as described above */
        uint64_t duration_ns;  /* RELEASED: release - press confirmation; else 0 */
        uint32_t count;        /* HELD: repeat number (0 first); CLICKED: clicks (>= 1); else 0 */
} PbButtonEvent;

/* "pressed", "released", "held", "clicked"; NULL when out of range. */
const char *pb_button_event_type_to_string(PbButtonEventType t);

/*
 * Creates a machine at time now_ns with the line at level pressed. A button
 * that is already pressed at creation is pressed since now_ns but reports no
 * Pressed, no Held and no click for that press, only its Released. Returns
 * -EINVAL for a NULL argument or an interval of 2^63 ns or more, -ENOMEM.
 */
int pb_button_new(const PbButtonConfig *config, bool pressed, uint64_t now_ns, PbButton **ret);
PbButton *pb_button_free(PbButton *b);
DEFINE_TRIVIAL_CLEANUP_FUNC(PbButton *, pb_button_free)

/*
 * The line changed to level at t_ns (an edge). First processes every deadline
 * up to t_ns, then the edge. Writes the events that result, oldest first, to
 * events (room for PB_BUTTON_EVENTS_MAX) and returns how many.
 */
size_t pb_button_feed(PbButton *b, bool level, uint64_t t_ns, PbButtonEvent events[PB_BUTTON_EVENTS_MAX]);

/*
 * As pb_button_feed(), for an edge that arrives after `lost` edges went missing
 * (a seqno gap: the kernel's or the simulator's event buffer overflowed while
 * the caller was starved). The lost edges happened somewhere between the last
 * edge fed and this one, so the line was not stable in between: a debounce
 * period running since the last edge fed does not expire before t_ns, it runs
 * on to t_ns + debounce period like any edge's. That is the rule for
 * starvation: a line whose edges are lost is bouncing, and no press or release
 * counts until an edge is followed by a full debounce period with no gap. The
 * other deadlines (Held, click windows) fire as usual, since the debounced
 * state did not change. Without a debounce period (the edges fed are already
 * debounced) the loss has nothing to restart and this is pb_button_feed().
 * lost = 0 is pb_button_feed().
 */
size_t pb_button_feed_after_loss(PbButton *b, bool level, uint64_t t_ns, uint64_t lost,
                                 PbButtonEvent events[PB_BUTTON_EVENTS_MAX]);

/* Time has reached now_ns: processes every deadline up to and including it.
 * Returns the events as pb_button_feed() does. */
size_t pb_button_advance(PbButton *b, uint64_t now_ns, PbButtonEvent events[PB_BUTTON_EVENTS_MAX]);

/*
 * The next time the machine needs pb_button_advance(): the end of a debounce
 * period, the next Held, or the end of a click window. Returns false (and
 * leaves *ret alone) when there is none: a released button with no debounce
 * period running and no click window open needs no wakeup at all.
 */
bool pb_button_next_deadline(const PbButton *b, uint64_t *ret);

/* The debounced state: pressed (between Pressed and Released), held (between Held and Released). */
bool pb_button_is_pressed(const PbButton *b);
bool pb_button_is_held(const PbButton *b);

/* Confirmation time of the current (or last) press; creation time for one pressed since creation. */
uint64_t pb_button_get_press_ts(const PbButton *b);

/* Presses counted since creation (one per Pressed). */
uint64_t pb_button_get_press_count(const PbButton *b);

/* Edges fed since creation, and how many of them a debounce period swallowed (did not count). */
uint64_t pb_button_get_edges(const PbButton *b);
uint64_t pb_button_get_bounces(const PbButton *b);
