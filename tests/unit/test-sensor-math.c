/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The pure sensor conversions (lib/sensors/math.h) against every known answer
 * in shared/sensors/VECTORS.md. Bosch results are asserted in the
 * DS/KERNEL reference (arithmetic shifts); where Bosch's own API differs, the
 * difference is asserted to be the documented 1 LSB.
 */

#include <math.h>

#include "bme280-reference.h"
#include "sensors/math.h"
#include "test-util.h"

#define ck_assert_double_near(x, y, tol) ck_assert_double_eq_tol((double)(x), (double)(y), (double)(tol))

/* ------------------------------------------------------------------------ */
/* Bosch BME280 / BMP280 */

typedef struct BoschVector {
        const char *name;
        uint8_t tp[26];
        bool has_h;
        uint8_t h[7];
        uint8_t data[8];
        size_t n_data;
        /* Expected, DS/KERNEL. */
        int32_t adc_p, adc_t, adc_h;
        int32_t t_fine, t;
        uint32_t p_q24_8, p_int32, h_q22_10;
} BoschVector;

static const BoschVector bosch[] = {
        {
                .name = "V1 BME280 (periph TestI2CSenseBME280_success)",
                .tp = { 0x10, 0x6E, 0x6C, 0x66, 0x32, 0x00, 0x5D, 0x95, 0xB8, 0xD5, 0xD0, 0x0B, 0x77,
                        0x1E, 0x9D, 0xFF, 0xF9, 0xFF, 0xAC, 0x26, 0x0A, 0xD8, 0xBD, 0x10, 0x00, 0x4B },
                .has_h = true,
                .h = { 0x6E, 0x01, 0x00, 0x13, 0x05, 0x00, 0x1E },
                .data = { 0x4A, 0x52, 0xC0, 0x80, 0x96, 0xC0, 0x7A, 0x76 },
                .n_data = 8,
                .adc_p = 304428,
                .adc_t = 526700,
                .adc_h = 31350,
                .t_fine = 121449,
                .t = 2372,
                .p_q24_8 = 25841330,
                .p_int32 = 100945,
                .h_q22_10 = 66873,
        },
        {
                .name = "V1 as BMP280 (periph TestI2CSenseBMP280_success: 6 data bytes)",
                .tp = { 0x10, 0x6E, 0x6C, 0x66, 0x32, 0x00, 0x5D, 0x95, 0xB8, 0xD5, 0xD0, 0x0B, 0x77,
                        0x1E, 0x9D, 0xFF, 0xF9, 0xFF, 0xAC, 0x26, 0x0A, 0xD8, 0xBD, 0x10, 0x00, 0x4B },
                .data = { 0x4A, 0x52, 0xC0, 0x80, 0x96, 0xC0 },
                .n_data = 6,
                .adc_p = 304428,
                .adc_t = 526700,
                .adc_h = PB_BME280_ADC_SKIPPED_H,
                .t_fine = 121449,
                .t = 2372,
                .p_q24_8 = 25841330,
                .p_int32 = 100945,
        },
        {
                .name = "V2 BME280 (periph TestCalibration280Int)",
                .tp = { 0x10, 0x6E, 0x6C, 0x66, 0x5E, 0x01, 0x5D, 0x95, 0xB8, 0xD5, 0xD0, 0x0B, 0x77,
                        0x1E, 0x9D, 0xFF, 0xF9, 0xFF, 0xAC, 0x26, 0x0A, 0xD8, 0xBD, 0x10, 0x00, 0x4B },
                .has_h = true,
                .h = { 0x6E, 0x01, 0x00, 0x13, 0x05, 0x00, 0x1E },
                .data = { 0x4B, 0x77, 0x00, 0x7F, 0xF5, 0x00, 0x79, 0x0B },
                .n_data = 8,
                .adc_p = 309104,
                .adc_t = 524112,
                .adc_h = 30987,
                .t_fine = 117407,
                .t = 2293,
                .p_q24_8 = 25611063,
                .p_int32 = 100045,
                .h_q22_10 = 64686,
        },
        {
                .name = "V3 BMP280 datasheet worked example",
                /* 0xA0/0xA1 are not part of the example: zero. */
                .tp = { 0x70, 0x6B, 0x43, 0x67, 0x18, 0xFC, 0x7D, 0x8E, 0x43, 0xD6, 0xD0, 0x0B, 0x27,
                        0x0B, 0x8C, 0x00, 0xF9, 0xFF, 0x8C, 0x3C, 0xF8, 0xC6, 0x70, 0x17, 0x00, 0x00 },
                .data = { 0x65, 0x5A, 0xC0, 0x7E, 0xED, 0x00 },
                .n_data = 6,
                .adc_p = 415148,
                .adc_t = 519888,
                .adc_h = PB_BME280_ADC_SKIPPED_H,
                .t_fine = 128422,
                .t = 2508,
                .p_q24_8 = 25767233,
                .p_int32 = 100656,
        },
};

