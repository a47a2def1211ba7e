/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The button state machine (lib/button/machine.h) on synthetic and recorded-style
 * traces, and the proof that the daemon's debounce and the kernel's (as the
 * simulator implements it) give the same events for the same input.
 *
 * Traces are run by a perfect event loop: every deadline the machine asks for
 * is honoured exactly, edges are fed in time order. Events are compared as
 * text relative to the trace's base time, e.g. "pressed@25ms",
 * "released@1525ms/1500ms", "held@1025ms#0", "clicked@2000ms x2".
 */

#include "button/machine.h"
#include "gpio/chip.h"
#include "sim/gpio-chip.h"
#include "test-util.h"

#define MS(x) ((uint64_t)(x)*T_NSEC_PER_MSEC)
#define US(x) ((uint64_t)(x)*T_NSEC_PER_USEC)

typedef struct Edge {
        uint64_t t; /* ns after the base */
        bool level;
} Edge;

typedef struct Trace {
        Edge edges[4096];
        size_t n;
} Trace;

static void trace_add(Trace *tr, uint64_t t, bool level)
{
        ck_assert_uint_lt(tr->n, ELEMENTSOF_T(tr->edges));
        tr->edges[tr->n++] = (Edge){ .t = t, .level = level };
}

/* A contact bouncing from !level to level: n transitions (n odd lands on level when starting from
 * !level; an even n gets one more) spread pseudo-randomly over span_ns, starting at t. Returns the
 * time of the last transition. */
static uint64_t trace_bounce(Trace *tr, uint64_t t, bool level, unsigned n, uint64_t span_ns, unsigned *seed)
{
        uint64_t times[64], sum = 0, acc = 0, weights[64];
        bool cur = !level;

        if (n % 2 == 0)
                n++;
        ck_assert_uint_le(n, ELEMENTSOF_T(times));
        for (unsigned i = 0; i < n; i++) {
                *seed = *seed * 1103515245u + 12345u;
                weights[i] = 1 + (*seed >> 16) % 100;
                sum += weights[i];
        }
        /* The first transition starts the bounce at t; the others follow within span_ns. */
        for (unsigned i = 0; i < n; i++) {
                times[i] = t + (i == 0 ? 0 : acc * span_ns / sum);
                acc += weights[i];
        }
        times[n - 1] = t + span_ns;
        for (unsigned i = 0; i < n; i++) {
                cur = !cur;
                trace_add(tr, times[i], cur);
        }
        ck_assert(cur == level);
        return times[n - 1];
}

/* Events as text relative to base, one per line. */
static void format_events(FILE *f, const PbButtonEvent *ev, size_t n, uint64_t base)
{
        for (size_t i = 0; i < n; i++) {
                uint64_t t = ev[i].timestamp_ns - base;

                fprintf(f, "%s@%lluus", pb_button_event_type_to_string(ev[i].type),
                        (unsigned long long)(t / T_NSEC_PER_USEC));
                if (ev[i].type == PB_BUTTON_RELEASED)
                        fprintf(f, "/%lluus", (unsigned long long)(ev[i].duration_ns / T_NSEC_PER_USEC));
                if (ev[i].type == PB_BUTTON_HELD)
                        fprintf(f, "#%u", ev[i].count);
                if (ev[i].type == PB_BUTTON_CLICKED)
                        fprintf(f, " x%u", ev[i].count);
                fprintf(f, "\n");
        }
}

typedef struct Run {
        PbButtonEvent ev[1024];
        size_t n;
} Run;

static void run_add(Run *r, const PbButtonEvent *ev, size_t n)
{
        ck_assert_uint_le(n, PB_BUTTON_EVENTS_MAX);
        ck_assert_uint_le(r->n + n, ELEMENTSOF_T(r->ev));
        memcpy(r->ev + r->n, ev, n * sizeof(*ev));
        r->n += n;
}

static char *run_text(const Run *r, uint64_t base)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        ck_assert_ptr_nonnull(f);
        format_events(f, r->ev, r->n, base);
        ck_assert_int_eq(fclose(f), 0);
        return t_defer(free, buf);
}

static void button_free_void(void *p)
{
        pb_button_free(p);
}

static PbButton *new_button(const PbButtonConfig *cfg, bool pressed, uint64_t now)
{
        PbButton *b = NULL;

        ck_assert_int_eq(pb_button_new(cfg, pressed, now, &b), 0);
        return t_defer(button_free_void, b);
}

/*
 * Runs tr (times relative to base) through b with a perfect event loop, then lets time run to
 * base + end. Returns the events as text relative to base.
 */
