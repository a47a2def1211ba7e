/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The GPIO backend contract (lib/gpio/chip.h), built twice:
 *  - unit-backend-simulator: against the simulator (lib/sim/gpio-chip.h), plus the
 *    simulator's own API and the bits of the libgpiod backend that need no
 *    hardware (pb_gpiod_list_chips(), open errors);
 *  - unit-backend-gpiod (PINBUS_TEST_GPIO_SIM): against the libgpiod backend
 *    on a kernel gpio-sim chip laid out like a Raspberry Pi 4, driven through
 *    gpio-sim's sim_gpioN/pull and read through sim_gpioN/value. It skips
 *    where the kernel has no such chip (it runs in the real-kernel rig).
 *
 * The contract suite is parameterised by a BackendFixture: how to open the
 * chip under test, drive an input level from outside and read the physical
 * level of a pin. Tests that need a bouncing contact run only when the
 * fixture can make one.
 *
 * Every test services the chip like an event loop would (service() below):
 * simulated time only advances when the chip fd is serviced.
 */

#include <limits.h>
#include <poll.h>

#include "gpio/chip.h"
#include "sim/gpio-chip.h"
#include "test-util.h"
#include "util/strv.h"

/* ------------------------------------------------------------------------ */
/* Fixture */

typedef struct BackendFixture {
        const char *name;

        /* Opens a fresh chip laid out like a Raspberry Pi 4's: every pull low, no line requested. */
        int (*open_chip)(PbChip **ret);
        /* Sets the level the outside world puts on a line (gpio-sim: sim_gpioN/pull). */
        int (*set_input)(PbChip *chip, unsigned offset, bool level);
        /* Reads the physical level on a pin (gpio-sim: sim_gpioN/value). */
        int (*get_level)(PbChip *chip, unsigned offset, bool *ret);
        /* Optional: makes a line bounce (see pb_sim_chip_bounce()); NULL skips the debounce tests. */
        int (*bounce)(PbChip *chip, unsigned offset, bool final_level, unsigned transitions,
                      uint64_t span_us);

        /* What the chip must report. chip_path NULL: any non-NULL path. */
        const char *chip_name;
        const char *chip_label;
        const char *chip_path;
        unsigned num_lines;
        const char *const *line_names; /* num_lines entries */

        /* How far a debounced edge's timestamp may be from when the level settled + the period. */
        uint64_t debounce_stamp_tolerance_ns;

        /* Whether a pin nobody drives (open-drain high, open-source low, an output turned
         * input) follows the pull, as real pins do. gpio-sim (6.1) does not: gpiolib emulates
         * open drain/source by turning the line to input while keeping it flagged as an
         * output, so gpio-sim ignores pull changes and keeps the last driven value; and an
         * output reconfigured as input keeps its value until the pull next changes. */
        bool models_floating_pins;
} BackendFixture;

#if PINBUS_TEST_GPIO_SIM

/* sysfs directory of the gpio-sim chip under test, e.g. /sys/devices/platform/gpio-sim.0/gpiochip0 */
static char gpio_sim_dir[PATH_MAX];

static int gpio_sim_attr(unsigned offset, const char *attr, char *buf, size_t size, const char *write)
{
        char path[PATH_MAX + 64];
        FILE *f;
        int r = 0;

        snprintf(path, sizeof(path), "%s/sim_gpio%u/%s", gpio_sim_dir, offset, attr);
        f = fopen(path, write ? "we" : "re");
        if (!f)
                return -errno;
        if (write ? fputs(write, f) < 0 : !fgets(buf, (int)size, f))
                r = -EIO;
        if (fclose(f) != 0 && r == 0)
                r = -errno;
        return r;
}

static int gpio_sim_set_input(PbChip *chip, unsigned offset, bool level)
{
        (void)chip;
        return gpio_sim_attr(offset, "pull", NULL, 0, level ? "pull-up" : "pull-down");
}

static int gpio_sim_get_level(PbChip *chip, unsigned offset, bool *ret)
{
        char buf[8];
        int r;

        (void)chip;
        r = gpio_sim_attr(offset, "value", buf, sizeof(buf), NULL);
        if (r < 0)
                return r;
        *ret = buf[0] == '1';
        return 0;
}

/* Finds the gpio-sim chip labelled pinctrl-bcm2711 (remembering its sysfs directory); NULL if none. */
static char *gpio_sim_find(void)
{
        char **paths = NULL;
        char *found = NULL;

        if (pb_gpiod_list_chips("/dev", &paths) < 0)
                return NULL;
        for (char **p = paths; *p && !found; p++) {
                char link[PATH_MAX], probe[PATH_MAX + 32];
                PbChip *c = NULL;

                if (pb_gpiod_chip_open(*p, &c) < 0)
                        continue;
                snprintf(link, sizeof(link), "/sys/bus/gpio/devices/%s", pb_chip_get_name(c));
                if (streq(pb_chip_get_label(c), "pinctrl-bcm2711") && realpath(link, gpio_sim_dir)) {
                        snprintf(probe, sizeof(probe), "%s/sim_gpio0/pull", gpio_sim_dir);
                        if (access(probe, W_OK) == 0)
                                found = strdup(*p);
                }
                pb_chip_close(c);
        }
        strv_free(paths);
        return found;
}

/* Opens the gpio-sim chip with every pull low, as the contract expects of a fresh chip. */
static int gpio_sim_open_chip(PbChip **ret)
{
        char *path = gpio_sim_find();
        int r;

        if (!path)
                return -ENODEV;
        r = pb_gpiod_chip_open(path, ret);
        free(path);
        for (unsigned i = 0; r >= 0 && i < pb_chip_get_num_lines(*ret); i++)
                r = gpio_sim_set_input(*ret, i, false);
        return r;
}

static const BackendFixture gpio_sim_fixture = {
        .name = "gpiod-on-gpio-sim",
        .open_chip = gpio_sim_open_chip,
        .set_input = gpio_sim_set_input,
        .get_level = gpio_sim_get_level,
        .bounce = NULL, /* the kernel's debounce is covered by the button tests */
        .chip_name = NULL,
        .chip_label = "pinctrl-bcm2711",
        .chip_path = NULL,
        .num_lines = PB_SIM_RPI4_NUM_LINES,
        .line_names = pb_sim_rpi4_line_names,
        .debounce_stamp_tolerance_ns = 0,
        .models_floating_pins = false,
};

#endif

static const BackendFixture sim_fixture = {
        .name = "simulator",
        .open_chip = pb_sim_chip_new_rpi4,
        .set_input = pb_sim_chip_set_input,
        .get_level = pb_sim_chip_get_level,
        .bounce = pb_sim_chip_bounce,
        .chip_name = "gpiochip0",
        .chip_label = "pinctrl-bcm2711",
        .chip_path = "",
        .num_lines = PB_SIM_RPI4_NUM_LINES,
        .line_names = pb_sim_rpi4_line_names,
        /* The simulator stamps with scheduled times. */
        .debounce_stamp_tolerance_ns = 1 * T_NSEC_PER_MSEC,
        .models_floating_pins = true,
};

/* The fixture the contract tests run against. */
static const BackendFixture *fx;

/* ------------------------------------------------------------------------ */
/* Per-test context: the chip, the requests to release, what service() saw */

#define MAX_REQUESTS  8
#define LOG_INFO_MAX  256
#define LOG_EDGES_MAX 512

static struct {
        PbChip *chip;
        PbRequest *reqs[MAX_REQUESTS];
        PbInfoEvent info[LOG_INFO_MAX];
        size_t n_info;
        PbEdgeEvent edges[LOG_EDGES_MAX];
        size_t n_edges;
} ctx;

static void ctx_setup(void)
{
        memset(&ctx, 0, sizeof(ctx));
        ck_assert_int_eq(fx->open_chip(&ctx.chip), 0);
        ck_assert_ptr_nonnull(ctx.chip);
}

static void ctx_teardown(void)
{
        for (size_t i = 0; i < MAX_REQUESTS; i++)
                ctx.reqs[i] = pb_request_release(ctx.reqs[i]);
        ctx.chip = pb_chip_close(ctx.chip);
}

static void ctx_track(PbRequest *r)
{
        for (size_t i = 0; i < MAX_REQUESTS; i++)
                if (!ctx.reqs[i]) {
                        ctx.reqs[i] = r;
                        return;
                }
        ck_abort_msg("too many requests in one test");
}

static void ctx_untrack(PbRequest *r)
{
        for (size_t i = 0; i < MAX_REQUESTS; i++)
                if (ctx.reqs[i] == r)
                        ctx.reqs[i] = NULL;
}

static PbRequest *req_new(unsigned offset, const PbLineSettings *s, const char *consumer)
{
        PbRequest *r = NULL;
        int k;

        k = pb_chip_request_line(ctx.chip, offset, s, consumer, &r);
        ck_assert_msg(k == 0, "requesting line %u: %s", offset, strerror(-k));
        ck_assert_ptr_nonnull(r);
        ctx_track(r);
        return r;
}

static void req_release(PbRequest *r)
{
        ctx_untrack(r);
        ck_assert_ptr_null(pb_request_release(r));
}

static PbLineSettings input_settings(PbEdge edge, bool active_low, uint64_t debounce_us)
{
        PbLineSettings s = PB_LINE_SETTINGS_INPUT;

        s.edge = edge;
        s.active_low = active_low;
        s.debounce_us = debounce_us;
        return s;
}

static PbLineSettings output_settings(PbDrive drive, bool active_low, bool value)
{
        return (PbLineSettings){
                .direction = PB_DIRECTION_OUTPUT,
                .drive = drive,
                .active_low = active_low,
                .output_value = value,
        };
}

static void set_input(unsigned offset, bool level)
{
        ck_assert_int_eq(fx->set_input(ctx.chip, offset, level), 0);
}

static bool get_level(unsigned offset)
{
        bool v = false;

        ck_assert_int_eq(fx->get_level(ctx.chip, offset, &v), 0);
        return v;
}

static bool get_value(PbRequest *r)
{
        bool v = false;
        int k = pb_request_get_value(r, &v);

        ck_assert_msg(k == 0, "get_value: %s", strerror(-k));
        return v;
}

