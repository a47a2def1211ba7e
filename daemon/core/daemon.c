/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <signal.h>
#include <sys/inotify.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <assert.h>

#include "core/button.h"
#include "core/chip.h"
#include "core/daemon.h"
#include "core/frontend.h"
#include "core/line.h"
#include "core/output.h"
#include "core/sensor.h"
#include "gpio/line-spec.h"
#include "log.h"
#include "sim/gpio-chip.h"
#include "sim/i2c-bus.h"

bool daemon_is_simulating(const Daemon *d)
{
        return d->options.simulate;
}

/* --- I2C adapters -------------------------------------------------------------- */

int daemon_get_i2c_bus(Daemon *d, unsigned nr, PbI2cBus **ret)
{
        PbI2cBus **n, *bus = NULL;
        int r;

        assert(d);
        assert(ret);

        for (size_t i = 0; i < d->n_i2c_buses; i++)
                if (pb_i2c_bus_get_nr(d->i2c_buses[i]) == nr) {
                        *ret = d->i2c_buses[i];
                        return 0;
                }

        n = realloc(d->i2c_buses, (d->n_i2c_buses + 1) * sizeof(PbI2cBus *));
        if (!n)
                return -ENOMEM;
        d->i2c_buses = n;

        if (daemon_is_simulating(d))
                r = nr == 1 ? pb_sim_i2c_bus_new_default(&bus) : -ENOENT;
        else
                r = pb_i2c_bus_open(nr, &bus);
        if (r < 0)
                return r;
        log_debug("Opened I2C adapter %s%s", pb_i2c_bus_get_path(bus),
                  pb_i2c_bus_is_simulated(bus) ? " (simulated)" : "");
        d->i2c_buses[d->n_i2c_buses++] = bus;
        *ret = bus;
        return 0;
}

void daemon_close_i2c_bus(Daemon *d, PbI2cBus *bus)
{
        assert(d);
        assert(bus);

        for (size_t i = 0; i < d->n_i2c_buses; i++)
                if (d->i2c_buses[i] == bus) {
                        log_warning("I2C adapter %s went away; reopening it at the next attempt",
                                    pb_i2c_bus_get_path(bus));
                        pb_i2c_bus_close(bus);
                        memmove(d->i2c_buses + i, d->i2c_buses + i + 1,
                                (d->n_i2c_buses - i - 1) * sizeof(PbI2cBus *));
                        d->n_i2c_buses--;
                        return;
                }
}

static void daemon_close_i2c_buses(Daemon *d)
{
        for (size_t i = 0; i < d->n_i2c_buses; i++)
                pb_i2c_bus_close(d->i2c_buses[i]);
        d->i2c_buses = mfree(d->i2c_buses);
        d->n_i2c_buses = 0;
}

static int compare_chips(const void *a, const void *b)
{
        /* Chip-number order: gpiochip2 before gpiochip10. */
        return strverscmp(chip_get_name(*(Chip *const *)a), chip_get_name(*(Chip *const *)b));
}

static int compare_lines(const void *a, const void *b)
{
        return strcmp(line_get_object_name(*(Line *const *)a), line_get_object_name(*(Line *const *)b));
}

/* Whether a line of the index, or one of the first n of chip c, is already known by name. */
static bool line_name_taken(Daemon *d, Chip *c, unsigned n, const char *name)
{
        if (daemon_find_line_by_object_name(d, name))
                return true;
        for (unsigned off = 0; off < n; off++)
                if (streq(line_get_object_name(chip_get_line(c, off)), name))
                        return true;
        return false;
}

/*
 * Names the lines of chip c and adds them to the sorted index. A line is known
 * by its kernel name unless it has none or a line already indexed (an earlier
 * chip's, in chip-number order at start-up) took it; then it is
 * "<chip>_<offset>". Lines already indexed keep their names.
 */
