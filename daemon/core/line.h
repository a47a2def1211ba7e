/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * One GPIO line of a chip, and the rules for who holds it.
 *
 * A line is free (the daemon has no request; a read is a transient as-is
 * request) or held by one holder, given to the line as a LineHolder: a table
 * of callbacks (LineHolderOps) and the holder's own pointer. The line knows
 * no kind of holder; each kind is one file with its ops:
 *
 *   kind              file            drive policy        edges
 *   a client          bus/client.c    that client only    published (Edge)
 *   kept by daemon    core/line.c     anyone              published (Edge)
 *   configured output core/output.c   anyone              -
 *   configured button core/button.c   nobody              its own (machine)
 *
 * Set/Toggle/Pulse/Blink on a free line make the daemon keep it as an output
 * (as sysfs export did). A client's claim ends by ReleaseLine, by the client
 * disconnecting (then a claim with persist is kept by the daemon instead), or
 * when the chip goes away; the holders of configured objects hold their lines
 * for as long as the daemon runs, or until the chip goes away.
 *
 * Functions that can fail take a CoreError *error (may be NULL) with a message
 * that names the line, and return a negative errno.
 */

#include "core/daemon.h"

/* Shortest on or off period of Blink(), and longest period or pulse, in µs. */
#define LINE_BLINK_PERIOD_MIN_US 1000U
#define LINE_DURATION_MAX_US     (24ULL * 3600 * USEC_PER_SEC)

/* Who may drive a line while a kind of holder holds it. */
typedef enum LineDrivePolicy {
        LINE_DRIVE_ANYONE, /* anyone the bus policy lets through */
        LINE_DRIVE_HOLDER, /* the holder only (line_is_held_by()), or the daemon itself */
        LINE_DRIVE_NOBODY, /* nobody: the line is an input the holder reads */
} LineDrivePolicy;

/* How a holder stopped holding its line. */
typedef enum LineDrop {
        LINE_DROP_RELEASED, /* released by the holder's own request */
        LINE_DROP_TAKEN,    /* handed to another holder (a claim, persist) */
        LINE_DROP_LOST,     /* its chip went away */
} LineDrop;

typedef struct LineHolderOps {
        /* Who may drive the line, and whether a client's claim may take it over (the daemon's keep). */
        LineDrivePolicy drive;
        bool yields_to_claim;
        /* Whether the holder's name is the line's Owner (a client): changes of holder to or from one
         * are published as LINE_CHANGED_OWNER. */
        bool is_owner;
        /* Whether the line's edge events are read below the bus's priority (a storm on a button
         * then never delays a client's call). */
        bool edges_below_bus;

        /* n edge events were read from the line. NULL: each is published (Frontend.line_edge) and
         * makes the line's value. */
        void (*edges)(void *holder, Line *l, const PbEdgeEvent *events, size_t n);
        /* The line's logical value changed to value. */
        void (*value_changed)(void *holder, Line *l, bool value);
        /* The value the line will rest at is now value (after Set/Toggle, or what a Pulse or Blink
         * ends on). */
        void (*settled)(void *holder, Line *l, bool value);
        /* The holder no longer holds the line (why: how); called after the line let go. */
        void (*dropped)(void *holder, Line *l, LineDrop why);
        /* Writes who holds the line for messages, as "claimed by :1.42" or "held by configured
         * output 'porch'" (NUL-terminated, cut to size). */
        void (*describe)(void *holder, char *buf, size_t size);
} LineHolderOps;

typedef struct LineHolder {
        const LineHolderOps *ops;
        void *data;
} LineHolder;

/* Creates the line for offset of chip (whose PbChip is pb, which must outlive the line), with
 * its info read from pb. Errors: -ENOMEM, errnos of the backend. */
int line_new(Daemon *d, Chip *chip, PbChip *pb, unsigned offset, Line **ret);

/* Releases what the line holds (without telling the holder) and frees it. Returns NULL. */
Line *line_free(Line *l);

/* Sets the name the line is known by (its object name). Errors: -ENOMEM. */
int line_set_object_name(Line *l, const char *name);
const char *line_get_object_name(const Line *l);
Chip *line_get_chip(const Line *l);
Daemon *line_get_daemon(const Line *l);
unsigned line_get_offset(const Line *l);
const PbLineInfo *line_get_info(const Line *l);

