/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>
#include <sys/epoll.h>

#include "bus/error.h"
#include "core/button.h"
#include "core/chip.h"
#include "core/client.h"
#include "core/line.h"
#include "core/output.h"
#include "log.h"

/* Edge events read per wakeup, so a storm on one line cannot starve the loop. */
#define LINE_EDGE_BATCH 64
/* Batches line_flush_edges() reads at most. */
#define LINE_FLUSH_BATCHES_MAX 16

typedef enum LineHolder {
        LINE_FREE,
        LINE_HELD_BY_CLIENT,
        LINE_HELD_BY_DAEMON,
        LINE_HELD_BY_OUTPUT,
        LINE_HELD_BY_BUTTON,
} LineHolder;

typedef enum WaveKind {
        WAVE_NONE,
        WAVE_PULSE,
        WAVE_BLINK,
} WaveKind;

/* What a Pulse or Blink drives. Transition 0 drives `first` at once; for a Blink, even
 * transitions go active and odd ones inactive, each after the period before it. */
typedef struct Wave {
        WaveKind kind;
        bool first;     /* Pulse: the pulse's value; Blink: true */
        uint64_t on_us; /* Pulse: the duration */
        uint64_t off_us;
        uint32_t count; /* Blink cycles, 0 = until stopped */
} Wave;

struct Line {
        Daemon *daemon;
        Chip *chip;
        unsigned offset;
        char *object_name;
        char *path;
        PbLineInfo info; /* as last read from the chip */

        LineHolder holder;
        PbRequest *request; /* non-NULL unless LINE_FREE */
        sd_event_source *request_io;
        Client *owner;  /* LINE_HELD_BY_CLIENT */
        bool persist;   /* LINE_HELD_BY_CLIENT: kept by the daemon when the owner leaves */
        Output *output; /* LINE_HELD_BY_OUTPUT */
        Button *button; /* LINE_HELD_BY_BUTTON */

        bool value; /* logical value: driven (outputs), or last seen (inputs); false until seen */

        /* A Pulse or Blink in progress when wave.kind != WAVE_NONE. */
        Wave wave;
        sd_event_source *wave_timer;
        uint64_t wave_start_usec;
        uint64_t wave_step; /* transitions done */
};

static void line_emit(Line *l, const char *property)
{
        if (!l->path)
                return;
        (void)sd_bus_emit_properties_changed(l->daemon->bus, l->path, "io.pinbus1.Line", property, NULL);
}

void line_refresh_info(Line *l)
{
        const char *changed[9];
        size_t n = 0;
        PbLineInfo info, *o = &l->info;
        int r;

        r = pb_chip_get_line_info(chip_get_pb(l->chip), l->offset, &info);
        if (r < 0) {
                log_debug("Cannot read info of line %s: %s", strempty(l->object_name), strerror(-r));
                return;
        }

        if (info.used != o->used)
                changed[n++] = "Used";
        if (!streq(info.consumer, o->consumer))
                changed[n++] = "Consumer";
        if (info.direction != o->direction)
                changed[n++] = "Direction";
        if (info.bias != o->bias)
                changed[n++] = "Bias";
        if (info.drive != o->drive)
                changed[n++] = "Drive";
        if (info.edge != o->edge)
                changed[n++] = "Edge";
        if (info.active_low != o->active_low)
                changed[n++] = "ActiveLow";
        if (info.debounce_us != o->debounce_us)
                changed[n++] = "DebounceUs";
        changed[n] = NULL;

        *o = info;
        if (n > 0 && l->path)
                (void)sd_bus_emit_properties_changed_strv(l->daemon->bus, l->path, "io.pinbus1.Line",
                                                          (char **)changed);
}

/*
 * Emits PropertiesChanged for Value carrying v itself. sd_bus_emit_properties_changed()
 * would call the getter at send time, which reads a held input live: every change of a
 * batch of edges would then carry the last level instead of its own.
 */
static void line_emit_value(Line *l, bool v)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        if (!l->path)
                return;
        r = sd_bus_message_new_signal(l->daemon->bus, &m, l->path, "org.freedesktop.DBus.Properties",
                                      "PropertiesChanged");
        if (r >= 0)
                r = sd_bus_message_append(m, "sa{sv}as", "io.pinbus1.Line", 1, "Value", "b", v, 0);
        if (r >= 0)
                r = sd_bus_send(l->daemon->bus, m, NULL);
        if (r < 0)
                log_debug("Line %s: cannot emit the Value change: %s", l->object_name, strerror(-r));
}

