/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "bus/error.h"
#include "util/macro.h"

int bus_error_errno(sd_bus_error *error, int r, const char *action, const char *what)
{
        const char *name;

        switch (r) {
        case -EBUSY:
                name = PB_ERROR_LINE_BUSY;
                break;
        case -ENODEV:
                name = PB_ERROR_NO_SUCH_DEVICE;
                break;
        case -EINVAL:
        case -ERANGE:
                name = PB_ERROR_INVALID_ARGS;
                break;
        default:
                name = PB_ERROR_IO;
        }
        sd_bus_error_setf(error, name, "Cannot %s %s: %s", action, what, strerror(-r));
        return r;
}
