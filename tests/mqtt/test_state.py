# SPDX-License-Identifier: LGPL-2.1-or-later
"""Retained state and button events, as a subscriber of the real broker sees them."""

import datetime
import json

import pytest
from conftest import BASE, wait_until


def test_demo_state_retained(env):
    """The README demo: sensor state, the LED's state and availability are retained."""
    got = wait_until(lambda: (r := env.retained()) and f"{BASE}/sensor/room/state" in r and r, 10,
                     "the retained sensor state")
    assert got[f"{BASE}/status"] == "online"
    assert got[f"{BASE}/output/led/state"] == "OFF"
    assert got[f"{BASE}/button/doorbell/state"] == "OFF"
    assert got[f"{BASE}/sensor/room/availability"] == "online"
    state = json.loads(got[f"{BASE}/sensor/room/state"])
    assert set(state) == {"temperature", "pressure", "humidity", "timestamp"}
    # The simulated BME280's fixed raw values, in SI units (°C, Pa, %RH).
    assert 15 < state["temperature"] < 35
    assert 90000 < state["pressure"] < 110000
    assert 0 <= state["humidity"] <= 100
    when = datetime.datetime.strptime(state["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc)
    assert abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) < 60


def test_sensor_state_follows_samples(env):
    sub = env.subscriber()
    topic = f"{BASE}/sensor/room/state"
    sub.wait_for(topic)
    first = json.loads(sub.last(topic))
    # Another temperature: the next sample (interval 1 s) carries it.
    env.sim("SetDeviceRaw", "uqsu", 1, 0x76, "temperature", 600000)
    sub.wait_for(topic, predicate=lambda p: json.loads(p)["temperature"] != first["temperature"], timeout=10)
    assert json.loads(sub.last(topic))["timestamp"] > first["timestamp"]


def test_sensor_offline_and_back(env):
    sub = env.subscriber()
    avail = f"{BASE}/sensor/room/availability"
    sub.wait_for(avail, "online")
    env.sim("SetDeviceNak", "uqb", 1, 0x76, "true")
    sub.wait_for(avail, "offline", timeout=15)
    env.sim("SetDeviceNak", "uqb", 1, 0x76, "false")
    sub.wait_for(avail, "online", timeout=30)


def events(sub, name):
    return [json.loads(p) for p in sub.of(f"{BASE}/button/{name}/event")]


def test_press_hold_release(env):
    """Bouncing press held 1.5 s: exactly pressed, held, long_release; the state topic follows."""
    sub = env.subscriber()
    state = f"{BASE}/button/doorbell/state"
    sub.wait_for(state, "OFF")
    # Physical levels: active-low, so false is pressed. 12 bounces over 5 ms each way.
    env.sim("Schedule", "asa(tbut)", 1, "GPIO17", 2, 0, "false", 12, 5000, 1500000, "true", 12, 5000)
    wait_until(lambda: len(events(sub, "doorbell")) >= 3, 10, "three button events")
    got = events(sub, "doorbell")
    assert [e["event"] for e in got] == ["pressed", "held", "released"], got
    assert [e["action"] for e in got] == ["pressed", "held", "long_release"]
    assert got[1]["repeat"] == 0
    # The daemon's clock: held exactly hold-time (1 s) after pressed.
    assert got[1]["timestamp_ns"] - got[0]["timestamp_ns"] == 1_000_000_000
    assert 1_400_000 < got[2]["duration_us"] < 1_600_000
    # The state topic is published after the event it goes with: wait for it, too.
    wait_until(lambda: sub.of(state)[-2:] == ["ON", "OFF"], 10, "the state ON, then OFF")
    # Events are not retained: a new subscriber sees none.
    assert f"{BASE}/button/doorbell/event" not in env.retained()


def test_double_click(env):
    sub = env.subscriber()
    sub.wait_for(f"{BASE}/button/doorbell/state", "OFF")
    env.sim("Schedule", "asa(tbut)", 1, "GPIO17", 4,
            0, "false", 4, 2000, 100000, "true", 4, 2000, 200000, "false", 4, 2000, 300000, "true", 4, 2000)
    wait_until(lambda: any(e["event"] == "clicked" for e in events(sub, "doorbell")), 10, "a clicked event")
    got = events(sub, "doorbell")
    assert [e["action"] for e in got] == ["pressed", "released", "pressed", "released", "double"], got
    assert got[-1] == {"event": "clicked", "action": "double", "count": 2}