static char *run_trace_on(PbButton *b, const Trace *tr, uint64_t base, uint64_t end, Run *run)
{
        PbButtonEvent ev[PB_BUTTON_EVENTS_MAX];
        size_t i = 0;

        for (;;) {
                uint64_t d;
                bool has_d = pb_button_next_deadline(b, &d);

                if (i < tr->n && (!has_d || (int64_t)(base + tr->edges[i].t - d) < 0)) {
                        run_add(run, ev, pb_button_feed(b, tr->edges[i].level, base + tr->edges[i].t, ev));
                        i++;
                } else if (has_d && (int64_t)(d - (base + end)) <= 0) {
                        run_add(run, ev, pb_button_advance(b, d, ev));
                } else
                        break;
        }
        run_add(run, ev, pb_button_advance(b, base + end, ev));
        return run_text(run, base);
}

static char *run_trace(const PbButtonConfig *cfg, const Trace *tr, uint64_t base, uint64_t end)
{
        Run *run = t_defer(free, calloc(1, sizeof(Run)));

        return run_trace_on(new_button(cfg, false, base), tr, base, end, run);
}

static Trace *new_trace(void)
{
        return t_defer(free, calloc(1, sizeof(Trace)));
}

static const PbButtonConfig doorbell = {
        .debounce_ns = MS(20),
        .hold_time_ns = MS(1000),
        .click_window_ns = MS(400),
};

#define assert_text(got, want) \
        ck_assert_msg(strcmp((got), (want)) == 0, "events:\n%s\nexpected:\n%s", (got), (want))

START_TEST(test_clean_press_no_debounce)
{
        PbButtonConfig cfg = { .hold_time_ns = MS(1000), .click_window_ns = MS(400) };
        Trace *tr = new_trace();

        trace_add(tr, MS(10), true);
        trace_add(tr, MS(110), false);
        assert_text(run_trace(&cfg, tr, MS(1), MS(2000)),
                    "pressed@10000us\nreleased@110000us/100000us\nclicked@510000us x1\n");
}
END_TEST

/* Contacts bouncing 2-20 transitions over 1-15 ms, on press and on release: exactly one Pressed,
 * stamped debounce after the last transition, and one Released. */
START_TEST(test_bouncing_contacts)
{
        unsigned seed = 7;

        for (unsigned n = 2; n <= 20; n++)
                for (unsigned span_ms = 1; span_ms <= 15; span_ms += 2) {
                        Trace *tr = new_trace();
                        uint64_t p = trace_bounce(tr, MS(100), true, n, MS(span_ms), &seed);
                        uint64_t r = trace_bounce(tr, MS(400), false, n, MS(span_ms), &seed);
                        char *want = t_fmt("pressed@%lluus\nreleased@%lluus/%lluus\nclicked@%lluus x1\n",
                                           (unsigned long long)((p + MS(20)) / 1000),
                                           (unsigned long long)((r + MS(20)) / 1000),
                                           (unsigned long long)((r - p) / 1000),
                                           (unsigned long long)((r + MS(20) + MS(400)) / 1000));

                        assert_text(run_trace(&doorbell, tr, 0, MS(3000)), want);
                        t_run_deferred(); /* frees this round's trace, runs and strings */
                }
}
END_TEST

START_TEST(test_press_shorter_than_debounce)
{
        PbButton *b = new_button(&doorbell, false, 0);
        Run *run = t_defer(free, calloc(1, sizeof(Run)));
        Trace *tr = new_trace();

        /* 19.999 ms down: never stable for the 20 ms period. */
        trace_add(tr, MS(10), true);
        trace_add(tr, MS(10) + US(19999), false);
        assert_text(run_trace_on(b, tr, 0, MS(2000), run), "");
        ck_assert_uint_eq(pb_button_get_press_count(b), 0);
        ck_assert_uint_eq(pb_button_get_edges(b), 2);
        ck_assert_uint_eq(pb_button_get_bounces(b), 2);
}
END_TEST

START_TEST(test_glitch_5ms)
{
        Trace *tr = new_trace();
        unsigned seed = 3;

        /* A 5 ms glitch, bouncing on both ends. */
        trace_bounce(tr, MS(10), true, 3, MS(1), &seed);
        trace_bounce(tr, MS(15), false, 3, MS(1), &seed);
        assert_text(run_trace(&doorbell, tr, 0, MS(2000)), "");
}
END_TEST

/* A level stable for exactly the debounce period counts (as the simulator's tie rule says). */
START_TEST(test_stable_exactly_debounce)
{
        Trace *tr = new_trace();

        trace_add(tr, MS(10), true);
        trace_add(tr, MS(30), false);
        assert_text(run_trace(&doorbell, tr, 0, MS(2000)),
                    "pressed@30000us\nreleased@50000us/20000us\nclicked@450000us x1\n");
}
END_TEST

