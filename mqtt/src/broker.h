/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The MQTT side of pinbus-mqtt: one libmosquitto client run by sd-event (an
 * io source on mosquitto_socket() and a timer for mosquitto_loop_misc(); no
 * thread), which reconnects by itself with exponential backoff and jitter
 * and keeps a bounded queue of event messages while the broker is away.
 */

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

#include "conf.h"

typedef struct Broker Broker;

typedef struct BrokerCallbacks {
        /* A connection was accepted (CONNACK success), before the queued events are sent:
         * subscribe and publish the retained state here. */
        void (*connected)(Broker *b, void *userdata);
        /* The connection ended (after having been accepted). */
        void (*disconnected)(Broker *b, void *userdata);
        /* A message arrived on a subscription; payload is len bytes, not NUL-terminated. */
        void (*message)(Broker *b, const char *topic, const void *payload, size_t len, bool retained,
                        void *userdata);
} BrokerCallbacks;

/*
 * Creates a client for the broker config c describes (c and password, which may be NULL, must
 * outlive it), with status_topic as its retained last will ("offline"). Connects only when
 * broker_start() is called. Returns 0 or a negative errno (-ENOMEM, -EINVAL for TLS files
 * libmosquitto refuses, logged).
 */
int broker_new(sd_event *event, const MqttConfig *c, const char *password, const char *status_topic,
               const BrokerCallbacks *callbacks, void *userdata, Broker **ret);

/* Disconnects at once (no goodbye) and frees b. Returns NULL. */
Broker *broker_free(Broker *b);

/* Starts connecting; failures are retried with backoff, forever. Returns 0 or -ENOMEM. */
int broker_start(Broker *b);

/* Whether a connection is up and accepted. */
bool broker_is_connected(Broker *b);

/*
 * Publishes payload (a NUL-terminated string) on topic with the configured QoS, retained or
 * not. Returns 0, -ENOTCONN when not connected (nothing is kept: state is published again by
 * the connected callback), or -EIO (logged).
 */
int broker_publish(Broker *b, const char *topic, const char *payload, bool retain);

/*
 * As broker_publish(), not retained, for events: while not connected the message is kept in a
 * queue of queue-size messages (the oldest is dropped when it is full; drops are counted and
 * logged once per outage) and sent after the next connected callback. Returns 0 or -ENOMEM.
 */
int broker_publish_event(Broker *b, const char *topic, const char *payload);

/* Subscribes to pattern with the configured QoS. Returns 0, -ENOTCONN or -EIO. */
int broker_subscribe(Broker *b, const char *pattern);

/* Events dropped from the full queue since start. */
uint64_t broker_dropped_events(Broker *b);

/*
 * Ends the session politely: publishes "offline" on the status topic (retained), disconnects,
 * and calls done(userdata) once the broker has it all or after timeout_us; at once when not
 * connected. Returns 0 or -ENOMEM.
 */
int broker_shutdown(Broker *b, uint64_t timeout_us, void (*done)(void *userdata), void *userdata);
