/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "bus/service.h"

/* Registers io.pinbus1.Manager and org.freedesktop.DBus.ObjectManager at /io/pinbus1. */
int manager_add_bus_objects(Service *s);

/* Registers io.pinbus1.Simulator at /io/pinbus1 (only with --simulate). */
int simulator_add_bus_objects(Service *s);
