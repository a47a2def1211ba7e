/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "bus/manager.h"
#include "bus/error.h"
#include "bus/settings.h"
#include "core/button.h"
#include "core/chip.h"
#include "core/client.h"
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
        Daemon *d = userdata;

        return sd_bus_message_append(reply, "s", daemon_is_simulating(d) ? "simulator" : "gpiod");
}

static int property_get_objects(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Daemon *d = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "o");
        if (r < 0)
                return r;
        if (streq(property, "Chips"))
                for (size_t i = 0; i < d->n_chips && r >= 0; i++)
                        r = sd_bus_message_append(reply, "o", chip_get_path(d->chips[i]));
        else if (streq(property, "Outputs"))
                for (size_t i = 0; i < d->n_outputs && r >= 0; i++)
                        r = sd_bus_message_append(reply, "o", output_get_path(d->outputs[i]));
        else if (streq(property, "Buttons"))
                for (size_t i = 0; i < d->n_buttons && r >= 0; i++)
                        r = sd_bus_message_append(reply, "o", button_get_path(d->buttons[i]));
        else if (streq(property, "Sensors"))
                for (size_t i = 0; i < d->n_sensors && r >= 0; i++)
                        r = sd_bus_message_append(reply, "o", sensor_get_path(d->sensors[i]));
        if (r < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

static int method_find_line(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Line *l;
        int r;

        r = daemon_read_line(userdata, m, &l, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, "o", line_get_path(l));
}

static int method_claim_line(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Daemon *d = userdata;
        const char *sender = sd_bus_message_get_sender(m);
        ClaimSettings cs;
        Client *c;
        Line *l;
        int r;

        r = daemon_read_line(d, m, &l, error);
        if (r < 0)
                return r;
        r = bus_message_read_claim_settings(m, line_get_object_name(l), &cs, error);
        if (r < 0)
                return r;
        if (!sender)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                         "Cannot claim line %s: the caller has no bus name",
                                         line_get_object_name(l));

        r = client_acquire(d, sender, &c);
        if (r < 0)
                return bus_error_errno(error, r, "track the client claiming line", line_get_object_name(l));
        r = line_claim(l, c, &cs.settings, cs.value_given, cs.persist, error);
        client_free_if_unused(c);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, "o", line_get_path(l));
}

static int method_release_line(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Line *l;
        int r;

        r = daemon_read_line(userdata, m, &l, error);
        if (r < 0)
                return r;
        r = line_release(l, sd_bus_message_get_sender(m), error);
        if (r < 0)
                return r;
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
        SD_BUS_PROPERTY("Chips", "ao", property_get_objects, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Buttons", "ao", property_get_objects, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Outputs", "ao", property_get_objects, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Sensors", "ao", property_get_objects, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_METHOD_WITH_ARGS("FindLine", SD_BUS_ARGS("s", spec), SD_BUS_RESULT("o", line),
                                method_find_line, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ClaimLine", SD_BUS_ARGS("s", spec, "a{sv}", settings),
                                SD_BUS_RESULT("o", line), method_claim_line, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ReleaseLine", SD_BUS_ARGS("s", spec), SD_BUS_NO_RESULT, method_release_line,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int manager_add_bus_objects(Daemon *d)
{
        int r;

        r = sd_bus_add_object_vtable(d->bus, NULL, PINBUS_OBJECT_ROOT, "io.pinbus1.Manager", manager_vtable,
                                     d);
        if (r < 0)
                return r;
        return sd_bus_add_object_manager(d->bus, NULL, PINBUS_OBJECT_ROOT);
}
