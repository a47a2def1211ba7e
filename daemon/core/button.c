/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>
#include <stdarg.h>
#include <time.h>

#include "bus/error.h"
#include "bus/object.h"
#include "button/machine.h"
#include "core/button.h"
#include "core/chip.h"
#include "core/line.h"
#include "log.h"

/* A storm is logged at most this often per button. */
#define BUTTON_STORM_LOG_INTERVAL_NS (60 * NSEC_PER_SEC)
#define BUTTON_TOKEN_NS              (NSEC_PER_SEC / BUTTON_PRESS_RATE)

typedef enum Debouncer {
        DEBOUNCER_NONE,   /* debounce = 0 */
        DEBOUNCER_KERNEL, /* the line is requested with the debounce period */
        DEBOUNCER_DAEMON, /* the machine debounces raw edges */
} Debouncer;

static const char *const debouncer_names[] = {
        [DEBOUNCER_NONE] = "none",
        [DEBOUNCER_KERNEL] = "kernel",
        [DEBOUNCER_DAEMON] = "daemon",
};

struct Button {
        Daemon *daemon;
        ButtonConfig cfg; /* strings owned */
        char *path;

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

int button_new(Daemon *d, const ButtonConfig *cfg, Button **ret)
{
        Button *b;

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
            sd_bus_path_encode(PINBUS_BUTTON_PREFIX, cfg->name, &b->path) < 0) {
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

const char *button_get_path(const Button *b)
{
        return b->path;
}

static void button_emit_properties(Button *b, const char *p1, const char *p2)
{
        (void)sd_bus_emit_properties_changed(b->daemon->bus, b->path, "io.pinbus1.Button", p1, p2, NULL);
}

static void button_signal(Button *b, const char *member, const char *types, ...)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        va_list ap;
        int r;

        r = sd_bus_message_new_signal(b->daemon->bus, &m, b->path, "io.pinbus1.Button", member);
        if (r >= 0) {
                va_start(ap, types);
                r = sd_bus_message_appendv(m, types, ap);
                va_end(ap);
        }
        if (r >= 0)
                r = sd_bus_send(b->daemon->bus, m, NULL);
        if (r < 0)
                log_debug("Button %s: cannot emit %s: %s", b->cfg.name, member, strerror(-r));
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
        button_signal(b, "Pressed", "t", ts);
        button_emit_properties(b, "Pressed", "PressCount");
        if (b->line)
                line_note_input_value(b->line, true);
}

static void report_released(Button *b, uint64_t ts, uint64_t duration_ns)
{
        bool was_held = b->reported_held;

        b->reported_pressed = b->reported_held = false;
        button_signal(b, "Released", "tt", ts, duration_ns / NSEC_PER_USEC);
        button_emit_properties(b, "Pressed", was_held ? "Held" : NULL);
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
                        button_signal(b, "Held", "tu", ev[i].timestamp_ns, ev[i].count);
                        if (!b->reported_held) {
                                b->reported_held = true;
                                button_emit_properties(b, "Held", NULL);
                        }
                        break;
                case PB_BUTTON_CLICKED:
                        button_signal(b, "Clicked", "u", ev[i].count);
                        break;
                default:
                        break;
                }
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata);

/* Arms the timer for the machine's next deadline, or for the next token when a coalesced press
 * still waits; disables it when nothing is due. */
