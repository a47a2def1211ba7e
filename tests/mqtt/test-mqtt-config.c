/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* pinbus-mqtt's configuration (mqtt/src/conf.h): defaults, every key, and file:line errors. */

#include "conf.h"
#include "test-util.h"
#include "util/strv.h"

/* Parses text as "mqtt.conf"; returns the result, the config in *c and the errors in *errors
 * (both freed by the caller through done()). */
static int parse(const char *text, MqttConfig *c, char ***errors)
{
        *errors = NULL;
        ck_assert_int_eq(mqtt_config_init(c, "pi"), 0);
        return mqtt_config_parse_string(c, "mqtt.conf", text, errors);
}

static void done(MqttConfig *c, char **errors)
{
        mqtt_config_done(c);
        strv_free(errors);
}

/* Expects text to fail with exactly one error, equal to expected. */
static void expect_error(const char *text, const char *expected)
{
        MqttConfig c;
        char **errors;

        ck_assert_int_eq(parse(text, &c, &errors), -EINVAL);
        ck_assert_msg(strv_length(errors) == 1, "expected one error for %s, got %zu (first: %s)", text,
                      strv_length(errors), errors ? errors[0] : "none");
        ck_assert_str_eq(errors[0], expected);
        done(&c, errors);
}

START_TEST(test_defaults)
{
        MqttConfig c;
        char **errors;

        ck_assert_int_eq(parse("", &c, &errors), 0);
        ck_assert_ptr_null(errors);
        ck_assert_str_eq(c.host, "localhost");
        ck_assert_uint_eq(c.port, 1883);
        ck_assert(!c.tls);
        ck_assert_str_eq(c.client_id, "pinbus-pi");
        ck_assert_str_eq(c.base_topic, "pinbus/pi");
        ck_assert_str_eq(c.discovery_prefix, "homeassistant");
        ck_assert(c.discovery);
        ck_assert_int_eq(c.qos, 1);
        ck_assert_uint_eq(c.keepalive_us, 60000000);
        ck_assert_uint_eq(c.reconnect_min_us, 1000000);
        ck_assert_uint_eq(c.reconnect_max_us, 60000000);
        ck_assert_uint_eq(c.queue_size, 100);
        ck_assert(mqtt_selection_has(&c.outputs, "anything"));
        ck_assert(mqtt_selection_has(&c.buttons, "anything"));
        ck_assert(mqtt_selection_has(&c.sensors, "anything"));
        ck_assert(!mqtt_selection_has(&c.lines, "GPIO17"));
        done(&c, errors);
}
END_TEST

START_TEST(test_every_key)
{
        MqttConfig c;
        char **errors;

        ck_assert_int_eq(parse("# a comment\n"
                               "[broker]\n"
                               "uri = mqtts://broker.lan:8884   # TLS\n"
                               "ca-file = /etc/ssl/ca.pem\n"
                               "cert-file = /etc/pinbus/client.pem\n"
                               "key-file = /etc/pinbus/client.key\n"
                               "username = pi\n"
                               "password-file = /etc/pinbus/mqtt.password\n"
                               "client-id = kitchen\n"
                               "qos = 2\n"
                               "keepalive = 30s\n"
                               "reconnect-min = 500ms\n"
                               "reconnect-max = 2min\n"
                               "queue-size = 7\n"
                               "\n"
                               "[publish]\n"
                               "base-topic = house/kitchen\n"
                               "outputs = porch, led\n"
                               "buttons = none\n"
                               "sensors = all\n"
                               "lines = GPIO22 GPIO23\n"
                               "[homeassistant]\n"
                               "discovery = no\n"
                               "prefix = ha\n",
                               &c, &errors),
                         0);
        ck_assert_str_eq(c.host, "broker.lan");
        ck_assert_uint_eq(c.port, 8884);
        ck_assert(c.tls);
        ck_assert_str_eq(c.ca_file, "/etc/ssl/ca.pem");
        ck_assert_str_eq(c.cert_file, "/etc/pinbus/client.pem");
        ck_assert_str_eq(c.key_file, "/etc/pinbus/client.key");
        ck_assert_str_eq(c.username, "pi");
        ck_assert_str_eq(c.password_file, "/etc/pinbus/mqtt.password");
        ck_assert_str_eq(c.client_id, "kitchen");
        ck_assert_int_eq(c.qos, 2);
        ck_assert_uint_eq(c.keepalive_us, 30000000);
        ck_assert_uint_eq(c.reconnect_min_us, 500000);
        ck_assert_uint_eq(c.reconnect_max_us, 120000000);
        ck_assert_uint_eq(c.queue_size, 7);
        ck_assert_str_eq(c.base_topic, "house/kitchen");
        ck_assert(mqtt_selection_has(&c.outputs, "porch"));
        ck_assert(mqtt_selection_has(&c.outputs, "led"));
        ck_assert(!mqtt_selection_has(&c.outputs, "relay"));
        ck_assert(!mqtt_selection_has(&c.buttons, "doorbell"));
        ck_assert(mqtt_selection_has(&c.sensors, "room"));
        ck_assert(mqtt_selection_has(&c.lines, "GPIO23"));
        ck_assert(!mqtt_selection_has(&c.lines, "GPIO2"));
        ck_assert(!c.discovery);
        ck_assert_str_eq(c.discovery_prefix, "ha");
        done(&c, errors);
}
END_TEST

