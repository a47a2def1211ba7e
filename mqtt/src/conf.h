/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * pinbus-mqtt's configuration, /etc/pinbus/mqtt.conf: an INI file with the
 * sections [broker], [publish] and [homeassistant] (docs/mqtt.md lists every
 * key). Parsing is pure: no network, no bus; the password file is read
 * separately (mqtt_read_password_file()).
 */

#include <stdbool.h>
#include <stdint.h>

#include "util/macro.h"

#define MQTT_DEFAULT_CONFIG PINBUS_SYSCONFDIR "/mqtt.conf"

/* Most errors one file reports before giving up. */
#define MQTT_CONFIG_ERRORS_MAX 20

/* Which objects of one kind are published: every one (all), none, or the names listed. */
typedef struct MqttSelection {
        bool all;
        char **names; /* NULL-terminated; only when !all */
} MqttSelection;

typedef struct MqttConfig {
        /* [broker] */
        char *uri;  /* as written, for messages */
        char *host; /* from uri */
        unsigned port;
        bool tls; /* mqtts:// */
        char *ca_file;
        char *cert_file;
        char *key_file;
        char *username;
        char *password_file;
        char *client_id;
        int qos;
        uint64_t keepalive_us;
        uint64_t reconnect_min_us;
        uint64_t reconnect_max_us;
        unsigned queue_size; /* button events kept while the broker is away */

        /* [publish] */
        char *base_topic;
        MqttSelection outputs, buttons, sensors;
        MqttSelection lines; /* none by default */

        /* [homeassistant] */
        bool discovery;
        char *discovery_prefix;
} MqttConfig;

/*
 * Sets every field of c to its default, with hostname (not NULL, not
 * empty) in the defaults that name the machine: client id "pinbus-<hostname>"
 * and base topic "pinbus/<hostname>". Returns 0 or -ENOMEM (c is then still
 * safe to pass to mqtt_config_done()).
 */
int mqtt_config_init(MqttConfig *c, const char *hostname);

/* Frees everything c holds (not c itself). */
void mqtt_config_done(MqttConfig *c);

/*
 * Parses the file at path into c (initialised by mqtt_config_init()). Every
 * problem found is appended to *errors (a strv) as "path:line: message", or
 * "path: message" for the file as a whole. Returns 0, -EINVAL if anything was
 * wrong, -ENOENT and the like if the file cannot be opened (also reported), or
 * -ENOMEM.
 */
int mqtt_config_parse_file(MqttConfig *c, const char *path, char ***errors);

/*
 * As mqtt_config_parse_file(), for text in memory named path in messages (for
 * the unit tests).
 */
int mqtt_config_parse_string(MqttConfig *c, const char *path, const char *text, char ***errors);

/* Whether sel selects the object named name. */
bool mqtt_selection_has(const MqttSelection *sel, const char *name);

/*
 * Parses a broker URI, "mqtt://HOST[:PORT]" (port 1883) or
 * "mqtts://HOST[:PORT]" (port 8883, TLS); HOST may be an IPv6 address in
 * brackets. On success stores a newly allocated host in *ret_host (caller
 * frees), the port and whether it is TLS. Returns 0 or -EINVAL (with
 * *ret_error a static message), -ENOMEM.
 */
int mqtt_parse_uri(const char *uri, char **ret_host, unsigned *ret_port, bool *ret_tls,
                   const char **ret_error);

/*
 * Reads the password from the first line of the file at path (its
 * newline stripped; the rest of the file is ignored). Stores a newly
 * allocated string in *ret (caller frees). Returns 0, a negative errno from
 * opening or reading, or -EINVAL for an empty first line.
 */
int mqtt_read_password_file(const char *path, char **ret);
