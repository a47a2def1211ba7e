/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* pinbus-mqtt's topics and payloads (mqtt/src/format.h) and its JSON reader (mqtt/src/json.h). */

#include <math.h>

#include "format.h"
#include "json.h"
#include "test-util.h"

static const DeviceInfo dev = {
        .id = "kitchen",
        .name = "kitchen-pi",
        .model = "pinbus simulator",
        .sw_version = "0.1.0",
        .base_topic = "pinbus/kitchen",
        .qos = 1,
};

START_TEST(test_topics)
{
        char *t;

        t = mqtt_topic("pinbus/pi", ENTITY_OUTPUT, "porch", "set");
        ck_assert_str_eq(t, "pinbus/pi/output/porch/set");
        free(t);
        t = mqtt_topic("a", ENTITY_SENSOR, "room", "state");
        ck_assert_str_eq(t, "a/sensor/room/state");
        free(t);
        t = mqtt_status_topic("pinbus/pi");
        ck_assert_str_eq(t, "pinbus/pi/status");
        free(t);
        t = mqtt_sanitize_id("porch.light-2_x/y z");
        ck_assert_str_eq(t, "porch_light-2_x_y_z");
        free(t);
        t = mqtt_sanitize_id("");
        ck_assert_str_eq(t, "_");
        free(t);
}
END_TEST

START_TEST(test_sensor_state)
{
        char *keys[] = { "temperature", "pressure", "humidity", NULL };
        double values[] = { 23.72, 100942.6953125, 65.3, NAN };
        char *s;

        s = mqtt_format_sensor_state(keys, values, 3, 1765053715123456ULL);
        ck_assert_str_eq(s, "{\"temperature\":23.72,\"pressure\":100942.6953125,\"humidity\":65.3,"
                            "\"timestamp\":\"2025-12-06T20:41:55.123456Z\"}");
        free(s);
        /* No timestamp before the first sample; NaN cannot be JSON. */
        keys[0] = "voltage";
        s = mqtt_format_sensor_state(keys, values + 3, 1, 0);
        ck_assert_str_eq(s, "{\"voltage\":null}");
        free(s);
        s = mqtt_format_sensor_state(NULL, NULL, 0, 0);
        ck_assert_str_eq(s, "{}");
        free(s);
}
END_TEST

START_TEST(test_button_events)
{
        static const struct {
                ButtonEvent event;
                uint64_t arg;
                bool was_held;
                const char *expected;
        } cases[] = {
                { BUTTON_PRESSED, 0, false,
                  "{\"event\":\"pressed\",\"action\":\"pressed\",\"timestamp_ns\":42}" },
                { BUTTON_RELEASED, 1500, false,
                  "{\"event\":\"released\",\"action\":\"released\",\"duration_us\":1500,\"timestamp_ns\":"
                  "42}" },
                { BUTTON_RELEASED, 1500000, true,
                  "{\"event\":\"released\",\"action\":\"long_release\",\"duration_us\":1500000,\"timestamp_"
                  "ns\":42}" },
                { BUTTON_HELD, 2, false,
                  "{\"event\":\"held\",\"action\":\"held\",\"repeat\":2,\"timestamp_ns\":42}" },
                { BUTTON_CLICKED, 1, false, "{\"event\":\"clicked\",\"action\":\"single\",\"count\":1}" },
                { BUTTON_CLICKED, 2, false, "{\"event\":\"clicked\",\"action\":\"double\",\"count\":2}" },
                { BUTTON_CLICKED, 5, false, "{\"event\":\"clicked\",\"action\":\"quintuple\",\"count\":5}" },
                { BUTTON_CLICKED, 7, false, "{\"event\":\"clicked\",\"action\":\"clicks_7\",\"count\":7}" },
        };

        for (size_t i = 0; i < ELEMENTSOF_T(cases); i++) {
                char *s = mqtt_format_button_event(cases[i].event, 42, cases[i].arg, cases[i].was_held);

                ck_assert_str_eq(s, cases[i].expected);
                free(s);
        }
}
END_TEST

