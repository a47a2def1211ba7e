/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Prints how fast the sensor conversions and a whole simulated sample run:
 * figures, not pass/fail bounds (meson test -C build --benchmark -v).
 */

#include <stdio.h>
#include <time.h>

#include "sensors/math.h"
#include "sensors/sensor.h"
#include "sim/i2c-bus.h"

static double now_s(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile uint64_t sink;

/* Runs fn(i) in batches for about 0.3 s; returns calls per second. */
static double rate(void (*fn)(unsigned i))
{
        double start = now_s(), t;
        unsigned n = 0;

        do {
                for (unsigned k = 0; k < 1000; k++, n++)
                        fn(n);
                t = now_s() - start;
        } while (t < 0.3);
        return n / t;
}

static const uint8_t v1_tp[26] = { 0x10, 0x6E, 0x6C, 0x66, 0x32, 0x00, 0x5D, 0x95, 0xB8,
                                   0xD5, 0xD0, 0x0B, 0x77, 0x1E, 0x9D, 0xFF, 0xF9, 0xFF,
                                   0xAC, 0x26, 0x0A, 0xD8, 0xBD, 0x10, 0x00, 0x4B };
static const uint8_t v1_h[7] = { 0x6E, 0x01, 0x00, 0x13, 0x05, 0x00, 0x1E };
static PbBme280Calib calib;

static void bosch(unsigned i)
{
        int32_t t_fine;
        int32_t t = pb_bme280_compensate_t(&calib, 526700 + (int32_t)(i & 1023), &t_fine);

        sink += (uint64_t)t + pb_bme280_compensate_p(&calib, 304428, t_fine) +
                pb_bme280_compensate_h(&calib, 31350, t_fine);
}

static void crc(unsigned i)
{
        const uint8_t frame[6] = { (uint8_t)i, 0x66, 0x93, (uint8_t)(i >> 8), 0x00, 0xA2 };

        sink += pb_crc8(frame, 2, PB_SHT_CRC_INIT) + pb_crc8(frame + 3, 2, PB_SHT_CRC_INIT);
}

static PbSensor *sensor;

static void sample(unsigned i)
{
        PbSample smp;
        uint64_t usec;

        if (pb_sensor_start(sensor, &usec) < 0 || pb_sensor_collect(sensor, &smp) < 0) {
                fprintf(stderr, "sample failed: %s\n", pb_sensor_get_error_detail(sensor));
                exit(EXIT_FAILURE);
        }
        sink += (uint64_t)smp.value[PB_QUANTITY_TEMPERATURE];
}

int main(void)
{
        PbI2cBus *bus = NULL;
        int r;

        pb_bme280_parse_calib(v1_tp, v1_h, &calib);
        printf("BME280 T+P+H compensation: %12.0f /s\n", rate(bosch));
        printf("SHT frame CRC-8 (2 words): %12.0f /s\n", rate(crc));

        r = pb_sim_i2c_bus_new_default(&bus);
        if (r >= 0)
                r = pb_sensor_new(pb_sensor_model_from_string("bme280"), bus, 0x76, NULL, &sensor);
        if (r >= 0)
                r = pb_sensor_init(sensor);
        if (r < 0) {
                fprintf(stderr, "simulated BME280: %d\n", r);
                return EXIT_FAILURE;
        }
        printf("simulated BME280 sample:   %12.0f /s (start + collect: 4 transfers)\n", rate(sample));
        pb_sensor_free(sensor);
        pb_i2c_bus_close(bus);
        return EXIT_SUCCESS;
}
