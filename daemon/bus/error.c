/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <assert.h>

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

int bus_error_set_core(sd_bus_error *error, const CoreError *e, int r)
{
        static const char *const names[_CORE_ERROR_KIND_MAX] = {
                [CORE_ERROR_INVALID_ARGS] = PB_ERROR_INVALID_ARGS,
                [CORE_ERROR_NO_SUCH_LINE] = PB_ERROR_NO_SUCH_LINE,
                [CORE_ERROR_LINE_BUSY] = PB_ERROR_LINE_BUSY,
                [CORE_ERROR_NOT_OUTPUT] = PB_ERROR_NOT_OUTPUT,
                [CORE_ERROR_NO_SUCH_DEVICE] = PB_ERROR_NO_SUCH_DEVICE,
                [CORE_ERROR_SENSOR_OFFLINE] = PB_ERROR_SENSOR_OFFLINE,
                [CORE_ERROR_IO] = PB_ERROR_IO,
                [CORE_ERROR_LIMITS_EXCEEDED] = SD_BUS_ERROR_LIMITS_EXCEEDED,
        };

        assert(r < 0);
        if (!core_error_is_set(e) || e->kind >= _CORE_ERROR_KIND_MAX)
                return sd_bus_error_set_errno(error, r);
        (void)sd_bus_error_set(error, names[e->kind], e->message);
        return r;
}

int bus_reply_core(sd_bus_message *m, int r, const CoreError *e, sd_bus_error *error)
{
        if (r < 0)
                return bus_error_set_core(error, e, r);
        return sd_bus_reply_method_return(m, NULL);
}
