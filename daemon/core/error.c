/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

int core_error_setf(CoreError *error, CoreErrorKind kind, int r, const char *format, ...)
{
        va_list ap;

        if (!error || core_error_is_set(error) || kind == CORE_ERROR_NONE)
                return r;
        error->kind = kind;
        va_start(ap, format);
        (void)vsnprintf(error->message, sizeof(error->message), format, ap);
        va_end(ap);
        return r;
}

int core_error_errno(CoreError *error, int r, const char *action, const char *what)
{
        CoreErrorKind kind;

        switch (r) {
        case -EBUSY:
                kind = CORE_ERROR_LINE_BUSY;
                break;
        case -ENODEV:
                kind = CORE_ERROR_NO_SUCH_DEVICE;
                break;
        case -EINVAL:
        case -ERANGE:
                kind = CORE_ERROR_INVALID_ARGS;
                break;
        default:
                kind = CORE_ERROR_IO;
        }
        return core_error_setf(error, kind, r, "Cannot %s %s: %s", action, what, strerror(-r));
}