static void button_arm(Button *b)
{
        uint64_t t = 0, usec;
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

        usec = (t + NSEC_PER_USEC - 1) / NSEC_PER_USEC;
        if (!b->timer) {
                /* 1 ms accuracy: timestamps come from the machine, only latency depends on it. */
                r = sd_event_add_time(b->daemon->event, &b->timer, CLOCK_MONOTONIC, usec, USEC_PER_MSEC,
                                      on_timer, b);
                if (r >= 0) {
                        (void)sd_event_source_set_description(b->timer, "button");
                        /* After the chip and the edges (NORMAL, NORMAL + 1) that may be due too. */
                        (void)sd_event_source_set_priority(b->timer, SD_EVENT_PRIORITY_NORMAL + 2);
                }
        } else {
                r = sd_event_source_set_time(b->timer, usec);
                if (r >= 0)
                        r = sd_event_source_set_enabled(b->timer, SD_EVENT_ONESHOT);
        }
        if (r < 0)
                log_error_errno(r, "Button %s: cannot arm its timer: %s", b->cfg.name, strerror(-r));
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
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
                        button_emit_properties(b, "Held", NULL);
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

void button_line_edges(Button *b, const PbEdgeEvent *events, size_t n)
{
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

void button_line_lost(Button *b)
{
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
        button_emit_properties(b, "Line", "Debouncer");
}

/*
 * Requests the button's line l, with the kernel's debounce when allowed and accepted, and starts a
 * fresh machine from the line's current level. The one place that (re)requests a button's line.
 */
static int button_request_line(Button *b, Line *l, sd_bus_error *error)
{
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
                _cleanup_(sd_bus_error_free) sd_bus_error kernel_error = SD_BUS_ERROR_NULL;

                s.debounce_us = b->cfg.debounce_us;
                r = line_hold_for_button(l, b, &s, &kernel_error);
                if (r >= 0)
                        deb = DEBOUNCER_KERNEL;
                else if (b->cfg.debouncer == BUTTON_DEBOUNCER_KERNEL ||
                         sd_bus_error_has_name(&kernel_error, PB_ERROR_LINE_BUSY) ||
                         sd_bus_error_has_name(&kernel_error, PB_ERROR_NO_SUCH_DEVICE) || r == -ENOMEM)
                        return sd_bus_error_copy(error, &kernel_error), r;
                else {
                        log_info("Button %s: line %s refuses a debounce period of %" PRIu64
                                 " µs (%s); the daemon debounces it",
                                 b->cfg.name, line_get_object_name(l), b->cfg.debounce_us,
                                 kernel_error.message);
                        s.debounce_us = 0;
                }
        }
        if (deb != DEBOUNCER_KERNEL) {
                r = line_hold_for_button(l, b, &s, error);
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
                return bus_error_errno(error, r, "set up button on line", line_get_object_name(l));
        b->line = l;
        b->debouncer = deb;
        b->last_seqno = 0;
        /* Pressed at start: the state shows it, but no Pressed is signalled (we did not see it
         * begin). Pressed when the line comes back after its chip went away: clients were sent
         * Released then, so the press is reported afresh by button_arm()'s timer, stamped when
         * the line came back, and its Released follows as usual. */
        b->reported_pressed = pressed && !b->line_was_lost;
        b->reported_held = false;
        button_emit_properties(b, "Line", "Debouncer");
        if (b->reported_pressed)
                button_emit_properties(b, "Pressed", NULL);
        line_note_input_value(l, pressed);
        button_arm(b);
        return 0;
}

bool button_has_line(const Button *b)
{
        return b->line;
}

void button_start(Button *b)
{
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
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
                 b->cfg.name, line_get_object_name(l), b->cfg.debounce_us, debouncer_names[b->debouncer],
                 b->cfg.hold_time_us, b->cfg.hold_repeat_us, b->cfg.click_window_us);
}

static int property_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                        sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Button *b = userdata;

        if (streq(property, "Name"))
                return sd_bus_message_append(reply, "s", b->cfg.name);
        if (streq(property, "Line"))
                return sd_bus_message_append(reply, "o", b->line ? line_get_path(b->line) : "/");
        if (streq(property, "Pressed"))
                return sd_bus_message_append(reply, "b", b->reported_pressed);
        if (streq(property, "Held"))
                return sd_bus_message_append(reply, "b", b->reported_held);
        if (streq(property, "PressCount"))
                return sd_bus_message_append(
                        reply, "t", b->machine ? pb_button_get_press_count(b->machine) : (uint64_t)0);
        if (streq(property, "DebounceUs"))
                return sd_bus_message_append(reply, "t", b->cfg.debounce_us);
        if (streq(property, "Debouncer"))
                return sd_bus_message_append(reply, "s", debouncer_names[b->debouncer]);
        if (streq(property, "HoldTimeUs"))
                return sd_bus_message_append(reply, "t", b->cfg.hold_time_us);
        if (streq(property, "HoldRepeat"))
                return sd_bus_message_append(reply, "b", b->cfg.hold_repeat_us > 0);
        if (streq(property, "HoldRepeatUs"))
                return sd_bus_message_append(reply, "t", b->cfg.hold_repeat_us);
        if (streq(property, "ClickWindowUs"))
                return sd_bus_message_append(reply, "t", b->cfg.click_window_us);
        if (streq(property, "Edges"))
                return sd_bus_message_append(reply, "t", b->edges);
        if (streq(property, "DroppedEdges"))
                return sd_bus_message_append(reply, "t", b->dropped_edges);
        if (streq(property, "Storms"))
                return sd_bus_message_append(reply, "t", b->storms);
        if (streq(property, "CoalescedPresses"))
                return sd_bus_message_append(reply, "t", b->coalesced_presses);
        return sd_bus_message_append(reply, "t", b->timer_wakeups);
}

