/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

/* D-Bus error names of io.pinbus1 (see docs/dbus-api.md). Every message names
 * the line, device or key at fault. */
#define PB_ERROR_NO_SUCH_LINE   "io.pinbus1.Error.NoSuchLine"
#define PB_ERROR_LINE_BUSY      "io.pinbus1.Error.LineBusy"
#define PB_ERROR_NOT_OUTPUT     "io.pinbus1.Error.NotOutput"
#define PB_ERROR_NO_SUCH_DEVICE "io.pinbus1.Error.NoSuchDevice"
#define PB_ERROR_SENSOR_OFFLINE "io.pinbus1.Error.SensorOffline"
#define PB_ERROR_IO             "io.pinbus1.Error.IOError"
#define PB_ERROR_INVALID_ARGS   SD_BUS_ERROR_INVALID_ARGS

/*
 * Sets *error from a negative errno r that an operation on `what` (a line or
 * device name) failed with: -EBUSY becomes LineBusy, -ENODEV NoSuchDevice,
 * -EINVAL/-ERANGE InvalidArgs, anything else IOError; the message is
 * "<action> <what>: <strerror>". Returns r, for "return bus_error_errno(...)".
 */
int bus_error_errno(sd_bus_error *error, int r, const char *action, const char *what);

#include "core/error.h"

/*
 * Sets *error from the core's error e for a call that failed with r (a negative
 * errno): each CoreErrorKind becomes its io.pinbus1.Error.* name (LIMITS_EXCEEDED
 * org.freedesktop.DBus.Error.LimitsExceeded) with e's message; an error the core
 * did not set becomes sd-bus's mapping of r. Returns r, for "return bus_error_set_core(...)".
 */
int bus_error_set_core(sd_bus_error *error, const CoreError *e, int r);

/* For a method with no results whose core call returned r: replies to m when r >= 0,
 * else sets *error from e as bus_error_set_core() does. */
int bus_reply_core(sd_bus_message *m, int r, const CoreError *e, sd_bus_error *error);