/* The done-when, on the machine: a bouncing press, 1.5 s, a bouncing release. */
START_TEST(test_doorbell_hold)
{
        Trace *tr = new_trace();
        unsigned seed = 11;
        uint64_t p, r;

        p = trace_bounce(tr, MS(0), true, 12, MS(5), &seed);
        r = trace_bounce(tr, MS(1500), false, 12, MS(5), &seed);
        ck_assert_uint_eq(p, MS(5));
        ck_assert_uint_eq(r, MS(1505));
        assert_text(run_trace(&doorbell, tr, 0, MS(3000)),
                    "pressed@25000us\nheld@1025000us#0\nreleased@1525000us/1500000us\n");
}
END_TEST

START_TEST(test_hold_repeat)
{
        PbButtonConfig cfg = doorbell;
        Trace *tr = new_trace();

        cfg.hold_repeat_ns = MS(200);
        trace_add(tr, MS(0), true);
        trace_add(tr, MS(1500), false);
        assert_text(run_trace(&cfg, tr, 0, MS(3000)),
                    "pressed@20000us\nheld@1020000us#0\nheld@1220000us#1\nheld@1420000us#2\n"
                    "released@1520000us/1500000us\n");
}
END_TEST

/* A repeat due at exactly the release confirmation still fires (hold before debounce in a tie). */
START_TEST(test_hold_repeat_at_release)
{
        PbButtonConfig cfg = doorbell;
        Trace *tr = new_trace();

        cfg.hold_repeat_ns = MS(200);
        trace_add(tr, MS(0), true);
        trace_add(tr, MS(1400), false);
        assert_text(run_trace(&cfg, tr, 0, MS(3000)),
                    "pressed@20000us\nheld@1020000us#0\nheld@1220000us#1\nheld@1420000us#2\n"
                    "released@1420000us/1400000us\n");
}
END_TEST

/* Advanced late past several repeats: one Held with the latest repeat number, not a burst. */
START_TEST(test_hold_repeat_late_coalesces)
{
        PbButtonConfig cfg = doorbell;
        PbButtonEvent ev[PB_BUTTON_EVENTS_MAX];
        Run *run = t_defer(free, calloc(1, sizeof(Run)));
        PbButton *b;

        cfg.hold_repeat_ns = MS(100);
        b = new_button(&cfg, false, 0);
        run_add(run, ev, pb_button_feed(b, true, MS(0), ev));
        /* Nobody woke the machine until 1.75 s: press, first Held and the latest repeat (#7 at 1.72 s). */
        run_add(run, ev, pb_button_advance(b, MS(1750), ev));
        /* A release fed late, stamped before what the machine has seen. */
        run_add(run, ev, pb_button_feed(b, false, MS(1700), ev));
        run_add(run, ev, pb_button_advance(b, MS(5000), ev));
        assert_text(run_text(run, 0), "pressed@20000us\nheld@1020000us#0\nheld@1720000us#7\n"
                                      "released@1770000us/1750000us\n");
        ck_assert(!pb_button_is_held(b));
        ck_assert(!pb_button_is_pressed(b));
}
END_TEST

/* The release is confirmed before a late advance reaches the repeats after it: none of those fire. */
START_TEST(test_hold_repeat_late_stops_at_release)
{
        PbButtonConfig cfg = doorbell;
        PbButtonEvent ev[PB_BUTTON_EVENTS_MAX];
        Run *run = t_defer(free, calloc(1, sizeof(Run)));
        PbButton *b;

        cfg.hold_repeat_ns = MS(100);
        b = new_button(&cfg, false, 0);
        run_add(run, ev, pb_button_feed(b, true, MS(0), ev));
        run_add(run, ev, pb_button_advance(b, MS(1030), ev));
        run_add(run, ev, pb_button_feed(b, false, MS(1305), ev));
        run_add(run, ev, pb_button_advance(b, MS(5000), ev));
        /* At 1.305 s the repeats #1 and #2 were due: #2 stands for both; #3 at 1.32 s precedes the
         * release confirmed at 1.325 s; #4 never comes. */
        assert_text(run_text(run, 0), "pressed@20000us\nheld@1020000us#0\nheld@1220000us#2\n"
                                      "held@1320000us#3\nreleased@1325000us/1305000us\n");
}
END_TEST

static void add_click(Trace *tr, uint64_t t, uint64_t len, unsigned *seed)
{
        trace_bounce(tr, t, true, 5, MS(3), seed);
        trace_bounce(tr, t + len, false, 5, MS(3), seed);
}

START_TEST(test_double_click)
{
        Trace *tr = new_trace();
        unsigned seed = 5;

        add_click(tr, MS(100), MS(120), &seed);
        add_click(tr, MS(400), MS(120), &seed);
        /* Release of the second click confirmed at 400+120+3+20 ms; the window closes 400 ms later. */
        assert_text(run_trace(&doorbell, tr, 0, MS(3000)),
                    "pressed@123000us\nreleased@243000us/120000us\npressed@423000us\n"
                    "released@543000us/120000us\nclicked@943000us x2\n");
}
END_TEST

