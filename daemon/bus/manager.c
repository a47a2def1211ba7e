/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "bus/manager.h"
#include "bus/client.h"
#include "bus/error.h"
#include "bus/line.h"
#include "bus/settings.h"
#include "core/button.h"
#include "core/chip.h"
#include "core/line.h"
#include "core/output.h"
#include "core/sensor.h"

static int property_get_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        return sd_bus_message_append(reply, "s", PACKAGE_VERSION);
}

static int property_get_backend(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Daemon *d = ((Service *)userdata)->daemon;

        return sd_bus_message_append(reply, "s", daemon_is_simulating(d) ? "simulator" : "gpiod");
}

/* Appends the paths of n objects as "ao", path(i) giving the i-th. */
#define APPEND_PATHS(reply, n, path_of_i)                                  \
        ({                                                                 \
                int _r = sd_bus_message_open_container(reply, 'a', "o");   \
                for (size_t i = 0; i < (n) && _r >= 0; i++)                \
                        _r = sd_bus_message_append(reply, "o", path_of_i); \
                _r >= 0 ? sd_bus_message_close_container(reply) : _r;      \
        })

static int property_get_chips(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Daemon *d = ((Service *)userdata)->daemon;

        return APPEND_PATHS(reply, d->n_chips, chip_get_path(d->chips[i]));
}

static int property_get_outputs(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Daemon *d = ((Service *)userdata)->daemon;

        return APPEND_PATHS(reply, d->n_outputs, output_get_path(d->outputs[i]));
}

static int property_get_buttons(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Daemon *d = ((Service *)userdata)->daemon;

        return APPEND_PATHS(reply, d->n_buttons, button_get_path(d->buttons[i]));
}

static int property_get_sensors(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Daemon *d = ((Service *)userdata)->daemon;

        return APPEND_PATHS(reply, d->n_sensors, sensor_get_path(d->sensors[i]));
}

static int method_find_line(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Line *l;
        int r;

        r = bus_read_line(userdata, m, &l, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, "o", line_get_path(l));
}

static int method_claim_line(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Service *s = userdata;
        const char *sender = sd_bus_message_get_sender(m);
        CoreError e = CORE_ERROR_NULL;
        LineHolder holder;
        ClaimSettings cs;
        Client *c;
        Line *l;
        int r;

        r = bus_read_line(s, m, &l, error);
        if (r < 0)
                return r;
        r = bus_message_read_claim_settings(m, line_get_object_name(l), &cs, error);
        if (r < 0)
                return r;
        if (!sender)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                         "Cannot claim line %s: the caller has no bus name",
                                         line_get_object_name(l));

        r = client_acquire(s, sender, &c);
        if (r < 0)
                return bus_error_errno(error, r, "track the client claiming line", line_get_object_name(l));
        holder = client_holder(c);
        r = line_claim(l, &holder, &cs.settings, cs.value_given, &e);
        if (r < 0) {
                client_free_if_unused(c);
                return bus_error_set_core(error, &e, r);
        }
        client_note_claim(c, l, cs.persist);
        return sd_bus_reply_method_return(m, "o", line_get_path(l));
}

static int method_release_line(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Service *s = userdata;
        CoreError e = CORE_ERROR_NULL;
        LineHolder who;
        Line *l;
        int r;

        r = bus_read_line(s, m, &l, error);
        if (r < 0)
                return r;
        who = client_holder_of_sender(s, sd_bus_message_get_sender(m));
        r = line_release(l, &who, &e);
        if (r < 0)
                return bus_error_set_core(error, &e, r);
        return sd_bus_reply_method_return(m, NULL);
}

/*
 * io.pinbus1.Manager — the daemon, at /io/pinbus1.
 *
 * Properties:
 *   Version s    pinbus version
 *   Backend s    "gpiod" (kernel GPIO character devices) | "simulator" (--simulate)
 *   Chips ao     io.pinbus1.Chip objects, in chip-number order (emits change as chips come and go)
 *   Buttons ao   io.pinbus1.Button objects, in config order
 *   Outputs ao   io.pinbus1.Output objects, in config order
 *   Sensors ao   io.pinbus1.Sensor objects, in config order
 *
 * Methods (a spec is a line name such as "GPIO17", the <chip>_<offset> name of an
 * unnamed line, or "<chip>:<offset>" with a chip's kernel name or label):
 *   FindLine(s spec) -> o line
 *           the line's object; InvalidArgs for a malformed spec, NoSuchLine if nothing matches
 *   ClaimLine(s spec, a{sv} settings) -> o line
 *           claim (or, when already the caller's or the daemon's, reconfigure) a line; see
 *           bus/settings.h for the keys. Held until ReleaseLine or until the caller
 *           disconnects, unless persist=true. LineBusy if another client, a configured
 *           output or another process holds it.
 *   ReleaseLine(s spec)
 *           release a line the caller claimed, or one the daemon holds; a free line is a no-op
 */
static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Backend", "s", property_get_backend, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Chips", "ao", property_get_chips, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Buttons", "ao", property_get_buttons, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Outputs", "ao", property_get_outputs, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Sensors", "ao", property_get_sensors, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_METHOD_WITH_ARGS("FindLine", SD_BUS_ARGS("s", spec), SD_BUS_RESULT("o", line),
                                method_find_line, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ClaimLine", SD_BUS_ARGS("s", spec, "a{sv}", settings),
                                SD_BUS_RESULT("o", line), method_claim_line, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ReleaseLine", SD_BUS_ARGS("s", spec), SD_BUS_NO_RESULT, method_release_line,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int manager_add_bus_objects(Service *s)
{
        int r;

        r = sd_bus_add_object_vtable(s->bus, NULL, PINBUS_OBJECT_ROOT, "io.pinbus1.Manager", manager_vtable,
                                     s);
        if (r < 0)
                return r;
        return sd_bus_add_object_manager(s->bus, NULL, PINBUS_OBJECT_ROOT);
}
