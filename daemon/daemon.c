/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <signal.h>
#include <systemd/sd-daemon.h>

#include "bus-error.h"
#include "button.h"
#include "chip.h"
#include "client.h"
#include "daemon.h"
#include "line-spec.h"
#include "line.h"
#include "log.h"
#include "manager.h"
#include "output.h"
#include "sensor-object.h"
#include "sim-chip.h"

bool daemon_is_simulating(const Daemon *d)
{
        return d->options.simulate;
}

static int daemon_add_chip(Daemon *d, PbChip *pb)
{
        Chip **n, *c;
        int r;

        n = realloc(d->chips, (d->n_chips + 1) * sizeof(Chip *));
        if (!n)
                return -ENOMEM;
        d->chips = n;
        r = chip_new(d, pb, &c);
        if (r < 0)
                return r;
        d->chips[d->n_chips++] = c;
        return 0;
}

static int daemon_open_chips(Daemon *d)
{
        _cleanup_strv_free_ char **paths = NULL;
        int r;

        if (d->options.simulate) {
                PbChip *pb;

                r = pb_sim_chip_new_rpi4(&pb);
                if (r < 0)
                        return log_error_errno(r, "Cannot create the simulated chip: %s", strerror(-r));
                if (d->options.simulate_no_debounce)
                        (void)pb_sim_chip_set_debounce_supported(pb, false);
                r = daemon_add_chip(d, pb);
                if (r < 0) {
                        pb_chip_close(pb);
                        return log_error_errno(r, "Cannot set up the simulated chip: %s", strerror(-r));
                }
                return 0;
        }

        r = pb_gpiod_list_chips(d->options.dev_dir, &paths);
        if (r < 0)
                return log_error_errno(r, "Cannot list GPIO chips in %s: %s", d->options.dev_dir,
                                       strerror(-r));

        for (char **p = paths; *p; p++) {
                PbChip *pb;

                r = pb_gpiod_chip_open(*p, &pb);
                if (r < 0) {
                        /* One unusable chip must not take the others down with it. */
                        log_warning("Cannot open GPIO chip %s: %s; skipping it", *p, strerror(-r));
                        continue;
                }
                r = daemon_add_chip(d, pb);
                if (r < 0) {
                        pb_chip_close(pb);
                        log_warning("Cannot set up GPIO chip %s: %s; skipping it", *p, strerror(-r));
                        continue;
                }
                log_debug("Opened %s: %s (%s), %u lines", *p, pb_chip_get_name(pb), pb_chip_get_label(pb),
                          pb_chip_get_num_lines(pb));
        }
        if (d->n_chips == 0)
                log_warning("No usable GPIO chip in %s; serving no lines", d->options.dev_dir);
        return 0;
}

static int compare_lines(const void *a, const void *b)
{
        return strcmp(line_get_object_name(*(Line *const *)a), line_get_object_name(*(Line *const *)b));
}

/*
 * Names every line and builds the sorted index. A line is known by its kernel
 * name unless it has none or an earlier line (in chip-number order) took it;
 * then it is "<chip>_<offset>".
 */
static int daemon_index_lines(Daemon *d)
{
        size_t n = 0, k = 0;

        for (size_t i = 0; i < d->n_chips; i++)
                n += chip_get_num_lines(d->chips[i]);
        d->lines = calloc(n ? n : 1, sizeof(Line *));
        if (!d->lines)
                return -ENOMEM;

        for (size_t i = 0; i < d->n_chips; i++) {
                Chip *c = d->chips[i];

                for (unsigned off = 0; off < chip_get_num_lines(c); off++) {
                        Line *l = chip_get_line(c, off);
                        const char *name = line_get_info(l)->name;
                        _cleanup_free_ char *fallback = NULL;
                        bool taken = isempty(name);
                        int r;

                        for (size_t j = 0; j < k && !taken; j++)
                                taken = streq(line_get_object_name(d->lines[j]), name);
                        if (taken) {
                                if (asprintf(&fallback, "%s_%u", chip_get_name(c), off) < 0)
                                        return -ENOMEM;
                                if (!isempty(name))
                                        log_notice(
                                                "Line %u of %s is named '%s' like an earlier line; it is %s",
                                                off, chip_get_name(c), name, fallback);
                                name = fallback;
                        }
                        r = line_set_object_name(l, name);
                        if (r < 0)
                                return r;
                        d->lines[k++] = l;
                }
        }
        d->n_lines = k;
        qsort(d->lines, d->n_lines, sizeof(Line *), compare_lines);
        return 0;
}

Line *daemon_find_line_by_object_name(Daemon *d, const char *name)
{
        size_t lo = 0, hi = d->n_lines;

        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                int c = strcmp(name, line_get_object_name(d->lines[mid]));

                if (c == 0)
                        return d->lines[mid];
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return NULL;
}

