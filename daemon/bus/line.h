/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* io.pinbus1.Line objects at /io/pinbus1/line/<name>, one per line of every chip. */

#include "bus/service.h"
#include "core/line.h"

/* Registers the io.pinbus1.Line vtable and node enumerator. Errors: sd-bus errnos. */
int bus_line_register(Service *s);

/* Gives every line of chip c its object path. Errors: -ENOMEM. */
int bus_line_name_chip(Service *s, Chip *c);

/* Finds the line spec names, as daemon_find_line(), setting *error (InvalidArgs,
 * NoSuchLine) on failure. */
int bus_find_line(Service *s, const char *spec, Line **ret, sd_bus_error *error);

/* Reads a line spec (an "s" argument) from m and finds its line, as daemon_find_line(),
 * setting *error (InvalidArgs, NoSuchLine) on failure. */
int bus_read_line(Service *s, sd_bus_message *m, Line **ret, sd_bus_error *error);

/* Frontend callbacks: PropertiesChanged for changes (the Value one carrying value itself),
 * and the Edge signal. */
void bus_line_changed(void *userdata, Line *l, unsigned changes);
void bus_line_value_changed(void *userdata, Line *l, bool value);
void bus_line_edge(void *userdata, Line *l, const PbEdgeEvent *event);
