/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <strings.h>

#include "format.h"
#include "json.h"
#include "util/duration.h"
#include "util/macro.h"

#define PULSE_MIN_US 1
#define BLINK_MIN_US USEC_PER_MSEC
#define TIME_MAX_US  (24 * 3600 * USEC_PER_SEC)

static const char *const kind_names[_ENTITY_KIND_MAX] = {
        [ENTITY_OUTPUT] = "output",
        [ENTITY_BUTTON] = "button",
        [ENTITY_SENSOR] = "sensor",
        [ENTITY_LINE] = "line",
};

const char *entity_kind_to_string(EntityKind kind)
{
        return kind >= 0 && kind < _ENTITY_KIND_MAX ? kind_names[kind] : NULL;
}

char *mqtt_topic(const char *base, EntityKind kind, const char *name, const char *leaf)
{
        char *s;

        if (asprintf(&s, "%s/%s/%s/%s", base, entity_kind_to_string(kind), name, leaf) < 0)
                return NULL;
        return s;
}

char *mqtt_status_topic(const char *base)
{
        char *s;

        if (asprintf(&s, "%s/status", base) < 0)
                return NULL;
        return s;
}

char *mqtt_sanitize_id(const char *s)
{
        char *r = strdup(isempty(s) ? "_" : s);

        if (!r)
                return NULL;
        for (char *c = r; *c; c++)
                if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
                        *c = '_';
        return r;
}

/* A JSON text built with stdio: open it, write, close it to get the string. */
typedef struct Builder {
        char *buf;
        size_t size;
        FILE *f;
} Builder;

static int builder_open(Builder *b)
{
        *b = (Builder){ 0 };
        b->f = open_memstream(&b->buf, &b->size);
        return b->f ? 0 : -ENOMEM;
}

static char *builder_close(Builder *b)
{
        bool failed = ferror(b->f);

        if (fclose(b->f) != 0 || failed) {
                free(b->buf);
                return NULL;
        }
        return b->buf;
}

static void put_key(FILE *f, bool *first, const char *key)
{
        if (!*first)
                fputc(',', f);
        *first = false;
        json_write_string(f, key);
        fputc(':', f);
}

static void put_string(FILE *f, bool *first, const char *key, const char *value)
{
        put_key(f, first, key);
        json_write_string(f, value);
}

char *mqtt_format_sensor_state(char *const *keys, const double *values, size_t n, uint64_t timestamp_us)
{
        bool first = true;
        Builder b;

        if (builder_open(&b) < 0)
                return NULL;
        fputc('{', b.f);
        for (size_t i = 0; i < n; i++) {
                put_key(b.f, &first, keys[i]);
                json_write_number(b.f, values[i]);
        }
        if (timestamp_us > 0) {
                time_t t = (time_t)(timestamp_us / USEC_PER_SEC);
                struct tm tm;
                char when[32];

                if (gmtime_r(&t, &tm) && strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm) > 0) {
                        put_key(b.f, &first, "timestamp");
                        fprintf(b.f, "\"%s.%06" PRIu64 "Z\"", when, timestamp_us % USEC_PER_SEC);
                }
        }
        fputc('}', b.f);
        return builder_close(&b);
}

static const char *const click_actions[] = { NULL, "single", "double", "triple", "quadruple", "quintuple" };

char *mqtt_format_button_event(ButtonEvent event, uint64_t timestamp_ns, uint64_t arg, bool was_held)
{
        bool first = true;
        Builder b;

        if (builder_open(&b) < 0)
                return NULL;
        fputc('{', b.f);
        switch (event) {
        case BUTTON_PRESSED:
                put_string(b.f, &first, "event", "pressed");
                put_string(b.f, &first, "action", "pressed");
                break;
        case BUTTON_RELEASED:
                put_string(b.f, &first, "event", "released");
                put_string(b.f, &first, "action", was_held ? "long_release" : "released");
                put_key(b.f, &first, "duration_us");
                fprintf(b.f, "%" PRIu64, arg);
                break;
        case BUTTON_HELD:
                put_string(b.f, &first, "event", "held");
                put_string(b.f, &first, "action", "held");
                put_key(b.f, &first, "repeat");
                fprintf(b.f, "%" PRIu64, arg);
                break;
        case BUTTON_CLICKED:
                put_string(b.f, &first, "event", "clicked");
                put_key(b.f, &first, "action");
                if (arg > 0 && arg < ELEMENTSOF(click_actions))
                        json_write_string(b.f, click_actions[arg]);
                else
                        fprintf(b.f, "\"clicks_%" PRIu64 "\"", arg);
                put_key(b.f, &first, "count");
                fprintf(b.f, "%" PRIu64, arg);
                break;
        }
        if (event != BUTTON_CLICKED) {
                put_key(b.f, &first, "timestamp_ns");
                fprintf(b.f, "%" PRIu64, timestamp_ns);
        }
        fputc('}', b.f);
        return builder_close(&b);
}

