/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Reference forms of the BME280/BMP280 compensation that the driver does not
 * use, kept for the unit tests to compare the driver's integer routines
 * against (VECTORS.md). Linked only into test-sensor-math.
 */

#include "sensors/math.h"

/* Pressure in whole Pa by the datasheet's 32-bit routine (BME280 datasheet
 * 8.2 / BMP280 8.2); coarser than pb_bme280_compensate_p(), which the driver
 * uses. 0 when undefined. */
uint32_t pb_bme280_compensate_p_int32(const PbBme280Calib *c, int32_t adc_p, int32_t t_fine);

/* The datasheet's floating-point routines (BME280 datasheet 8.1, BMP280
 * 8.1), for comparison with the integer ones the driver uses: T in °C, P in
 * Pa (computed from the truncated integer t_fine, as the datasheet does;
 * 0 when undefined), H in %RH clamped to 0..100. */
typedef struct PbBme280Double {
        double t, p, h;
        int32_t t_fine;
} PbBme280Double;
void pb_bme280_compensate_double(const PbBme280Calib *c, int32_t adc_t, int32_t adc_p, int32_t adc_h,
                                 PbBme280Double *ret);
