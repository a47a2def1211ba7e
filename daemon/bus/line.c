/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "bus/line.h"
#include "bus/client.h"
#include "bus/error.h"
#include "bus/object.h"
#include "core/chip.h"
#include "core/frontend.h"
#include "log.h"
#include "util/strv.h"

#define LINE_INTERFACE "io.pinbus1.Line"

int bus_line_name_chip(Service *s, Chip *c)
{
        for (unsigned off = 0; off < chip_get_num_lines(c); off++) {
                Line *l = chip_get_line(c, off);
                char *path;
                int r;

                r = service_object_path(PINBUS_LINE_PREFIX, line_get_object_name(l), &path);
                if (r < 0)
                        return r;
                line_set_path(l, path);
        }
        return 0;
}

int bus_find_line(Service *s, const char *spec, Line **ret, sd_bus_error *error)
{
        CoreError e = CORE_ERROR_NULL;
        int r;

        r = daemon_find_line(s->daemon, spec, ret, &e);
        if (r < 0)
                return bus_error_set_core(error, &e, r);
        return 0;
}

int bus_read_line(Service *s, sd_bus_message *m, Line **ret, sd_bus_error *error)
{
        const char *spec;
        int r;

        r = sd_bus_message_read(m, "s", &spec);
        if (r < 0)
                return r;
        return bus_find_line(s, spec, ret, error);
}

void bus_line_changed(void *userdata, Line *l, unsigned changes)
{
        static const char *const names[] = {
                "Used", "Consumer", "Direction", "Bias", "Drive", "Edge", "ActiveLow", "DebounceUs", "Owner",
        };
        Service *s = userdata;
        const char *changed[ELEMENTSOF(names) + 1];
        size_t n = 0;

        if (!s->serving || !line_get_path(l))
                return;
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (changes & (1u << i))
                        changed[n++] = names[i];
        changed[n] = NULL;
        if (n > 0)
                (void)sd_bus_emit_properties_changed_strv(s->bus, line_get_path(l), LINE_INTERFACE,
                                                          (char **)changed);
}

/*
 * PropertiesChanged for Value carrying value itself. sd_bus_emit_properties_changed()
 * would call the getter at send time, which reads a held input live: every change of a
 * batch of edges would then carry the last level instead of its own.
 */
void bus_line_value_changed(void *userdata, Line *l, bool value)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        Service *s = userdata;
        int r;

        if (!s->serving || !line_get_path(l))
                return;
        r = sd_bus_message_new_signal(s->bus, &m, line_get_path(l), "org.freedesktop.DBus.Properties",
                                      "PropertiesChanged");
        if (r >= 0)
                r = sd_bus_message_append(m, "sa{sv}as", LINE_INTERFACE, 1, "Value", "b", value, 0);
        if (r >= 0)
                r = sd_bus_send(s->bus, m, NULL);
        if (r < 0)
                log_debug("Line %s: cannot emit the Value change: %s", line_get_object_name(l),
                          strerror(-r));
}

void bus_line_edge(void *userdata, Line *l, const PbEdgeEvent *e)
{
        Service *s = userdata;

        if (s->serving && line_get_path(l))
                (void)sd_bus_emit_signal(s->bus, line_get_path(l), LINE_INTERFACE, "Edge", "btu", e->rising,
                                         e->timestamp_ns, e->line_seqno);
}

BUS_DEFINE_PROPERTY_GET(property_get_name, "s", Line, line_get_info(o)->name)

BUS_DEFINE_PROPERTY_GET(property_get_chip, "o", Line, chip_get_path(line_get_chip(o)))

BUS_DEFINE_PROPERTY_GET(property_get_offset, "u", Line, line_get_offset(o))

BUS_DEFINE_PROPERTY_GET(property_get_used, "b", Line, line_get_info(o)->used)

BUS_DEFINE_PROPERTY_GET(property_get_consumer, "s", Line, line_get_info(o)->consumer)

