# SPDX-License-Identifier: LGPL-2.1-or-later
"""Home Assistant MQTT discovery: the retained configs, checked against the schema Home
Assistant documents for each component (required and known keys, device classes and their
units), stable unique ids, republishing on homeassistant/status, and removal of entities whose
section left the configuration."""

import json

import pytest
from conftest import BASE, CLIENT_ID, DEMO_CONFIG, PREFIX, wait_until

# Keys Home Assistant's MQTT integration documents for each component (the subset that
# applies; anything else pinbus-mqtt sent would be a typo HA rejects).
COMMON = {"name", "unique_id", "device", "origin", "qos", "availability", "availability_mode",
          "availability_topic", "payload_available", "payload_not_available", "object_id", "icon",
          "entity_category", "enabled_by_default"}
SCHEMA = {
    "switch": {"required": {"command_topic"},
               "known": COMMON | {"command_topic", "state_topic", "payload_on", "payload_off", "state_on",
                                  "state_off", "retain", "optimistic", "value_template", "device_class"}},
    "sensor": {"required": {"state_topic"},
               "known": COMMON | {"state_topic", "value_template", "device_class", "unit_of_measurement",
                                  "state_class", "expire_after", "force_update", "suggested_display_precision"}},
    "binary_sensor": {"required": {"state_topic"},
                      "known": COMMON | {"state_topic", "payload_on", "payload_off", "value_template",
                                         "device_class", "expire_after", "off_delay", "force_update"}},
    "device_automation": {"required": {"automation_type", "topic", "type", "subtype", "device"},
                          "known": {"automation_type", "topic", "type", "subtype", "payload", "value_template",
                                    "device", "origin", "qos"}},
}
# Sensor device classes and the units HA accepts for them.
UNITS = {"temperature": {"°C", "°F", "K"}, "pressure": {"Pa", "hPa", "kPa", "bar", "mbar", "mmHg", "inHg", "psi"},
         "humidity": {"%"}, "illuminance": {"lx"}, "voltage": {"V", "mV"}}
TRIGGER_TYPES = {"button_short_press", "button_short_release", "button_long_press", "button_long_release",
                 "button_double_press", "button_triple_press", "button_quadruple_press", "button_quintuple_press"}


def configs(env):
    """{topic: parsed payload} of this device's retained discovery configs."""
    def got():
        r = env.retained(f"{PREFIX}/#")
        return r if len([t for t in r if t.endswith("/config")]) >= 13 else None

    r = wait_until(got, 10, "13 discovery configs")
    return {t: json.loads(p) for t, p in r.items() if t.endswith("/config") and p}


def check_device(d):
    assert d["identifiers"] == [CLIENT_ID]
    assert d["manufacturer"] == "pinbus"
    assert d["model"] == "pinbus simulator"
    assert d["sw_version"] == "0.1.0"
    assert d["name"]


def test_configs_match_the_schema(env):
    got = configs(env)
    by_component = {}
    for topic, payload in got.items():
        prefix, component, node, object_id, leaf = topic.split("/")
        assert (prefix, node, leaf) == (PREFIX, CLIENT_ID, "config")
        by_component.setdefault(component, []).append((object_id, payload))
        schema = SCHEMA[component]
        assert schema["required"] <= set(payload), f"{topic} lacks {schema['required'] - set(payload)}"
        assert set(payload) <= schema["known"], f"{topic}: unknown keys {set(payload) - schema['known']}"
        check_device(payload["device"])
        assert payload["origin"]["name"] == "pinbus-mqtt"
        assert payload["qos"] == 1
        if component != "device_automation":
            assert payload["unique_id"] == f"{CLIENT_ID}_{object_id}"
            assert {"topic": f"{BASE}/status"} in payload["availability"]

    assert sorted(o for o, _ in by_component["switch"]) == ["output_led"]
    sw = by_component["switch"][0][1]
    assert sw["command_topic"] == f"{BASE}/output/led/set"
    assert sw["state_topic"] == f"{BASE}/output/led/state"
    assert (sw["payload_on"], sw["payload_off"]) == ("ON", "OFF")

    sensors = dict(by_component["sensor"])
    assert sorted(sensors) == ["sensor_room_humidity", "sensor_room_pressure", "sensor_room_temperature"]
    for object_id, s in sensors.items():
        quantity = object_id.removeprefix("sensor_room_")
        assert s["device_class"] == quantity
        assert s["unit_of_measurement"] in UNITS[quantity]
        assert s["state_class"] == "measurement"
        assert s["state_topic"] == f"{BASE}/sensor/room/state"
        assert quantity in s["value_template"]
        assert s["availability_mode"] == "all"
        assert {"topic": f"{BASE}/sensor/room/availability"} in s["availability"]
    # SI units, as the state payload carries them.
    assert sensors["sensor_room_temperature"]["unit_of_measurement"] == "°C"
    assert sensors["sensor_room_pressure"]["unit_of_measurement"] == "Pa"

    assert [o for o, _ in by_component["binary_sensor"]] == ["button_doorbell"]
    triggers = [p for _, p in by_component["device_automation"]]
    assert {t["type"] for t in triggers} == TRIGGER_TYPES
    for t in triggers:
        assert t["automation_type"] == "trigger"
        assert t["topic"] == f"{BASE}/button/doorbell/event"
        assert t["subtype"] == "doorbell"
        assert t["value_template"] == "{{ value_json.action }}"
    assert {t["type"]: t["payload"] for t in triggers}["button_double_press"] == "double"