START_TEST(test_discovery)
{
        static const char trigger_start[] =
                "{\"automation_type\":\"trigger\",\"topic\":\"pinbus/kitchen/button/doorbell/event\","
                "\"type\":\"button_double_press\",\"subtype\":\"doorbell\",\"payload\":\"double\","
                "\"value_template\":\"{{ value_json.action }}\",\"device\":";
        Discovery d = { 0 };

        ck_assert_int_eq(mqtt_discovery_switch(&dev, "homeassistant", ENTITY_OUTPUT, "porch.light", &d), 0);
        ck_assert_str_eq(d.topic, "homeassistant/switch/kitchen/output_porch_light/config");
        ck_assert_str_eq(
                d.payload,
                "{\"name\":\"porch.light\",\"unique_id\":\"kitchen_output_porch_light\","
                "\"device\":{\"identifiers\":[\"kitchen\"],\"name\":\"kitchen-pi\",\"manufacturer\":"
                "\"pinbus\",\"model\":\"pinbus simulator\",\"sw_version\":\"0.1.0\"},"
                "\"origin\":{\"name\":\"pinbus-mqtt\",\"sw_version\":\"" PACKAGE_VERSION "\"},"
                "\"qos\":1,\"availability\":[{\"topic\":\"pinbus/kitchen/status\"}],"
                "\"state_topic\":\"pinbus/kitchen/output/porch.light/state\","
                "\"command_topic\":\"pinbus/kitchen/output/porch.light/set\","
                "\"payload_on\":\"ON\",\"payload_off\":\"OFF\",\"state_on\":\"ON\",\"state_off\":\"OFF\","
                "\"retain\":false}");
        discovery_done(&d);

        ck_assert_int_eq(mqtt_discovery_sensor(&dev, "ha", "room", "pressure", &d), 0);
        ck_assert_str_eq(d.topic, "ha/sensor/kitchen/sensor_room_pressure/config");
        ck_assert(strstr(d.payload, "\"unique_id\":\"kitchen_sensor_room_pressure\""));
        ck_assert(strstr(d.payload,
                         "\"availability\":[{\"topic\":\"pinbus/kitchen/status\"},{\"topic\":"
                         "\"pinbus/kitchen/sensor/room/availability\"}],\"availability_mode\":\"all\""));
        ck_assert(strstr(d.payload,
                         "\"state_topic\":\"pinbus/kitchen/sensor/room/state\","
                         "\"value_template\":\"{{ value_json['pressure'] }}\",\"device_class\":"
                         "\"pressure\",\"unit_of_measurement\":\"Pa\",\"state_class\":\"measurement\"}"));
        discovery_done(&d);

        /* A quantity Home Assistant has no class for: no device_class, no unit. */
        ck_assert_int_eq(mqtt_discovery_sensor(&dev, "ha", "room", "co2", &d), 0);
        ck_assert(!strstr(d.payload, "device_class"));
        ck_assert(!strstr(d.payload, "unit_of_measurement"));
        discovery_done(&d);

        ck_assert_int_eq(mqtt_discovery_binary_sensor(&dev, "ha", "doorbell", &d), 0);
        ck_assert_str_eq(d.topic, "ha/binary_sensor/kitchen/button_doorbell/config");
        ck_assert(strstr(d.payload, "\"state_topic\":\"pinbus/kitchen/button/doorbell/state\","
                                    "\"payload_on\":\"ON\",\"payload_off\":\"OFF\"}"));
        discovery_done(&d);

        ck_assert_uint_eq(mqtt_button_trigger_count(), 8);
        ck_assert_int_eq(mqtt_discovery_trigger(&dev, "ha", "doorbell", 1, &d), 0);
        ck_assert_str_eq(d.topic, "ha/device_automation/kitchen/button_doorbell_button_double_press/config");
        ck_assert_msg(strncmp(d.payload, trigger_start, strlen(trigger_start)) == 0, "%s", d.payload);
        ck_assert(!strstr(d.payload, "availability"));
        discovery_done(&d);
        ck_assert_int_eq(mqtt_discovery_trigger(&dev, "ha", "doorbell", 8, &d), -EINVAL);
}
END_TEST

static void expect_command(const char *payload, Command expected)
{
        const char *error = NULL;
        Command c;

        ck_assert_msg(mqtt_parse_command(payload, strlen(payload), &c, &error) == 0, "%s refused: %s",
                      payload, error);
        ck_assert_int_eq(c.kind, expected.kind);
        ck_assert_int_eq(c.value, expected.value);
        ck_assert_uint_eq(c.duration_us, expected.duration_us);
        ck_assert_uint_eq(c.on_us, expected.on_us);
        ck_assert_uint_eq(c.off_us, expected.off_us);
        ck_assert_uint_eq(c.count, expected.count);
}

static void expect_bad_command(const char *payload, size_t len, const char *error_part)
{
        const char *error = NULL;
        Command c;

        ck_assert_msg(mqtt_parse_command(payload, len, &c, &error) == -EINVAL, "%s accepted",
                      payload ? payload : "(null)");
        ck_assert_msg(error && strstr(error, error_part), "%s: error '%s' should mention '%s'",
                      payload ? payload : "(null)", error ? error : "(none)", error_part);
}

START_TEST(test_commands)
{
        expect_command("ON", (Command){ .kind = COMMAND_SET, .value = true });
        expect_command(" off\n", (Command){ .kind = COMMAND_SET, .value = false });
        expect_command("Toggle", (Command){ .kind = COMMAND_TOGGLE });
        expect_command("{\"state\":\"ON\"}", (Command){ .kind = COMMAND_SET, .value = true });
        expect_command("{\"action\":\"set\",\"state\":\"off\"}", (Command){ .kind = COMMAND_SET });
        expect_command("{\"action\":\"toggle\"}", (Command){ .kind = COMMAND_TOGGLE });
        expect_command("{\"action\":\"pulse\",\"duration\":0.5}",
                       (Command){ .kind = COMMAND_PULSE, .value = true, .duration_us = 500000 });
        expect_command("{ \"action\" : \"pulse\", \"duration\": \"20ms\", \"state\": \"OFF\" }",
                       (Command){ .kind = COMMAND_PULSE, .value = false, .duration_us = 20000 });
        expect_command("{\"action\":\"blink\",\"on\":0.1,\"off\":9e-1,\"count\":5}",
                       (Command){ .kind = COMMAND_BLINK, .on_us = 100000, .off_us = 900000, .count = 5 });
        expect_command("{\"action\":\"blink\",\"on\":\"1s\",\"off\":\"1s\"}",
                       (Command){ .kind = COMMAND_BLINK, .on_us = 1000000, .off_us = 1000000 });
}
END_TEST