START_TEST(test_triple_click)
{
        Trace *tr = new_trace();
        unsigned seed = 9;
        Run *run = t_defer(free, calloc(1, sizeof(Run)));
        size_t clicked = 0;

        add_click(tr, MS(100), MS(80), &seed);
        add_click(tr, MS(350), MS(80), &seed);
        add_click(tr, MS(600), MS(80), &seed);
        (void)run_trace_on(new_button(&doorbell, false, 0), tr, 0, MS(3000), run);
        for (size_t i = 0; i < run->n; i++)
                if (run->ev[i].type == PB_BUTTON_CLICKED) {
                        clicked++;
                        ck_assert_uint_eq(run->ev[i].count, 3);
                        ck_assert_uint_eq(run->ev[i].timestamp_ns, MS(600 + 80 + 3 + 20 + 400));
                }
        ck_assert_uint_eq(clicked, 1);
        ck_assert_uint_eq(run->n, 7);
}
END_TEST

START_TEST(test_clicks_outside_window)
{
        Trace *tr = new_trace();

        trace_add(tr, MS(100), true);
        trace_add(tr, MS(200), false);
        /* Released (confirmed) at 220 ms; window until 620 ms; this press is confirmed at 621 ms. */
        trace_add(tr, MS(601), true);
        trace_add(tr, MS(700), false);
        assert_text(run_trace(&doorbell, tr, 0, MS(3000)),
                    "pressed@120000us\nreleased@220000us/100000us\nclicked@620000us x1\n"
                    "pressed@621000us\nreleased@720000us/99000us\nclicked@1120000us x1\n");
}
END_TEST

/* A press confirmed at exactly the end of the window starts a new sequence. */
START_TEST(test_press_at_window_end)
{
        Trace *tr = new_trace();

        trace_add(tr, MS(100), true);
        trace_add(tr, MS(200), false);
        trace_add(tr, MS(600), true);
        trace_add(tr, MS(700), false);
        assert_text(run_trace(&doorbell, tr, 0, MS(3000)),
                    "pressed@120000us\nreleased@220000us/100000us\nclicked@620000us x1\n"
                    "pressed@620000us\nreleased@720000us/100000us\nclicked@1120000us x1\n");
}
END_TEST

/* Click, then press and hold: the click is reported when the hold starts; the held press is no click. */
START_TEST(test_click_then_hold)
{
        Trace *tr = new_trace();

        trace_add(tr, MS(100), true);
        trace_add(tr, MS(200), false);
        trace_add(tr, MS(400), true);
        trace_add(tr, MS(1600), false);
        assert_text(run_trace(&doorbell, tr, 0, MS(4000)),
                    "pressed@120000us\nreleased@220000us/100000us\npressed@420000us\n"
                    "clicked@1420000us x1\nheld@1420000us#0\nreleased@1620000us/1200000us\n");
}
END_TEST

START_TEST(test_click_window_zero)
{
        PbButtonConfig cfg = doorbell;
        Trace *tr = new_trace();

        cfg.click_window_ns = 0;
        trace_add(tr, MS(100), true);
        trace_add(tr, MS(200), false);
        trace_add(tr, MS(300), true);
        trace_add(tr, MS(400), false);
        assert_text(run_trace(&cfg, tr, 0, MS(3000)),
                    "pressed@120000us\nreleased@220000us/100000us\nclicked@220000us x1\n"
                    "pressed@320000us\nreleased@420000us/100000us\nclicked@420000us x1\n");
}
END_TEST

START_TEST(test_hold_time_zero)
{
        PbButtonConfig cfg = doorbell;
        Trace *tr = new_trace();

        cfg.hold_time_ns = 0;
        trace_add(tr, MS(100), true);
        trace_add(tr, MS(5100), false);
        assert_text(run_trace(&cfg, tr, 0, MS(8000)),
                    "pressed@120000us\nreleased@5120000us/5000000us\nclicked@5520000us x1\n");
}
END_TEST

/* The same trace at bases around wrap-sensitive boundaries gives the same relative events. */
START_TEST(test_wrap_boundaries)
{
        static const uint64_t bases[] = {
                0,
                (1ULL << 32) - MS(30),     /* a 32-bit ns wrap inside the press */
                (1ULL << 63) - MS(500),    /* the signed boundary */
                UINT64_MAX - MS(1000) + 1, /* 2^64 wrap during the hold */
                UINT64_MAX - MS(20),
        };
        PbButtonConfig cfg = doorbell;
        Trace *tr = new_trace();
        unsigned seed = 21;
        char *want;

        cfg.hold_repeat_ns = MS(250);
        trace_bounce(tr, MS(10), true, 8, MS(4), &seed);
        trace_bounce(tr, MS(1700), false, 8, MS(4), &seed);
        add_click(tr, MS(2000), MS(50), &seed);
        add_click(tr, MS(2200), MS(50), &seed);
        want = run_trace(&cfg, tr, bases[0], MS(5000));
        ck_assert_ptr_nonnull(strstr(want, "clicked@2673000us x2"));
        for (size_t i = 1; i < ELEMENTSOF_T(bases); i++)
                assert_text(run_trace(&cfg, tr, bases[i], MS(5000)), want);
}
END_TEST