def test_unique_ids_stable_across_restarts(env):
    before = configs(env)
    env.mqtt.stop_ok()
    env.mqtt.start()
    after = configs(env)
    assert {t: p.get("unique_id") for t, p in before.items()} == {t: p.get("unique_id") for t, p in after.items()}


def test_republished_when_home_assistant_comes_online(env):
    sub = env.subscriber()
    topic = f"{PREFIX}/switch/{CLIENT_ID}/output_led/config"
    wait_until(lambda: sub.of(topic), 10, "the switch config")
    sub.clear()
    sub.publish(f"{PREFIX}/status", "online")
    wait_until(lambda: sub.of(topic), 10, "the switch config again")
    assert json.loads(sub.last(topic))["unique_id"] == f"{CLIENT_ID}_output_led"
    assert sub.last(f"{BASE}/output/led/state") == "OFF"


def test_removed_section_removes_its_entities(env):
    configs(env)
    # The output leaves pinbusd's configuration: after pinbusd restarts, its switch goes.
    env.pinbusd.stop_ok()
    env.pinbusd.write_config(DEMO_CONFIG.replace("[output led]\nline = GPIO26\ninitial = off\n", ""))
    env.pinbusd.start()
    topic = f"{PREFIX}/switch/{CLIENT_ID}/output_led/config"
    wait_until(lambda: topic not in env.retained(f"{PREFIX}/#"), 10, "the switch config to be removed")
    assert f"{PREFIX}/sensor/{CLIENT_ID}/sensor_room_temperature/config" in env.retained(f"{PREFIX}/#")


@pytest.mark.setup(mqtt="[publish]\nbuttons = none\nsensors = room\n\n[homeassistant]\nprefix = ha\n")
def test_publish_selection_and_prefix(env):
    got = wait_until(lambda: (r := env.retained("ha/#")) and len(r) >= 4 and r, 10, "configs under ha/")
    components = sorted({t.split("/")[1] for t in got})
    assert components == ["sensor", "switch"]
    assert not env.retained(f"{PREFIX}/#")
    assert f"{BASE}/button/doorbell/state" not in env.retained()


@pytest.mark.setup(mqtt="[homeassistant]\ndiscovery = no\n")
def test_discovery_off(env):
    wait_until(lambda: f"{BASE}/output/led/state" in env.retained(), 10, "the led state")
    assert not env.retained(f"{PREFIX}/#")


@pytest.mark.setup(pinbus=DEMO_CONFIG.replace("address = 0x76", "address = 0x77"), start=False)
def test_offline_sensor_keeps_its_entities(env):
    """A sensor that has not reported yet (here: nothing answers at 0x77) keeps the configs an
    earlier run published, while a config of an object that is gone is removed."""
    env.broker.start()
    sub = env.subscriber()
    kept = f"{PREFIX}/sensor/{CLIENT_ID}/sensor_room_temperature/config"
    gone = f"{PREFIX}/switch/{CLIENT_ID}/output_gone/config"
    sub.publish(kept, json.dumps({"name": "room temperature", "state_topic": f"{BASE}/sensor/room/state"}),
                retain=True)
    sub.publish(gone, json.dumps({"name": "gone", "command_topic": f"{BASE}/output/gone/set"}), retain=True)
    env.pinbusd.start()
    env.mqtt.start()
    wait_until(lambda: gone not in env.retained(f"{PREFIX}/#"), 10, "the stale switch config to be removed")
    got = env.retained()
    assert kept in got
    assert got[f"{BASE}/sensor/room/availability"] == "offline"
