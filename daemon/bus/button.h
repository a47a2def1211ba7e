/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* io.pinbus1.Button objects at /io/pinbus1/button/<name>: the configured buttons. */

#include "bus/service.h"
#include "core/frontend.h"

/* Gives every button its object path and registers the io.pinbus1.Button vtable and
 * node enumerator. Errors: -ENOMEM, sd-bus errnos. */
int bus_button_register(Service *s);

/* Frontend callbacks: PropertiesChanged for the ButtonChange bits, and the signals. */
void bus_button_changed(void *userdata, Button *b, unsigned changes);
void bus_button_event(void *userdata, Button *b, const ButtonEvent *event);
