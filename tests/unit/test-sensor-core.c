/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The sensor scheduler of daemon/core/sensor.h on its own: an sd-event loop and
 * the simulated I2C bus 1 (a BME280 at 0x76), no bus connection. A recording
 * Frontend (sensor_changed) and the read waiters are the whole interface the
 * D-Bus layer uses.
 */

#include <errno.h>
#include <systemd/sd-event.h>

#include "core/daemon.h"
#include "core/frontend.h"
#include "core/sensor.h"
#include "i2c/bus.h"
#include "test-util.h"

static Daemon *d;

/* What the front end and the read callbacks saw. */
static unsigned changes_seen, n_changed;
static unsigned n_answers;
static int last_r;
static CoreError last_error;
static PbSample last_sample;

static void on_sensor_changed(void *userdata, Sensor *s, unsigned changes)
{
        ck_assert_ptr_eq(userdata, &changes_seen);
        ck_assert_uint_ne(changes, 0);
        changes_seen |= changes;
        n_changed++;
}

static const Frontend frontend = {
        .sensor_changed = on_sensor_changed,
};

static void on_read(Sensor *s, int r, const PbSample *sample, const CoreError *error, void *userdata)
{
        ck_assert_ptr_eq(userdata, &n_answers);
        n_answers++;
        last_r = r;
        if (r >= 0) {
                ck_assert_ptr_nonnull(sample);
                ck_assert_ptr_null(error);
                last_sample = *sample;
        } else {
                ck_assert_ptr_null(sample);
                ck_assert(core_error_is_set(error));
                last_error = *error;
        }
}

static void add_sensor(Config *c, const char *name, const char *model, const char *bus, const char *address)
{
        const char *keys[] = { "model", "bus", "address", "interval" };
        const char *values[] = { model, bus, address, "1s" };
        SensorConfig *s = config_add_sensor(c, name, "test.conf:1");

        ck_assert_ptr_nonnull(s);
        for (size_t i = 0; i < ELEMENTSOF_T(keys); i++) {
                char *error = NULL;

                ck_assert_int_eq(sensor_config_set(s, keys[i], values[i], "test.conf:2", &error), 0);
                ck_assert_ptr_null(error);
        }
}

static void setup(void)
{
        Config *c = config_new();

        ck_assert_ptr_nonnull(c);
        d = calloc(1, sizeof(*d));
        ck_assert_ptr_nonnull(d);
        d->options.simulate = true;
        d->config = c;
        add_sensor(c, "room", "bme280", "1", "0x76");
        add_sensor(c, "gone", "tmp102", "3", "0x48"); /* the simulator has no /dev/i2c-3 */
        ck_assert_int_eq(sd_event_new(&d->event), 0);
        ck_assert_int_eq(sensors_new(d), 0);
        ck_assert_uint_eq(d->n_sensors, 2);
        daemon_set_frontend(d, &frontend, &changes_seen);

        changes_seen = n_changed = n_answers = 0;
        last_r = 0;
        last_error = CORE_ERROR_NULL;
        last_sample = (PbSample){};
}

static void teardown(void)
{
        if (!d)
                return;
        sensors_free(d);
        for (size_t i = 0; i < d->n_i2c_buses; i++)
                pb_i2c_bus_close(d->i2c_buses[i]);
        free(d->i2c_buses);
        config_free(d->config);
        sd_event_unref(d->event);
        d = mfree(d);
}

/* Runs the loop until n_answers reaches n or the (scaled) deadline passes. */
static void run_until_answers(unsigned n)
{
        uint64_t deadline = t_now_us() + 2000000ULL * t_timeout_scale();

        while (n_answers < n && t_now_us() < deadline)
                ck_assert_int_ge(sd_event_run(d->event, 100000), 0);
        ck_assert_uint_eq(n_answers, n);
}

