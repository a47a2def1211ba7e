/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Pure sensor conversions; the formulas and their sources are in sensors/math.h. */

#include "sensors/math.h"

/* ---- Bosch BME280 / BMP280 ---- */

static uint16_t le16(const uint8_t *p)
{
        return (uint16_t)(p[0] | (p[1] << 8));
}

/* 12-bit signed value: (int8)msb × 16 + nibble. */
static int16_t s12(uint8_t msb, unsigned nibble)
{
        return (int16_t)((int8_t)msb * 16 + (int)(nibble & 0x0F));
}

void pb_bme280_parse_calib(const uint8_t tp[static PB_BME280_CALIB_TP_LEN], const uint8_t *h,
                           PbBme280Calib *ret)
{
        *ret = (PbBme280Calib){
                .t1 = le16(tp + 0),
                .t2 = (int16_t)le16(tp + 2),
                .t3 = (int16_t)le16(tp + 4),
                .p1 = le16(tp + 6),
                .p2 = (int16_t)le16(tp + 8),
                .p3 = (int16_t)le16(tp + 10),
                .p4 = (int16_t)le16(tp + 12),
                .p5 = (int16_t)le16(tp + 14),
                .p6 = (int16_t)le16(tp + 16),
                .p7 = (int16_t)le16(tp + 18),
                .p8 = (int16_t)le16(tp + 20),
                .p9 = (int16_t)le16(tp + 22),
        };
        if (!h)
                return;
        ret->h1 = tp[25];
        ret->h2 = (int16_t)le16(h + 0);
        ret->h3 = h[2];
        ret->h4 = s12(h[3], h[4]);
        ret->h5 = s12(h[5], h[4] >> 4);
        ret->h6 = (int8_t)h[6];
}

void pb_bme280_parse_data(const uint8_t *data, size_t n, int32_t *ret_adc_p, int32_t *ret_adc_t,
                          int32_t *ret_adc_h)
{
        *ret_adc_p = (int32_t)(((uint32_t)data[0] << 12) | ((uint32_t)data[1] << 4) | (data[2] >> 4));
        *ret_adc_t = (int32_t)(((uint32_t)data[3] << 12) | ((uint32_t)data[4] << 4) | (data[5] >> 4));
        *ret_adc_h = n >= 8 ? (int32_t)(((uint32_t)data[6] << 8) | data[7]) : PB_BME280_ADC_SKIPPED_H;
}

int32_t pb_bme280_compensate_t(const PbBme280Calib *c, int32_t adc_t, int32_t *ret_t_fine)
{
        int64_t var1, var2, d, t_fine;

        var1 = (((int64_t)(adc_t >> 3) - (int64_t)c->t1 * 2) * c->t2) >> 11;
        d = (int64_t)(adc_t >> 4) - c->t1;
        var2 = (((d * d) >> 12) * c->t3) >> 14;
        t_fine = var1 + var2;
        if (ret_t_fine)
                *ret_t_fine = (int32_t)t_fine;
        return (int32_t)((t_fine * 5 + 128) >> 8);
}

uint32_t pb_bme280_compensate_p(const PbBme280Calib *c, int32_t adc_p, int32_t t_fine)
{
        int64_t var1, var2, p;

        var1 = (int64_t)t_fine - 128000;
        var2 = var1 * var1 * c->p6;
        var2 += var1 * c->p5 * ((int64_t)1 << 17);
        var2 += (int64_t)c->p4 * ((int64_t)1 << 35);
        var1 = ((var1 * var1 * c->p3) >> 8) + var1 * c->p2 * ((int64_t)1 << 12);
        var1 = ((((int64_t)1 << 47) + var1) * c->p1) >> 33;
        if (var1 == 0)
                return 0;
        p = ((int64_t)1048576 - adc_p) * ((int64_t)1 << 31);
        p = (p - var2) * 3125 / var1;
        var1 = ((int64_t)c->p9 * (p >> 13) * (p >> 13)) >> 25;
        var2 = ((int64_t)c->p8 * p) >> 19;
        p = ((p + var1 + var2) >> 8) + (int64_t)c->p7 * 16;
        return (uint32_t)p;
}

uint32_t pb_bme280_compensate_h(const PbBme280Calib *c, int32_t adc_h, int32_t t_fine)
{
        int64_t v, x, y;

        v = (int64_t)t_fine - 76800;
        x = ((int64_t)adc_h * 16384 - (int64_t)c->h4 * 1048576 - (int64_t)c->h5 * v + 16384) >> 15;
        y = ((((((v * c->h6) >> 10) * (((v * c->h3) >> 11) + 32768)) >> 10) + 2097152) * c->h2 + 8192) >> 14;
        v = x * y;
        v -= ((((v >> 15) * (v >> 15)) >> 7) * c->h1) >> 4;
        if (v < 0)
                v = 0;
        if (v > 419430400)
                v = 419430400;
        return (uint32_t)(v >> 12);
}

static uint32_t osrs_factor(unsigned code)
{
        return code == 0 ? 0 : 1u << ((code > 5 ? 5 : code) - 1);
}

