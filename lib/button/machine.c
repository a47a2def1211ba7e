/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The button state machine; see button/machine.h for the meaning of every event and time. */

#include <assert.h>

#include "button/machine.h"

struct PbButton {
        PbButtonConfig config;
        uint64_t now; /* time reached: nothing before it is processed any more */

        /* Debouncer (config.debounce_ns > 0). */
        bool raw;                   /* last level fed */
        bool debouncing;            /* a debounce period is running */
        uint64_t debounce_deadline; /* when it ends */

        /* Debounced state. */
        bool pressed;
        bool silent;       /* pressed since creation: no Held, no click */
        uint64_t press_ts; /* confirmation of the current press */
        bool held;
        bool hold_pending;      /* a Held is scheduled */
        uint64_t hold_deadline; /* when */
        uint32_t repeat;        /* repeat number of the Held at hold_deadline */

        /* Multi-click. */
        uint32_t clicks;         /* clicks in the current sequence */
        bool window_open;        /* a click window is running (only while released) */
        uint64_t click_deadline; /* when it closes */

        uint64_t press_count;
        uint64_t edges;
        uint64_t changes; /* level changes that counted */
};

typedef struct Out {
        PbButtonEvent *events;
        size_t n;
} Out;

/* a <= b, on a clock that may wrap. */
static bool time_le(uint64_t a, uint64_t b)
{
        return (int64_t)(a - b) <= 0;
}

static bool time_lt(uint64_t a, uint64_t b)
{
        return (int64_t)(a - b) < 0;
}

static void emit(Out *o, PbButtonEventType type, uint64_t ts, uint64_t duration, uint32_t count)
{
        assert(o->n < PB_BUTTON_EVENTS_MAX);
        o->events[o->n++] = (PbButtonEvent){
                .type = type,
                .timestamp_ns = ts,
                .duration_ns = duration,
                .count = count,
        };
}

static const char *const event_type_names[_PB_BUTTON_EVENT_TYPE_MAX] = {
        [PB_BUTTON_PRESSED] = "pressed",
        [PB_BUTTON_RELEASED] = "released",
        [PB_BUTTON_HELD] = "held",
        [PB_BUTTON_CLICKED] = "clicked",
};

const char *pb_button_event_type_to_string(PbButtonEventType t)
{
        return (unsigned)t < _PB_BUTTON_EVENT_TYPE_MAX ? event_type_names[t] : NULL;
}

int pb_button_new(const PbButtonConfig *config, bool pressed, uint64_t now_ns, PbButton **ret)
{
        PbButton *b;

        if (!config || !ret)
                return -EINVAL;
        if (config->debounce_ns > INT64_MAX || config->hold_time_ns > INT64_MAX ||
            config->hold_repeat_ns > INT64_MAX || config->click_window_ns > INT64_MAX)
                return -EINVAL;

        b = calloc(1, sizeof(*b));
        if (!b)
                return -ENOMEM;
        b->config = *config;
        b->now = now_ns;
        b->raw = b->pressed = b->silent = pressed;
        b->press_ts = now_ns;
        *ret = b;
        return 0;
}

PbButton *pb_button_free(PbButton *b)
{
        free(b);
        return NULL;
}

/* A debounced level change to level at t. */
static void apply_change(PbButton *b, bool level, uint64_t t, Out *o)
{
        bool click;

        if (level == b->pressed)
                return;
        b->changes++;

        if (level) {
                b->pressed = true;
                b->silent = false;
                b->held = false;
                b->press_ts = t;
                b->press_count++;
                /* The window pauses while pressed; the clicks so far wait for this press to end. */
                b->window_open = false;
                emit(o, PB_BUTTON_PRESSED, t, 0, 0);
                if (b->config.hold_time_ns > 0) {
                        b->hold_pending = true;
                        b->hold_deadline = t + b->config.hold_time_ns;
                        b->repeat = 0;
                }
                return;
        }

        click = !b->held && !b->silent;
        emit(o, PB_BUTTON_RELEASED, t, t - b->press_ts, 0);
        b->pressed = b->held = b->silent = b->hold_pending = false;
        if (!click)
                return;
        b->clicks++;
        if (b->config.click_window_ns == 0) {
                emit(o, PB_BUTTON_CLICKED, t, 0, b->clicks);
                b->clicks = 0;
                return;
        }
        b->window_open = true;
        b->click_deadline = t + b->config.click_window_ns;
}