START_TEST(test_read_gives_a_sample)
{
        Sensor *room = d->sensors[0];

        ck_assert_str_eq(sensor_get_name(room), "room");
        ck_assert(!sensor_is_online(room));
        ck_assert_uint_eq(sensor_get_timestamp_us(room), 0);
        ck_assert_uint_eq(sensor_get_sample(room)->mask, 0);

        ck_assert_int_eq(sensor_read(room, on_read, &n_answers, NULL), 0);
        ck_assert_uint_eq(n_answers, 0); /* measuring: no answer before the loop runs */
        run_until_answers(1);

        ck_assert_int_eq(last_r, 0);
        ck_assert(last_sample.mask & (1u << PB_QUANTITY_TEMPERATURE));
        ck_assert_double_eq_tol(last_sample.value[PB_QUANTITY_TEMPERATURE], 23.72, 0.01);
        ck_assert_mem_eq(sensor_get_sample(room), &last_sample, sizeof(PbSample));
        ck_assert(sensor_is_online(room));
        ck_assert_str_eq(sensor_get_last_error(room), "");
        ck_assert_uint_gt(sensor_get_timestamp_us(room), 0);
        ck_assert_str_eq(sensor_get_model_name(room), "bme280");
        ck_assert_uint_eq(sensor_get_address(room), 0x76);
        ck_assert_str_eq(sensor_get_bus_path(room), "/dev/i2c-1");
        ck_assert_uint_eq(sensor_get_interval_us(room), 1000000);
        /* The sample and going online are one step, told once. */
        ck_assert_uint_eq(changes_seen, SENSOR_CHANGED_SAMPLE | SENSOR_CHANGED_ONLINE);
        ck_assert_uint_eq(n_changed, 1);
}
END_TEST

START_TEST(test_reads_share_a_measurement)
{
        Sensor *room = d->sensors[0];

        for (int i = 0; i < 3; i++)
                ck_assert_int_eq(sensor_read(room, on_read, &n_answers, NULL), 0);
        run_until_answers(3);
        ck_assert_int_eq(last_r, 0);
        ck_assert_uint_eq(n_changed, 1);
}
END_TEST

START_TEST(test_read_of_missing_adapter_fails_at_once)
{
        Sensor *gone = d->sensors[1];

        ck_assert_int_eq(sensor_read(gone, on_read, &n_answers, NULL), 0);
        ck_assert_uint_eq(n_answers, 1);
        ck_assert_int_eq(last_r, -ENOENT);
        ck_assert_int_eq(last_error.kind, CORE_ERROR_SENSOR_OFFLINE);
        ck_assert_str_eq(last_error.message, "Sensor gone is offline: ENOENT: no such adapter /dev/i2c-3");
        ck_assert_str_eq(sensor_get_last_error(gone), "ENOENT: no such adapter /dev/i2c-3");
        ck_assert(!sensor_is_online(gone));
        /* It was never online: only the error is new. */
        ck_assert_uint_eq(changes_seen, SENSOR_CHANGED_LAST_ERROR);
}
END_TEST

START_TEST(test_waiters_are_bounded_and_answered_when_freed)
{
        Sensor *room = d->sensors[0];
        CoreError e = CORE_ERROR_NULL;

        for (int i = 0; i < SENSOR_PENDING_MAX; i++)
                ck_assert_int_eq(sensor_read(room, on_read, &n_answers, NULL), 0);
        ck_assert_int_eq(sensor_read(room, on_read, &n_answers, &e), -ENOBUFS);
        ck_assert_int_eq(e.kind, CORE_ERROR_LIMITS_EXCEEDED);
        ck_assert_ptr_nonnull(strstr(e.message, "room"));
        ck_assert_uint_eq(n_answers, 0);

        sensors_free(d);
        ck_assert_uint_eq(n_answers, SENSOR_PENDING_MAX);
        ck_assert_int_eq(last_r, -ESHUTDOWN);
        ck_assert_int_eq(last_error.kind, CORE_ERROR_IO);
        ck_assert_str_eq(last_error.message, "Sensor room: pinbusd is stopping; no sample was taken");
}
END_TEST

static Suite *sensor_core_suite(void)
{
        Suite *s = suite_create("sensor-core");
        TCase *tc = tcase_create("scheduler");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 30);
        tcase_add_test(tc, test_read_gives_a_sample);
        tcase_add_test(tc, test_reads_share_a_measurement);
        tcase_add_test(tc, test_read_of_missing_adapter_fails_at_once);
        tcase_add_test(tc, test_waiters_are_bounded_and_answered_when_freed);
        suite_add_tcase(s, tc);
        return s;
}

int main(void)
{
        return t_run_suite(sensor_core_suite());
}
