/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* TI TMP102: one-shot conversions from shutdown mode. */

#include "sensors/driver.h"

#define TMP102_REG_TEMP   0x00
#define TMP102_REG_CONFIG 0x01

#define TMP102_CONFIG_OS  0x8000 /* write: start a one-shot conversion; read: 1 = conversion done */
#define TMP102_CONFIG_SD  0x0100 /* shutdown between conversions */
#define TMP102_CONFIG_EM  0x0010 /* extended (13-bit) mode */
/* Comparator mode, active low, 1 fault, 4 Hz (the power-on values), shutdown, 12-bit. */
#define TMP102_CONFIG        (0x00A0 | TMP102_CONFIG_SD)

#define TMP102_CONVERSION_US 35000 /* datasheet 6.5: 26 ms typical, 35 ms max */

/* Plausible temperatures: the operating range. */
static const PbSensorRange tmp102_t_range = {
        .min = -55.0, .max = 150.0, .decimals = 4, .raw = "register", .raw_digits = 4
};

static int tmp102_probe(PbSensor *s)
{
        uint16_t cfg = 0;

        /* No id register: the config register answering is all we can check. */
        return pb_sensor_read_reg16(s, TMP102_REG_CONFIG, &cfg);
}

static int tmp102_init(PbSensor *s)
{
        return pb_sensor_write_reg16(s, TMP102_REG_CONFIG, TMP102_CONFIG);
}

static int tmp102_start(PbSensor *s, uint64_t *ret_us)
{
        return pb_sensor_write_reg16(s, TMP102_REG_CONFIG, TMP102_CONFIG | TMP102_CONFIG_OS);
}

static int tmp102_collect(PbSensor *s, PbSample *ret)
{
        uint16_t cfg = 0, reg = 0;
        int r;

        r = pb_sensor_read_reg16(s, TMP102_REG_CONFIG, &cfg);
        if (r < 0)
                return r;
        if (!(cfg & TMP102_CONFIG_OS))
                return pb_sensor_fail(s, -EAGAIN, "still converting (config 0x%04x)", cfg);
        r = pb_sensor_read_reg16(s, TMP102_REG_TEMP, &reg);
        if (r < 0)
                return r;
        /* 12-bit results have bits 3..0 clear, 13-bit ones bits 2..1 clear and bit 0 set. */
        if (reg & 1 ? reg & 0x0006 : reg & 0x000F)
                return pb_sensor_fail(s, -ERANGE, "temperature register 0x%04x has its unused low bits set",
                                      reg);
        return pb_sensor_publish(s, ret, PB_QUANTITY_TEMPERATURE, pb_tmp102_temperature(reg), reg,
                                 &tmp102_t_range);
}

const PbSensorModel pb_sensor_model_tmp102 = {
        .name = "tmp102",
        .label = "TMP102",
        PB_SENSOR_ADDRESSES(0x48, 0x49, 0x4A, 0x4B),
        .funcs = PB_I2C_FUNC_SMBUS_WORD_DATA,
        .quantities = PB_Q(TEMPERATURE),
        .autodetect = false, /* no id register */
        .measure_us = TMP102_CONVERSION_US,
        .probe = tmp102_probe,
        .init = tmp102_init,
        .start = tmp102_start,
        .collect = tmp102_collect,
};
