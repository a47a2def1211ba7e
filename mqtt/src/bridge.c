/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>

#include "bridge.h"
#include "broker.h"
#include "format.h"
#include "log.h"
#include "util/strv.h"

#define BUS_NAME      "io.pinbus1"
#define ROOT_PATH     "/io/pinbus1"
#define MANAGER_IFACE "io.pinbus1.Manager"
#define OUTPUT_IFACE  "io.pinbus1.Output"
#define BUTTON_IFACE  "io.pinbus1.Button"
#define SENSOR_IFACE  "io.pinbus1.Sensor"
#define LINE_IFACE    "io.pinbus1.Line"
#define SHUTDOWN_US   (2 * USEC_PER_SEC)

static const char *const kind_interfaces[_ENTITY_KIND_MAX] = {
        [ENTITY_OUTPUT] = OUTPUT_IFACE,
        [ENTITY_BUTTON] = BUTTON_IFACE,
        [ENTITY_SENSOR] = SENSOR_IFACE,
        [ENTITY_LINE] = LINE_IFACE,
};

/* One configured object of pinbusd that is published. */
typedef struct Entity {
        EntityKind kind;
        char *name;
        char *path;
        bool value;  /* output, line: Value; button: Pressed */
        bool held;   /* button: Held since its last Pressed */
        bool online; /* sensor */
        uint64_t timestamp_us;
        char **keys; /* sensor: Values, in the daemon's order */
        double *values;
        size_t n_values;
        char **announced; /* sensor: quantities whose discovery config was published */
} Entity;

struct Bridge {
        sd_event *event;
        sd_bus *bus;
        const MqttConfig *config;
        Broker *broker;
        char *hostname;
        char *device_id;
        char *board_model; /* the device tree's model (/sys/firmware/devicetree/base/model), or NULL */
        char *status_topic;
        char *command_pattern;      /* outputs' .../set */
        char *line_command_pattern; /* lines' */
        char *ha_status_topic;
        char *discovery_pattern;

        char *owner; /* pinbusd's unique name; NULL while it is not on the bus */
        bool ready;  /* its objects have been read */
        uint64_t generation;
        char *version;
        char *backend;
        Entity **entities;
        size_t n_entities;
        char **discovery_topics; /* the configs published for the current objects */

        sd_bus_slot *match_owner, *match_properties, *match_buttons;
        sd_bus_slot *read_call, *manager_call;
};

typedef enum Change {
        CHANGE_VALUE = 1 << 0,  /* output Value, button Pressed */
        CHANGE_ONLINE = 1 << 1, /* sensor Online */
        CHANGE_VALUES = 1 << 2, /* sensor Values or Timestamp */
} Change;

static Entity *entity_free(Entity *e)
{
        if (!e)
                return NULL;
        free(e->name);
        free(e->path);
        strv_free(e->keys);
        free(e->values);
        strv_free(e->announced);
        free(e);
        return NULL;
}

static void bridge_clear_entities(Bridge *b)
{
        for (size_t i = 0; i < b->n_entities; i++)
                entity_free(b->entities[i]);
        b->entities = mfree(b->entities);
        b->n_entities = 0;
        strv_free(b->discovery_topics);
        b->discovery_topics = NULL;
}

static Entity *bridge_find(Bridge *b, EntityKind kind, const char *name, const char *path)
{
        for (size_t i = 0; i < b->n_entities; i++) {
                Entity *e = b->entities[i];

                if (e->kind == kind && (name ? streq(e->name, name) : streq_ptr(e->path, path)))
                        return e;
        }
        return NULL;
}

static void device_info(Bridge *b, DeviceInfo *d)
{
        *d = (DeviceInfo){
                .id = b->device_id,
                .name = b->hostname,
                .model = streq_ptr(b->backend, "simulator") ? "pinbus simulator"
                                                            : (b->board_model ?: "Linux board"),
                .sw_version = b->version,
                .base_topic = b->config->base_topic,
                .qos = b->config->qos,
        };
}

/* --- publishing ----------------------------------------------------------- */

