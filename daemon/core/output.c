/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>

#include "bus/error.h"
#include "bus/object.h"
#include "core/line.h"
#include "core/output.h"
#include "log.h"

struct Output {
        Daemon *daemon;
        char *name;
        char *line_spec;
        char *source; /* "<file>:<line>" of its section */
        bool initial;
        bool active_low;
        PbDrive drive;
        bool restore;

        char *path;
        Line *line;   /* NULL while its line is missing */
        bool value;   /* logical value: the line's, or the one it will start with */
        bool started; /* output_start() ran once: settled is known */
        bool settled; /* the value it rests at: driven again when its line comes back */
};

int output_new(Daemon *d, const OutputConfig *cfg, Output **ret)
{
        Output *o;

        o = calloc(1, sizeof(*o));
        if (!o)
                return -ENOMEM;
        o->daemon = d;
        o->name = strdup(cfg->name);
        o->line_spec = strdup(cfg->line);
        o->source = strdup(cfg->source);
        o->initial = cfg->initial;
        o->active_low = cfg->active_low;
        o->drive = cfg->drive;
        o->restore = cfg->restore;
        o->value = cfg->initial;
        if (!o->name || !o->line_spec || !o->source ||
            sd_bus_path_encode(PINBUS_OUTPUT_PREFIX, cfg->name, &o->path) < 0) {
                output_free(o);
                return -ENOMEM;
        }
        *ret = o;
        return 0;
}

Output *output_free(Output *o)
{
        if (!o)
                return NULL;
        free(o->name);
        free(o->line_spec);
        free(o->source);
        free(o->path);
        free(o);
        return NULL;
}

static void output_emit(Output *o, const char *property)
{
        (void)sd_bus_emit_properties_changed(o->daemon->bus, o->path, "io.pinbus1.Output", property, NULL);
}

void output_start(Output *o)
{
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        PbLineSettings s = {
                .direction = PB_DIRECTION_OUTPUT,
                .drive = o->drive,
                .active_low = o->active_low,
        };
        const char *origin = "initial";
        bool restored;
        Line *l;
        int r;

        if (!o->started) {
                o->settled = o->initial;
                if (o->restore && state_store_get_output(o->daemon->state, o->name, &restored) >= 0) {
                        o->settled = restored;
                        origin = "restored";
                }
                o->started = true;
        } else
                origin = "last";
        s.output_value = o->settled;
        o->value = s.output_value;

        r = daemon_find_line(o->daemon, o->line_spec, &l, &error);
        if (r >= 0)
                r = line_hold_for_output(l, o, &s, &error);
        if (r < 0) {
                log_warning("%s: [output %s]: %s; the output waits for its line to appear", o->source,
                            o->name, error.message);
                return;
        }
        o->line = l;
        output_emit(o, "Line");
        log_info("Output %s holds line %s, %s (%s value)", o->name, line_get_object_name(l),
                 s.output_value ? "on" : "off", origin);
}

const char *output_get_name(const Output *o)
{
        return o->name;
}

const char *output_get_path(const Output *o)
{
        return o->path;
}

void output_line_value_changed(Output *o, bool value)
{
        if (o->value == value)
                return;
        o->value = value;
        output_emit(o, "Value");
}

bool output_has_line(const Output *o)
{
        return o->line;
}

void output_line_settled(Output *o, bool value)
{
        o->settled = value;
        if (o->restore)
                (void)state_store_set_output(o->daemon->state, o->name, value);
}

void output_line_lost(Output *o)
{
        o->line = NULL;
        output_emit(o, "Line");
}

static int property_get_line(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Output *o = userdata;

        return sd_bus_message_append(reply, "o", o->line ? line_get_path(o->line) : "/");
}

static int property_get_bool(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Output *o = userdata;

        return sd_bus_message_append(reply, "b", streq(property, "Value") ? o->value : o->restore);
}

static int property_get_name(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Output *o = userdata;

        return sd_bus_message_append(reply, "s", o->name);
}

static int method_drive(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Output *o = userdata;

        if (!o->line)
                return sd_bus_error_setf(error, PB_ERROR_NO_SUCH_LINE,
                                         "Output %s has no line: '%s' (%s) was not available", o->name,
                                         o->line_spec, o->source);
        /* The output holds its line: the daemon drives it, whoever asked. */
        return line_method_drive(m, o->line, NULL, error);
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
        SD_BUS_PROPERTY("Value", "b", property_get_bool, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Restore", "b", property_get_bool, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_METHOD_WITH_ARGS("Set", SD_BUS_ARGS("b", value), SD_BUS_NO_RESULT, method_drive,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Toggle", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_drive,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Pulse", SD_BUS_ARGS("b", value, "t", duration_us), SD_BUS_NO_RESULT,
                                method_drive, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Blink", SD_BUS_ARGS("t", on_us, "t", off_us, "u", count), SD_BUS_NO_RESULT,
                                method_drive, SD_BUS_VTABLE_UNPRIVILEGED),
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
        .interface = "io.pinbus1.Output",
        .vtable = output_vtable,
        .at = output_at,
        .get_path = output_path,
};

int output_add_bus_objects(Daemon *d)
{
        return bus_object_type_register(d, &output_type);
}
