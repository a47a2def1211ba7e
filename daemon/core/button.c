/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>
#include <stdarg.h>
#include <time.h>

#include <assert.h>
#include <stdio.h>

#include "button/machine.h"
#include "core/button.h"
#include "core/chip.h"
#include "core/frontend.h"
#include "core/line.h"
#include "log.h"

/* A storm is logged at most this often per button. */
#define BUTTON_STORM_LOG_INTERVAL_NS (60 * NSEC_PER_SEC)
#define BUTTON_TOKEN_NS              (NSEC_PER_SEC / BUTTON_PRESS_RATE)

static const char *const debouncer_names[] = {
        [DEBOUNCER_NONE] = "none",
        [DEBOUNCER_KERNEL] = "kernel",
        [DEBOUNCER_DAEMON] = "daemon",
};

struct Button {
        Daemon *daemon;
        ButtonConfig cfg; /* strings owned */
        char *path;       /* the front end's, owned */

        Line *line; /* NULL while it has none */
        Debouncer debouncer;
        PbButton *machine;
        sd_event_source *timer; /* created on first use; armed only when the machine needs it */

        bool line_was_lost; /* its chip went away once: a press found on its return is new */

        /* What clients were told: Pressed/Released alternate on these. */
        bool reported_pressed;
        bool reported_held;

        /* Edges and seqnos: a request's seqnos count from 1, so a first edge above 1 is a gap too. */
        uint32_t last_seqno;
        uint64_t last_edge_ns;
        uint64_t edges;         /* reported by the line, including the lost ones */
        uint64_t dropped_edges; /* lost to a full buffer (seqno gaps) */

        /* Storm detection: edges in the current one-second window. */
        uint64_t window_start_ns;
        uint64_t window_edges;
        bool in_storm;
        bool storm_logged;
        uint64_t storm_logged_ns;
        uint64_t storms;

        /* Press rate limit (token bucket). */
        uint64_t tokens;
        uint64_t tokens_ns;         /* time the bucket was last topped up to */
        uint64_t coalesced_presses; /* presses not signalled */

        uint64_t timer_wakeups;
};

static void button_lines_appeared(void *userdata);

int button_new(Daemon *d, const ButtonConfig *cfg, Button **ret)
{
        Button *b;

        assert(d);
        assert(cfg);
        assert(ret);

        b = calloc(1, sizeof(*b));
        if (!b)
                return -ENOMEM;
        b->daemon = d;
        b->cfg = *cfg;
        b->cfg.name = strdup(cfg->name);
        b->cfg.line = strdup(cfg->line);
        b->cfg.source = strdup(cfg->source);
        b->tokens = BUTTON_PRESS_BURST;
        if (!b->cfg.name || !b->cfg.line || !b->cfg.source ||
            daemon_watch_lines(d, button_lines_appeared, b) < 0) {
                button_free(b);
                return -ENOMEM;
        }
        *ret = b;
        return 0;
}

Button *button_free(Button *b)
{
        if (!b)
                return NULL;
        daemon_unwatch_lines(b->daemon, b);
        sd_event_source_disable_unref(b->timer);
        pb_button_free(b->machine);
        free(b->cfg.name);
        free(b->cfg.line);
        free(b->cfg.source);
        free(b->path);
        free(b);
        return NULL;
}

const char *button_get_name(const Button *b)
{
        return b->cfg.name;
}

void button_set_path(Button *b, char *path)
{
        free(b->path);
        b->path = path;
}

const char *button_get_path(const Button *b)
{
        return b->path;
}

const ButtonConfig *button_get_config(const Button *b)
{
        return &b->cfg;
}

Line *button_get_line(const Button *b)
{
        return b->line;
}

Debouncer button_get_debouncer(const Button *b)
{
        return b->debouncer;
}

const char *debouncer_to_string(Debouncer d)
{
        return d < ELEMENTSOF(debouncer_names) ? debouncer_names[d] : NULL;
}