static void publish_retained(Bridge *b, const char *topic, const char *payload)
{
        (void)broker_publish(b->broker, topic, payload, true);
}

static void publish_entity_topic(Bridge *b, Entity *e, const char *leaf, const char *payload)
{
        _cleanup_free_ char *topic = mqtt_topic(b->config->base_topic, e->kind, e->name, leaf);

        if (topic)
                publish_retained(b, topic, payload);
}

static void publish_state(Bridge *b, Entity *e)
{
        _cleanup_free_ char *payload = NULL;

        switch (e->kind) {
        case ENTITY_OUTPUT:
        case ENTITY_BUTTON:
        case ENTITY_LINE:
                publish_entity_topic(b, e, "state", e->value ? "ON" : "OFF");
                break;
        case ENTITY_SENSOR:
                publish_entity_topic(b, e, "availability", e->online ? "online" : "offline");
                if (e->n_values == 0)
                        break;
                payload = mqtt_format_sensor_state(e->keys, e->values, e->n_values, e->timestamp_us);
                if (payload)
                        publish_entity_topic(b, e, "state", payload);
                break;
        default:
                break;
        }
}

/* Publishes one discovery config and remembers its topic as current. */
static void publish_discovery_one(Bridge *b, int r, Discovery *d)
{
        if (r < 0) {
                log_error("out of memory building a discovery config");
                return;
        }
        if (!strv_contains(b->discovery_topics, d->topic))
                (void)strv_extendf(&b->discovery_topics, "%s", d->topic);
        publish_retained(b, d->topic, d->payload);
        discovery_done(d);
}

static void publish_sensor_discovery(Bridge *b, Entity *e, bool again)
{
        DeviceInfo dev;

        device_info(b, &dev);
        for (size_t i = 0; i < e->n_values; i++) {
                Discovery d = { 0 };

                if (!again && strv_contains(e->announced, e->keys[i]))
                        continue;
                publish_discovery_one(
                        b, mqtt_discovery_sensor(&dev, b->config->discovery_prefix, e->name, e->keys[i], &d),
                        &d);
                if (!strv_contains(e->announced, e->keys[i]))
                        (void)strv_extendf(&e->announced, "%s", e->keys[i]);
        }
}

static void publish_discovery(Bridge *b, Entity *e)
{
        const char *prefix = b->config->discovery_prefix;
        DeviceInfo dev;
        Discovery d = { 0 };

        if (!b->config->discovery)
                return;
        device_info(b, &dev);
        switch (e->kind) {
        case ENTITY_OUTPUT:
        case ENTITY_LINE:
                publish_discovery_one(b, mqtt_discovery_switch(&dev, prefix, e->kind, e->name, &d), &d);
                break;
        case ENTITY_BUTTON:
                publish_discovery_one(b, mqtt_discovery_binary_sensor(&dev, prefix, e->name, &d), &d);
                for (size_t i = 0; i < mqtt_button_trigger_count(); i++)
                        publish_discovery_one(b, mqtt_discovery_trigger(&dev, prefix, e->name, i, &d), &d);
                break;
        case ENTITY_SENSOR:
                publish_sensor_discovery(b, e, true);
                break;
        default:
                break;
        }
}

/* Everything retained, from scratch: after a (re)connection, pinbusd appearing, or Home
 * Assistant coming online. */
static void publish_all(Bridge *b)
{
        if (!broker_is_connected(b->broker))
                return;
        if (!b->ready) {
                publish_retained(b, b->status_topic, "offline");
                return;
        }
        for (size_t i = 0; i < b->n_entities; i++)
                publish_discovery(b, b->entities[i]);
        for (size_t i = 0; i < b->n_entities; i++)
                publish_state(b, b->entities[i]);
        publish_retained(b, b->status_topic, "online");
        /* The broker answers with every retained config of this device: those no current object
         * published are removed (see on_message()). */
        if (b->config->discovery)
                (void)broker_subscribe(b->broker, b->discovery_pattern);
}

/* --- reading pinbusd's objects -------------------------------------------- */