/* Edges that arrive late (stamped before time already reached) are taken as happening now. */
START_TEST(test_late_edges)
{
        PbButtonEvent ev[PB_BUTTON_EVENTS_MAX];
        Run *run = t_defer(free, calloc(1, sizeof(Run)));
        PbButton *b = new_button(&doorbell, false, MS(1000));

        /* Stamped before creation: counts from creation. */
        run_add(run, ev, pb_button_feed(b, true, MS(900), ev));
        run_add(run, ev, pb_button_advance(b, MS(1100), ev));
        /* The loop already reached 1.1 s; a release stamped 1.05 s counts from 1.1 s. */
        run_add(run, ev, pb_button_feed(b, false, MS(1050), ev));
        run_add(run, ev, pb_button_advance(b, MS(1200), ev));
        /* Stale advance: nothing happens twice. */
        run_add(run, ev, pb_button_advance(b, MS(1150), ev));
        run_add(run, ev, pb_button_advance(b, MS(3000), ev));
        assert_text(run_text(run, MS(1000)),
                    "pressed@20000us\nreleased@120000us/100000us\nclicked@520000us x1\n");
}
END_TEST

/* An idle button needs no wakeup; one is needed only while debouncing, pressed (with hold) or in a
 * click window. */
START_TEST(test_deadlines_only_when_needed)
{
        PbButtonEvent ev[PB_BUTTON_EVENTS_MAX];
        PbButton *b = new_button(&doorbell, false, 0);
        uint64_t d;

        ck_assert(!pb_button_next_deadline(b, &d));
        ck_assert_uint_eq(pb_button_advance(b, MS(10000), ev), 0);
        ck_assert(!pb_button_next_deadline(b, &d));

        ck_assert_uint_eq(pb_button_feed(b, true, MS(10000), ev), 0);
        ck_assert(pb_button_next_deadline(b, &d));
        ck_assert_uint_eq(d, MS(10020)); /* debounce */
        ck_assert_uint_eq(pb_button_advance(b, d, ev), 1);
        ck_assert(pb_button_next_deadline(b, &d));
        ck_assert_uint_eq(d, MS(11020)); /* hold */
        ck_assert_uint_eq(pb_button_feed(b, false, MS(10100), ev), 0);
        ck_assert(pb_button_next_deadline(b, &d));
        ck_assert_uint_eq(d, MS(10120)); /* debounce of the release */
        ck_assert_uint_eq(pb_button_advance(b, d, ev), 1);
        ck_assert(pb_button_next_deadline(b, &d));
        ck_assert_uint_eq(d, MS(10520)); /* click window */
        ck_assert_uint_eq(pb_button_advance(b, d, ev), 1);
        ck_assert_int_eq(ev[0].type, PB_BUTTON_CLICKED);
        ck_assert(!pb_button_next_deadline(b, &d));

        /* Without hold-time and click window, a pressed button needs no wakeup either. */
        {
                PbButtonConfig plain = { 0 };
                PbButton *p = new_button(&plain, false, 0);

                ck_assert_uint_eq(pb_button_feed(p, true, MS(5), ev), 1);
                ck_assert(!pb_button_next_deadline(p, &d));
                ck_assert_uint_eq(pb_button_feed(p, false, MS(50), ev), 2);
                ck_assert(!pb_button_next_deadline(p, &d));
        }
}
END_TEST

START_TEST(test_initially_pressed)
{
        PbButtonEvent ev[PB_BUTTON_EVENTS_MAX];
        Run *run = t_defer(free, calloc(1, sizeof(Run)));
        PbButton *b = new_button(&doorbell, true, MS(100));
        uint64_t d;

        ck_assert(pb_button_is_pressed(b));
        ck_assert(!pb_button_next_deadline(b, &d)); /* no Held for a press we did not see start */
        run_add(run, ev, pb_button_advance(b, MS(5000), ev));
        run_add(run, ev, pb_button_feed(b, false, MS(5000), ev));
        run_add(run, ev, pb_button_advance(b, MS(9000), ev));
        assert_text(run_text(run, MS(100)), "released@4920000us/4920000us\n");
        ck_assert_uint_eq(pb_button_get_press_count(b), 0);
}
END_TEST

