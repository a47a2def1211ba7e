/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The SMBus-only drivers on an i2c-stub chip preset as VECTORS.md describes:
 * a BME280 holding V1's registers at 0x76 and a TMP102 at 0x48 whose
 * temperature register goes through the datasheet's table. i2c-stub is
 * passive (written registers keep their value; nothing measures) and offers
 * SMBus transfers only, which is what this checks the drivers cope with.
 * Built twice:
 *  - unit-sensor-stub-simulated: against the simulator's emulation of
 *    i2c-stub (pb_sim_i2c_add_device(bus, addr, "i2c-stub")), always;
 *  - unit-sensor-stub-kernel (PINBUS_TEST_I2C_STUB): against the kernel's
 *    i2c-stub through /dev/i2c-N, which needs i2c-dev and the stub with both
 *    addresses, as the real-kernel rig loads them:
 *        modprobe i2c-dev; modprobe i2c-stub chip_addr=0x48,0x76
 *    Elsewhere it prints why and skips (exit 77). It changes only the stub's
 *    registers.
 */

#include <limits.h>

#include "i2c/bus.h"
#include "sensors/sensor.h"
#include "sim/i2c-bus.h"
#include "test-util.h"

#define STUB_NAME "SMBus stub driver"

/* The functionality i2c-stub reports by default, in PbI2cFunc bits. */
#define STUB_FUNCS                                                                            \
        (PB_I2C_FUNC_SMBUS_BYTE | PB_I2C_FUNC_SMBUS_BYTE_DATA | PB_I2C_FUNC_SMBUS_WORD_DATA | \
         PB_I2C_FUNC_SMBUS_I2C_BLOCK)

static int stub_nr = -1;

/* The i2c-dev number of the i2c-stub adapter, or -1. */
static int find_stub(void)
{
        for (unsigned nr = 0; nr < 256; nr++) {
                char path[PATH_MAX], name[128] = "";
                FILE *f;

                snprintf(path, sizeof(path), "/sys/bus/i2c/devices/i2c-%u/name", nr);
                f = fopen(path, "re");
                if (!f)
                        continue;
                if (!fgets(name, sizeof(name), f))
                        name[0] = '\0';
                fclose(f);
                name[strcspn(name, "\n")] = '\0';
                if (strcmp(name, STUB_NAME) == 0)
                        return (int)nr;
        }
        return -1;
}

static void close_bus(void *p)
{
        pb_i2c_bus_close(p);
}

static void free_sensor(void *p)
{
        pb_sensor_free(p);
}

static PbI2cBus *open_stub(void)
{
        PbI2cBus *bus = NULL;

#if PINBUS_TEST_I2C_STUB
        ck_assert_int_eq(pb_i2c_bus_open((unsigned)stub_nr, &bus), 0);
#else
        ck_assert_int_eq(pb_sim_i2c_bus_new((unsigned)stub_nr, &bus), 0);
        ck_assert_int_eq(pb_sim_i2c_bus_set_funcs(bus, STUB_FUNCS), 0);
        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x48, "i2c-stub"), 0);
        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x76, "i2c-stub"), 0);
#endif
        return t_defer(close_bus, bus);
}

static PbSensor *new_sensor(PbI2cBus *bus, const char *name, uint16_t address)
{
        PbSensor *s = NULL;

        ck_assert_int_eq(pb_sensor_new(pb_sensor_model_from_string(name), bus, address, NULL, &s), 0);
        return t_defer(free_sensor, s);
}

static const uint8_t v1_tp[26] = { 0x10, 0x6E, 0x6C, 0x66, 0x32, 0x00, 0x5D, 0x95, 0xB8,
                                   0xD5, 0xD0, 0x0B, 0x77, 0x1E, 0x9D, 0xFF, 0xF9, 0xFF,
                                   0xAC, 0x26, 0x0A, 0xD8, 0xBD, 0x10, 0x00, 0x4B };
static const uint8_t v1_h[7] = { 0x6E, 0x01, 0x00, 0x13, 0x05, 0x00, 0x1E };
static const uint8_t v1_data[8] = { 0x4A, 0x52, 0xC0, 0x80, 0x96, 0xC0, 0x7A, 0x76 };

/* As VECTORS.md's i2cset lines do: chip id byte, then I2C block writes. */
static void preset_v1(PbI2cBus *bus)
{
        ck_assert_int_eq(pb_i2c_write_byte_data(bus, 0x76, 0xD0, 0x60), 0);
        ck_assert_int_eq(pb_i2c_write_i2c_block_data(bus, 0x76, 0x88, sizeof(v1_tp), v1_tp), 0);
        ck_assert_int_eq(pb_i2c_write_i2c_block_data(bus, 0x76, 0xE1, sizeof(v1_h), v1_h), 0);
        ck_assert_int_eq(pb_i2c_write_i2c_block_data(bus, 0x76, 0xF7, sizeof(v1_data), v1_data), 0);
        ck_assert_int_eq(pb_i2c_write_byte_data(bus, 0x76, 0xF3, 0x00), 0); /* status: not measuring */
}

