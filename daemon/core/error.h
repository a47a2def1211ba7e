/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Why an operation of the daemon's core failed, said without D-Bus: a kind and
 * a message that names the line, output, device or argument at fault. The bus
 * layer turns it into the io.pinbus1.Error.* of docs/dbus-api.md
 * (bus_error_set_core() in bus/error.h); the core never sees sd-bus types.
 *
 * Functions that can fail take a CoreError *error (which may be NULL), fill
 * it on failure and return a negative errno. Only the first error set sticks,
 * so a caller that adds context must do so before a callee sets one.
 */

#include <stdbool.h>

typedef enum CoreErrorKind {
        CORE_ERROR_NONE,            /* not set: the errno alone tells */
        CORE_ERROR_INVALID_ARGS,    /* a malformed or out-of-range argument */
        CORE_ERROR_NO_SUCH_LINE,    /* a line spec or name that names nothing */
        CORE_ERROR_LINE_BUSY,       /* held by another client, an output, a button or process */
        CORE_ERROR_NOT_OUTPUT,      /* an output operation on a line held as an input */
        CORE_ERROR_NO_SUCH_DEVICE,  /* a chip, adapter or object that is not there */
        CORE_ERROR_SENSOR_OFFLINE,  /* a sensor that does not answer */
        CORE_ERROR_IO,              /* the kernel or device failed the operation */
        CORE_ERROR_LIMITS_EXCEEDED, /* a bound of the daemon (pending calls, queue) is reached */
        _CORE_ERROR_KIND_MAX,
} CoreErrorKind;

/* Longest message kept, including the NUL; longer ones are cut. Room for a sensor's
 * SensorOffline message, which carries its LastError with the driver's detail (up to 511
 * characters: the report of an auto probe lists every address tried). */
#define CORE_ERROR_MESSAGE_MAX 1024

typedef struct CoreError {
        CoreErrorKind kind;
        char message[CORE_ERROR_MESSAGE_MAX];
} CoreError;

#define CORE_ERROR_NULL ((CoreError){ .kind = CORE_ERROR_NONE })

/*
 * Sets error (unless NULL or already set) to kind with a printf-style message,
 * and returns r, a negative errno, for "return core_error_setf(...)".
 */
int core_error_setf(CoreError *error, CoreErrorKind kind, int r, const char *format, ...)
        __attribute__((format(printf, 4, 5)));

/*
 * Sets error from a negative errno r that an operation on `what` (a line or
 * device name) failed with: -EBUSY becomes LINE_BUSY, -ENODEV NO_SUCH_DEVICE,
 * -EINVAL and -ERANGE INVALID_ARGS, anything else IO; the message is
 * "Cannot <action> <what>: <strerror>". Returns r.
 */
int core_error_errno(CoreError *error, int r, const char *action, const char *what);

/* Whether error holds an error. */
static inline bool core_error_is_set(const CoreError *error)
{
        return error && error->kind != CORE_ERROR_NONE;
}
