/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the core tells the world: one table of callbacks, installed by the
 * front end (the D-Bus layer, bus/service.c) with daemon_set_frontend(). The
 * core calls them only for real changes, so the front end can publish each
 * call as it comes (a PropertiesChanged, a signal) without comparing. Every
 * callback may be NULL. They run inside the core's own calls and event
 * handlers and must not call back into the core to change state.
 */

#include "core/daemon.h"

/* Properties of a line that changed, as a bit mask (LINE_CHANGED_*). */
typedef enum LineChange {
        LINE_CHANGED_USED = 1u << 0,
        LINE_CHANGED_CONSUMER = 1u << 1,
        LINE_CHANGED_DIRECTION = 1u << 2,
        LINE_CHANGED_BIAS = 1u << 3,
        LINE_CHANGED_DRIVE = 1u << 4,
        LINE_CHANGED_EDGE = 1u << 5,
        LINE_CHANGED_ACTIVE_LOW = 1u << 6,
        LINE_CHANGED_DEBOUNCE = 1u << 7,
        LINE_CHANGED_OWNER = 1u << 8, /* the holder whose name is the line's owner changed */
} LineChange;

typedef enum OutputChange {
        OUTPUT_CHANGED_LINE = 1u << 0,
        OUTPUT_CHANGED_VALUE = 1u << 1,
} OutputChange;

typedef enum ButtonChange {
        BUTTON_CHANGED_LINE = 1u << 0, /* with it the Debouncer */
        BUTTON_CHANGED_PRESSED = 1u << 1,
        BUTTON_CHANGED_HELD = 1u << 2,
        BUTTON_CHANGED_PRESS_COUNT = 1u << 3,
} ButtonChange;

/* Properties of a sensor that changed (core/sensor.h has their getters). */
typedef enum SensorChange {
        SENSOR_CHANGED_MODEL = 1u << 0,      /* a probe found the model */
        SENSOR_CHANGED_ADDRESS = 1u << 1,    /* a probe found the address */
        SENSOR_CHANGED_SAMPLE = 1u << 2,     /* a good sample: the sample and its (new) timestamp */
        SENSOR_CHANGED_ONLINE = 1u << 3,     /* online or offline */
        SENSOR_CHANGED_LAST_ERROR = 1u << 4, /* its last error, set or cleared */
} SensorChange;

/* What a button reports (the io.pinbus1.Button signals). Times are CLOCK_MONOTONIC ns. */
typedef enum ButtonEventKind {
        BUTTON_EVENT_PRESSED,  /* timestamp_ns */
        BUTTON_EVENT_RELEASED, /* timestamp_ns, duration_ns */
        BUTTON_EVENT_HELD,     /* timestamp_ns, count: the repeat (0 first) */
        BUTTON_EVENT_CLICKED,  /* count: clicks in the sequence */
} ButtonEventKind;

typedef struct ButtonEvent {
        ButtonEventKind kind;
        uint64_t timestamp_ns;
        uint64_t duration_ns;
        uint32_t count;
} ButtonEvent;

struct Frontend {
        /* A line's info or owner changed (changes: LineChange bits). */
        void (*line_changed)(void *userdata, Line *l, unsigned changes);
        /* A line's logical value changed to value (carried as is: a batch of edges makes one call
         * per change, each with its own value). */
        void (*line_value_changed)(void *userdata, Line *l, bool value);
        /* An edge on a line whose holder publishes them (a client's claim, a line the daemon keeps). */
        void (*line_edge)(void *userdata, Line *l, const PbEdgeEvent *event);

        void (*output_changed)(void *userdata, Output *o, unsigned changes);

        void (*button_changed)(void *userdata, Button *b, unsigned changes);
        void (*button_event)(void *userdata, Button *b, const ButtonEvent *event);

        /* A sensor's state changed (changes: SensorChange bits, all that changed in one step of
         * its state machine; each good sample has SENSOR_CHANGED_SAMPLE). */
        void (*sensor_changed)(void *userdata, Sensor *s, unsigned changes);

        /* A chip and its lines were added to, or are about to be taken from, the daemon (still
         * findable then); after either, chips_changed: the list of chips is the new one.
         * chip_added returns 0, or a negative errno (the front end cannot serve the chip, e.g.
         * -ENOMEM): the chip is then not added. */
        int (*chip_added)(void *userdata, Chip *c);
        void (*chip_removed)(void *userdata, Chip *c);
        void (*chips_changed)(void *userdata);
};

/* Calls d's front end's callback `name` with the arguments after d, if there is one. */
#define FRONTEND_CALL(d, name, ...)                                               \
        do {                                                                      \
                const Daemon *_d = (d);                                           \
                if (_d->frontend && _d->frontend->name)                           \
                        _d->frontend->name(_d->frontend_userdata, ##__VA_ARGS__); \
        } while (0)