/*
 * io.pinbus1.Button — a configured button ([button NAME] in the config). Times are
 * CLOCK_MONOTONIC; see lib/button/machine.h for the one meaning of every timestamp.
 *
 * Properties:
 *   Name s            the NAME of its section
 *   Line o            the io.pinbus1.Line it reads; "/" while that line is missing
 *   Pressed b         pressed: between a Pressed and its Released signal (emits change)
 *   Held b            held: between the first Held and the Released (emits change)
 *   PressCount t      presses the debouncer confirmed since the daemon started, coalesced ones
 *                     included (emits change with each Pressed signal)
 *   DebounceUs t      debounce period in µs; 0: none
 *   Debouncer s       where the debounce runs: "kernel" (the line is requested with the
 *                     period), "daemon" (the chip refused it, or debouncer=daemon), "none"
 *   HoldTimeUs t      time pressed before Held, µs; 0: never Held
 *   HoldRepeat b      Held repeats while pressed
 *   HoldRepeatUs t    interval of the repeats, µs; 0: none
 *   ClickWindowUs t   time after a click's release in which the next press continues the
 *                     sequence, µs; 0: every click is Clicked(1) at once
 * Counters (read them; no change signals, so a storm puts nothing on the bus):
 *   Edges t           edges the line reported (raw with the daemon's debounce, debounced
 *                     with the kernel's), including those lost
 *   DroppedEdges t    edges lost to a full kernel (or simulator) event buffer: seqno gaps
 *   Storms t          edge storms: seconds with more than 500 edges that followed a quiet one
 *   CoalescedPresses t presses over the rate limit (20 at once, 20/s) not signalled
 *   TimerWakeups t    times the button's timer fired; it runs only while debouncing, pressed
 *                     (with hold-time) or in a click window, so an idle button adds none
 *
 * Signals:
 *   Pressed(t timestamp_ns)             the press counted (debounce period after its last edge)
 *   Released(t timestamp_ns, t duration_us)
 *                                       the release counted; duration = release - press
 *   Held(t timestamp_ns, u repeat)      hold-time after Pressed (repeat 0), then every
 *                                       hold-repeat (1, 2, ...; a gap: the daemon was late)
 *   Clicked(u count)                    1 single, 2 double, ...: when the click window after
 *                                       the last release closes; a held press is no click
 */
static const sd_bus_vtable button_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Name", "s", property_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Line", "o", property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Pressed", "b", property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Held", "b", property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("PressCount", "t", property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("DebounceUs", "t", property_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Debouncer", "s", property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("HoldTimeUs", "t", property_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("HoldRepeat", "b", property_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("HoldRepeatUs", "t", property_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("ClickWindowUs", "t", property_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Edges", "t", property_get, 0, 0),
        SD_BUS_PROPERTY("DroppedEdges", "t", property_get, 0, 0),
        SD_BUS_PROPERTY("Storms", "t", property_get, 0, 0),
        SD_BUS_PROPERTY("CoalescedPresses", "t", property_get, 0, 0),
        SD_BUS_PROPERTY("TimerWakeups", "t", property_get, 0, 0),
        SD_BUS_SIGNAL_WITH_ARGS("Pressed", SD_BUS_ARGS("t", timestamp_ns), 0),
        SD_BUS_SIGNAL_WITH_ARGS("Released", SD_BUS_ARGS("t", timestamp_ns, "t", duration_us), 0),
        SD_BUS_SIGNAL_WITH_ARGS("Held", SD_BUS_ARGS("t", timestamp_ns, "u", repeat), 0),
        SD_BUS_SIGNAL_WITH_ARGS("Clicked", SD_BUS_ARGS("u", count), 0),
        SD_BUS_VTABLE_END,
};

static void *button_at(Daemon *d, size_t i)
{
        return i < d->n_buttons ? d->buttons[i] : NULL;
}

static const char *button_path(const void *object)
{
        return button_get_path(object);
}

static const BusObjectType button_type = {
        .prefix = PINBUS_BUTTON_PREFIX,
        .interface = "io.pinbus1.Button",
        .vtable = button_vtable,
        .at = button_at,
        .get_path = button_path,
};

int button_add_bus_objects(Daemon *d)
{
        return bus_object_type_register(d, &button_type);
}