static void sample(PbSensor *s, PbSample *ret)
{
        uint64_t usec;
        int r;

        r = pb_sensor_start(s, &usec);
        ck_assert_msg(r == 0, "start: %s (%s)", strerror(-r), pb_sensor_get_error_detail(s));
        *ret = (PbSample){};
        r = pb_sensor_collect(s, ret);
        ck_assert_msg(r == 0, "collect: %s (%s)", strerror(-r), pb_sensor_get_error_detail(s));
}

START_TEST(test_stub_funcs)
{
        PbI2cBus *bus = open_stub();
        unsigned f = pb_i2c_bus_get_funcs(bus);

        ck_assert(pb_i2c_bus_is_simulated(bus) == !PINBUS_TEST_I2C_STUB);
        /* i2c-stub's default functionality: SMBus only. */
        ck_assert_uint_eq(f & PB_I2C_FUNC_I2C, 0);
        ck_assert_uint_eq(f & (PB_I2C_FUNC_SMBUS_BYTE_DATA | PB_I2C_FUNC_SMBUS_WORD_DATA |
                               PB_I2C_FUNC_SMBUS_I2C_BLOCK),
                          PB_I2C_FUNC_SMBUS_BYTE_DATA | PB_I2C_FUNC_SMBUS_WORD_DATA |
                                  PB_I2C_FUNC_SMBUS_I2C_BLOCK);
}
END_TEST

START_TEST(test_stub_words_are_cells)
{
        PbI2cBus *bus = open_stub();
        uint16_t w = 0;
        uint8_t b = 0;

        /* A word write fills one 16-bit cell (not cells 2 and 3); a byte read of it gives the low byte. */
        ck_assert_int_eq(pb_i2c_write_word_data(bus, 0x48, 0x03, 0x0000), 0);
        ck_assert_int_eq(pb_i2c_write_word_data(bus, 0x48, 0x02, 0x1234), 0);
        ck_assert_int_eq(pb_i2c_read_word_data(bus, 0x48, 0x02, &w), 0);
        ck_assert_uint_eq(w, 0x1234);
        ck_assert_int_eq(pb_i2c_read_byte_data(bus, 0x48, 0x02, &b), 0);
        ck_assert_uint_eq(b, 0x34);
        ck_assert_int_eq(pb_i2c_read_byte_data(bus, 0x48, 0x03, &b), 0);
        ck_assert_uint_eq(b, 0x00);
}
END_TEST

START_TEST(test_stub_bme280_v1)
{
        PbI2cBus *bus = open_stub();
        PbSensor *s = new_sensor(bus, "bme280", 0x76);
        PbSample smp;
        uint8_t ctrl = 0;
        int r;

        preset_v1(bus);
        r = pb_sensor_init(s);
        ck_assert_msg(r == 0, "init: %s (%s)", strerror(-r), pb_sensor_get_error_detail(s));
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 23.72);
        ck_assert_double_eq(smp.value[PB_QUANTITY_PRESSURE], 25841330 / 256.0);
        ck_assert_double_eq(smp.value[PB_QUANTITY_HUMIDITY], 66873 / 1024.0);
        /* The forced-mode write "sticks" on the passive stub; the driver relies on the status bit only. */
        ck_assert_int_eq(pb_i2c_read_byte_data(bus, 0x76, 0xF4, &ctrl), 0);
        ck_assert_uint_eq(ctrl, 0x25);
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], 23.72);

        /* The measuring bit, as a chip in conversion shows it. */
        ck_assert_int_eq(pb_i2c_write_byte_data(bus, 0x76, 0xF3, 0x08), 0);
        {
                uint64_t usec;

                ck_assert_int_eq(pb_sensor_start(s, &usec), 0);
                ck_assert_uint_eq(usec, 9300);
                ck_assert_int_eq(pb_sensor_collect(s, &smp), -EAGAIN);
                ck_assert_int_eq(pb_i2c_write_byte_data(bus, 0x76, 0xF3, 0x00), 0);
                ck_assert_int_eq(pb_sensor_collect(s, &smp), 0);
        }
}
END_TEST

START_TEST(test_stub_bmp280)
{
        PbI2cBus *bus = open_stub();
        PbSensor *s = new_sensor(bus, "bme280", 0x76);
        PbSample smp;

        preset_v1(bus);
        ck_assert_int_eq(pb_i2c_write_byte_data(bus, 0x76, 0xD0, 0x58), 0);
        ck_assert_int_eq(pb_sensor_init(s), 0);
        ck_assert_str_eq(pb_sensor_model_get_name(pb_sensor_get_model(s)), "bmp280");
        sample(s, &smp);
        ck_assert_uint_eq(smp.mask, 1u << PB_QUANTITY_TEMPERATURE | 1u << PB_QUANTITY_PRESSURE);
        ck_assert_double_eq(smp.value[PB_QUANTITY_PRESSURE], 25841330 / 256.0);
}
END_TEST