bool button_is_pressed(const Button *b)
{
        return b->reported_pressed;
}

bool button_is_held(const Button *b)
{
        return b->reported_held;
}

void button_get_counters(const Button *b, ButtonCounters *ret)
{
        *ret = (ButtonCounters){
                .presses = b->machine ? pb_button_get_press_count(b->machine) : 0,
                .edges = b->edges,
                .dropped_edges = b->dropped_edges,
                .storms = b->storms,
                .coalesced_presses = b->coalesced_presses,
                .timer_wakeups = b->timer_wakeups,
        };
}

static void button_changed(Button *b, unsigned changes)
{
        FRONTEND_CALL(b->daemon, button_changed, b, changes);
}

static void button_event(Button *b, ButtonEventKind kind, uint64_t timestamp_ns, uint64_t duration_ns,
                         uint32_t count)
{
        const ButtonEvent e = {
                .kind = kind,
                .timestamp_ns = timestamp_ns,
                .duration_ns = duration_ns,
                .count = count,
        };

        FRONTEND_CALL(b->daemon, button_event, b, &e);
}

/* Tops the bucket up for the time passed until t. */
static void tokens_refill(Button *b, uint64_t t)
{
        uint64_t add;

        if ((int64_t)(t - b->tokens_ns) <= 0)
                return;
        add = (t - b->tokens_ns) / BUTTON_TOKEN_NS;
        if (b->tokens + add >= BUTTON_PRESS_BURST) {
                b->tokens = BUTTON_PRESS_BURST;
                b->tokens_ns = t;
        } else {
                b->tokens += add;
                b->tokens_ns += add * BUTTON_TOKEN_NS;
        }
}

static bool tokens_take(Button *b, uint64_t t)
{
        tokens_refill(b, t);
        if (b->tokens == 0)
                return false;
        b->tokens--;
        return true;
}

static void report_pressed(Button *b, uint64_t ts)
{
        b->reported_pressed = true;
        button_event(b, BUTTON_EVENT_PRESSED, ts, 0, 0);
        button_changed(b, BUTTON_CHANGED_PRESSED | BUTTON_CHANGED_PRESS_COUNT);
        if (b->line)
                line_note_input_value(b->line, true);
}

static void report_released(Button *b, uint64_t ts, uint64_t duration_ns)
{
        bool was_held = b->reported_held;

        b->reported_pressed = b->reported_held = false;
        button_event(b, BUTTON_EVENT_RELEASED, ts, duration_ns, 0);
        button_changed(b, BUTTON_CHANGED_PRESSED | (was_held ? BUTTON_CHANGED_HELD : 0));
        if (b->line)
                line_note_input_value(b->line, false);
}

/* Publishes what the machine returned, within the press rate limit. */
static void button_dispatch(Button *b, const PbButtonEvent *ev, size_t n)
{
        for (size_t i = 0; i < n; i++)
                switch (ev[i].type) {
                case PB_BUTTON_PRESSED:
                        if (!tokens_take(b, ev[i].timestamp_ns)) {
                                /* Coalesced: sent later if the button is still pressed then. */
                                b->coalesced_presses++;
                                break;
                        }
                        report_pressed(b, ev[i].timestamp_ns);
                        break;
                case PB_BUTTON_RELEASED:
                        /* Exactly one Released for every Pressed sent, and none otherwise. */
                        if (b->reported_pressed)
                                report_released(b, ev[i].timestamp_ns, ev[i].duration_ns);
                        break;
                case PB_BUTTON_HELD:
                        if (!b->reported_pressed)
                                break;
                        button_event(b, BUTTON_EVENT_HELD, ev[i].timestamp_ns, 0, ev[i].count);
                        if (!b->reported_held) {
                                b->reported_held = true;
                                button_changed(b, BUTTON_CHANGED_HELD);
                        }
                        break;
                case PB_BUTTON_CLICKED:
                        button_event(b, BUTTON_EVENT_CLICKED, 0, 0, ev[i].count);
                        break;
                default:
                        break;
                }
}

