/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Silicon Labs Si7021 (and Si7013, Si7020) and TE HTU21D, no-hold master
 * mode: one driver, as the HTU21D speaks the Si70xx command set and CRC and
 * answers the same electronic-id read, which tells them apart
 * (pb_sensor_set_variant()). The HTU21D lacks the "temperature of the last
 * humidity measurement" command, so it measures temperature and humidity
 * one after the other (two phases of one collect).
 */

#include "sensors/driver.h"

typedef struct Si7021State {
        unsigned phase; /* HTU21D: 0 measuring temperature, 1 humidity */
        uint16_t s_t;   /* HTU21D: the temperature word of phase 0 */
} Si7021State;

#define SI7021_CMD_MEASURE_RH 0xF5
#define SI7021_CMD_MEASURE_T  0xF3
#define SI7021_CMD_T_FROM_RH  0xE0 /* Si70xx only: T of the last RH measurement, no CRC */
#define SI7021_CMD_READ_USER  0xE7
#define SI7021_CMD_WRITE_USER 0xE6
#define SI7021_CMD_ID2        0xFCC9
#define SI7021_USER_RES_MASK  0x81 /* RES1 (bit 7), RES0 (bit 0); 00: RH 12 bit, T 14 bit */
#define HTU21D_ID             0x32
/* Datasheets' maximum conversion times at RH 12 bit, T 14 bit. Si70xx: an RH
 * measurement includes a temperature one. */
#define SI7021_RH_T_US (12000 + 10800)
#define HTU21D_T_US    50000
#define HTU21D_RH_US   16000

extern const PbSensorModel pb_sensor_model_si7021;
extern const PbSensorModel pb_sensor_model_htu21d;

/* Plausible temperatures: the operating range. */
static const PbSensorRange si7021_t_range = {
        .min = -40.0, .max = 125.0, .decimals = 2, .raw = "raw", .raw_digits = 4
};

static bool si70xx_id(uint8_t id)
{
        /* Si7013, Si7020, Si7021; 0x00 and 0xff are engineering samples. */
        return id == 0x0D || id == 0x14 || id == 0x15 || id == 0x00 || id == 0xFF;
}

static int si7021_probe(PbSensor *s)
{
        uint8_t buf[6];
        int r;

        r = pb_sensor_send_cmd16(s, SI7021_CMD_ID2, "read electronic id");
        if (r < 0)
                return r;
        r = pb_sensor_read_bytes(s, buf, sizeof(buf), "electronic id");
        if (r < 0)
                return r;
        if (buf[0] == HTU21D_ID)
                pb_sensor_set_variant(s, &pb_sensor_model_htu21d);
        else if (si70xx_id(buf[0]))
                pb_sensor_set_variant(s, &pb_sensor_model_si7021);
        else
                return pb_sensor_fail(
                        s, -ENODEV,
                        "device id 0x%02x, expected 0x15 (Si7021), 0x14 (Si7020), 0x0d (Si7013) or 0x32 "
                        "(HTU21D)",
                        buf[0]);
        return 0;
}

static int si7021_init(PbSensor *s)
{
        uint8_t user = 0;
        int r;

        r = pb_sensor_send_cmd8(s, SI7021_CMD_READ_USER, "read user register");
        if (r < 0)
                return r;
        r = pb_sensor_read_bytes(s, &user, 1, "user register");
        if (r < 0)
                return r;
        if (user & SI7021_USER_RES_MASK) {
                /* The measurement times assume full resolution. */
                const uint8_t cmd[2] = { SI7021_CMD_WRITE_USER, (uint8_t)(user & ~SI7021_USER_RES_MASK) };

                r = pb_sensor_send_cmd(s, cmd, 2, "write user register");
                if (r < 0)
                        return r;
        }
        return 0;
}

