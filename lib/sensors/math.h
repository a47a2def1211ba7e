/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Pure sensor conversions: raw register contents to SI units, and the CRCs
 * some chips append. No I/O, no state, no allocation; every function is
 * unit-tested against the known answers in shared/sensors/VECTORS.md.
 *
 * Sources, per chip:
 *  - Bosch BME280 datasheet (BST-BME280-DS002) section 4.2.3 and Appendix 8.2,
 *    BMP280 datasheet (BST-BMP280-DS001) section 3.11.3: the integer
 *    compensation routines, in the form Linux uses them
 *    (drivers/iio/pressure/bmp280-core.c: arithmetic right shifts, T in
 *    0.01 °C, P as unsigned Q24.8 Pa, H as Q22.10 %RH clamped to
 *    0..419430400 before the final >> 12). Bosch's BME280_SensorAPI divides
 *    where these shift, so its results may differ by 1 LSB (VECTORS.md V3, V4).
 *    Left shifts of values that may be negative are written as
 *    multiplications (same value, no undefined behaviour) and intermediates
 *    are 64-bit, so garbage calibration cannot overflow.
 *  - Sensirion SHT3x-DIS datasheet (section 4.11 conversion, 4.12 CRC) and
 *    SHT4x datasheet (section 4.5): CRC-8 poly 0x31 init 0xFF;
 *    T = -45 + 175 S / 65535 °C; SHT3x RH = 100 S / 65535;
 *    SHT4x RH = -6 + 125 S / 65535, clipped to 0..100 %RH.
 *    The Linux hwmon drivers' integer forms (sht3x.c, sht4x.c; /65536) are
 *    provided too, as the kernel's milli-unit results.
 *  - Silicon Labs Si7021-A20 datasheet section 5.1 and the TE HTU21D(F)
 *    datasheet: CRC-8 poly 0x31 init 0x00; RH = 125 S / 65536 - 6;
 *    T = 175.72 S / 65536 - 46.85. Both datasheets define the two least
 *    significant bits of S as status bits: the conversions here clear them
 *    first (decision recorded in the unit tests), unlike the kernel's
 *    ms_sensors_i2c.c integer forms (also provided, unmasked).
 *  - TI TMP102 datasheet (SBOS397) section 7.5.4.1, Table 5: 12-bit two's
 *    complement in bits 15..4 (EM = 0, bit 0 = 0) or 13-bit in bits 15..3
 *    (EM = 1, bit 0 = 1), 0.0625 °C per LSB.
 *  - Microchip MCP9808 datasheet (DS25095) section 5.1.3: Ta register,
 *    bits 15..13 alert flags, bit 12 sign, bits 11..0 in 0.0625 °C; the
 *    kernel's jc42.c milli-degree form is provided too.
 *  - TI ADS1115 datasheet (SBAS444) section 9.3.3 and Table 8: V = raw FS /
 *    32768 with FS from PGA[11:9]; the config register of section 9.6.3.
 *  - ROHM BH1750FVI datasheet: lux = count / 1.2 × 69 / MTreg in
 *    H-resolution mode.
 *
 * Register values are passed as the chip's datasheet writes them (MSB first),
 * i.e. already byte-swapped from an SMBus word.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Bosch BME280 / BMP280 ---- */

/* Trimming parameters (dig_T1 ... dig_H6). */
typedef struct PbBme280Calib {
        uint16_t t1;
        int16_t t2, t3;
        uint16_t p1;
        int16_t p2, p3, p4, p5, p6, p7, p8, p9;
        uint8_t h1;
        int16_t h2;
        uint8_t h3;
        int16_t h4, h5;
        int8_t h6;
} PbBme280Calib;

#define PB_BME280_CALIB_TP_ADDR 0x88 /* 26 bytes, 0x88..0xA1 (0xA1 = dig_H1) */
#define PB_BME280_CALIB_TP_LEN  26
#define PB_BME280_CALIB_H_ADDR  0xE1 /* 7 bytes, 0xE1..0xE7 (BME280 only) */
#define PB_BME280_CALIB_H_LEN   7