static PbLineInfo line_info(unsigned offset)
{
        PbLineInfo info;

        memset(&info, 0xaa, sizeof(info));
        ck_assert_int_eq(pb_chip_get_line_info(ctx.chip, offset, &info), 0);
        return info;
}

static uint64_t scaled_us(uint64_t usec)
{
        return usec * t_timeout_scale();
}

/* ------------------------------------------------------------------------ */
/* An event loop in miniature */

static void drain_chip(void)
{
        int k;

        do {
                ck_assert_uint_lt(ctx.n_info, LOG_INFO_MAX);
                k = pb_chip_read_info_events(ctx.chip, ctx.info + ctx.n_info, LOG_INFO_MAX - ctx.n_info);
                ck_assert_msg(k >= 0, "pb_chip_read_info_events: %s", strerror(-k));
                ctx.n_info += (size_t)k;
        } while (k > 0 && ctx.n_info < LOG_INFO_MAX);
}

static void drain_request(PbRequest *req)
{
        int k;

        do {
                ck_assert_uint_lt(ctx.n_edges, LOG_EDGES_MAX);
                k = pb_request_read_edge_events(req, ctx.edges + ctx.n_edges, LOG_EDGES_MAX - ctx.n_edges);
                ck_assert_msg(k >= 0, "pb_request_read_edge_events: %s", strerror(-k));
                ctx.n_edges += (size_t)k;
        } while (k > 0 && ctx.n_edges < LOG_EDGES_MAX);
}

typedef bool (*DoneFunc)(const void *arg);

/*
 * Services the chip fd and (if req) the request fd as an event loop would,
 * logging what arrives in ctx, until done(arg) holds or timeout_us passed.
 * With done NULL it services for the whole period. Returns whether done held.
 */
static bool service(PbRequest *req, uint64_t timeout_us, DoneFunc done, const void *arg)
{
        uint64_t deadline = t_now_us() + timeout_us;

        for (;;) {
                struct pollfd p[2] = {
                        { .fd = pb_chip_get_fd(ctx.chip), .events = POLLIN },
                        { .fd = req ? pb_request_get_fd(req) : -1, .events = POLLIN },
                };
                uint64_t now;
                int k;

                if (done && done(arg))
                        return true;
                now = t_now_us();
                if (now >= deadline) {
                        /* Whatever is due by now counts, even if the loop was slow to get here. */
                        drain_chip();
                        if (req)
                                drain_request(req);
                        return done ? done(arg) : true;
                }

                k = poll(p, req ? 2 : 1, (int)((deadline - now + 999) / 1000));
                if (k < 0 && errno == EINTR)
                        continue;
                ck_assert_msg(k >= 0, "poll: %s", strerror(errno));
                ck_assert_msg(!(p[0].revents & (POLLERR | POLLNVAL)), "chip fd: revents %#x", p[0].revents);
                if (p[0].revents & POLLIN)
                        drain_chip();
                if (req) {
                        ck_assert_msg(!(p[1].revents & (POLLERR | POLLNVAL)), "request fd: revents %#x",
                                      p[1].revents);
                        if (p[1].revents & POLLIN)
                                drain_request(req);
                }
        }
}

static bool edges_at_least(const void *arg)
{
        return ctx.n_edges >= *(const size_t *)arg;
}

static bool info_at_least(const void *arg)
{
        return ctx.n_info >= *(const size_t *)arg;
}

/* Services until n edge events were logged in all; fails the test after a (scaled) 2 s. */
static void wait_edges(PbRequest *req, size_t n)
{
        ck_assert_msg(service(req, scaled_us(2000000), edges_at_least, &n),
                      "%zu edge events after 2 s, expected %zu", ctx.n_edges, n);
}

static void wait_info(PbRequest *req, size_t n)
{
        ck_assert_msg(service(req, scaled_us(2000000), info_at_least, &n),
                      "%zu info events after 2 s, expected %zu", ctx.n_info, n);
}

/* Services for usec of real time (long enough for kernel events to arrive). */
static void settle(PbRequest *req, uint64_t usec)
{
        (void)service(req, usec, NULL, NULL);
}

static bool fd_readable(int fd)
{
        struct pollfd p = { .fd = fd, .events = POLLIN };

        ck_assert_int_ge(poll(&p, 1, 0), 0);
        return p.revents & POLLIN;
}

/* ------------------------------------------------------------------------ */
/* Contract: chip and line info */

START_TEST(test_chip_identity)
{
        if (fx->chip_name)
                ck_assert_str_eq(pb_chip_get_name(ctx.chip), fx->chip_name);
        else
                ck_assert_ptr_nonnull(startswith(pb_chip_get_name(ctx.chip), "gpiochip"));
        ck_assert_str_eq(pb_chip_get_label(ctx.chip), fx->chip_label);
        ck_assert_ptr_nonnull(pb_chip_get_path(ctx.chip));
        if (fx->chip_path)
                ck_assert_str_eq(pb_chip_get_path(ctx.chip), fx->chip_path);
        ck_assert_uint_eq(pb_chip_get_num_lines(ctx.chip), fx->num_lines);
        ck_assert_int_ge(pb_chip_get_fd(ctx.chip), 0);
}
END_TEST

START_TEST(test_line_names)
{
        for (unsigned i = 0; i < fx->num_lines; i++) {
                PbLineInfo info = line_info(i);

                ck_assert_uint_eq(info.offset, i);
                ck_assert_str_eq(info.name, fx->line_names[i]);
        }
}
END_TEST

START_TEST(test_free_line_info)
{
        PbLineInfo info = line_info(17);

        ck_assert_uint_eq(info.offset, 17);
        ck_assert(!info.used);
        ck_assert_str_eq(info.consumer, "");
        ck_assert_int_eq(info.direction, PB_DIRECTION_INPUT);
        ck_assert_int_eq(info.edge, PB_EDGE_NONE);
        ck_assert_uint_eq(info.debounce_us, 0);
        ck_assert(!info.active_low);
}
END_TEST

START_TEST(test_request_reflected_in_info)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, true, 1000);
        PbRequest *r;
        PbLineInfo info;

        s.bias = PB_BIAS_PULL_UP;
        r = req_new(17, &s, "test-consumer");
        ck_assert_uint_eq(pb_request_get_offset(r), 17);
        ck_assert_int_ge(pb_request_get_fd(r), 0);

        info = line_info(17);
        ck_assert(info.used);
        ck_assert_str_eq(info.consumer, "test-consumer");
        ck_assert_str_eq(info.name, "GPIO17");
        ck_assert_int_eq(info.direction, PB_DIRECTION_INPUT);
        ck_assert_int_eq(info.bias, PB_BIAS_PULL_UP);
        ck_assert_int_eq(info.edge, PB_EDGE_BOTH);
        ck_assert(info.active_low);
        ck_assert_uint_eq(info.debounce_us, 1000);

        /* Other lines are untouched. */
        info = line_info(18);
        ck_assert(!info.used);
        ck_assert_str_eq(info.consumer, "");
}
END_TEST

START_TEST(test_output_request_reflected_in_info)
{
        PbLineSettings s = output_settings(PB_DRIVE_OPEN_DRAIN, true, false);
        PbLineInfo info;

        (void)req_new(27, &s, "relay");
        info = line_info(27);
        ck_assert(info.used);
        ck_assert_str_eq(info.consumer, "relay");
        ck_assert_int_eq(info.direction, PB_DIRECTION_OUTPUT);
        ck_assert_int_eq(info.drive, PB_DRIVE_OPEN_DRAIN);
        ck_assert_int_eq(info.edge, PB_EDGE_NONE);
        ck_assert(info.active_low);
}
END_TEST

START_TEST(test_request_settings_kept)
{
        PbLineSettings s = input_settings(PB_EDGE_FALLING, true, 5000);
        PbRequest *r = req_new(4, &s, "x");
        const PbLineSettings *got = pb_request_get_settings(r);

        ck_assert_ptr_nonnull(got);
        ck_assert_int_eq(got->direction, PB_DIRECTION_INPUT);
        ck_assert_int_eq(got->edge, PB_EDGE_FALLING);
        ck_assert(got->active_low);
        ck_assert_uint_eq(got->debounce_us, 5000);
}
END_TEST

START_TEST(test_consumer_truncated)
{
        static const char long_consumer[] = "0123456789abcdefghijklmnopqrstuvwxyz-too-long";
        PbLineSettings s = PB_LINE_SETTINGS_INPUT;
        PbLineInfo info;

        (void)req_new(5, &s, long_consumer);
        info = line_info(5);
        ck_assert_uint_eq(strlen(info.consumer), PB_NAME_MAX - 1);
        ck_assert_int_eq(strncmp(info.consumer, long_consumer, PB_NAME_MAX - 1), 0);
}
END_TEST

START_TEST(test_consumer_null_accepted)
{
        PbLineSettings s = PB_LINE_SETTINGS_INPUT;
        PbLineInfo info;

        (void)req_new(6, &s, NULL);
        info = line_info(6);
        ck_assert(info.used);
        ck_assert_uint_lt(strlen(info.consumer), PB_NAME_MAX);
}
END_TEST

START_TEST(test_request_busy)
{
        PbLineSettings s = PB_LINE_SETTINGS_INPUT;
        PbRequest *r = req_new(17, &s, "first"), *r2 = NULL;

        ck_assert_int_eq(pb_chip_request_line(ctx.chip, 17, &s, "second", &r2), -EBUSY);
        ck_assert_ptr_null(r2);
        /* The first holder is unaffected. */
        ck_assert_str_eq(line_info(17).consumer, "first");
        (void)get_value(r);

        /* Once released, the line can be requested again. */
        req_release(r);
        r2 = req_new(17, &s, "second");
        ck_assert_str_eq(line_info(17).consumer, "second");
}
END_TEST

START_TEST(test_offset_out_of_range)
{
        PbLineSettings s = PB_LINE_SETTINGS_INPUT;
        PbRequest *r = NULL;
        PbLineInfo info;

        ck_assert_int_eq(pb_chip_request_line(ctx.chip, fx->num_lines, &s, "x", &r), -EINVAL);
        ck_assert_int_eq(pb_chip_request_line(ctx.chip, UINT_MAX, &s, "x", &r), -EINVAL);
        ck_assert_ptr_null(r);
        ck_assert_int_eq(pb_chip_get_line_info(ctx.chip, fx->num_lines, &info), -EINVAL);
        ck_assert_int_eq(pb_chip_get_line_info(ctx.chip, UINT_MAX, &info), -EINVAL);
}
END_TEST

