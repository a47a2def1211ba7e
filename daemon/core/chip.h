/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* One GPIO chip (a PbChip) of the daemon: owns the Line objects of its lines and
 * watches the chip's line info events, so lines other processes take show up. */

#include "core/daemon.h"

/* Creates the chip for pb (taking ownership of it on success) with one Line per
 * line, and starts watching the chip fd. Errors: -ENOMEM, errnos of sd-event. */
int chip_new(Daemon *d, PbChip *pb, Chip **ret);

/* Frees the chip and its lines (releasing what they hold). Returns NULL. */
Chip *chip_free(Chip *c);

/* As chip_free(), but hands back its PbChip instead of closing it. */
PbChip *chip_free_keep_pb(Chip *c);

PbChip *chip_get_pb(const Chip *c);
Daemon *chip_get_daemon(const Chip *c);
const char *chip_get_name(const Chip *c);  /* "gpiochip0" */
const char *chip_get_label(const Chip *c); /* "pinctrl-bcm2711" */
unsigned chip_get_num_lines(const Chip *c);
Line *chip_get_line(const Chip *c, unsigned offset);

/* The path the front end publishes the chip at (its D-Bus object path), set by the front
 * end and owned by the chip from then on. NULL until set. */
void chip_set_path(Chip *c, char *path);
const char *chip_get_path(const Chip *c);

/* Handles what the chip has pending now, as its fd watch does (for the simulator this first runs the
 * simulated work that is due, so edges stamped before now are queued on their requests). */
void chip_process_events(Chip *c);
