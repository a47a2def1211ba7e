/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The sensor drivers (lib/sensors/sensor.h) running against the simulated devices of
 * lib/sim/i2c-bus.h: the model table and options, probing (model and address
 * auto), each driver's whole I/O path (probe, init, start, collect) and its
 * faults: NAK and recovery, wrong chip ids, a busy chip, CRC mismatches,
 * implausible readings, adapters lacking a transfer type.
 */

#include <math.h>

#include "sensors/sensor.h"
#include "sim/i2c-bus.h"
#include "test-util.h"

static void close_bus(void *p)
{
        pb_i2c_bus_close(p);
}

static void free_sensor(void *p)
{
        pb_sensor_free(p);
}

static PbI2cBus *new_bus(void)
{
        PbI2cBus *bus = NULL;

        ck_assert_int_eq(pb_sim_i2c_bus_new(1, &bus), 0);
        return t_defer(close_bus, bus);
}

static PbI2cBus *new_default_bus(void)
{
        PbI2cBus *bus = NULL;

        ck_assert_int_eq(pb_sim_i2c_bus_new_default(&bus), 0);
        return t_defer(close_bus, bus);
}

static const PbSensorModel *model(const char *name)
{
        const PbSensorModel *m = pb_sensor_model_from_string(name);

        ck_assert_msg(m, "no model %s", name);
        return m;
}

/* A sensor of model name ("auto": NULL) at address, with options. */
static PbSensor *new_sensor_opts(PbI2cBus *bus, const char *name, uint16_t address, char *const *options)
{
        PbSensor *s = NULL;

        ck_assert_int_eq(pb_sensor_new(streq(name, "auto") ? NULL : model(name), bus, address, options, &s),
                         0);
        return t_defer(free_sensor, s);
}

static PbSensor *new_sensor(PbI2cBus *bus, const char *name, uint16_t address)
{
        return new_sensor_opts(bus, name, address, NULL);
}

/* start + collect, asserting success; returns the start's measurement time. */
static uint64_t sample(PbSensor *s, PbSample *ret)
{
        uint64_t usec = UINT64_MAX;
        int r;

        r = pb_sensor_start(s, &usec);
        ck_assert_msg(r == 0, "start: %s (%s)", strerror(-r), pb_sensor_get_error_detail(s));
        ck_assert_uint_ne(usec, UINT64_MAX);
        *ret = (PbSample){};
        r = pb_sensor_collect(s, ret);
        ck_assert_msg(r == 0, "collect: %s (%s)", strerror(-r), pb_sensor_get_error_detail(s));
        return usec;
}

/* start + collect, asserting collect fails with error and a detail containing words. */
static void sample_fails(PbSensor *s, int error, const char *words)
{
        PbSample smp = {};
        uint64_t usec;
        int r;

        r = pb_sensor_start(s, &usec);
        ck_assert_msg(r == 0, "start: %s (%s)", strerror(-r), pb_sensor_get_error_detail(s));
        r = pb_sensor_collect(s, &smp);
        ck_assert_msg(r == error, "collect: %d (%s), expected %d", r, pb_sensor_get_error_detail(s), error);
        ck_assert_msg(strstr(pb_sensor_get_error_detail(s), words), "detail \"%s\" lacks \"%s\"",
                      pb_sensor_get_error_detail(s), words);
}

/* start fails with error and a detail equal to words. */
static void sample_fails_start(PbSensor *s, int error, const char *words)
{
        uint64_t usec;
        int r = pb_sensor_start(s, &usec);

        ck_assert_msg(r == error, "start: %d (%s), expected %d", r, pb_sensor_get_error_detail(s), error);
        ck_assert_str_eq(pb_sensor_get_error_detail(s), words);
}

static void init_ok(PbSensor *s)
{
        int r = pb_sensor_init(s);

        ck_assert_msg(r == 0, "init: %s (%s)", strerror(-r), pb_sensor_get_error_detail(s));
}

static void init_fails(PbSensor *s, int error, const char *words)
{
        int r = pb_sensor_init(s);

        ck_assert_msg(r == error, "init: %d (%s), expected %d", r, pb_sensor_get_error_detail(s), error);
        ck_assert_msg(strstr(pb_sensor_get_error_detail(s), words), "detail \"%s\" lacks \"%s\"",
                      pb_sensor_get_error_detail(s), words);
}

#define QBIT(q) (1u << PB_QUANTITY_##q)

/* ------------------------------------------------------------------------ */
/* The model table and options */

START_TEST(test_quantities)
{
        ck_assert_str_eq(pb_quantity_to_string(PB_QUANTITY_TEMPERATURE), "temperature");
        ck_assert_str_eq(pb_quantity_to_string(PB_QUANTITY_PRESSURE), "pressure");
        ck_assert_str_eq(pb_quantity_to_string(PB_QUANTITY_HUMIDITY), "humidity");
        ck_assert_str_eq(pb_quantity_to_string(PB_QUANTITY_ILLUMINANCE), "illuminance");
        ck_assert_str_eq(pb_quantity_to_string(PB_QUANTITY_VOLTAGE), "voltage");
        ck_assert_ptr_null(pb_quantity_to_string(_PB_QUANTITY_MAX));
        ck_assert_str_eq(pb_quantity_unit(PB_QUANTITY_TEMPERATURE), "°C");
        ck_assert_str_eq(pb_quantity_unit(PB_QUANTITY_PRESSURE), "Pa");
        ck_assert_str_eq(pb_quantity_unit(PB_QUANTITY_HUMIDITY), "%RH");
        ck_assert_str_eq(pb_quantity_unit(PB_QUANTITY_ILLUMINANCE), "lx");
        ck_assert_str_eq(pb_quantity_unit(PB_QUANTITY_VOLTAGE), "V");
        ck_assert_ptr_null(pb_quantity_unit(_PB_QUANTITY_MAX));
}
END_TEST

START_TEST(test_model_lookup)
{
        const PbSensorModel *const *all = pb_sensor_models();
        size_t n = 0;

        for (; all[n]; n++) {
                const char *name = pb_sensor_model_get_name(all[n]);

                ck_assert_ptr_eq(pb_sensor_model_from_string(name), all[n]);
                ck_assert_ptr_nonnull(pb_sensor_model_get_label(all[n]));
                ck_assert_uint_ne(pb_sensor_model_get_funcs(all[n]), 0);
                ck_assert_uint_ne(pb_sensor_model_get_quantities(all[n]), 0);
                ck_assert_uint_ge(pb_sensor_model_get_addresses(all[n], NULL), 1);
                for (size_t j = 0; j < n; j++)
                        ck_assert_str_ne(name, pb_sensor_model_get_name(all[j]));
        }
        ck_assert_ptr_eq(pb_sensor_model_from_string("BME280"), pb_sensor_model_from_string("bme280"));
        ck_assert_ptr_null(pb_sensor_model_from_string("auto"));
        ck_assert_ptr_null(pb_sensor_model_from_string("bme281"));
        ck_assert_ptr_null(pb_sensor_model_from_string(""));
        ck_assert_ptr_null(pb_sensor_model_from_string(NULL));
}
END_TEST