START_TEST(test_invalid_settings)
{
        PbLineSettings edge_on_output = output_settings(PB_DRIVE_PUSH_PULL, false, false);
        PbLineSettings drive_on_input = PB_LINE_SETTINGS_INPUT;
        PbLineSettings bias_as_is = { .direction = PB_DIRECTION_AS_IS, .bias = PB_BIAS_PULL_UP };
        PbLineSettings huge_debounce = input_settings(PB_EDGE_BOTH, false, (uint64_t)UINT32_MAX + 1);
        const PbLineSettings *bad[] = { &edge_on_output, &drive_on_input, &bias_as_is, &huge_debounce };
        PbRequest *r = NULL;

        edge_on_output.edge = PB_EDGE_RISING;
        drive_on_input.drive = PB_DRIVE_OPEN_SOURCE;

        for (size_t i = 0; i < ELEMENTSOF_T(bad); i++) {
                ck_assert_int_eq(pb_chip_request_line(ctx.chip, 17, bad[i], "x", &r), -EINVAL);
                ck_assert_ptr_null(r);
        }
        ck_assert_int_eq(pb_chip_request_line(ctx.chip, 17, NULL, "x", &r), -EINVAL);
        ck_assert(!line_info(17).used);
}
END_TEST

START_TEST(test_invalid_reconfigure)
{
        PbLineSettings s = PB_LINE_SETTINGS_INPUT, bad = PB_LINE_SETTINGS_INPUT;
        PbRequest *r = req_new(17, &s, "x");

        bad.drive = PB_DRIVE_OPEN_DRAIN;
        ck_assert_int_eq(pb_request_reconfigure(r, &bad), -EINVAL);
        ck_assert_int_eq(pb_request_reconfigure(r, NULL), -EINVAL);
        /* The request keeps its settings. */
        ck_assert_int_eq(pb_request_get_settings(r)->drive, PB_DRIVE_PUSH_PULL);
        ck_assert_int_eq(line_info(17).drive, PB_DRIVE_PUSH_PULL);
}
END_TEST

START_TEST(test_info_events_in_order)
{
        PbLineSettings in = PB_LINE_SETTINGS_INPUT, out = output_settings(PB_DRIVE_PUSH_PULL, false, true);
        uint64_t t0 = t_now_ns(), t1;
        PbRequest *r;

        r = req_new(22, &in, "watcher");
        wait_info(NULL, 1);
        ck_assert_int_eq(pb_request_reconfigure(r, &out), 0);
        wait_info(NULL, 2);
        req_release(r);
        wait_info(NULL, 3);
        settle(NULL, 20000);
        t1 = t_now_ns();

        ck_assert_uint_eq(ctx.n_info, 3);
        ck_assert_int_eq(ctx.info[0].type, PB_INFO_REQUESTED);
        ck_assert_int_eq(ctx.info[1].type, PB_INFO_RECONFIGURED);
        ck_assert_int_eq(ctx.info[2].type, PB_INFO_RELEASED);
        for (size_t i = 0; i < 3; i++) {
                ck_assert_uint_eq(ctx.info[i].info.offset, 22);
                ck_assert_str_eq(ctx.info[i].info.name, "GPIO22");
                ck_assert_uint_ge(ctx.info[i].timestamp_ns, t0);
                ck_assert_uint_le(ctx.info[i].timestamp_ns, t1);
                if (i > 0)
                        ck_assert_uint_ge(ctx.info[i].timestamp_ns, ctx.info[i - 1].timestamp_ns);
        }
        /* Each event carries the info after the change. */
        ck_assert(ctx.info[0].info.used);
        ck_assert_str_eq(ctx.info[0].info.consumer, "watcher");
        ck_assert_int_eq(ctx.info[0].info.direction, PB_DIRECTION_INPUT);
        ck_assert(ctx.info[1].info.used);
        ck_assert_int_eq(ctx.info[1].info.direction, PB_DIRECTION_OUTPUT);
        ck_assert(!ctx.info[2].info.used);
        ck_assert_str_eq(ctx.info[2].info.consumer, "");
        /* The direction of a released line is kept. */
        ck_assert_int_eq(ctx.info[2].info.direction, PB_DIRECTION_OUTPUT);
        ck_assert_int_eq(line_info(22).direction, PB_DIRECTION_OUTPUT);
}
END_TEST

START_TEST(test_no_info_events_without_changes)
{
        settle(NULL, 20000);
        ck_assert_uint_eq(ctx.n_info, 0);
        ck_assert_int_eq(pb_chip_read_info_events(ctx.chip, ctx.info, LOG_INFO_MAX), 0);
        ck_assert_int_eq(pb_chip_read_info_events(ctx.chip, NULL, 0), 0);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Contract: outputs and the physical level */

START_TEST(test_output_initial_value)
{
        PbLineSettings hi = output_settings(PB_DRIVE_PUSH_PULL, false, true);
        PbLineSettings lo = output_settings(PB_DRIVE_PUSH_PULL, false, false);
        PbRequest *a, *b;

        set_input(20, false);
        set_input(21, true);
        a = req_new(20, &hi, "a");
        b = req_new(21, &lo, "b");
        ck_assert(get_level(20));
        ck_assert(!get_level(21));
        ck_assert(get_value(a));
        ck_assert(!get_value(b));
}
END_TEST

START_TEST(test_output_set_value_drives_pin)
{
        PbLineSettings s = output_settings(PB_DRIVE_PUSH_PULL, false, false);
        PbRequest *r = req_new(27, &s, "led");

        ck_assert(!get_level(27));
        ck_assert_int_eq(pb_request_set_value(r, true), 0);
        ck_assert(get_level(27));
        ck_assert(get_value(r));
        ck_assert_int_eq(pb_request_set_value(r, false), 0);
        ck_assert(!get_level(27));
        ck_assert(!get_value(r));

        /* A push-pull output wins over the outside pull. */
        set_input(27, true);
        ck_assert(!get_level(27));
}
END_TEST

START_TEST(test_output_active_low_inverts)
{
        PbLineSettings s = output_settings(PB_DRIVE_PUSH_PULL, true, true);
        PbRequest *r = req_new(27, &s, "led");

        ck_assert(!get_level(27)); /* logical 1 = physical low */
        ck_assert(get_value(r));
        ck_assert_int_eq(pb_request_set_value(r, false), 0);
        ck_assert(get_level(27));
        ck_assert(!get_value(r));
}
END_TEST

START_TEST(test_set_value_on_input)
{
        PbLineSettings s = PB_LINE_SETTINGS_INPUT;
        PbRequest *r = req_new(17, &s, "x");

        ck_assert_int_eq(pb_request_set_value(r, true), -EPERM);
        ck_assert(!get_level(17));
}
END_TEST

START_TEST(test_open_drain)
{
        PbLineSettings s = output_settings(PB_DRIVE_OPEN_DRAIN, false, false);
        PbRequest *r;

        set_input(23, true);
        r = req_new(23, &s, "od");
        ck_assert(!get_level(23)); /* driving low pulls the pin low */
        ck_assert_int_eq(pb_request_set_value(r, true), 0);
        if (fx->models_floating_pins) {
                ck_assert(get_level(23)); /* high floats: reads the pull-up */
                set_input(23, false);
                ck_assert(!get_level(23)); /* ...and now the pull-down */
                set_input(23, true);
                ck_assert(get_level(23));
        }
        ck_assert_int_eq(pb_request_set_value(r, false), 0);
        ck_assert(!get_level(23));
}
END_TEST

START_TEST(test_open_source)
{
        PbLineSettings s = output_settings(PB_DRIVE_OPEN_SOURCE, false, true);
        PbRequest *r;

        set_input(24, false);
        r = req_new(24, &s, "os");
        ck_assert(get_level(24)); /* driving high sources the pin */
        ck_assert_int_eq(pb_request_set_value(r, false), 0);
        if (fx->models_floating_pins) {
                ck_assert(!get_level(24)); /* low floats: reads the pull-down */
                set_input(24, true);
                ck_assert(get_level(24)); /* ...and now the pull-up */
                set_input(24, false);
                ck_assert(!get_level(24));
        }
        ck_assert_int_eq(pb_request_set_value(r, true), 0);
        ck_assert(get_level(24));
}
END_TEST

START_TEST(test_bias_pull_up)
{
        PbLineSettings s = PB_LINE_SETTINGS_INPUT;
        PbRequest *r;

        s.bias = PB_BIAS_PULL_UP;
        r = req_new(17, &s, "x");
        ck_assert(get_value(r));
        ck_assert(get_level(17));
}
END_TEST

START_TEST(test_bias_pull_down)
{
        PbLineSettings s = PB_LINE_SETTINGS_INPUT;
        PbRequest *r;

        set_input(17, true);
        s.bias = PB_BIAS_PULL_DOWN;
        r = req_new(17, &s, "x");
        ck_assert(!get_value(r));
        ck_assert(!get_level(17));
}
END_TEST

START_TEST(test_release_reads_pull_again)
{
        PbLineSettings hi = output_settings(PB_DRIVE_PUSH_PULL, false, true);
        PbLineSettings lo = output_settings(PB_DRIVE_PUSH_PULL, false, false);
        PbRequest *r;

        set_input(25, false);
        r = req_new(25, &hi, "x");
        ck_assert(get_level(25));
        req_release(r);
        ck_assert(!get_level(25));

        set_input(25, true);
        r = req_new(25, &lo, "x");
        ck_assert(!get_level(25));
        req_release(r);
        ck_assert(get_level(25));
}
END_TEST

START_TEST(test_input_follows_pull)
{
        PbLineSettings s = PB_LINE_SETTINGS_INPUT, al = input_settings(PB_EDGE_NONE, true, 0);
        PbRequest *r = req_new(17, &s, "x"), *r2 = req_new(18, &al, "y");

        ck_assert(!get_value(r));
        ck_assert(get_value(r2)); /* active-low: physical low is logical 1 */
        set_input(17, true);
        set_input(18, true);
        settle(NULL, 1000);
        ck_assert(get_value(r));
        ck_assert(get_level(17));
        ck_assert(!get_value(r2));
        set_input(17, false);
        settle(NULL, 1000);
        ck_assert(!get_value(r));
        ck_assert(!get_level(17));
}
END_TEST

START_TEST(test_reconfigure_input_output_input)
{
        PbLineSettings in = PB_LINE_SETTINGS_INPUT, out = output_settings(PB_DRIVE_PUSH_PULL, false, true);
        PbRequest *r;

        set_input(26, false);
        r = req_new(26, &in, "x");
        ck_assert_int_eq(pb_request_set_value(r, true), -EPERM);

        ck_assert_int_eq(pb_request_reconfigure(r, &out), 0);
        ck_assert_int_eq(pb_request_get_settings(r)->direction, PB_DIRECTION_OUTPUT);
        ck_assert_int_eq(line_info(26).direction, PB_DIRECTION_OUTPUT);
        ck_assert(line_info(26).used);
        ck_assert(get_level(26));
        ck_assert(get_value(r));
        ck_assert_int_eq(pb_request_set_value(r, false), 0);
        ck_assert(!get_level(26));
        ck_assert_int_eq(pb_request_set_value(r, true), 0);
        ck_assert(get_level(26));

        ck_assert_int_eq(pb_request_reconfigure(r, &in), 0);
        ck_assert_int_eq(pb_request_get_settings(r)->direction, PB_DIRECTION_INPUT);
        ck_assert_int_eq(line_info(26).direction, PB_DIRECTION_INPUT);
        ck_assert_int_eq(pb_request_set_value(r, true), -EPERM);
        if (fx->models_floating_pins) {
                ck_assert(!get_level(26)); /* an input reads the pull */
                ck_assert(!get_value(r));
        }
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Contract: edge events */

static void check_edge(size_t i, bool rising, uint32_t seqno, unsigned offset)
{
        ck_assert_msg(ctx.edges[i].rising == rising, "event %zu: rising=%d, expected %d", i,
                      ctx.edges[i].rising, rising);
        ck_assert_uint_eq(ctx.edges[i].line_seqno, seqno);
        ck_assert_uint_eq(ctx.edges[i].offset, offset);
}

START_TEST(test_edges_both)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, 0);
        PbRequest *r = req_new(17, &s, "x");
        uint64_t t0 = t_now_ns(), t1;

        set_input(17, true);
        wait_edges(r, 1);
        set_input(17, false);
        wait_edges(r, 2);
        set_input(17, true);
        wait_edges(r, 3);
        set_input(17, false);
        wait_edges(r, 4);
        settle(r, 20000);
        t1 = t_now_ns();

        ck_assert_uint_eq(ctx.n_edges, 4);
        for (size_t i = 0; i < 4; i++) {
                check_edge(i, i % 2 == 0, (uint32_t)i + 1, 17);
                ck_assert_uint_ge(ctx.edges[i].timestamp_ns, t0);
                ck_assert_uint_le(ctx.edges[i].timestamp_ns, t1);
                if (i > 0)
                        ck_assert_uint_ge(ctx.edges[i].timestamp_ns, ctx.edges[i - 1].timestamp_ns);
        }
}
END_TEST

