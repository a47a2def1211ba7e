/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * inih parses; this file gives its handler line numbers by handing inih one
 * file line per reader call (so inih's own count, which it returns for a
 * syntax error, is the file's), strips '#' comments that follow a value, and
 * collects every error rather than the first.
 */

#include <ctype.h>
#include <ini.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "conf.h"
#include "util/duration.h"
#include "util/strv.h"

#define KEEPALIVE_MIN_US (5 * USEC_PER_SEC)
#define KEEPALIVE_MAX_US (65535 * USEC_PER_SEC)
#define RECONNECT_MIN_US (100 * USEC_PER_MSEC)
#define RECONNECT_MAX_US (3600 * USEC_PER_SEC)
#define QUEUE_SIZE_MAX   100000
#define TOPIC_MAX        200

typedef struct Parser {
        MqttConfig *config;
        const char *path;
        FILE *f;
        char ***errors;
        unsigned lineno; /* file line of the text the reader returned last */
        char *line;      /* getline() buffer */
        size_t line_size;
        char **seen; /* "section/key" pairs seen, to refuse repeats */
} Parser;

static void parser_error(Parser *p, unsigned lineno, const char *format, ...) _printf_(3, 4);

static void parser_error(Parser *p, unsigned lineno, const char *format, ...)
{
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        int r;

        if (strv_length(*p->errors) >= MQTT_CONFIG_ERRORS_MAX)
                return;
        va_start(ap, format);
        r = vasprintf(&msg, format, ap);
        va_end(ap);
        if (r < 0)
                return;
        if (lineno > 0)
                (void)strv_extendf(p->errors, "%s:%u: %s", p->path, lineno, msg);
        else
                (void)strv_extendf(p->errors, "%s: %s", p->path, msg);
}

/* inih's reader: one whole file line per call. A line longer than inih's buffer is reported
 * and replaced by an empty one, so inih's line count stays the file's. */
static char *parser_reader(char *str, int num, void *userdata)
{
        Parser *p = userdata;
        ssize_t n;

        n = getline(&p->line, &p->line_size, p->f);
        if (n < 0)
                return NULL;
        p->lineno++;
        if (n >= num) {
                parser_error(p, p->lineno, "line too long (at most %d characters)", num - 2);
                str[0] = '\n';
                str[1] = '\0';
                return str;
        }
        memcpy(str, p->line, (size_t)n + 1);
        return str;
}

void mqtt_config_done(MqttConfig *c)
{
        free(c->uri);
        free(c->host);
        free(c->ca_file);
        free(c->cert_file);
        free(c->key_file);
        free(c->username);
        free(c->password_file);
        free(c->client_id);
        free(c->base_topic);
        free(c->discovery_prefix);
        strv_free(c->outputs.names);
        strv_free(c->buttons.names);
        strv_free(c->sensors.names);
        strv_free(c->lines.names);
        *c = (MqttConfig){ 0 };
}

int mqtt_config_init(MqttConfig *c, const char *hostname)
{
        *c = (MqttConfig){
                .port = 1883,
                .qos = 1,
                .keepalive_us = 60 * USEC_PER_SEC,
                .reconnect_min_us = 1 * USEC_PER_SEC,
                .reconnect_max_us = 60 * USEC_PER_SEC,
                .queue_size = 100,
                .outputs.all = true,
                .buttons.all = true,
                .sensors.all = true,
                .discovery = true,
        };
        c->uri = strdup("mqtt://localhost");
        c->host = strdup("localhost");
        c->discovery_prefix = strdup("homeassistant");
        if (!c->uri || !c->host || !c->discovery_prefix ||
            asprintf(&c->client_id, "pinbus-%s", hostname) < 0 ||
            asprintf(&c->base_topic, "pinbus/%s", hostname) < 0) {
                c->client_id = c->base_topic = NULL;
                mqtt_config_done(c);
                return -ENOMEM;
        }
        return 0;
}

bool mqtt_selection_has(const MqttSelection *sel, const char *name)
{
        return sel->all || strv_contains(sel->names, name);
}

int mqtt_parse_uri(const char *uri, char **ret_host, unsigned *ret_port, bool *ret_tls,
                   const char **ret_error)
{
        const char *rest, *host_end, *port = NULL;
        _cleanup_free_ char *host = NULL;
        unsigned long portno;
        bool tls;
        char *end;

        if ((rest = startswith(uri, "mqtt://")))
                tls = false;
        else if ((rest = startswith(uri, "mqtts://")))
                tls = true;
        else {
                *ret_error = "the broker URI must start with mqtt:// or mqtts://";
                return -EINVAL;
        }
        if (rest[0] == '[') {
                host_end = strchr(rest, ']');
                if (!host_end) {
                        *ret_error = "unterminated '[' in the broker URI";
                        return -EINVAL;
                }
                host = strndup(rest + 1, (size_t)(host_end - rest - 1));
                host_end++;
        } else {
                host_end = rest + strcspn(rest, ":/");
                host = strndup(rest, (size_t)(host_end - rest));
        }
        if (!host)
                return -ENOMEM;
        if (isempty(host)) {
                *ret_error = "the broker URI has no host";
                return -EINVAL;
        }
        if (*host_end == ':')
                port = host_end + 1;
        else if (*host_end == '/' && host_end[1] == '\0')
                ; /* a trailing slash is harmless */
        else if (*host_end != '\0') {
                *ret_error = "the broker URI has something after the host that is not ':PORT'";
                return -EINVAL;
        }
        if (port) {
                errno = 0;
                portno = strtoul(port, &end, 10);
                if (!isdigit((unsigned char)port[0]) || errno != 0 || (*end != '\0' && !streq(end, "/")) ||
                    portno < 1 || portno > 65535) {
                        *ret_error = "the broker URI's port is not a number from 1 to 65535";
                        return -EINVAL;
                }
        } else
                portno = tls ? 8883 : 1883;

        *ret_host = TAKE_PTR(host);
        *ret_port = (unsigned)portno;
        *ret_tls = tls;
        return 0;
}

static int parse_bool(const char *v, bool *ret)
{
        static const char *const yes[] = { "yes", "true", "on", "1" }, *const no[] = { "no", "false", "off",
                                                                                       "0" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcasecmp(v, yes[i]) == 0) {
                        *ret = true;
                        return 0;
                }
                if (strcasecmp(v, no[i]) == 0) {
                        *ret = false;
                        return 0;
                }
        }
        return -EINVAL;
}

