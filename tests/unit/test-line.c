/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's core without a bus: line ownership through the LineHolder
 * interface, the Frontend callbacks, hotplug and the lines-appeared watches,
 * on the simulated Raspberry Pi 4 chip. No D-Bus connection is made: what the
 * bus layer would publish is recorded by a Frontend table of the test's own.
 */

#include "core/chip.h"
#include "core/daemon.h"
#include "core/frontend.h"
#include "core/line.h"
#include "sim/gpio-chip.h"
#include "test-util.h"

/* A holder kind of the test's own, recording what the line tells it. */
typedef struct FakeHolder {
        const char *name;
        unsigned edge_batches;
        unsigned edges;
        bool last_rising;
        unsigned value_changes;
        bool last_value;
        unsigned settled;
        unsigned dropped;
        LineDrop last_drop;
} FakeHolder;

static void fake_edges(void *holder, Line *l, const PbEdgeEvent *events, size_t n)
{
        FakeHolder *h = holder;

        h->edge_batches++;
        h->edges += (unsigned)n;
        if (n > 0)
                h->last_rising = events[n - 1].rising;
}

static void fake_value_changed(void *holder, Line *l, bool value)
{
        FakeHolder *h = holder;

        h->value_changes++;
        h->last_value = value;
}

static void fake_settled(void *holder, Line *l, bool value)
{
        ((FakeHolder *)holder)->settled++;
}

static void fake_dropped(void *holder, Line *l, LineDrop why)
{
        FakeHolder *h = holder;

        h->dropped++;
        h->last_drop = why;
}

static void fake_describe(void *holder, char *buf, size_t size)
{
        (void)snprintf(buf, size, "held by fake '%s'", ((FakeHolder *)holder)->name);
}

static const LineHolderOps anyone_ops = {
        .drive = LINE_DRIVE_ANYONE,
        .value_changed = fake_value_changed,
        .settled = fake_settled,
        .dropped = fake_dropped,
        .describe = fake_describe,
};

static const LineHolderOps holder_only_ops = {
        .drive = LINE_DRIVE_HOLDER,
        .is_owner = true,
        .value_changed = fake_value_changed,
        .dropped = fake_dropped,
        .describe = fake_describe,
};

static const LineHolderOps reader_ops = {
        .drive = LINE_DRIVE_NOBODY,
        .edges_below_bus = true,
        .edges = fake_edges,
        .dropped = fake_dropped,
        .describe = fake_describe,
};

/* What a front end would have published. */
typedef struct Published {
        unsigned line_changes;
        unsigned owner_changes;
        unsigned values;
        unsigned edges;
        unsigned chips_added;
        unsigned chips_removed;
        unsigned chips_changed;
} Published;

static void pub_line_changed(void *userdata, Line *l, unsigned changes)
{
        Published *p = userdata;

        p->line_changes++;
        if (changes & LINE_CHANGED_OWNER)
                p->owner_changes++;
}

static void pub_line_value_changed(void *userdata, Line *l, bool value)
{
        ((Published *)userdata)->values++;
}

static void pub_line_edge(void *userdata, Line *l, const PbEdgeEvent *event)
{
        ((Published *)userdata)->edges++;
}

static int pub_chip_added(void *userdata, Chip *c)
{
        ((Published *)userdata)->chips_added++;
        return 0;
}

static void pub_chip_removed(void *userdata, Chip *c)
{
        ((Published *)userdata)->chips_removed++;
}

static void pub_chips_changed(void *userdata)
{
        ((Published *)userdata)->chips_changed++;
}

static const Frontend recording_frontend = {
        .line_changed = pub_line_changed,
        .line_value_changed = pub_line_value_changed,
        .line_edge = pub_line_edge,
        .chip_added = pub_chip_added,
        .chip_removed = pub_chip_removed,
        .chips_changed = pub_chips_changed,
};

static Daemon *ctx;
static char *state_dir;
static Published published;

static void setup(void)
{
        DaemonOptions o = { .simulate = true, .dev_dir = "/dev" };

        state_dir = t_mkdtemp();
        o.state_dir = state_dir;
        ck_assert_int_eq(daemon_new(&o, config_new(), &ctx), 0);
        memset(&published, 0, sizeof(published));
        daemon_set_frontend(ctx, &recording_frontend, &published);
}

static void teardown(void)
{
        ctx = daemon_free(ctx);
        t_rm_rf(state_dir);
        free(state_dir);
        state_dir = NULL;
}

