# SPDX-License-Identifier: LGPL-2.1-or-later
"""Availability and recovery: the last will, pinbusd leaving and coming back (or coming late),
the broker killed and restarted (reconnect, resubscribe, retained state republished within
the backoff bound), and the bounded event queue while the broker is away."""

import json
import signal
import time

import pytest
from conftest import BASE, scaled, wait_until

STATUS = f"{BASE}/status"
LED_SET = f"{BASE}/output/led/set"
LED_STATE = f"{BASE}/output/led/state"
# reconnect-max in the tests' mqtt.conf is 2 s; the bound for "back within the backoff".
BACKOFF_MAX = 2.0


def test_last_will_when_killed(env):
    sub = env.subscriber()
    sub.wait_for(STATUS, "online")
    env.mqtt.stop(signal.SIGKILL)
    sub.wait_for(STATUS, "offline")
    assert env.retained()[STATUS] == "offline"


def test_offline_on_sigterm(env):
    sub = env.subscriber()
    sub.wait_for(STATUS, "online")
    env.mqtt.stop_ok()
    sub.wait_for(STATUS, "offline")
    assert env.retained()[STATUS] == "offline"
    assert "saying offline and disconnecting" in env.mqtt.log_text()


def test_pinbusd_restart(env):
    """pinbusd going away makes the board offline; when it is back every object is read again
    and the retained state republished."""
    sub = env.subscriber()
    sub.wait_for(STATUS, "online")
    sub.publish(LED_SET, "ON")
    sub.wait_for(LED_STATE, "ON")
    env.pinbusd.stop_ok()
    sub.wait_for(STATUS, "offline")
    assert env.retained()[STATUS] == "offline"
    sub.clear()
    env.pinbusd.start()
    sub.wait_for(STATUS, "online")
    # Not restored (no restore = yes): the new daemon starts it at initial = off.
    sub.wait_for(LED_STATE, "OFF")
    sub.wait_for(f"{BASE}/sensor/room/state")
    # And commands reach the new daemon.
    sub.publish(LED_SET, "ON")
    sub.wait_for(LED_STATE, "ON")
    assert env.output_value("led")


@pytest.mark.setup(start=False)
def test_pinbusd_appears_late(env):
    env.broker.start()
    env.mqtt.start()
    sub = env.subscriber()
    sub.wait_for(STATUS, "offline")
    # Logged when the bus answers that nobody owns io.pinbus1, which may come after "offline".
    wait_until(lambda: "not on the bus yet" in env.mqtt.log_text(), 10, "the wait for pinbusd in the log")
    env.pinbusd.start()
    sub.wait_for(STATUS, "online")
    sub.wait_for(LED_STATE, "OFF")


@pytest.mark.setup(start=False)
def test_broker_late_and_killed(env):
    """Started before the broker, then the broker killed (SIGKILL: no persistence, every
    retained message is gone) and restarted: reconnects within the backoff bound, republishes
    every retained message and subscribes to commands again."""
    env.pinbusd.start()
    env.mqtt.start()
    wait_until(lambda: "Connection refused" in env.mqtt.log_text(), 10, "a refused connection")
    env.broker.start()
    wait_until(lambda: env.retained().get(STATUS) == "online", 10, "online")
    before = env.retained()

    env.broker.stop(signal.SIGKILL)
    wait_until(lambda: "lost the connection" in env.mqtt.log_text(), 10, "the lost connection in the log")
    env.broker.start()
    started = time.monotonic()
    got = wait_until(lambda: (r := env.retained()).get(STATUS) == "online" and len(r) == len(before) and r,
                     10, "every retained message back")
    print(f"retained state back {time.monotonic() - started:.2f} s after the broker restarted")
    assert time.monotonic() - started < scaled(BACKOFF_MAX + 3)
    assert set(got) == set(before)
    assert {t: p for t, p in got.items() if "sensor/room/state" not in t} == \
        {t: p for t, p in before.items() if "sensor/room/state" not in t}

    sub = env.subscriber()
    sub.publish(LED_SET, "ON")
    sub.wait_for(LED_STATE, "ON")
    assert env.output_value("led")


def press_and_hold(env):
    env.sim("Schedule", "asa(tbut)", 1, "GPIO17", 2, 0, "false", 2, 2000, 1200000, "true", 2, 2000)


@pytest.mark.setup(broker={"persistence": True})
def test_events_queued_while_broker_away(env):
    """Button events while the broker is down are queued and delivered after the reconnection
    (to a persistent subscriber session, which the broker keeps across its restart)."""
    sub = env.subscriber(client_id="persistent-observer", clean_session=False)
    sub.wait_for(STATUS, "online")
    env.broker.stop(signal.SIGTERM)  # saves its database: sessions and retained messages
    wait_until(lambda: "lost the connection" in env.mqtt.log_text(), 10, "the lost connection")
    press_and_hold(env)
    wait_until(lambda: env.busctl("get-property", "io.pinbus1", "/io/pinbus1/button/doorbell",
                                  "io.pinbus1.Button", "PressCount") == "t 1"
               and env.busctl("get-property", "io.pinbus1", "/io/pinbus1/button/doorbell",
                              "io.pinbus1.Button", "Pressed") == "b false", 10, "the press to end")
    sub.clear()
    env.broker.start()
    topic = f"{BASE}/button/doorbell/event"
    wait_until(lambda: len(sub.of(topic)) >= 3, 15, "the three queued events")
    assert [json.loads(p)["event"] for p in sub.of(topic)] == ["pressed", "held", "released"]
    assert "dropped" not in env.mqtt.log_text()


@pytest.mark.setup(mqtt="", broker={"persistence": True})
def test_event_queue_overflow(env):
    """queue-size 2: of pressed, held, released the oldest is dropped, counted and logged once."""
    env.mqtt.stop_ok()
    env.write_mqtt_config(broker_section=f"uri = mqtt://127.0.0.1:{env.broker.port}\nqueue-size = 2\n")
    env.mqtt.start()
    sub = env.subscriber(client_id="persistent-observer", clean_session=False)
    sub.wait_for(STATUS, "online")
    env.broker.stop(signal.SIGTERM)
    wait_until(lambda: "lost the connection" in env.mqtt.log_text(), 10, "the lost connection")
    press_and_hold(env)
    wait_until(lambda: env.busctl("get-property", "io.pinbus1", "/io/pinbus1/button/doorbell",
                                  "io.pinbus1.Button", "Pressed") == "b false"
               and "event queue full" in env.mqtt.log_text(), 10, "the queue to overflow")
    sub.clear()
    env.broker.start()
    topic = f"{BASE}/button/doorbell/event"
    wait_until(lambda: len(sub.of(topic)) >= 2, 15, "the two kept events")
    time.sleep(scaled(0.5))
    assert [json.loads(p)["event"] for p in sub.of(topic)] == ["held", "released"]
    log = env.mqtt.log_text()
    assert log.count("event queue full (queue-size 2)") == 1
    assert "1 event(s) dropped while the broker was away (queue-size 2)" in log