/* The "no data" values of a skipped measurement (oversampling 0) and the
 * data registers' reset values (kernel bmp280.h BMP280_*_SKIPPED). */
#define PB_BME280_ADC_SKIPPED_TP 0x80000
#define PB_BME280_ADC_SKIPPED_H  0x8000

/*
 * Decodes the calibration registers: tp holds 0x88..0xA1 (26 bytes), h holds
 * 0xE1..0xE7 (7 bytes) or is NULL (BMP280: the humidity fields become 0).
 * dig_H4 and dig_H5 are 12-bit signed values straddling 0xE5
 * (H4 = (int8)E4 × 16 | E5[3:0], H5 = (int8)E6 × 16 | E5[7:4]).
 */
void pb_bme280_parse_calib(const uint8_t tp[static PB_BME280_CALIB_TP_LEN], const uint8_t *h,
                           PbBme280Calib *ret);

/* Splits the data registers 0xF7.. (8 bytes for a BME280, 6 for a BMP280:
 * then *ret_adc_h is PB_BME280_ADC_SKIPPED_H) into 20-bit adc_P, adc_T and
 * 16-bit adc_H. n must be 6 or 8. */
void pb_bme280_parse_data(const uint8_t *data, size_t n, int32_t *ret_adc_p, int32_t *ret_adc_t,
                          int32_t *ret_adc_h);

/* Temperature in 0.01 °C; *ret_t_fine receives t_fine for the pressure and
 * humidity compensation. */
int32_t pb_bme280_compensate_t(const PbBme280Calib *c, int32_t adc_t, int32_t *ret_t_fine);

/* Pressure in Pa as unsigned Q24.8 (value / 256 = Pa), the datasheet's 64-bit
 * routine; 0 when dig_P1 makes it undefined (division by zero avoided). */
uint32_t pb_bme280_compensate_p(const PbBme280Calib *c, int32_t adc_p, int32_t t_fine);

/* Relative humidity in %RH as Q22.10 (value / 1024 = %RH), 0..102400. */
uint32_t pb_bme280_compensate_h(const PbBme280Calib *c, int32_t adc_h, int32_t t_fine);

/*
 * The datasheet's maximum measurement time in µs for the given oversampling
 * settings (register codes 0..5: skipped, ×1, ×2, ×4, ×8, ×16), BME280
 * Appendix 9.2: 1.25 + 2.3 T + (2.3 P + 0.575) + (2.3 H + 0.575) ms, where a
 * skipped quantity contributes nothing. Rounded up to whole µs. osrs_h is
 * ignored (pass 0) for a BMP280.
 */
uint32_t pb_bme280_max_measurement_us(unsigned osrs_t, unsigned osrs_p, unsigned osrs_h);

/* ---- Sensirion CRC-8 (SHT3x, SHT4x: init 0xFF; Si7021/HTU21D: init 0x00) ---- */

/* CRC-8 with polynomial x^8 + x^5 + x^4 + 1 (0x31), MSB first, no reflection,
 * no final XOR, starting from init. */
uint8_t pb_crc8(const uint8_t *data, size_t len, uint8_t init);

#define PB_SHT_CRC_INIT    0xFF
#define PB_SI7021_CRC_INIT 0x00

/* ---- Sensirion SHT3x / SHT4x ---- */

/* Datasheet: T = -45 + 175 S / 65535 °C (SHT3x and SHT4x). */
double pb_sht_temperature(uint16_t s);
/* Datasheet: SHT3x RH = 100 S / 65535 %RH (always 0..100). */
double pb_sht3x_humidity(uint16_t s);
/* Datasheet: SHT4x RH = -6 + 125 S / 65535, clipped to 0..100 %RH. */
double pb_sht4x_humidity(uint16_t s);
/* Linux hwmon integer forms, in m°C and m%RH (not clipped). */
int32_t pb_sht_temperature_mc(uint16_t s);
int32_t pb_sht3x_humidity_mpercent(uint16_t s);
int32_t pb_sht4x_humidity_mpercent(uint16_t s);