static int si7021_start(PbSensor *s, uint64_t *ret_us)
{
        Si7021State *si = pb_sensor_priv(s);
        int r;

        si->phase = 0;
        if (pb_sensor_get_model(s) == &pb_sensor_model_htu21d) {
                /* Temperature first, then (in collect) humidity: no 0xE0 on the HTU21D. */
                r = pb_sensor_send_cmd8(s, SI7021_CMD_MEASURE_T, "temperature measurement");
                if (r < 0)
                        return r;
                *ret_us = HTU21D_T_US;
                return 0;
        }
        r = pb_sensor_send_cmd8(s, SI7021_CMD_MEASURE_RH, "humidity measurement");
        if (r < 0)
                return r;
        *ret_us = SI7021_RH_T_US;
        return 0;
}

static int si7021_read_word(PbSensor *s, const char *what, uint16_t *ret)
{
        const char *const names[] = { what };

        return pb_sensor_read_crc_words(s, 1, PB_SI7021_CRC_INIT, what, names, ret);
}

static int si7021_convert(PbSensor *s, uint16_t st, uint16_t srh, PbSample *ret)
{
        double rh = pb_si7021_humidity(srh);
        int r = pb_sensor_publish(s, ret, PB_QUANTITY_TEMPERATURE, pb_si7021_temperature(st), st,
                                  &si7021_t_range);

        if (r < 0)
                return r;
        /* The datasheets: RH slightly outside 0..100 % is possible; clip it. */
        pb_sample_set(ret, PB_QUANTITY_HUMIDITY, rh < 0 ? 0 : rh > 100 ? 100 : rh);
        return 0;
}

static int si7021_collect(PbSensor *s, PbSample *ret)
{
        Si7021State *si = pb_sensor_priv(s);
        uint16_t srh = 0, st = 0;
        uint8_t buf[2];
        int r;

        if (pb_sensor_get_model(s) == &pb_sensor_model_htu21d) {
                if (si->phase == 0) {
                        r = si7021_read_word(s, "temperature", &si->s_t);
                        if (r < 0)
                                return r;
                        r = pb_sensor_send_cmd8(s, SI7021_CMD_MEASURE_RH, "humidity measurement");
                        if (r < 0)
                                return r;
                        si->phase = 1;
                        pb_sensor_set_retry(s, HTU21D_RH_US);
                        return pb_sensor_fail(s, -EAGAIN, "humidity measurement started");
                }
                r = si7021_read_word(s, "humidity", &srh);
                if (r == -ENXIO || r == -EREMOTEIO) {
                        /* NAK: still converting (after the humidity time, the caller's bound ends this). */
                        pb_sensor_set_retry(s, 1000);
                        return pb_sensor_fail(s, -EAGAIN,
                                              "humidity measurement in progress (read not acknowledged)");
                }
                if (r < 0)
                        return r;
                return si7021_convert(s, si->s_t, srh, ret);
        }

        r = si7021_read_word(s, "humidity", &srh);
        if (r < 0)
                return r;
        r = pb_sensor_send_cmd8(s, SI7021_CMD_T_FROM_RH, "read temperature");
        if (r < 0)
                return r;
        r = pb_sensor_read_bytes(s, buf, sizeof(buf), "temperature");
        if (r < 0)
                return r;
        st = pb_be16(buf);
        return si7021_convert(s, st, srh, ret);
}

/* What the two variants share: address, transfers, state and functions. */
#define SI7021_FAMILY                                                                      \
        .funcs = PB_I2C_FUNC_I2C, .priv_size = sizeof(Si7021State), .probe = si7021_probe, \
        .init = si7021_init, .start = si7021_start, .collect = si7021_collect, PB_SENSOR_ADDRESSES(0x40)

const PbSensorModel pb_sensor_model_si7021 = {
        .name = "si7021",
        .label = "Si7021",
        .quantities = PB_Q(TEMPERATURE) | PB_Q(HUMIDITY),
        .autodetect = true, /* electronic id; finds an HTU21D too */
        SI7021_FAMILY,
};

const PbSensorModel pb_sensor_model_htu21d = {
        .name = "htu21d",
        .label = "HTU21D",
        .quantities = PB_Q(TEMPERATURE) | PB_Q(HUMIDITY),
        .autodetect = false, /* model=auto finds it through the Si7021's id check */
        SI7021_FAMILY,
};