/* The logical value is now v: emits Value (and the output's) only if it really changed. */
static void line_note_value(Line *l, bool v)
{
        if (l->value == v)
                return;
        l->value = v;
        line_emit_value(l, v);
        if (l->holder == LINE_HELD_BY_OUTPUT)
                output_line_value_changed(l->output, v);
}

/* The value the line will rest at is now v. */
static void line_settle(Line *l, bool v)
{
        if (l->holder == LINE_HELD_BY_OUTPUT)
                output_line_settled(l->output, v);
}

static bool line_is_output(const Line *l)
{
        return l->request && pb_request_get_settings(l->request)->direction == PB_DIRECTION_OUTPUT;
}

/* Reads and handles one batch of the line's pending edge events. Returns how many were read;
 * 0 also when the read failed or the chip went away (then l may be freed). */
static int line_read_edges(Line *l)
{
        PbEdgeEvent events[LINE_EDGE_BATCH];
        int n;

        n = pb_request_read_edge_events(l->request, events, ELEMENTSOF(events));
        if (n == -ENODEV) {
                /* The chip went away: so does this line (this frees l and its sources). */
                daemon_remove_chip(l->daemon, l->chip, NULL);
                return 0;
        }
        if (n < 0) {
                log_error_errno(n, "Line %s: cannot read edge events: %s; no longer watching them",
                                l->object_name, strerror(-n));
                (void)sd_event_source_set_enabled(l->request_io, SD_EVENT_OFF);
                return 0;
        }
        if (l->holder == LINE_HELD_BY_BUTTON) {
                /* Raw or debounced, a button's edges are its own: nothing per edge goes on the bus. */
                button_line_edges(l->button, events, (size_t)n);
                return n;
        }
        for (int i = 0; i < n; i++) {
                (void)sd_bus_emit_signal(l->daemon->bus, l->path, "io.pinbus1.Line", "Edge", "btu",
                                         events[i].rising, events[i].timestamp_ns, events[i].line_seqno);
                line_note_value(l, events[i].rising);
        }
        return n;
}

static int line_on_request_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
        (void)line_read_edges(userdata);
        return 0;
}

static void wave_stop(Line *l)
{
        l->wave.kind = WAVE_NONE;
        if (l->wave_timer)
                (void)sd_event_source_set_enabled(l->wave_timer, SD_EVENT_OFF);
}

/* Drops the request and everything tied to it; the line becomes free. */
static void line_unrequest(Line *l)
{
        LineHolder old = l->holder;
        Client *owner = l->owner;
        Output *output = l->output;
        Button *button = l->button;

        wave_stop(l);
        l->request_io = sd_event_source_disable_unref(l->request_io);
        l->request = pb_request_release(l->request);
        l->holder = LINE_FREE;
        l->owner = NULL;
        l->output = NULL;
        l->button = NULL;
        l->persist = false;

        if (owner) {
                client_remove_line(owner);
                line_emit(l, "Owner");
        }
        if (old == LINE_HELD_BY_OUTPUT)
                output_line_lost(output);
        if (old == LINE_HELD_BY_BUTTON)
                button_line_lost(button);
        line_refresh_info(l);
}

/* Requests the line with s and starts watching its edge events. */
static int line_request(Line *l, const PbLineSettings *s)
{
        int r;

        r = pb_chip_request_line(chip_get_pb(l->chip), l->offset, s, PINBUS_CONSUMER, &l->request);
        if (r < 0)
                return r;
        r = sd_event_add_io(l->daemon->event, &l->request_io, pb_request_get_fd(l->request), EPOLLIN,
                            line_on_request_io, l);
        if (r < 0) {
                l->request = pb_request_release(l->request);
                return r;
        }
        (void)sd_event_source_set_description(l->request_io, l->object_name);
        line_refresh_info(l);
        return 0;
}

