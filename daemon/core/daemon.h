/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The daemon's core: the context that owns the event loop, the chips and the
 * index of their lines, the configured outputs, buttons and sensors, and
 * hotplug. Nothing here knows D-Bus: what the core has to tell the world
 * (a property changed, an edge, a button event, a chip came or went) goes
 * through one Frontend, a table of callbacks the bus layer (bus/service.c)
 * installs; requests come in as calls of the core's functions, which report
 * failures as a CoreError (core/error.h).
 *
 * The files of core/ see this struct; everything else about their objects is
 * private to their file.
 */

#include <systemd/sd-event.h>

#include "config/config.h"
#include "config/state.h"
#include "core/error.h"
#include "gpio/chip.h"
#include "i2c/bus.h"

#define PINBUS_BUS_NAME      "io.pinbus1"
#define PINBUS_OBJECT_ROOT   "/io/pinbus1"
#define PINBUS_CHIP_PREFIX   PINBUS_OBJECT_ROOT "/chip"
#define PINBUS_LINE_PREFIX   PINBUS_OBJECT_ROOT "/line"
#define PINBUS_OUTPUT_PREFIX PINBUS_OBJECT_ROOT "/output"
#define PINBUS_BUTTON_PREFIX PINBUS_OBJECT_ROOT "/button"
#define PINBUS_SENSOR_PREFIX PINBUS_OBJECT_ROOT "/sensor"

/* The consumer name the daemon's line requests carry (gpioinfo shows it). */
#define PINBUS_CONSUMER "pinbusd"

typedef struct Chip Chip;
typedef struct Line Line;
typedef struct Output Output;
typedef struct Button Button;
typedef struct Sensor Sensor;
typedef struct Frontend Frontend;

typedef enum BusKind {
        BUS_SYSTEM,
        BUS_SESSION,
        BUS_ADDRESS,
} BusKind;

typedef struct DaemonOptions {
        bool simulate;
        bool simulate_no_debounce; /* the simulated chip refuses debounce periods */
        BusKind bus_kind;
        const char *bus_address; /* BUS_ADDRESS */
        const char *state_dir;
        const char *dev_dir; /* where GPIO character devices are looked for, "/dev" */
} DaemonOptions;

/* Something waiting for lines to appear (an output or a button without its line):
 * lines_appeared() is called after chips were added. */
typedef struct LinesWatch {
        void (*lines_appeared)(void *userdata);
        void *userdata;
} LinesWatch;

typedef struct Daemon {
        sd_event *event;
        DaemonOptions options;

        /* The front end told about changes (bus/service.c), and its own pointer. Every
         * callback may be NULL; before a front end is set, nothing is published. */
        const Frontend *frontend;
        void *frontend_userdata;

        Config *config;
        StateStore *state;

        Chip **chips;
        size_t n_chips;

        Line **lines; /* every line of every chip, sorted by object name */
        size_t n_lines;

        Output **outputs; /* in config order */
        size_t n_outputs;

        Button **buttons; /* in config order */
        size_t n_buttons;

        LinesWatch *lines_watches; /* see daemon_watch_lines() */
        size_t n_lines_watches;

        Sensor **sensors; /* in config order (core/sensor.c) */
        size_t n_sensors;
        PbI2cBus **i2c_buses; /* open I2C adapters, shared by the sensors on them */
        size_t n_i2c_buses;

        sd_event_source *dev_watch; /* inotify on dev_dir: GPIO chips coming and going (gpiod) */
        PbChip **unplugged;         /* simulated chips taken away by Simulator.Unplug (--simulate) */
        size_t n_unplugged;
} Daemon;

/*
 * Creates the core for config (taking ownership of it): the event loop (with
 * SIGTERM and SIGINT ending it), the state store, the chips (the simulator's,
 * or every GPIO character device in dev_dir, watched for hotplug), and the
 * output, button and sensor objects, none of them started. Errors are logged;
 * returns a negative errno.
 */
int daemon_new(const DaemonOptions *options, Config *config, Daemon **ret);