START_TEST(test_model_bme280)
{
        const PbSensorModel *m = model("bme280");
        const uint16_t *a;

        ck_assert_str_eq(pb_sensor_model_get_name(m), "bme280");
        ck_assert_str_eq(pb_sensor_model_get_label(m), "BME280");
        ck_assert_uint_eq(pb_sensor_model_get_addresses(m, &a), 2);
        ck_assert_uint_eq(a[0], 0x76);
        ck_assert_uint_eq(a[1], 0x77);
        /* SMBus only: works on i2c-stub and SMBus controllers. */
        ck_assert_uint_eq(pb_sensor_model_get_funcs(m),
                          PB_I2C_FUNC_SMBUS_BYTE_DATA | PB_I2C_FUNC_SMBUS_I2C_BLOCK);
        ck_assert_uint_eq(pb_sensor_model_get_quantities(m),
                          QBIT(TEMPERATURE) | QBIT(PRESSURE) | QBIT(HUMIDITY));
        ck_assert_uint_eq(pb_sensor_model_get_quantities(model("bmp280")),
                          QBIT(TEMPERATURE) | QBIT(PRESSURE));
        ck_assert(pb_sensor_model_can_autodetect(m));
        ck_assert(!pb_sensor_model_can_autodetect(model("tmp102")));
}
END_TEST

START_TEST(test_model_word_register_chips)
{
        const char *names[] = { "tmp102", "mcp9808", "ads1115" };

        for (size_t i = 0; i < ELEMENTSOF_T(names); i++)
                ck_assert_uint_eq(pb_sensor_model_get_funcs(model(names[i])), PB_I2C_FUNC_SMBUS_WORD_DATA);
        ck_assert_uint_eq(pb_sensor_model_get_quantities(model("ads1115")), QBIT(VOLTAGE));
}
END_TEST

START_TEST(test_options)
{
        const PbSensorModel *ads = model("ads1115");
        char *e = NULL;

        ck_assert_int_eq(pb_sensor_model_check_option(ads, "channel", "0", &e), 0);
        ck_assert_ptr_null(e);
        ck_assert_int_eq(pb_sensor_model_check_option(ads, "channel", "2-3", NULL), 0);
        ck_assert_int_eq(pb_sensor_model_check_option(ads, "gain", "4.096", NULL), 0);
        ck_assert_int_eq(pb_sensor_model_check_option(ads, "gain", "0.256", NULL), 0);
        ck_assert_int_eq(pb_sensor_model_check_option(ads, "rate", "860", NULL), 0);
        ck_assert_int_eq(pb_sensor_model_check_option(ads, "Rate", "8", NULL), 0);

        ck_assert_int_eq(pb_sensor_model_check_option(ads, "channel", "4", &e), -EINVAL);
        ck_assert_str_eq(
                e, "invalid channel = 4 for the ADS1115: expected one of 0, 1, 2, 3, 0-1, 0-3, 1-3, 2-3");
        free(e);
        ck_assert_int_eq(pb_sensor_model_check_option(ads, "gain", "3.3", &e), -EINVAL);
        ck_assert_str_eq(e, "invalid gain = 3.3 for the ADS1115: expected one of 6.144, 4.096, 2.048, "
                            "1.024, 0.512, 0.256");
        free(e);
        ck_assert_int_eq(pb_sensor_model_check_option(ads, "rate", "100", &e), -EINVAL);
        ck_assert_ptr_nonnull(strstr(e, "8, 16, 32, 64, 128, 250, 475, 860"));
        free(e);
        ck_assert_int_eq(pb_sensor_model_check_option(ads, "speed", "1", &e), -ENOENT);
        ck_assert_str_eq(e, "unknown option speed for the ADS1115: it has channel, gain, rate");
        free(e);
        ck_assert_int_eq(pb_sensor_model_check_option(model("bme280"), "gain", "1", &e), -ENOENT);
        ck_assert_str_eq(e, "unknown option gain: the BME280 takes no options");
        free(e);
        ck_assert_int_eq(pb_sensor_model_check_option(NULL, "gain", "1", &e), -ENOENT);
        ck_assert_str_eq(e, "unknown option gain: model = auto takes no options");
        free(e);
        ck_assert_int_eq(pb_sensor_model_check_option(ads, NULL, "1", NULL), -EINVAL);
}
END_TEST

START_TEST(test_new_errors)
{
        PbI2cBus *bus = new_bus();
        char *bad_value[] = { (char *)"gain=9", NULL };
        char *no_eq[] = { (char *)"gain", NULL };
        char *bad_key[] = { (char *)"speed=1", NULL };
        PbSensor *s = NULL;

        ck_assert_int_eq(pb_sensor_new(model("ads1115"), bus, 0x48, bad_value, &s), -EINVAL);
        ck_assert_int_eq(pb_sensor_new(model("ads1115"), bus, 0x48, no_eq, &s), -EINVAL);
        ck_assert_int_eq(pb_sensor_new(model("ads1115"), bus, 0x48, bad_key, &s), -EINVAL);
        ck_assert_int_eq(pb_sensor_new(NULL, bus, 0x48, bad_value, &s), -EINVAL);
        ck_assert_int_eq(pb_sensor_new(model("bme280"), bus, 0x78, NULL, &s), -EINVAL);
        ck_assert_int_eq(pb_sensor_new(model("bme280"), bus, 0x02, NULL, &s), -EINVAL);
        ck_assert_int_eq(pb_sensor_new(model("bme280"), NULL, 0x76, NULL, &s), -EINVAL);
        ck_assert_ptr_null(s);
        ck_assert_ptr_null(pb_sensor_free(NULL));
}
END_TEST

START_TEST(test_before_init)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "auto", 0);
        PbSample smp;
        uint64_t usec;

        /* What was asked for, until init resolves it. */
        ck_assert_ptr_null(pb_sensor_get_model(s));
        ck_assert_uint_eq(pb_sensor_get_address(s), 0);
        ck_assert_ptr_eq(pb_sensor_get_bus(s), bus);
        ck_assert_str_eq(pb_sensor_get_error_detail(s), "");
        ck_assert_int_eq(pb_sensor_start(s, &usec), -ENOTCONN);
        ck_assert_int_eq(pb_sensor_collect(s, &smp), -ENOTCONN);
        ck_assert_ptr_nonnull(strstr(pb_sensor_get_error_detail(s), "pb_sensor_init"));
}
END_TEST

/* ------------------------------------------------------------------------ */
/* BME280 / BMP280 */

START_TEST(test_bme280_v1)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0x76);
        PbSample smp;

        init_ok(s);
        ck_assert_ptr_eq(pb_sensor_get_model(s), model("bme280"));
        ck_assert_uint_eq(pb_sensor_get_address(s), 0x76);
        ck_assert_uint_eq(pb_sensor_get_quantities(s), QBIT(TEMPERATURE) | QBIT(PRESSURE) | QBIT(HUMIDITY));
        /* Forced mode, ×1 oversampling: the datasheet's 9.3 ms. */
        ck_assert_uint_eq(sample(s, &smp), 9300);
        ck_assert_uint_eq(smp.mask, QBIT(TEMPERATURE) | QBIT(PRESSURE) | QBIT(HUMIDITY));
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 23.72);
        ck_assert_double_eq(smp.value[PB_QUANTITY_PRESSURE], 25841330 / 256.0);
        ck_assert_double_eq(smp.value[PB_QUANTITY_HUMIDITY], 66873 / 1024.0);
        ck_assert_double_eq_tol(smp.value[PB_QUANTITY_PRESSURE], 100942.70, 0.005);
        ck_assert_double_eq_tol(smp.value[PB_QUANTITY_HUMIDITY], 65.31, 0.005);
}
END_TEST