START_TEST(test_bosch_vector)
{
        const BoschVector *v = &bosch[_i];
        PbBme280Calib c;
        int32_t adc_p, adc_t, adc_h, t_fine = 0;

        pb_bme280_parse_calib(v->tp, v->has_h ? v->h : NULL, &c);
        pb_bme280_parse_data(v->data, v->n_data, &adc_p, &adc_t, &adc_h);
        ck_assert_msg(adc_p == v->adc_p && adc_t == v->adc_t && adc_h == v->adc_h, "%s: adc %d %d %d",
                      v->name, adc_p, adc_t, adc_h);
        ck_assert_int_eq(pb_bme280_compensate_t(&c, adc_t, &t_fine), v->t);
        ck_assert_int_eq(t_fine, v->t_fine);
        ck_assert_uint_eq(pb_bme280_compensate_p(&c, adc_p, t_fine), v->p_q24_8);
        ck_assert_uint_eq(pb_bme280_compensate_p_int32(&c, adc_p, t_fine), v->p_int32);
        if (v->has_h)
                ck_assert_uint_eq(pb_bme280_compensate_h(&c, adc_h, t_fine), v->h_q22_10);
}
END_TEST

START_TEST(test_bosch_v1_decoded_calibration)
{
        PbBme280Calib c;

        pb_bme280_parse_calib(bosch[0].tp, bosch[0].h, &c);
        ck_assert_uint_eq(c.t1, 28176);
        ck_assert_int_eq(c.t2, 26220);
        ck_assert_int_eq(c.t3, 50);
        ck_assert_uint_eq(c.p1, 38237);
        ck_assert_int_eq(c.p2, -10824);
        ck_assert_int_eq(c.p3, 3024);
        ck_assert_int_eq(c.p4, 7799);
        ck_assert_int_eq(c.p5, -99);
        ck_assert_int_eq(c.p6, -7);
        ck_assert_int_eq(c.p7, 9900);
        ck_assert_int_eq(c.p8, -10230);
        ck_assert_int_eq(c.p9, 4285);
        ck_assert_uint_eq(c.h1, 75);
        ck_assert_int_eq(c.h2, 366);
        ck_assert_uint_eq(c.h3, 0);
        ck_assert_int_eq(c.h4, 309);
        ck_assert_int_eq(c.h5, 0);
        ck_assert_int_eq(c.h6, 30);

        /* Without the humidity block (BMP280) the humidity fields stay 0. */
        pb_bme280_parse_calib(bosch[0].tp, NULL, &c);
        ck_assert_uint_eq(c.t1, 28176);
        ck_assert_uint_eq(c.h1, 0);
        ck_assert_int_eq(c.h2, 0);
        ck_assert_int_eq(c.h6, 0);
}
END_TEST

START_TEST(test_bosch_v1_si_values)
{
        PbBme280Calib c;
        int32_t t_fine;

        pb_bme280_parse_calib(bosch[0].tp, bosch[0].h, &c);
        ck_assert_double_near(pb_bme280_compensate_t(&c, 526700, &t_fine) / 100.0, 23.72, 1e-9);
        /* periph asserts 100942695312500 nPa = 25841330 × 3906250. */
        ck_assert_double_near(pb_bme280_compensate_p(&c, 304428, t_fine) / 256.0, 100942.6953125, 1e-9);
        /* periph: 6530560 × 0.1 µRH; kernel IIO: 65305 m%RH. */
        ck_assert_int_eq((int64_t)pb_bme280_compensate_h(&c, 31350, t_fine) * 10000 / 1024 * 10, 6530560);
        ck_assert_int_eq((int64_t)pb_bme280_compensate_h(&c, 31350, t_fine) * 1000 / 1024, 65305);
}
END_TEST

