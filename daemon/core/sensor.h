/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The sensor scheduler: the [sensor NAME] sections of the config, sampled by
 * the drivers of lib/sensors/sensor.h. No D-Bus here: bus/sensor.c puts each
 * sensor on the bus as io.pinbus1.Sensor, learning of changes through the
 * daemon's Frontend (sensor_changed, SensorChange bits in core/frontend.h) and
 * answering Read() calls through the sensor's read waiters.
 *
 * Each sensor runs one state machine on one sd-event timer (CLOCK_MONOTONIC),
 * so sampling never blocks the loop:
 *
 *     idle --timer--> [open adapter, init if needed] start --timer(measurement time)--> collect
 *       ^                                                                                 |
 *       +------------- publish (sample, timestamp), next sample one interval later <------+
 *
 * collect() answering -EAGAIN (still measuring) is polled again after the
 * time the driver asks for or else every quarter of the measurement time (at
 * least 1 ms), at most SENSOR_POLLS_MAX times; then it is a timeout
 * (-ETIMEDOUT). Any failure (adapter missing, NAK, timeout, CRC mismatch,
 * implausible reading, wrong chip id, adapter lacking a transfer type) makes
 * the sensor offline with a last error, and it is retried (init, then start)
 * after a backoff that starts at min(interval, 1 s) and doubles up to
 * min(32 × interval, 5 min) (never below the first delay). The first good
 * sample after that makes it online, clears the last error and resumes the
 * interval. One log line is written per change between online and offline
 * (and when the error changes), not one per retry.
 *
 * The sensors on one adapter share one PbI2cBus, opened when a sensor first
 * needs it (daemon_get_i2c_bus()): /dev/i2c-N, or with --simulate the
 * simulated bus 1 (any other bus number does not exist there). An adapter that
 * cannot be opened makes its sensors offline ("no such adapter /dev/i2c-3"),
 * retried like any other fault.
 */

#include <stdbool.h>
#include <stdint.h>

#include "core/daemon.h"
#include "core/error.h"
#include "sensors/sensor.h"
#include "util/macro.h"

/* Most sensor_read() calls one sensor keeps waiting for a sample; more fail at once. */
#define SENSOR_PENDING_MAX 64
/* How often collect() may say "still measuring" before the measurement counts as timed out. */
#define SENSOR_POLLS_MAX 8
/* Backoff limits (see above). */
#define SENSOR_BACKOFF_FIRST_MAX_US  (1 * USEC_PER_SEC)
#define SENSOR_BACKOFF_CAP_US        (300 * USEC_PER_SEC)
#define SENSOR_BACKOFF_CAP_INTERVALS 32

/*
 * Ends a sensor_read(): r is 0 and sample the fresh sample (borrowed, valid
 * during the call), or r is a negative errno, sample NULL and error says why:
 * CORE_ERROR_SENSOR_OFFLINE "Sensor NAME is offline: <last error>" when the
 * measurement failed (r the driver's errno), CORE_ERROR_IO "Sensor NAME:
 * pinbusd is stopping; no sample was taken" (r -ESHUTDOWN) when the event loop
 * ends or the sensor is freed first.
 */
typedef void (*SensorReadCallback)(Sensor *s, int r, const PbSample *sample, const CoreError *error,
                                   void *userdata);

/* Creates the sensors of d->config in d->sensors, in config order, idle.
 * Errors: -ENOMEM (the ones made so far stay for sensors_free()). */
int sensors_new(Daemon *d);

/* Schedules every sensor's first sample now, and makes the end of the event
 * loop answer the reads still waiting (CORE_ERROR_IO "pinbusd is stopping")
 * before sd-bus closes the connection (an exit source of high priority). */
void sensors_start(Daemon *d);

/* Frees every sensor: the reads still waiting are answered as at the end of the
 * loop. The I2C adapters stay the daemon's. */
void sensors_free(Daemon *d);

/*
 * Asks for a fresh sample: callback(userdata) runs exactly once, when it is
 * ready or has failed (see SensorReadCallback), possibly before this returns
 * (a sensor whose adapter cannot be opened fails at once). A measurement
 * already in progress is shared by every read waiting for it; an idle sensor
 * (between samples, or waiting to retry while offline) starts one now. The
 * sample is published as usual too (SENSOR_CHANGED_SAMPLE).
 * Errors (the callback is then never called): CORE_ERROR_LIMITS_EXCEEDED
 * with -ENOBUFS when SENSOR_PENDING_MAX reads are already waiting.
 */
int sensor_read(Sensor *s, SensorReadCallback callback, void *userdata, CoreError *error);

/* The NAME of its [sensor NAME] section. */
const char *sensor_get_name(const Sensor *s);

/* The path the front end publishes it at, set by the front end (taking
 * ownership of path) and owned by the sensor; NULL before. */
void sensor_set_path(Sensor *s, char *path);
const char *sensor_get_path(const Sensor *s);

/* The driver model's config name ("bme280", ...): the one found by the last
 * successful probe, else the configured one, "auto" before a model = auto
 * sensor has been found. */
const char *sensor_get_model_name(const Sensor *s);

/* Its adapter's device path, "/dev/i2c-1". */
const char *sensor_get_bus_path(const Sensor *s);

/* The 7-bit I2C address: the one found by the last successful probe, else the
 * configured one (0: auto, not found yet). */
uint16_t sensor_get_address(const Sensor *s);

/* Whether the last attempt gave a good sample (false until the first). */
bool sensor_is_online(const Sensor *s);

/* Why the sensor is offline, "<ERRNO>: <what happened>[: <driver detail>]",
 * e.g. "ENXIO: no acknowledge from /dev/i2c-1 address 0x76 (bme280)"; "" while
 * online or before the first attempt. Borrowed, valid until the next change. */
const char *sensor_get_last_error(const Sensor *s);

/* The configured sampling interval, µs. */
uint64_t sensor_get_interval_us(const Sensor *s);

/* CLOCK_REALTIME of the last good sample, µs since the epoch; 0 before the first. */
uint64_t sensor_get_timestamp_us(const Sensor *s);

/* The last good sample (SI units, see PbQuantity), kept while offline; mask 0
 * before the first. Borrowed from s. */
const PbSample *sensor_get_sample(const Sensor *s);
