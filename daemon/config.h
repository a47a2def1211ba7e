/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The configuration: /etc/pinbus/pinbus.conf and then, in name order,
 * /etc/pinbus/pinbus.conf.d/ *.conf, all INI files parsed with inih. Loading
 * checks syntax and meaning without touching hardware (what --check-config
 * runs); resolving line specs against chips happens when the daemon starts.
 *
 *     [output porch]
 *     line = GPIO27          # line name, or chip:offset
 *     initial = off          # on|off, the value at start
 *     active-low = no
 *     drive = push-pull      # push-pull|open-drain|open-source
 *     restore = yes          # keep the last value across restarts
 *
 *     [sensor room]
 *     model = bme280         # a model name, or auto: probe the chip ids
 *     bus = 1                # adapter number, or /dev/i2c-N
 *     address = 0x76         # 7-bit address 0x03..0x77, or auto
 *     interval = 10s         # sampling interval, 100ms..24h
 *     gain = 4.096           # model options (see sensor.h), checked by the driver
 *
 * Booleans are yes/no, true/false, on/off, 1/0. A '#' or ';' preceded by
 * whitespace starts a comment. Errors read "<file>:<line>: <message>".
 */

#include "gpio-types.h"
#include "macro.h"

typedef struct OutputConfig {
        char *name;   /* from [output NAME] */
        char *line;   /* line spec */
        bool initial; /* logical value at start when nothing is restored */
        bool active_low;
        PbDrive drive;
        bool restore;
        char *source; /* "<file>:<line>" of the section header, for messages */
} OutputConfig;

/* One [sensor NAME] section (parsed by config-sensor.c). */
typedef struct SensorConfig {
        char *name;  /* from [sensor NAME] */
        char *model; /* model name as pb_sensor_model_from_string() knows it, or "auto"; NULL if not given */
        int bus;     /* adapter number N of /dev/i2c-N; -1 if not given */
        uint16_t address;      /* 7-bit address; 0 = auto (the model's default addresses) */
        uint64_t interval_us;  /* sampling interval, µs */
        char **options;        /* model options as "key=value", in file order (a strv, may be NULL) */
        char **option_sources; /* "<file>:<line>" of each option, for messages */
        char *source;          /* "<file>:<line>" of the section header */
} SensorConfig;

/* Defaults and limits of a [sensor] section. */
#define SENSOR_INTERVAL_DEFAULT_US (10 * 1000000ULL)
#define SENSOR_INTERVAL_MIN_US     (100 * 1000ULL)
#define SENSOR_INTERVAL_MAX_US     (24 * 3600 * 1000000ULL)
#define SENSOR_BUS_MAX             1023

typedef struct Config {
        OutputConfig *outputs;
        size_t n_outputs;
        SensorConfig *sensors;
        size_t n_sensors;
} Config;

/* Most errors one load collects before it gives up. */
#define CONFIG_ERRORS_MAX 50

/*
 * Loads path and then the *.conf files of "<path>.d/" in name order. A
 * missing path is an empty configuration unless required. On failure returns
 * -EINVAL (or -ENOENT, -EACCES, -ENOMEM) and, if ret_errors is non-NULL, a
 * NULL-terminated list of "<file>:<line>: <message>" strings owned by the
 * caller (free with strv_free()). *ret is owned by the caller (config_free()).
 */
int config_load(const char *path, bool required, Config **ret, char ***ret_errors);

/* Parses one file into c, appending errors to *errors (a strv, may start NULL). */
int config_parse_file(Config *c, const char *path, char ***errors);

/* Checks what needs all files: every output has a line, no line is used twice;
 * and the sensors, as config_validate_sensors(). */
int config_validate(Config *c, char ***errors);

Config *config_new(void);
Config *config_free(Config *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Config *, config_free)

/* Looks up the output named name; NULL if there is none. */
const OutputConfig *config_find_output(const Config *c, const char *name);

/* --- [sensor] sections (config-sensor.c) --- */

/* Appends an empty sensor (defaults set) named name, declared at source
 * ("<file>:<line>"). Returns NULL on allocation failure. */
SensorConfig *config_add_sensor(Config *c, const char *name, const char *source);

/* Looks up the sensor named name; NULL if there is none. */
const SensorConfig *config_find_sensor(const Config *c, const char *name);

/*
 * Sets one key of a [sensor] section: model, bus, address, interval, or
 * anything else as a model option (checked against the model by
 * config_validate_sensors(), once every key of the section is known).
 * source is "<file>:<line>" of the key. On a bad value returns -EINVAL and
 * sets *ret_error to a message naming the key and what is accepted (no
 * file:line prefix; the caller adds it); -ENOMEM on allocation failure.
 */
int sensor_config_set(SensorConfig *s, const char *key, const char *value, const char *source,
                      char **ret_error);

/* Checks what needs a whole [sensor] section and all files: model and bus are
 * given, options suit the model, no two sensors share a bus and address. */
int config_validate_sensors(Config *c, char ***errors);

void sensor_config_done(SensorConfig *s);

/*
 * Parses a duration: a decimal number with a unit, "us" (or "µs"), "ms", "s",
 * "min" or "h" ("250ms", "1.5 s", "2min"); a bare number is seconds, as in
 * systemd. Returns 0 and the value in µs, -EINVAL for anything else, -ERANGE
 * for a value that does not fit.
 */
int config_parse_duration(const char *s, uint64_t *ret_us);
