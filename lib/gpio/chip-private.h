/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What a backend implements. gpio/chip.c validates arguments and then calls
 * through these tables, so implementations may assume offsets are in range
 * and settings are valid.
 */

#include "gpio/chip.h"

typedef struct PbChipOps {
        int (*get_line_info)(PbChip *chip, unsigned offset, PbLineInfo *ret);
        int (*read_info_events)(PbChip *chip, PbInfoEvent *events, size_t n);
        int (*request_line)(PbChip *chip, unsigned offset, const PbLineSettings *s, const char *consumer,
                            PbRequest **ret);
        void (*close)(PbChip *chip); /* frees the implementation's part, not the base strings */
} PbChipOps;

typedef struct PbRequestOps {
        int (*get_value)(PbRequest *req, bool *ret);
        int (*set_value)(PbRequest *req, bool value);
        int (*reconfigure)(PbRequest *req, const PbLineSettings *s);
        int (*read_edge_events)(PbRequest *req, PbEdgeEvent *events, size_t n);
        void (*release)(PbRequest *req); /* releases the line and frees the implementation */
} PbRequestOps;

/* Embedded first in every implementation's chip. */
struct PbChip {
        const PbChipOps *ops;
        char *name;
        char *label;
        char *path;
        unsigned num_lines;
        int fd;
};

/* Embedded first in every implementation's request. */
struct PbRequest {
        const PbRequestOps *ops;
        unsigned offset;
        int fd;
        PbLineSettings settings;
};

/* Fills the base part of a chip; copies the strings. Returns 0 or -ENOMEM. */
int pb_chip_init_base(PbChip *chip, const PbChipOps *ops, const char *name, const char *label,
                      const char *path, unsigned num_lines, int fd);