START_TEST(test_bme280_forced_mode_every_sample)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0x76);
        uint8_t ctrl[3];
        unsigned n = 99;
        PbSample smp;

        init_ok(s);
        ck_assert_int_eq(pb_sim_i2c_get_conversions(bus, 0x76, &n), 0);
        ck_assert_uint_eq(n, 0); /* init measures nothing */
        for (unsigned i = 1; i <= 3; i++) {
                sample(s, &smp);
                ck_assert_int_eq(pb_sim_i2c_get_conversions(bus, 0x76, &n), 0);
                ck_assert_uint_eq(n, i);
        }
        /* ctrl_hum ×1, ctrl_meas T ×1 P ×1, back in sleep mode after the forced conversion; config 0. */
        ck_assert_int_eq(pb_sim_i2c_get_registers(bus, 0x76, 0xF2, ctrl, 1), 0);
        ck_assert_uint_eq(ctrl[0], 0x01);
        ck_assert_int_eq(pb_sim_i2c_get_registers(bus, 0x76, 0xF4, ctrl, 2), 0);
        ck_assert_uint_eq(ctrl[0], 0x24);
        ck_assert_uint_eq(ctrl[1], 0x00);

        /* A new reading shows up at the next sample, never a stale one. */
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x76, PB_QUANTITY_TEMPERATURE, 524112), 0);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 22.91); /* (computed, V1 calibration) */
}
END_TEST

START_TEST(test_bme280_still_measuring)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0x76);
        PbSample smp = {};
        uint64_t usec;

        init_ok(s);
        ck_assert_int_eq(pb_sim_i2c_set_busy(bus, 0x76, 2), 0);
        ck_assert_int_eq(pb_sensor_start(s, &usec), 0);
        ck_assert_int_eq(pb_sensor_collect(s, &smp), -EAGAIN);
        ck_assert_ptr_nonnull(strstr(pb_sensor_get_error_detail(s), "still measuring"));
        ck_assert_int_eq(pb_sensor_collect(s, &smp), -EAGAIN);
        ck_assert_int_eq(pb_sensor_collect(s, &smp), 0);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 23.72);
        /* Collected: a second collect has nothing to read. */
        ck_assert_int_eq(pb_sensor_collect(s, &smp), -ESTALE);
        ck_assert_ptr_nonnull(strstr(pb_sensor_get_error_detail(s), "no measurement"));
}
END_TEST

START_TEST(test_bme280_model_auto_and_address_auto)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *a = new_sensor(bus, "auto", 0), *b = new_sensor(bus, "auto", 0x76),
                 *c = new_sensor(bus, "bme280", 0);
        PbSample smp;

        init_ok(a);
        ck_assert_ptr_eq(pb_sensor_get_model(a), model("bme280"));
        ck_assert_uint_eq(pb_sensor_get_address(a), 0x76);
        init_ok(b);
        ck_assert_ptr_eq(pb_sensor_get_model(b), model("bme280"));
        init_ok(c);
        ck_assert_uint_eq(pb_sensor_get_address(c), 0x76);
        sample(a, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 23.72);
}
END_TEST

START_TEST(test_bme280_address_auto_second_address)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0);

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x77, "bme280"), 0);
        init_ok(s);
        ck_assert_uint_eq(pb_sensor_get_address(s), 0x77);
}
END_TEST

START_TEST(test_bme280_address_auto_nothing_there)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0);

        init_fails(s, -ENXIO, "tried BME280 at 0x76: no acknowledge; BME280 at 0x77: no acknowledge");
        /* Unresolved: what was asked for. */
        ck_assert_ptr_eq(pb_sensor_get_model(s), model("bme280"));
        ck_assert_uint_eq(pb_sensor_get_address(s), 0);
}
END_TEST

START_TEST(test_bme280_address_auto_prefers_wrong_chip_report)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0);
        const uint8_t id = 0x55;

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x77, "bme280"), 0);
        ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x77, 0xD0, &id, 1), 0);
        init_fails(s, -ENODEV,
                   "tried BME280 at 0x76: no acknowledge; BME280 at 0x77: chip id 0x55, expected 0x60 "
                   "(BME280) or 0x58 (BMP280)");
}
END_TEST

START_TEST(test_bme280_wrong_chip_id)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0x76);
        const uint8_t id = 0x55;

        ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x76, 0xD0, &id, 1), 0);
        init_fails(s, -ENODEV, "chip id 0x55, expected 0x60 (BME280) or 0x58 (BMP280)");
        ck_assert_str_eq(pb_sensor_get_error_detail(s),
                         "chip id 0x55, expected 0x60 (BME280) or 0x58 (BMP280)");
}
END_TEST

START_TEST(test_bmp280_found_as_bme280)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0x76), *a = new_sensor(bus, "auto", 0);
        PbSample smp;

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x76, "bmp280"), 0);
        init_ok(s);
        ck_assert_ptr_eq(pb_sensor_get_model(s), model("bmp280"));
        ck_assert_uint_eq(pb_sensor_get_quantities(s), QBIT(TEMPERATURE) | QBIT(PRESSURE));
        /* No humidity: 1.25 + 2.3 + 2.875 ms. */
        ck_assert_uint_eq(sample(s, &smp), 6425);
        ck_assert_uint_eq(smp.mask, QBIT(TEMPERATURE) | QBIT(PRESSURE));
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 23.72);
        ck_assert_double_eq(smp.value[PB_QUANTITY_PRESSURE], 25841330 / 256.0);
        init_ok(a);
        ck_assert_ptr_eq(pb_sensor_get_model(a), model("bmp280"));
}
END_TEST

START_TEST(test_bmp280_model_on_a_bme280)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "bmp280", 0x76), *t = new_sensor(bus, "bmp280", 0x48);
        PbSample smp;

        init_fails(s, -ENODEV, "chip id 0x60 is a BME280, expected 0x58 (BMP280): use model = bme280");
        /* The TMP102 answers a byte read of 0xD0 with its temperature MSB. */
        init_fails(t, -ENODEV, "chip id 0x19, expected 0x58 (BMP280)");
        ck_assert_int_eq(pb_sensor_collect(s, &smp), -ENOTCONN);
}
END_TEST

START_TEST(test_bme280_nak_and_recovery)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0x76);
        PbSample smp = {};
        uint64_t usec;

        init_ok(s);
        ck_assert_int_eq(pb_sim_i2c_set_nak(bus, 0x76, true), 0);
        ck_assert_int_eq(pb_sensor_start(s, &usec), -ENXIO);
        ck_assert_ptr_nonnull(strstr(pb_sensor_get_error_detail(s), "register 0xf2"));
        ck_assert_int_eq(pb_sensor_collect(s, &smp), -ESTALE);
        ck_assert_int_eq(pb_sensor_init(s), -ENXIO);
        ck_assert_uint_eq(pb_sensor_get_address(s), 0x76);
        ck_assert_int_eq(pb_sim_i2c_set_nak(bus, 0x76, false), 0);
        init_ok(s);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 23.72);

        /* A NAK between start and collect. */
        ck_assert_int_eq(pb_sensor_start(s, &usec), 0);
        ck_assert_int_eq(pb_sim_i2c_set_nak(bus, 0x76, true), 0);
        ck_assert_int_eq(pb_sensor_collect(s, &smp), -ENXIO);
        ck_assert_ptr_nonnull(strstr(pb_sensor_get_error_detail(s), "register 0xf3"));
}
END_TEST