/* Edges lost between two of the same level: Pressed and Released still alternate. */
START_TEST(test_same_level_twice)
{
        PbButtonConfig plain = { .click_window_ns = MS(100) };
        PbButtonEvent ev[PB_BUTTON_EVENTS_MAX];
        Run *run = t_defer(free, calloc(1, sizeof(Run)));
        PbButton *b = new_button(&plain, false, 0), *d;
        uint64_t t;

        run_add(run, ev, pb_button_feed(b, true, MS(10), ev));
        run_add(run, ev, pb_button_feed(b, true, MS(20), ev));
        run_add(run, ev, pb_button_feed(b, false, MS(30), ev));
        run_add(run, ev, pb_button_feed(b, false, MS(40), ev));
        run_add(run, ev, pb_button_advance(b, MS(1000), ev));
        assert_text(run_text(run, 0), "pressed@10000us\nreleased@30000us/20000us\nclicked@130000us x1\n");
        ck_assert_uint_eq(pb_button_get_bounces(b), 2);

        /* With a debounce period, a same-level edge restarts the period. */
        d = new_button(&doorbell, false, 0);
        ck_assert_uint_eq(pb_button_feed(d, true, MS(10), ev), 0);
        ck_assert_uint_eq(pb_button_feed(d, true, MS(25), ev), 0);
        ck_assert(pb_button_next_deadline(d, &t));
        ck_assert_uint_eq(t, MS(45));
}
END_TEST

/*
 * A storm the reader could not keep up with: the event buffer overflowed, so edges between the ones
 * fed are missing. The last edge before the gap (t=10 ms, pressed) and the next one seen (t=100 ms,
 * released) are 90 ms apart, far over the 20 ms debounce period, but the line was not stable then:
 * no press counts in the gap, and after the storm the level must be stable for a whole period.
 */
START_TEST(test_edges_lost_are_no_stable_period)
{
        PbButtonEvent ev[PB_BUTTON_EVENTS_MAX];
        Run *run = t_defer(free, calloc(1, sizeof(Run)));
        PbButton *b = new_button(&doorbell, false, 0), *plain;
        uint64_t t;

        run_add(run, ev, pb_button_feed_after_loss(b, true, MS(10), 0, ev));
        run_add(run, ev, pb_button_feed_after_loss(b, false, MS(100), 500, ev));
        run_add(run, ev, pb_button_feed_after_loss(b, true, MS(110), 500, ev));
        ck_assert(pb_button_next_deadline(b, &t));
        ck_assert_uint_eq(t, MS(130));
        ck_assert(!pb_button_is_pressed(b));
        /* Stable from the last edge on: the press counts a full period after it. */
        run_add(run, ev, pb_button_advance(b, MS(200), ev));
        assert_text(run_text(run, 0), "pressed@130000us\n");

        /* Without a loss the same edges are a press at 30 ms and a release at 120 ms. */
        b = new_button(&doorbell, false, 0);
        run->n = 0;
        run_add(run, ev, pb_button_feed_after_loss(b, true, MS(10), 0, ev));
        run_add(run, ev, pb_button_feed_after_loss(b, false, MS(100), 0, ev));
        run_add(run, ev, pb_button_advance(b, MS(200), ev));
        assert_text(run_text(run, 0), "pressed@30000us\nreleased@120000us/90000us\n");

        /* Debounced upstream (no debounce period here): a loss restarts nothing. */
        plain = new_button(&(PbButtonConfig){ .click_window_ns = 0 }, false, 0);
        run->n = 0;
        run_add(run, ev, pb_button_feed_after_loss(plain, true, MS(10), 3, ev));
        run_add(run, ev, pb_button_feed_after_loss(plain, false, MS(100), 3, ev));
        assert_text(run_text(run, 0), "pressed@10000us\nreleased@100000us/90000us\nclicked@100000us x1\n");
}
END_TEST

/* A press that counted before the storm is still a press: Held fires on time across lost edges. */
START_TEST(test_hold_fires_across_lost_edges)
{
        PbButtonEvent ev[PB_BUTTON_EVENTS_MAX];
        Run *run = t_defer(free, calloc(1, sizeof(Run)));
        PbButton *b = new_button(&doorbell, false, 0);

        run_add(run, ev, pb_button_feed_after_loss(b, true, 0, 0, ev));
        run_add(run, ev, pb_button_advance(b, MS(500), ev));
        run_add(run, ev, pb_button_feed_after_loss(b, false, MS(1200), 40, ev));
        run_add(run, ev, pb_button_feed_after_loss(b, true, MS(1210), 0, ev));
        run_add(run, ev, pb_button_advance(b, MS(2000), ev));
        assert_text(run_text(run, 0), "pressed@20000us\nheld@1020000us#0\n");
        ck_assert(pb_button_is_held(b));
}
END_TEST

