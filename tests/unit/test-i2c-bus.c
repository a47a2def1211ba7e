/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The I2C transport (lib/i2c-bus.h): the generic argument and functionality
 * checks, the simulated adapter's wire behaviour (SMBus words low byte first,
 * NAKs, restricted functionality) and its test helpers, and the i2c-dev
 * implementation's open errors. Transfers through i2c-dev need an adapter:
 * the real-kernel rig covers them with i2c-stub.
 */

#include "i2c/bus.h"
#include "sim/i2c-bus.h"
#include "test-util.h"

static void close_bus(void *p)
{
        pb_i2c_bus_close(p);
}

static PbI2cBus *new_bus(void)
{
        PbI2cBus *bus = NULL;

        ck_assert_int_eq(pb_sim_i2c_bus_new(1, &bus), 0);
        t_defer(close_bus, bus);
        return bus;
}

static PbI2cBus *new_default_bus(void)
{
        PbI2cBus *bus = NULL;

        ck_assert_int_eq(pb_sim_i2c_bus_new_default(&bus), 0);
        t_defer(close_bus, bus);
        return bus;
}

START_TEST(test_funcs_to_string)
{
        char *s;

        s = pb_i2c_funcs_to_string(PB_I2C_FUNC_I2C);
        ck_assert_str_eq(s, "plain I2C transfers");
        free(s);
        s = pb_i2c_funcs_to_string(PB_I2C_FUNC_I2C | PB_I2C_FUNC_SMBUS_WORD_DATA);
        ck_assert_str_eq(s, "plain I2C transfers, SMBus word data");
        free(s);
        s = pb_i2c_funcs_to_string(PB_I2C_FUNC_SMBUS_BYTE | PB_I2C_FUNC_SMBUS_BYTE_DATA |
                                   PB_I2C_FUNC_SMBUS_I2C_BLOCK);
        ck_assert_str_eq(s, "SMBus receive/send byte, SMBus byte data, SMBus I2C block data");
        free(s);
        s = pb_i2c_funcs_to_string(0);
        ck_assert_str_eq(s, "");
        free(s);
}
END_TEST

START_TEST(test_open_missing_adapter)
{
        PbI2cBus *bus = NULL;
        char path[32];
        unsigned nr = 4000;

        /* Find a number with no node (there are none on most test machines). */
        for (; nr < 4100; nr++) {
                snprintf(path, sizeof(path), "/dev/i2c-%u", nr);
                if (access(path, F_OK) < 0)
                        break;
        }
        ck_assert_int_eq(pb_i2c_bus_open(nr, &bus), -ENOENT);
        ck_assert_ptr_null(bus);
        ck_assert_int_eq(pb_i2c_bus_open(0, NULL), -EINVAL);
}
END_TEST

START_TEST(test_open_real_adapters)
{
        unsigned found = 0;

        /* Whatever adapters this machine has: they open, report a path and some functionality. */
        for (unsigned nr = 0; nr < 32; nr++) {
                char path[32];
                PbI2cBus *bus = NULL;
                int r;

                snprintf(path, sizeof(path), "/dev/i2c-%u", nr);
                if (access(path, F_OK) < 0)
                        continue;
                r = pb_i2c_bus_open(nr, &bus);
                if (r == -EACCES)
                        continue;
                ck_assert_int_eq(r, 0);
                ck_assert_str_eq(pb_i2c_bus_get_path(bus), path);
                ck_assert_uint_eq(pb_i2c_bus_get_nr(bus), nr);
                ck_assert_uint_ne(pb_i2c_bus_get_funcs(bus), 0);
                ck_assert(!pb_i2c_bus_is_simulated(bus));
                ck_assert_int_eq(pb_sim_i2c_set_nak(bus, 0x76, true), -EOPNOTSUPP);
                pb_i2c_bus_close(bus);
                found++;
        }
        if (found == 0)
                printf("no /dev/i2c-N adapters here: only the open errors were tested\n");
}
END_TEST