static int read_values(sd_bus_message *m, Entity *e)
{
        _cleanup_strv_free_ char **keys = NULL;
        _cleanup_free_ double *values = NULL;
        size_t n = 0;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sd}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sd")) > 0) {
                const char *key;
                double value, *nv;

                r = sd_bus_message_read(m, "sd", &key, &value);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
                nv = reallocarray(values, n + 1, sizeof(double));
                if (!nv)
                        return -ENOMEM;
                values = nv;
                values[n++] = value;
                r = strv_extendf(&keys, "%s", key);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        strv_free(e->keys);
        free(e->values);
        e->keys = TAKE_PTR(keys);
        e->values = TAKE_PTR(values);
        e->n_values = n;
        return 0;
}

static int read_bool(sd_bus_message *m, bool *ret, bool *changed)
{
        int v, r;

        r = sd_bus_message_read(m, "v", "b", &v);
        if (r < 0)
                return r;
        if (changed && *ret != !!v)
                *changed = true;
        *ret = v;
        return 0;
}

/* Reads one property (name, then the variant at m) of e's interface into e; returns the
 * Change bits it makes, or a negative errno. Properties not used here are skipped. */
static int read_property(sd_bus_message *m, Entity *e, const char *name)
{
        const char *contents = NULL;
        bool changed = false;
        int r;

        r = sd_bus_message_peek_type(m, NULL, &contents);
        if (r < 0)
                return r;
        if (((e->kind == ENTITY_OUTPUT || e->kind == ENTITY_LINE) && streq(name, "Value")) ||
            (e->kind == ENTITY_BUTTON && streq(name, "Pressed"))) {
                if (!streq(contents, "b"))
                        goto skip;
                r = read_bool(m, &e->value, &changed);
                return r < 0 ? r : changed ? CHANGE_VALUE : 0;
        }
        if (e->kind == ENTITY_SENSOR && streq(name, "Online") && streq(contents, "b")) {
                r = read_bool(m, &e->online, &changed);
                return r < 0 ? r : changed ? CHANGE_ONLINE : 0;
        }
        if (e->kind == ENTITY_SENSOR && streq(name, "Timestamp") && streq(contents, "t")) {
                uint64_t t;

                r = sd_bus_message_read(m, "v", "t", &t);
                if (r < 0)
                        return r;
                e->timestamp_us = t;
                return 0; /* sent together with Values */
        }
        if (e->kind == ENTITY_SENSOR && streq(name, "Values") && streq(contents, "a{sd}")) {
                r = sd_bus_message_enter_container(m, 'v', "a{sd}");
                if (r < 0)
                        return r;
                r = read_values(m, e);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                return r < 0 ? r : CHANGE_VALUES;
        }
skip:
        /* sd_bus_message_skip() returns a positive number on success, which is no Change. */
        r = sd_bus_message_skip(m, "v");
        return r < 0 ? r : 0;
}

/* Reads an a{sv} of e's properties; returns the Change bits. */
static int read_properties(sd_bus_message *m, Entity *e)
{
        int r, changes = 0;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                const char *name;

                r = sd_bus_message_read(m, "s", &name);
                if (r < 0)
                        return r;
                r = read_property(m, e, name);
                if (r < 0)
                        return r;
                changes |= r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        return r < 0 ? r : changes;
}

