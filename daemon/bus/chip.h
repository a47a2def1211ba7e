/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* io.pinbus1.Chip objects at /io/pinbus1/chip/<kernel name>, one per GPIO chip. */

#include "bus/service.h"

/* Registers the io.pinbus1.Chip vtable and node enumerator. Errors: sd-bus errnos. */
int bus_chip_register(Service *s);

/* Gives chip c and its lines their object paths. Errors: -ENOMEM. */
int bus_chip_name(Service *s, Chip *c);

/* Frontend callbacks: object paths and InterfacesAdded for the chip and its lines (-ENOMEM when
 * the paths cannot be made: the chip is then not added), InterfacesRemoved, and Manager.Chips
 * changed. */
int bus_chip_added(void *userdata, Chip *c);
void bus_chip_removed(void *userdata, Chip *c);
void bus_chips_changed(void *userdata);
