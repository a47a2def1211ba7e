/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * io.pinbus1.Sensor objects at /io/pinbus1/sensor/<name>: the [sensor NAME]
 * sections of the config, sampled by the drivers of lib/sensors/sensor.h.
 *
 * Each sensor runs one state machine on one sd-event timer (CLOCK_MONOTONIC),
 * so sampling never blocks the loop:
 *
 *     idle --timer--> [open adapter, init if needed] start --timer(measurement time)--> collect
 *       ^                                                                                 |
 *       +------------- publish (Values, Timestamp), next sample one interval later <-------+
 *
 * collect() answering -EAGAIN (still measuring) is polled again after the
 * time the driver says (pb_sensor_get_retry_usec()) or else every quarter of
 * the measurement time (at least 1 ms), at most SENSOR_POLLS_MAX times; then
 * it is a timeout (-ETIMEDOUT). Any failure (adapter missing, NAK,
 * timeout, CRC mismatch, implausible reading, wrong chip id, adapter lacking a
 * transfer type) sets Online=false and LastError, and the sensor is retried
 * (init, then start) after a backoff that starts at min(interval, 1 s) and
 * doubles up to min(32 × interval, 5 min) (never below the first delay). The
 * first good sample after that sets Online=true, clears LastError and resumes
 * the interval. One log line is written per change between online and
 * offline (and when the error changes), not one per retry.
 *
 * The sensors on one adapter share one PbI2cBus, opened when a sensor first
 * needs it: /dev/i2c-N, or with --simulate the simulated bus 1 (any other bus
 * number does not exist there). An adapter that cannot be opened makes its
 * sensors offline ("no such adapter /dev/i2c-3"), retried like any other fault.
 */

#include "core/daemon.h"
#include "i2c/bus.h"
#include "sensors/sensor.h"

/* Most Read() calls one sensor keeps waiting for a sample; more fail at once. */
#define SENSOR_PENDING_MAX 64
/* How often collect() may say "still measuring" before the measurement counts as timed out. */
#define SENSOR_POLLS_MAX 8
/* Backoff limits (see above). */
#define SENSOR_BACKOFF_FIRST_MAX_US  (1 * USEC_PER_SEC)
#define SENSOR_BACKOFF_CAP_US        (300 * USEC_PER_SEC)
#define SENSOR_BACKOFF_CAP_INTERVALS 32

/* Creates the sensor objects of d->config (no bus traffic yet). Errors: -ENOMEM. */
int sensors_new(Daemon *d);

/* Schedules every sensor's first sample now, and makes the end of the event
 * loop answer the Read() calls still waiting (IOError "pinbusd is stopping"),
 * before sd-bus closes the connection. */
void sensors_start(Daemon *d);

/* Frees every sensor (failing the Read() calls still waiting, so no caller is
 * left without a reply); the I2C adapters stay the daemon's. */
void sensors_free(Daemon *d);

const char *sensor_get_path(const Sensor *s);

/* Registers the io.pinbus1.Sensor vtable and node enumerator on d->bus. */
int sensor_add_bus_objects(Daemon *d);
