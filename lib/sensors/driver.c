/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The helpers every driver uses (sensors/driver.h): transfers that record
 * what failed in the sensor's error detail, and CRC-checked word frames.
 *
 * Register chips use SMBus transfers only, so they also work on adapters
 * without plain I2C (i2c-stub, many SMBus controllers); command chips need
 * plain I2C reads and writes.
 */

#include <assert.h>
#include <stdarg.h>

#include "sensors/driver.h"

/* Records the detail of a failed transfer (printf format) and returns r:
 * -EBUSY from I2C_SLAVE means a kernel driver has bound the address, which
 * the detail then says. */
_printf_(3, 4) static int transfer_failed(PbSensor *s, int r, const char *format, ...)
{
        char what[PB_SENSOR_DETAIL_MAX];
        uint16_t addr = pb_sensor_get_address(s);
        va_list ap;

        va_start(ap, format);
        vsnprintf(what, sizeof(what), format, ap);
        va_end(ap);
        if (r == -EBUSY)
                return pb_sensor_fail(s, r,
                                      "%s: address 0x%02x is in use by a kernel driver (see "
                                      "/sys/bus/i2c/devices/%u-%04x/driver)",
                                      what, addr, pb_i2c_bus_get_nr(pb_sensor_get_bus(s)), addr);
        return pb_sensor_fail(s, r, "%s", what);
}

int pb_sensor_not_model(PbSensor *s, const char *label)
{
        char why[PB_SENSOR_DETAIL_MAX];

        snprintf(why, sizeof(why), "%s", pb_sensor_get_error_detail(s));
        return pb_sensor_fail(s, -ENODEV, "%s: not an %s", why, label);
}

/* ------------------------------------------------------------------------ */
/* Register chips */

static uint16_t swap16(uint16_t v)
{
        return (uint16_t)(v << 8 | v >> 8);
}

int pb_sensor_read_reg16(PbSensor *s, uint8_t reg, uint16_t *ret)
{
        uint16_t w;
        int r = pb_i2c_read_word_data(pb_sensor_get_bus(s), pb_sensor_get_address(s), reg, &w);

        if (r < 0)
                return transfer_failed(s, r, "reading register 0x%02x", reg);
        *ret = swap16(w);
        return 0;
}

int pb_sensor_write_reg16(PbSensor *s, uint8_t reg, uint16_t value)
{
        int r = pb_i2c_write_word_data(pb_sensor_get_bus(s), pb_sensor_get_address(s), reg, swap16(value));

        if (r < 0)
                return transfer_failed(s, r, "writing 0x%04x to register 0x%02x", value, reg);
        return 0;
}

int pb_sensor_read_reg8(PbSensor *s, uint8_t reg, uint8_t *ret)
{
        int r = pb_i2c_read_byte_data(pb_sensor_get_bus(s), pb_sensor_get_address(s), reg, ret);

        if (r < 0)
                return transfer_failed(s, r, "reading register 0x%02x", reg);
        return 0;
}

int pb_sensor_write_reg8(PbSensor *s, uint8_t reg, uint8_t value)
{
        int r = pb_i2c_write_byte_data(pb_sensor_get_bus(s), pb_sensor_get_address(s), reg, value);

        if (r < 0)
                return transfer_failed(s, r, "writing 0x%02x to register 0x%02x", value, reg);
        return 0;
}

int pb_sensor_read_block(PbSensor *s, uint8_t reg, size_t len, uint8_t *buf)
{
        int r = pb_i2c_read_i2c_block_data(pb_sensor_get_bus(s), pb_sensor_get_address(s), reg, len, buf);

        if (r < 0)
                return transfer_failed(s, r, "reading registers 0x%02x..0x%02x", reg,
                                       (unsigned)(reg + len - 1));
        return 0;
}

/* ------------------------------------------------------------------------ */
/* Command chips */

int pb_sensor_send_cmd(PbSensor *s, const uint8_t *cmd, size_t len, const char *what)
{
        int r = pb_i2c_write(pb_sensor_get_bus(s), pb_sensor_get_address(s), cmd, len);

        if (r < 0)
                return transfer_failed(s, r, "sending the %s command", what);
        return 0;
}

int pb_sensor_send_cmd16(PbSensor *s, uint16_t cmd, const char *what)
{
        const uint8_t buf[2] = { (uint8_t)(cmd >> 8), (uint8_t)cmd };

        return pb_sensor_send_cmd(s, buf, 2, what);
}

int pb_sensor_send_cmd8(PbSensor *s, uint8_t cmd, const char *what)
{
        return pb_sensor_send_cmd(s, &cmd, 1, what);
}

int pb_sensor_read_bytes(PbSensor *s, uint8_t *buf, size_t len, const char *what)
{
        int r = pb_i2c_read(pb_sensor_get_bus(s), pb_sensor_get_address(s), buf, len);

        if (r < 0)
                return transfer_failed(s, r, "reading the %s", what);
        return 0;
}

#define CRC_WORDS_MAX 4

int pb_sensor_read_crc_words(PbSensor *s, size_t n_words, uint8_t crc_init, const char *what,
                             const char *const *names, uint16_t *ret)
{
        uint8_t buf[3 * CRC_WORDS_MAX];
        int r;

        assert(n_words <= CRC_WORDS_MAX);
        r = pb_sensor_read_bytes(s, buf, 3 * n_words, what);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n_words; i++) {
                const uint8_t *w = buf + 3 * i;
                uint8_t crc = pb_crc8(w, 2, crc_init);

                if (crc != w[2])
                        return pb_sensor_fail(s, -EBADMSG, "CRC 0x%02x, expected 0x%02x on %s word", w[2],
                                              crc, names[i]);
        }
        for (size_t i = 0; i < n_words; i++)
                ret[i] = pb_be16(buf + 3 * i);
        return 0;
}

int pb_sensor_publish(PbSensor *s, PbSample *ret, PbQuantity q, double v, unsigned raw,
                      const PbSensorRange *range)
{
        const char *unit = pb_quantity_unit(q);

        if (v < range->min || v > range->max)
                return pb_sensor_fail(s, -ERANGE,
                                      "implausible %s %.*f %s (%s 0x%0*x), outside %.0f..%.0f %s",
                                      pb_quantity_to_string(q), range->decimals, v, unit, range->raw,
                                      (int)range->raw_digits, raw, range->min, range->max, unit);
        pb_sample_set(ret, q, v);
        return 0;
}

/* ------------------------------------------------------------------------ */
/* Sensirion SHT3x and SHT4x */

/* Plausible temperatures: the operating range of both. */
static const PbSensorRange sht_t_range = {
        .min = -40.0, .max = 125.0, .decimals = 2, .raw = "raw", .raw_digits = 4
};

int pb_sensor_collect_sht(PbSensor *s, double (*humidity)(uint16_t s_rh), PbSample *ret)
{
        static const char *const names[] = { "temperature", "humidity" };
        uint16_t w[2];
        int r;

        r = pb_sensor_read_crc_words(s, 2, PB_SHT_CRC_INIT, "measurement (the chip NAKs until it is done)",
                                     names, w);
        if (r < 0)
                return r;
        r = pb_sensor_publish(s, ret, PB_QUANTITY_TEMPERATURE, pb_sht_temperature(w[0]), w[0], &sht_t_range);
        if (r < 0)
                return r;
        pb_sample_set(ret, PB_QUANTITY_HUMIDITY, humidity(w[1]));
        return 0;
}