START_TEST(test_bme280_other_transfer_errors)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0x76), *a = new_sensor(bus, "bme280", 0);
        uint64_t usec;

        init_ok(s);
        ck_assert_int_eq(pb_sim_i2c_set_error(bus, 0x76, -ETIMEDOUT), 0);
        ck_assert_int_eq(pb_sensor_start(s, &usec), -ETIMEDOUT);
        ck_assert_str_eq(pb_sensor_get_error_detail(s), "writing 0x01 to register 0xf2");
        /* A kernel driver (bmp280 IIO) bound to the address: I2C_SLAVE says EBUSY. */
        ck_assert_int_eq(pb_sim_i2c_set_error(bus, 0x76, -EBUSY), 0);
        init_fails(s, -EBUSY,
                   "reading register 0xd0: address 0x76 is in use by a kernel driver (see "
                   "/sys/bus/i2c/devices/1-0076/driver)");
        init_fails(
                a, -EBUSY,
                "tried BME280 at 0x76: address in use by a kernel driver; BME280 at 0x77: no acknowledge");
        ck_assert_int_eq(pb_sim_i2c_set_error(bus, 0x76, 5), -EINVAL);
        ck_assert_int_eq(pb_sim_i2c_set_error(bus, 0x76, 0), 0);
        init_ok(s);
}
END_TEST

START_TEST(test_bme280_skipped_measurement)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0x76);
        PbSample smp = {};

        init_ok(s);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x76, PB_QUANTITY_PRESSURE, 0x80000), 0);
        sample_fails(s, -ERANGE, "pressure measurement skipped");
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x76, PB_QUANTITY_PRESSURE, 304428), 0);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x76, PB_QUANTITY_HUMIDITY, 0x8000), 0);
        sample_fails(s, -ERANGE, "humidity measurement skipped");
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x76, PB_QUANTITY_HUMIDITY, 31350), 0);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x76, PB_QUANTITY_TEMPERATURE, 0x80000), 0);
        sample_fails(s, -ERANGE, "temperature measurement skipped");
        /* Reading without a new start: the data registers hold no fresh data. */
        ck_assert_int_eq(pb_sensor_collect(s, &smp), -ESTALE);
}
END_TEST

START_TEST(test_bme280_reset_data_registers_are_no_data)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0x76);
        const uint8_t reset[8] = { 0x80, 0, 0, 0x80, 0, 0, 0x80, 0 };

        init_ok(s);
        /* A chip that did not run the conversion (e.g. it reset in between) still
         * holds the reset values: "no data", not a reading. */
        ck_assert_int_eq(pb_sim_i2c_set_busy(bus, 0x76, 1), 0);
        ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x76, 0xF7, reset, 8), 0);
        {
                uint64_t usec;
                PbSample smp;
                uint8_t ctrl = 0;

                ck_assert_int_eq(pb_sensor_start(s, &usec), 0);
                /* Chip reset: back to sleep, measurement lost. */
                ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x76, 0xF4, &ctrl, 1), 0);
                ck_assert_int_eq(pb_sim_i2c_set_busy(bus, 0x76, 0), 0);
                ck_assert_int_eq(pb_sensor_collect(s, &smp), -EAGAIN);
                ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x76, 0xF7, reset, 8), 0);
                ck_assert_int_eq(pb_sensor_collect(s, &smp), -ERANGE);
                ck_assert_ptr_nonnull(strstr(pb_sensor_get_error_detail(s), "skipped"));
        }
}
END_TEST

START_TEST(test_bme280_implausible)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0x76);

        init_ok(s);
        /* V4's adc_T 300000 with V1's calibration: far below -40 °C. */
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x76, PB_QUANTITY_TEMPERATURE, 300000), 0);
        sample_fails(s, -ERANGE, "implausible temperature");
        ck_assert_ptr_nonnull(strstr(pb_sensor_get_error_detail(s), "outside -40..85 °C"));
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x76, PB_QUANTITY_TEMPERATURE, 526700), 0);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x76, PB_QUANTITY_PRESSURE, 100000), 0);
        sample_fails(s, -ERANGE, "implausible pressure");
        ck_assert_ptr_nonnull(strstr(pb_sensor_get_error_detail(s), "outside 30000..110000 Pa"));
}
END_TEST

START_TEST(test_bme280_all_ones_frame)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0x76);
        uint8_t ones[8];
        PbSample smp;
        uint64_t usec;

        memset(ones, 0xFF, sizeof(ones));
        init_ok(s);
        ck_assert_int_eq(pb_sensor_start(s, &usec), 0);
        /* A bus whose SDA is stuck high reads 0xFF everywhere. */
        ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x76, 0xF7, ones, 8), 0);
        ck_assert_int_eq(pb_sensor_collect(s, &smp), -ERANGE);
        ck_assert_str_eq(pb_sensor_get_error_detail(s), "data registers 0xF7..0xFE all read 0xFF");
}
END_TEST

START_TEST(test_bme280_no_calibration)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0x76);
        uint8_t zero[26] = {};

        ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x76, 0x88, zero, sizeof(zero)), 0);
        init_fails(s, -ERANGE, "hold no calibration (dig_T1 = 0, dig_P1 = 0)");
}
END_TEST

START_TEST(test_bme280_v2_calibration)
{
        static const uint8_t v2_tp[26] = { 0x10, 0x6E, 0x6C, 0x66, 0x5E, 0x01, 0x5D, 0x95, 0xB8,
                                           0xD5, 0xD0, 0x0B, 0x77, 0x1E, 0x9D, 0xFF, 0xF9, 0xFF,
                                           0xAC, 0x26, 0x0A, 0xD8, 0xBD, 0x10, 0x00, 0x4B };
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0x76);
        PbSample smp;

        ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x76, 0x88, v2_tp, sizeof(v2_tp)), 0);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x76, PB_QUANTITY_TEMPERATURE, 524112), 0);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x76, PB_QUANTITY_PRESSURE, 309104), 0);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x76, PB_QUANTITY_HUMIDITY, 30987), 0);
        init_ok(s);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 22.93);
        ck_assert_double_eq(smp.value[PB_QUANTITY_PRESSURE], 25611063 / 256.0);
        ck_assert_double_eq(smp.value[PB_QUANTITY_HUMIDITY], 64686 / 1024.0);
}
END_TEST

START_TEST(test_bme280_on_smbus_only_adapter)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0x76);
        PbSample smp;

        /* i2c-stub's functionality: no plain I2C. */
        ck_assert_int_eq(pb_sim_i2c_bus_set_funcs(bus, PB_I2C_FUNC_SMBUS_BYTE | PB_I2C_FUNC_SMBUS_BYTE_DATA |
                                                               PB_I2C_FUNC_SMBUS_WORD_DATA |
                                                               PB_I2C_FUNC_SMBUS_I2C_BLOCK),
                         0);
        init_ok(s);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 23.72);
}
END_TEST

