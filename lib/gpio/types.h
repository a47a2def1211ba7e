/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Vocabulary shared by every GPIO backend and by the daemon: line settings
 * (what a requester asks for), line info (what the kernel reports), and the
 * events a chip or a request delivers. Values are plain structs with fixed-size
 * strings, so they can be copied and compared without ownership questions.
 */

#include <stdbool.h>
#include <stdint.h>

/* GPIO_MAX_NAME_SIZE in <linux/gpio.h>: names and consumers are at most 31 bytes + NUL. */
#define PB_NAME_MAX 32

/* Largest debounce period the kernel's uAPI can carry (a u32 of µs). */
#define PB_DEBOUNCE_US_MAX UINT32_MAX

typedef enum PbDirection {
        PB_DIRECTION_AS_IS, /* keep the current direction (transient reads) */
        PB_DIRECTION_INPUT,
        PB_DIRECTION_OUTPUT,
        _PB_DIRECTION_MAX,
} PbDirection;

typedef enum PbBias {
        PB_BIAS_AS_IS, /* leave the bias alone; in line info: not configured by the requester */
        PB_BIAS_DISABLED,
        PB_BIAS_PULL_UP,
        PB_BIAS_PULL_DOWN,
        _PB_BIAS_MAX,
} PbBias;

typedef enum PbDrive {
        PB_DRIVE_PUSH_PULL,
        PB_DRIVE_OPEN_DRAIN,
        PB_DRIVE_OPEN_SOURCE,
        _PB_DRIVE_MAX,
} PbDrive;

typedef enum PbEdge {
        PB_EDGE_NONE,
        PB_EDGE_RISING,
        PB_EDGE_FALLING,
        PB_EDGE_BOTH,
        _PB_EDGE_MAX,
} PbEdge;

/*
 * String forms, as used on D-Bus and in the config: "as-is", "input", "output";
 * "as-is", "disabled", "pull-up", "pull-down"; "push-pull", "open-drain",
 * "open-source"; "none", "rising", "falling", "both".
 * *_to_string() returns a static string, or NULL for an out-of-range value.
 * *_from_string() returns the value, or -EINVAL for an unknown string.
 */
const char *pb_direction_to_string(PbDirection d);
int pb_direction_from_string(const char *s);
const char *pb_bias_to_string(PbBias b);
int pb_bias_from_string(const char *s);
const char *pb_drive_to_string(PbDrive d);
int pb_drive_from_string(const char *s);
const char *pb_edge_to_string(PbEdge e);
int pb_edge_from_string(const char *s);

/*
 * Parses a boolean as the config file spells it: "yes", "true", "on", "1" or
 * "no", "false", "off", "0" (case-insensitive). Returns 0/1, or -EINVAL.
 */
int pb_parse_boolean(const char *s);

/* What a requester asks of one line. Values are logical (after active-low). */
typedef struct PbLineSettings {
        PbDirection direction;
        PbBias bias;
        PbDrive drive; /* outputs only */
        PbEdge edge;   /* inputs only */
        bool active_low;
        uint64_t debounce_us; /* debounce period in µs, inputs only; 0 = none */
        bool output_value;    /* initial logical value, outputs only */
} PbLineSettings;

/* An input with no bias, edge detection or debounce: the default of ClaimLine. */
#define PB_LINE_SETTINGS_INPUT                              \
        ((PbLineSettings){ .direction = PB_DIRECTION_INPUT, \
                           .bias = PB_BIAS_AS_IS,           \
                           .drive = PB_DRIVE_PUSH_PULL,     \
                           .edge = PB_EDGE_NONE })

/*
 * Checks that settings make sense together, with the kernel's uAPI rules:
 * edge detection and a debounce period need direction=input; a drive other
 * than push-pull needs direction=output; bias, edge and drive need an explicit
 * direction; the debounce period fits the uAPI. Returns 0, or -EINVAL with
 * *ret_reason (if non-NULL) pointing at a static message that names the
 * setting at fault, e.g. "'edge' needs direction=input".
 */
int pb_line_settings_validate(const PbLineSettings *s, const char **ret_reason);

/* What the kernel (or the simulator) reports about a line. */
typedef struct PbLineInfo {
        unsigned offset;
        char name[PB_NAME_MAX];     /* "" when the line has no name */
        char consumer[PB_NAME_MAX]; /* "" when unused */
        bool used;
        PbDirection direction; /* PB_DIRECTION_INPUT or PB_DIRECTION_OUTPUT */
        PbBias bias;
        PbDrive drive;
        PbEdge edge;
        bool active_low;
        uint64_t debounce_us; /* µs, 0 when not debounced */
} PbLineInfo;

typedef enum PbInfoEventType {
        PB_INFO_REQUESTED,
        PB_INFO_RELEASED,
        PB_INFO_RECONFIGURED,
        _PB_INFO_EVENT_TYPE_MAX,
} PbInfoEventType;

/* A change of a line's info, with the info after the change. */
typedef struct PbInfoEvent {
        PbInfoEventType type;
        uint64_t timestamp_ns; /* CLOCK_MONOTONIC */
        PbLineInfo info;
} PbInfoEvent;

/* One edge seen on a requested line. */
typedef struct PbEdgeEvent {
        unsigned offset;
        bool rising;           /* the logical value after the edge */
        uint64_t timestamp_ns; /* CLOCK_MONOTONIC, ns */
        uint32_t line_seqno;   /* per line, from 1; a gap means events were lost */
} PbEdgeEvent;
