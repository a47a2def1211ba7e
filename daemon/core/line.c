/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/epoll.h>

#include "core/frontend.h"
#include "core/line.h"
#include "log.h"

/* Edge events read per wakeup, so a storm on one line cannot starve the loop. */
#define LINE_EDGE_BATCH 64
/* Batches line_flush_edges() reads at most. */
#define LINE_FLUSH_BATCHES_MAX 16
/* Longest holder description ("claimed by :1.42", "held by configured output '...'"). */
#define LINE_DESCRIBE_MAX 160

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
        Chip *chip; /* its owner, opaque here: a line knows its chip's PbChip */
        PbChip *pb;
        unsigned offset;
        char *object_name;
        char *path;      /* the front end's, owned */
        PbLineInfo info; /* as last read from the chip */

        LineHolder holder;  /* ops NULL while free */
        PbRequest *request; /* non-NULL while held */
        sd_event_source *request_io;

        bool value; /* logical value: driven (outputs), or last seen (inputs); false until seen */

        /* A Pulse or Blink in progress when wave.kind != WAVE_NONE. */
        Wave wave;
        sd_event_source *wave_timer;
        uint64_t wave_start_us;
        uint64_t wave_step; /* transitions done */
};

/* The daemon keeps the line: after Set/Toggle/Pulse/Blink on a free line, or a persistent
 * claim whose client left. Anyone may drive it, and a client's claim takes it over. */
static void keeper_describe(void *holder, char *buf, size_t size)
{
        (void)snprintf(buf, size, "held by the daemon");
}

static const LineHolderOps keeper_ops = {
        .drive = LINE_DRIVE_ANYONE,
        .yields_to_claim = true,
        .describe = keeper_describe,
};

static bool line_is_free(const Line *l)
{
        return !l->holder.ops;
}

static bool line_is_kept(const Line *l)
{
        return l->holder.ops == &keeper_ops;
}

bool line_is_held_by(const Line *l, const LineHolder *h)
{
        return h && h->ops && l->holder.ops == h->ops && l->holder.data == h->data;
}

LineHolder line_get_holder(const Line *l)
{
        return l->holder;
}

static void line_changed(Line *l, unsigned changes)
{
        if (changes != 0)
                FRONTEND_CALL(l->daemon, line_changed, l, changes);
}

void line_refresh_info(Line *l)
{
        PbLineInfo info, *o = &l->info;
        unsigned changes = 0;
        int r;

        r = pb_chip_get_line_info(l->pb, l->offset, &info);
        if (r < 0) {
                log_debug("Cannot read info of line %s: %s", strempty(l->object_name), strerror(-r));
                return;
        }

        if (info.used != o->used)
                changes |= LINE_CHANGED_USED;
        if (!streq(info.consumer, o->consumer))
                changes |= LINE_CHANGED_CONSUMER;
        if (info.direction != o->direction)
                changes |= LINE_CHANGED_DIRECTION;
        if (info.bias != o->bias)
                changes |= LINE_CHANGED_BIAS;
        if (info.drive != o->drive)
                changes |= LINE_CHANGED_DRIVE;
        if (info.edge != o->edge)
                changes |= LINE_CHANGED_EDGE;
        if (info.active_low != o->active_low)
                changes |= LINE_CHANGED_ACTIVE_LOW;
        if (info.debounce_us != o->debounce_us)
                changes |= LINE_CHANGED_DEBOUNCE;

        *o = info;
        line_changed(l, changes);
}

/* The logical value is now v: tells the front end and the holder only if it really changed. */
static void line_note_value(Line *l, bool v)
{
        if (l->value == v)
                return;
        l->value = v;
        FRONTEND_CALL(l->daemon, line_value_changed, l, v);
        if (l->holder.ops && l->holder.ops->value_changed)
                l->holder.ops->value_changed(l->holder.data, l, v);
}