/* V4: DS/KERNEL and BOSCH-API differ by at most 1 LSB (and in the API's
 * temperature clamp), with V2's calibration, adc_P = 309104, adc_H = 30987. */
static const struct {
        int32_t adc_t;
        int32_t t_fine, t;
        uint32_t p, h;
        int32_t api_t_fine; /* BOSCH-API column */
        uint32_t api_h;
} v4[] = {
        { 400000, -81271, -1587, 23974303, 59092, -81270, 59092 },
        { 300000, -240895, -4705, 22710279, 54588, -240894, 54590 },
        { 450123, -1114, -22, 24627010, 61350, -1113, 61351 },
};

START_TEST(test_bosch_v4_divergence)
{
        PbBme280Calib c;
        int32_t t_fine;

        pb_bme280_parse_calib(bosch[2].tp, bosch[2].h, &c);
        ck_assert_int_eq(pb_bme280_compensate_t(&c, v4[_i].adc_t, &t_fine), v4[_i].t);
        ck_assert_int_eq(t_fine, v4[_i].t_fine);
        ck_assert_uint_eq(pb_bme280_compensate_p(&c, 309104, t_fine), v4[_i].p);
        ck_assert_uint_eq(pb_bme280_compensate_h(&c, 30987, t_fine), v4[_i].h);
        /* The other reference is within the documented 1 LSB of t_fine (2 LSB of H through it). */
        ck_assert_int_le(abs(t_fine - v4[_i].api_t_fine), 1);
        ck_assert_int_le(abs((int)pb_bme280_compensate_h(&c, 30987, t_fine) - (int)v4[_i].api_h), 2);
}
END_TEST

START_TEST(test_bosch_v3_api_t_fine_differs_by_one)
{
        PbBme280Calib c;
        int32_t t_fine;

        pb_bme280_parse_calib(bosch[3].tp, NULL, &c);
        ck_assert_int_eq(pb_bme280_compensate_t(&c, 519888, &t_fine), 2508);
        /* BOSCH-API: 128423 (division rounding); DS/KERNEL: 128422. */
        ck_assert_int_eq(t_fine, 128422);
        ck_assert_int_eq(128423 - t_fine, 1);
        /* BOSCH-API P 10065328 × 0.01 Pa vs DS/KERNEL 25767233 / 256 Pa: same to 0.03 Pa. */
        ck_assert_double_near(pb_bme280_compensate_p(&c, 415148, t_fine) / 256.0, 100653.28, 0.03);
}
END_TEST

START_TEST(test_bosch_double)
{
        PbBme280Calib c;
        PbBme280Double d;

        /* V2 DOUBLE (computed from the datasheet routines; periph's float helpers are not these). */
        pb_bme280_parse_calib(bosch[2].tp, bosch[2].h, &c);
        pb_bme280_compensate_double(&c, 524112, 309104, 30987, &d);
        /* (22.93127 °C × 5120 = 117408.1: one above the integer routine's 117407.) */
        ck_assert_int_eq(d.t_fine, 117408);
        ck_assert_double_near(d.t, 22.9312696432, 1e-9);
        ck_assert_double_near(d.p, 100043.251275, 1e-6);
        ck_assert_double_near(d.h, 63.1655249, 1e-7);
        /* V3 DOUBLE: 25.0824779308 °C; 100653.258 Pa with the truncated t_fine. */
        pb_bme280_parse_calib(bosch[3].tp, NULL, &c);
        pb_bme280_compensate_double(&c, 519888, 415148, PB_BME280_ADC_SKIPPED_H, &d);
        ck_assert_double_near(d.t, 25.0824779308, 1e-9);
        ck_assert_double_near(d.p, 100653.258, 5e-4);
        ck_assert_int_eq(d.t_fine, 128422);
        /* V1: the integer routines (what the driver publishes) stay close to the double ones;
         * their truncations put t_fine at 121449 against the double's 121457 (computed). */
        pb_bme280_parse_calib(bosch[0].tp, bosch[0].h, &c);
        pb_bme280_compensate_double(&c, 526700, 304428, 31350, &d);
        ck_assert_int_eq(d.t_fine, 121457);
        ck_assert_double_near(d.t, 23.72, 0.005);
        ck_assert_double_near(d.p, 100942.6953, 0.5);
        ck_assert_double_near(d.h, 65.3057, 0.005);
}
END_TEST