static int read_manager(Bridge *b, sd_bus_message *m)
{
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                const char *name, *contents = NULL, *s;

                r = sd_bus_message_read(m, "s", &name);
                if (r < 0)
                        return r;
                r = sd_bus_message_peek_type(m, NULL, &contents);
                if (r < 0)
                        return r;
                if ((streq(name, "Version") || streq(name, "Backend")) && streq_ptr(contents, "s")) {
                        char **field = streq(name, "Version") ? &b->version : &b->backend;

                        r = sd_bus_message_read(m, "v", "s", &s);
                        if (r < 0)
                                return r;
                        free(*field);
                        *field = strdup(s);
                        if (!*field)
                                return -ENOMEM;
                } else {
                        r = sd_bus_message_skip(m, "v");
                        if (r < 0)
                                return r;
                }
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

static const MqttSelection *selection_of(Bridge *b, EntityKind kind)
{
        switch (kind) {
        case ENTITY_OUTPUT:
                return &b->config->outputs;
        case ENTITY_BUTTON:
                return &b->config->buttons;
        case ENTITY_LINE:
                return &b->config->lines;
        default:
                return &b->config->sensors;
        }
}

/* One object of GetManagedObjects: its interfaces and their properties. */
static int read_object(Bridge *b, sd_bus_message *m, const char *path)
{
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sa{sv}}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sa{sv}")) > 0) {
                const char *iface;
                int kind = -1;

                r = sd_bus_message_read(m, "s", &iface);
                if (r < 0)
                        return r;
                for (int k = 0; k < _ENTITY_KIND_MAX; k++)
                        if (streq(iface, kind_interfaces[k]))
                                kind = k;
                if (kind >= 0) {
                        _cleanup_free_ char *name = NULL, *prefix = NULL;
                        Entity *e, **n;

                        if (asprintf(&prefix, ROOT_PATH "/%s", entity_kind_to_string(kind)) < 0)
                                return -ENOMEM;
                        r = sd_bus_path_decode(path, prefix, &name);
                        if (r <= 0 || !mqtt_selection_has(selection_of(b, kind), name)) {
                                r = sd_bus_message_skip(m, "a{sv}");
                        } else {
                                e = calloc(1, sizeof(*e));
                                if (!e)
                                        return -ENOMEM;
                                e->kind = kind;
                                e->name = TAKE_PTR(name);
                                e->path = strdup(path);
                                n = reallocarray(b->entities, b->n_entities + 1, sizeof(*n));
                                if (!e->path || !n) {
                                        entity_free(e);
                                        return -ENOMEM;
                                }
                                b->entities = n;
                                b->entities[b->n_entities++] = e;
                                r = read_properties(m, e);
                        }
                } else
                        r = sd_bus_message_skip(m, "a{sv}");
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

static int on_managed_objects(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
        Bridge *b = userdata;
        const sd_bus_error *e;
        int r;

        b->read_call = sd_bus_slot_unref(b->read_call);
        e = sd_bus_message_get_error(reply);
        if (e) {
                log_error("cannot read pinbusd's objects (GetManagedObjects): %s: %s", e->name,
                          strempty(e->message));
                return 0;
        }
        bridge_clear_entities(b);
        r = sd_bus_message_enter_container(reply, 'a', "{oa{sa{sv}}}");
        while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'e', "oa{sa{sv}}")) > 0) {
                const char *path;

                r = sd_bus_message_read(reply, "o", &path);
                if (r >= 0)
                        r = read_object(b, reply, path);
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
        }
        if (r < 0) {
                log_error_errno(r, "cannot parse pinbusd's objects: %s", strerror(-r));
                bridge_clear_entities(b);
                return 0;
        }
        b->ready = true;
        log_info("pinbusd %s (%s) is on the bus as %s: publishing %zu object(s)", strempty(b->version),
                 strempty(b->backend), b->owner, b->n_entities);
        publish_all(b);
        return 0;
}

static int on_manager_properties(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
        Bridge *b = userdata;
        const sd_bus_error *e;
        int r;

        b->manager_call = sd_bus_slot_unref(b->manager_call);
        e = sd_bus_message_get_error(reply);
        if (e) {
                log_warning("cannot read pinbusd's Manager properties: %s: %s", e->name,
                            strempty(e->message));
                return 0;
        }
        r = read_manager(b, reply);
        if (r < 0)
                log_warning_errno(r, "cannot parse pinbusd's Manager properties: %s", strerror(-r));
        return 0;
}

/* pinbusd appeared (or changed): read every object again. Both replies come in order: the
 * Manager's properties (version, backend), then the objects. */