/* After a (re)configuration: the value is the driven one for outputs, a fresh read for inputs. */
static void line_sync_value(Line *l, const PbLineSettings *s)
{
        bool v;

        if (s->direction == PB_DIRECTION_OUTPUT)
                line_note_value(l, s->output_value);
        else if (pb_request_get_value(l->request, &v) >= 0)
                line_note_value(l, v);
}

static int line_busy(Line *l, sd_bus_error *error)
{
        switch (l->holder) {
        case LINE_HELD_BY_CLIENT:
                return sd_bus_error_setf(error, PB_ERROR_LINE_BUSY, "Line %s is claimed by %s",
                                         l->object_name, client_get_name(l->owner));
        case LINE_HELD_BY_OUTPUT:
                return sd_bus_error_setf(error, PB_ERROR_LINE_BUSY,
                                         "Line %s is held by configured output '%s'", l->object_name,
                                         output_get_name(l->output));
        case LINE_HELD_BY_BUTTON:
                return sd_bus_error_setf(error, PB_ERROR_LINE_BUSY,
                                         "Line %s is held by configured button '%s'", l->object_name,
                                         button_get_name(l->button));
        default:
                return sd_bus_error_setf(error, PB_ERROR_LINE_BUSY,
                                         "Line %s is in use by another process (consumer '%s')",
                                         l->object_name, l->info.consumer);
        }
}

/* The line is free for us to request: not held by anyone, in the kernel or here. */
static int line_check_requestable(Line *l, sd_bus_error *error)
{
        line_refresh_info(l);
        if (l->info.used)
                return line_busy(l, error);
        return 0;
}

/* Requests a free line, turning a lost race with another process into LineBusy. */
static int line_request_or_error(Line *l, const PbLineSettings *s, sd_bus_error *error)
{
        int r = line_request(l, s);

        if (r == -EBUSY) {
                line_refresh_info(l);
                return line_busy(l, error);
        }
        if (r < 0)
                return bus_error_errno(error, r, "request line", l->object_name);
        return 0;
}

static int line_reconfigure_or_error(Line *l, const PbLineSettings *s, sd_bus_error *error)
{
        int r = pb_request_reconfigure(l->request, s);

        if (r < 0)
                return bus_error_errno(error, r, "reconfigure line", l->object_name);
        line_refresh_info(l);
        return 0;
}

int line_claim(Line *l, Client *client, const PbLineSettings *settings, bool value_given, bool persist,
               sd_bus_error *error)
{
        PbLineSettings s = *settings;
        int r;

        if (l->holder == LINE_HELD_BY_OUTPUT || l->holder == LINE_HELD_BY_BUTTON ||
            (l->holder == LINE_HELD_BY_CLIENT && l->owner != client))
                return line_busy(l, error);

        if (s.direction == PB_DIRECTION_OUTPUT && !value_given)
                s.output_value = line_is_output(l) ? l->value : false;

        if (l->holder == LINE_FREE) {
                r = line_check_requestable(l, error);
                if (r < 0)
                        return r;
                r = line_request_or_error(l, &s, error);
        } else {
                wave_stop(l);
                r = line_reconfigure_or_error(l, &s, error);
        }
        if (r < 0)
                return r;

        if (l->owner != client) {
                l->owner = client;
                client_add_line(client);
                line_emit(l, "Owner");
        }
        l->holder = LINE_HELD_BY_CLIENT;
        l->persist = persist;
        line_sync_value(l, &s);
        log_debug("Line %s claimed by %s as %s", l->object_name, client_get_name(client),
                  pb_direction_to_string(s.direction));
        return 0;
}

int line_release(Line *l, const char *sender, sd_bus_error *error)
{
        Client *owner = l->owner;

        switch (l->holder) {
        case LINE_FREE:
                return 0;
        case LINE_HELD_BY_OUTPUT:
        case LINE_HELD_BY_BUTTON:
                return line_busy(l, error);
        case LINE_HELD_BY_CLIENT:
                if (!client_is(l->owner, sender))
                        return line_busy(l, error);
                break;
        case LINE_HELD_BY_DAEMON:
                break;
        }

        line_unrequest(l);
        client_free_if_unused(owner);
        return 0;
}

