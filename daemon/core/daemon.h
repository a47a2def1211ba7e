/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The daemon context: event loop, bus connection, and the objects it serves.
 * The object files of core/ and bus/ see this struct; everything else about
 * them is private to their file.
 */

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "config/config.h"
#include "config/state.h"
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
typedef struct Client Client;
typedef struct Sensor Sensor;

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

typedef struct Daemon {
        sd_event *event;
        sd_bus *bus;
        DaemonOptions options;

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

        Client *clients; /* bus peers that hold lines */

        Sensor **sensors; /* in config order (core/sensor.c) */
        size_t n_sensors;
        PbI2cBus **i2c_buses; /* open I2C adapters, shared by the sensors on them */
        size_t n_i2c_buses;

        sd_event_source *dev_watch; /* inotify on dev_dir: GPIO chips coming and going (gpiod) */
        PbChip **unplugged;         /* simulated chips taken away by Simulator.Unplug (--simulate) */
        size_t n_unplugged;
        bool serving; /* bus objects registered: chips coming and going are announced */
} Daemon;

/*
 * Creates the daemon for config (taking ownership of it): connects to the bus
 * and opens chips (the simulator's, or every GPIO character device), creates
 * the chip, line, output and button objects and registers them. Does not yet request
 * the bus name. Errors are logged; returns a negative errno.
 */
int daemon_new(const DaemonOptions *options, Config *config, Daemon **ret);

/* Requests the bus name, tells systemd READY=1, and runs the event loop until
 * SIGTERM or SIGINT (exit code 0) or until the bus connection is lost
 * (EXIT_FAILURE). Returns that exit code, or a negative errno. */
int daemon_run(Daemon *d);

/* Releases every line, writes pending state, and frees the daemon. Returns NULL. */
Daemon *daemon_free(Daemon *d);
DEFINE_TRIVIAL_CLEANUP_FUNC(Daemon *, daemon_free)

/*
 * Finds the line a spec names: a line's object name (its kernel name, or
 * "<chip>_<offset>" when it has none or another line has it), or
 * "<chip>:<offset>" with a chip's kernel name or label. On failure sets
 * *error (InvalidArgs for a malformed spec, NoSuchLine for one that names
 * nothing) with a message naming the spec, and returns a negative errno.
 */
int daemon_find_line(Daemon *d, const char *spec, Line **ret, sd_bus_error *error);

/* Reads a line spec (an "s" argument) from m and finds its line, as daemon_find_line(). */
int daemon_read_line(Daemon *d, sd_bus_message *m, Line **ret, sd_bus_error *error);

/* Finds a line by its object name; NULL if none. */
Line *daemon_find_line_by_object_name(Daemon *d, const char *name);

/* Finds a chip by kernel name, or else by label; NULL if none. */
Chip *daemon_find_chip(Daemon *d, const char *name_or_label);

/* Finds a configured output by name; NULL if none. */
Output *daemon_find_output(Daemon *d, const char *name);

/* Finds a configured button by name; NULL if none. */
Button *daemon_find_button(Daemon *d, const char *name);

/*
 * Chips coming and going while the daemon runs ("line lost" / "line back").
 *
 * A chip goes away when its device node disappears from dev_dir, when its fd
 * reports the device gone, or (simulator) by Simulator.Unplug. Then, for each
 * of its lines, whatever holds the line is told through core/line.c's holder
 * hooks: a client's claim ends, a line the daemon kept is dropped, a
 * configured output loses its line (output_line_lost()) and waits. The line
 * and chip objects leave the bus (InterfacesRemoved, Manager.Chips changed).
 *
 * A chip appears when a gpiochip node is created in dev_dir (or by
 * Simulator.Plug). Its lines are named as at start-up; a chip that comes back
 * with the same line names gets the same line object paths. The objects join
 * the bus (InterfacesAdded, Manager.Chips changed), and then
 * daemon_lines_appeared() lets every configured object that is waiting for a
 * line try again: outputs re-request theirs with their last settled value.
 * Anything else that holds lines by spec (buttons) hooks in at the same two
 * places: a LineHolder case in line_lost(), and a call in daemon_lines_appeared().
 */

/* Takes chip c away as described above and frees it. If keep is not NULL the
 * PbChip is not closed but handed to the caller (the simulator's Unplug). */
void daemon_remove_chip(Daemon *d, Chip *c, PbChip **keep);

/* Adds pb (taking ownership, also on failure) as described above; the caller then
 * calls daemon_lines_appeared(). Errors: -ENOMEM, sd-event errnos. */
int daemon_add_chip(Daemon *d, PbChip *pb);

/* Lines appeared: every configured object waiting for a line tries to get it again. */
void daemon_lines_appeared(Daemon *d);

/* Whether the daemon runs on the simulator (--simulate). */
bool daemon_is_simulating(const Daemon *d);
