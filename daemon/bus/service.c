/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <assert.h>
#include <systemd/sd-daemon.h>

#include "bus/button.h"
#include "bus/chip.h"
#include "bus/client.h"
#include "bus/line.h"
#include "bus/manager.h"
#include "bus/output.h"
#include "bus/sensor.h"
#include "bus/service.h"
#include "core/frontend.h"
#include "log.h"

static const Frontend service_frontend = {
        .line_changed = bus_line_changed,
        .line_value_changed = bus_line_value_changed,
        .line_edge = bus_line_edge,
        .output_changed = bus_output_changed,
        .button_changed = bus_button_changed,
        .button_event = bus_button_event,
        .sensor_changed = bus_sensor_changed,
        .chip_added = bus_chip_added,
        .chip_removed = bus_chip_removed,
        .chips_changed = bus_chips_changed,
};

Service *service_of(const Daemon *d)
{
        return d->frontend == &service_frontend ? d->frontend_userdata : NULL;
}

int service_object_path(const char *prefix, const char *name, char **ret)
{
        return sd_bus_path_encode(prefix, name, ret) < 0 ? -ENOMEM : 0;
}

static int service_connect(Service *s)
{
        const DaemonOptions *o = &s->daemon->options;
        int r;

        switch (o->bus_kind) {
        case BUS_SYSTEM:
                r = sd_bus_open_system_with_description(&s->bus, "pinbusd");
                break;
        case BUS_SESSION:
                r = sd_bus_open_user_with_description(&s->bus, "pinbusd");
                break;
        default:
                r = sd_bus_new(&s->bus);
                if (r >= 0)
                        r = sd_bus_set_address(s->bus, o->bus_address);
                if (r >= 0)
                        r = sd_bus_set_bus_client(s->bus, true);
                if (r >= 0)
                        r = sd_bus_set_description(s->bus, "pinbusd");
                if (r >= 0)
                        r = sd_bus_start(s->bus);
        }
        if (r < 0)
                return log_error_errno(r, "Cannot connect to the %s bus%s%s: %s",
                                       o->bus_kind == BUS_SYSTEM    ? "system"
                                       : o->bus_kind == BUS_SESSION ? "session"
                                                                    : "given",
                                       o->bus_kind == BUS_ADDRESS ? " at " : "",
                                       o->bus_kind == BUS_ADDRESS ? o->bus_address : "", strerror(-r));

        r = sd_bus_attach_event(s->bus, s->daemon->event, SD_EVENT_PRIORITY_NORMAL);
        if (r >= 0)
                r = sd_bus_set_exit_on_disconnect(s->bus, true);
        if (r < 0)
                return log_error_errno(r, "Cannot attach the bus to the event loop: %s", strerror(-r));
        return 0;
}

static int service_register(Service *s)
{
        Daemon *d = s->daemon;
        int r = 0;

        /* The chips there are now get their paths here; those that appear later in chip_added. */
        for (size_t i = 0; i < d->n_chips && r >= 0; i++)
                r = bus_chip_name(s, d->chips[i]);
        if (r >= 0)
                r = manager_add_bus_objects(s);
        if (r >= 0)
                r = bus_chip_register(s);
        if (r >= 0)
                r = bus_line_register(s);
        if (r >= 0)
                r = bus_output_register(s);
        if (r >= 0)
                r = bus_button_register(s);
        if (r >= 0)
                r = bus_sensor_register(s);
        if (r >= 0 && daemon_is_simulating(d))
                r = simulator_add_bus_objects(s);
        if (r < 0)
                return log_error_errno(r, "Cannot register D-Bus objects: %s", strerror(-r));
        return 0;
}

int service_new(Daemon *d, Service **ret)
{
        _cleanup_(service_freep) Service *s = NULL;
        int r;

        assert(d);
        assert(ret);

        s = calloc(1, sizeof(*s));
        if (!s)
                return log_error_errno(-ENOMEM, "Out of memory");
        s->daemon = d;

        r = service_connect(s);
        if (r < 0)
                return r;
        daemon_set_frontend(d, &service_frontend, s);
        r = service_register(s);
        if (r < 0) {
                daemon_set_frontend(d, NULL, NULL);
                return r;
        }
        s->serving = true;
        *ret = TAKE_PTR(s);
        return 0;
}

int service_run(Service *s)
{
        Daemon *d = s->daemon;
        int r;

        r = sd_bus_request_name(s->bus, PINBUS_BUS_NAME, 0);
        if (r < 0)
                return log_error_errno(
                        r,
                        "Cannot own %s on the bus: %s (is another pinbusd running, or does the "
                        "D-Bus policy not let this user own it?)",
                        PINBUS_BUS_NAME, strerror(-r));

        log_info("Serving %zu line(s) on %zu chip(s), %zu output(s) and %zu button(s) as %s (%s backend)",
                 d->n_lines, d->n_chips, d->n_outputs, d->n_buttons, PINBUS_BUS_NAME,
                 d->options.simulate ? "simulator" : "gpiod");
        (void)sd_notifyf(false, "READY=1\nSTATUS=Serving %zu lines on %zu chips", d->n_lines, d->n_chips);

        r = sd_event_loop(d->event);
        (void)sd_notify(false, "STOPPING=1\nSTATUS=Releasing lines");
        if (r < 0)
                return log_error_errno(r, "Event loop failed: %s", strerror(-r));
        log_info("Stopping: releasing all lines");
        return r;
}

Service *service_free(Service *s)
{
        if (!s)
                return NULL;
        /* The daemon is freed first (its last replies still go out on this bus): s->daemon is
         * not touched here. */
        s->serving = false;
        while (s->clients)
                client_free(s->clients);
        sd_bus_flush_close_unref(s->bus);
        free(s);
        return NULL;
}