START_TEST(test_bme280_adapter_lacks_block_reads)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "bme280", 0x76);

        ck_assert_int_eq(
                pb_sim_i2c_bus_set_funcs(bus, PB_I2C_FUNC_SMBUS_BYTE_DATA | PB_I2C_FUNC_SMBUS_WORD_DATA), 0);
        init_fails(s, -EOPNOTSUPP,
                   "adapter /dev/i2c-1 does not support SMBus I2C block data, which the BME280 needs");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* TMP102 */

START_TEST(test_tmp102_default)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "tmp102", 0x48);
        uint8_t cfg[2];
        PbSample smp;

        init_ok(s);
        ck_assert_uint_eq(pb_sensor_get_quantities(s), QBIT(TEMPERATURE));
        /* One-shot from shutdown: 35 ms maximum conversion time. */
        ck_assert_uint_eq(sample(s, &smp), 35000);
        ck_assert_uint_eq(smp.mask, QBIT(TEMPERATURE));
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 25.0);
        ck_assert_int_eq(pb_sim_i2c_get_registers(bus, 0x48, 0x01, cfg, 2), 0);
        ck_assert_uint_eq(cfg[0] & 0x01, 0x01); /* SD */
}
END_TEST

static const struct {
        uint16_t reg;
        double t;
} tmp102_rows[] = {
        { 0x1900, 25.0 },   { 0xE700, -25.0 },   { 0xFFC0, -0.25 }, { 0xC900, -55.0 }, { 0x7FF0, 127.9375 },
        { 0x0010, 0.0625 }, { 0xFFF0, -0.0625 }, { 0x0C81, 25.0 },  { 0x4B01, 150.0 },
};

START_TEST(test_tmp102_table)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "tmp102", 0x48);
        PbSample smp;

        init_ok(s);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x48, PB_QUANTITY_TEMPERATURE, tmp102_rows[_i].reg), 0);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], tmp102_rows[_i].t);
}
END_TEST

START_TEST(test_tmp102_converting_and_faults)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "tmp102", 0x48);
        PbSample smp = {};
        uint64_t usec;

        init_ok(s);
        ck_assert_int_eq(pb_sim_i2c_set_busy(bus, 0x48, 1), 0);
        ck_assert_int_eq(pb_sensor_start(s, &usec), 0);
        ck_assert_int_eq(pb_sensor_collect(s, &smp), -EAGAIN);
        ck_assert_ptr_nonnull(strstr(pb_sensor_get_error_detail(s), "still converting"));
        ck_assert_int_eq(pb_sensor_collect(s, &smp), 0);
        ck_assert_int_eq(pb_sim_i2c_set_busy(bus, 0x48, 0), 0);

        /* All ones: bits a TMP102 never sets. */
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x48, PB_QUANTITY_TEMPERATURE, 0xFFFF), 0);
        sample_fails(s, -ERANGE, "temperature register 0xffff has its unused low bits set");
        /* 13-bit 160 °C: beyond the chip's range. */
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x48, PB_QUANTITY_TEMPERATURE, 0x5001), 0);
        sample_fails(s, -ERANGE, "implausible temperature 160.0000 °C");

        ck_assert_int_eq(pb_sim_i2c_set_nak(bus, 0x48, true), 0);
        ck_assert_int_eq(pb_sensor_start(s, &usec), -ENXIO);
        ck_assert_int_eq(pb_sim_i2c_set_nak(bus, 0x48, false), 0);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x48, PB_QUANTITY_TEMPERATURE, 0xE700), 0);
        init_ok(s);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], -25.0);
}
END_TEST

START_TEST(test_tmp102_address_auto_and_not_autodetected)
{
        PbI2cBus *bus = new_default_bus();
        PbSensor *s = new_sensor(bus, "tmp102", 0), *a = new_sensor(bus, "auto", 0x48);

        init_ok(s);
        ck_assert_uint_eq(pb_sensor_get_address(s), 0x48);
        /* No id register: model=auto does not guess. */
        init_fails(a, -ENODEV,
                   "no model that can be detected automatically lives at address 0x48: set model");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* MCP9808 */

START_TEST(test_mcp9808)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "mcp9808", 0x18), *a = new_sensor(bus, "auto", 0);
        const uint8_t shdn[2] = { 0x01, 0x00 };
        uint8_t cfg[2];
        PbSample smp;

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x18, "mcp9808"), 0);
        ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x18, 0x01, shdn, 2), 0);
        init_ok(s);
        /* init wakes it from shutdown. */
        ck_assert_int_eq(pb_sim_i2c_get_registers(bus, 0x18, 0x01, cfg, 2), 0);
        ck_assert_uint_eq(cfg[0], 0);
        ck_assert_uint_eq(sample(s, &smp), 0);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 25.0);
        /* Alert flags are not temperature. */
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x18, PB_QUANTITY_TEMPERATURE, 0xC190), 0);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 25.0);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x18, PB_QUANTITY_TEMPERATURE, 0x1E70), 0);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], -25.0);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x18, PB_QUANTITY_TEMPERATURE, 0x0001), 0);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 0.0625);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x18, PB_QUANTITY_TEMPERATURE, 0xFFFF), 0);
        sample_fails(s, -ERANGE, "all ones");
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x18, PB_QUANTITY_TEMPERATURE, 0x0830), 0); /* 131 °C */
        sample_fails(s, -ERANGE, "implausible temperature 131.0000 °C");

        init_ok(a);
        ck_assert_ptr_eq(pb_sensor_get_model(a), model("mcp9808"));
        ck_assert_uint_eq(pb_sensor_get_address(a), 0x18);
}
END_TEST

START_TEST(test_mcp9808_wrong_ids)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "mcp9808", 0x18);
        const uint8_t manuf[2] = { 0x12, 0x34 }, devid[2] = { 0x75, 0x00 }, good[2] = { 0x00, 0x54 };

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x18, "mcp9808"), 0);
        ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x18, 0x06, manuf, 2), 0);
        init_fails(s, -ENODEV, "manufacturer id 0x1234, expected 0x0054 (Microchip)");
        ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x18, 0x06, good, 2), 0);
        ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x18, 0x07, devid, 2), 0);
        init_fails(s, -ENODEV, "device id 0x75, expected 0x04 (MCP9808)");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* ADS1115 */

START_TEST(test_ads1115_defaults)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "ads1115", 0x48);
        uint8_t cfg[2];
        PbSample smp;

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x48, "ads1115"), 0);
        init_ok(s);
        ck_assert_uint_eq(pb_sensor_get_quantities(s), QBIT(VOLTAGE));
        /* 128 SPS at -10 %: 8681 µs + 100 µs wake-up. */
        ck_assert_uint_eq(sample(s, &smp), 8781);
        ck_assert_uint_eq(smp.mask, QBIT(VOLTAGE));
        ck_assert_double_eq(smp.value[PB_QUANTITY_VOLTAGE], 13200 * 4.096 / 32768);
        /* AIN0 vs GND, ±4.096 V, single-shot, 128 SPS, comparator off (OS reads 1: done). */
        ck_assert_int_eq(pb_sim_i2c_get_registers(bus, 0x48, 0x01, cfg, 2), 0);
        ck_assert_uint_eq(cfg[0] << 8 | cfg[1], 0xC383 & 0x7FFF);
}
END_TEST