START_TEST(test_sim_bus_basics)
{
        PbI2cBus *bus = NULL;

        ck_assert_int_eq(pb_sim_i2c_bus_new(7, &bus), 0);
        ck_assert_str_eq(pb_i2c_bus_get_path(bus), "/dev/i2c-7");
        ck_assert_uint_eq(pb_i2c_bus_get_nr(bus), 7);
        ck_assert(pb_i2c_bus_is_simulated(bus));
        ck_assert_uint_eq(pb_i2c_bus_get_funcs(bus),
                          PB_I2C_FUNC_I2C | PB_I2C_FUNC_SMBUS_BYTE | PB_I2C_FUNC_SMBUS_BYTE_DATA |
                                  PB_I2C_FUNC_SMBUS_WORD_DATA | PB_I2C_FUNC_SMBUS_I2C_BLOCK);
        ck_assert_ptr_null(pb_i2c_bus_close(bus));
        ck_assert_ptr_null(pb_i2c_bus_close(NULL));
        ck_assert(!pb_i2c_bus_is_simulated(NULL));
}
END_TEST

START_TEST(test_empty_address_naks)
{
        PbI2cBus *bus = new_bus();
        uint8_t b, buf[4] = {};
        uint16_t w;

        ck_assert_int_eq(pb_i2c_read_byte(bus, 0x50, &b), -ENXIO);
        ck_assert_int_eq(pb_i2c_write_byte(bus, 0x50, 1), -ENXIO);
        ck_assert_int_eq(pb_i2c_read_byte_data(bus, 0x50, 0, &b), -ENXIO);
        ck_assert_int_eq(pb_i2c_write_byte_data(bus, 0x50, 0, 1), -ENXIO);
        ck_assert_int_eq(pb_i2c_read_word_data(bus, 0x50, 0, &w), -ENXIO);
        ck_assert_int_eq(pb_i2c_write_word_data(bus, 0x50, 0, 1), -ENXIO);
        ck_assert_int_eq(pb_i2c_read_i2c_block_data(bus, 0x50, 0, 4, buf), -ENXIO);
        ck_assert_int_eq(pb_i2c_write_i2c_block_data(bus, 0x50, 0, 4, buf), -ENXIO);
        ck_assert_int_eq(pb_i2c_read(bus, 0x50, buf, 4), -ENXIO);
        ck_assert_int_eq(pb_i2c_write(bus, 0x50, buf, 4), -ENXIO);
}
END_TEST

START_TEST(test_argument_checks)
{
        PbI2cBus *bus = new_default_bus();
        uint8_t b, buf[33] = {};

        /* 7-bit addresses 0x03..0x77 only. */
        ck_assert_int_eq(pb_i2c_read_byte_data(bus, 0x02, 0, &b), -EINVAL);
        ck_assert_int_eq(pb_i2c_read_byte_data(bus, 0x78, 0, &b), -EINVAL);
        ck_assert_int_eq(pb_i2c_read_byte_data(bus, 0x76, 0xD0, NULL), -EINVAL);
        ck_assert_int_eq(pb_i2c_read_byte_data(NULL, 0x76, 0xD0, &b), -EINVAL);
        /* Lengths 1..32. */
        ck_assert_int_eq(pb_i2c_read_i2c_block_data(bus, 0x76, 0x88, 0, buf), -EINVAL);
        ck_assert_int_eq(pb_i2c_read_i2c_block_data(bus, 0x76, 0x88, 33, buf), -EINVAL);
        ck_assert_int_eq(pb_i2c_read_i2c_block_data(bus, 0x76, 0x88, 32, buf), 0);
        ck_assert_int_eq(pb_i2c_read(bus, 0x76, buf, 0), -EINVAL);
        ck_assert_int_eq(pb_i2c_write(bus, 0x76, buf, 33), -EINVAL);
        ck_assert_int_eq(pb_i2c_write(bus, 0x76, NULL, 1), -EINVAL);
}
END_TEST

