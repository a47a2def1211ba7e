/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* ROHM BH1750: one-time H-resolution mode. */

#include "sensors/driver.h"

#define BH1750_CMD_POWER_ON 0x01
#define BH1750_CMD_RESET    0x07
#define BH1750_CMD_ONE_H    0x20
#define BH1750_MTREG        69
#define BH1750_MEASURE_US   180000 /* datasheet: H-resolution mode, max */

static int bh1750_probe(PbSensor *s)
{
        /* No id: the power-on command being acknowledged is all we can check. */
        return pb_sensor_send_cmd8(s, BH1750_CMD_POWER_ON, "power on");
}

static int bh1750_init(PbSensor *s)
{
        /* Clears the data register (only accepted while powered on). */
        return pb_sensor_send_cmd8(s, BH1750_CMD_RESET, "reset");
}

static int bh1750_start(PbSensor *s, uint64_t *ret_us)
{
        /* One measurement, then the chip powers itself down. */
        return pb_sensor_send_cmd8(s, BH1750_CMD_ONE_H, "one-time H-resolution measurement");
}

static int bh1750_collect(PbSensor *s, PbSample *ret)
{
        uint8_t buf[2];
        int r = pb_sensor_read_bytes(s, buf, sizeof(buf), "measurement");

        if (r < 0)
                return r;
        /* Every count is a legal reading (0xffff is saturation, 54612 lx). */
        pb_sample_set(ret, PB_QUANTITY_ILLUMINANCE, pb_bh1750_lux(pb_be16(buf), BH1750_MTREG));
        return 0;
}

const PbSensorModel pb_sensor_model_bh1750 = {
        .name = "bh1750",
        .label = "BH1750",
        PB_SENSOR_ADDRESSES(0x23, 0x5C),
        .funcs = PB_I2C_FUNC_I2C,
        .quantities = PB_Q(ILLUMINANCE),
        .autodetect = false, /* no id */
        .measure_us = BH1750_MEASURE_US,
        .probe = bh1750_probe,
        .init = bh1750_init,
        .start = bh1750_start,
        .collect = bh1750_collect,
};