static int on_timer(sd_event_source *s, uint64_t time_us, void *userdata);

/* Arms the timer for the machine's next deadline, or for the next token when a coalesced press
 * still waits; disables it when nothing is due. */
static void button_arm(Button *b)
{
        uint64_t t = 0, time_us;
        bool need = b->machine && pb_button_next_deadline(b->machine, &t);
        int r;

        if (b->machine && pb_button_is_pressed(b->machine) && !b->reported_pressed) {
                uint64_t token = b->tokens > 0 ? monotonic_ns() : b->tokens_ns + BUTTON_TOKEN_NS;

                if (!need || (int64_t)(token - t) < 0)
                        t = token;
                need = true;
        }
        if (!need) {
                if (b->timer)
                        (void)sd_event_source_set_enabled(b->timer, SD_EVENT_OFF);
                return;
        }

        time_us = (t + NSEC_PER_USEC - 1) / NSEC_PER_USEC;
        if (!b->timer) {
                /* 1 ms accuracy: timestamps come from the machine, only latency depends on it. */
                r = sd_event_add_time(b->daemon->event, &b->timer, CLOCK_MONOTONIC, time_us, USEC_PER_MSEC,
                                      on_timer, b);
                if (r >= 0) {
                        (void)sd_event_source_set_description(b->timer, "button");
                        /* After the chip and the edges (NORMAL, NORMAL + 1) that may be due too. */
                        (void)sd_event_source_set_priority(b->timer, SD_EVENT_PRIORITY_NORMAL + 2);
                }
        } else {
                r = sd_event_source_set_time(b->timer, time_us);
                if (r >= 0)
                        r = sd_event_source_set_enabled(b->timer, SD_EVENT_ONESHOT);
        }
        if (r < 0)
                log_error_errno(r, "Button %s: cannot arm its timer: %s", b->cfg.name, strerror(-r));
}

static int on_timer(sd_event_source *s, uint64_t time_us, void *userdata)
{
        Button *b = userdata;
        PbButtonEvent ev[PB_BUTTON_EVENTS_MAX];
        uint64_t now;
        size_t n;

        b->timer_wakeups++;
        if (!b->machine)
                return 0;
        /* Edges stamped before now come first: a debounce period they restart has not ended. The
         * clock is read before the queues are drained, so that every edge up to now is in them
         * (an edge after now is merely early). The chip first (the simulator queues its due edges
         * then), then the line's queue, to the end. */
        now = monotonic_ns();
        if (b->line)
                chip_process_events(line_get_chip(b->line));
        if (b->line) /* again: the chip may have gone away, and its lines with it */
                line_flush_edges(b->line);
        if (!b->machine)
                return 0; /* the line went away while its queue was read */
        n = pb_button_advance(b->machine, now, ev);
        button_dispatch(b, ev, n);

        /* A press coalesced by the rate limit is still going on: report it once a token is back. */
        if (pb_button_is_pressed(b->machine) && !b->reported_pressed && tokens_take(b, now)) {
                report_pressed(b, pb_button_get_press_ts(b->machine));
                if (pb_button_is_held(b->machine)) {
                        b->reported_held = true;
                        button_changed(b, BUTTON_CHANGED_HELD);
                }
        }
        button_arm(b);
        return 0;
}