START_TEST(test_edges_rising_only)
{
        PbLineSettings s = input_settings(PB_EDGE_RISING, false, 0);
        PbRequest *r = req_new(17, &s, "x");

        for (int i = 0; i < 3; i++) {
                set_input(17, true);
                settle(r, 2000);
                set_input(17, false);
                settle(r, 2000);
        }
        wait_edges(r, 3);
        settle(r, 20000);
        ck_assert_uint_eq(ctx.n_edges, 3);
        for (size_t i = 0; i < 3; i++)
                check_edge(i, true, (uint32_t)i + 1, 17);
}
END_TEST

START_TEST(test_edges_falling_only)
{
        PbLineSettings s = input_settings(PB_EDGE_FALLING, false, 0);
        PbRequest *r = req_new(17, &s, "x");

        for (int i = 0; i < 3; i++) {
                set_input(17, true);
                settle(r, 2000);
                set_input(17, false);
                settle(r, 2000);
        }
        wait_edges(r, 3);
        settle(r, 20000);
        ck_assert_uint_eq(ctx.n_edges, 3);
        for (size_t i = 0; i < 3; i++)
                check_edge(i, false, (uint32_t)i + 1, 17);
}
END_TEST

START_TEST(test_edges_active_low_both)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, true, 0);
        PbRequest *r = req_new(17, &s, "x");

        set_input(17, true); /* physical rise: logical fall */
        wait_edges(r, 1);
        set_input(17, false);
        wait_edges(r, 2);
        settle(r, 20000);
        ck_assert_uint_eq(ctx.n_edges, 2);
        check_edge(0, false, 1, 17);
        check_edge(1, true, 2, 17);
}
END_TEST

START_TEST(test_edges_active_low_rising)
{
        PbLineSettings s = input_settings(PB_EDGE_RISING, true, 0);
        PbRequest *r = req_new(17, &s, "x");

        set_input(17, true); /* logical fall: filtered out */
        settle(r, 20000);
        ck_assert_uint_eq(ctx.n_edges, 0);
        set_input(17, false); /* logical rise */
        wait_edges(r, 1);
        settle(r, 20000);
        ck_assert_uint_eq(ctx.n_edges, 1);
        check_edge(0, true, 1, 17);
}
END_TEST

START_TEST(test_no_edges_with_edge_none)
{
        PbLineSettings s = PB_LINE_SETTINGS_INPUT;
        PbRequest *r = req_new(17, &s, "x");

        set_input(17, true);
        settle(r, 5000);
        set_input(17, false);
        settle(r, 20000);
        ck_assert_uint_eq(ctx.n_edges, 0);
        ck_assert(!fd_readable(pb_request_get_fd(r)));
        ck_assert_int_eq(pb_request_read_edge_events(r, ctx.edges, LOG_EDGES_MAX), 0);
}
END_TEST

START_TEST(test_no_edge_without_level_change)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, 0);
        PbRequest *r = req_new(17, &s, "x");

        set_input(17, false); /* already low */
        settle(r, 20000);
        ck_assert_uint_eq(ctx.n_edges, 0);
        ck_assert(!fd_readable(pb_request_get_fd(r)));

        set_input(17, true);
        wait_edges(r, 1);
        set_input(17, true); /* already high */
        settle(r, 20000);
        ck_assert_uint_eq(ctx.n_edges, 1);
        check_edge(0, true, 1, 17);
}
END_TEST

START_TEST(test_no_edge_at_request_or_reconfigure)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, 0),
                       out = output_settings(PB_DRIVE_PUSH_PULL, false, true);
        PbRequest *r;

        set_input(17, true);
        r = req_new(17, &s, "x"); /* starts from the current level */
        settle(r, 20000);
        ck_assert_uint_eq(ctx.n_edges, 0);
        ck_assert(get_value(r));

        /* An output, then an input again, whose level is the pull: nothing to report either. */
        ck_assert_int_eq(pb_request_reconfigure(r, &out), 0);
        ck_assert_int_eq(pb_request_reconfigure(r, &s), 0);
        settle(r, 20000);
        ck_assert_uint_eq(ctx.n_edges, 0);

        set_input(17, false);
        wait_edges(r, 1);
        check_edge(0, false, 1, 17);
}
END_TEST

static bool last_seqno_is(const void *arg)
{
        return ctx.n_edges > 0 && ctx.edges[ctx.n_edges - 1].line_seqno == *(const uint32_t *)arg;
}

START_TEST(test_full_queue_drops_oldest)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, 0);
        PbRequest *r = req_new(17, &s, "x");
        const uint32_t changes = PB_EVENT_BUFFER_SIZE + 36;

        /* Change the level 100 times without reading anything. */
        for (uint32_t i = 0; i < changes; i++)
                set_input(17, i % 2 == 0);
        settle(NULL, 20000); /* let a kernel deliver them, without reading the request */

        ck_assert_msg(service(r, scaled_us(2000000), last_seqno_is, &changes), "last seqno never reached %u",
                      changes);
        settle(r, 20000);

        ck_assert_uint_eq(ctx.n_edges, PB_EVENT_BUFFER_SIZE);
        ck_assert_uint_gt(ctx.edges[0].line_seqno, 1); /* the gap shows the loss */
        ck_assert_uint_eq(ctx.edges[0].line_seqno, changes - PB_EVENT_BUFFER_SIZE + 1);
        ck_assert_uint_eq(ctx.edges[ctx.n_edges - 1].line_seqno, changes);
        for (size_t i = 0; i < ctx.n_edges; i++) {
                uint32_t seqno = ctx.edges[i].line_seqno;

                /* The newest survive, in order, and change i (from 1) is rising when i is odd. */
                if (i > 0)
                        ck_assert_uint_eq(seqno, ctx.edges[i - 1].line_seqno + 1);
                ck_assert_msg(ctx.edges[i].rising == (seqno % 2 == 1), "seqno %u: rising=%d", seqno,
                              ctx.edges[i].rising);
        }
}
END_TEST

START_TEST(test_read_edges_partial)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, 0);
        PbRequest *r = req_new(17, &s, "x");
        PbEdgeEvent ev[2];

        set_input(17, true);
        set_input(17, false);
        set_input(17, true);
        settle(NULL, 20000); /* let a kernel deliver them, without reading the request */
        /* Reading fewer than pending leaves the rest, in order. */
        ck_assert(fd_readable(pb_request_get_fd(r)));
        ck_assert_int_eq(pb_request_read_edge_events(r, ev, 1), 1);
        ck_assert_uint_eq(ev[0].line_seqno, 1);
        ck_assert(fd_readable(pb_request_get_fd(r)));
        ck_assert_int_eq(pb_request_read_edge_events(r, ev, 2), 2);
        ck_assert_uint_eq(ev[0].line_seqno, 2);
        ck_assert_uint_eq(ev[1].line_seqno, 3);
        ck_assert_int_eq(pb_request_read_edge_events(r, ev, 2), 0);
        ck_assert(!fd_readable(pb_request_get_fd(r)));
        ck_assert_int_eq(pb_request_read_edge_events(r, NULL, 0), 0);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Contract: debounce (needs a fixture that can bounce a line) */