/* A topic prefix: not empty, no wildcards, no leading or trailing '/', no empty level. */
static const char *topic_prefix_error(const char *v)
{
        if (strlen(v) > TOPIC_MAX)
                return "is too long";
        if (strpbrk(v, "+#"))
                return "must not contain the MQTT wildcards '+' or '#'";
        if (v[0] == '/' || v[strlen(v) - 1] == '/' || strstr(v, "//"))
                return "must not start or end with '/' or contain an empty level ('//')";
        for (const char *s = v; *s; s++)
                if ((unsigned char)*s < 0x20 || *s == 0x7f)
                        return "must not contain control characters";
        return NULL;
}

static int set_string(char **field, const char *value)
{
        char *s = strdup(value);

        if (!s)
                return -ENOMEM;
        free(*field);
        *field = s;
        return 0;
}

static int parse_selection(Parser *p, MqttSelection *sel, const char *key, const char *value)
{
        _cleanup_strv_free_ char **names = NULL;
        const char *s = value;

        if (streq(value, "all")) {
                sel->all = true;
                strv_free(sel->names);
                sel->names = NULL;
                return 0;
        }
        if (streq(value, "none")) {
                sel->all = false;
                strv_free(sel->names);
                sel->names = NULL;
                return 0;
        }
        while (*s) {
                size_t n;

                s += strspn(s, " \t,");
                n = strcspn(s, " \t,");
                if (n == 0)
                        break;
                for (size_t i = 0; i < n; i++)
                        if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i])) {
                                parser_error(
                                        p, p->lineno,
                                        "'%s': '%.*s' is not a name (letters, digits, '-', '_' and '.'), "
                                        "'all' or 'none'",
                                        key, (int)n, s);
                                return 0;
                        }
                if (strv_extendf(&names, "%.*s", (int)n, s) < 0)
                        return -ENOMEM;
                s += n;
        }
        sel->all = false;
        strv_free(sel->names);
        sel->names = TAKE_PTR(names);
        return 0;
}

static int parse_duration_key(Parser *p, const char *key, const char *value, uint64_t min, uint64_t max,
                              uint64_t *ret)
{
        uint64_t us;

        if (pb_parse_duration_us(value, &us) < 0) {
                parser_error(p, p->lineno, "'%s': '%s' is not a duration (e.g. 30s, 500ms, 2min)", key,
                             value);
                return 0;
        }
        if (us < min || us > max) {
                parser_error(p, p->lineno, "'%s': %s is out of range (%llu ms to %llu s)", key, value,
                             (unsigned long long)(min / USEC_PER_MSEC),
                             (unsigned long long)(max / USEC_PER_SEC));
                return 0;
        }
        *ret = us;
        return 0;
}