static void bridge_read_objects(Bridge *b)
{
        int r;

        b->manager_call = sd_bus_slot_unref(b->manager_call);
        r = sd_bus_call_method_async(b->bus, &b->manager_call, BUS_NAME, ROOT_PATH,
                                     "org.freedesktop.DBus.Properties", "GetAll", on_manager_properties, b,
                                     "s", MANAGER_IFACE);
        if (r < 0)
                log_warning_errno(r, "cannot ask pinbusd for its version: %s", strerror(-r));
        b->read_call = sd_bus_slot_unref(b->read_call);
        r = sd_bus_call_method_async(b->bus, &b->read_call, BUS_NAME, ROOT_PATH,
                                     "org.freedesktop.DBus.ObjectManager", "GetManagedObjects",
                                     on_managed_objects, b, NULL);
        if (r < 0)
                log_error_errno(r, "cannot ask pinbusd for its objects: %s", strerror(-r));
}

static void bridge_set_owner(Bridge *b, const char *owner)
{
        if (streq_ptr(b->owner, isempty(owner) ? NULL : owner))
                return;
        if (b->owner) {
                log_warning("pinbusd (%s) left the bus: %s is offline", b->owner, b->status_topic);
                b->owner = mfree(b->owner);
                b->ready = false;
                b->read_call = sd_bus_slot_unref(b->read_call);
                b->manager_call = sd_bus_slot_unref(b->manager_call);
                bridge_clear_entities(b);
                b->version = mfree(b->version);
                b->backend = mfree(b->backend);
                publish_all(b); /* "offline" */
        }
        if (!isempty(owner)) {
                b->owner = strdup(owner);
                if (!b->owner) {
                        log_error("out of memory");
                        return;
                }
                bridge_read_objects(b);
        }
}

static int on_name_owner_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        Bridge *b = userdata;
        const char *name, *old_owner, *new_owner;

        if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0 || !streq(name, BUS_NAME))
                return 0;
        bridge_set_owner(b, new_owner);
        return 0;
}

static int on_get_name_owner(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
        Bridge *b = userdata;
        const char *owner;

        if (sd_bus_message_is_method_error(reply, NULL)) {
                log_notice("pinbusd (%s) is not on the bus yet: waiting for it", BUS_NAME);
                publish_all(b);
                return 0;
        }
        if (sd_bus_message_read(reply, "s", &owner) >= 0)
                bridge_set_owner(b, owner);
        return 0;
}

/* Signals from anyone but the current pinbusd, or before its objects are read, are ignored:
 * GetManagedObjects' reply already holds what they changed. */
static bool from_pinbusd(Bridge *b, sd_bus_message *m)
{
        return b->ready && streq_ptr(sd_bus_message_get_sender(m), b->owner);
}

static int on_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        Bridge *b = userdata;
        const char *iface;
        Entity *e = NULL;
        int changes;

        if (!from_pinbusd(b, m) || sd_bus_message_read(m, "s", &iface) < 0)
                return 0;
        for (int k = 0; k < _ENTITY_KIND_MAX && !e; k++)
                if (streq(iface, kind_interfaces[k]))
                        e = bridge_find(b, k, NULL, sd_bus_message_get_path(m));
        if (!e)
                return 0;
        changes = read_properties(m, e);
        if (changes < 0) {
                log_warning_errno(changes, "bad PropertiesChanged from %s: %s", e->path, strerror(-changes));
                return 0;
        }
        if (!broker_is_connected(b->broker))
                return 0; /* published in full on reconnection */
        if (e->kind == ENTITY_SENSOR && (changes & CHANGE_VALUES) && b->config->discovery)
                publish_sensor_discovery(b, e, false);
        if (changes & CHANGE_ONLINE)
                publish_entity_topic(b, e, "availability", e->online ? "online" : "offline");
        if (changes & (CHANGE_VALUE | CHANGE_VALUES)) {
                if (e->kind == ENTITY_SENSOR) {
                        _cleanup_free_ char *payload =
                                mqtt_format_sensor_state(e->keys, e->values, e->n_values, e->timestamp_us);

                        if (payload)
                                publish_entity_topic(b, e, "state", payload);
                } else
                        publish_entity_topic(b, e, "state", e->value ? "ON" : "OFF");
        }
        return 0;
}