uint32_t pb_bme280_max_measurement_us(unsigned osrs_t, unsigned osrs_p, unsigned osrs_h)
{
        uint32_t t = osrs_factor(osrs_t), p = osrs_factor(osrs_p), h = osrs_factor(osrs_h);

        return 1250 + 2300 * t + (p ? 2300 * p + 575 : 0) + (h ? 2300 * h + 575 : 0);
}

/* ---- Sensirion CRC-8 ---- */

uint8_t pb_crc8(const uint8_t *data, size_t len, uint8_t init)
{
        uint8_t crc = init;

        for (size_t i = 0; i < len; i++) {
                crc ^= data[i];
                for (unsigned b = 0; b < 8; b++)
                        crc = (uint8_t)(crc & 0x80 ? (crc << 1) ^ 0x31 : crc << 1);
        }
        return crc;
}

/* ---- Sensirion SHT3x / SHT4x ---- */

static double clip(double v, double lo, double hi)
{
        return v < lo ? lo : v > hi ? hi : v;
}

double pb_sht_temperature(uint16_t s)
{
        return -45.0 + 175.0 * s / 65535.0;
}

double pb_sht3x_humidity(uint16_t s)
{
        return 100.0 * s / 65535.0;
}

double pb_sht4x_humidity(uint16_t s)
{
        return clip(-6.0 + 125.0 * s / 65535.0, 0.0, 100.0);
}

int32_t pb_sht_temperature_mc(uint16_t s)
{
        return (int32_t)((21875 * (int64_t)s) >> 13) - 45000;
}

int32_t pb_sht3x_humidity_mpercent(uint16_t s)
{
        return (int32_t)((12500 * (int64_t)s) >> 13);
}

int32_t pb_sht4x_humidity_mpercent(uint16_t s)
{
        return (int32_t)((15625 * (int64_t)s) >> 13) - 6000;
}

/* ---- Silicon Labs Si7021 / TE HTU21D ---- */

#define SI7021_STATUS_BITS 0x0003

double pb_si7021_humidity(uint16_t s)
{
        return 125.0 * (s & ~SI7021_STATUS_BITS) / 65536.0 - 6.0;
}

double pb_si7021_temperature(uint16_t s)
{
        return 175.72 * (s & ~SI7021_STATUS_BITS) / 65536.0 - 46.85;
}

int32_t pb_si7021_humidity_mpercent(uint16_t s)
{
        return (int32_t)((((int64_t)s * 12500) >> 16) * 10) - 6000;
}

int32_t pb_si7021_temperature_mc(uint16_t s)
{
        return (int32_t)(((int64_t)s * 175720) >> 16) - 46850;
}

/* ---- TI TMP102 ---- */

double pb_tmp102_temperature(uint16_t reg)
{
        int16_t v = (int16_t)reg;

        return (reg & 1 ? v >> 3 : v >> 4) * 0.0625;
}

int32_t pb_tmp102_temperature_mc(uint16_t reg)
{
        if (reg & 1)
                return (int32_t)(int16_t)(reg & ~1u) * 1000 / 128;
        return (int32_t)(int16_t)reg * 1000 / 256;
}

/* ---- Microchip MCP9808 ---- */

static int32_t mcp9808_signed(uint16_t reg)
{
        int32_t r = reg & 0x1FFF;

        return r & 0x1000 ? r - 0x2000 : r;
}

double pb_mcp9808_temperature(uint16_t reg)
{
        return mcp9808_signed(reg) * 0.0625;
}

int32_t pb_mcp9808_temperature_mc(uint16_t reg)
{
        return mcp9808_signed(reg) * 125 / 2;
}

unsigned pb_mcp9808_alert_flags(uint16_t reg)
{
        return reg >> 13;
}

/* ---- TI ADS1115 ---- */

const unsigned pb_ads1115_rates[8] = { 8, 16, 32, 64, 128, 250, 475, 860 };

double pb_ads1115_full_scale(unsigned pga)
{
        static const double fs[8] = { 6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256 };

        return fs[pga & 7];
}

double pb_ads1115_voltage(uint16_t raw, unsigned pga)
{
        return (int16_t)raw * pb_ads1115_full_scale(pga) / 32768.0;
}

uint16_t pb_ads1115_single_shot_config(unsigned mux, unsigned pga, unsigned dr)
{
        return (uint16_t)(0x8000 | (mux & 7) << 12 | (pga & 7) << 9 | 0x0100 | (dr & 7) << 5 | 0x0003);
}

uint32_t pb_ads1115_conversion_us(unsigned dr)
{
        unsigned rate = pb_ads1115_rates[dr & 7];

        /* 1 / (0.9 rate) s, rounded up. */
        return (uint32_t)((10000000u + 9 * rate - 1) / (9 * rate)) + 100;
}

/* ---- ROHM BH1750 ---- */

double pb_bh1750_lux(uint16_t count, unsigned mtreg)
{
        return count / 1.2 * 69.0 / (mtreg ? mtreg : 69);
}