START_TEST(test_ads1115_options)
{
        PbI2cBus *bus = new_bus();
        char *opts[] = { (char *)"channel=2-3", (char *)"gain=0.256", (char *)"rate=860", NULL };
        PbSensor *s = new_sensor_opts(bus, "ads1115", 0x49, opts);
        uint8_t cfg[2];
        PbSample smp;

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x49, "ads1115"), 0);
        init_ok(s);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x49, PB_QUANTITY_VOLTAGE, 0x8000), 0);
        ck_assert_uint_eq(sample(s, &smp), 1392);
        ck_assert_double_eq(smp.value[PB_QUANTITY_VOLTAGE], -0.256);
        ck_assert_int_eq(pb_sim_i2c_get_registers(bus, 0x49, 0x01, cfg, 2), 0);
        /* MUX 011, PGA 101, MODE 1, DR 111, COMP_QUE 11. */
        ck_assert_uint_eq(cfg[0] << 8 | cfg[1], 0x3BE3);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x49, PB_QUANTITY_VOLTAGE, 0x7FFF), 0);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_VOLTAGE], 0.256 * 32767 / 32768);
}
END_TEST

START_TEST(test_ads1115_gain_rows)
{
        static const char *gains[] = { "6.144", "4.096", "2.048", "1.024", "0.512", "0.256" };
        static const double fs[] = { 6.144, 4.096, 2.048, 1.024, 0.512, 0.256 };
        PbI2cBus *bus = new_bus();
        char *opt = t_fmt("gain=%s", gains[_i]);
        char *opts[] = { opt, NULL };
        PbSensor *s = new_sensor_opts(bus, "ads1115", 0x48, opts);
        PbSample smp;

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x48, "ads1115"), 0);
        init_ok(s);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x48, PB_QUANTITY_VOLTAGE, 0x4000), 0);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_VOLTAGE], fs[_i] / 2);
}
END_TEST

START_TEST(test_ads1115_converting_and_reset)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "ads1115", 0x48);
        const uint8_t power_on[2] = { 0x85, 0x83 };
        PbSample smp = {};
        uint64_t usec;

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x48, "ads1115"), 0);
        init_ok(s);
        ck_assert_int_eq(pb_sim_i2c_set_busy(bus, 0x48, 1), 0);
        ck_assert_int_eq(pb_sensor_start(s, &usec), 0);
        ck_assert_int_eq(pb_sensor_collect(s, &smp), -EAGAIN);
        ck_assert_int_eq(pb_sensor_collect(s, &smp), 0);
        ck_assert_int_eq(pb_sim_i2c_set_busy(bus, 0x48, 0), 0);
        /* A chip that lost power between start and collect is back at its power-on config. */
        ck_assert_int_eq(pb_sensor_start(s, &usec), 0);
        ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x48, 0x01, power_on, 2), 0);
        ck_assert_int_eq(pb_sensor_collect(s, &smp), -ERANGE);
        ck_assert_str_eq(pb_sensor_get_error_detail(s),
                         "config register reads 0x8583, expected 0xc383: chip reset or not an ADS1115");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* SHT3x / SHT4x */

static const unsigned smbus_only = PB_I2C_FUNC_SMBUS_BYTE | PB_I2C_FUNC_SMBUS_BYTE_DATA |
                                   PB_I2C_FUNC_SMBUS_WORD_DATA | PB_I2C_FUNC_SMBUS_I2C_BLOCK;

START_TEST(test_sht3x)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "sht3x", 0x44);
        PbSample smp;

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x44, "sht3x"), 0);
        init_ok(s);
        ck_assert_uint_eq(pb_sensor_get_quantities(s), QBIT(TEMPERATURE) | QBIT(HUMIDITY));
        ck_assert_uint_eq(sample(s, &smp), 15500);
        ck_assert_uint_eq(smp.mask, QBIT(TEMPERATURE) | QBIT(HUMIDITY));
        /* VECTORS.md frame 66 66 93 80 00 a2: 25.00 °C, 50.00 %RH. */
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 25.0);
        ck_assert_double_eq_tol(smp.value[PB_QUANTITY_HUMIDITY], 50.0008, 1e-4);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x44, PB_QUANTITY_HUMIDITY, 0xFFFF), 0);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x44, PB_QUANTITY_TEMPERATURE, 0x0000 + 0x1000), 0);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_HUMIDITY], 100.0);
        ck_assert_double_eq_tol(smp.value[PB_QUANTITY_TEMPERATURE], -45 + 175.0 * 0x1000 / 65535, 1e-12);
}
END_TEST

START_TEST(test_sht3x_faults)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "sht3x", 0x44);
        PbSample smp = {};
        uint64_t usec;

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x44, "sht3x"), 0);
        init_ok(s);
        /* CRC mismatch, then good again. */
        ck_assert_int_eq(pb_sim_i2c_corrupt_crc(bus, 0x44, 1), 0);
        sample_fails(s, -EBADMSG, "CRC 0x6c, expected 0x93 on temperature word");
        sample(s, &smp);
        /* Read before the conversion is done: the chip NAKs. */
        ck_assert_int_eq(pb_sim_i2c_set_busy(bus, 0x44, 1), 0);
        sample_fails(s, -ENXIO, "reading the measurement");
        ck_assert_int_eq(pb_sim_i2c_set_busy(bus, 0x44, 0), 0);
        /* 0xffff: 130 °C, outside the operating range (a bus reading all ones, CRC and all). */
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x44, PB_QUANTITY_TEMPERATURE, 0xFFFF), 0);
        sample_fails(s, -ERANGE, "implausible temperature 130.00 °C");
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x44, PB_QUANTITY_TEMPERATURE, 0x6666), 0);
        /* Unplugged and back. */
        ck_assert_int_eq(pb_sim_i2c_set_nak(bus, 0x44, true), 0);
        ck_assert_int_eq(pb_sensor_start(s, &usec), -ENXIO);
        ck_assert_str_eq(pb_sensor_get_error_detail(s), "sending the single-shot measurement command");
        ck_assert_int_eq(pb_sensor_init(s), -ENXIO);
        ck_assert_int_eq(pb_sim_i2c_set_nak(bus, 0x44, false), 0);
        init_ok(s);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 25.0);
}
END_TEST

START_TEST(test_plain_i2c_chips_need_plain_i2c)
{
        static const char *const names[] = { "sht3x", "sht4x", "bh1750", "si7021", "htu21d" };
        static const char *const labels[] = { "SHT3x", "SHT4x", "BH1750", "Si7021", "HTU21D" };
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, names[_i], 0);
        char *want = t_fmt("adapter /dev/i2c-1 does not support plain I2C transfers, which the %s needs",
                           labels[_i]);

        ck_assert_uint_eq(pb_sensor_model_get_funcs(model(names[_i])), PB_I2C_FUNC_I2C);
        ck_assert_int_eq(pb_sim_i2c_bus_set_funcs(bus, smbus_only), 0);
        init_fails(s, -EOPNOTSUPP, want);
        ck_assert_str_eq(pb_sensor_get_error_detail(s), want);
}
END_TEST