static int property_get_owner(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        LineHolder h = line_get_holder(userdata);
        Client *c = client_from_holder(&h);

        return sd_bus_message_append(reply, "s", c ? client_get_name(c) : "");
}

BUS_DEFINE_PROPERTY_GET(property_get_direction, "s", Line,
                        pb_direction_to_string(line_get_info(o)->direction))

BUS_DEFINE_PROPERTY_GET(property_get_bias, "s", Line, pb_bias_to_string(line_get_info(o)->bias))

BUS_DEFINE_PROPERTY_GET(property_get_drive, "s", Line, pb_drive_to_string(line_get_info(o)->drive))

BUS_DEFINE_PROPERTY_GET(property_get_edge, "s", Line, pb_edge_to_string(line_get_info(o)->edge))

BUS_DEFINE_PROPERTY_GET(property_get_active_low, "b", Line, line_get_info(o)->active_low)

BUS_DEFINE_PROPERTY_GET(property_get_debounce, "t", Line, line_get_info(o)->debounce_us)

BUS_DEFINE_PROPERTY_GET(property_get_value, "b", Line, line_get_published_value(o))

/* The holder the caller of m is to the line rules. */
static LineHolder caller(sd_bus_message *m, Line *l)
{
        return client_holder_of_sender(service_of(line_get_daemon(l)), sd_bus_message_get_sender(m));
}

static int method_get(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        CoreError e = CORE_ERROR_NULL;
        bool v;
        int r;

        r = line_get_value(userdata, &v, &e);
        if (r < 0)
                return bus_error_set_core(error, &e, r);
        return sd_bus_reply_method_return(m, "b", v);
}

static int method_set(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        CoreError e = CORE_ERROR_NULL;
        LineHolder who = caller(m, userdata);
        int v, r;

        r = sd_bus_message_read(m, "b", &v);
        if (r < 0)
                return r;
        return bus_reply_core(m, line_set(userdata, &who, v, &e), &e, error);
}

static int method_toggle(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        CoreError e = CORE_ERROR_NULL;
        LineHolder who = caller(m, userdata);

        return bus_reply_core(m, line_toggle(userdata, &who, &e), &e, error);
}

static int method_pulse(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        CoreError e = CORE_ERROR_NULL;
        LineHolder who = caller(m, userdata);
        uint64_t duration_us;
        int v, r;

        r = sd_bus_message_read(m, "bt", &v, &duration_us);
        if (r < 0)
                return r;
        return bus_reply_core(m, line_pulse(userdata, &who, v, duration_us, &e), &e, error);
}

static int method_blink(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        CoreError e = CORE_ERROR_NULL;
        LineHolder who = caller(m, userdata);
        uint64_t on_us, off_us;
        uint32_t count;
        int r;

        r = sd_bus_message_read(m, "ttu", &on_us, &off_us, &count);
        if (r < 0)
                return r;
        return bus_reply_core(m, line_blink(userdata, &who, on_us, off_us, count, &e), &e, error);
}