static int parse_broker_key(Parser *p, const char *key, const char *value)
{
        MqttConfig *c = p->config;

        if (streq(key, "uri")) {
                _cleanup_free_ char *host = NULL;
                const char *error = NULL;
                unsigned port;
                bool tls;
                int r;

                r = mqtt_parse_uri(value, &host, &port, &tls, &error);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        parser_error(p, p->lineno, "'uri': '%s': %s", value, error);
                        return 0;
                }
                if (set_string(&c->uri, value) < 0)
                        return -ENOMEM;
                free(c->host);
                c->host = TAKE_PTR(host);
                c->port = port;
                c->tls = tls;
                return 0;
        }
        if (streq(key, "ca-file"))
                return set_string(&c->ca_file, value);
        if (streq(key, "cert-file"))
                return set_string(&c->cert_file, value);
        if (streq(key, "key-file"))
                return set_string(&c->key_file, value);
        if (streq(key, "username"))
                return set_string(&c->username, value);
        if (streq(key, "password-file"))
                return set_string(&c->password_file, value);
        if (streq(key, "client-id")) {
                if (strlen(value) > 128) {
                        parser_error(p, p->lineno, "'client-id' is too long (at most 128 characters)");
                        return 0;
                }
                return set_string(&c->client_id, value);
        }
        if (streq(key, "qos")) {
                if (!streq(value, "0") && !streq(value, "1") && !streq(value, "2")) {
                        parser_error(p, p->lineno, "'qos': '%s' is not 0, 1 or 2", value);
                        return 0;
                }
                c->qos = value[0] - '0';
                return 0;
        }
        if (streq(key, "keepalive"))
                return parse_duration_key(p, key, value, KEEPALIVE_MIN_US, KEEPALIVE_MAX_US,
                                          &c->keepalive_us);
        if (streq(key, "reconnect-min"))
                return parse_duration_key(p, key, value, RECONNECT_MIN_US, RECONNECT_MAX_US,
                                          &c->reconnect_min_us);
        if (streq(key, "reconnect-max"))
                return parse_duration_key(p, key, value, RECONNECT_MIN_US, RECONNECT_MAX_US,
                                          &c->reconnect_max_us);
        if (streq(key, "queue-size")) {
                unsigned long n;
                char *end;

                errno = 0;
                n = strtoul(value, &end, 10);
                if (!isdigit((unsigned char)value[0]) || errno != 0 || *end != '\0' || n > QUEUE_SIZE_MAX) {
                        parser_error(p, p->lineno, "'queue-size': '%s' is not a number from 0 to %d", value,
                                     QUEUE_SIZE_MAX);
                        return 0;
                }
                c->queue_size = (unsigned)n;
                return 0;
        }
        parser_error(p, p->lineno,
                     "unknown key '%s' in [broker] (known: uri, ca-file, cert-file, key-file, username, "
                     "password-file, client-id, qos, keepalive, reconnect-min, reconnect-max, queue-size)",
                     key);
        return 0;
}

static int parse_publish_key(Parser *p, const char *key, const char *value)
{
        MqttConfig *c = p->config;
        const char *error;

        if (streq(key, "base-topic")) {
                error = topic_prefix_error(value);
                if (error) {
                        parser_error(p, p->lineno, "'base-topic': '%s' %s", value, error);
                        return 0;
                }
                return set_string(&c->base_topic, value);
        }
        if (streq(key, "outputs"))
                return parse_selection(p, &c->outputs, key, value);
        if (streq(key, "buttons"))
                return parse_selection(p, &c->buttons, key, value);
        if (streq(key, "sensors"))
                return parse_selection(p, &c->sensors, key, value);
        if (streq(key, "lines"))
                return parse_selection(p, &c->lines, key, value);
        parser_error(p, p->lineno,
                     "unknown key '%s' in [publish] (known: base-topic, outputs, buttons, sensors, lines)",
                     key);
        return 0;
}

static int parse_homeassistant_key(Parser *p, const char *key, const char *value)
{
        MqttConfig *c = p->config;
        const char *error;

        if (streq(key, "discovery")) {
                if (parse_bool(value, &c->discovery) < 0)
                        parser_error(p, p->lineno, "'discovery': '%s' is not yes or no", value);
                return 0;
        }
        if (streq(key, "prefix")) {
                error = topic_prefix_error(value);
                if (error) {
                        parser_error(p, p->lineno, "'prefix': '%s' %s", value, error);
                        return 0;
                }
                return set_string(&c->discovery_prefix, value);
        }
        parser_error(p, p->lineno, "unknown key '%s' in [homeassistant] (known: discovery, prefix)", key);
        return 0;
}

