/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* io.pinbus1.Output objects at /io/pinbus1/output/<name>: the configured outputs. */

#include "bus/service.h"

/* Gives every output its object path and registers the io.pinbus1.Output vtable and
 * node enumerator. Errors: -ENOMEM, sd-bus errnos. */
int bus_output_register(Service *s);

/* Frontend callback: PropertiesChanged for the OutputChange bits in changes. */
void bus_output_changed(void *userdata, Output *o, unsigned changes);