void line_lost(Line *l)
{
        Client *owner = l->owner;

        switch (l->holder) {
        case LINE_FREE:
                return;
        case LINE_HELD_BY_CLIENT:
                log_notice("Line %s went away with its chip: the claim of %s ends", l->object_name,
                           client_get_name(owner));
                break;
        case LINE_HELD_BY_DAEMON:
                log_notice("Line %s went away with its chip: the daemon no longer holds it", l->object_name);
                break;
        case LINE_HELD_BY_OUTPUT:
                log_notice("Line %s went away with its chip: output %s waits for it to come back",
                           l->object_name, output_get_name(l->output));
                break;
        case LINE_HELD_BY_BUTTON:
                log_notice("Line %s went away with its chip: button %s waits for it to come back",
                           l->object_name, button_get_name(l->button));
                break;
        }
        line_unrequest(l);
        client_free_if_unused(owner);
}

void line_owner_gone(Line *l)
{
        if (l->holder != LINE_HELD_BY_CLIENT)
                return;
        if (!l->persist) {
                log_debug("Line %s: released, its owner %s left", l->object_name, client_get_name(l->owner));
                line_unrequest(l);
                return;
        }
        /* Persistent: the daemon keeps the line as it is. */
        log_debug("Line %s: kept by the daemon (persist), its owner %s left", l->object_name,
                  client_get_name(l->owner));
        client_remove_line(l->owner);
        l->owner = NULL;
        l->holder = LINE_HELD_BY_DAEMON;
        line_emit(l, "Owner");
}

/* Requests a free line with s for a configured object (holder): the shared start of
 * line_hold_for_output() and line_hold_for_button(). */
static int line_hold(Line *l, LineHolder holder, const PbLineSettings *s, sd_bus_error *error)
{
        int r;

        if (l->holder != LINE_FREE)
                return line_busy(l, error);
        r = line_check_requestable(l, error);
        if (r < 0)
                return r;
        r = line_request_or_error(l, s, error);
        if (r < 0)
                return r;
        l->holder = holder;
        return 0;
}

int line_hold_for_output(Line *l, Output *o, const PbLineSettings *s, sd_bus_error *error)
{
        int r = line_hold(l, LINE_HELD_BY_OUTPUT, s, error);

        if (r < 0)
                return r;
        l->output = o;
        line_sync_value(l, s);
        output_line_value_changed(o, s->output_value);
        return 0;
}

int line_hold_for_button(Line *l, Button *b, const PbLineSettings *s, sd_bus_error *error)
{
        int r = line_hold(l, LINE_HELD_BY_BUTTON, s, error);

        if (r < 0)
                return r;
        l->button = b;
        /* Below the bus: a storm of edges never delays a client's call. */
        (void)sd_event_source_set_priority(l->request_io, SD_EVENT_PRIORITY_NORMAL + 1);
        return 0;
}

void line_flush_edges(Line *l)
{
        /* Until the queue is empty, so that nothing stamped before now is left behind; bounded,
         * as a storm keeps refilling it (the kernel's buffer holds far fewer than this). */
        for (unsigned i = 0; i < LINE_FLUSH_BATCHES_MAX && l->request_io; i++)
                if (line_read_edges(l) < LINE_EDGE_BATCH)
                        break;
}

int line_read_held_value(Line *l, bool *ret)
{
        if (!l->request)
                return -ENODEV;
        return pb_request_get_value(l->request, ret);
}

void line_note_input_value(Line *l, bool v)
{
        line_note_value(l, v);
}

int line_get_value(Line *l, bool *ret, sd_bus_error *error)
{
        _cleanup_(pb_request_releasep) PbRequest *transient = NULL;
        PbLineSettings as_is = { .direction = PB_DIRECTION_AS_IS };
        int r;

        if (l->holder != LINE_FREE) {
                if (line_is_output(l)) {
                        *ret = l->value;
                        return 0;
                }
                r = pb_request_get_value(l->request, ret);
                if (r < 0)
                        return bus_error_errno(error, r, "read line", l->object_name);
                line_note_value(l, *ret);
                return 0;
        }

        r = line_check_requestable(l, error);
        if (r < 0)
                return r;
        r = pb_chip_request_line(chip_get_pb(l->chip), l->offset, &as_is, PINBUS_CONSUMER, &transient);
        if (r == -EBUSY) {
                line_refresh_info(l);
                return line_busy(l, error);
        }
        if (r < 0)
                return bus_error_errno(error, r, "request line", l->object_name);
        r = pb_request_get_value(transient, ret);
        if (r < 0)
                return bus_error_errno(error, r, "read line", l->object_name);
        line_note_value(l, *ret);
        return 0;
}