START_TEST(test_byte_and_block_reads)
{
        static const uint8_t v1_calib[26] = { 0x10, 0x6E, 0x6C, 0x66, 0x32, 0x00, 0x5D, 0x95, 0xB8,
                                              0xD5, 0xD0, 0x0B, 0x77, 0x1E, 0x9D, 0xFF, 0xF9, 0xFF,
                                              0xAC, 0x26, 0x0A, 0xD8, 0xBD, 0x10, 0x00, 0x4B };
        PbI2cBus *bus = new_default_bus();
        uint8_t id = 0, buf[26];

        ck_assert_int_eq(pb_i2c_read_byte_data(bus, 0x76, 0xD0, &id), 0);
        ck_assert_uint_eq(id, 0x60);
        ck_assert_int_eq(pb_i2c_read_i2c_block_data(bus, 0x76, 0x88, sizeof(buf), buf), 0);
        ck_assert_mem_eq(buf, v1_calib, sizeof(buf));
        /* The same through plain I2C: write the register pointer, read. */
        id = 0xD0;
        ck_assert_int_eq(pb_i2c_write(bus, 0x76, &id, 1), 0);
        ck_assert_int_eq(pb_i2c_read(bus, 0x76, &id, 1), 0);
        ck_assert_uint_eq(id, 0x60);
        /* Receive byte continues from the pointer (auto-increment). */
        ck_assert_int_eq(pb_i2c_write_byte(bus, 0x76, 0x88), 0);
        ck_assert_int_eq(pb_i2c_read_byte(bus, 0x76, &id), 0);
        ck_assert_uint_eq(id, 0x10);
        ck_assert_int_eq(pb_i2c_read_byte(bus, 0x76, &id), 0);
        ck_assert_uint_eq(id, 0x6E);
}
END_TEST

START_TEST(test_words_low_byte_first)
{
        PbI2cBus *bus = new_default_bus();
        uint16_t w = 0;
        uint8_t buf[2];

        /* TMP102 at 25 °C sends 0x19 0x00: the SMBus word is 0x0019, as i2c-stub's cell would be. */
        ck_assert_int_eq(pb_i2c_read_word_data(bus, 0x48, 0x00, &w), 0);
        ck_assert_uint_eq(w, 0x0019);
        /* T_LOW (0x02): write 0x1234 MSB first = SMBus word 0x3412. */
        ck_assert_int_eq(pb_i2c_write_word_data(bus, 0x48, 0x02, 0x3412), 0);
        ck_assert_int_eq(pb_sim_i2c_get_registers(bus, 0x48, 0x02, buf, 2), 0);
        ck_assert_uint_eq(buf[0], 0x12);
        ck_assert_uint_eq(buf[1], 0x34);
        ck_assert_int_eq(pb_i2c_read_word_data(bus, 0x48, 0x02, &w), 0);
        ck_assert_uint_eq(w, 0x3412);
}
END_TEST

START_TEST(test_restricted_funcs)
{
        PbI2cBus *bus = new_default_bus();
        const unsigned stub = PB_I2C_FUNC_SMBUS_BYTE | PB_I2C_FUNC_SMBUS_BYTE_DATA |
                              PB_I2C_FUNC_SMBUS_WORD_DATA | PB_I2C_FUNC_SMBUS_I2C_BLOCK;
        uint8_t b = 0xD0;
        uint16_t w;

        ck_assert_int_eq(pb_sim_i2c_bus_set_funcs(bus, stub), 0);
        ck_assert_uint_eq(pb_i2c_bus_get_funcs(bus), stub);
        ck_assert_int_eq(pb_i2c_write(bus, 0x76, &b, 1), -EOPNOTSUPP);
        ck_assert_int_eq(pb_i2c_read(bus, 0x76, &b, 1), -EOPNOTSUPP);
        ck_assert_int_eq(pb_i2c_read_byte_data(bus, 0x76, 0xD0, &b), 0);
        ck_assert_int_eq(pb_sim_i2c_bus_set_funcs(bus, PB_I2C_FUNC_SMBUS_BYTE_DATA), 0);
        ck_assert_int_eq(pb_i2c_read_word_data(bus, 0x48, 0, &w), -EOPNOTSUPP);
}
END_TEST

