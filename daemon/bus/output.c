/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "bus/output.h"
#include "bus/error.h"
#include "bus/object.h"
#include "core/frontend.h"
#include "core/line.h"
#include "core/output.h"

#define OUTPUT_INTERFACE "io.pinbus1.Output"

void bus_output_changed(void *userdata, Output *o, unsigned changes)
{
        Service *s = userdata;

        if (!s->serving || !output_get_path(o))
                return;
        (void)sd_bus_emit_properties_changed(
                s->bus, output_get_path(o), OUTPUT_INTERFACE,
                changes & OUTPUT_CHANGED_LINE ? "Line" : "Value",
                (changes & OUTPUT_CHANGED_LINE) && (changes & OUTPUT_CHANGED_VALUE) ? "Value" : NULL, NULL);
}

BUS_DEFINE_PROPERTY_GET(property_get_name, "s", Output, output_get_name(o))

static int property_get_line(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Line *l = output_get_line(userdata);

        return sd_bus_message_append(reply, "o", l ? line_get_path(l) : "/");
}

BUS_DEFINE_PROPERTY_GET(property_get_value, "b", Output, output_get_value(o))

BUS_DEFINE_PROPERTY_GET(property_get_restore, "b", Output, output_get_restore(o))

static int method_set(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        CoreError e = CORE_ERROR_NULL;
        int v, r;

        r = sd_bus_message_read(m, "b", &v);
        if (r < 0)
                return r;
        return bus_reply_core(m, output_set(userdata, v, &e), &e, error);
}

static int method_toggle(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        CoreError e = CORE_ERROR_NULL;

        return bus_reply_core(m, output_toggle(userdata, &e), &e, error);
}

static int method_pulse(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        CoreError e = CORE_ERROR_NULL;
        uint64_t duration_us;
        int v, r;

        r = sd_bus_message_read(m, "bt", &v, &duration_us);
        if (r < 0)
                return r;
        return bus_reply_core(m, output_pulse(userdata, v, duration_us, &e), &e, error);
}

static int method_blink(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        CoreError e = CORE_ERROR_NULL;
        uint64_t on_us, off_us;
        uint32_t count;
        int r;

        r = sd_bus_message_read(m, "ttu", &on_us, &off_us, &count);
        if (r < 0)
                return r;
        return bus_reply_core(m, output_blink(userdata, on_us, off_us, count, &e), &e, error);
}

/*
 * io.pinbus1.Output — a configured output ([output NAME] in the config).
 *
 * Properties:
 *   Name s      the NAME of its section
 *   Line o      the io.pinbus1.Line it drives; "/" while that line is missing
 *   Value b     logical value it drives (emits change)
 *   Restore b   whether its settled value is saved and restored at the next start
 *
 * Methods, as on io.pinbus1.Line (the line is held by the output, so no claim is needed;
 * NoSuchLine while the output has no line):
 *   Set(b value), Toggle(), Pulse(b value, t duration_us), Blink(t on_us, t off_us, u count)
 */
static const sd_bus_vtable output_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Name", "s", property_get_name, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Line", "o", property_get_line, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Value", "b", property_get_value, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Restore", "b", property_get_restore, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_METHOD_WITH_ARGS("Set", SD_BUS_ARGS("b", value), SD_BUS_NO_RESULT, method_set,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Toggle", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_toggle,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Pulse", SD_BUS_ARGS("b", value, "t", duration_us), SD_BUS_NO_RESULT,
                                method_pulse, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Blink", SD_BUS_ARGS("t", on_us, "t", off_us, "u", count), SD_BUS_NO_RESULT,
                                method_blink, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

static void *output_at(Daemon *d, size_t i)
{
        return i < d->n_outputs ? d->outputs[i] : NULL;
}

static const char *output_path(const void *object)
{
        return output_get_path(object);
}

static const BusObjectType output_type = {
        .prefix = PINBUS_OUTPUT_PREFIX,
        .interface = OUTPUT_INTERFACE,
        .vtable = output_vtable,
        .at = output_at,
        .get_path = output_path,
};

int bus_output_register(Service *s)
{
        for (size_t i = 0; i < s->daemon->n_outputs; i++) {
                Output *o = s->daemon->outputs[i];
                char *path;
                int r;

                r = service_object_path(PINBUS_OUTPUT_PREFIX, output_get_name(o), &path);
                if (r < 0)
                        return r;
                output_set_path(o, path);
        }
        return bus_object_type_register(s, &output_type);
}
