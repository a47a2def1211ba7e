/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The D-Bus side of pinbus-mqtt and the glue between both sides: follows
 * io.pinbus1 on the bus (NameOwnerChanged), reads every configured output,
 * button and sensor when pinbusd appears (GetManagedObjects), turns their
 * property changes and button signals into MQTT messages, and MQTT commands
 * into D-Bus calls.
 */

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "conf.h"

typedef struct Bridge Bridge;

/*
 * Creates the bridge on bus (a connection attached to event, kept referenced) for config c and
 * the password (may be NULL; both must outlive the bridge), and starts connecting to the broker
 * and looking for pinbusd. hostname names the Home Assistant device. Returns 0 or a negative
 * errno (logged).
 */
int bridge_new(sd_event *event, sd_bus *bus, const MqttConfig *c, const char *password, const char *hostname,
               Bridge **ret);

/* Frees the bridge, disconnecting from the broker at once. Returns NULL. */
Bridge *bridge_free(Bridge *b);

/* Says "offline" on the broker and disconnects, then exits the event loop with code 0; for
 * SIGTERM. */
void bridge_shutdown(Bridge *b);
