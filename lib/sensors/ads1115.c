/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* TI ADS1115: single-shot conversions, options channel, gain, rate. */

#include "sensors/driver.h"

#define ADS1115_REG_CONVERSION 0x00
#define ADS1115_REG_CONFIG     0x01
#define ADS1115_CONFIG_OS      0x8000

enum { ADS1115_OPT_CHANNEL, ADS1115_OPT_GAIN, ADS1115_OPT_RATE };

static const PbSensorOptionValue ads1115_channels[] = {
        { "0", PB_ADS1115_MUX_AIN0 },
        { "1", PB_ADS1115_MUX_AIN1 },
        { "2", PB_ADS1115_MUX_AIN2 },
        { "3", PB_ADS1115_MUX_AIN3 },
        { "0-1", PB_ADS1115_MUX_AIN0_AIN1 },
        { "0-3", PB_ADS1115_MUX_AIN0_AIN3 },
        { "1-3", PB_ADS1115_MUX_AIN1_AIN3 },
        { "2-3", PB_ADS1115_MUX_AIN2_AIN3 },
        {},
};

/* Gain as the full-scale range in volts. */
static const PbSensorOptionValue ads1115_gains[] = {
        { "6.144", 0 }, { "4.096", 1 }, { "2.048", 2 }, { "1.024", 3 }, { "0.512", 4 }, { "0.256", 5 }, {},
};

static const PbSensorOptionValue ads1115_rates[] = {
        { "8", 0 },   { "16", 1 },  { "32", 2 },  { "64", 3 }, { "128", 4 },
        { "250", 5 }, { "475", 6 }, { "860", 7 }, {},
};

static const PbSensorOption ads1115_options[] = {
        [ADS1115_OPT_CHANNEL] = { "channel", ads1115_channels, PB_ADS1115_MUX_AIN0 },
        [ADS1115_OPT_GAIN] = { "gain", ads1115_gains, 1 }, /* ±4.096 V: a 3.3 V supply's whole range */
        [ADS1115_OPT_RATE] = { "rate", ads1115_rates, 4 }, /* 128 SPS, the power-on rate */
};

static uint16_t ads1115_config(const PbSensor *s)
{
        return pb_ads1115_single_shot_config(pb_sensor_option(s, ADS1115_OPT_CHANNEL),
                                             pb_sensor_option(s, ADS1115_OPT_GAIN),
                                             pb_sensor_option(s, ADS1115_OPT_RATE));
}

static int ads1115_probe(PbSensor *s)
{
        uint16_t cfg = 0;

        /* No id register: the config register answering is all we can check. */
        return pb_sensor_read_reg16(s, ADS1115_REG_CONFIG, &cfg);
}

static int ads1115_init(PbSensor *s)
{
        /* The chosen input, gain and rate, powered down until the first conversion. */
        return pb_sensor_write_reg16(s, ADS1115_REG_CONFIG, ads1115_config(s) & ~ADS1115_CONFIG_OS);
}

static int ads1115_start(PbSensor *s, uint64_t *ret_us)
{
        int r = pb_sensor_write_reg16(s, ADS1115_REG_CONFIG, ads1115_config(s));

        if (r < 0)
                return r;
        *ret_us = pb_ads1115_conversion_us(pb_sensor_option(s, ADS1115_OPT_RATE));
        return 0;
}

static int ads1115_collect(PbSensor *s, PbSample *ret)
{
        uint16_t cfg = 0, raw = 0, want = ads1115_config(s);
        int r;

        r = pb_sensor_read_reg16(s, ADS1115_REG_CONFIG, &cfg);
        if (r < 0)
                return r;
        if ((cfg & ~ADS1115_CONFIG_OS) != (want & ~ADS1115_CONFIG_OS))
                return pb_sensor_fail(
                        s, -ERANGE,
                        "config register reads 0x%04x, expected 0x%04x: chip reset or not an ADS1115", cfg,
                        want);
        if (!(cfg & ADS1115_CONFIG_OS))
                return pb_sensor_fail(s, -EAGAIN, "still converting (config 0x%04x)", cfg);
        r = pb_sensor_read_reg16(s, ADS1115_REG_CONVERSION, &raw);
        if (r < 0)
                return r;
        pb_sample_set(ret, PB_QUANTITY_VOLTAGE,
                      pb_ads1115_voltage(raw, pb_sensor_option(s, ADS1115_OPT_GAIN)));
        return 0;
}

const PbSensorModel pb_sensor_model_ads1115 = {
        .name = "ads1115",
        .label = "ADS1115",
        PB_SENSOR_ADDRESSES(0x48, 0x49, 0x4A, 0x4B),
        .funcs = PB_I2C_FUNC_SMBUS_WORD_DATA,
        .quantities = PB_Q(VOLTAGE),
        .autodetect = false, /* no id register */
        .options = ads1115_options,
        .n_options = ELEMENTSOF(ads1115_options),
        .probe = ads1115_probe,
        .init = ads1115_init,
        .start = ads1115_start,
        .collect = ads1115_collect,
};