/* Counts edges (n seen, of which lost were lost) towards the storm detector. */
static void button_count_edges(Button *b, uint64_t n, uint64_t lost, uint64_t t)
{
        b->edges += n;
        b->dropped_edges += lost;

        if (t - b->window_start_ns >= NSEC_PER_SEC) {
                if (b->in_storm && b->window_edges < BUTTON_STORM_EDGES) {
                        b->in_storm = false;
                        log_debug("Button %s: the edge storm on line %s is over (%" PRIu64 " edges, %" PRIu64
                                  " lost, so far)",
                                  b->cfg.name, b->cfg.line, b->edges, b->dropped_edges);
                }
                b->window_start_ns = t;
                b->window_edges = 0;
        }
        b->window_edges += n;
        if (b->in_storm || b->window_edges < BUTTON_STORM_EDGES)
                return;

        b->in_storm = true;
        b->storms++;
        if (b->storm_logged && t - b->storm_logged_ns < BUTTON_STORM_LOG_INTERVAL_NS)
                return;
        b->storm_logged = true;
        b->storm_logged_ns = t;
        log_warning("Button %s: edge storm on line %s (%" PRIu64 " edges within a second): edges are "
                    "debounced and counted, none goes on the bus; see the button's Edges, DroppedEdges and "
                    "Storms properties (logged at most once a minute)",
                    b->cfg.name, b->cfg.line, b->window_edges);
}

static void holder_edges(void *holder, Line *l, const PbEdgeEvent *events, size_t n)
{
        Button *b = holder;
        PbButtonEvent ev[PB_BUTTON_EVENTS_MAX];
        uint64_t lost = 0, seen = 0;
        bool gap = false;

        if (!b->machine || n == 0)
                return;

        for (size_t i = 0; i < n; i++) {
                const PbEdgeEvent *e = &events[i];

                uint32_t missing = 0;

                if (e->line_seqno != b->last_seqno + 1) {
                        missing = e->line_seqno - b->last_seqno - 1; /* u32: wraps like the seqno */
                        lost += missing;
                        gap = true;
                }
                b->last_seqno = e->line_seqno;
                b->last_edge_ns = e->timestamp_ns;
                seen++;
                /* Lost edges mean the line moved in the gap: no debounce period ends inside it
                 * (see pb_button_feed_after_loss()), so a starved daemon reports no press in a
                 * storm it could not keep up with. */
                button_dispatch(
                        b, ev,
                        pb_button_feed_after_loss(b->machine, e->rising, e->timestamp_ns, missing, ev));
        }

        if (gap && b->line) {
                bool v;

                /* Edges were lost: the level now is what counts. An edge still queued repeats it,
                 * which the machine takes in its stride. */
                if (line_read_held_value(b->line, &v) >= 0)
                        button_dispatch(b, ev, pb_button_feed(b->machine, v, b->last_edge_ns, ev));
        }
        button_count_edges(b, seen + lost, lost, b->last_edge_ns);
        button_arm(b);
}

static void holder_dropped(void *holder, Line *l, LineDrop why)
{
        Button *b = holder;
        uint64_t t = monotonic_ns();

        /* Whoever saw Pressed sees Released. */
        if (b->reported_pressed)
                report_released(b, t, b->machine ? t - pb_button_get_press_ts(b->machine) : 0);
        b->line = NULL;
        b->line_was_lost = true;
        b->machine = pb_button_free(b->machine);
        b->last_seqno = 0;
        if (b->timer)
                (void)sd_event_source_set_enabled(b->timer, SD_EVENT_OFF);
        button_changed(b, BUTTON_CHANGED_LINE);
}

static void holder_describe(void *holder, char *buf, size_t size)
{
        Button *b = holder;

        (void)snprintf(buf, size, "held by configured button '%s'", b->cfg.name);
}

/* A button reads its line: nobody drives it, and its edges are its own, read below the bus. */
static const LineHolderOps button_holder_ops = {
        .drive = LINE_DRIVE_NOBODY,
        .edges_below_bus = true,
        .edges = holder_edges,
        .dropped = holder_dropped,
        .describe = holder_describe,
};

/*
 * Requests the button's line l, with the kernel's debounce when allowed and accepted, and starts a
 * fresh machine from the line's current level. The one place that (re)requests a button's line.
 */