/*
 * A recorded-style trace: a cheap tactile switch read at 1 µs resolution (press with 9 bounces over
 * 2.3 ms and a 0.4 ms spike 6 ms later, release with 12 bounces over 11 ms), then a 3 ms glitch
 * from a long wire.
 */
START_TEST(test_recorded_trace)
{
        static const uint32_t press_us[] = { 0, 41, 97, 180, 233, 460, 512, 901, 2310, 8310, 8712 };
        static const uint32_t release_us[] = { 0,    12,   55,   130,  260,  700,  1400,
                                               1450, 2900, 3105, 5200, 6800, 10950 };
        Trace *tr = new_trace();
        bool level = false;

        for (size_t i = 0; i < ELEMENTSOF_T(press_us); i++)
                trace_add(tr, MS(50) + US(press_us[i]), level = !level);
        ck_assert(level);
        for (size_t i = 0; i < ELEMENTSOF_T(release_us); i++)
                trace_add(tr, MS(350) + US(release_us[i]), level = !level);
        ck_assert(!level);
        trace_add(tr, MS(900), true);
        trace_add(tr, MS(903), false);
        assert_text(run_trace(&doorbell, tr, 0, MS(3000)),
                    "pressed@78712us\nreleased@380950us/302238us\nclicked@780950us x1\n");
}
END_TEST

START_TEST(test_invalid_config)
{
        PbButtonConfig cfg = { .hold_time_ns = 1ULL << 63 };
        PbButton *b = NULL;

        ck_assert_int_eq(pb_button_new(&cfg, false, 0, &b), -EINVAL);
        ck_assert_ptr_null(b);
        ck_assert_int_eq(pb_button_new(NULL, false, 0, &b), -EINVAL);
        ck_assert_ptr_null(pb_button_event_type_to_string(_PB_BUTTON_EVENT_TYPE_MAX));
}
END_TEST

/* --- the same events from both debounce placements ------------------------------------------ */

typedef struct Placement {
        PbRequest *req;
        PbButton *button;
        Run run;
        uint32_t last_seqno;
} Placement;

static void chip_close_void(void *p)
{
        pb_chip_close(p);
}

static void request_release_void(void *p)
{
        pb_request_release(p);
}

static void placement_service(Placement *p, uint64_t now)
{
        PbEdgeEvent edges[PB_EVENT_BUFFER_SIZE];
        PbButtonEvent ev[PB_BUTTON_EVENTS_MAX];
        int n;

        while ((n = pb_request_read_edge_events(p->req, edges, ELEMENTSOF_T(edges))) > 0)
                for (int i = 0; i < n; i++) {
                        ck_assert_uint_eq(edges[i].line_seqno, p->last_seqno + 1);
                        p->last_seqno = edges[i].line_seqno;
                        run_add(&p->run, ev,
                                pb_button_feed(p->button, edges[i].rising, edges[i].timestamp_ns, ev));
                }
        ck_assert_int_ge(n, 0);
        run_add(&p->run, ev, pb_button_advance(p->button, now, ev));
}

/* Services the chip and both placements until until_ns. */
static void pump(PbChip *chip, Placement *a, Placement *b, uint64_t until_ns)
{
        PbInfoEvent info[16];

        for (;;) {
                uint64_t now = t_now_ns();

                /* The chip first: everything due by `now` has then happened. */
                while (pb_chip_read_info_events(chip, info, ELEMENTSOF_T(info)) > 0)
                        ;
                placement_service(a, now);
                placement_service(b, now);
                if (now >= until_ns)
                        return;
                t_sleep_us(500);
        }
}

/*
 * The proof that both debounce placements give the same events: the same bounces, at exactly the
 * same simulated times, on two lines of the simulated chip, one requested raw (debounce 0) feeding
 * a machine that debounces, one requested with the kernel-style debounce period feeding a machine
 * that does not. The event lists, timestamps included, are identical.
 */