static const struct {
        uint16_t reg;
        double t;
} tmp102_rows[] = {
        { 0x1900, 25.0 },   { 0xE700, -25.0 },   { 0xFFC0, -0.25 }, { 0xC900, -55.0 }, { 0x7FF0, 127.9375 },
        { 0x0010, 0.0625 }, { 0xFFF0, -0.0625 }, { 0x0C81, 25.0 },  { 0x4B01, 150.0 },
};

START_TEST(test_stub_tmp102_table)
{
        PbI2cBus *bus = open_stub();
        PbSensor *s = new_sensor(bus, "tmp102", 0x48);
        uint16_t reg = tmp102_rows[_i].reg;
        PbSample smp;
        int r;

        /* Preset swapped, as `i2cset -y BUS 0x48 0x00 0x0019 w` does for 25 °C. */
        ck_assert_int_eq(pb_i2c_write_word_data(bus, 0x48, 0x00, (uint16_t)(reg >> 8 | reg << 8)), 0);
        r = pb_sensor_init(s);
        ck_assert_msg(r == 0, "init: %s (%s)", strerror(-r), pb_sensor_get_error_detail(s));
        sample(s, &smp);
        ck_assert_double_eq(smp.value[PB_QUANTITY_TEMPERATURE], tmp102_rows[_i].t);
}
END_TEST

START_TEST(test_stub_plain_i2c_chip)
{
        PbI2cBus *bus = open_stub();
        PbSensor *s = new_sensor(bus, "sht3x", 0x44);
        char *want = t_fmt("adapter /dev/i2c-%d does not support plain I2C transfers, which the SHT3x needs",
                           stub_nr);
        uint8_t b = 0;

        ck_assert_int_eq(pb_sensor_init(s), -EOPNOTSUPP);
        ck_assert_str_eq(pb_sensor_get_error_detail(s), want);
        ck_assert_int_eq(pb_i2c_read(bus, 0x76, &b, 1), -EOPNOTSUPP);
}
END_TEST

START_TEST(test_stub_nak)
{
        PbI2cBus *bus = open_stub();
        uint8_t b;
        int r;

        /* No stub chip at 0x03 (chip_addr would have to name it): the kernel reports no acknowledge. */
        r = pb_i2c_read_byte_data(bus, 0x03, 0x00, &b);
        ck_assert_msg(r == -ENXIO || r == -EREMOTEIO, "read at 0x03: %d", r);
}
END_TEST

static Suite *stub_suite(void)
{
        Suite *s = suite_create("sensor-stub");
        TCase *tc = tcase_create("i2c-stub");

        tcase_add_checked_fixture(tc, NULL, t_run_deferred);
        tcase_add_test(tc, test_stub_funcs);
        tcase_add_test(tc, test_stub_words_are_cells);
        tcase_add_test(tc, test_stub_bme280_v1);
        tcase_add_test(tc, test_stub_bmp280);
        tcase_add_loop_test(tc, test_stub_tmp102_table, 0, (int)ELEMENTSOF_T(tmp102_rows));
        tcase_add_test(tc, test_stub_plain_i2c_chip);
        tcase_add_test(tc, test_stub_nak);
        suite_add_tcase(s, tc);
        return s;
}

int main(void)
{
#if PINBUS_TEST_I2C_STUB
        PbI2cBus *bus = NULL;
        uint8_t b;
        int r;

        stub_nr = find_stub();
        if (stub_nr < 0) {
                printf("SKIP: no i2c-stub adapter (\"%s\"): the real-kernel rig loads it with "
                       "modprobe i2c-stub chip_addr=0x48,0x76\n",
                       STUB_NAME);
                return 77;
        }
        r = pb_i2c_bus_open((unsigned)stub_nr, &bus);
        if (r < 0) {
                printf("SKIP: i2c-stub is i2c-%d but /dev/i2c-%d does not open (%s): modprobe i2c-dev\n",
                       stub_nr, stub_nr, strerror(-r));
                return 77;
        }
        if (pb_i2c_read_byte_data(bus, 0x76, 0xD0, &b) < 0 ||
            pb_i2c_read_byte_data(bus, 0x48, 0x00, &b) < 0) {
                printf("SKIP: i2c-stub on /dev/i2c-%d has no chip at 0x76 and 0x48 (chip_addr=0x48,0x76)\n",
                       stub_nr);
                pb_i2c_bus_close(bus);
                return 77;
        }
        pb_i2c_bus_close(bus);
        printf("kernel i2c-stub on /dev/i2c-%d\n", stub_nr);
#else
        (void)find_stub;
        stub_nr = 9;
        printf("the simulator's i2c-stub emulation\n");
#endif
        return t_run_suite(stub_suite());
}