static void bounce(unsigned offset, bool final_level, unsigned transitions, uint64_t span_us)
{
        ck_assert_int_eq(fx->bounce(ctx.chip, offset, final_level, transitions, span_us), 0);
}

START_TEST(test_debounce_one_event)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, 20000);
        PbRequest *r = req_new(17, &s, "button");
        uint64_t t0, t1, now, expected_lo, expected_hi;

        ck_assert(!get_value(r));
        t0 = t_now_ns();
        bounce(17, true, 12, 5000);
        t1 = t_now_ns();

        /* Past the bounce, before the debounce period is over: the read value has not moved. */
        (void)service(r, 8000, NULL, NULL);
        now = t_now_ns();
        if (now + 2 * T_NSEC_PER_MSEC < t0 + 25 * T_NSEC_PER_MSEC) {
                ck_assert_uint_eq(ctx.n_edges, 0);
                ck_assert(!get_value(r));
        }

        wait_edges(r, 1);
        settle(r, 60000);

        ck_assert_uint_eq(ctx.n_edges, 1);
        check_edge(0, true, 1, 17);
        /* Stamped when the level had been stable for the period: 5 ms + 20 ms after the start. */
        expected_lo = t0 + 25 * T_NSEC_PER_MSEC;
        expected_hi = t1 + 25 * T_NSEC_PER_MSEC;
        ck_assert_msg(ctx.edges[0].timestamp_ns + fx->debounce_stamp_tolerance_ns >= expected_lo,
                      "stamped %.3f ms after the bounce started, expected 25 ms",
                      (double)(ctx.edges[0].timestamp_ns - t0) / 1e6);
        ck_assert_msg(ctx.edges[0].timestamp_ns <= expected_hi + fx->debounce_stamp_tolerance_ns,
                      "stamped %.3f ms after the bounce started, expected 25 ms",
                      (double)(ctx.edges[0].timestamp_ns - t0) / 1e6);
        ck_assert(get_value(r));
        ck_assert(get_level(17));
}
END_TEST

START_TEST(test_debounce_value_during_bounce)
{
        /* A long period (stretched on slow setups), so that "during" holds however the test is scheduled. */
        uint64_t debounce_us = scaled_us(300000);
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, debounce_us);
        PbRequest *r = req_new(17, &s, "button");
        uint64_t t0 = t_now_ns(), t_checked;
        bool level, value;
        size_t n_edges;

        bounce(17, true, 12, 5000);
        settle(r, 20000);
        level = get_level(17);
        value = get_value(r);
        n_edges = ctx.n_edges;
        t_checked = t_now_ns();

        /* Observed before the period could have run out... */
        ck_assert_msg(t_checked < t0 + debounce_us * T_NSEC_PER_USEC,
                      "too slow to observe the debounce period");
        /* ...the contact has settled on high, but not for long enough yet. */
        ck_assert(level);
        ck_assert(!value);
        ck_assert_uint_eq(n_edges, 0);

        wait_edges(r, 1);
        ck_assert(get_value(r));
        check_edge(0, true, 1, 17);
}
END_TEST

START_TEST(test_debounce_active_low)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, true, 20000);
        PbRequest *r = req_new(17, &s, "button");

        ck_assert(get_value(r));
        bounce(17, true, 6, 4000); /* pressed: physical high is logical 0 with active-low */
        wait_edges(r, 1);
        settle(r, 60000);
        ck_assert_uint_eq(ctx.n_edges, 1);
        check_edge(0, false, 1, 17);
        ck_assert(!get_value(r));
}
END_TEST

START_TEST(test_debounce_glitch_filtered)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, 20000);
        PbRequest *r = req_new(17, &s, "button");

        /* Away and back within 5 ms: shorter than the period. */
        bounce(17, false, 2, 5000);
        settle(r, 80000);
        ck_assert_uint_eq(ctx.n_edges, 0);
        ck_assert(!get_value(r));
        ck_assert(!get_level(17));

        /* The line still reports a real change afterwards. */
        set_input(17, true);
        wait_edges(r, 1);
        check_edge(0, true, 1, 17);
}
END_TEST

START_TEST(test_debounce_clean_change)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, 10000);
        PbRequest *r = req_new(17, &s, "button");
        uint64_t t0;

        t0 = t_now_ns();
        set_input(17, true);
        wait_edges(r, 1);
        settle(r, 30000);
        ck_assert_uint_eq(ctx.n_edges, 1);
        check_edge(0, true, 1, 17);
        ck_assert_uint_ge(ctx.edges[0].timestamp_ns + fx->debounce_stamp_tolerance_ns,
                          t0 + 10 * T_NSEC_PER_MSEC);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Simulator-specific */

START_TEST(test_sim_rpi4_layout)
{
        PbLineInfo info;

        ck_assert(pb_chip_is_simulated(ctx.chip));
        ck_assert_str_eq(pb_chip_get_name(ctx.chip), "gpiochip0");
        ck_assert_str_eq(pb_chip_get_label(ctx.chip), "pinctrl-bcm2711");
        ck_assert_str_eq(pb_chip_get_path(ctx.chip), "");
        ck_assert_uint_eq(pb_chip_get_num_lines(ctx.chip), 58);

        info = line_info(0);
        ck_assert_str_eq(info.name, "ID_SDA");
        info = line_info(1);
        ck_assert_str_eq(info.name, "ID_SCL");
        for (unsigned i = 2; i <= 27; i++) {
                char expected[16];

                snprintf(expected, sizeof(expected), "GPIO%u", i);
                info = line_info(i);
                ck_assert_str_eq(info.name, expected);
        }
        info = line_info(57);
        ck_assert_str_eq(info.name, "RGMII_TXD3");
}
END_TEST

START_TEST(test_sim_new_errors)
{
        PbChip *c = NULL;
        static const char *const names[] = { "A", NULL, "" };

        ck_assert_int_eq(pb_sim_chip_new("", "l", NULL, 4, &c), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_new(NULL, "l", NULL, 4, &c), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_new("gpiochip9", NULL, NULL, 4, &c), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_new("gpiochip9", "l", NULL, 0, &c), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_new("gpiochip9", "l", NULL, 4, NULL), -EINVAL);
        ck_assert_ptr_null(c);

        /* Unnamed lines: NULL list, NULL entries and "" all give "". */
        ck_assert_int_eq(pb_sim_chip_new("gpiochip9", "", names, 3, &c), 0);
        ck_assert_ptr_nonnull(c);
        {
                PbLineInfo info;

                ck_assert_str_eq(pb_chip_get_label(c), "");
                ck_assert_int_eq(pb_chip_get_line_info(c, 0, &info), 0);
                ck_assert_str_eq(info.name, "A");
                ck_assert_int_eq(pb_chip_get_line_info(c, 1, &info), 0);
                ck_assert_str_eq(info.name, "");
                ck_assert_int_eq(pb_chip_get_line_info(c, 2, &info), 0);
                ck_assert_str_eq(info.name, "");
                ck_assert_int_eq(pb_chip_get_line_info(c, 3, &info), -EINVAL);
        }
        c = pb_chip_close(c);
        ck_assert_ptr_null(c);

        ck_assert_int_eq(pb_sim_chip_new("gpiochip9", "l", NULL, 2, &c), 0);
        {
                PbLineInfo info;

                ck_assert_int_eq(pb_chip_get_line_info(c, 1, &info), 0);
                ck_assert_str_eq(info.name, "");
        }
        c = pb_chip_close(c);
        ck_assert_ptr_null(pb_chip_close(NULL));
}
END_TEST

START_TEST(test_sim_not_simulated)
{
        bool v;

        ck_assert(!pb_chip_is_simulated(NULL));
        ck_assert_int_eq(pb_sim_chip_set_input(NULL, 0, true), -EOPNOTSUPP);
        ck_assert_int_eq(pb_sim_chip_bounce(NULL, 0, true, 3, 1000), -EOPNOTSUPP);
        ck_assert_int_eq(pb_sim_chip_get_level(NULL, 0, &v), -EOPNOTSUPP);
}
END_TEST

START_TEST(test_sim_invalid_offset)
{
        bool v;

        ck_assert_int_eq(pb_sim_chip_set_input(ctx.chip, 58, true), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_set_input(ctx.chip, UINT_MAX, true), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_bounce(ctx.chip, 58, true, 3, 1000), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_get_level(ctx.chip, 58, &v), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_get_level(ctx.chip, 0, NULL), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_get_level(ctx.chip, 57, &v), 0);
}
END_TEST

START_TEST(test_sim_bounce_limits)
{
        ck_assert_int_eq(pb_sim_chip_bounce(ctx.chip, 17, true, PB_SIM_BOUNCE_TRANSITIONS_MAX + 1, 1000),
                         -ERANGE);
        ck_assert_int_eq(pb_sim_chip_bounce(ctx.chip, 17, true, UINT_MAX, 1000), -ERANGE);
        ck_assert_int_eq(pb_sim_chip_bounce(ctx.chip, 17, true, 3, PB_SIM_BOUNCE_SPAN_US_MAX + 1), -ERANGE);
        ck_assert_int_eq(pb_sim_chip_bounce(ctx.chip, 17, true, 3, UINT64_MAX), -ERANGE);

        /* The limits themselves are accepted (and cancelled by a clean set). */
        ck_assert_int_eq(pb_sim_chip_bounce(ctx.chip, 17, true, PB_SIM_BOUNCE_TRANSITIONS_MAX,
                                            PB_SIM_BOUNCE_SPAN_US_MAX),
                         0);
        ck_assert_int_eq(pb_sim_chip_set_input(ctx.chip, 17, false), 0);
        settle(NULL, 5000);
        ck_assert(!get_level(17));
}
END_TEST