/*
 * Makes sure sender may drive the line and that it is an output, claiming a
 * free line as an output for the daemon with the given initial value.
 */
static int line_prepare_output(Line *l, const char *sender, bool initial, sd_bus_error *error)
{
        PbLineSettings s = {
                .direction = PB_DIRECTION_OUTPUT,
                .output_value = initial,
        };
        int r;

        switch (l->holder) {
        case LINE_HELD_BY_CLIENT:
                if (sender && !client_is(l->owner, sender))
                        return line_busy(l, error);
                break;
        case LINE_HELD_BY_DAEMON:
        case LINE_HELD_BY_OUTPUT:
                break;
        case LINE_HELD_BY_BUTTON:
                return line_busy(l, error);
        case LINE_FREE:
                r = line_check_requestable(l, error);
                if (r < 0)
                        return r;
                r = line_request_or_error(l, &s, error);
                if (r < 0)
                        return r;
                l->holder = LINE_HELD_BY_DAEMON;
                line_sync_value(l, &s);
                log_debug("Line %s is now held by the daemon as an output", l->object_name);
                return 0;
        }

        if (!line_is_output(l))
                return sd_bus_error_setf(
                        error, PB_ERROR_NOT_OUTPUT,
                        "Line %s is held as an input; claim it with direction=output to drive it",
                        l->object_name);
        return 0;
}

static int line_drive(Line *l, bool v, sd_bus_error *error)
{
        int r = pb_request_set_value(l->request, v);

        if (r < 0) {
                log_warning("Cannot drive line %s %s: %s", l->object_name, v ? "active" : "inactive",
                            strerror(-r));
                return bus_error_errno(error, r, "drive line", l->object_name);
        }
        line_note_value(l, v);
        return 0;
}

int line_set(Line *l, const char *sender, bool value, sd_bus_error *error)
{
        int r;

        r = line_prepare_output(l, sender, value, error);
        if (r < 0)
                return r;
        wave_stop(l);
        r = line_drive(l, value, error);
        if (r < 0)
                return r;
        line_settle(l, value);
        return 0;
}

int line_toggle(Line *l, const char *sender, sd_bus_error *error)
{
        bool v = false;
        int r;

        /* A free line toggles from what it reads now. */
        if (l->holder == LINE_FREE) {
                r = line_get_value(l, &v, error);
                if (r < 0)
                        return r;
        } else
                v = l->value;
        return line_set(l, sender, !v, error);
}

/* Time of wave transition k, in µs on CLOCK_MONOTONIC. */
static uint64_t wave_time(const Line *l, uint64_t k)
{
        const Wave *w = &l->wave;

        if (w->kind == WAVE_PULSE)
                return l->wave_start_usec + w->on_us;
        return l->wave_start_usec + (k / 2) * (w->on_us + w->off_us) + (k % 2 ? w->on_us : 0);
}

static int wave_arm(Line *l, uint64_t usec);

static int on_wave_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
        Line *l = userdata;
        Wave *w = &l->wave;
        uint64_t now = usec, last;

        switch (w->kind) {
        case WAVE_PULSE:
                w->kind = WAVE_NONE;
                (void)line_drive(l, !w->first, NULL);
                return 0;
        case WAVE_BLINK:
                l->wave_step++;
                (void)line_drive(l, l->wave_step % 2 == 0, NULL);
                last = 2 * (uint64_t)w->count - 1;
                if (w->count > 0 && l->wave_step >= last) {
                        w->kind = WAVE_NONE;
                        return 0;
                }
                (void)sd_event_now(l->daemon->event, CLOCK_MONOTONIC, &now);
                /* Far behind (a stalled loop)? Skip whole cycles rather than flicker to catch up. */
                while (wave_time(l, l->wave_step + 1) + (w->on_us + w->off_us) < now &&
                       (w->count == 0 || l->wave_step + 2 < last))
                        l->wave_step += 2;
                return wave_arm(l, wave_time(l, l->wave_step + 1));
        default:
                return 0;
        }
}