static int on_button_signal(sd_bus_message *m, void *userdata)
{
        Bridge *b = userdata;
        _cleanup_free_ char *topic = NULL, *payload = NULL;
        const char *member = sd_bus_message_get_member(m);
        uint64_t ts = 0, arg = 0;
        ButtonEvent ev;
        bool was_held = false;
        Entity *e;
        int r;

        if (!from_pinbusd(b, m))
                return 0;
        e = bridge_find(b, ENTITY_BUTTON, NULL, sd_bus_message_get_path(m));
        if (!e || !member)
                return 0;
        if (streq(member, "Pressed")) {
                ev = BUTTON_PRESSED;
                r = sd_bus_message_read(m, "t", &ts);
                e->held = false;
        } else if (streq(member, "Released")) {
                ev = BUTTON_RELEASED;
                r = sd_bus_message_read(m, "tt", &ts, &arg);
                was_held = e->held;
                e->held = false;
        } else if (streq(member, "Held")) {
                uint32_t repeat;

                ev = BUTTON_HELD;
                r = sd_bus_message_read(m, "tu", &ts, &repeat);
                arg = repeat;
                e->held = true;
        } else if (streq(member, "Clicked")) {
                uint32_t count;

                ev = BUTTON_CLICKED;
                r = sd_bus_message_read(m, "u", &count);
                arg = count;
        } else
                return 0;
        if (r < 0) {
                log_warning("bad %s signal from %s", member, e->path);
                return 0;
        }
        topic = mqtt_topic(b->config->base_topic, ENTITY_BUTTON, e->name, "event");
        payload = mqtt_format_button_event(ev, ts, arg, was_held);
        if (!topic || !payload || broker_publish_event(b->broker, topic, payload) < 0)
                log_error("out of memory queueing a button event");
        return 0;
}

static int on_button_match(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        return on_button_signal(m, userdata);
}

/* --- MQTT side ------------------------------------------------------------- */

/* userdata is the command's topic, freed with the call's slot. */
static int on_command_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
        const char *topic = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        if (e)
                log_warning("command on %s failed: %s: %s", topic, e->name, strempty(e->message));
        return 0;
}

static void handle_command(Bridge *b, const char *topic, EntityKind kind, const char *name,
                           const void *payload, size_t len)
{
        const char *iface = kind_interfaces[kind];
        _cleanup_free_ char *printable = mqtt_printable(payload, len, 200), *topic_copy = NULL;
        sd_bus_slot *slot = NULL;
        const char *error = NULL;
        Command c;
        Entity *e;
        int r;

        if (!b->ready) {
                log_warning("command on %s ignored: pinbusd is not on the bus", topic);
                return;
        }
        e = bridge_find(b, kind, name, NULL);
        if (!e) {
                log_warning("command on %s ignored: no published %s '%s'", topic,
                            entity_kind_to_string(kind), name);
                return;
        }
        r = mqtt_parse_command(payload, len, &c, &error);
        if (r < 0) {
                log_warning("bad command on %s ignored: '%s': %s", topic, strempty(printable),
                            r == -ENOMEM ? "out of memory" : error);
                return;
        }
        topic_copy = strdup(topic);
        if (!topic_copy)
                return;
        switch (c.kind) {
        case COMMAND_SET:
                r = sd_bus_call_method_async(b->bus, &slot, BUS_NAME, e->path, iface, "Set",
                                             on_command_reply, topic_copy, "b", (int)c.value);
                break;
        case COMMAND_TOGGLE:
                r = sd_bus_call_method_async(b->bus, &slot, BUS_NAME, e->path, iface, "Toggle",
                                             on_command_reply, topic_copy, NULL);
                break;
        case COMMAND_PULSE:
                r = sd_bus_call_method_async(b->bus, &slot, BUS_NAME, e->path, iface, "Pulse",
                                             on_command_reply, topic_copy, "bt", (int)c.value,
                                             c.duration_us);
                break;
        case COMMAND_BLINK:
                r = sd_bus_call_method_async(b->bus, &slot, BUS_NAME, e->path, iface, "Blink",
                                             on_command_reply, topic_copy, "ttu", c.on_us, c.off_us,
                                             c.count);
                break;
        default:
                r = -EINVAL;
        }
        if (r < 0) {
                log_warning_errno(r, "command on %s: cannot call pinbusd: %s", topic, strerror(-r));
                return;
        }
        /* The bus owns the call until its reply, or until it closes; the topic goes with it. */
        (void)sd_bus_slot_set_destroy_callback(slot, free);
        TAKE_PTR(topic_copy);
        (void)sd_bus_slot_set_floating(slot, true);
        sd_bus_slot_unref(slot);
}