START_TEST(test_bosch_v5_h4_h5_sign)
{
        const uint8_t h[7] = { 0x6E, 0x01, 0x00, 0xF1, 0x2E, 0xFD, 0x1E };
        PbBme280Calib c;

        pb_bme280_parse_calib(bosch[0].tp, h, &c);
        ck_assert_int_eq(c.h4, -226);
        ck_assert_int_eq(c.h5, -46);
}
END_TEST

START_TEST(test_bosch_humidity_clamped)
{
        PbBme280Calib c;
        int32_t t_fine;

        pb_bme280_parse_calib(bosch[0].tp, bosch[0].h, &c);
        pb_bme280_compensate_t(&c, 526700, &t_fine);
        /* Raw extremes stay within 0..100 %RH (Q22.10 0..102400). */
        ck_assert_uint_eq(pb_bme280_compensate_h(&c, 0, t_fine), 0);
        ck_assert_uint_eq(pb_bme280_compensate_h(&c, 0xFFFF, t_fine), 102400);
}
END_TEST

START_TEST(test_bosch_pressure_undefined_p1_zero)
{
        PbBme280Calib c;

        pb_bme280_parse_calib(bosch[0].tp, bosch[0].h, &c);
        c.p1 = 0;
        ck_assert_uint_eq(pb_bme280_compensate_p(&c, 304428, 121449), 0);
        ck_assert_uint_eq(pb_bme280_compensate_p_int32(&c, 304428, 121449), 0);
}
END_TEST

START_TEST(test_bosch_garbage_calibration_is_defined)
{
        uint8_t ones[26], hones[7];
        PbBme280Calib c;
        int32_t t_fine;

        /* A bus reading all ones must not overflow (UBSan watches this run). */
        memset(ones, 0xFF, sizeof(ones));
        memset(hones, 0xFF, sizeof(hones));
        pb_bme280_parse_calib(ones, hones, &c);
        (void)pb_bme280_compensate_t(&c, 0xFFFFF, &t_fine);
        (void)pb_bme280_compensate_p(&c, 0xFFFFF, t_fine);
        (void)pb_bme280_compensate_h(&c, 0xFFFF, t_fine);
        (void)pb_bme280_compensate_t(&c, 0, &t_fine);
        (void)pb_bme280_compensate_p(&c, 0, t_fine);
        ck_assert_uint_le(pb_bme280_compensate_h(&c, 0, t_fine), 102400);
}
END_TEST