static int daemon_index_chip_lines(Daemon *d, Chip *c)
{
        unsigned n = chip_get_num_lines(c);
        Line **lines;
        size_t k = d->n_lines;

        lines = realloc(d->lines, (d->n_lines + n + 1) * sizeof(Line *));
        if (!lines)
                return -ENOMEM;
        d->lines = lines;

        for (unsigned off = 0; off < n; off++) {
                Line *l = chip_get_line(c, off);
                const char *name = line_get_info(l)->name;
                _cleanup_free_ char *fallback = NULL;
                int r;

                if (isempty(name) || line_name_taken(d, c, off, name)) {
                        if (asprintf(&fallback, "%s_%u", chip_get_name(c), off) < 0)
                                return -ENOMEM;
                        if (!isempty(name))
                                log_notice("Line %u of %s is named '%s' like an earlier line; it is %s", off,
                                           chip_get_name(c), name, fallback);
                        name = fallback;
                }
                r = line_set_object_name(l, name);
                if (r < 0)
                        return r;
        }
        for (unsigned off = 0; off < n; off++)
                d->lines[k++] = chip_get_line(c, off);
        d->n_lines = k;
        qsort(d->lines, d->n_lines, sizeof(Line *), compare_lines);
        return 0;
}

/* Takes chip c out of the chip list and its lines out of the index (keeping the order). */
static void daemon_unindex_chip(Daemon *d, Chip *c)
{
        size_t k = 0;

        for (size_t i = 0; i < d->n_lines; i++)
                if (line_get_chip(d->lines[i]) != c)
                        d->lines[k++] = d->lines[i];
        d->n_lines = k;

        k = 0;
        for (size_t i = 0; i < d->n_chips; i++)
                if (d->chips[i] != c)
                        d->chips[k++] = d->chips[i];
        d->n_chips = k;
}

int daemon_add_chip(Daemon *d, PbChip *pb)
{
        Chip **n, *c;
        int r;

        n = realloc(d->chips, (d->n_chips + 1) * sizeof(Chip *));
        if (!n) {
                pb_chip_close(pb);
                return -ENOMEM;
        }
        d->chips = n;
        r = chip_new(d, pb, &c);
        if (r < 0) {
                pb_chip_close(pb);
                return r;
        }
        d->chips[d->n_chips++] = c;
        qsort(d->chips, d->n_chips, sizeof(Chip *), compare_chips);
        r = daemon_index_chip_lines(d, c);
        if (r < 0) {
                daemon_unindex_chip(d, c);
                chip_free(c);
                return r;
        }
        if (d->frontend && d->frontend->chip_added) {
                r = d->frontend->chip_added(d->frontend_userdata, c);
                if (r < 0) {
                        daemon_unindex_chip(d, c);
                        chip_free(c);
                        return r;
                }
        }
        FRONTEND_CALL(d, chips_changed);
        return 0;
}

void daemon_remove_chip(Daemon *d, Chip *c, PbChip **keep)
{
        PbChip *pb;

        log_notice("GPIO chip %s (%s) went away with its %u line(s)", chip_get_name(c), chip_get_label(c),
                   chip_get_num_lines(c));
        /* Whoever held its lines lets go first, while the objects still exist. */
        for (unsigned off = 0; off < chip_get_num_lines(c); off++)
                line_lost(chip_get_line(c, off));
        FRONTEND_CALL(d, chip_removed, c);
        daemon_unindex_chip(d, c);
        FRONTEND_CALL(d, chips_changed);

        pb = chip_free_keep_pb(c);
        if (keep)
                *keep = pb;
        else
                pb_chip_close(pb);
}

int daemon_watch_lines(Daemon *d, void (*lines_appeared)(void *userdata), void *userdata)
{
        LinesWatch *n;

        assert(d);
        assert(lines_appeared);
        n = realloc(d->lines_watches, (d->n_lines_watches + 1) * sizeof(LinesWatch));
        if (!n)
                return -ENOMEM;
        d->lines_watches = n;
        d->lines_watches[d->n_lines_watches++] = (LinesWatch){ lines_appeared, userdata };
        return 0;
}

void daemon_unwatch_lines(Daemon *d, void *userdata)
{
        size_t k = 0;

        for (size_t i = 0; i < d->n_lines_watches; i++)
                if (d->lines_watches[i].userdata != userdata)
                        d->lines_watches[k++] = d->lines_watches[i];
        d->n_lines_watches = k;
}

void daemon_lines_appeared(Daemon *d)
{
        /* By index: a watch may add or remove watches. */
        for (size_t i = 0; i < d->n_lines_watches; i++)
                d->lines_watches[i].lines_appeared(d->lines_watches[i].userdata);
}