static int wave_arm(Line *l, uint64_t usec)
{
        int r;

        if (!l->wave_timer) {
                /* Accuracy 1 µs: sd-event's default of 250 ms would smear every edge. */
                r = sd_event_add_time(l->daemon->event, &l->wave_timer, CLOCK_MONOTONIC, usec, 1,
                                      on_wave_timer, l);
                if (r < 0)
                        return r;
                (void)sd_event_source_set_description(l->wave_timer, "wave");
                return 0;
        }
        r = sd_event_source_set_time(l->wave_timer, usec);
        if (r < 0)
                return r;
        return sd_event_source_set_enabled(l->wave_timer, SD_EVENT_ONESHOT);
}

/*
 * Replaces whatever the line was doing with wave w, on behalf of sender: drives
 * w->first now and schedules the rest. The line will settle at `settled`.
 */
static int line_run_wave(Line *l, const char *sender, const Wave *w, bool settled, sd_bus_error *error)
{
        int r;

        r = line_prepare_output(l, sender, w->first, error);
        if (r < 0)
                return r;
        wave_stop(l);
        r = line_drive(l, w->first, error);
        if (r < 0)
                return r;

        r = sd_event_now(l->daemon->event, CLOCK_MONOTONIC, &l->wave_start_usec);
        if (r < 0)
                return bus_error_errno(error, r, "schedule line", l->object_name);
        l->wave = *w;
        l->wave_step = 0;
        r = wave_arm(l, wave_time(l, 1));
        if (r < 0) {
                l->wave.kind = WAVE_NONE;
                return bus_error_errno(error, r, "schedule line", l->object_name);
        }
        line_settle(l, settled);
        return 0;
}

static int check_duration(Line *l, const char *what, uint64_t us, uint64_t min, sd_bus_error *error)
{
        if (us < min)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                         "%s of %" PRIu64 " µs for line %s is below the minimum of %" PRIu64
                                         " µs",
                                         what, us, l->object_name, min);
        if (us > LINE_DURATION_MAX_US)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                         "%s of %" PRIu64 " µs for line %s is above the maximum of %llu µs",
                                         what, us, l->object_name, (unsigned long long)LINE_DURATION_MAX_US);
        return 0;
}

int line_pulse(Line *l, const char *sender, bool value, uint64_t duration_us, sd_bus_error *error)
{
        Wave w = { .kind = WAVE_PULSE, .first = value, .on_us = duration_us };
        int r;

        r = check_duration(l, "Pulse duration", duration_us, 1, error);
        if (r < 0)
                return r;
        return line_run_wave(l, sender, &w, !value, error);
}

int line_blink(Line *l, const char *sender, uint64_t on_us, uint64_t off_us, uint32_t count,
               sd_bus_error *error)
{
        Wave w = { .kind = WAVE_BLINK, .first = true, .on_us = on_us, .off_us = off_us, .count = count };
        int r;

        r = check_duration(l, "Blink on period", on_us, LINE_BLINK_PERIOD_MIN_US, error);
        if (r >= 0)
                r = check_duration(l, "Blink off period", off_us, LINE_BLINK_PERIOD_MIN_US, error);
        if (r < 0)
                return r;
        return line_run_wave(l, sender, &w, false, error);
}

bool line_get_cached_value(const Line *l)
{
        return l->value;
}

int line_new(Chip *chip, unsigned offset, Line **ret)
{
        Line *l;
        int r;

        l = calloc(1, sizeof(*l));
        if (!l)
                return -ENOMEM;
        l->daemon = chip_get_daemon(chip);
        l->chip = chip;
        l->offset = offset;
        r = pb_chip_get_line_info(chip_get_pb(chip), offset, &l->info);
        if (r < 0) {
                free(l);
                return r;
        }
        *ret = l;
        return 0;
}

Line *line_free(Line *l)
{
        if (!l)
                return NULL;
        wave_stop(l);
        sd_event_source_disable_unref(l->wave_timer);
        sd_event_source_disable_unref(l->request_io);
        pb_request_release(l->request);
        free(l->object_name);
        free(l->path);
        free(l);
        return NULL;
}