void discovery_done(Discovery *d)
{
        free(d->topic);
        free(d->payload);
        *d = (Discovery){ 0 };
}

/* The members every entity's config has: name, unique_id, device, origin, qos, and (when
 * with_availability) the availability topics: the board's status, and extra_availability too
 * if not NULL. */
static int put_common(FILE *f, bool *first, const DeviceInfo *dev, const char *name, const char *unique_id,
                      bool with_availability, const char *extra_availability)
{
        _cleanup_free_ char *status = NULL;

        if (name)
                put_string(f, first, "name", name);
        if (unique_id)
                put_string(f, first, "unique_id", unique_id);

        put_key(f, first, "device");
        fputs("{\"identifiers\":[", f);
        json_write_string(f, dev->id);
        fputs("],\"name\":", f);
        json_write_string(f, dev->name);
        fputs(",\"manufacturer\":\"pinbus\",\"model\":", f);
        json_write_string(f, dev->model);
        if (dev->sw_version) {
                fputs(",\"sw_version\":", f);
                json_write_string(f, dev->sw_version);
        }
        fputc('}', f);

        put_key(f, first, "origin");
        fputs("{\"name\":\"pinbus-mqtt\",\"sw_version\":", f);
        json_write_string(f, PACKAGE_VERSION);
        fputc('}', f);

        put_key(f, first, "qos");
        fprintf(f, "%d", dev->qos);

        if (!with_availability)
                return 0;
        status = mqtt_status_topic(dev->base_topic);
        if (!status)
                return -ENOMEM;
        put_key(f, first, "availability");
        fputs("[{\"topic\":", f);
        json_write_string(f, status);
        fputc('}', f);
        if (extra_availability) {
                fputs(",{\"topic\":", f);
                json_write_string(f, extra_availability);
                fputc('}', f);
        }
        fputc(']', f);
        if (extra_availability)
                put_string(f, first, "availability_mode", "all");
        return 0;
}

/* "<prefix>/<component>/<device id>/<object id>/config" and "<device id>_<object id>". */
static int discovery_names(const DeviceInfo *dev, const char *prefix, const char *component, EntityKind kind,
                           const char *name, const char *suffix, char **ret_topic, char **ret_unique_id)
{
        _cleanup_free_ char *object = NULL, *object_id = NULL;

        if (asprintf(&object, "%s_%s%s%s", entity_kind_to_string(kind), name, suffix ? "_" : "",
                     strempty(suffix)) < 0)
                return -ENOMEM;
        object_id = mqtt_sanitize_id(object);
        if (!object_id)
                return -ENOMEM;
        if (asprintf(ret_topic, "%s/%s/%s/%s/config", prefix, component, dev->id, object_id) < 0)
                return -ENOMEM;
        if (asprintf(ret_unique_id, "%s_%s", dev->id, object_id) < 0) {
                *ret_topic = mfree(*ret_topic);
                return -ENOMEM;
        }
        return 0;
}

/* Writes "key":"<base>/<kind>/<name>/<leaf>". */
static int put_topic(FILE *f, bool *first, const DeviceInfo *dev, const char *key, EntityKind kind,
                     const char *name, const char *leaf)
{
        _cleanup_free_ char *t = mqtt_topic(dev->base_topic, kind, name, leaf);

        if (!t)
                return -ENOMEM;
        put_string(f, first, key, t);
        return 0;
}

static int finish(Builder *b, char *topic, Discovery *ret)
{
        char *payload = builder_close(b);

        if (!payload) {
                free(topic);
                return -ENOMEM;
        }
        ret->topic = topic;
        ret->payload = payload;
        return 0;
}

static int fail(Builder *b, char *topic)
{
        free(builder_close(b));
        free(topic);
        return -ENOMEM;
}

