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
 *     [button doorbell]
 *     line = GPIO17          # line name, or chip:offset
 *     bias = pull-up         # as-is|disabled|pull-up|pull-down
 *     active-low = yes       # pressed = low
 *     debounce = 20ms        # 0 = none
 *     hold-time = 1s         # 0 = never Held
 *     hold-repeat = 200ms    # no | yes (every hold-time) | an interval
 *     click-window = 400ms   # 0 = every click is Clicked(1) at once
 *     debouncer = auto       # auto|kernel|daemon
 *
 *     [sensor room]
 *     model = bme280         # a model name, or auto: probe the chip ids
 *     bus = 1                # adapter number, or /dev/i2c-N
 *     address = 0x76         # 7-bit address 0x03..0x77, or auto
 *     interval = 10s         # sampling interval, 100ms..24h
 *     gain = 4.096           # model options (see sensors/sensor.h), checked by the driver
 *
 * Booleans are yes/no, true/false, on/off, 1/0. Durations are a number and a
 * unit: us, ms, s, min, h ("20ms", "1.5s"); "0" needs none. A '#' or ';'
 * preceded by whitespace starts a comment. Errors read "<file>:<line>: <message>".
 */

#include "gpio/types.h"
#include "util/macro.h"

typedef struct OutputConfig {
        char *name;   /* from [output NAME] */
        char *line;   /* line spec */
        bool initial; /* logical value at start when nothing is restored */
        bool active_low;
        PbDrive drive;
        bool restore;
        char *source; /* "<file>:<line>" of the section header, for messages */
} OutputConfig;

/* Where a button's debounce runs: the kernel's if the chip accepts the period, else the daemon's
 * (auto); or only one of them. */
typedef enum ButtonDebouncer {
        BUTTON_DEBOUNCER_AUTO,
        BUTTON_DEBOUNCER_KERNEL,
        BUTTON_DEBOUNCER_DAEMON,
        _BUTTON_DEBOUNCER_MAX,
} ButtonDebouncer;

/* The ButtonDebouncer named "auto", "kernel" or "daemon"; -EINVAL for anything else. */
int button_debouncer_from_string(const char *s);

/* Defaults and limits of [button] keys, in µs. */
#define BUTTON_DEBOUNCE_DEFAULT_US     (20 * USEC_PER_MSEC)
#define BUTTON_HOLD_TIME_DEFAULT_US    USEC_PER_SEC
#define BUTTON_CLICK_WINDOW_DEFAULT_US (400 * USEC_PER_MSEC)
#define BUTTON_DEBOUNCE_MAX_US         (10 * USEC_PER_SEC)
#define BUTTON_HOLD_TIME_MAX_US        (3600 * USEC_PER_SEC)
#define BUTTON_HOLD_REPEAT_MIN_US      (10 * USEC_PER_MSEC)
#define BUTTON_CLICK_WINDOW_MAX_US     (10 * USEC_PER_SEC)

typedef struct ButtonConfig {
        char *name; /* from [button NAME] */
        char *line; /* line spec */
        PbBias bias;
        bool active_low;
        uint64_t debounce_us;          /* 0: none */
        uint64_t hold_time_us;         /* 0: never Held */
        uint64_t hold_repeat_us;       /* 0: Held once */
        bool hold_repeat_is_hold_time; /* "hold-repeat = yes": repeat every hold-time */
        uint64_t click_window_us;
        ButtonDebouncer debouncer;
        char *source; /* "<file>:<line>" of the section header, for messages */
} ButtonConfig;

/* One [sensor NAME] section (parsed by config/sensor.c). */
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
        ButtonConfig *buttons;
        size_t n_buttons;
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

/* Parses one file into c, appending errors to *errors (a strv, may start NULL). The file must
 * be a regular one (config/file.h); -EINVAL if it held errors. */
int config_parse_file(Config *c, const char *path, char ***errors);

/* Parses the size bytes at data (NULs allowed, no terminator needed) as config_parse_file()
 * parses a file named path (used in messages only). Returns 0, -EINVAL after errors, or
 * -ENOMEM. */
int config_parse_data(Config *c, const char *path, const char *data, size_t size, char ***errors);

/* Checks what needs all files: every output and button has a line, no line is used twice,
 * "hold-repeat = yes" gets its interval from hold-time; and the sensors, as config_validate_sensors(). */
int config_validate(Config *c, char ***errors);

Config *config_new(void);
Config *config_free(Config *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Config *, config_free)

/* Looks up the output named name; NULL if there is none. */
const OutputConfig *config_find_output(const Config *c, const char *name);

/* Looks up the button named name; NULL if there is none. */
const ButtonConfig *config_find_button(const Config *c, const char *name);

/* --- [sensor] sections (config/sensor.c) --- */

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