Chip *daemon_find_chip(Daemon *d, const char *name_or_label)
{
        for (size_t i = 0; i < d->n_chips; i++)
                if (streq(chip_get_name(d->chips[i]), name_or_label))
                        return d->chips[i];
        for (size_t i = 0; i < d->n_chips; i++)
                if (streq(chip_get_label(d->chips[i]), name_or_label))
                        return d->chips[i];
        return NULL;
}

Output *daemon_find_output(Daemon *d, const char *name)
{
        for (size_t i = 0; i < d->n_outputs; i++)
                if (streq(output_get_name(d->outputs[i]), name))
                        return d->outputs[i];
        return NULL;
}

Button *daemon_find_button(Daemon *d, const char *name)
{
        for (size_t i = 0; i < d->n_buttons; i++)
                if (streq(button_get_name(d->buttons[i]), name))
                        return d->buttons[i];
        return NULL;
}

int daemon_find_line(Daemon *d, const char *spec, Line **ret, sd_bus_error *error)
{
        PbLineSpec ps = {};
        const char *reason = NULL;
        Line *l;
        Chip *c;
        int r;

        if (isempty(spec))
                return sd_bus_error_setf(
                        error, PB_ERROR_INVALID_ARGS,
                        "Line spec is empty: give a line name such as GPIO17, or <chip>:<offset>");

        /* Names first: a line name may itself contain ':'. */
        l = daemon_find_line_by_object_name(d, spec);
        if (l) {
                *ret = l;
                return 0;
        }

        r = pb_line_spec_parse(spec, &ps, &reason);
        if (r == -ENOMEM)
                return sd_bus_error_set_errno(error, r);
        if (r < 0)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS, "Invalid line spec '%s': it %s", spec,
                                         reason);

        if (ps.kind == PB_LINE_SPEC_NAME) {
                pb_line_spec_done(&ps);
                return sd_bus_error_setf(error, PB_ERROR_NO_SUCH_LINE, "No line named '%s'", spec);
        }

        c = daemon_find_chip(d, ps.chip);
        if (!c) {
                r = sd_bus_error_setf(error, PB_ERROR_NO_SUCH_LINE,
                                      "No GPIO chip named or labelled '%s' (in line spec '%s')", ps.chip,
                                      spec);
                pb_line_spec_done(&ps);
                return r;
        }
        l = chip_get_line(c, ps.offset);
        if (!l) {
                r = sd_bus_error_setf(
                        error, PB_ERROR_NO_SUCH_LINE,
                        "Chip %s (%s) has no line %u (in line spec '%s'): its offsets are 0-%u",
                        chip_get_name(c), chip_get_label(c), ps.offset, spec, chip_get_num_lines(c) - 1);
                pb_line_spec_done(&ps);
                return r;
        }
        pb_line_spec_done(&ps);
        *ret = l;
        return 0;
}

int daemon_read_line(Daemon *d, sd_bus_message *m, Line **ret, sd_bus_error *error)
{
        const char *spec;
        int r;

        r = sd_bus_message_read(m, "s", &spec);
        if (r < 0)
                return r;
        return daemon_find_line(d, spec, ret, error);
}

static int daemon_connect_bus(Daemon *d)
{
        int r;

        switch (d->options.bus_kind) {
        case BUS_SYSTEM:
                r = sd_bus_open_system_with_description(&d->bus, "pinbusd");
                break;
        case BUS_SESSION:
                r = sd_bus_open_user_with_description(&d->bus, "pinbusd");
                break;
        default:
                r = sd_bus_new(&d->bus);
                if (r >= 0)
                        r = sd_bus_set_address(d->bus, d->options.bus_address);
                if (r >= 0)
                        r = sd_bus_set_bus_client(d->bus, true);
                if (r >= 0)
                        r = sd_bus_set_description(d->bus, "pinbusd");
                if (r >= 0)
                        r = sd_bus_start(d->bus);
        }
        if (r < 0)
                return log_error_errno(r, "Cannot connect to the %s bus%s%s: %s",
                                       d->options.bus_kind == BUS_SYSTEM    ? "system"
                                       : d->options.bus_kind == BUS_SESSION ? "session"
                                                                            : "given",
                                       d->options.bus_kind == BUS_ADDRESS ? " at " : "",
                                       d->options.bus_kind == BUS_ADDRESS ? d->options.bus_address : "",
                                       strerror(-r));

        r = sd_bus_attach_event(d->bus, d->event, SD_EVENT_PRIORITY_NORMAL);
        if (r >= 0)
                r = sd_bus_set_exit_on_disconnect(d->bus, true);
        if (r < 0)
                return log_error_errno(r, "Cannot attach the bus to the event loop: %s", strerror(-r));
        return 0;
}