static Chip *daemon_find_chip_by_device(Daemon *d, const char *path)
{
        for (size_t i = 0; i < d->n_chips; i++)
                if (streq(pb_chip_get_path(chip_get_pb(d->chips[i])), path))
                        return d->chips[i];
        return NULL;
}

/* Opens and adds the GPIO character device at path; false if it cannot be used (logged). */
static bool daemon_open_chip(Daemon *d, const char *path)
{
        PbChip *pb;
        int r;

        r = pb_gpiod_chip_open(path, &pb);
        if (r < 0) {
                /* One unusable chip must not take the others down with it. */
                log_warning("Cannot open GPIO chip %s: %s; skipping it", path, strerror(-r));
                return false;
        }
        log_debug("Opened %s: %s (%s), %u lines", path, pb_chip_get_name(pb), pb_chip_get_label(pb),
                  pb_chip_get_num_lines(pb));
        r = daemon_add_chip(d, pb);
        if (r < 0) {
                log_warning("Cannot set up GPIO chip %s: %s; skipping it", path, strerror(-r));
                return false;
        }
        return true;
}

/* Brings the chip list in line with the nodes in dev_dir (after an inotify queue overflow). */
static void daemon_rescan_chips(Daemon *d)
{
        _cleanup_strv_free_ char **paths = NULL;
        bool added = false;

        for (size_t i = d->n_chips; i > 0; i--)
                if (access(pb_chip_get_path(chip_get_pb(d->chips[i - 1])), F_OK) < 0)
                        daemon_remove_chip(d, d->chips[i - 1], NULL);
        if (pb_gpiod_list_chips(d->options.dev_dir, &paths) < 0)
                return;
        for (char **p = paths; *p; p++)
                if (!daemon_find_chip_by_device(d, *p))
                        added |= daemon_open_chip(d, *p);
        if (added)
                daemon_lines_appeared(d);
}

static int on_dev_event(sd_event_source *s, const struct inotify_event *e, void *userdata)
{
        Daemon *d = userdata;
        _cleanup_free_ char *path = NULL;
        Chip *c;

        if (e->mask & IN_Q_OVERFLOW) {
                log_debug("Missed device events in %s; looking at its GPIO chips again", d->options.dev_dir);
                daemon_rescan_chips(d);
                return 0;
        }
        if (e->len == 0 || !startswith(e->name, "gpiochip"))
                return 0;
        if (asprintf(&path, "%s/%s", d->options.dev_dir, e->name) < 0)
                return 0;

        c = daemon_find_chip_by_device(d, path);
        /* A new node at the path of a chip we have means the old one is gone. */
        if (c && (e->mask & (IN_DELETE | IN_MOVED_FROM | IN_CREATE | IN_MOVED_TO)))
                daemon_remove_chip(d, c, NULL);
        else if (c)
                return 0;
        if (e->mask & (IN_DELETE | IN_MOVED_FROM))
                return 0;

        /* Created, or its permissions changed (udev may grant access only after creating it). */
        if (access(path, R_OK | W_OK) < 0) {
                log_debug("GPIO chip %s appeared but is not accessible yet: %m", path);
                return 0;
        }
        if (daemon_open_chip(d, path)) {
                log_notice("GPIO chip %s appeared", path);
                daemon_lines_appeared(d);
        }
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
                if (r < 0)
                        return log_error_errno(r, "Cannot set up the simulated chip: %s", strerror(-r));
                return 0;
        }

        /* Watch first, so that no chip can slip in between the listing and the watch. */
        r = sd_event_add_inotify(d->event, &d->dev_watch, d->options.dev_dir,
                                 IN_CREATE | IN_DELETE | IN_ATTRIB | IN_MOVED_TO | IN_MOVED_FROM |
                                         IN_ONLYDIR,
                                 on_dev_event, d);
        if (r < 0)
                log_warning(
                        "Cannot watch %s for GPIO chips coming and going: %s; serving the chips there now",
                        d->options.dev_dir, strerror(-r));
        else
                (void)sd_event_source_set_description(d->dev_watch, "gpiochip-watch");

        r = pb_gpiod_list_chips(d->options.dev_dir, &paths);
        if (r < 0)
                return log_error_errno(r, "Cannot list GPIO chips in %s: %s", d->options.dev_dir,
                                       strerror(-r));
        for (char **p = paths; *p; p++)
                (void)daemon_open_chip(d, *p);
        if (d->n_chips == 0)
                log_warning("No usable GPIO chip in %s; serving no lines until one appears",
                            d->options.dev_dir);
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