/* The value the line will rest at is now v. */
static void line_settle(Line *l, bool v)
{
        if (l->holder.ops && l->holder.ops->settled)
                l->holder.ops->settled(l->holder.data, l, v);
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
        if (l->holder.ops->edges) {
                /* The holder's own (a button's): nothing per edge is published. */
                l->holder.ops->edges(l->holder.data, l, events, (size_t)n);
                return n;
        }
        for (int i = 0; i < n; i++) {
                FRONTEND_CALL(l->daemon, line_edge, l, &events[i]);
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

/* Makes h the line's holder (h NULL: free), publishing an Owner change if one is involved. */
static void line_set_holder(Line *l, const LineHolder *h)
{
        LineHolder none = {};
        bool owner_changed;

        if (!h)
                h = &none;
        owner_changed = (l->holder.ops && l->holder.ops->is_owner) || (h->ops && h->ops->is_owner);
        owner_changed = owner_changed && !line_is_held_by(l, h);
        l->holder = *h;
        if (owner_changed)
                line_changed(l, LINE_CHANGED_OWNER);
}

/* Hands the line from its holder to h (which may be NULL: free), telling the old holder why. */
static void line_change_holder(Line *l, const LineHolder *h, LineDrop why)
{
        LineHolder old = l->holder;

        if (line_is_held_by(l, h))
                return;
        line_set_holder(l, h);
        if (old.ops && old.ops->dropped)
                old.ops->dropped(old.data, l, why);
}

/* Drops the request and everything tied to it; the line becomes free and its holder is told why. */
static void line_unrequest(Line *l, LineDrop why)
{
        wave_stop(l);
        l->request_io = sd_event_source_disable_unref(l->request_io);
        l->request = pb_request_release(l->request);
        line_change_holder(l, NULL, why);
        line_refresh_info(l);
}

/* Requests the line with s and starts watching its edge events. */
static int line_request(Line *l, const PbLineSettings *s)
{
        int r;

        r = pb_chip_request_line(l->pb, l->offset, s, PINBUS_CONSUMER, &l->request);
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

static int line_busy(Line *l, CoreError *error)
{
        char who[LINE_DESCRIBE_MAX];

        if (l->holder.ops) {
                l->holder.ops->describe(l->holder.data, who, sizeof(who));
                return core_error_setf(error, CORE_ERROR_LINE_BUSY, -EBUSY, "Line %s is %s", l->object_name,
                                       who);
        }
        return core_error_setf(error, CORE_ERROR_LINE_BUSY, -EBUSY,
                               "Line %s is in use by another process (consumer '%s')", l->object_name,
                               l->info.consumer);
}

/* The line is free for us to request: not held by anyone, in the kernel or here. */
static int line_check_requestable(Line *l, CoreError *error)
{
        line_refresh_info(l);
        if (l->info.used)
                return line_busy(l, error);
        return 0;
}

/* Requests a free line, turning a lost race with another process into LINE_BUSY. */
static int line_request_or_error(Line *l, const PbLineSettings *s, CoreError *error)
{
        int r = line_request(l, s);

        if (r == -EBUSY) {
                line_refresh_info(l);
                return line_busy(l, error);
        }
        if (r < 0)
                return core_error_errno(error, r, "request line", l->object_name);
        return 0;
}

static int line_reconfigure_or_error(Line *l, const PbLineSettings *s, CoreError *error)
{
        int r = pb_request_reconfigure(l->request, s);

        if (r < 0)
                return core_error_errno(error, r, "reconfigure line", l->object_name);
        line_refresh_info(l);
        return 0;
}

int line_claim(Line *l, const LineHolder *h, const PbLineSettings *settings, bool value_given,
               CoreError *error)
{
        PbLineSettings s = *settings;
        int r;

        assert(l);
        assert(h && h->ops);

        if (!line_is_free(l) && !line_is_held_by(l, h) && !l->holder.ops->yields_to_claim)
                return line_busy(l, error);

        if (s.direction == PB_DIRECTION_OUTPUT && !value_given)
                s.output_value = line_is_output(l) ? l->value : false;

        if (line_is_free(l)) {
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

        line_change_holder(l, h, LINE_DROP_TAKEN);
        line_sync_value(l, &s);
        log_debug("Line %s claimed as %s", l->object_name, pb_direction_to_string(s.direction));
        return 0;
}

int line_hold(Line *l, const LineHolder *h, const PbLineSettings *s, CoreError *error)
{
        int r;

        assert(l);
        assert(h && h->ops);

        if (!line_is_free(l))
                return line_busy(l, error);
        r = line_check_requestable(l, error);
        if (r < 0)
                return r;
        r = line_request_or_error(l, s, error);
        if (r < 0)
                return r;
        line_set_holder(l, h);
        if (h->ops->edges_below_bus)
                /* Below the bus: a storm of edges never delays a client's call. */
                (void)sd_event_source_set_priority(l->request_io, SD_EVENT_PRIORITY_NORMAL + 1);
        line_sync_value(l, s);
        return 0;
}

int line_release(Line *l, const LineHolder *who, CoreError *error)
{
        assert(l);

        if (line_is_free(l))
                return 0;
        if (!line_is_kept(l) && !line_is_held_by(l, who))
                return line_busy(l, error);
        line_unrequest(l, LINE_DROP_RELEASED);
        return 0;
}

void line_keep(Line *l)
{
        const LineHolder keeper = { .ops = &keeper_ops };

        assert(l);
        if (line_is_free(l))
                return;
        log_debug("Line %s: kept by the daemon", l->object_name);
        line_change_holder(l, &keeper, LINE_DROP_TAKEN);
}

void line_drop(Line *l, LineDrop why)
{
        assert(l);
        if (!line_is_free(l))
                line_unrequest(l, why);
}

void line_lost(Line *l)
{
        char who[LINE_DESCRIBE_MAX];

        if (line_is_free(l))
                return;
        l->holder.ops->describe(l->holder.data, who, sizeof(who));
        log_notice("Line %s went away with its chip: it was %s", l->object_name, who);
        line_unrequest(l, LINE_DROP_LOST);
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

int line_get_value(Line *l, bool *ret, CoreError *error)
{
        _cleanup_(pb_request_releasep) PbRequest *transient = NULL;
        PbLineSettings as_is = { .direction = PB_DIRECTION_AS_IS };
        int r;

        assert(l);
        assert(ret);

        if (!line_is_free(l)) {
                if (line_is_output(l)) {
                        *ret = l->value;
                        return 0;
                }
                r = pb_request_get_value(l->request, ret);
                if (r < 0)
                        return core_error_errno(error, r, "read line", l->object_name);
                line_note_value(l, *ret);
                return 0;
        }

        r = line_check_requestable(l, error);
        if (r < 0)
                return r;
        r = pb_chip_request_line(l->pb, l->offset, &as_is, PINBUS_CONSUMER, &transient);
        if (r == -EBUSY) {
                line_refresh_info(l);
                return line_busy(l, error);
        }
        if (r < 0)
                return core_error_errno(error, r, "request line", l->object_name);
        r = pb_request_get_value(transient, ret);
        if (r < 0)
                return core_error_errno(error, r, "read line", l->object_name);
        line_note_value(l, *ret);
        return 0;
}

bool line_get_published_value(Line *l)
{
        bool v = l->value;

        /* A held input is read live; a free line is never requested just to show a property. */
        if (l->request && !line_is_output(l))
                (void)pb_request_get_value(l->request, &v);
        return v;
}

/*
 * Makes sure who may drive the line and that it is an output, making the daemon keep
 * a free line as an output with the given initial value.
 */
static int line_prepare_output(Line *l, const LineHolder *who, bool initial, CoreError *error)
{
        PbLineSettings s = {
                .direction = PB_DIRECTION_OUTPUT,
                .output_value = initial,
        };
        const LineHolder keeper = { .ops = &keeper_ops };
        int r;

        if (line_is_free(l)) {
                r = line_check_requestable(l, error);
                if (r < 0)
                        return r;
                r = line_request_or_error(l, &s, error);
                if (r < 0)
                        return r;
                line_set_holder(l, &keeper);
                line_sync_value(l, &s);
                log_debug("Line %s is now held by the daemon as an output", l->object_name);
                return 0;
        }

        switch (l->holder.ops->drive) {
        case LINE_DRIVE_ANYONE:
                break;
        case LINE_DRIVE_HOLDER:
                if (who && !line_is_held_by(l, who))
                        return line_busy(l, error);
                break;
        case LINE_DRIVE_NOBODY:
                return line_busy(l, error);
        }

        if (!line_is_output(l))
                return core_error_setf(
                        error, CORE_ERROR_NOT_OUTPUT, -EPERM,
                        "Line %s is held as an input; claim it with direction=output to drive it",
                        l->object_name);
        return 0;
}

static int line_drive(Line *l, bool v, CoreError *error)
{
        int r = pb_request_set_value(l->request, v);

        if (r < 0) {
                log_warning("Cannot drive line %s %s: %s", l->object_name, v ? "active" : "inactive",
                            strerror(-r));
                return core_error_errno(error, r, "drive line", l->object_name);
        }
        line_note_value(l, v);
        return 0;
}

int line_set(Line *l, const LineHolder *who, bool value, CoreError *error)
{
        int r;

        assert(l);
        r = line_prepare_output(l, who, value, error);
        if (r < 0)
                return r;
        wave_stop(l);
        r = line_drive(l, value, error);
        if (r < 0)
                return r;
        line_settle(l, value);
        return 0;
}

int line_toggle(Line *l, const LineHolder *who, CoreError *error)
{
        bool v = false;
        int r;

        assert(l);
        /* A free line toggles from what it reads now. */
        if (line_is_free(l)) {
                r = line_get_value(l, &v, error);
                if (r < 0)
                        return r;
        } else
                v = l->value;
        return line_set(l, who, !v, error);
}

/* Time of wave transition k, in µs on CLOCK_MONOTONIC. */
static uint64_t wave_time(const Line *l, uint64_t k)
{
        const Wave *w = &l->wave;

        if (w->kind == WAVE_PULSE)
                return l->wave_start_us + w->on_us;
        return l->wave_start_us + (k / 2) * (w->on_us + w->off_us) + (k % 2 ? w->on_us : 0);
}

static int wave_arm(Line *l, uint64_t time_us);

static int on_wave_timer(sd_event_source *s, uint64_t time_us, void *userdata)
{
        Line *l = userdata;
        Wave *w = &l->wave;
        uint64_t now = time_us, last;

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

static int wave_arm(Line *l, uint64_t time_us)
{
        int r;

        if (!l->wave_timer) {
                /* Accuracy 1 µs: sd-event's default of 250 ms would smear every edge. */
                r = sd_event_add_time(l->daemon->event, &l->wave_timer, CLOCK_MONOTONIC, time_us, 1,
                                      on_wave_timer, l);
                if (r < 0)
                        return r;
                (void)sd_event_source_set_description(l->wave_timer, "wave");
                return 0;
        }
        r = sd_event_source_set_time(l->wave_timer, time_us);
        if (r < 0)
                return r;
        return sd_event_source_set_enabled(l->wave_timer, SD_EVENT_ONESHOT);
}

/*
 * Replaces whatever the line was doing with wave w, on behalf of who: drives
 * w->first now and schedules the rest. The line will settle at `settled`.
 */
static int line_run_wave(Line *l, const LineHolder *who, const Wave *w, bool settled, CoreError *error)
{
        int r;

        r = line_prepare_output(l, who, w->first, error);
        if (r < 0)
                return r;
        wave_stop(l);
        r = line_drive(l, w->first, error);
        if (r < 0)
                return r;

        r = sd_event_now(l->daemon->event, CLOCK_MONOTONIC, &l->wave_start_us);
        if (r < 0)
                return core_error_errno(error, r, "schedule line", l->object_name);
        l->wave = *w;
        l->wave_step = 0;
        r = wave_arm(l, wave_time(l, 1));
        if (r < 0) {
                l->wave.kind = WAVE_NONE;
                return core_error_errno(error, r, "schedule line", l->object_name);
        }
        line_settle(l, settled);
        return 0;
}

static int check_duration(Line *l, const char *what, uint64_t us, uint64_t min, CoreError *error)
{
        if (us < min)
                return core_error_setf(error, CORE_ERROR_INVALID_ARGS, -EINVAL,
                                       "%s of %" PRIu64 " µs for line %s is below the minimum of %" PRIu64
                                       " µs",
                                       what, us, l->object_name, min);
        if (us > LINE_DURATION_MAX_US)
                return core_error_setf(error, CORE_ERROR_INVALID_ARGS, -EINVAL,
                                       "%s of %" PRIu64 " µs for line %s is above the maximum of %llu µs",
                                       what, us, l->object_name, (unsigned long long)LINE_DURATION_MAX_US);
        return 0;
}

int line_pulse(Line *l, const LineHolder *who, bool value, uint64_t duration_us, CoreError *error)
{
        Wave w = { .kind = WAVE_PULSE, .first = value, .on_us = duration_us };
        int r;

        assert(l);
        r = check_duration(l, "Pulse duration", duration_us, 1, error);
        if (r < 0)
                return r;
        return line_run_wave(l, who, &w, !value, error);
}

int line_blink(Line *l, const LineHolder *who, uint64_t on_us, uint64_t off_us, uint32_t count,
               CoreError *error)
{
        Wave w = { .kind = WAVE_BLINK, .first = true, .on_us = on_us, .off_us = off_us, .count = count };
        int r;

        assert(l);
        r = check_duration(l, "Blink on period", on_us, LINE_BLINK_PERIOD_MIN_US, error);
        if (r >= 0)
                r = check_duration(l, "Blink off period", off_us, LINE_BLINK_PERIOD_MIN_US, error);
        if (r < 0)
                return r;
        return line_run_wave(l, who, &w, false, error);
}

int line_new(Daemon *d, Chip *chip, PbChip *pb, unsigned offset, Line **ret)
{
        Line *l;
        int r;

        assert(d);
        assert(chip);
        assert(pb);
        assert(ret);

        l = calloc(1, sizeof(*l));
        if (!l)
                return -ENOMEM;
        l->daemon = d;
        l->chip = chip;
        l->pb = pb;
        l->offset = offset;
        r = pb_chip_get_line_info(pb, offset, &l->info);
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
        char *n;

        n = strdup(name);
        if (!n)
                return -ENOMEM;
        free(l->object_name);
        l->object_name = n;
        return 0;
}

const char *line_get_object_name(const Line *l)
{
        return l->object_name;
}

void line_set_path(Line *l, char *path)
{
        free(l->path);
        l->path = path;
}

const char *line_get_path(const Line *l)
{
        return l->path;
}

Chip *line_get_chip(const Line *l)
{
        return l->chip;
}

Daemon *line_get_daemon(const Line *l)
{
        return l->daemon;
}

unsigned line_get_offset(const Line *l)
{
        return l->offset;
}

const PbLineInfo *line_get_info(const Line *l)
{
        return &l->info;
}