/* Whether topic is the config of a quantity of a sensor that exists but has not reported it
 * yet (it has no sample since pinbusd started): kept, so that Home Assistant does not lose
 * the entity while the sensor is offline. */
static bool is_current_sensor_config(Bridge *b, const char *topic)
{
        DeviceInfo dev;

        device_info(b, &dev);
        for (size_t i = 0; i < b->n_entities; i++) {
                Entity *e = b->entities[i];

                if (e->kind != ENTITY_SENSOR)
                        continue;
                for (size_t q = 0; mqtt_sensor_quantity(q); q++) {
                        Discovery d = { 0 };
                        bool same;

                        if (mqtt_discovery_sensor(&dev, b->config->discovery_prefix, e->name,
                                                  mqtt_sensor_quantity(q), &d) < 0)
                                return true; /* out of memory: remove nothing */
                        same = streq(d.topic, topic);
                        discovery_done(&d);
                        if (same)
                                return true;
                }
        }
        return false;
}

static void on_connected(Broker *broker, void *userdata)
{
        Bridge *b = userdata;

        (void)broker_subscribe(broker, b->command_pattern);
        if (b->config->lines.all || b->config->lines.names)
                (void)broker_subscribe(broker, b->line_command_pattern);
        if (b->config->discovery)
                (void)broker_subscribe(broker, b->ha_status_topic);
        /* A new session: every sensor quantity gets its config again. */
        publish_all(b);
}

static void on_message(Broker *broker, const char *topic, const void *payload, size_t len, bool retained,
                       void *userdata)
{
        Bridge *b = userdata;
        const char *rest;

        if (streq(topic, b->ha_status_topic)) {
                if (len == 6 && memcmp(payload, "online", 6) == 0) {
                        log_info("Home Assistant is online: publishing the discovery configs again");
                        publish_all(b);
                }
                return;
        }

        rest = startswith(topic, b->config->base_topic);
        if (rest && (startswith(rest, "/output/") || startswith(rest, "/line/"))) {
                EntityKind kind = startswith(rest, "/output/") ? ENTITY_OUTPUT : ENTITY_LINE;
                const char *slash;
                _cleanup_free_ char *name = NULL;

                rest = strchr(rest + 1, '/') + 1;
                slash = strchr(rest, '/');
                if (!slash || !streq(slash, "/set"))
                        return;
                name = strndup(rest, (size_t)(slash - rest));
                if (name)
                        handle_command(b, topic, kind, name, payload, len);
                return;
        }

        /* A retained config of this device that no current object published: its section left
         * pinbusd's configuration (or this one's [publish] lists), so remove the entity. */
        if (retained && len > 0 && b->ready && b->config->discovery &&
            startswith(topic, b->config->discovery_prefix) && !strv_contains(b->discovery_topics, topic) &&
            !is_current_sensor_config(b, topic)) {
                log_info("removing the stale discovery config %s", topic);
                publish_retained(b, topic, "");
        }
}

/* --- setup ------------------------------------------------------------------ */

static char *read_board_model(void)
{
        _cleanup_fclose_ FILE *f = fopen("/sys/firmware/devicetree/base/model", "re");
        char buf[128];
        size_t n;

        if (!f)
                return NULL;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = '\0';
        return n > 0 ? strdup(buf) : NULL;
}