START_TEST(test_bosch_measurement_time)
{
        /* Appendix B: x1 everywhere 9.3 ms; BMP280 (no humidity) 6.425 ms. */
        ck_assert_uint_eq(pb_bme280_max_measurement_us(1, 1, 1), 9300);
        ck_assert_uint_eq(pb_bme280_max_measurement_us(1, 1, 0), 6425);
        /* x16 T, x16 P, x16 H: 1.25 + 36.8 + 37.375 + 37.375 = 112.8 ms. */
        ck_assert_uint_eq(pb_bme280_max_measurement_us(5, 5, 5), 112800);
        ck_assert_uint_eq(pb_bme280_max_measurement_us(2, 3, 0), 1250 + 4600 + 9200 + 575);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Sensirion CRC and conversions */

static uint8_t crc16of(uint16_t w, uint8_t init)
{
        uint8_t b[2] = { (uint8_t)(w >> 8), (uint8_t)w };

        return pb_crc8(b, 2, init);
}

START_TEST(test_sht_crc)
{
        ck_assert_uint_eq(crc16of(0xBEEF, PB_SHT_CRC_INIT), 0x92); /* datasheet Table 20 */
        ck_assert_uint_eq(crc16of(0x0000, PB_SHT_CRC_INIT), 0x81);
        ck_assert_uint_eq(crc16of(0xFFFF, PB_SHT_CRC_INIT), 0xAC);
        ck_assert_uint_eq(crc16of(0x6666, PB_SHT_CRC_INIT), 0x93);
        ck_assert_uint_eq(crc16of(0x8000, PB_SHT_CRC_INIT), 0xA2);
}
END_TEST

static const struct {
        uint16_t s;
        double t, rh3, rh4;         /* datasheet (SHT4x clipped) */
        int32_t t_mc, rh3_m, rh4_m; /* kernel */
} sht[] = {
        { 0x6666, 25.0000, 40.0000, 44.0000, 24998, 39999, 43999 },
        { 0x8000, 42.5013, 50.0008, 56.5010, 42500, 50000, 56500 },
        { 0x0000, -45.0000, 0.0, 0.0, -45000, 0, -6000 },
        { 0xFFFF, 130.0000, 100.0000, 100.0, 129997, 99998, 118998 },
};

START_TEST(test_sht_conversions)
{
        ck_assert_double_near(pb_sht_temperature(sht[_i].s), sht[_i].t, 5e-5);
        ck_assert_double_near(pb_sht3x_humidity(sht[_i].s), sht[_i].rh3, 5e-5);
        ck_assert_double_near(pb_sht4x_humidity(sht[_i].s), sht[_i].rh4, 5e-5);
        ck_assert_int_eq(pb_sht_temperature_mc(sht[_i].s), sht[_i].t_mc);
        ck_assert_int_eq(pb_sht3x_humidity_mpercent(sht[_i].s), sht[_i].rh3_m);
        ck_assert_int_eq(pb_sht4x_humidity_mpercent(sht[_i].s), sht[_i].rh4_m);
}
END_TEST

START_TEST(test_sht_frame_example)
{
        const uint8_t frame[6] = { 0x66, 0x66, 0x93, 0x80, 0x00, 0xA2 };

        ck_assert_uint_eq(pb_crc8(frame, 2, PB_SHT_CRC_INIT), frame[2]);
        ck_assert_uint_eq(pb_crc8(frame + 3, 2, PB_SHT_CRC_INIT), frame[5]);
        /* A word with its CRC checks to 0. */
        ck_assert_uint_eq(pb_crc8(frame, 3, PB_SHT_CRC_INIT), 0);
        ck_assert_double_near(pb_sht_temperature(0x6666), 25.00, 0.005);
        ck_assert_double_near(pb_sht3x_humidity(0x8000), 50.00, 0.005);
}
END_TEST

START_TEST(test_si7021_crc)
{
        const uint8_t one = 0xDC;

        ck_assert_uint_eq(pb_crc8(&one, 1, PB_SI7021_CRC_INIT), 0x79);
        ck_assert_uint_eq(crc16of(0x683A, PB_SI7021_CRC_INIT), 0x7C);
        ck_assert_uint_eq(crc16of(0x4E85, PB_SI7021_CRC_INIT), 0x6B);
}
END_TEST

static const struct {
        uint16_t s;
        double t, rh; /* VECTORS.md, computed from S with its status bits */
        int32_t t_mc, rh_m;
} si7021[] = {
        { 0x683A, 24.6918, 44.8919, 24691, 44890 },
        { 0x4E85, 7.0463, 32.3396, 7046, 32330 },
        { 0x7C80, 38.6076, 54.7910, 38607, 54790 },
};

START_TEST(test_si7021_conversions)
{
        uint16_t s = si7021[_i].s, masked = s & 0xFFFC;

        /* Kernel integer forms: S as read, unmasked. */
        ck_assert_int_eq(pb_si7021_temperature_mc(s), si7021[_i].t_mc);
        ck_assert_int_eq(pb_si7021_humidity_mpercent(s), si7021[_i].rh_m);
        /* Decision: the datasheet's status bits are cleared before converting, so
         * S and S with other status bits give the same value... */
        ck_assert_double_eq(pb_si7021_temperature(s), pb_si7021_temperature(masked));
        ck_assert_double_eq(pb_si7021_temperature(s), pb_si7021_temperature(masked | 3));
        ck_assert_double_eq(pb_si7021_humidity(s), pb_si7021_humidity(masked | 2));
        ck_assert_double_near(pb_si7021_temperature(s), 175.72 * masked / 65536 - 46.85, 1e-12);
        ck_assert_double_near(pb_si7021_humidity(s), 125.0 * masked / 65536 - 6, 1e-12);
        /* ...which is within 3 LSB (of 175.72 / 65536 °C, 125 / 65536 %RH) of the unmasked value. */
        ck_assert_double_near(pb_si7021_temperature(s), si7021[_i].t, 3 * 175.72 / 65536 + 5e-5);
        ck_assert_double_near(pb_si7021_humidity(s), si7021[_i].rh, 3 * 125.0 / 65536 + 5e-5);
        ck_assert_double_le(pb_si7021_temperature(s), si7021[_i].t + 5e-5);
}
END_TEST

START_TEST(test_si7021_status_bits_change_value_when_unmasked)
{
        /* 0x683A has status bits 10: masking moves T by 2 LSB. */
        ck_assert_double_near(pb_si7021_temperature(0x683A), 24.6918 - 2 * 175.72 / 65536, 5e-5);
        ck_assert_double_near(pb_si7021_humidity(0x4E85), 32.3396 - 1 * 125.0 / 65536, 5e-5);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* TMP102, MCP9808, ADS1115, BH1750 */

static const struct {
        uint16_t reg;
        double t;
} tmp102[] = {
        /* Datasheet Table 5 (12-bit). */
        { 0x1900, 25.0 },
        { 0xE700, -25.0 },
        { 0xFFC0, -0.25 },
        { 0xC900, -55.0 },
        { 0x7FF0, 127.9375 },
        { 0x0010, 0.0625 },
        { 0xFFF0, -0.0625 },
        { 0x0000, 0.0 },
        /* 13-bit (EM = 1). */
        { 0x0C81, 25.0 },
        { 0x4B01, 150.0 },
};

START_TEST(test_tmp102)
{
        ck_assert_double_eq(pb_tmp102_temperature(tmp102[_i].reg), tmp102[_i].t);
        ck_assert_int_eq(pb_tmp102_temperature_mc(tmp102[_i].reg), (int32_t)(tmp102[_i].t * 1000));
}
END_TEST

START_TEST(test_mcp9808)
{
        ck_assert_int_eq(pb_mcp9808_temperature_mc(0x0190), 25000);
        ck_assert_int_eq(pb_mcp9808_temperature_mc(0x1E70), -25000);
        ck_assert_int_eq(pb_mcp9808_temperature_mc(0xC190), 25000);
        ck_assert_int_eq(pb_mcp9808_temperature_mc(0x0001), 62);
        ck_assert_double_eq(pb_mcp9808_temperature(0x0190), 25.0);
        ck_assert_double_eq(pb_mcp9808_temperature(0x1E70), -25.0);
        ck_assert_double_eq(pb_mcp9808_temperature(0xC190), 25.0);
        ck_assert_double_eq(pb_mcp9808_temperature(0x0001), 0.0625);
        ck_assert_double_eq(pb_mcp9808_temperature(0x1FFF), -0.0625);
        ck_assert_uint_eq(pb_mcp9808_alert_flags(0xC190), 6);
        ck_assert_uint_eq(pb_mcp9808_alert_flags(0x0190), 0);
        ck_assert_uint_eq(pb_mcp9808_alert_flags(0x2190), 1);
}
END_TEST

START_TEST(test_ads1115_full_scale)
{
        const double fs[8] = { 6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256 };

        for (unsigned pga = 0; pga < 8; pga++) {
                ck_assert_double_eq(pb_ads1115_full_scale(pga), fs[pga]);
                /* Full-scale codes and one LSB for every PGA row. */
                ck_assert_double_near(pb_ads1115_voltage(0x8000, pga), -fs[pga], 1e-12);
                ck_assert_double_near(pb_ads1115_voltage(0x0001, pga), fs[pga] / 32768, 1e-15);
                ck_assert_double_near(pb_ads1115_voltage(0x7FFF, pga), fs[pga] * 32767 / 32768, 1e-12);
                ck_assert_double_eq(pb_ads1115_voltage(0, pga), 0.0);
                ck_assert_double_near(pb_ads1115_voltage(0xFFFF, pga), -fs[pga] / 32768, 1e-15);
        }
}
END_TEST

START_TEST(test_ads1115_vectors)
{
        ck_assert_double_near(pb_ads1115_voltage(0x7FFF, 1), 4.095875, 1e-9);
        ck_assert_double_near(pb_ads1115_voltage(0x4000, 1), 2.048, 1e-12);
        ck_assert_double_near(pb_ads1115_voltage(0x8000, 1), -4.096, 1e-12);
        ck_assert_double_near(pb_ads1115_voltage(1, 1), 125e-6, 1e-15);
        ck_assert_double_near(pb_ads1115_voltage(1, 2), 62.5e-6, 1e-15);
        ck_assert_double_near(pb_ads1115_voltage(0x7FFF, 2), 2.047938, 1e-6);
}
END_TEST

START_TEST(test_ads1115_config)
{
        /* AIN0 vs GND, ±4.096 V, 128 SPS, single-shot, comparator off. */
        ck_assert_uint_eq(pb_ads1115_single_shot_config(PB_ADS1115_MUX_AIN0, 1, 4), 0xC383);
        /* The power-on config 0x8583 differs only in MUX (AIN0-AIN1) and PGA (2.048 V). */
        ck_assert_uint_eq(pb_ads1115_single_shot_config(PB_ADS1115_MUX_AIN0_AIN1, 2, 4), 0x8583);
        ck_assert_uint_eq(pb_ads1115_single_shot_config(PB_ADS1115_MUX_AIN3, 5, 7), 0xFBE3);
        ck_assert_uint_eq(pb_ads1115_rates[0], 8);
        ck_assert_uint_eq(pb_ads1115_rates[7], 860);
        /* 1 / (0.9 × 128) s = 8680.6 µs, + 100 µs. */
        ck_assert_uint_eq(pb_ads1115_conversion_us(4), 8681 + 100);
        ck_assert_uint_eq(pb_ads1115_conversion_us(0), 138889 + 100);
        ck_assert_uint_eq(pb_ads1115_conversion_us(7), 1292 + 100);
}
END_TEST

START_TEST(test_bh1750)
{
        /* Datasheet example: 0x8390 = 33680 counts -> 28067 lx (28066.67). */
        ck_assert_double_near(pb_bh1750_lux(0x8390, 69), 28066.6667, 1e-4);
        ck_assert_int_eq((int)lround(pb_bh1750_lux(0x8390, 69)), 28067);
        ck_assert_double_near(pb_bh1750_lux(0x8390, 138), 28066.6667 / 2, 1e-4);
        ck_assert_double_eq(pb_bh1750_lux(0, 69), 0.0);
}
END_TEST

static Suite *sensor_math_suite(void)
{
        Suite *s = suite_create("sensor-math");
        TCase *tc;

        tc = tcase_create("bosch");
        tcase_add_loop_test(tc, test_bosch_vector, 0, (int)ELEMENTSOF_T(bosch));
        tcase_add_test(tc, test_bosch_v1_decoded_calibration);
        tcase_add_test(tc, test_bosch_v1_si_values);
        tcase_add_loop_test(tc, test_bosch_v4_divergence, 0, (int)ELEMENTSOF_T(v4));
        tcase_add_test(tc, test_bosch_v3_api_t_fine_differs_by_one);
        tcase_add_test(tc, test_bosch_double);
        tcase_add_test(tc, test_bosch_v5_h4_h5_sign);
        tcase_add_test(tc, test_bosch_humidity_clamped);
        tcase_add_test(tc, test_bosch_pressure_undefined_p1_zero);
        tcase_add_test(tc, test_bosch_garbage_calibration_is_defined);
        tcase_add_test(tc, test_bosch_measurement_time);
        suite_add_tcase(s, tc);

        tc = tcase_create("sensirion");
        tcase_add_test(tc, test_sht_crc);
        tcase_add_loop_test(tc, test_sht_conversions, 0, (int)ELEMENTSOF_T(sht));
        tcase_add_test(tc, test_sht_frame_example);
        tcase_add_test(tc, test_si7021_crc);
        tcase_add_loop_test(tc, test_si7021_conversions, 0, (int)ELEMENTSOF_T(si7021));
        tcase_add_test(tc, test_si7021_status_bits_change_value_when_unmasked);
        suite_add_tcase(s, tc);

        tc = tcase_create("tables");
        tcase_add_loop_test(tc, test_tmp102, 0, (int)ELEMENTSOF_T(tmp102));
        tcase_add_test(tc, test_mcp9808);
        tcase_add_test(tc, test_ads1115_full_scale);
        tcase_add_test(tc, test_ads1115_vectors);
        tcase_add_test(tc, test_ads1115_config);
        tcase_add_test(tc, test_bh1750);
        suite_add_tcase(s, tc);

        return s;
}

int main(void)
{
        return t_run_suite(sensor_math_suite());
}