/* Bounces line 17 (observed with edge=both, no debounce) and checks the changes. */
static void check_bounce(bool from, bool final_level, unsigned transitions, uint64_t span_us,
                         unsigned expected_changes)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, 0);
        PbRequest *r;
        uint64_t t0, t1;
        bool level = from;

        set_input(17, from);
        r = req_new(17, &s, "x");
        t0 = t_now_ns();
        ck_assert_int_eq(pb_sim_chip_bounce(ctx.chip, 17, final_level, transitions, span_us), 0);
        t1 = t_now_ns();
        wait_edges(r, expected_changes);
        settle(r, span_us + 20000);

        ck_assert_uint_eq(ctx.n_edges, expected_changes);
        for (unsigned k = 1; k <= expected_changes; k++) {
                const PbEdgeEvent *ev = &ctx.edges[k - 1];
                uint64_t at = span_us * T_NSEC_PER_USEC * k / expected_changes;

                level = !level;
                ck_assert_msg(ev->rising == level, "change %u: rising=%d", k, ev->rising);
                ck_assert_uint_eq(ev->line_seqno, k);
                /* The k-th of n changes happens at span * k / n, stamped when scheduled. */
                ck_assert_uint_ge(ev->timestamp_ns, t0 + at);
                ck_assert_uint_le(ev->timestamp_ns, t1 + at);
        }
        ck_assert(level == final_level);
        ck_assert(get_level(17) == final_level);
        ck_assert(get_value(r) == final_level);
}

START_TEST(test_sim_bounce_parity_adds_one)
{
        /* 12 changes from 1 would end on 1: one more lands on 0. */
        check_bounce(true, false, 12, 5000, 13);
}
END_TEST

START_TEST(test_sim_bounce_parity_even)
{
        check_bounce(false, true, 12, 5000, 13);
}
END_TEST

START_TEST(test_sim_bounce_parity_odd)
{
        check_bounce(false, true, 11, 5000, 11);
}
END_TEST

START_TEST(test_sim_bounce_glitch_parity)
{
        /* Away and back. */
        check_bounce(true, true, 2, 4000, 2);
}
END_TEST

START_TEST(test_sim_bounce_zero_is_clean_change)
{
        check_bounce(false, true, 0, 10000, 1);
}
END_TEST

START_TEST(test_sim_bounce_zero_same_level)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, 0);
        PbRequest *r = req_new(17, &s, "x");

        /* Already at the final level and no transitions asked: nothing happens. */
        ck_assert_int_eq(pb_sim_chip_bounce(ctx.chip, 17, false, 0, 5000), 0);
        settle(r, 30000);
        ck_assert_uint_eq(ctx.n_edges, 0);
        ck_assert(!get_level(17));
}
END_TEST

START_TEST(test_sim_time_advances_only_when_serviced)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, 0);
        PbRequest *r = req_new(17, &s, "x");

        ck_assert_int_eq(pb_sim_chip_bounce(ctx.chip, 17, true, 0, 1000), 0);
        t_sleep_us(10000);
        /* Due, but nobody serviced the chip fd: the level has not changed yet... */
        ck_assert(!get_level(17));
        ck_assert(fd_readable(pb_chip_get_fd(ctx.chip)));
        /* ...until the chip is serviced. */
        ck_assert_int_eq(pb_chip_read_info_events(ctx.chip, ctx.info, LOG_INFO_MAX), 1); /* REQUESTED */
        ck_assert(get_level(17));
        drain_request(r);
        ck_assert_uint_eq(ctx.n_edges, 1);
}
END_TEST

START_TEST(test_sim_set_input_cancels_bounce)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, 0);
        PbRequest *r = req_new(17, &s, "x");

        /* 10 s ahead: however slow this host, nothing of the bounce is due before it is cancelled. */
        ck_assert_int_eq(
                pb_sim_chip_bounce_at(ctx.chip, 17, true, 10, 50000, t_now_ns() + 10 * T_NSEC_PER_SEC), 0);
        ck_assert_int_eq(pb_sim_chip_set_input(ctx.chip, 17, true), 0);
        settle(r, 100000);
        /* Only the clean change: the bounce was cancelled. */
        ck_assert_uint_eq(ctx.n_edges, 1);
        check_edge(0, true, 1, 17);
        ck_assert(get_level(17));
}
END_TEST

START_TEST(test_sim_bounce_replaces_bounce)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, 0);
        PbRequest *r = req_new(17, &s, "x");

        ck_assert_int_eq(
                pb_sim_chip_bounce_at(ctx.chip, 17, true, 100, 60000, t_now_ns() + 10 * T_NSEC_PER_SEC), 0);
        ck_assert_int_eq(pb_sim_chip_bounce(ctx.chip, 17, true, 0, 2000), 0);
        settle(r, 100000);
        ck_assert_uint_eq(ctx.n_edges, 1);
        check_edge(0, true, 1, 17);
}
END_TEST

/* A change that was due before a set_input happens first, stamped when it was due: a late caller
 * loses nothing. */
START_TEST(test_sim_set_input_runs_due_work_first)
{
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, 0);
        PbRequest *r = req_new(17, &s, "x");
        uint64_t start = t_now_ns() - T_NSEC_PER_SEC;

        ck_assert_int_eq(pb_sim_chip_bounce_at(ctx.chip, 17, true, 0, 1000, start), 0);
        /* Not serviced: the rising change at start + 1 ms is due but has not happened. */
        ck_assert_int_eq(pb_sim_chip_set_input(ctx.chip, 17, false), 0);
        drain_request(r);
        ck_assert_uint_eq(ctx.n_edges, 2);
        check_edge(0, true, 1, 17);
        ck_assert_uint_eq(ctx.edges[0].timestamp_ns, start + T_NSEC_PER_MSEC);
        check_edge(1, false, 2, 17);
        ck_assert_uint_gt(ctx.edges[1].timestamp_ns, start + T_NSEC_PER_MSEC);
        ck_assert(!get_level(17));
}
END_TEST

/* A schedule in the past plays entirely at the next service, every edge at its written time. */
/* Connect: an output drives a wired input, with an edge stamped at the change. */
START_TEST(test_sim_wire_follows_output)
{
        PbLineSettings os = output_settings(PB_DRIVE_PUSH_PULL, false, false);
        PbLineSettings is = input_settings(PB_EDGE_BOTH, false, 0);
        PbRequest *out = req_new(17, &os, "led"), *in = req_new(27, &is, "button");
        unsigned source = 0;
        uint64_t t0, t1;

        ck_assert_int_eq(pb_sim_chip_connect(ctx.chip, 17, 27), 0);
        ck_assert_int_eq(pb_sim_chip_get_wire(ctx.chip, 27, &source), 0);
        ck_assert_uint_eq(source, 17);
        ck_assert_int_eq(pb_sim_chip_get_wire(ctx.chip, 17, &source), -ENOENT);

        t0 = t_now_ns();
        ck_assert_int_eq(pb_request_set_value(out, true), 0);
        t1 = t_now_ns();
        drain_request(in);
        ck_assert_uint_eq(ctx.n_edges, 1);
        check_edge(0, true, 1, 27);
        ck_assert_uint_ge(ctx.edges[0].timestamp_ns, t0);
        ck_assert_uint_le(ctx.edges[0].timestamp_ns, t1);
        ck_assert(get_value(in));
        ck_assert(get_level(27));

        ck_assert_int_eq(pb_request_set_value(out, false), 0);
        drain_request(in);
        ck_assert_uint_eq(ctx.n_edges, 2);
        check_edge(1, false, 2, 27);
        ck_assert(!get_value(in));

        /* A wire beats a bias: a pull-up on the input does not lift a driven-low wire. */
        is.bias = PB_BIAS_PULL_UP;
        ck_assert_int_eq(pb_request_reconfigure(in, &is), 0);
        ck_assert(!get_value(in));

        /* Releasing the output lets its pin float to its own (low) pull: no change. Connecting
         * again is a no-op; after Disconnect the input keeps its level and follows nothing. */
        ck_assert_int_eq(pb_sim_chip_connect(ctx.chip, 17, 27), 0);
        ck_assert_int_eq(pb_request_set_value(out, true), 0);
        ck_assert(get_value(in));
        ck_assert_int_eq(pb_sim_chip_disconnect(ctx.chip, 17, 27), 0);
        ck_assert_int_eq(pb_request_set_value(out, false), 0);
        ck_assert(get_value(in));
        ck_assert_int_eq(pb_sim_chip_disconnect(ctx.chip, 17, 27), -ENOENT);
}
END_TEST

/* Connect takes the output's level at once; a free line's simulated level drives the wire too, and
 * scheduled changes reach the input with their scheduled times; wires chain. */
START_TEST(test_sim_wire_from_free_line)
{
        static const PbSimBounce script[] = {
                { .at_us = 1000, .final_level = false, .transitions = 0, .span_us = 1000 },
                { .at_us = 5000, .final_level = true, .transitions = 2, .span_us = 3000 },
        };
        PbLineSettings is = input_settings(PB_EDGE_BOTH, true, 0);
        PbRequest *in;
        uint64_t start = t_now_ns() - T_NSEC_PER_SEC;

        set_input(17, true);
        in = req_new(22, &is, "chained");
        ck_assert_int_eq(pb_sim_chip_connect(ctx.chip, 17, 27), 0);
        ck_assert(get_level(27));
        ck_assert_int_eq(pb_sim_chip_connect(ctx.chip, 27, 22), 0);
        drain_request(in);
        /* 22 was low (value 1 with active-low); the wire lifts it: a falling logical edge. */
        ck_assert_uint_eq(ctx.n_edges, 1);
        check_edge(0, false, 1, 22);

        ck_assert_int_eq(pb_sim_chip_schedule(ctx.chip, 17, script, ELEMENTSOF_T(script), start), 0);
        settle(in, 1000);
        drain_request(in);
        /* 17: low at 2 ms, then high, low, high at 6, 7, 8 ms, through 27 to 22. */
        ck_assert_uint_eq(ctx.n_edges, 5);
        ck_assert_uint_eq(ctx.edges[1].timestamp_ns, start + 2000000);
        ck_assert_uint_eq(ctx.edges[4].timestamp_ns, start + 8000000);
        check_edge(1, true, 2, 22);
        check_edge(4, false, 5, 22);
        ck_assert(get_level(22));
}
END_TEST