static int button_request_line(Button *b, Line *l, CoreError *error)
{
        const LineHolder holder = { .ops = &button_holder_ops, .data = b };
        PbButtonConfig mc = {
                .hold_time_ns = b->cfg.hold_time_us * NSEC_PER_USEC,
                .hold_repeat_ns = b->cfg.hold_repeat_us * NSEC_PER_USEC,
                .click_window_ns = b->cfg.click_window_us * NSEC_PER_USEC,
        };
        PbLineSettings s = {
                .direction = PB_DIRECTION_INPUT,
                .bias = b->cfg.bias,
                .edge = PB_EDGE_BOTH,
                .active_low = b->cfg.active_low,
        };
        Debouncer deb = DEBOUNCER_NONE;
        bool pressed = false;
        int r;

        if (b->cfg.debounce_us > 0 && b->cfg.debouncer != BUTTON_DEBOUNCER_DAEMON) {
                CoreError kernel_error = CORE_ERROR_NULL;

                s.debounce_us = b->cfg.debounce_us;
                r = line_hold(l, &holder, &s, &kernel_error);
                if (r >= 0)
                        deb = DEBOUNCER_KERNEL;
                else if (b->cfg.debouncer == BUTTON_DEBOUNCER_KERNEL ||
                         kernel_error.kind == CORE_ERROR_LINE_BUSY ||
                         kernel_error.kind == CORE_ERROR_NO_SUCH_DEVICE || r == -ENOMEM) {
                        if (error)
                                *error = kernel_error;
                        return r;
                } else {
                        log_info("Button %s: line %s refuses a debounce period of %" PRIu64
                                 " µs (%s); the daemon debounces it",
                                 b->cfg.name, line_get_object_name(l), b->cfg.debounce_us,
                                 kernel_error.message);
                        s.debounce_us = 0;
                }
        }
        if (deb != DEBOUNCER_KERNEL) {
                r = line_hold(l, &holder, &s, error);
                if (r < 0)
                        return r;
                deb = b->cfg.debounce_us > 0 ? DEBOUNCER_DAEMON : DEBOUNCER_NONE;
        }
        if (deb == DEBOUNCER_DAEMON)
                mc.debounce_ns = b->cfg.debounce_us * NSEC_PER_USEC;

        (void)line_read_held_value(l, &pressed);
        b->machine = pb_button_free(b->machine);
        r = pb_button_new(&mc, pressed, monotonic_ns(), &b->machine);
        if (r < 0)
                return core_error_errno(error, r, "set up button on line", line_get_object_name(l));
        b->line = l;
        b->debouncer = deb;
        b->last_seqno = 0;
        /* Pressed at start: the state shows it, but no Pressed is signalled (we did not see it
         * begin). Pressed when the line comes back after its chip went away: clients were sent
         * Released then, so the press is reported afresh by button_arm()'s timer, stamped when
         * the line came back, and its Released follows as usual. */
        b->reported_pressed = pressed && !b->line_was_lost;
        b->reported_held = false;
        button_changed(b, BUTTON_CHANGED_LINE);
        if (b->reported_pressed)
                button_changed(b, BUTTON_CHANGED_PRESSED);
        line_note_input_value(l, pressed);
        button_arm(b);
        return 0;
}

void button_start(Button *b)
{
        CoreError error = CORE_ERROR_NULL;
        Line *l;
        int r;

        r = daemon_find_line(b->daemon, b->cfg.line, &l, &error);
        if (r >= 0)
                r = button_request_line(b, l, &error);
        if (r < 0) {
                log_warning("%s: [button %s]: %s; the button has no line until a chip with it appears",
                            b->cfg.source, b->cfg.name, error.message);
                return;
        }
        log_info("Button %s on line %s: debounce %" PRIu64 " µs (%s), hold-time %" PRIu64
                 " µs, hold-repeat %" PRIu64 " µs, click-window %" PRIu64 " µs",
                 b->cfg.name, line_get_object_name(l), b->cfg.debounce_us, debouncer_to_string(b->debouncer),
                 b->cfg.hold_time_us, b->cfg.hold_repeat_us, b->cfg.click_window_us);
}

static void button_lines_appeared(void *userdata)
{
        Button *b = userdata;

        if (!b->line)
                button_start(b);
}