int mqtt_discovery_switch(const DeviceInfo *dev, const char *prefix, EntityKind kind, const char *name,
                          Discovery *ret)
{
        _cleanup_free_ char *unique_id = NULL;
        char *topic = NULL;
        bool first = true;
        Builder b;

        if (discovery_names(dev, prefix, "switch", kind, name, NULL, &topic, &unique_id) < 0)
                return -ENOMEM;
        if (builder_open(&b) < 0) {
                free(topic);
                return -ENOMEM;
        }
        fputc('{', b.f);
        if (put_common(b.f, &first, dev, name, unique_id, true, NULL) < 0 ||
            put_topic(b.f, &first, dev, "state_topic", kind, name, "state") < 0 ||
            put_topic(b.f, &first, dev, "command_topic", kind, name, "set") < 0)
                return fail(&b, topic);
        put_string(b.f, &first, "payload_on", "ON");
        put_string(b.f, &first, "payload_off", "OFF");
        put_string(b.f, &first, "state_on", "ON");
        put_string(b.f, &first, "state_off", "OFF");
        put_key(b.f, &first, "retain");
        fputs("false", b.f);
        fputc('}', b.f);
        return finish(&b, topic, ret);
}

typedef struct Quantity {
        const char *key;
        const char *device_class;
        const char *unit;
} Quantity;

/* The sensor quantities pinbusd publishes (Sensor.Values keys) and how Home Assistant names them. */
static const Quantity quantities[] = {
        { "temperature", "temperature", "°C" }, { "pressure", "pressure", "Pa" },
        { "humidity", "humidity", "%" },        { "illuminance", "illuminance", "lx" },
        { "voltage", "voltage", "V" },
};

const char *mqtt_sensor_quantity(size_t index)
{
        return index < ELEMENTSOF(quantities) ? quantities[index].key : NULL;
}

int mqtt_discovery_sensor(const DeviceInfo *dev, const char *prefix, const char *name, const char *quantity,
                          Discovery *ret)
{
        _cleanup_free_ char *unique_id = NULL, *entity_name = NULL, *availability = NULL, *tmpl = NULL;
        const Quantity *q = NULL;
        char *topic = NULL;
        bool first = true;
        Builder b;

        for (size_t i = 0; i < ELEMENTSOF(quantities); i++)
                if (streq(quantities[i].key, quantity))
                        q = &quantities[i];
        if (discovery_names(dev, prefix, "sensor", ENTITY_SENSOR, name, quantity, &topic, &unique_id) < 0)
                return -ENOMEM;
        if (asprintf(&entity_name, "%s %s", name, quantity) < 0 ||
            !(availability = mqtt_topic(dev->base_topic, ENTITY_SENSOR, name, "availability")) ||
            asprintf(&tmpl, "{{ value_json['%s'] }}", quantity) < 0 || builder_open(&b) < 0) {
                free(topic);
                return -ENOMEM;
        }
        fputc('{', b.f);
        if (put_common(b.f, &first, dev, entity_name, unique_id, true, availability) < 0 ||
            put_topic(b.f, &first, dev, "state_topic", ENTITY_SENSOR, name, "state") < 0)
                return fail(&b, topic);
        put_string(b.f, &first, "value_template", tmpl);
        if (q) {
                put_string(b.f, &first, "device_class", q->device_class);
                put_string(b.f, &first, "unit_of_measurement", q->unit);
        }
        put_string(b.f, &first, "state_class", "measurement");
        fputc('}', b.f);
        return finish(&b, topic, ret);
}

int mqtt_discovery_binary_sensor(const DeviceInfo *dev, const char *prefix, const char *name, Discovery *ret)
{
        _cleanup_free_ char *unique_id = NULL;
        char *topic = NULL;
        bool first = true;
        Builder b;

        if (discovery_names(dev, prefix, "binary_sensor", ENTITY_BUTTON, name, NULL, &topic, &unique_id) < 0)
                return -ENOMEM;
        if (builder_open(&b) < 0) {
                free(topic);
                return -ENOMEM;
        }
        fputc('{', b.f);
        if (put_common(b.f, &first, dev, name, unique_id, true, NULL) < 0 ||
            put_topic(b.f, &first, dev, "state_topic", ENTITY_BUTTON, name, "state") < 0)
                return fail(&b, topic);
        put_string(b.f, &first, "payload_on", "ON");
        put_string(b.f, &first, "payload_off", "OFF");
        fputc('}', b.f);
        return finish(&b, topic, ret);
}

typedef struct Trigger {
        const char *type;   /* Home Assistant's trigger type */
        const char *action; /* the event payload's "action" that fires it */
} Trigger;