/* The Held due at b->hold_deadline, coalescing repeats due up to limit. */
static void fire_hold(PbButton *b, uint64_t limit, Out *o)
{
        uint64_t interval = b->config.hold_repeat_ns;

        if (!b->held) {
                b->held = true;
                /* A held press is no click: the sequence before it ends here. */
                if (b->clicks > 0) {
                        emit(o, PB_BUTTON_CLICKED, b->hold_deadline, 0, b->clicks);
                        b->clicks = 0;
                }
        } else {
                /* Late by whole intervals: report only the latest repeat due. */
                uint64_t skip = (limit - b->hold_deadline) / interval;

                if (skip > UINT32_MAX - b->repeat - 1)
                        skip = UINT32_MAX - b->repeat - 1;
                b->repeat += (uint32_t)skip;
                b->hold_deadline += skip * interval;
        }
        emit(o, PB_BUTTON_HELD, b->hold_deadline, 0, b->repeat);
        if (interval == 0 || b->repeat == UINT32_MAX - 1) {
                b->hold_pending = false;
                return;
        }
        b->repeat++;
        b->hold_deadline += interval;
}

typedef enum Deadline {
        DEADLINE_NONE,
        DEADLINE_CLICK,
        DEADLINE_HOLD,
        DEADLINE_DEBOUNCE,
} Deadline;

/* The earliest deadline; ties go to the earlier kind in the enum (click, hold, debounce). */
static Deadline next_deadline(const PbButton *b, uint64_t *ret)
{
        Deadline best = DEADLINE_NONE;
        uint64_t t = 0;

        if (b->window_open) {
                best = DEADLINE_CLICK;
                t = b->click_deadline;
        }
        if (b->pressed && b->hold_pending && (best == DEADLINE_NONE || time_lt(b->hold_deadline, t))) {
                best = DEADLINE_HOLD;
                t = b->hold_deadline;
        }
        if (b->debouncing && (best == DEADLINE_NONE || time_lt(b->debounce_deadline, t))) {
                best = DEADLINE_DEBOUNCE;
                t = b->debounce_deadline;
        }
        *ret = t;
        return best;
}

static void advance_to(PbButton *b, uint64_t t, Out *o)
{
        for (;;) {
                uint64_t d, limit;
                Deadline k = next_deadline(b, &d);

                if (k == DEADLINE_NONE || !time_le(d, t))
                        break;
                if (time_lt(b->now, d))
                        b->now = d;

                switch (k) {
                case DEADLINE_CLICK:
                        b->window_open = false;
                        emit(o, PB_BUTTON_CLICKED, d, 0, b->clicks);
                        b->clicks = 0;
                        break;
                case DEADLINE_HOLD:
                        /* Repeats coalesce up to t, but not past a release that comes first. */
                        limit = b->debouncing && time_lt(b->debounce_deadline, t) ? b->debounce_deadline : t;
                        fire_hold(b, limit, o);
                        break;
                default:
                        b->debouncing = false;
                        apply_change(b, b->raw, d, o);
                }
        }
        if (time_lt(b->now, t))
                b->now = t;
}

size_t pb_button_advance(PbButton *b, uint64_t now_ns, PbButtonEvent events[PB_BUTTON_EVENTS_MAX])
{
        Out o = { .events = events };

        advance_to(b, now_ns, &o);
        return o.n;
}

size_t pb_button_feed(PbButton *b, bool level, uint64_t t_ns, PbButtonEvent events[PB_BUTTON_EVENTS_MAX])
{
        Out o = { .events = events };

        if (time_lt(t_ns, b->now))
                t_ns = b->now; /* late: time never runs backwards */
        advance_to(b, t_ns, &o);
        b->edges++;
        b->raw = level;
        if (b->config.debounce_ns > 0) {
                /* Every edge restarts the period, even one to the same level (edges were lost). */
                b->debouncing = true;
                b->debounce_deadline = t_ns + b->config.debounce_ns;
        } else
                apply_change(b, level, t_ns, &o);
        return o.n;
}

size_t pb_button_feed_after_loss(PbButton *b, bool level, uint64_t t_ns, uint64_t lost,
                                 PbButtonEvent events[PB_BUTTON_EVENTS_MAX])
{
        if (lost > 0 && b->config.debounce_ns > 0 && b->debouncing) {
                uint64_t t = time_lt(t_ns, b->now) ? b->now : t_ns;

                /* The period cannot end inside the gap: it is restarted by this edge below. */
                if (time_lt(b->debounce_deadline, t + b->config.debounce_ns))
                        b->debounce_deadline = t + b->config.debounce_ns;
        }
        return pb_button_feed(b, level, t_ns, events);
}

bool pb_button_next_deadline(const PbButton *b, uint64_t *ret)
{
        uint64_t t;

        if (next_deadline(b, &t) == DEADLINE_NONE)
                return false;
        *ret = t;
        return true;
}

bool pb_button_is_pressed(const PbButton *b)
{
        return b->pressed;
}

bool pb_button_is_held(const PbButton *b)
{
        return b->held;
}

uint64_t pb_button_get_press_ts(const PbButton *b)
{
        return b->press_ts;
}

uint64_t pb_button_get_press_count(const PbButton *b)
{
        return b->press_count;
}

uint64_t pb_button_get_edges(const PbButton *b)
{
        return b->edges;
}

uint64_t pb_button_get_bounces(const PbButton *b)
{
        return b->edges - b->changes;
}