static Line *find(const char *spec)
{
        CoreError e = CORE_ERROR_NULL;
        Line *l = NULL;

        ck_assert_msg(daemon_find_line(ctx, spec, &l, &e) == 0, "%s: %s", spec, e.message);
        return l;
}

static const PbLineSettings output_settings = { .direction = PB_DIRECTION_OUTPUT };
static const PbLineSettings input_edges = { .direction = PB_DIRECTION_INPUT, .edge = PB_EDGE_BOTH };

START_TEST(test_busy_names_the_holder)
{
        FakeHolder a = { .name = "a" }, b = { .name = "b" };
        LineHolder ha = { &anyone_ops, &a }, hb = { &anyone_ops, &b };
        CoreError e = CORE_ERROR_NULL;
        Line *l = find("GPIO17");

        ck_assert_int_eq(line_hold(l, &ha, &output_settings, NULL), 0);
        ck_assert(line_is_held_by(l, &ha));
        ck_assert(!line_is_held_by(l, &hb));
        ck_assert_int_eq(line_hold(l, &hb, &output_settings, &e), -EBUSY);
        ck_assert_int_eq(e.kind, CORE_ERROR_LINE_BUSY);
        ck_assert_str_eq(e.message, "Line GPIO17 is held by fake 'a'");
        /* A claim does not take a line from a holder that does not yield. */
        e = CORE_ERROR_NULL;
        ck_assert_int_eq(line_claim(l, &hb, &output_settings, false, &e), -EBUSY);
        ck_assert_str_eq(e.message, "Line GPIO17 is held by fake 'a'");
}
END_TEST

START_TEST(test_drive_policies)
{
        FakeHolder a = { .name = "a" }, b = { .name = "b" }, r = { .name = "r" };
        LineHolder ha = { &holder_only_ops, &a }, hb = { &holder_only_ops, &b }, hr = { &reader_ops, &r };
        CoreError e = CORE_ERROR_NULL;
        Line *out = find("GPIO17"), *in = find("GPIO27");

        ck_assert_int_eq(line_claim(out, &ha, &output_settings, false, NULL), 0);
        /* LINE_DRIVE_HOLDER: the holder and the ctx itself (NULL), nobody else. */
        ck_assert_int_eq(line_set(out, &ha, true, NULL), 0);
        ck_assert_int_eq(line_set(out, NULL, false, NULL), 0);
        ck_assert_int_eq(line_set(out, &hb, true, &e), -EBUSY);
        ck_assert_str_eq(e.message, "Line GPIO17 is held by fake 'a'");
        ck_assert_uint_eq(a.value_changes, 2);
        ck_assert(!a.last_value);

        /* LINE_DRIVE_NOBODY: not even the ctx. */
        ck_assert_int_eq(line_hold(in, &hr, &input_edges, NULL), 0);
        e = CORE_ERROR_NULL;
        ck_assert_int_eq(line_set(in, NULL, true, &e), -EBUSY);
        ck_assert_int_eq(e.kind, CORE_ERROR_LINE_BUSY);
}
END_TEST

START_TEST(test_input_is_not_driven)
{
        FakeHolder a = { .name = "a" };
        LineHolder ha = { &holder_only_ops, &a };
        CoreError e = CORE_ERROR_NULL;
        Line *l = find("GPIO17");

        ck_assert_int_eq(line_claim(l, &ha, &input_edges, false, NULL), 0);
        ck_assert_int_lt(line_set(l, &ha, true, &e), 0);
        ck_assert_int_eq(e.kind, CORE_ERROR_NOT_OUTPUT);
}
END_TEST

