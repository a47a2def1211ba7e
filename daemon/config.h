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

typedef struct Config {
        OutputConfig *outputs;
        size_t n_outputs;
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

/* Checks what needs all files: every output has a line, no line is used twice. */
int config_validate(Config *c, char ***errors);

Config *config_new(void);
Config *config_free(Config *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Config *, config_free)

/* Looks up the output named name; NULL if there is none. */
const OutputConfig *config_find_output(const Config *c, const char *name);