START_TEST(test_sht4x)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "sht4x", 0), *wrong = new_sensor(bus, "sht3x", 0x46);
        PbSample smp;

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x46, "sht4x"), 0);
        init_ok(s);
        ck_assert_uint_eq(pb_sensor_get_address(s), 0x46);
        ck_assert_uint_eq(sample(s, &smp), 8300);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 25.0);
        ck_assert_double_eq_tol(smp.value[PB_QUANTITY_HUMIDITY], 56.5010, 1e-4);
        /* RH clipped to 0..100. */
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x46, PB_QUANTITY_HUMIDITY, 0xFFFF), 0);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_HUMIDITY], 100.0);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x46, PB_QUANTITY_HUMIDITY, 0x0000), 0);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_HUMIDITY], 0.0);
        ck_assert_int_eq(pb_sim_i2c_corrupt_crc(bus, 0x46, 1), 0);
        sample_fails(s, -EBADMSG, "on temperature word");
        /* An SHT3x's two-byte status command is not acknowledged by an SHT4x. */
        init_fails(wrong, -ENXIO, "sending the read status command");
}
END_TEST

START_TEST(test_sht4x_serial_crc_mismatch_is_wrong_chip)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "sht4x", 0x44);

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x44, "sht4x"), 0);
        ck_assert_int_eq(pb_sim_i2c_corrupt_crc(bus, 0x44, 1), 0);
        init_fails(s, -ENODEV, "on serial number word: not an SHT4x");
        init_ok(s);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Si7021 / HTU21D */

START_TEST(test_si7021)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "si7021", 0);
        PbSample smp;

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x40, "si7021"), 0);
        init_ok(s);
        ck_assert_ptr_eq(pb_sensor_get_model(s), model("si7021"));
        ck_assert_uint_eq(pb_sensor_get_address(s), 0x40);
        /* RH (12 ms) includes T (10.8 ms). */
        ck_assert_uint_eq(sample(s, &smp), 22800);
        /* Status bits cleared: 0x6838 and 0x4e84. */
        ck_assert_double_eq_tol(smp.value[PB_QUANTITY_TEMPERATURE], 175.72 * 0x6838 / 65536 - 46.85, 1e-12);
        ck_assert_double_eq_tol(smp.value[PB_QUANTITY_HUMIDITY], 125.0 * 0x4E84 / 65536 - 6, 1e-12);
        ck_assert_double_eq_tol(smp.value[PB_QUANTITY_TEMPERATURE], 24.69, 0.01);
        ck_assert_double_eq_tol(smp.value[PB_QUANTITY_HUMIDITY], 32.34, 0.01);
        /* RH below 0 % (S < 3146) is clipped, as the datasheet advises. */
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x40, PB_QUANTITY_HUMIDITY, 0x0002), 0);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_HUMIDITY], 0.0);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x40, PB_QUANTITY_HUMIDITY, 0xFFFE), 0);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_HUMIDITY], 100.0);
}
END_TEST

START_TEST(test_si7021_faults)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "si7021", 0x40);
        PbSample smp;

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x40, "si7021"), 0);
        init_ok(s);
        ck_assert_int_eq(pb_sim_i2c_corrupt_crc(bus, 0x40, 1), 0);
        /* CRC-8 init 0x00 of 4e 85 is 0x6b. */
        sample_fails(s, -EBADMSG, "CRC 0x94, expected 0x6b on humidity word");
        ck_assert_int_eq(pb_sim_i2c_set_busy(bus, 0x40, 1), 0);
        sample_fails(s, -ENXIO, "reading the humidity");
        ck_assert_int_eq(pb_sim_i2c_set_busy(bus, 0x40, 0), 0);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x40, PB_QUANTITY_TEMPERATURE, 0xFFFC), 0);
        sample_fails(s, -ERANGE, "implausible temperature 128.86 °C");
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x40, PB_QUANTITY_TEMPERATURE, 0x683A), 0);
        sample(s, &smp);
}
END_TEST

START_TEST(test_htu21d)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "htu21d", 0x40), *a = new_sensor(bus, "auto", 0);
        PbSample smp = {};
        uint64_t usec = 0;

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x40, "htu21d"), 0);
        init_ok(s);
        ck_assert_ptr_eq(pb_sensor_get_model(s), model("htu21d"));
        /* Temperature (50 ms), then humidity (16 ms) started by the first collect. */
        ck_assert_int_eq(pb_sensor_start(s, &usec), 0);
        ck_assert_uint_eq(usec, 50000);
        ck_assert_int_eq(pb_sensor_collect(s, &smp), -EAGAIN);
        ck_assert_uint_eq(pb_sensor_get_retry_us(s), 16000);
        ck_assert_str_eq(pb_sensor_get_error_detail(s), "humidity measurement started");
        ck_assert_int_eq(pb_sensor_collect(s, &smp), 0);
        ck_assert_uint_eq(smp.mask, QBIT(TEMPERATURE) | QBIT(HUMIDITY));
        ck_assert_double_eq_tol(smp.value[PB_QUANTITY_TEMPERATURE], 24.69, 0.01);
        ck_assert_double_eq_tol(smp.value[PB_QUANTITY_HUMIDITY], 32.34, 0.01);

        /* Humidity not done yet at the second collect: the read is NAKed, still -EAGAIN. */
        ck_assert_int_eq(pb_sensor_start(s, &usec), 0);
        ck_assert_int_eq(pb_sim_i2c_set_busy(bus, 0x40, 1), 0);
        ck_assert_int_eq(pb_sensor_collect(s, &smp), -EAGAIN);
        ck_assert_int_eq(pb_sensor_collect(s, &smp), -EAGAIN);
        ck_assert_uint_eq(pb_sensor_get_retry_us(s), 1000);
        ck_assert_ptr_nonnull(strstr(pb_sensor_get_error_detail(s), "in progress"));
        ck_assert_int_eq(pb_sensor_collect(s, &smp), 0);
        ck_assert_int_eq(pb_sim_i2c_set_busy(bus, 0x40, 0), 0);

        /* A CRC error in either phase. */
        ck_assert_int_eq(pb_sim_i2c_corrupt_crc(bus, 0x40, 1), 0);
        sample_fails(s, -EBADMSG, "on temperature word");

        /* model=auto finds it through the Si7021's id check. */
        init_ok(a);
        ck_assert_ptr_eq(pb_sensor_get_model(a), model("htu21d"));
}
END_TEST

START_TEST(test_si7021_htu21d_cross_models)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "htu21d", 0x40);

        /* Both share commands and id read; the id tells which one is there. */
        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x40, "si7021"), 0);
        init_ok(s);
        ck_assert_ptr_eq(pb_sensor_get_model(s), model("si7021"));
}
END_TEST

/* ------------------------------------------------------------------------ */
/* BH1750 */

START_TEST(test_bh1750)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "bh1750", 0);
        PbSample smp;

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x5C, "bh1750"), 0);
        init_ok(s);
        ck_assert_uint_eq(pb_sensor_get_address(s), 0x5C);
        ck_assert_uint_eq(pb_sensor_get_quantities(s), QBIT(ILLUMINANCE));
        ck_assert_uint_eq(sample(s, &smp), 180000);
        ck_assert_uint_eq(smp.mask, QBIT(ILLUMINANCE));
        ck_assert_double_eq(smp.value[PB_QUANTITY_ILLUMINANCE], 320.0);
        /* Datasheet example: 0x8390 -> 28067 lx. */
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x5C, PB_QUANTITY_ILLUMINANCE, 0x8390), 0);
        sample(s, &smp);
        ck_assert_double_eq_tol(smp.value[PB_QUANTITY_ILLUMINANCE], 28066.67, 0.005);
        ck_assert_int_eq(pb_sim_i2c_set_nak(bus, 0x5C, true), 0);
        sample_fails_start(s, -ENXIO, "sending the one-time H-resolution measurement command");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* model=auto over several chips */