START_TEST(test_uri)
{
        static const struct {
                const char *uri;
                const char *host;
                unsigned port;
                bool tls;
        } good[] = {
                { "mqtt://localhost", "localhost", 1883, false },
                { "mqtts://localhost", "localhost", 8883, true },
                { "mqtt://10.0.0.2:1884", "10.0.0.2", 1884, false },
                { "mqtt://[::1]:1885", "::1", 1885, false },
                { "mqtt://host/", "host", 1883, false },
        };
        static const char *const bad[] = {
                "http://host",     "mqtt://",     "mqtt://host:0",    "mqtt://host:65536",
                "mqtt://host:12x", "mqtt://[::1", "mqtt://host/path",
        };

        for (size_t i = 0; i < ELEMENTSOF_T(good); i++) {
                char *host = NULL;
                const char *error = NULL;
                unsigned port;
                bool tls;

                ck_assert_int_eq(mqtt_parse_uri(good[i].uri, &host, &port, &tls, &error), 0);
                ck_assert_str_eq(host, good[i].host);
                ck_assert_uint_eq(port, good[i].port);
                ck_assert_int_eq(tls, good[i].tls);
                free(host);
        }
        for (size_t i = 0; i < ELEMENTSOF_T(bad); i++) {
                char *host = NULL;
                const char *error = NULL;
                unsigned port;
                bool tls;

                ck_assert_msg(mqtt_parse_uri(bad[i], &host, &port, &tls, &error) == -EINVAL, "%s accepted",
                              bad[i]);
                ck_assert_ptr_nonnull(error);
                ck_assert_ptr_null(host);
        }
}
END_TEST

START_TEST(test_errors_name_file_and_line)
{
        expect_error("[broker]\nqos = 3\n", "mqtt.conf:2: 'qos': '3' is not 0, 1 or 2");
        expect_error("\n[broker]\nuri = http://x\n",
                     "mqtt.conf:3: 'uri': 'http://x': the broker URI must start with mqtt:// or mqtts://");
        expect_error(
                "[broker]\nbogus = 1\n",
                "mqtt.conf:2: unknown key 'bogus' in [broker] (known: uri, ca-file, cert-file, key-file, "
                "username, password-file, client-id, qos, keepalive, reconnect-min, reconnect-max, "
                "queue-size)");
        expect_error("[gpio]\nx = 1\n",
                     "mqtt.conf:2: unknown section [gpio] (known: [broker], [publish], [homeassistant])");
        expect_error("[broker]\nkeepalive = soon\n",
                     "mqtt.conf:2: 'keepalive': 'soon' is not a duration (e.g. 30s, 500ms, 2min)");
        expect_error("[broker]\nkeepalive = 1s\n",
                     "mqtt.conf:2: 'keepalive': 1s is out of range (5000 ms to 65535 s)");
        expect_error("[broker]\nqos = 1\nqos = 0\n", "mqtt.conf:3: 'qos' is given twice in [broker]");
        expect_error("[broker]\nqos =\n", "mqtt.conf:2: 'qos' needs a value");
        expect_error("[broker]\nqueue-size = -1\n",
                     "mqtt.conf:2: 'queue-size': '-1' is not a number from 0 to 100000");
        expect_error("[publish]\nbase-topic = a/+/b\n",
                     "mqtt.conf:2: 'base-topic': 'a/+/b' must not contain the MQTT wildcards '+' or '#'");
        expect_error(
                "[publish]\nbase-topic = a/b/\n",
                "mqtt.conf:2: 'base-topic': 'a/b/' must not start or end with '/' or contain an empty level "
                "('//')");
        expect_error("[publish]\noutputs = porch li*ght\n", "mqtt.conf:2: 'outputs': 'li*ght' is not a name "
                                                            "(letters, digits, '-', '_' and '.'), 'all' or "
                                                            "'none'");
        expect_error("[homeassistant]\ndiscovery = maybe\n",
                     "mqtt.conf:2: 'discovery': 'maybe' is not yes or no");
        expect_error("[broker]\nthis line has no equals sign\n",
                     "mqtt.conf:2: syntax error: expected '[section]', 'key = value' or a comment");
        expect_error("qos = 1\n", "mqtt.conf:1: key 'qos' is outside of any section");
        expect_error("[broker]\nusername = pi\ncert-file = /c.pem\nuri = mqtts://h\n",
                     "mqtt.conf: [broker] needs both 'cert-file' and 'key-file' for a client certificate");
        expect_error("[broker]\nca-file = /ca.pem\n",
                     "mqtt.conf: [broker] 'ca-file', 'cert-file' and 'key-file' need an mqtts:// uri");
        expect_error(
                "[broker]\npassword-file = /p\n",
                "mqtt.conf: [broker] 'password-file' needs a 'username' (MQTT sends no password alone)");
        expect_error("[broker]\nreconnect-min = 10s\nreconnect-max = 5s\n",
                     "mqtt.conf: [broker] 'reconnect-min' is above 'reconnect-max'");
}
END_TEST