/* ---- Silicon Labs Si7021 / TE HTU21D ---- */

/* Datasheet: RH = 125 S / 65536 - 6 %RH with S's two status bits cleared.
 * Not clipped (a reading slightly outside 0..100 is possible, as the
 * datasheet notes); the driver clips. */
double pb_si7021_humidity(uint16_t s);
/* Datasheet: T = 175.72 S / 65536 - 46.85 °C with S's two status bits cleared. */
double pb_si7021_temperature(uint16_t s);
/* Linux ms_sensors_i2c.c integer forms (S not masked), m%RH and m°C. */
int32_t pb_si7021_humidity_mpercent(uint16_t s);
int32_t pb_si7021_temperature_mc(uint16_t s);

/* ---- TI TMP102 ---- */

/* Temperature register (MSB << 8 | LSB) to °C: 13-bit format when bit 0 (EM)
 * is set, 12-bit otherwise. */
double pb_tmp102_temperature(uint16_t reg);
/* In m°C, truncated toward zero: for 13-bit values the Linux tmp102.c form
 * ((int16)(reg & ~1) × 1000) / 128 (the kernel always sets EM), for 12-bit
 * values (int16)reg × 1000 / 256. */
int32_t pb_tmp102_temperature_mc(uint16_t reg);

/* ---- Microchip MCP9808 ---- */

/* Ta register to °C: 13-bit two's complement in bits 12..0, 0.0625 °C per
 * LSB; the alert flags (bits 15..13) are ignored. */
double pb_mcp9808_temperature(uint16_t reg);
/* The Linux jc42.c form in m°C (truncated toward zero). */
int32_t pb_mcp9808_temperature_mc(uint16_t reg);
/* The Ta register's alert flags: bit 2 Ta >= Tcrit, bit 1 Ta > Tupper,
 * bit 0 Ta < Tlower. */
unsigned pb_mcp9808_alert_flags(uint16_t reg);

/* ---- TI ADS1115 ---- */

/* Full-scale range in V for PGA[2:0] (0: 6.144, 1: 4.096, 2: 2.048,
 * 3: 1.024, 4: 0.512, 5..7: 0.256). */
double pb_ads1115_full_scale(unsigned pga);
/* Conversion register (two's complement) to V. */
double pb_ads1115_voltage(uint16_t raw, unsigned pga);

/* ADS1115 inputs: AIN0..AIN3 against GND, or the four differential pairs. */
typedef enum PbAds1115Mux {
        PB_ADS1115_MUX_AIN0_AIN1 = 0, /* MUX codes of config bits 14:12 */
        PB_ADS1115_MUX_AIN0_AIN3 = 1,
        PB_ADS1115_MUX_AIN1_AIN3 = 2,
        PB_ADS1115_MUX_AIN2_AIN3 = 3,
        PB_ADS1115_MUX_AIN0 = 4,
        PB_ADS1115_MUX_AIN1 = 5,
        PB_ADS1115_MUX_AIN2 = 6,
        PB_ADS1115_MUX_AIN3 = 7,
} PbAds1115Mux;

/* The 8 data rates in samples per second, indexed by DR[2:0]. */
extern const unsigned pb_ads1115_rates[8];

/* The config register value starting one single-shot conversion: OS = 1,
 * the given MUX, PGA and DR codes, MODE = 1 (single-shot), comparator
 * disabled (COMP_QUE = 11). E.g. AIN0, ±4.096 V, 128 SPS: 0xC383. */
uint16_t pb_ads1115_single_shot_config(unsigned mux, unsigned pga, unsigned dr);

/* Worst-case conversion time in µs at DR code dr: one sample period at the
 * datasheet's -10 % data-rate tolerance, plus 100 µs for wake-up. */
uint32_t pb_ads1115_conversion_us(unsigned dr);

/* ---- ROHM BH1750 ---- */

/* Illuminance in lx for a H-resolution mode count at measurement time
 * register mtreg (69 = default): count / 1.2 × 69 / mtreg. */
double pb_bh1750_lux(uint16_t count, unsigned mtreg);