START_TEST(test_daemon_keeps_then_yields)
{
        FakeHolder a = { .name = "a" }, b = { .name = "b" };
        LineHolder ha = { &holder_only_ops, &a }, hb = { &holder_only_ops, &b };
        CoreError e = CORE_ERROR_NULL;
        Line *l = find("GPIO22");
        bool v;

        /* Set on a free line: the ctx keeps it; anyone may drive or release it then. */
        ck_assert_int_eq(line_set(l, &hb, true, NULL), 0);
        ck_assert_ptr_nonnull(line_get_holder(l).ops);
        ck_assert_int_eq(line_get_value(l, &v, NULL), 0);
        ck_assert(v);
        ck_assert_uint_eq(published.values, 1);
        ck_assert_int_eq(line_set(l, &ha, true, NULL), 0);
        ck_assert_uint_eq(published.values, 1); /* no change, nothing published */

        /* A claim takes the kept line over, keeping its value (none was asked for). */
        ck_assert_int_eq(line_claim(l, &ha, &output_settings, false, NULL), 0);
        ck_assert(line_is_held_by(l, &ha));
        ck_assert_uint_eq(published.owner_changes, 1);
        ck_assert_int_eq(line_get_value(l, &v, NULL), 0);
        ck_assert(v);

        /* Only the holder releases it; the holder hears why. */
        ck_assert_int_eq(line_release(l, &hb, &e), -EBUSY);
        ck_assert_uint_eq(a.dropped, 0);
        ck_assert_int_eq(line_release(l, &ha, NULL), 0);
        ck_assert_uint_eq(a.dropped, 1);
        ck_assert_int_eq(a.last_drop, LINE_DROP_RELEASED);
        ck_assert_ptr_null(line_get_holder(l).ops);
        ck_assert_uint_eq(published.owner_changes, 2);
        /* Releasing a free line is no error. */
        ck_assert_int_eq(line_release(l, &hb, NULL), 0);
}
END_TEST

START_TEST(test_keep_after_owner_left)
{
        FakeHolder a = { .name = "a" };
        LineHolder ha = { &holder_only_ops, &a };
        Line *l = find("GPIO23");

        ck_assert_int_eq(line_claim(l, &ha, &output_settings, false, NULL), 0);
        line_keep(l);
        ck_assert_uint_eq(a.dropped, 1);
        ck_assert_int_eq(a.last_drop, LINE_DROP_TAKEN);
        ck_assert(!line_is_held_by(l, &ha));
        ck_assert_ptr_nonnull(line_get_holder(l).ops);
        /* Kept: released by anyone. */
        ck_assert_int_eq(line_release(l, NULL, NULL), 0);
        ck_assert_ptr_null(line_get_holder(l).ops);
}
END_TEST

START_TEST(test_edges_go_to_holder_or_front_end)
{
        FakeHolder r = { .name = "r" }, a = { .name = "a" };
        LineHolder hr = { &reader_ops, &r }, ha = { &holder_only_ops, &a };
        Line *own = find("GPIO5"), *pub = find("GPIO6");
        Chip *c = line_get_chip(own);

        ck_assert_int_eq(line_hold(own, &hr, &input_edges, NULL), 0);
        ck_assert_int_eq(line_claim(pub, &ha, &input_edges, false, NULL), 0);
        ck_assert_int_eq(pb_sim_chip_set_input(chip_get_pb(c), line_get_offset(own), true), 0);
        ck_assert_int_eq(pb_sim_chip_set_input(chip_get_pb(c), line_get_offset(pub), true), 0);
        chip_process_events(c);
        line_flush_edges(own);
        line_flush_edges(pub);

        /* The reader's edges are its own: none published. */
        ck_assert_uint_eq(r.edges, 1);
        ck_assert(r.last_rising);
        /* The other holder reads none: each is published, and makes the line's value. */
        ck_assert_uint_eq(published.edges, 1);
        ck_assert_uint_eq(a.value_changes, 1);
        ck_assert(a.last_value);
}
END_TEST

static unsigned watch_calls;

static void on_lines_appeared(void *userdata)
{
        FakeHolder *h = userdata;
        LineHolder holder = { &anyone_ops, h };

        watch_calls++;
        /* Take the line again, as an output or button does. */
        ck_assert_int_eq(line_hold(find("GPIO17"), &holder, &output_settings, NULL), 0);
}

START_TEST(test_lost_with_chip_and_back)
{
        FakeHolder a = { .name = "a" };
        LineHolder ha = { &anyone_ops, &a };
        Line *l = find("GPIO17");
        PbChip *pb = NULL;

        watch_calls = 0;
        ck_assert_int_eq(line_hold(l, &ha, &output_settings, NULL), 0);
        ck_assert_int_eq(daemon_watch_lines(ctx, on_lines_appeared, &a), 0);

        daemon_remove_chip(ctx, line_get_chip(l), &pb);
        ck_assert_ptr_nonnull(pb);
        ck_assert_uint_eq(a.dropped, 1);
        ck_assert_int_eq(a.last_drop, LINE_DROP_LOST);
        ck_assert_uint_eq(published.chips_removed, 1);
        ck_assert_uint_eq(published.chips_changed, 1);
        ck_assert_uint_eq(ctx->n_chips, 0);
        ck_assert_ptr_null(daemon_find_line_by_object_name(ctx, "GPIO17"));

        ck_assert_int_eq(daemon_add_chip(ctx, pb), 0);
        ck_assert_uint_eq(published.chips_added, 1);
        ck_assert_uint_eq(published.chips_changed, 2);
        daemon_lines_appeared(ctx);
        ck_assert_uint_eq(watch_calls, 1);
        l = find("GPIO17");
        ck_assert(line_is_held_by(l, &ha));

        daemon_unwatch_lines(ctx, &a);
        daemon_lines_appeared(ctx);
        ck_assert_uint_eq(watch_calls, 1);
}
END_TEST