Bridge *bridge_free(Bridge *b)
{
        if (!b)
                return NULL;
        b->match_owner = sd_bus_slot_unref(b->match_owner);
        b->match_properties = sd_bus_slot_unref(b->match_properties);
        b->match_buttons = sd_bus_slot_unref(b->match_buttons);
        b->read_call = sd_bus_slot_unref(b->read_call);
        b->manager_call = sd_bus_slot_unref(b->manager_call);
        broker_free(b->broker);
        bridge_clear_entities(b);
        free(b->version);
        free(b->backend);
        free(b->owner);
        free(b->hostname);
        free(b->device_id);
        free(b->board_model);
        free(b->status_topic);
        free(b->command_pattern);
        free(b->line_command_pattern);
        free(b->ha_status_topic);
        free(b->discovery_pattern);
        sd_bus_unref(b->bus);
        sd_event_unref(b->event);
        free(b);
        return NULL;
}

DEFINE_TRIVIAL_CLEANUP_FUNC(Bridge *, bridge_free)

int bridge_new(sd_event *event, sd_bus *bus, const MqttConfig *c, const char *password, const char *hostname,
               Bridge **ret)
{
        _cleanup_(bridge_freep) Bridge *b = NULL;
        static const BrokerCallbacks callbacks = {
                .connected = on_connected,
                .message = on_message,
        };
        int r;

        b = calloc(1, sizeof(*b));
        if (!b)
                return log_error_errno(-ENOMEM, "out of memory");
        b->event = sd_event_ref(event);
        b->bus = sd_bus_ref(bus);
        b->config = c;
        b->hostname = strdup(hostname);
        b->device_id = mqtt_sanitize_id(c->client_id);
        b->board_model = read_board_model();
        b->status_topic = mqtt_status_topic(c->base_topic);
        if (!b->hostname || !b->device_id || !b->status_topic ||
            asprintf(&b->command_pattern, "%s/output/+/set", c->base_topic) < 0 ||
            asprintf(&b->line_command_pattern, "%s/line/+/set", c->base_topic) < 0 ||
            asprintf(&b->ha_status_topic, "%s/status", c->discovery_prefix) < 0 ||
            asprintf(&b->discovery_pattern, "%s/+/%s/+/config", c->discovery_prefix, b->device_id) < 0)
                return log_error_errno(-ENOMEM, "out of memory");

        r = broker_new(event, c, password, b->status_topic, &callbacks, b, &b->broker);
        if (r < 0)
                return log_error_errno(r, "cannot set up the MQTT client: %s", strerror(-r));

        r = sd_bus_match_signal(bus, &b->match_owner, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                "org.freedesktop.DBus", "NameOwnerChanged", on_name_owner_changed, b);
        if (r >= 0)
                r = sd_bus_add_match(bus, &b->match_properties,
                                     "type='signal',interface='org.freedesktop.DBus.Properties',"
                                     "member='PropertiesChanged',path_namespace='" ROOT_PATH "'",
                                     on_properties_changed, b);
        if (r >= 0)
                r = sd_bus_add_match(bus, &b->match_buttons,
                                     "type='signal',interface='" BUTTON_IFACE "',path_namespace='" ROOT_PATH
                                     "'",
                                     on_button_match, b);
        if (r >= 0)
                r = sd_bus_call_method_async(bus, NULL, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                             "org.freedesktop.DBus", "GetNameOwner", on_get_name_owner, b,
                                             "s", BUS_NAME);
        if (r < 0)
                return log_error_errno(r, "cannot watch for pinbusd on the bus: %s", strerror(-r));

        r = broker_start(b->broker);
        if (r < 0)
                return log_error_errno(r, "cannot start the MQTT client: %s", strerror(-r));
        *ret = TAKE_PTR(b);
        return 0;
}

static void on_shutdown_done(void *userdata)
{
        Bridge *b = userdata;

        (void)sd_event_exit(b->event, 0);
}

void bridge_shutdown(Bridge *b)
{
        (void)broker_shutdown(b->broker, SHUTDOWN_US, on_shutdown_done, b);
}