int line_set_object_name(Line *l, const char *name)
{
        char *n, *p = NULL;

        n = strdup(name);
        if (!n || sd_bus_path_encode(PINBUS_LINE_PREFIX, name, &p) < 0) {
                free(n);
                return -ENOMEM;
        }
        free(l->object_name);
        free(l->path);
        l->object_name = n;
        l->path = p;
        return 0;
}

const char *line_get_object_name(const Line *l)
{
        return l->object_name;
}

const char *line_get_path(const Line *l)
{
        return l->path;
}

Chip *line_get_chip(const Line *l)
{
        return l->chip;
}

unsigned line_get_offset(const Line *l)
{
        return l->offset;
}

const PbLineInfo *line_get_info(const Line *l)
{
        return &l->info;
}

Client *line_get_owner(const Line *l)
{
        return l->owner;
}

static int property_get_info(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Line *l = userdata;
        const PbLineInfo *i = &l->info;

        if (streq(property, "Name"))
                return sd_bus_message_append(reply, "s", i->name);
        if (streq(property, "Used"))
                return sd_bus_message_append(reply, "b", i->used);
        if (streq(property, "Consumer"))
                return sd_bus_message_append(reply, "s", i->consumer);
        if (streq(property, "Direction"))
                return sd_bus_message_append(reply, "s", pb_direction_to_string(i->direction));
        if (streq(property, "Bias"))
                return sd_bus_message_append(reply, "s", pb_bias_to_string(i->bias));
        if (streq(property, "Drive"))
                return sd_bus_message_append(reply, "s", pb_drive_to_string(i->drive));
        if (streq(property, "Edge"))
                return sd_bus_message_append(reply, "s", pb_edge_to_string(i->edge));
        if (streq(property, "ActiveLow"))
                return sd_bus_message_append(reply, "b", i->active_low);
        return sd_bus_message_append(reply, "t", i->debounce_us);
}

static int property_get_chip(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Line *l = userdata;

        return sd_bus_message_append(reply, "o", chip_get_path(l->chip));
}

static int property_get_offset(sd_bus *bus, const char *path, const char *interface, const char *property,
                               sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Line *l = userdata;

        return sd_bus_message_append(reply, "u", l->offset);
}

static int property_get_owner(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Line *l = userdata;

        return sd_bus_message_append(reply, "s", l->owner ? client_get_name(l->owner) : "");
}

static int property_get_value(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Line *l = userdata;
        bool v = l->value;

        /* A held input is read live; a free line is never requested just to show a property. */
        if (l->request && !line_is_output(l))
                (void)pb_request_get_value(l->request, &v);
        return sd_bus_message_append(reply, "b", v);
}

static int method_get(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        bool v;
        int r;

        r = line_get_value(userdata, &v, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, "b", v);
}

int line_method_drive(sd_bus_message *m, Line *l, const char *sender, sd_bus_error *error)
{
        const char *member = sd_bus_message_get_member(m);
        uint64_t a = 0, b = 0;
        uint32_t count = 0;
        int v = 0, r;

        if (streq(member, "Set")) {
                r = sd_bus_message_read(m, "b", &v);
                if (r >= 0)
                        r = line_set(l, sender, v, error);
        } else if (streq(member, "Toggle"))
                r = line_toggle(l, sender, error);
        else if (streq(member, "Pulse")) {
                r = sd_bus_message_read(m, "bt", &v, &a);
                if (r >= 0)
                        r = line_pulse(l, sender, v, a, error);
        } else {
                r = sd_bus_message_read(m, "ttu", &a, &b, &count);
                if (r >= 0)
                        r = line_blink(l, sender, a, b, count, error);
        }
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, NULL);
}

static int method_drive(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        return line_method_drive(m, userdata, strempty(sd_bus_message_get_sender(m)), error);
}