/*
 * io.pinbus1.Line — one GPIO line (daemon/bus/io.pinbus1.xml documents every member).
 *
 * Properties (kernel line info, refreshed on every info event, so lines other
 * processes take show up too):
 *   Name s        kernel line name, "" if it has none (the object path then uses <chip>_<offset>)
 *   Chip o        the io.pinbus1.Chip it belongs to
 *   Offset u      offset on its chip
 *   Used b        requested by anyone (this daemon or another process)
 *   Consumer s    consumer name of whoever requested it ("pinbusd" for this daemon), "" if unused
 *   Owner s       unique bus name of the client that claimed it; "" if free or held by the daemon
 *   Direction s   "input" | "output"
 *   Bias s        "as-is" | "disabled" | "pull-up" | "pull-down" ("as-is": not set by the requester)
 *   Drive s       "push-pull" | "open-drain" | "open-source"
 *   Edge s        "none" | "rising" | "falling" | "both"
 *   ActiveLow b   values are inverted from the physical level
 *   DebounceUs t  debounce period in µs, 0 if none
 *   Value b       logical value: what a held output drives, or a held input reads (changes are
 *                 emitted for outputs and for inputs with edge detection); on a free line the value
 *                 last seen — reading the property never requests a line, since requesting can
 *                 change a pin's mux on some SoCs
 *
 * Methods:
 *   Get() -> b value                 read the logical value; a free line gets a transient as-is read
 *   Set(b value)                     drive an output; a free line is claimed as an output and kept
 *                                    by the daemon until released (LineBusy if another client
 *                                    holds it, NotOutput if held as an input)
 *   Toggle()                         drive the opposite of the current value
 *   Pulse(b value, t duration_us)    drive value for duration_us (1 µs .. 24 h), then !value
 *   Blink(t on_us, t off_us, u count)
 *                                    active for on_us, inactive for off_us (each 1 ms .. 24 h),
 *                                    count times or until Set/Toggle when 0; ends inactive
 *
 * Signals:
 *   Edge(b value, t timestamp_ns, u seqno)
 *                                    an edge on a line claimed with edge detection: the logical
 *                                    value after it, the kernel's CLOCK_MONOTONIC timestamp in ns,
 *                                    and the kernel's per-line sequence number (a gap = lost events)
 */
static const sd_bus_vtable line_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Name", "s", property_get_name, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Chip", "o", property_get_chip, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Offset", "u", property_get_offset, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Used", "b", property_get_used, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Consumer", "s", property_get_consumer, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Owner", "s", property_get_owner, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Direction", "s", property_get_direction, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Bias", "s", property_get_bias, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Drive", "s", property_get_drive, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Edge", "s", property_get_edge, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ActiveLow", "b", property_get_active_low, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("DebounceUs", "t", property_get_debounce, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Value", "b", property_get_value, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_METHOD_WITH_ARGS("Get", SD_BUS_NO_ARGS, SD_BUS_RESULT("b", value), method_get,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Set", SD_BUS_ARGS("b", value), SD_BUS_NO_RESULT, method_set,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Toggle", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_toggle,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Pulse", SD_BUS_ARGS("b", value, "t", duration_us), SD_BUS_NO_RESULT,
                                method_pulse, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Blink", SD_BUS_ARGS("t", on_us, "t", off_us, "u", count), SD_BUS_NO_RESULT,
                                method_blink, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("Edge", SD_BUS_ARGS("b", value, "t", timestamp_ns, "u", seqno), 0),
        SD_BUS_VTABLE_END,
};

static int line_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
                            void **found, sd_bus_error *error)
{
        Service *s = userdata;
        _cleanup_free_ char *name = NULL;
        Line *l;

        if (sd_bus_path_decode(path, PINBUS_LINE_PREFIX, &name) <= 0)
                return 0;
        l = daemon_find_line_by_object_name(s->daemon, name);
        if (!l)
                return 0;
        *found = l;
        return 1;
}

static int line_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes,
                                sd_bus_error *error)
{
        Service *s = userdata;
        Daemon *d = s->daemon;
        _cleanup_strv_free_ char **l = NULL;

        l = calloc(d->n_lines + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < d->n_lines; i++) {
                l[i] = strdup(line_get_path(d->lines[i]));
                if (!l[i])
                        return -ENOMEM;
        }
        *nodes = TAKE_PTR(l);
        return 1;
}

int bus_line_register(Service *s)
{
        int r;

        r = sd_bus_add_fallback_vtable(s->bus, NULL, PINBUS_LINE_PREFIX, LINE_INTERFACE, line_vtable,
                                       line_object_find, s);
        if (r < 0)
                return r;
        return sd_bus_add_node_enumerator(s->bus, NULL, PINBUS_LINE_PREFIX, line_node_enumerator, s);
}