int daemon_find_line(Daemon *d, const char *spec, Line **ret, CoreError *error)
{
        PbLineSpec ps = {};
        const char *reason = NULL;
        Line *l;
        Chip *c;
        int r;

        if (isempty(spec))
                return core_error_setf(
                        error, CORE_ERROR_INVALID_ARGS, -EINVAL,
                        "Line spec is empty: give a line name such as GPIO17, or <chip>:<offset>");

        /* Names first: a line name may itself contain ':'. */
        l = daemon_find_line_by_object_name(d, spec);
        if (l) {
                *ret = l;
                return 0;
        }

        r = pb_line_spec_parse(spec, &ps, &reason);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return core_error_setf(error, CORE_ERROR_INVALID_ARGS, r, "Invalid line spec '%s': it %s",
                                       spec, reason);

        if (ps.kind == PB_LINE_SPEC_NAME) {
                pb_line_spec_done(&ps);
                return core_error_setf(error, CORE_ERROR_NO_SUCH_LINE, -ENOENT, "No line named '%s'", spec);
        }

        c = daemon_find_chip(d, ps.chip);
        if (!c) {
                r = core_error_setf(error, CORE_ERROR_NO_SUCH_LINE, -ENOENT,
                                    "No GPIO chip named or labelled '%s' (in line spec '%s')", ps.chip,
                                    spec);
                pb_line_spec_done(&ps);
                return r;
        }
        l = chip_get_line(c, ps.offset);
        if (!l) {
                r = core_error_setf(error, CORE_ERROR_NO_SUCH_LINE, -ENOENT,
                                    "Chip %s (%s) has no line %u (in line spec '%s'): its offsets are 0-%u",
                                    chip_get_name(c), chip_get_label(c), ps.offset, spec,
                                    chip_get_num_lines(c) - 1);
                pb_line_spec_done(&ps);
                return r;
        }
        pb_line_spec_done(&ps);
        *ret = l;
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

        r = state_store_new(d->event, d->options.state_dir, &d->state);
        if (r < 0)
                return log_error_errno(r, "Cannot set up the state store: %s", strerror(-r));

        r = daemon_open_chips(d);
        if (r < 0)
                return r;

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

        *ret = TAKE_PTR(d);
        return 0;
}

void daemon_set_frontend(Daemon *d, const Frontend *f, void *userdata)
{
        assert(d);
        d->frontend = f;
        d->frontend_userdata = userdata;
}

void daemon_start(Daemon *d)
{
        assert(d);
        for (size_t i = 0; i < d->n_outputs; i++)
                output_start(d->outputs[i]);
        for (size_t i = 0; i < d->n_buttons; i++)
                button_start(d->buttons[i]);
        sensors_start(d);
}

Daemon *daemon_free(Daemon *d)
{
        if (!d)
                return NULL;

        d->frontend = NULL;
        d->dev_watch = sd_event_source_disable_unref(d->dev_watch);
        /* Lines first (they release their requests), then who pointed at them. */
        for (size_t i = 0; i < d->n_chips; i++)
                chip_free(d->chips[i]);
        free(d->chips);
        free(d->lines);
        for (size_t i = 0; i < d->n_unplugged; i++)
                pb_chip_close(d->unplugged[i]);
        free(d->unplugged);
        for (size_t i = 0; i < d->n_outputs; i++)
                output_free(d->outputs[i]);
        free(d->outputs);
        for (size_t i = 0; i < d->n_buttons; i++)
                button_free(d->buttons[i]);
        free(d->buttons);
        sensors_free(d);
        daemon_close_i2c_buses(d); /* after the sensors, which use them */
        free(d->lines_watches);

        state_store_free(d->state);
        config_free(d->config);
        sd_event_unref(d->event);
        free(d);
        return NULL;
}