/* Installs the front end that is told about changes from now on (f is static;
 * userdata is passed to its callbacks). */
void daemon_set_frontend(Daemon *d, const Frontend *f, void *userdata);

/* Starts the configured objects: outputs and buttons take their lines, sensors
 * schedule their first sample. Failures are logged and never fail the daemon. */
void daemon_start(Daemon *d);

/* Releases every line, writes pending state, and frees the daemon. Returns NULL. */
Daemon *daemon_free(Daemon *d);
DEFINE_TRIVIAL_CLEANUP_FUNC(Daemon *, daemon_free)

/*
 * Finds the line a spec names: a line's object name (its kernel name, or
 * "<chip>_<offset>" when it has none or another line has it), or
 * "<chip>:<offset>" with a chip's kernel name or label. On failure sets
 * *error (INVALID_ARGS for a malformed spec, NO_SUCH_LINE for one that names
 * nothing) with a message naming the spec, and returns a negative errno.
 */
int daemon_find_line(Daemon *d, const char *spec, Line **ret, CoreError *error);

/* Finds a line by its object name; NULL if none. */
Line *daemon_find_line_by_object_name(Daemon *d, const char *name);

/* Finds a chip by kernel name, or else by label; NULL if none. */
Chip *daemon_find_chip(Daemon *d, const char *name_or_label);

/*
 * Chips coming and going while the daemon runs ("line lost" / "line back").
 *
 * A chip goes away when its device node disappears from dev_dir, when its fd
 * reports the device gone, or (simulator) by Simulator.Unplug. Then each of
 * its lines tells whoever holds it, through the holder's callbacks
 * (core/line.h): a client's claim ends, a line the daemon kept is dropped, a
 * configured output or button loses its line and waits. The front end is told
 * (chip_removed) so the objects leave the bus.
 *
 * A chip appears when a gpiochip node is created in dev_dir (or by
 * Simulator.Plug). Its lines are named as at start-up; a chip that comes back
 * with the same line names gets the same line object paths. The front end is
 * told (chip_added), and then daemon_lines_appeared() calls every LinesWatch:
 * outputs and buttons waiting for a line try again. The core itself knows no
 * kind of holder: a new kind adds its own watch.
 */

/* Takes chip c away as described above and frees it. If keep is not NULL the
 * PbChip is not closed but handed to the caller (the simulator's Unplug). */
void daemon_remove_chip(Daemon *d, Chip *c, PbChip **keep);

/* Adds pb (taking ownership, also on failure) as described above; the caller then
 * calls daemon_lines_appeared(). Errors: -ENOMEM, sd-event errnos. */
int daemon_add_chip(Daemon *d, PbChip *pb);

/* Adds a watch called by daemon_lines_appeared(), in the order added; it stays
 * until daemon_unwatch_lines() or the daemon's end. Errors: -ENOMEM. */
int daemon_watch_lines(Daemon *d, void (*lines_appeared)(void *userdata), void *userdata);
void daemon_unwatch_lines(Daemon *d, void *userdata);

/* Lines appeared: every watch is called, so whatever waits for a line tries again. */
void daemon_lines_appeared(Daemon *d);

/* Whether the daemon runs on the simulator (--simulate). */
bool daemon_is_simulating(const Daemon *d);

/*
 * The I2C adapter /dev/i2c-<nr>, shared by every user in the daemon (sensors,
 * the simulator's methods) and kept open until the daemon stops or it goes
 * away (daemon_close_i2c_bus()). With --simulate it is the simulated bus 1
 * (pb_sim_i2c_bus_new_default()), and any other number is -ENOENT. Errors as
 * pb_i2c_bus_open(), and -ENOMEM. *ret is borrowed from d.
 */
int daemon_get_i2c_bus(Daemon *d, unsigned nr, PbI2cBus **ret);

/* Closes bus, an adapter of daemon_get_i2c_bus() that went away (its users have
 * let go of it), so that the next daemon_get_i2c_bus() opens it afresh. */
void daemon_close_i2c_bus(Daemon *d, PbI2cBus *bus);