static const Trigger triggers[] = {
        { "button_short_press", "single" },        { "button_double_press", "double" },
        { "button_triple_press", "triple" },       { "button_quadruple_press", "quadruple" },
        { "button_quintuple_press", "quintuple" }, { "button_long_press", "held" },
        { "button_short_release", "released" },    { "button_long_release", "long_release" },
};

size_t mqtt_button_trigger_count(void)
{
        return ELEMENTSOF(triggers);
}

int mqtt_discovery_trigger(const DeviceInfo *dev, const char *prefix, const char *name, size_t index,
                           Discovery *ret)
{
        _cleanup_free_ char *unique_id = NULL;
        char *topic = NULL;
        bool first = true;
        Builder b;

        if (index >= ELEMENTSOF(triggers))
                return -EINVAL;
        if (discovery_names(dev, prefix, "device_automation", ENTITY_BUTTON, name, triggers[index].type,
                            &topic, &unique_id) < 0)
                return -ENOMEM;
        if (builder_open(&b) < 0) {
                free(topic);
                return -ENOMEM;
        }
        fputc('{', b.f);
        put_string(b.f, &first, "automation_type", "trigger");
        if (put_topic(b.f, &first, dev, "topic", ENTITY_BUTTON, name, "event") < 0)
                return fail(&b, topic);
        put_string(b.f, &first, "type", triggers[index].type);
        put_string(b.f, &first, "subtype", name);
        put_string(b.f, &first, "payload", triggers[index].action);
        put_string(b.f, &first, "value_template", "{{ value_json.action }}");
        if (put_common(b.f, &first, dev, NULL, NULL, false, NULL) < 0)
                return fail(&b, topic);
        fputc('}', b.f);
        return finish(&b, topic, ret);
}

/* A time in seconds: a JSON number, or a duration string as the config file writes it. */
static int member_time(const JsonMember *m, uint64_t min, uint64_t max, uint64_t *ret,
                       const char **ret_error, const char *error)
{
        uint64_t us;

        if (m->type == JSON_NUMBER) {
                double x = m->number * (double)USEC_PER_SEC;

                if (!(x >= 0 && x < 1e18)) {
                        *ret_error = error;
                        return -EINVAL;
                }
                us = (uint64_t)llround(x);
        } else if (m->type == JSON_STRING) {
                if (pb_parse_duration_us(m->string, &us) < 0) {
                        *ret_error = error;
                        return -EINVAL;
                }
        } else {
                *ret_error = error;
                return -EINVAL;
        }
        if (us < min || us > max) {
                *ret_error = error;
                return -EINVAL;
        }
        *ret = us;
        return 0;
}

static int parse_state_word(const char *s, size_t n, Command *ret)
{
        if (n == 2 && strncasecmp(s, "ON", 2) == 0)
                *ret = (Command){ .kind = COMMAND_SET, .value = true };
        else if (n == 3 && strncasecmp(s, "OFF", 3) == 0)
                *ret = (Command){ .kind = COMMAND_SET, .value = false };
        else if (n == 6 && strncasecmp(s, "TOGGLE", 6) == 0)
                *ret = (Command){ .kind = COMMAND_TOGGLE };
        else
                return -EINVAL;
        return 0;
}