START_TEST(test_both_placements_same_events)
{
        const unsigned scale = t_timeout_scale();
        const uint64_t step = MS(150) * scale;
        PbButtonConfig with_debounce = { .debounce_ns = MS(20),
                                         .hold_time_ns = MS(300) * scale,
                                         .click_window_ns = MS(400) * scale };
        PbButtonConfig without = with_debounce;
        PbLineSettings raw = { .direction = PB_DIRECTION_INPUT, .edge = PB_EDGE_BOTH };
        PbLineSettings kernel = raw;
        Placement *a = t_defer(free, calloc(1, sizeof(Placement)));
        Placement *b = t_defer(free, calloc(1, sizeof(Placement)));
        const unsigned lines[2] = { 5, 6 };
        static const struct {
                bool level;
                unsigned transitions;
                unsigned span_us;
                unsigned after_steps; /* when, in steps after the previous one */
        } script[] = {
                { true, 12, 5000, 1 },  { false, 12, 5000, 4 },  /* a hold */
                { false, 2, 5000, 2 },                           /* a 2.5 ms glitch high, back low */
                { true, 4, 2000, 2 },   { false, 6, 3000, 1 },   /* a click */
                { true, 3, 1000, 1 },   { false, 20, 15000, 1 }, /* and another: a double click */
                { false, 2, 15000, 6 },                          /* a 7.5 ms glitch */
        };
        uint64_t t;
        PbChip *chip;

        ck_assert_int_eq(pb_sim_chip_new_rpi4(&chip), 0);
        t_defer(chip_close_void, chip);
        kernel.debounce_us = 20000;
        without.debounce_ns = 0;
        ck_assert_int_eq(pb_chip_request_line(chip, lines[0], &raw, "test", &a->req), 0);
        t_defer(request_release_void, a->req);
        ck_assert_int_eq(pb_chip_request_line(chip, lines[1], &kernel, "test", &b->req), 0);
        t_defer(request_release_void, b->req);
        t = t_now_ns();
        a->button = new_button(&with_debounce, false, t);
        b->button = new_button(&without, false, t);

        for (size_t i = 0; i < ELEMENTSOF_T(script); i++) {
                t += script[i].after_steps * step;
                pump(chip, a, b, t - MS(2));
                /* Never in the past (a slow run): the machines have not seen that time yet. */
                if (t < t_now_ns() + MS(2))
                        t = t_now_ns() + MS(2);
                /* Both lines bounce at exactly the same times. */
                for (size_t k = 0; k < 2; k++)
                        ck_assert_int_eq(pb_sim_chip_bounce_at(chip, lines[k], script[i].level,
                                                               script[i].transitions, script[i].span_us, t),
                                         0);
        }
        pump(chip, a, b, t + step * 6);

        {
                char *ta = run_text(&a->run, 0), *tb = run_text(&b->run, 0);
                size_t pressed = 0, held = 0, clicked = 0;

                assert_text(ta, tb);
                for (size_t i = 0; i < a->run.n; i++) {
                        pressed += a->run.ev[i].type == PB_BUTTON_PRESSED;
                        held += a->run.ev[i].type == PB_BUTTON_HELD;
                        clicked += a->run.ev[i].type == PB_BUTTON_CLICKED && a->run.ev[i].count == 2;
                }
                ck_assert_msg(pressed == 3 && held == 1 && clicked == 1, "events:\n%s", ta);
                ck_assert_uint_eq(a->run.n, 8);
        }
}
END_TEST

static Suite *button_suite(void)
{
        Suite *s = suite_create("button");
        TCase *tc = tcase_create("machine");

        tcase_add_checked_fixture(tc, NULL, t_run_deferred);
        tcase_add_test(tc, test_clean_press_no_debounce);
        tcase_add_test(tc, test_bouncing_contacts);
        tcase_add_test(tc, test_press_shorter_than_debounce);
        tcase_add_test(tc, test_glitch_5ms);
        tcase_add_test(tc, test_stable_exactly_debounce);
        tcase_add_test(tc, test_doorbell_hold);
        tcase_add_test(tc, test_hold_repeat);
        tcase_add_test(tc, test_hold_repeat_at_release);
        tcase_add_test(tc, test_hold_repeat_late_coalesces);
        tcase_add_test(tc, test_hold_repeat_late_stops_at_release);
        tcase_add_test(tc, test_double_click);
        tcase_add_test(tc, test_triple_click);
        tcase_add_test(tc, test_clicks_outside_window);
        tcase_add_test(tc, test_press_at_window_end);
        tcase_add_test(tc, test_click_then_hold);
        tcase_add_test(tc, test_click_window_zero);
        tcase_add_test(tc, test_hold_time_zero);
        tcase_add_test(tc, test_wrap_boundaries);
        tcase_add_test(tc, test_late_edges);
        tcase_add_test(tc, test_deadlines_only_when_needed);
        tcase_add_test(tc, test_initially_pressed);
        tcase_add_test(tc, test_same_level_twice);
        tcase_add_test(tc, test_edges_lost_are_no_stable_period);
        tcase_add_test(tc, test_hold_fires_across_lost_edges);
        tcase_add_test(tc, test_recorded_trace);
        tcase_add_test(tc, test_invalid_config);
        suite_add_tcase(s, tc);

        tc = tcase_create("placements");
        tcase_add_checked_fixture(tc, NULL, t_run_deferred);
        tcase_set_timeout(tc, 60 * t_timeout_scale());
        tcase_add_test(tc, test_both_placements_same_events);
        suite_add_tcase(s, tc);
        return s;
}

int main(void)
{
        return t_run_suite(button_suite());
}