START_TEST(test_every_error_reported)
{
        MqttConfig c;
        char **errors;

        ck_assert_int_eq(parse("[broker]\nqos = 9\nkeepalive = x\n[publish]\nbase-topic = #\n", &c, &errors),
                         -EINVAL);
        ck_assert_uint_eq(strv_length(errors), 3);
        ck_assert(strncmp(errors[0], "mqtt.conf:2: ", 13) == 0);
        ck_assert(strncmp(errors[1], "mqtt.conf:3: ", 13) == 0);
        ck_assert(strncmp(errors[2], "mqtt.conf:5: ", 13) == 0);
        done(&c, errors);
}
END_TEST

START_TEST(test_long_line)
{
        char text[2000];
        MqttConfig c;
        char **errors;

        memset(text, 'x', sizeof(text));
        memcpy(text, "[broker]\nusername = ", 20);
        text[sizeof(text) - 1] = '\0';
        ck_assert_int_eq(parse(text, &c, &errors), -EINVAL);
        ck_assert_uint_ge(strv_length(errors), 1);
        ck_assert_msg(strstr(errors[0], "mqtt.conf:2: line too long"), "%s", errors[0]);
        done(&c, errors);
}
END_TEST

START_TEST(test_missing_file)
{
        MqttConfig c;
        char **errors = NULL;

        ck_assert_int_eq(mqtt_config_init(&c, "pi"), 0);
        ck_assert_int_eq(mqtt_config_parse_file(&c, "/nonexistent/mqtt.conf", &errors), -ENOENT);
        ck_assert_str_eq(errors[0], "/nonexistent/mqtt.conf: cannot open: No such file or directory");
        done(&c, errors);
}
END_TEST

START_TEST(test_password_file)
{
        char *dir = t_mkdtemp(), *path = t_fmt("%s/password", dir), *pw = NULL;

        t_write_file(path, "s3cret\nignored\n");
        ck_assert_int_eq(mqtt_read_password_file(path, &pw), 0);
        ck_assert_str_eq(pw, "s3cret");
        free(pw);
        t_write_file(path, "\n");
        ck_assert_int_eq(mqtt_read_password_file(path, &pw), -EINVAL);
        t_write_file(path, "");
        ck_assert_int_eq(mqtt_read_password_file(path, &pw), -EINVAL);
        ck_assert_int_eq(mqtt_read_password_file("/nonexistent/pw", &pw), -ENOENT);
        t_run_deferred();
        t_rm_rf(dir);
        free(dir);
}
END_TEST

static Suite *config_suite(void)
{
        Suite *s = suite_create("mqtt-config");
        TCase *tc = tcase_create("config");

        tcase_add_test(tc, test_defaults);
        tcase_add_test(tc, test_every_key);
        tcase_add_test(tc, test_uri);
        tcase_add_test(tc, test_errors_name_file_and_line);
        tcase_add_test(tc, test_every_error_reported);
        tcase_add_test(tc, test_long_line);
        tcase_add_test(tc, test_missing_file);
        tcase_add_test(tc, test_password_file);
        suite_add_tcase(s, tc);
        return s;
}

int main(void)
{
        return t_run_suite(config_suite());
}
