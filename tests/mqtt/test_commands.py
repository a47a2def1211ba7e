# SPDX-License-Identifier: LGPL-2.1-or-later
"""Commands on .../output/NAME/set drive pinbusd's outputs; bad ones are logged and ignored."""

import json
import random

import pytest
from conftest import BASE, CLIENT_ID, PREFIX, wait_until

SET = f"{BASE}/output/led/set"
STATE = f"{BASE}/output/led/state"


def test_on_off_toggle(env):
    sub = env.subscriber()
    sub.wait_for(STATE, "OFF")
    sub.publish(SET, "ON")
    sub.wait_for(STATE, "ON")
    assert env.output_value("led")
    sub.publish(SET, "off")
    sub.wait_for(STATE, "OFF")
    assert not env.output_value("led")
    sub.publish(SET, "TOGGLE")
    sub.wait_for(STATE, "ON")
    sub.publish(SET, json.dumps({"state": "OFF"}))
    sub.wait_for(STATE, "OFF")
    sub.publish(SET, json.dumps({"action": "toggle"}))
    sub.wait_for(STATE, "ON")
    assert env.output_value("led")


def test_pulse(env):
    sub = env.subscriber()
    sub.wait_for(STATE, "OFF")
    sub.clear()
    sub.publish(SET, json.dumps({"action": "pulse", "duration": 0.3}))
    wait_until(lambda: sub.of(STATE) == ["ON", "OFF"], 10, "ON then OFF")
    assert not env.output_value("led")


def test_blink(env):
    sub = env.subscriber()
    sub.wait_for(STATE, "OFF")
    sub.clear()
    sub.publish(SET, json.dumps({"action": "blink", "on": "50ms", "off": "50ms", "count": 3}))
    wait_until(lambda: sub.of(STATE) == ["ON", "OFF"] * 3, 10, "three blinks")


def test_unknown_output_and_bad_payload_logged(env):
    sub = env.subscriber()
    sub.wait_for(STATE, "OFF")
    sub.publish(f"{BASE}/output/nosuch/set", "ON")
    sub.publish(SET, "{\"action\":\"pulse\",\"duration\":-1}")
    sub.publish(SET, "ON")
    sub.wait_for(STATE, "ON")
    log = env.mqtt.log_text()
    assert f"command on {BASE}/output/nosuch/set ignored: no published output 'nosuch'" in log
    assert (f"bad command on {SET} ignored: '{{\"action\":\"pulse\",\"duration\":-1}}': \"duration\" must be"
            in log)


def test_a_thousand_malformed_commands(env):
    """Garbage, truncated JSON, binary and over-long payloads: all ignored, nothing crashes, and
    the next good command still works."""
    sub = env.subscriber()
    sub.wait_for(STATE, "OFF")
    rng = random.Random(13)
    good = ['{"action":"pulse","duration":0.5}', '{"action":"blink","on":1,"off":1,"count":2}', '{"state":"ON"}']
    payloads = []
    for i in range(1000):
        kind = i % 5
        if kind == 0:
            payloads.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))))
        elif kind == 1:
            g = rng.choice(good)
            payloads.append(g[:rng.randrange(1, len(g))].encode())
        elif kind == 2:
            payloads.append(("x" * 5000).encode())
        elif kind == 3:
            payloads.append(rng.choice(['{"action":"fly"}', '{"state":1}', '{"on":}', '[1,2]', 'ONN', '{"a":"\\u']
                                       ).encode())
        else:
            payloads.append(b"")
    for p in payloads:
        sub.client.publish(SET, p, qos=0)
    sub.publish(SET, "ON")
    sub.wait_for(STATE, "ON", timeout=30)
    assert env.mqtt.running
    assert env.output_value("led")
    assert env.mqtt.log_text().count("bad command on") >= 900


@pytest.mark.setup(mqtt="[publish]\nlines = GPIO22\n")
def test_listed_line(env):
    """Lines are published only when listed: GPIO22 becomes a switch; a command takes the free
    line as an output (Line.Set), as busctl would."""
    sub = env.subscriber()
    state, command = f"{BASE}/line/GPIO22/state", f"{BASE}/line/GPIO22/set"
    sub.wait_for(state, "OFF")
    config = json.loads(env.retained(f"{PREFIX}/#")[f"{PREFIX}/switch/{CLIENT_ID}/line_GPIO22/config"])
    assert (config["command_topic"], config["state_topic"]) == (command, state)
    sub.publish(command, "ON")
    sub.wait_for(state, "ON")
    out = env.busctl("get-property", "io.pinbus1", "/io/pinbus1/line/GPIO22", "io.pinbus1.Line", "Value",
                     "Direction")
    assert out.split("\n") == ["b true", 's "output"']
    assert not [t for t in env.retained() if "/line/" in t and "GPIO22" not in t]