START_TEST(test_sim_wire_errors)
{
        unsigned source;

        ck_assert_int_eq(pb_sim_chip_connect(NULL, 17, 27), -EOPNOTSUPP);
        ck_assert_int_eq(pb_sim_chip_disconnect(NULL, 17, 27), -EOPNOTSUPP);
        ck_assert_int_eq(pb_sim_chip_get_wire(NULL, 27, &source), -EOPNOTSUPP);
        ck_assert_int_eq(pb_sim_chip_connect(ctx.chip, 17, 17), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_connect(ctx.chip, 58, 17), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_connect(ctx.chip, 17, 58), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_disconnect(ctx.chip, 17, 58), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_get_wire(ctx.chip, 58, &source), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_get_wire(ctx.chip, 27, NULL), -EINVAL);

        ck_assert_int_eq(pb_sim_chip_connect(ctx.chip, 17, 27), 0);
        ck_assert_int_eq(pb_sim_chip_connect(ctx.chip, 18, 27), -EBUSY);
        ck_assert_int_eq(pb_sim_chip_connect(ctx.chip, 27, 17), -ELOOP);
        ck_assert_int_eq(pb_sim_chip_connect(ctx.chip, 27, 22), 0);
        ck_assert_int_eq(pb_sim_chip_connect(ctx.chip, 22, 17), -ELOOP);
        ck_assert_int_eq(pb_sim_chip_connect(ctx.chip, 17, 22), -EBUSY);
        ck_assert_int_eq(pb_sim_chip_disconnect(ctx.chip, 18, 27), -ENOENT);
        ck_assert_int_eq(pb_sim_chip_disconnect(ctx.chip, 17, 27), 0);
        ck_assert_int_eq(pb_sim_chip_connect(ctx.chip, 22, 17), 0);
}
END_TEST

START_TEST(test_sim_schedule)
{
        static const PbSimBounce script[] = {
                { .at_us = 0, .final_level = true, .transitions = 0, .span_us = 1000 },
                { .at_us = 2000, .final_level = false, .transitions = 3, .span_us = 3000 },
                { .at_us = 10000, .final_level = false, .transitions = 0, .span_us = 1000 }, /* no change */
                { .at_us = 20000, .final_level = true, .transitions = 2, .span_us = 2000 },  /* 3 changes */
        };
        static const struct {
                bool rising;
                uint64_t at_ns;
        } want[] = {
                { true, 1000000 },  { false, 3000000 },  { true, 4000000 },  { false, 5000000 },
                { true, 20666666 }, { false, 21333333 }, { true, 22000000 },
        };
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, 0);
        PbRequest *r = req_new(17, &s, "x"), *r2 = req_new(18, &s, "y");
        uint64_t start = t_now_ns() - T_NSEC_PER_SEC;

        ck_assert_int_eq(pb_sim_chip_schedule(ctx.chip, 17, script, ELEMENTSOF_T(script), start), 0);
        ck_assert_int_eq(pb_sim_chip_schedule(ctx.chip, 18, script, 2, start), 0);
        settle(r, 1000);
        drain_request(r);
        ck_assert_uint_eq(ctx.n_edges, ELEMENTSOF_T(want));
        for (size_t i = 0; i < ELEMENTSOF_T(want); i++) {
                check_edge(i, want[i].rising, (uint32_t)i + 1, 17);
                ck_assert_uint_eq(ctx.edges[i].timestamp_ns, start + want[i].at_ns);
        }
        ck_assert(get_level(17));

        /* Line 18 got the first two bounces: the same first four edges, at the same times. */
        ctx.n_edges = 0;
        drain_request(r2);
        ck_assert_uint_eq(ctx.n_edges, 4);
        for (size_t i = 0; i < 4; i++) {
                check_edge(i, want[i].rising, (uint32_t)i + 1, 18);
                ck_assert_uint_eq(ctx.edges[i].timestamp_ns, start + want[i].at_ns);
        }
        ck_assert(!get_level(18));
}
END_TEST

START_TEST(test_sim_schedule_errors)
{
        PbSimBounce overlap[] = {
                { .at_us = 0, .final_level = true, .span_us = 2000 },
                { .at_us = 1999, .final_level = false, .span_us = 10 },
        };
        PbSimBounce far = { .at_us = PB_SIM_SCHEDULE_US_MAX - 10, .final_level = true, .span_us = 11 };
        PbSimBounce many[PB_SIM_SCHEDULE_MAX + 1] = {};
        PbSimBounce later = { .at_us = 0, .final_level = true, .transitions = 4, .span_us = 1000 };
        PbLineSettings s = input_settings(PB_EDGE_BOTH, false, 0);
        PbRequest *r = req_new(17, &s, "x");
        uint64_t now = t_now_ns();

        for (size_t i = 0; i < ELEMENTSOF_T(many); i++)
                many[i].at_us = i * 10;
        ck_assert_int_eq(pb_sim_chip_schedule(NULL, 17, overlap, 1, now), -EOPNOTSUPP);
        ck_assert_int_eq(pb_sim_chip_schedule(ctx.chip, 58, overlap, 1, now), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_schedule(ctx.chip, 17, NULL, 1, now), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_schedule(ctx.chip, 17, overlap, 2, now), -EINVAL);
        ck_assert_int_eq(pb_sim_chip_schedule(ctx.chip, 17, &far, 1, now), -ERANGE);
        ck_assert_int_eq(pb_sim_chip_schedule(ctx.chip, 17, many, ELEMENTSOF_T(many), now), -ERANGE);
        later.transitions = PB_SIM_BOUNCE_TRANSITIONS_MAX + 1;
        ck_assert_int_eq(pb_sim_chip_schedule(ctx.chip, 17, &later, 1, now), -ERANGE);
        /* The limits themselves are accepted. */
        far.span_us = 10;
        ck_assert_int_eq(pb_sim_chip_schedule(ctx.chip, 17, &far, 1, now), 0);
        ck_assert_int_eq(
                pb_sim_chip_schedule(ctx.chip, 17, many, PB_SIM_SCHEDULE_MAX, now + 10 * T_NSEC_PER_SEC), 0);

        /* An empty schedule cancels; so does set_input, and a new schedule replaces the old one. */
        later.transitions = 4;
        ck_assert_int_eq(pb_sim_chip_schedule(ctx.chip, 17, &later, 1, now + 10 * T_NSEC_PER_SEC), 0);
        ck_assert_int_eq(pb_sim_chip_schedule(ctx.chip, 17, NULL, 0, now), 0);
        ck_assert_int_eq(pb_sim_chip_schedule(ctx.chip, 17, &later, 1, now + 10 * T_NSEC_PER_SEC), 0);
        ck_assert_int_eq(pb_sim_chip_set_input(ctx.chip, 17, true), 0);
        settle(r, 5000);
        ck_assert_uint_eq(ctx.n_edges, 1);
        check_edge(0, true, 1, 17);
        /* Freed with the chip while one is pending (valgrind checks). */
        ck_assert_int_eq(pb_sim_chip_schedule(ctx.chip, 17, many, 3, now + 10 * T_NSEC_PER_SEC), 0);
}
END_TEST

START_TEST(test_sim_close_with_live_request)
{
        PbLineSettings s = output_settings(PB_DRIVE_PUSH_PULL, false, true);
        PbLineSettings in = input_settings(PB_EDGE_BOTH, false, 0);
        PbRequest *r = req_new(17, &s, "x"), *r2 = req_new(18, &in, "y");
        bool v;

        set_input(18, true); /* one edge queued on r2 */
        ctx.chip = pb_chip_close(ctx.chip);
        ck_assert_ptr_null(ctx.chip);

        ck_assert_int_eq(pb_request_get_value(r, &v), -ENODEV);
        ck_assert_int_eq(pb_request_set_value(r, false), -ENODEV);
        ck_assert_int_eq(pb_request_reconfigure(r, &s), -ENODEV);
        ck_assert_int_eq(pb_request_get_value(r2, &v), -ENODEV);
        ck_assert_int_ge(pb_request_read_edge_events(r2, ctx.edges, LOG_EDGES_MAX), 0);
        /* Releasing still works and frees everything (valgrind checks). */
        req_release(r);
        req_release(r2);
}
END_TEST

START_TEST(test_sim_null_arguments)
{
        PbLineSettings s = PB_LINE_SETTINGS_INPUT;
        PbRequest *r = NULL;
        PbLineInfo info;
        bool v;

        ck_assert_int_eq(pb_chip_get_line_info(NULL, 0, &info), -EINVAL);
        ck_assert_int_eq(pb_chip_get_line_info(ctx.chip, 0, NULL), -EINVAL);
        ck_assert_int_eq(pb_chip_request_line(NULL, 0, &s, "x", &r), -EINVAL);
        ck_assert_int_eq(pb_chip_request_line(ctx.chip, 0, &s, "x", NULL), -EINVAL);
        ck_assert_int_eq(pb_chip_read_info_events(NULL, ctx.info, 1), -EINVAL);
        ck_assert_int_eq(pb_chip_read_info_events(ctx.chip, NULL, 1), -EINVAL);
        ck_assert_int_eq(pb_request_get_value(NULL, &v), -EINVAL);
        ck_assert_int_eq(pb_request_set_value(NULL, true), -EINVAL);
        ck_assert_int_eq(pb_request_reconfigure(NULL, &s), -EINVAL);
        ck_assert_int_eq(pb_request_read_edge_events(NULL, ctx.edges, 1), -EINVAL);
        ck_assert_ptr_null(pb_request_release(NULL));

        r = req_new(3, &s, "x");
        ck_assert_int_eq(pb_request_get_value(r, NULL), -EINVAL);
        ck_assert_int_eq(pb_request_read_edge_events(r, NULL, 1), -EINVAL);
}
END_TEST

START_TEST(test_sim_info_queue_overflow)
{
        PbLineSettings s = PB_LINE_SETTINGS_INPUT;

        /* 100 requests and releases without servicing: the chip keeps the newest info events. */
        for (int i = 0; i < 50; i++) {
                PbRequest *r = req_new(17, &s, "x");

                req_release(r);
        }
        drain_chip();
        ck_assert_uint_gt(ctx.n_info, 0);
        ck_assert_uint_le(ctx.n_info, 100);
        ck_assert_int_eq(ctx.info[ctx.n_info - 1].type, PB_INFO_RELEASED);
        ck_assert(!fd_readable(pb_chip_get_fd(ctx.chip)));
}
END_TEST

/* ------------------------------------------------------------------------ */
/* The libgpiod backend, without hardware */

static char *tmpdir;