static int daemon_add_bus_objects(Daemon *d)
{
        int r;

        r = manager_add_bus_objects(d);
        if (r >= 0)
                r = chip_add_bus_objects(d);
        if (r >= 0)
                r = line_add_bus_objects(d);
        if (r >= 0)
                r = output_add_bus_objects(d);
        if (r >= 0)
                r = button_add_bus_objects(d);
        r = sensor_add_bus_objects(d);
        if (r >= 0 && d->options.simulate)
                r = simulator_add_bus_objects(d);
        if (r < 0)
                return log_error_errno(r, "Cannot register D-Bus objects: %s", strerror(-r));
        return 0;
}

int daemon_new(const DaemonOptions *options, Config *config, Daemon **ret)
{
        _cleanup_(daemon_freep) Daemon *d = NULL;
        sigset_t mask;
        int r;

        d = calloc(1, sizeof(*d));
        if (!d) {
                config_free(config);
                return log_error_errno(-ENOMEM, "Out of memory");
        }
        d->options = *options;
        d->config = config;

        r = sd_event_default(&d->event);
        if (r < 0)
                return log_error_errno(r, "Cannot create the event loop: %s", strerror(-r));

        /* SIGTERM and SIGINT end the loop; sd-event needs them blocked to deliver them. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return log_error_errno(-errno, "Cannot block signals: %m");
        r = sd_event_add_signal(d->event, NULL, SIGTERM, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_signal(d->event, NULL, SIGINT, NULL, NULL);
        if (r < 0)
                return log_error_errno(r, "Cannot watch SIGTERM/SIGINT: %s", strerror(-r));
        /* Keeps systemd's watchdog fed when WatchdogSec= is set; a no-op otherwise. */
        (void)sd_event_set_watchdog(d->event, true);

        r = daemon_connect_bus(d);
        if (r < 0)
                return r;

        r = state_store_new(d->event, d->options.state_dir, &d->state);
        if (r < 0)
                return log_error_errno(r, "Cannot set up the state store: %s", strerror(-r));

        r = daemon_open_chips(d);
        if (r < 0)
                return r;
        r = daemon_index_lines(d);
        if (r < 0)
                return log_error_errno(r, "Cannot index lines: %s", strerror(-r));

        d->outputs = calloc(config->n_outputs ? config->n_outputs : 1, sizeof(Output *));
        if (!d->outputs)
                return log_error_errno(-ENOMEM, "Out of memory");
        for (size_t i = 0; i < config->n_outputs; i++) {
                r = output_new(d, &config->outputs[i], &d->outputs[i]);
                if (r < 0)
                        return log_error_errno(r, "Cannot create output %s: %s", config->outputs[i].name,
                                               strerror(-r));
                d->n_outputs++;
        }

        d->buttons = calloc(config->n_buttons ? config->n_buttons : 1, sizeof(Button *));
        if (!d->buttons)
                return log_error_errno(-ENOMEM, "Out of memory");
        for (size_t i = 0; i < config->n_buttons; i++) {
                r = button_new(d, &config->buttons[i], &d->buttons[i]);
                if (r < 0)
                        return log_error_errno(r, "Cannot create button %s: %s", config->buttons[i].name,
                                               strerror(-r));
                d->n_buttons++;
        }
        r = sensors_new(d);
        if (r < 0)
                return log_error_errno(r, "Cannot create the sensors: %s", strerror(-r));

        r = daemon_add_bus_objects(d);
        if (r < 0)
                return r;

        for (size_t i = 0; i < d->n_outputs; i++)
                output_start(d->outputs[i]);
        for (size_t i = 0; i < d->n_buttons; i++)
                button_start(d->buttons[i]);
        sensors_start(d);

        *ret = TAKE_PTR(d);
        return 0;
}

int daemon_run(Daemon *d)
{
        int r;

        r = sd_bus_request_name(d->bus, PINBUS_BUS_NAME, 0);
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

Daemon *daemon_free(Daemon *d)
{
        if (!d)
                return NULL;

        /* Lines first (they release their requests), then who pointed at them. */
        for (size_t i = 0; i < d->n_chips; i++)
                chip_free(d->chips[i]);
        free(d->chips);
        free(d->lines);
        for (size_t i = 0; i < d->n_outputs; i++)
                output_free(d->outputs[i]);
        free(d->outputs);
        for (size_t i = 0; i < d->n_buttons; i++)
                button_free(d->buttons[i]);
        free(d->buttons);
        while (d->clients)
                client_free(d->clients);
        sensors_free(d);

        state_store_free(d->state);
        config_free(d->config);
        sd_bus_flush_close_unref(d->bus);
        sd_event_unref(d->event);
        free(d);
        return NULL;
}
