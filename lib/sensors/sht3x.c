/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Sensirion SHT3x: single shot, high repeatability, no clock stretching. */

#include "sensors/driver.h"

#define SHT3X_CMD_MEASURE     0x2400
#define SHT3X_CMD_READ_STATUS 0xF32D
#define SHT3X_MEASURE_US      15500 /* datasheet table 4: high repeatability, max */

static int sht3x_probe(PbSensor *s)
{
        static const char *const names[] = { "status register" };
        uint16_t status;
        int r;

        r = pb_sensor_send_cmd16(s, SHT3X_CMD_READ_STATUS, "read status");
        if (r < 0)
                return r;
        r = pb_sensor_read_crc_words(s, 1, PB_SHT_CRC_INIT, "status register", names, &status);
        return r == -EBADMSG ? pb_sensor_not_model(s, "SHT3x") : r;
}

static int sht3x_start(PbSensor *s, uint64_t *ret_us)
{
        return pb_sensor_send_cmd16(s, SHT3X_CMD_MEASURE, "single-shot measurement");
}

static int sht3x_collect(PbSensor *s, PbSample *ret)
{
        return pb_sensor_collect_sht(s, pb_sht3x_humidity, ret);
}

const PbSensorModel pb_sensor_model_sht3x = {
        .name = "sht3x",
        .label = "SHT3x",
        PB_SENSOR_ADDRESSES(0x44, 0x45),
        .funcs = PB_I2C_FUNC_I2C,
        .quantities = PB_Q(TEMPERATURE) | PB_Q(HUMIDITY),
        .autodetect = true, /* the status register's CRC */
        .measure_us = SHT3X_MEASURE_US,
        .probe = sht3x_probe,
        .start = sht3x_start,
        .collect = sht3x_collect,
};