static int parse_json_command(const JsonObject *o, Command *ret, const char **ret_error)
{
        const JsonMember *action = json_object_get(o, "action"), *state = json_object_get(o, "state");
        static const char *const pulse_keys[] = { "action", "state", "duration" },
                                 *const blink_keys[] = { "action", "on", "off", "count" },
                                 *const set_keys[] = { "action", "state" };
        const char *const *allowed;
        size_t n_allowed;
        Command c = { 0 };

        if (action && action->type != JSON_STRING) {
                *ret_error = "\"action\" must be a string: set, toggle, pulse or blink";
                return -EINVAL;
        }
        if (state &&
            (state->type != JSON_STRING || parse_state_word(state->string, strlen(state->string), &c) < 0 ||
             c.kind != COMMAND_SET)) {
                *ret_error = "\"state\" must be \"ON\" or \"OFF\"";
                return -EINVAL;
        }

        if (!action || strcasecmp(action->string, "set") == 0) {
                if (!state) {
                        *ret_error = "a set command needs \"state\": \"ON\" or \"OFF\"";
                        return -EINVAL;
                }
                allowed = set_keys;
                n_allowed = ELEMENTSOF(set_keys);
        } else if (strcasecmp(action->string, "toggle") == 0) {
                if (state) {
                        *ret_error = "a toggle command takes no \"state\"";
                        return -EINVAL;
                }
                c.kind = COMMAND_TOGGLE;
                allowed = set_keys;
                n_allowed = 1;
        } else if (strcasecmp(action->string, "pulse") == 0) {
                const JsonMember *d = json_object_get(o, "duration");

                c.kind = COMMAND_PULSE;
                c.value = state ? c.value : true;
                if (!d) {
                        *ret_error = "a pulse command needs \"duration\" (seconds)";
                        return -EINVAL;
                }
                if (member_time(d, PULSE_MIN_US, TIME_MAX_US, &c.duration_us, ret_error,
                                "\"duration\" must be seconds (a number or \"500ms\"), 1 µs to 24 h") < 0)
                        return -EINVAL;
                allowed = pulse_keys;
                n_allowed = ELEMENTSOF(pulse_keys);
        } else if (strcasecmp(action->string, "blink") == 0) {
                const JsonMember *on = json_object_get(o, "on"), *off = json_object_get(o, "off"),
                                 *count = json_object_get(o, "count");

                if (state) {
                        *ret_error = "a blink command takes no \"state\"";
                        return -EINVAL;
                }
                c.kind = COMMAND_BLINK;
                if (!on || !off) {
                        *ret_error = "a blink command needs \"on\" and \"off\" (seconds)";
                        return -EINVAL;
                }
                if (member_time(on, BLINK_MIN_US, TIME_MAX_US, &c.on_us, ret_error,
                                "\"on\" must be seconds (a number or \"100ms\"), 1 ms to 24 h") < 0 ||
                    member_time(off, BLINK_MIN_US, TIME_MAX_US, &c.off_us, ret_error,
                                "\"off\" must be seconds (a number or \"100ms\"), 1 ms to 24 h") < 0)
                        return -EINVAL;
                if (count) {
                        if (count->type != JSON_NUMBER || count->number < 0 || count->number > UINT32_MAX ||
                            count->number != floor(count->number)) {
                                *ret_error =
                                        "\"count\" must be a whole number from 0 (forever) to 4294967295";
                                return -EINVAL;
                        }
                        c.count = (uint32_t)count->number;
                }
                allowed = blink_keys;
                n_allowed = ELEMENTSOF(blink_keys);
        } else {
                *ret_error = "unknown \"action\" (set, toggle, pulse or blink)";
                return -EINVAL;
        }

        for (size_t i = 0; i < o->n_members; i++) {
                bool known = false;

                for (size_t j = 0; j < n_allowed; j++)
                        known = known || streq(o->members[i].key, allowed[j]);
                if (!known) {
                        *ret_error = "unknown key for this action";
                        return -EINVAL;
                }
        }
        *ret = c;
        return 0;
}

int mqtt_parse_command(const char *payload, size_t len, Command *ret, const char **ret_error)
{
        JsonObject o;
        size_t start = 0, end = len;
        int r;

        /* An empty message carries no payload at all: payload may be NULL. */
        if (len == 0) {
                *ret_error = "empty payload";
                return -EINVAL;
        }
        if (len > MQTT_COMMAND_MAX) {
                *ret_error = "payload too long";
                return -EINVAL;
        }
        if (memchr(payload, '\0', len)) {
                *ret_error = "payload contains a NUL byte";
                return -EINVAL;
        }
        while (start < end && isspace((unsigned char)payload[start]))
                start++;
        while (end > start && isspace((unsigned char)payload[end - 1]))
                end--;
        if (start == end) {
                *ret_error = "empty payload";
                return -EINVAL;
        }
        if (payload[start] != '{') {
                if (parse_state_word(payload + start, end - start, ret) < 0) {
                        *ret_error = "expected ON, OFF, TOGGLE or a JSON object";
                        return -EINVAL;
                }
                return 0;
        }
        r = json_parse_object(payload + start, end - start, &o, ret_error);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                if (r == -E2BIG)
                        *ret_error = "too many keys";
                return -EINVAL;
        }
        r = parse_json_command(&o, ret, ret_error);
        json_object_done(&o);
        return r;
}

char *mqtt_printable(const char *payload, size_t len, size_t max)
{
        size_t n = len < max ? len : max;
        char *s = malloc(n * 4 + 4), *p = s;

        if (!s)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)payload[i];

                if (c >= 0x20 && c < 0x7f && c != '\\')
                        *p++ = (char)c;
                else
                        p += sprintf(p, "\\x%02x", c);
        }
        if (n < len)
                p = stpcpy(p, "...");
        *p = '\0';
        return s;
}