static int refuse_chip(void *userdata, Chip *c)
{
        return -ENOMEM;
}

static const Frontend refusing_frontend = {
        .chip_added = refuse_chip,
};

START_TEST(test_chip_refused_by_front_end)
{
        PbChip *pb = NULL;

        daemon_remove_chip(ctx, line_get_chip(find("GPIO17")), &pb);
        ck_assert_ptr_nonnull(pb);
        /* A front end that cannot serve the chip (no memory for its paths): it is not added. */
        daemon_set_frontend(ctx, &refusing_frontend, NULL);
        ck_assert_int_eq(daemon_add_chip(ctx, pb), -ENOMEM);
        ck_assert_uint_eq(ctx->n_chips, 0);
        ck_assert_uint_eq(ctx->n_lines, 0);
        ck_assert_ptr_null(daemon_find_line_by_object_name(ctx, "GPIO17"));
}
END_TEST

START_TEST(test_find_line_errors)
{
        CoreError e = CORE_ERROR_NULL;
        Line *l;

        ck_assert_int_lt(daemon_find_line(ctx, "", &l, &e), 0);
        ck_assert_int_eq(e.kind, CORE_ERROR_INVALID_ARGS);
        e = CORE_ERROR_NULL;
        ck_assert_int_lt(daemon_find_line(ctx, "NOPE", &l, &e), 0);
        ck_assert_int_eq(e.kind, CORE_ERROR_NO_SUCH_LINE);
        ck_assert_str_eq(e.message, "No line named 'NOPE'");
        e = CORE_ERROR_NULL;
        ck_assert_int_lt(daemon_find_line(ctx, "gpiochip0:99", &l, &e), 0);
        ck_assert_int_eq(e.kind, CORE_ERROR_NO_SUCH_LINE);
        ck_assert_ptr_nonnull(strstr(e.message, "has no line 99"));
        ck_assert_ptr_eq(find("gpiochip0:17"), find("GPIO17"));
}
END_TEST

START_TEST(test_wave_durations_checked)
{
        CoreError e = CORE_ERROR_NULL;
        Line *l = find("GPIO24");

        ck_assert_int_eq(line_blink(l, NULL, 10, 1000, 1, &e), -EINVAL);
        ck_assert_int_eq(e.kind, CORE_ERROR_INVALID_ARGS);
        ck_assert_ptr_nonnull(strstr(e.message, "below the minimum of 1000 µs"));
        /* Refused before anything was requested. */
        ck_assert_ptr_null(line_get_holder(l).ops);
        e = CORE_ERROR_NULL;
        ck_assert_int_eq(line_pulse(l, NULL, true, LINE_DURATION_MAX_US + 1, &e), -EINVAL);
        ck_assert_int_eq(line_pulse(l, NULL, true, 1000, NULL), 0);
        ck_assert_ptr_nonnull(line_get_holder(l).ops);
}
END_TEST

static Suite *line_suite(void)
{
        Suite *s = suite_create("core-line");
        TCase *tc = tcase_create("holders");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_busy_names_the_holder);
        tcase_add_test(tc, test_drive_policies);
        tcase_add_test(tc, test_input_is_not_driven);
        tcase_add_test(tc, test_daemon_keeps_then_yields);
        tcase_add_test(tc, test_keep_after_owner_left);
        tcase_add_test(tc, test_edges_go_to_holder_or_front_end);
        tcase_add_test(tc, test_lost_with_chip_and_back);
        tcase_add_test(tc, test_chip_refused_by_front_end);
        tcase_add_test(tc, test_find_line_errors);
        tcase_add_test(tc, test_wave_durations_checked);
        suite_add_tcase(s, tc);
        return s;
}

int main(void)
{
        return t_run_suite(line_suite());
}