/* Cuts a '#' comment that follows the value after a blank, and trailing blanks. */
static void strip_value(char *v)
{
        size_t n;

        for (char *s = v; *s; s++)
                if (*s == '#' && (s == v || s[-1] == ' ' || s[-1] == '\t')) {
                        *s = '\0';
                        break;
                }
        n = strlen(v);
        while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
                v[--n] = '\0';
}

static int parser_handler(void *userdata, const char *section, const char *key, const char *raw_value)
{
        Parser *p = userdata;
        _cleanup_free_ char *value = NULL, *id = NULL;
        int r;

        if (asprintf(&id, "%s/%s", section, key) < 0)
                return 0;
        if (strv_contains(p->seen, id)) {
                parser_error(p, p->lineno, "'%s' is given twice in [%s]", key, section);
                return 1;
        }
        if (strv_consume(&p->seen, TAKE_PTR(id)) < 0)
                return 0;

        value = strdup(raw_value);
        if (!value)
                return 0;
        strip_value(value);
        if (isempty(value)) {
                parser_error(p, p->lineno, "'%s' needs a value", key);
                return 1;
        }

        if (isempty(section)) {
                parser_error(p, p->lineno, "key '%s' is outside of any section", key);
                return 1;
        }
        if (streq(section, "broker"))
                r = parse_broker_key(p, key, value);
        else if (streq(section, "publish"))
                r = parse_publish_key(p, key, value);
        else if (streq(section, "homeassistant"))
                r = parse_homeassistant_key(p, key, value);
        else {
                parser_error(p, p->lineno,
                             "unknown section [%s] (known: [broker], [publish], [homeassistant])", section);
                r = 0;
        }
        return r < 0 ? 0 : 1;
}

/* Checks that go across keys, once the whole file is read. */
static void parser_validate(Parser *p)
{
        MqttConfig *c = p->config;

        if (!!c->cert_file != !!c->key_file)
                parser_error(p, 0,
                             "[broker] needs both 'cert-file' and 'key-file' for a client certificate");
        if ((c->cert_file || c->key_file || c->ca_file) && !c->tls)
                parser_error(p, 0, "[broker] 'ca-file', 'cert-file' and 'key-file' need an mqtts:// uri");
        if (c->password_file && !c->username)
                parser_error(p, 0,
                             "[broker] 'password-file' needs a 'username' (MQTT sends no password alone)");
        if (c->reconnect_min_us > c->reconnect_max_us)
                parser_error(p, 0, "[broker] 'reconnect-min' is above 'reconnect-max'");
}

static int parse_stream(MqttConfig *c, const char *path, FILE *f, char ***errors)
{
        size_t n_before = strv_length(*errors);
        Parser p = {
                .config = c,
                .path = path,
                .f = f,
                .errors = errors,
        };
        int r;

        r = ini_parse_stream(parser_reader, &p, parser_handler, &p);
        free(p.line);
        strv_free(p.seen);
        if (r == -2)
                return -ENOMEM;
        if (r > 0)
                parser_error(&p, (unsigned)r,
                             "syntax error: expected '[section]', 'key = value' or a comment");
        if (ferror(f))
                parser_error(&p, 0, "read error");
        parser_validate(&p);
        return strv_length(*errors) > n_before ? -EINVAL : 0;
}

int mqtt_config_parse_file(MqttConfig *c, const char *path, char ***errors)
{
        _cleanup_fclose_ FILE *f = NULL;
        struct stat st;
        int r;

        f = fopen(path, "re");
        if (!f) {
                r = -errno;
                (void)strv_extendf(errors, "%s: cannot open: %s", path, strerror(-r));
                return r;
        }
        if (fstat(fileno(f), &st) < 0 || S_ISDIR(st.st_mode)) {
                (void)strv_extendf(errors, "%s: cannot read: %s", path, strerror(EISDIR));
                return -EISDIR;
        }
        return parse_stream(c, path, f, errors);
}

int mqtt_config_parse_string(MqttConfig *c, const char *path, const char *text, char ***errors)
{
        _cleanup_fclose_ FILE *f = NULL;

        f = fmemopen((void *)text, strlen(text), "r");
        if (!f)
                return -errno;
        return parse_stream(c, path, f, errors);
}

int mqtt_read_password_file(const char *path, char **ret)
{
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        ssize_t n;

        f = fopen(path, "re");
        if (!f)
                return -errno;
        errno = 0;
        n = getline(&line, &size, f);
        if (n < 0)
                return errno ? -errno : -EINVAL;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                line[--n] = '\0';
        if (n == 0)
                return -EINVAL;
        *ret = TAKE_PTR(line);
        return 0;
}