START_TEST(test_nak_and_back)
{
        PbI2cBus *bus = new_default_bus();
        uint8_t id = 0;

        ck_assert_int_eq(pb_sim_i2c_set_nak(bus, 0x76, true), 0);
        ck_assert_int_eq(pb_i2c_read_byte_data(bus, 0x76, 0xD0, &id), -ENXIO);
        ck_assert_int_eq(pb_i2c_write_byte_data(bus, 0x76, 0xF4, 0), -ENXIO);
        /* Other devices are unaffected. */
        ck_assert_int_eq(pb_i2c_read_byte_data(bus, 0x48, 0x00, &id), 0);
        ck_assert_int_eq(pb_sim_i2c_set_nak(bus, 0x76, false), 0);
        ck_assert_int_eq(pb_i2c_read_byte_data(bus, 0x76, 0xD0, &id), 0);
        ck_assert_uint_eq(id, 0x60);
        ck_assert_int_eq(pb_sim_i2c_set_nak(bus, 0x50, true), -ENOENT);
}
END_TEST

START_TEST(test_add_device_errors)
{
        PbI2cBus *bus = new_default_bus();

        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x76, "bme280"), -EEXIST);
        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x50, "eeprom"), -EOPNOTSUPP);
        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x78, "bme280"), -EINVAL);
        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x02, "bme280"), -EINVAL);
        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x50, NULL), -EINVAL);
        ck_assert_int_eq(pb_sim_i2c_add_device(bus, 0x77, "BMP280"), 0);
        ck_assert_int_eq(pb_sim_i2c_add_device(NULL, 0x50, "bme280"), -EOPNOTSUPP);
}
END_TEST

START_TEST(test_helper_errors)
{
        PbI2cBus *bus = new_default_bus();
        uint8_t buf[4] = {};
        unsigned n;

        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x48, PB_QUANTITY_PRESSURE, 1), -EINVAL);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x48, _PB_QUANTITY_MAX, 1), -EINVAL);
        ck_assert_int_eq(pb_sim_i2c_set_raw(bus, 0x50, PB_QUANTITY_TEMPERATURE, 1), -ENOENT);
        ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x48, 0x03, buf, 2), 0);
        ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x48, 0x03, buf, 4), -EINVAL); /* past T_HIGH */
        ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x48, 0x00, buf, 3), -EINVAL); /* odd */
        ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x76, 0xFF, buf, 2), -EINVAL);
        ck_assert_int_eq(pb_sim_i2c_set_registers(bus, 0x76, 0xFE, buf, 2), 0);
        ck_assert_int_eq(pb_sim_i2c_get_registers(bus, 0x76, 0xD0, buf, 0), -EINVAL);
        ck_assert_int_eq(pb_sim_i2c_corrupt_crc(bus, 0x76, 1), -EOPNOTSUPP);
        ck_assert_int_eq(pb_sim_i2c_set_busy(bus, 0x51, 1), -ENOENT);
        ck_assert_int_eq(pb_sim_i2c_get_conversions(bus, 0x76, &n), 0);
        ck_assert_uint_eq(n, 0);
        ck_assert_int_eq(pb_sim_i2c_bus_set_funcs(NULL, 0), -EOPNOTSUPP);
}
END_TEST

static Suite *i2c_bus_suite(void)
{
        Suite *s = suite_create("i2c-bus");
        TCase *tc;

        tc = tcase_create("generic");
        tcase_add_checked_fixture(tc, NULL, t_run_deferred);
        tcase_add_test(tc, test_funcs_to_string);
        tcase_add_test(tc, test_open_missing_adapter);
        tcase_add_test(tc, test_open_real_adapters);
        tcase_add_test(tc, test_argument_checks);
        suite_add_tcase(s, tc);

        tc = tcase_create("simulator");
        tcase_add_checked_fixture(tc, NULL, t_run_deferred);
        tcase_add_test(tc, test_sim_bus_basics);
        tcase_add_test(tc, test_empty_address_naks);
        tcase_add_test(tc, test_byte_and_block_reads);
        tcase_add_test(tc, test_words_low_byte_first);
        tcase_add_test(tc, test_restricted_funcs);
        tcase_add_test(tc, test_nak_and_back);
        tcase_add_test(tc, test_add_device_errors);
        tcase_add_test(tc, test_helper_errors);
        suite_add_tcase(s, tc);

        return s;
}

int main(void)
{
        return t_run_suite(i2c_bus_suite());
}
