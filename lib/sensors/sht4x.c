/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Sensirion SHT4x: high precision measurement. */

#include "sensors/driver.h"

#define SHT4X_CMD_MEASURE_HIGH 0xFD
#define SHT4X_CMD_SERIAL       0x89
#define SHT4X_MEASURE_US       8300 /* datasheet table 4: high repeatability, max */

static int sht4x_probe(PbSensor *s)
{
        static const char *const names[] = { "serial number", "serial number" };
        uint16_t serial[2];
        int r;

        r = pb_sensor_send_cmd8(s, SHT4X_CMD_SERIAL, "read serial number");
        if (r < 0)
                return r;
        r = pb_sensor_read_crc_words(s, 2, PB_SHT_CRC_INIT, "serial number", names, serial);
        return r == -EBADMSG ? pb_sensor_not_model(s, "SHT4x") : r;
}

static int sht4x_start(PbSensor *s, uint64_t *ret_us)
{
        return pb_sensor_send_cmd8(s, SHT4X_CMD_MEASURE_HIGH, "measurement");
}

static int sht4x_collect(PbSensor *s, PbSample *ret)
{
        return pb_sensor_collect_sht(s, pb_sht4x_humidity, ret); /* RH clipped to 0..100 */
}

const PbSensorModel pb_sensor_model_sht4x = {
        .name = "sht4x",
        .label = "SHT4x",
        PB_SENSOR_ADDRESSES(0x44, 0x45, 0x46),
        .funcs = PB_I2C_FUNC_I2C,
        .quantities = PB_Q(TEMPERATURE) | PB_Q(HUMIDITY),
        .autodetect = true, /* the serial number's CRCs */
        .measure_us = SHT4X_MEASURE_US,
        .probe = sht4x_probe,
        .start = sht4x_start,
        .collect = sht4x_collect,
};