static void tmpdir_setup(void)
{
        tmpdir = t_mkdtemp();
}

static void tmpdir_teardown(void)
{
        t_rm_rf(tmpdir);
        free(tmpdir);
        tmpdir = NULL;
}

START_TEST(test_list_chips_empty_dir)
{
        char **l = NULL;

        ck_assert_int_eq(pb_gpiod_list_chips(tmpdir, &l), 0);
        ck_assert_ptr_nonnull(l);
        ck_assert_uint_eq(strv_length(l), 0);
        ck_assert_ptr_null(l[0]);
        strv_free(l);
}
END_TEST

START_TEST(test_list_chips_fake_files)
{
        static const char *const files[] = { "gpiochip10", "gpiochip2", "gpiochipX",
                                             "other",      "gpiochip",  "gpiochip-1" };
        char **l = NULL;

        for (size_t i = 0; i < ELEMENTSOF_T(files); i++) {
                char *p = t_path(tmpdir, files[i]);

                t_write_file(p, "");
                free(p);
        }
        ck_assert_int_eq(pb_gpiod_list_chips(tmpdir, &l), 0);
        ck_assert_ptr_nonnull(l);
#if HAVE_LIBGPIOD
        /* Regular files are not GPIO character devices: nothing is listed. */
        ck_assert_uint_eq(strv_length(l), 0);
#else
        /* Without libgpiod only the names are checked: the chips, in chip-number order. */
        {
                char *p2 = t_path(tmpdir, "gpiochip2"), *p10 = t_path(tmpdir, "gpiochip10");

                ck_assert_uint_eq(strv_length(l), 2);
                ck_assert_str_eq(l[0], p2);
                ck_assert_str_eq(l[1], p10);
                free(p2);
                free(p10);
        }
#endif
        strv_free(l);
}
END_TEST

START_TEST(test_list_chips_missing_dir)
{
        char *missing = t_path(tmpdir, "does-not-exist");
        char **l = NULL;

        ck_assert_int_eq(pb_gpiod_list_chips(missing, &l), 0);
        ck_assert_ptr_nonnull(l);
        ck_assert_uint_eq(strv_length(l), 0);
        strv_free(l);
        free(missing);
}
END_TEST

START_TEST(test_list_chips_not_a_dir)
{
        char *file = t_path(tmpdir, "file");
        char **l = NULL;

        t_write_file(file, "x");
        ck_assert_int_eq(pb_gpiod_list_chips(file, &l), -ENOTDIR);
        ck_assert_ptr_null(l);
        ck_assert_int_eq(pb_gpiod_list_chips(NULL, &l), -EINVAL);
        ck_assert_int_eq(pb_gpiod_list_chips(tmpdir, NULL), -EINVAL);
        free(file);
}
END_TEST

START_TEST(test_gpiod_open_errors)
{
        char *missing = t_path(tmpdir, "gpiochip0"), *file = t_path(tmpdir, "gpiochip1");
        PbChip *c = NULL;
        int r;

        t_write_file(file, "not a chip");
#if HAVE_LIBGPIOD
        ck_assert_int_eq(pb_gpiod_chip_open(missing, &c), -ENOENT);
        r = pb_gpiod_chip_open(file, &c);
        ck_assert_msg(r == -ENODEV || r == -ENOTTY, "opening a regular file: %d (%s)", r, strerror(-r));
#else
        ck_assert_int_eq(pb_gpiod_chip_open(missing, &c), -EOPNOTSUPP);
        r = pb_gpiod_chip_open(file, &c);
        ck_assert_int_eq(r, -EOPNOTSUPP);
#endif
        ck_assert_ptr_null(c);
        ck_assert_int_lt(pb_gpiod_chip_open(NULL, &c), 0);
        free(missing);
        free(file);
}
END_TEST

/* ------------------------------------------------------------------------ */

static TCase *contract_tcase(const char *name)
{
        TCase *tc = tcase_create(name);

        tcase_add_checked_fixture(tc, ctx_setup, ctx_teardown);
        tcase_set_timeout(tc, 30);
        return tc;
}

/* The backend contract, run against fixture f. */
static Suite *backend_contract_suite(const BackendFixture *f)
{
        static char name[64]; /* suite_create() keeps the pointer */
        Suite *s;
        TCase *tc;

        fx = f;
        snprintf(name, sizeof(name), "backend-contract-%s", f->name);
        s = suite_create(name);

        tc = contract_tcase("info");
        tcase_add_test(tc, test_chip_identity);
        tcase_add_test(tc, test_line_names);
        tcase_add_test(tc, test_free_line_info);
        tcase_add_test(tc, test_request_reflected_in_info);
        tcase_add_test(tc, test_output_request_reflected_in_info);
        tcase_add_test(tc, test_request_settings_kept);
        tcase_add_test(tc, test_consumer_truncated);
        tcase_add_test(tc, test_consumer_null_accepted);
        tcase_add_test(tc, test_request_busy);
        tcase_add_test(tc, test_offset_out_of_range);
        tcase_add_test(tc, test_invalid_settings);
        tcase_add_test(tc, test_invalid_reconfigure);
        tcase_add_test(tc, test_info_events_in_order);
        tcase_add_test(tc, test_no_info_events_without_changes);
        suite_add_tcase(s, tc);

        tc = contract_tcase("levels");
        tcase_add_test(tc, test_output_initial_value);
        tcase_add_test(tc, test_output_set_value_drives_pin);
        tcase_add_test(tc, test_output_active_low_inverts);
        tcase_add_test(tc, test_set_value_on_input);
        tcase_add_test(tc, test_open_drain);
        tcase_add_test(tc, test_open_source);
        tcase_add_test(tc, test_bias_pull_up);
        tcase_add_test(tc, test_bias_pull_down);
        tcase_add_test(tc, test_release_reads_pull_again);
        tcase_add_test(tc, test_input_follows_pull);
        tcase_add_test(tc, test_reconfigure_input_output_input);
        suite_add_tcase(s, tc);

        tc = contract_tcase("edges");
        tcase_add_test(tc, test_edges_both);
        tcase_add_test(tc, test_edges_rising_only);
        tcase_add_test(tc, test_edges_falling_only);
        tcase_add_test(tc, test_edges_active_low_both);
        tcase_add_test(tc, test_edges_active_low_rising);
        tcase_add_test(tc, test_no_edges_with_edge_none);
        tcase_add_test(tc, test_no_edge_without_level_change);
        tcase_add_test(tc, test_no_edge_at_request_or_reconfigure);
        tcase_add_test(tc, test_full_queue_drops_oldest);
        tcase_add_test(tc, test_read_edges_partial);
        suite_add_tcase(s, tc);

        if (f->bounce) {
                tc = contract_tcase("debounce");
                tcase_add_test(tc, test_debounce_one_event);
                tcase_add_test(tc, test_debounce_value_during_bounce);
                tcase_add_test(tc, test_debounce_active_low);
                tcase_add_test(tc, test_debounce_glitch_filtered);
                tcase_add_test(tc, test_debounce_clean_change);
                suite_add_tcase(s, tc);
        }

        return s;
}

static Suite *simulator_suite(void)
{
        Suite *s = suite_create("simulator");
        TCase *tc;

        tc = contract_tcase("sim-api");
        tcase_add_test(tc, test_sim_rpi4_layout);
        tcase_add_test(tc, test_sim_new_errors);
        tcase_add_test(tc, test_sim_not_simulated);
        tcase_add_test(tc, test_sim_invalid_offset);
        tcase_add_test(tc, test_sim_bounce_limits);
        tcase_add_test(tc, test_sim_bounce_parity_adds_one);
        tcase_add_test(tc, test_sim_bounce_parity_even);
        tcase_add_test(tc, test_sim_bounce_parity_odd);
        tcase_add_test(tc, test_sim_bounce_glitch_parity);
        tcase_add_test(tc, test_sim_bounce_zero_is_clean_change);
        tcase_add_test(tc, test_sim_bounce_zero_same_level);
        tcase_add_test(tc, test_sim_time_advances_only_when_serviced);
        tcase_add_test(tc, test_sim_set_input_cancels_bounce);
        tcase_add_test(tc, test_sim_bounce_replaces_bounce);
        tcase_add_test(tc, test_sim_set_input_runs_due_work_first);
        tcase_add_test(tc, test_sim_schedule);
        tcase_add_test(tc, test_sim_wire_follows_output);
        tcase_add_test(tc, test_sim_wire_from_free_line);
        tcase_add_test(tc, test_sim_wire_errors);
        tcase_add_test(tc, test_sim_schedule_errors);
        tcase_add_test(tc, test_sim_close_with_live_request);
        tcase_add_test(tc, test_sim_null_arguments);
        tcase_add_test(tc, test_sim_info_queue_overflow);
        suite_add_tcase(s, tc);

        tc = tcase_create("gpiod-no-hardware");
        tcase_add_checked_fixture(tc, tmpdir_setup, tmpdir_teardown);
        tcase_add_test(tc, test_list_chips_empty_dir);
        tcase_add_test(tc, test_list_chips_fake_files);
        tcase_add_test(tc, test_list_chips_missing_dir);
        tcase_add_test(tc, test_list_chips_not_a_dir);
        tcase_add_test(tc, test_gpiod_open_errors);
        suite_add_tcase(s, tc);

        return s;
}

int main(void)
{
#if PINBUS_TEST_GPIO_SIM
        char *chip = gpio_sim_find();
        Suite *suites[1];

        /* Built for libgpiod: the simulator's own tests are not run here. */
        (void)simulator_suite;
        (void)sim_fixture;
        if (!chip) {
                printf("SKIP: no gpio-sim chip labelled pinctrl-bcm2711 with sim_gpioN attributes: this "
                       "kernel "
                       "has no gpio-sim (the real-kernel rig provides one)\n");
                return 77;
        }
        printf("libgpiod backend on gpio-sim chip %s (%s)\n", chip, gpio_sim_dir);
        free(chip);
        suites[0] = backend_contract_suite(&gpio_sim_fixture);
        return t_run_suites(suites, ELEMENTSOF_T(suites));
#else
        Suite *suites[] = { backend_contract_suite(&sim_fixture), simulator_suite() };

        return t_run_suites(suites, ELEMENTSOF_T(suites));
#endif
}
