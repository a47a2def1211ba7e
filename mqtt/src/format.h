/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * pinbus-mqtt's topics and payloads (docs/mqtt.md is their reference), as pure
 * functions: no bus, no broker. Every function returning a string returns a
 * new allocation the caller frees, or NULL when out of memory.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum EntityKind {
        ENTITY_OUTPUT,
        ENTITY_BUTTON,
        ENTITY_SENSOR,
        ENTITY_LINE,
        _ENTITY_KIND_MAX,
} EntityKind;

/* "output", "button", "sensor", "line": the topic level and the D-Bus path element of each kind. */
const char *entity_kind_to_string(EntityKind kind);

/* What the Home Assistant device of this board says about itself. */
typedef struct DeviceInfo {
        const char *id;         /* [A-Za-z0-9_-]: identifiers, node id, unique_id prefix */
        const char *name;       /* the device's name, e.g. the host name */
        const char *model;      /* e.g. "Raspberry Pi 4 Model B Rev 1.4" or "pinbus simulator" */
        const char *sw_version; /* pinbusd's Version; NULL if unknown */
        const char *base_topic; /* e.g. "pinbus/pi" */
        int qos;
} DeviceInfo;

/* "<base>/<kind>/<name>/<leaf>", e.g. "pinbus/pi/output/porch/set". */
char *mqtt_topic(const char *base, EntityKind kind, const char *name, const char *leaf);

/* "<base>/status": the availability topic (online/offline, retained, the last will). */
char *mqtt_status_topic(const char *base);

/* A copy of s with every byte outside [A-Za-z0-9_-] replaced by '_' ("" becomes "_"), as Home
 * Assistant wants node and object ids. */
char *mqtt_sanitize_id(const char *s);

/*
 * A sensor's state: {"temperature":23.72,...,"timestamp":"2026-12-06T20:41:55.123456Z"}, the n
 * quantities keys[i] = values[i] in SI units in the given order, then, if timestamp_us (µs since
 * the epoch, CLOCK_REALTIME) is not 0, when the sample was taken, in UTC.
 */
char *mqtt_format_sensor_state(char *const *keys, const double *values, size_t n, uint64_t timestamp_us);

/* The button events of the .../event topic. */
typedef enum ButtonEvent {
        BUTTON_PRESSED,
        BUTTON_RELEASED,
        BUTTON_HELD,
        BUTTON_CLICKED,
} ButtonEvent;

/*
 * A button event's payload: {"event":"pressed","action":"pressed","timestamp_ns":N}, with
 * "duration_us" (released; action "long_release" when was_held, else "released"), "repeat"
 * (held; action "held"), "count" (clicked; no timestamp_ns; action "single", "double",
 * "triple", "quadruple", "quintuple", then "clicks_<n>"). timestamp_ns is the daemon's
 * CLOCK_MONOTONIC time of the event, ns. arg is duration_us, repeat or count.
 */
char *mqtt_format_button_event(ButtonEvent event, uint64_t timestamp_ns, uint64_t arg, bool was_held);

/* One Home Assistant discovery message: its config topic and JSON payload. */
typedef struct Discovery {
        char *topic;
        char *payload;
} Discovery;

void discovery_done(Discovery *d);

/* Number of device triggers published per button (index 0 to this minus 1). */
size_t mqtt_button_trigger_count(void);

/* Under discovery prefix, an output or a line (kind ENTITY_OUTPUT or ENTITY_LINE) as a switch.
 * Returns 0 or -ENOMEM. */
int mqtt_discovery_switch(const DeviceInfo *dev, const char *prefix, EntityKind kind, const char *name,
                          Discovery *ret);

/* One quantity ("temperature", ...) of a sensor as a sensor entity with device_class, unit and
 * state_class where the quantity has them. Returns 0 or -ENOMEM. */
int mqtt_discovery_sensor(const DeviceInfo *dev, const char *prefix, const char *name, const char *quantity,
                          Discovery *ret);

/* The sensor quantities with a Home Assistant device class ("temperature", "pressure",
 * "humidity", "illuminance", "voltage"), by index from 0; NULL past the last. */
const char *mqtt_sensor_quantity(size_t index);

/* A button as a binary_sensor (ON while pressed). Returns 0 or -ENOMEM. */
int mqtt_discovery_binary_sensor(const DeviceInfo *dev, const char *prefix, const char *name,
                                 Discovery *ret);

/* Device trigger number index (below mqtt_button_trigger_count()) of a button. Returns 0 or
 * -ENOMEM. */
int mqtt_discovery_trigger(const DeviceInfo *dev, const char *prefix, const char *name, size_t index,
                           Discovery *ret);

/* A command on an output's .../set topic. */
typedef enum CommandKind {
        COMMAND_SET,
        COMMAND_TOGGLE,
        COMMAND_PULSE,
        COMMAND_BLINK,
} CommandKind;

typedef struct Command {
        CommandKind kind;
        bool value;           /* SET, PULSE */
        uint64_t duration_us; /* PULSE */
        uint64_t on_us, off_us;
        uint32_t count; /* BLINK; 0: until stopped */
} Command;

/* Longest command payload accepted, bytes. */
#define MQTT_COMMAND_MAX 1024

/*
 * Parses a command payload (len bytes, need not be NUL-terminated; NULL when len
 * is 0): ON, OFF or
 * TOGGLE (any case, blanks around allowed), or a JSON object: {"state":"ON"},
 * {"action":"toggle"}, {"action":"pulse","duration":0.5[,"state":"OFF"]},
 * {"action":"blink","on":0.1,"off":0.9[,"count":5]}; times are seconds as a
 * number or a duration string ("500ms"). Returns 0, or -EINVAL with *ret_error
 * a static message.
 */
int mqtt_parse_command(const char *payload, size_t len, Command *ret, const char **ret_error);

/* payload (len bytes) for a log line: printable ASCII as is, anything else as \xNN, cut to max
 * bytes of input with "..." added. */
char *mqtt_printable(const char *payload, size_t len, size_t max);
