/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Bosch BME280 (T, P, RH) and BMP280 (T, P): one driver, as the two share
 * their register map, calibration layout and compensation and differ only in
 * the chip id and the humidity block. The chip id tells them apart, so a
 * BMP280 answering model = bme280 is taken as one (pb_sensor_set_variant()).
 * Forced mode: every measurement is started and waited for, never a stale
 * normal-mode result.
 */

#include "sensors/driver.h"

typedef struct Bme280State {
        PbBme280Calib calib;
        bool humidity;
} Bme280State;

#define BME280_REG_ID           0xD0
#define BME280_REG_CTRL_HUM     0xF2
#define BME280_REG_STATUS       0xF3
#define BME280_REG_CTRL_MEAS    0xF4
#define BME280_REG_CONFIG       0xF5
#define BME280_REG_DATA         0xF7

#define BME280_STATUS_MEASURING 0x08
#define BME280_MODE_FORCED      0x01

#define BME280_CHIP_ID          0x60
#define BMP280_CHIP_ID          0x58

/* Oversampling ×1 for T, P and H, filter off: the datasheet's "weather
 * monitoring" setting (section 3.5.1) for forced mode. */
#define BME280_OSRS 1

/* Plausible ranges: the BME280's operating range (datasheet table 1/2). */
static const PbSensorRange bme280_t_range = {
        .min = -40.0, .max = 85.0, .decimals = 2, .raw = "raw", .raw_digits = 5
};
static const PbSensorRange bme280_p_range = {
        .min = 30000.0, .max = 110000.0, .decimals = 2, .raw = "raw", .raw_digits = 5
};

extern const PbSensorModel pb_sensor_model_bmp280;
extern const PbSensorModel pb_sensor_model_bme280;

static bool bmp280_chip_id(uint8_t id)
{
        /* 0x56 and 0x57 are BMP280 engineering samples (as the kernel accepts). */
        return id == BMP280_CHIP_ID || id == 0x56 || id == 0x57;
}

static int bme280_probe(PbSensor *s)
{
        uint8_t id = 0;
        int r = pb_sensor_read_reg8(s, BME280_REG_ID, &id);

        if (r < 0)
                return r;
        if (pb_sensor_get_model(s) == &pb_sensor_model_bmp280) {
                if (bmp280_chip_id(id))
                        return 0;
                if (id == BME280_CHIP_ID)
                        return pb_sensor_fail(
                                s, -ENODEV,
                                "chip id 0x%02x is a BME280, expected 0x%02x (BMP280): use model = bme280",
                                id, BMP280_CHIP_ID);
                return pb_sensor_fail(s, -ENODEV, "chip id 0x%02x, expected 0x%02x (BMP280)", id,
                                      BMP280_CHIP_ID);
        }
        if (id == BME280_CHIP_ID)
                return 0;
        if (bmp280_chip_id(id)) {
                pb_sensor_set_variant(s, &pb_sensor_model_bmp280);
                return 0;
        }
        return pb_sensor_fail(s, -ENODEV, "chip id 0x%02x, expected 0x%02x (BME280) or 0x%02x (BMP280)", id,
                              BME280_CHIP_ID, BMP280_CHIP_ID);
}

static int bme280_init(PbSensor *s)
{
        Bme280State *b = pb_sensor_priv(s);
        uint8_t tp[PB_BME280_CALIB_TP_LEN], h[PB_BME280_CALIB_H_LEN];
        int r;

        b->humidity = pb_sensor_get_model(s) == &pb_sensor_model_bme280;
        r = pb_sensor_read_block(s, PB_BME280_CALIB_TP_ADDR, sizeof(tp), tp);
        if (r < 0)
                return r;
        if (b->humidity) {
                r = pb_sensor_read_block(s, PB_BME280_CALIB_H_ADDR, sizeof(h), h);
                if (r < 0)
                        return r;
        }
        pb_bme280_parse_calib(tp, b->humidity ? h : NULL, &b->calib);
        if (b->calib.t1 == 0 || b->calib.p1 == 0 || pb_all_bytes(tp, sizeof(tp), 0xFF))
                return pb_sensor_fail(
                        s, -ERANGE,
                        "calibration registers 0x88..0xA1 hold no calibration (dig_T1 = %u, dig_P1 = %u)",
                        b->calib.t1, b->calib.p1);

        /* Sleep mode (stops a normal mode another program left running; the
         * config register is only writable in sleep mode), filter off. */
        r = pb_sensor_write_reg8(s, BME280_REG_CTRL_MEAS, 0);
        if (r < 0)
                return r;
        r = pb_sensor_write_reg8(s, BME280_REG_CONFIG, 0);
        if (r < 0)
                return r;
        return 0;
}

