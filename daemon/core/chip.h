/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* io.pinbus1.Chip objects at /io/pinbus1/chip/<kernel name>: one per PbChip,
 * owning the Line objects of its lines and watching the chip's info events. */

#include "core/daemon.h"

/* Creates the object for pb (taking ownership of it on success) with one Line per
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
const char *chip_get_path(const Chip *c);  /* D-Bus object path */
unsigned chip_get_num_lines(const Chip *c);
Line *chip_get_line(const Chip *c, unsigned offset);

/* Registers the io.pinbus1.Chip vtable and node enumerator on d->bus. */
int chip_add_bus_objects(Daemon *d);

/* Handles what the chip has pending now, as its fd watch does (for the simulator this first runs the
 * simulated work that is due, so edges stamped before now are queued on their requests). */
void chip_process_events(Chip *c);