/*
 * io.pinbus1.Line — one GPIO line.
 *
 * Properties (kernel line info, refreshed on every info event, so lines other
 * processes take show up too):
 *   Name s        kernel line name, "" if it has none (the object path then uses <chip>_<offset>)
 *   Chip o        the io.pinbus1.Chip it belongs to
 *   Offset u      offset on its chip
 *   Used b        requested by anyone (this daemon or another process)
 *   Consumer s    consumer name of whoever requested it ("pinbusd" for this daemon), "" if unused
 *   Owner s       unique bus name of the client that claimed it; "" if free or held by the daemon
 *   Direction s   "input" | "output"
 *   Bias s        "as-is" | "disabled" | "pull-up" | "pull-down" ("as-is": not set by the requester)
 *   Drive s       "push-pull" | "open-drain" | "open-source"
 *   Edge s        "none" | "rising" | "falling" | "both"
 *   ActiveLow b   values are inverted from the physical level
 *   DebounceUs t  debounce period in µs, 0 if none
 *   Value b       logical value: what a held output drives, or a held input reads (changes are
 *                 emitted for outputs and for inputs with edge detection); on a free line the value
 *                 last seen — reading the property never requests a line, since requesting can
 *                 change a pin's mux on some SoCs
 *
 * Methods:
 *   Get() -> b value                 read the logical value; a free line gets a transient as-is read
 *   Set(b value)                     drive an output; a free line is claimed as an output and kept
 *                                    by the daemon until released (LineBusy if another client
 *                                    holds it, NotOutput if held as an input)
 *   Toggle()                         drive the opposite of the current value
 *   Pulse(b value, t duration_us)    drive value for duration_us (1 µs .. 24 h), then !value
 *   Blink(t on_us, t off_us, u count)
 *                                    active for on_us, inactive for off_us (each 1 ms .. 24 h),
 *                                    count times or until Set/Toggle when 0; ends inactive
 *
 * Signals:
 *   Edge(b value, t timestamp_ns, u seqno)
 *                                    an edge on a line claimed with edge detection: the logical
 *                                    value after it, the kernel's CLOCK_MONOTONIC timestamp in ns,
 *                                    and the kernel's per-line sequence number (a gap = lost events)
 */
static const sd_bus_vtable line_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Name", "s", property_get_info, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Chip", "o", property_get_chip, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Offset", "u", property_get_offset, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Used", "b", property_get_info, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Consumer", "s", property_get_info, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Owner", "s", property_get_owner, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Direction", "s", property_get_info, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Bias", "s", property_get_info, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Drive", "s", property_get_info, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Edge", "s", property_get_info, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ActiveLow", "b", property_get_info, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("DebounceUs", "t", property_get_info, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Value", "b", property_get_value, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_METHOD_WITH_ARGS("Get", SD_BUS_NO_ARGS, SD_BUS_RESULT("b", value), method_get,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Set", SD_BUS_ARGS("b", value), SD_BUS_NO_RESULT, method_drive,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Toggle", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_drive,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Pulse", SD_BUS_ARGS("b", value, "t", duration_us), SD_BUS_NO_RESULT,
                                method_drive, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Blink", SD_BUS_ARGS("t", on_us, "t", off_us, "u", count), SD_BUS_NO_RESULT,
                                method_drive, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("Edge", SD_BUS_ARGS("b", value, "t", timestamp_ns, "u", seqno), 0),
        SD_BUS_VTABLE_END,
};

static int line_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
                            void **found, sd_bus_error *error)
{
        Daemon *d = userdata;
        _cleanup_free_ char *name = NULL;
        Line *l;

        if (sd_bus_path_decode(path, PINBUS_LINE_PREFIX, &name) <= 0)
                return 0;
        l = daemon_find_line_by_object_name(d, name);
        if (!l)
                return 0;
        *found = l;
        return 1;
}

static int line_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes,
                                sd_bus_error *error)
{
        Daemon *d = userdata;
        _cleanup_strv_free_ char **l = NULL;

        l = calloc(d->n_lines + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < d->n_lines; i++) {
                l[i] = strdup(line_get_path(d->lines[i]));
                if (!l[i])
                        return -ENOMEM;
        }
        *nodes = TAKE_PTR(l);
        return 1;
}

int line_add_bus_objects(Daemon *d)
{
        int r;

        r = sd_bus_add_fallback_vtable(d->bus, NULL, PINBUS_LINE_PREFIX, "io.pinbus1.Line", line_vtable,
                                       line_object_find, d);
        if (r < 0)
                return r;
        return sd_bus_add_node_enumerator(d->bus, NULL, PINBUS_LINE_PREFIX, line_node_enumerator, d);
}