static int bme280_start(PbSensor *s, uint64_t *ret_us)
{
        Bme280State *b = pb_sensor_priv(s);
        int r;

        /* ctrl_hum only takes effect with the following ctrl_meas write. */
        if (b->humidity) {
                r = pb_sensor_write_reg8(s, BME280_REG_CTRL_HUM, BME280_OSRS);
                if (r < 0)
                        return r;
        }
        r = pb_sensor_write_reg8(s, BME280_REG_CTRL_MEAS,
                                 BME280_OSRS << 5 | BME280_OSRS << 2 | BME280_MODE_FORCED);
        if (r < 0)
                return r;
        *ret_us = pb_bme280_max_measurement_us(BME280_OSRS, BME280_OSRS, b->humidity ? BME280_OSRS : 0);
        return 0;
}

static int bme280_collect(PbSensor *s, PbSample *ret)
{
        Bme280State *b = pb_sensor_priv(s);
        size_t n = b->humidity ? 8 : 6;
        uint8_t status = 0, data[8];
        int32_t adc_p, adc_t, adc_h, t_fine, t;
        uint32_t p;
        int r;

        r = pb_sensor_read_reg8(s, BME280_REG_STATUS, &status);
        if (r < 0)
                return r;
        if (status & BME280_STATUS_MEASURING)
                return pb_sensor_fail(s, -EAGAIN, "still measuring (status 0x%02x)", status);
        r = pb_sensor_read_block(s, BME280_REG_DATA, n, data);
        if (r < 0)
                return r;
        if (pb_all_bytes(data, n, 0xFF) || pb_all_bytes(data, n, 0x00))
                return pb_sensor_fail(s, -ERANGE, "data registers 0xF7..0x%02X all read 0x%02X",
                                      0xF7 + (unsigned)n - 1, data[0]);
        pb_bme280_parse_data(data, n, &adc_p, &adc_t, &adc_h);
        if (adc_t == PB_BME280_ADC_SKIPPED_TP || adc_p == PB_BME280_ADC_SKIPPED_TP)
                return pb_sensor_fail(s, -ERANGE, "no data: %s measurement skipped (raw 0x80000)",
                                      adc_t == PB_BME280_ADC_SKIPPED_TP ? "temperature" : "pressure");
        if (b->humidity && adc_h == PB_BME280_ADC_SKIPPED_H)
                return pb_sensor_fail(s, -ERANGE, "no data: humidity measurement skipped (raw 0x8000)");

        t = pb_bme280_compensate_t(&b->calib, adc_t, &t_fine);
        r = pb_sensor_publish(s, ret, PB_QUANTITY_TEMPERATURE, t / 100.0, (unsigned)adc_t, &bme280_t_range);
        if (r < 0)
                return r;
        p = pb_bme280_compensate_p(&b->calib, adc_p, t_fine);
        r = pb_sensor_publish(s, ret, PB_QUANTITY_PRESSURE, p / 256.0, (unsigned)adc_p, &bme280_p_range);
        if (r < 0)
                return r;
        if (b->humidity)
                pb_sample_set(ret, PB_QUANTITY_HUMIDITY,
                              pb_bme280_compensate_h(&b->calib, adc_h, t_fine) / 1024.0);
        return 0;
}

/* What the two variants share: addresses, transfers, state and functions. */
#define BME280_FAMILY                                                                 \
        .funcs = PB_I2C_FUNC_SMBUS_BYTE_DATA | PB_I2C_FUNC_SMBUS_I2C_BLOCK,           \
        .priv_size = sizeof(Bme280State), .probe = bme280_probe, .init = bme280_init, \
        .start = bme280_start, .collect = bme280_collect, PB_SENSOR_ADDRESSES(0x76, 0x77)

const PbSensorModel pb_sensor_model_bme280 = {
        .name = "bme280",
        .label = "BME280",
        .quantities = PB_Q(TEMPERATURE) | PB_Q(PRESSURE) | PB_Q(HUMIDITY),
        .autodetect = true,
        BME280_FAMILY,
};

const PbSensorModel pb_sensor_model_bmp280 = {
        .name = "bmp280",
        .label = "BMP280",
        .quantities = PB_Q(TEMPERATURE) | PB_Q(PRESSURE),
        .autodetect = false, /* model=auto finds it through the BME280's chip-id check */
        BME280_FAMILY,
};