/* The line's holder; ops is NULL while it is free. */
LineHolder line_get_holder(const Line *l);

/* Whether holder h holds the line (same ops and data). */
bool line_is_held_by(const Line *l, const LineHolder *h);

/* The path the front end publishes the line at (its D-Bus object path), set by the
 * front end and owned by the line from then on (freed with it). NULL until set. */
void line_set_path(Line *l, char *path);
const char *line_get_path(const Line *l);

/* Reads the line's info from the chip again and tells the front end what changed. */
void line_refresh_info(Line *l);

/*
 * Holds the line for h with settings s (claiming it as a client does): a free
 * line is requested; a line h already holds, or one the daemon keeps, is
 * reconfigured in place (stopping a Pulse or Blink). value_given says whether
 * s->output_value was asked for (otherwise an output keeps its current value,
 * or starts inactive). Errors: LINE_BUSY when another holder (or another
 * process) holds the line; IO and errnos of the chip.
 */
int line_claim(Line *l, const LineHolder *h, const PbLineSettings *s, bool value_given, CoreError *error);

/*
 * Holds a free line for h (a configured object) with settings s; a holder with
 * edges_below_bus gets its edge events read at a priority below the bus's.
 * Errors: LINE_BUSY when anyone holds it; IO (or INVALID_ARGS, for settings
 * the chip refuses, e.g. a debounce period) with the chip's errno.
 */
int line_hold(Line *l, const LineHolder *h, const PbLineSettings *s, CoreError *error);

/*
 * Releases the line on behalf of who (NULL: nobody in particular): a free
 * line succeeds; a line who holds, or one the daemon keeps, is released and
 * its holder told LINE_DROP_RELEASED. Held by anyone else: LINE_BUSY.
 */
int line_release(Line *l, const LineHolder *who, CoreError *error);

/* The daemon keeps the line as it is (a client's claim with persist whose client left);
 * the holder is told LINE_DROP_TAKEN. */
void line_keep(Line *l);

/* Lets go of the line without conditions, telling the holder why (a client that
 * left, whose claim was not persistent: LINE_DROP_RELEASED). */
void line_drop(Line *l, LineDrop why);

/* The line's chip is going away: whoever holds it lets go (LINE_DROP_LOST). */
void line_lost(Line *l);

/* Reads the edge events pending on the line now, handling them as the fd watch does. */
void line_flush_edges(Line *l);

/* Reads the held line's logical value without telling anyone. Errors: -ENODEV (not held),
 * errnos of the backend. */
int line_read_held_value(Line *l, bool *ret);

/* The held input's logical value is now v (a button's debounced state): published if it changed. */
void line_note_input_value(Line *l, bool v);

/* The logical value: from the request when held, else a transient as-is read. */
int line_get_value(Line *l, bool *ret, CoreError *error);

/* The Value property: what a held output drives, a held input reads now (live),
 * or the value last seen on a free line (never requesting it). */
bool line_get_published_value(Line *l);

/*
 * Output operations on behalf of who (NULL: the daemon itself, which may drive
 * a line a client holds). A free line is claimed as an output and kept by the
 * daemon. Set and Toggle stop a Pulse or Blink in progress; Pulse and Blink
 * replace one.
 *  - Pulse drives value for duration_us, then !value;
 *  - Blink drives active for on_us, then inactive for off_us, count times
 *    (0: until stopped), and ends inactive.
 * Errors: LINE_BUSY, NOT_OUTPUT (held as an input), INVALID_ARGS (durations, in µs:
 * a pulse 1 .. LINE_DURATION_MAX_US, a Blink period LINE_BLINK_PERIOD_MIN_US ..).
 */
int line_set(Line *l, const LineHolder *who, bool value, CoreError *error);
int line_toggle(Line *l, const LineHolder *who, CoreError *error);
int line_pulse(Line *l, const LineHolder *who, bool value, uint64_t duration_us, CoreError *error);
int line_blink(Line *l, const LineHolder *who, uint64_t on_us, uint64_t off_us, uint32_t count,
               CoreError *error);