START_TEST(test_bad_commands)
{
        expect_bad_command("", 0, "empty");
        expect_bad_command(NULL, 0, "empty"); /* an empty MQTT message has no payload */
        expect_bad_command(" \t", 2, "empty");
        expect_bad_command("ONN", 3, "expected ON, OFF, TOGGLE");
        expect_bad_command("O\0N", 3, "NUL");
        expect_bad_command("{", 1, "expected a string");
        expect_bad_command("{\"state\":\"ON\"", 13, "expected ','");
        expect_bad_command("{\"state\":\"ON\"} x", 16, "text after");
        expect_bad_command("{\"state\":\"MAYBE\"}", 17, "\"state\" must be");
        expect_bad_command("{\"action\":\"explode\"}", 20, "unknown \"action\"");
        expect_bad_command("{\"action\":1}", 12, "must be a string");
        expect_bad_command("{\"action\":\"pulse\"}", 18, "needs \"duration\"");
        expect_bad_command("{\"action\":\"pulse\",\"duration\":-1}", 32, "\"duration\" must be");
        expect_bad_command("{\"action\":\"pulse\",\"duration\":100000}", 36, "\"duration\" must be");
        expect_bad_command("{\"action\":\"blink\",\"on\":0.0001,\"off\":1}", 38, "\"on\" must be");
        expect_bad_command("{\"action\":\"blink\",\"on\":1}", 25, "needs \"on\" and \"off\"");
        expect_bad_command("{\"action\":\"blink\",\"on\":1,\"off\":1,\"count\":1.5}", 45, "\"count\"");
        expect_bad_command("{\"action\":\"toggle\",\"state\":\"ON\"}", 32, "takes no");
        expect_bad_command("{\"state\":\"ON\",\"colour\":\"red\"}", 29, "unknown key");
        expect_bad_command("{\"state\":\"ON\",\"state\":\"ON\"}", 27, "repeated key");
        expect_bad_command("{\"state\":{\"x\":1}}", 17, "nested");
        expect_bad_command("{\"state\":\"\\u0000\"}", 18, "bad \\u escape");
        expect_bad_command("{\"state\":01}", 12, "expected ','");
}
END_TEST

START_TEST(test_json_reader)
{
        const char *text =
                "{\"a\":\"x\\\"\\u00e9\\ud83d\\ude00\",\"b\":-1.5e2,\"c\":true,\"d\":null,\"e\":false}";
        const char *error = NULL;
        JsonObject o;

        ck_assert_int_eq(json_parse_object(text, strlen(text), &o, &error), 0);
        ck_assert_uint_eq(o.n_members, 5);
        ck_assert_str_eq(json_object_get(&o, "a")->string, "x\"\xc3\xa9\xf0\x9f\x98\x80");
        ck_assert(json_object_get(&o, "b")->number == -150.0);
        ck_assert(json_object_get(&o, "c")->boolean);
        ck_assert_int_eq(json_object_get(&o, "d")->type, JSON_NULL);
        ck_assert(!json_object_get(&o, "e")->boolean);
        ck_assert_ptr_null(json_object_get(&o, "f"));
        json_object_done(&o);

        text = "{\"1\":1,\"2\":2,\"3\":3,\"4\":4,\"5\":5,\"6\":6,\"7\":7,\"8\":8,\"9\":9,\"10\":0,\"11\":1,"
               "\"12\":2,"
               "\"13\":3,\"14\":4,\"15\":5,\"16\":6,\"17\":7}";
        ck_assert_int_eq(json_parse_object(text, strlen(text), &o, &error), -E2BIG);
        ck_assert_uint_eq(o.n_members, 0);
}
END_TEST

START_TEST(test_printable)
{
        char *s = mqtt_printable("ab\n\\\xff", 5, 100);

        ck_assert_str_eq(s, "ab\\x0a\\x5c\\xff");
        free(s);
        s = mqtt_printable("abcdef", 6, 3);
        ck_assert_str_eq(s, "abc...");
        free(s);
}
END_TEST

static Suite *format_suite(void)
{
        Suite *s = suite_create("mqtt-format");
        TCase *tc = tcase_create("format");

        tcase_add_test(tc, test_topics);
        tcase_add_test(tc, test_sensor_state);
        tcase_add_test(tc, test_button_events);
        tcase_add_test(tc, test_discovery);
        tcase_add_test(tc, test_commands);
        tcase_add_test(tc, test_bad_commands);
        tcase_add_test(tc, test_json_reader);
        tcase_add_test(tc, test_printable);
        suite_add_tcase(s, tc);
        return s;
}

int main(void)
{
        return t_run_suite(format_suite());
}