START_TEST(test_auto_probe_order)
{
        PbI2cBus *bus = new_bus();
        PbSensor *any = new_sensor(bus, "auto", 0), *at40 = new_sensor(bus, "auto", 0x40),
                 *at44 = new_sensor(bus, "auto", 0x44), *at45 = new_sensor(bus, "auto", 0x45);

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x18, "mcp9808"), 0);
        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x40, "si7021"), 0);
        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x44, "sht4x"), 0);
        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x45, "sht3x"), 0);
        init_ok(any);
        ck_assert_ptr_eq(pb_sensor_get_model(any), model("mcp9808"));
        init_ok(at40);
        ck_assert_ptr_eq(pb_sensor_get_model(at40), model("si7021"));
        init_ok(at44);
        ck_assert_ptr_eq(pb_sensor_get_model(at44), model("sht4x"));
        init_ok(at45);
        ck_assert_ptr_eq(pb_sensor_get_model(at45), model("sht3x"));
}
END_TEST

START_TEST(test_auto_nothing_found)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "auto", 0);

        init_fails(s, -ENXIO,
                   "tried BME280 at 0x76: no acknowledge; BME280 at 0x77: no acknowledge; MCP9808 at 0x18");
        ck_assert_ptr_null(pb_sensor_get_model(s));
        ck_assert_uint_eq(pb_sensor_get_address(s), 0);
}
END_TEST

START_TEST(test_auto_at_address_of_unreachable_models)
{
        PbI2cBus *bus = new_bus();
        PbSensor *at44 = new_sensor(bus, "auto", 0x44), *at40 = new_sensor(bus, "auto", 0x40);

        ck_assert_int_eq(pb_sim_i2c_bus_set_funcs(bus, smbus_only), 0);
        init_fails(
                at44, -EOPNOTSUPP,
                "adapter /dev/i2c-1 does not support plain I2C transfers, which the SHT3x and SHT4x need");
        init_fails(at40, -EOPNOTSUPP,
                   "adapter /dev/i2c-1 does not support plain I2C transfers, which the Si7021 needs");
}
END_TEST

START_TEST(test_auto_on_smbus_only_adapter)
{
        PbI2cBus *bus = new_bus();
        PbSensor *s = new_sensor(bus, "auto", 0);

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x44, "sht3x"), 0);
        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x77, "bme280"), 0);
        ck_assert_int_eq(pb_sim_i2c_bus_set_funcs(bus, smbus_only), 0);
        /* The SHT3x cannot be reached without plain I2C: not probed, no error from it. */
        init_ok(s);
        ck_assert_ptr_eq(pb_sensor_get_model(s), model("bme280"));
        ck_assert_uint_eq(pb_sensor_get_address(s), 0x77);
}
END_TEST

static Suite *sensor_suite(void)
{
        Suite *s = suite_create("sensor");
        TCase *tc;

        tc = tcase_create("table");
        tcase_add_checked_fixture(tc, NULL, t_run_deferred);
        tcase_add_test(tc, test_quantities);
        tcase_add_test(tc, test_model_lookup);
        tcase_add_test(tc, test_model_bme280);
        tcase_add_test(tc, test_model_word_register_chips);
        tcase_add_test(tc, test_options);
        tcase_add_test(tc, test_new_errors);
        tcase_add_test(tc, test_before_init);
        suite_add_tcase(s, tc);

        tc = tcase_create("bme280");
        tcase_add_checked_fixture(tc, NULL, t_run_deferred);
        tcase_add_test(tc, test_bme280_v1);
        tcase_add_test(tc, test_bme280_forced_mode_every_sample);
        tcase_add_test(tc, test_bme280_still_measuring);
        tcase_add_test(tc, test_bme280_model_auto_and_address_auto);
        tcase_add_test(tc, test_bme280_address_auto_second_address);
        tcase_add_test(tc, test_bme280_address_auto_nothing_there);
        tcase_add_test(tc, test_bme280_address_auto_prefers_wrong_chip_report);
        tcase_add_test(tc, test_bme280_wrong_chip_id);
        tcase_add_test(tc, test_bmp280_found_as_bme280);
        tcase_add_test(tc, test_bmp280_model_on_a_bme280);
        tcase_add_test(tc, test_bme280_nak_and_recovery);
        tcase_add_test(tc, test_bme280_other_transfer_errors);
        tcase_add_test(tc, test_bme280_skipped_measurement);
        tcase_add_test(tc, test_bme280_reset_data_registers_are_no_data);
        tcase_add_test(tc, test_bme280_implausible);
        tcase_add_test(tc, test_bme280_all_ones_frame);
        tcase_add_test(tc, test_bme280_no_calibration);
        tcase_add_test(tc, test_bme280_v2_calibration);
        tcase_add_test(tc, test_bme280_on_smbus_only_adapter);
        tcase_add_test(tc, test_bme280_adapter_lacks_block_reads);
        suite_add_tcase(s, tc);

        tc = tcase_create("word-register-chips");
        tcase_add_checked_fixture(tc, NULL, t_run_deferred);
        tcase_add_test(tc, test_tmp102_default);
        tcase_add_loop_test(tc, test_tmp102_table, 0, (int)ELEMENTSOF_T(tmp102_rows));
        tcase_add_test(tc, test_tmp102_converting_and_faults);
        tcase_add_test(tc, test_tmp102_address_auto_and_not_autodetected);
        tcase_add_test(tc, test_mcp9808);
        tcase_add_test(tc, test_mcp9808_wrong_ids);
        tcase_add_test(tc, test_ads1115_defaults);
        tcase_add_test(tc, test_ads1115_options);
        tcase_add_loop_test(tc, test_ads1115_gain_rows, 0, 6);
        tcase_add_test(tc, test_ads1115_converting_and_reset);
        suite_add_tcase(s, tc);

        tc = tcase_create("command-chips");
        tcase_add_checked_fixture(tc, NULL, t_run_deferred);
        tcase_add_test(tc, test_sht3x);
        tcase_add_test(tc, test_sht3x_faults);
        tcase_add_loop_test(tc, test_plain_i2c_chips_need_plain_i2c, 0, 5);
        tcase_add_test(tc, test_sht4x);
        tcase_add_test(tc, test_sht4x_serial_crc_mismatch_is_wrong_chip);
        tcase_add_test(tc, test_si7021);
        tcase_add_test(tc, test_si7021_faults);
        tcase_add_test(tc, test_htu21d);
        tcase_add_test(tc, test_si7021_htu21d_cross_models);
        tcase_add_test(tc, test_bh1750);
        suite_add_tcase(s, tc);

        tc = tcase_create("auto");
        tcase_add_checked_fixture(tc, NULL, t_run_deferred);
        tcase_add_test(tc, test_auto_probe_order);
        tcase_add_test(tc, test_auto_nothing_found);
        tcase_add_test(tc, test_auto_on_smbus_only_adapter);
        tcase_add_test(tc, test_auto_at_address_of_unreachable_models);
        suite_add_tcase(s, tc);

        return s;
}

int main(void)
{
        return t_run_suite(sensor_suite());
}
