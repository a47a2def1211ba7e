# SPDX-License-Identifier: LGPL-2.1-or-later
"""Configured I2C sensors through the pinbus API and CLI (the simulator's BME280 at 0x76 on bus 1)."""

import re

import pytest
from pbharness.client import poll_until

import pinbus

pytestmark = pytest.mark.pinbus_config("""\
[sensor room]
model = bme280
bus = 1
address = 0x76
interval = 200ms

[sensor far]
model = tmp102
bus = 4
""")


def set_nak(pb, nak):
    pb.bus.call_blocking("io.pinbus1", "/io/pinbus1", "io.pinbus1.Simulator", "SetDeviceNak", "uqb",
                         (1, 0x76, nak))


def test_sensors_list(pb):
    sensors = pb.sensors
    assert [s.name for s in sensors] == ["room", "far"]
    assert all(isinstance(s, pinbus.Sensor) for s in sensors)
    assert pb.sensor("room") == sensors[0]
    assert repr(sensors[0]) == "<pinbus.Sensor room>"
    with pytest.raises(pinbus.NoSuchDevice, match="nope"):
        pb.sensor("nope")


def test_sensor_properties_and_read(pb):
    room = pb.sensor("room")
    poll_until(lambda: room.online, 10, "room online")
    assert room.model == "bme280"
    assert room.bus == "/dev/i2c-1"
    assert room.address == 0x76
    assert room.interval == 0.2
    assert room.last_error == ""
    assert room.timestamp_us > 0
    values = room.read()
    assert values["temperature"] == pytest.approx(23.72, abs=0.005)
    assert values["pressure"] == pytest.approx(100942.70, abs=0.05)
    assert values["humidity"] == pytest.approx(65.31, abs=0.005)
    assert set(room.values) == {"temperature", "pressure", "humidity"}


def test_offline_sensor_read_raises(pb):
    far = pb.sensor("far")
    poll_until(lambda: far.last_error, 10, "far's error")
    assert far.online is False
    with pytest.raises(pinbus.SensorOffline, match="/dev/i2c-4"):
        far.read()


def test_on_values(pb):
    room = pb.sensor("room")
    got = []

    def on_values(values, ts):
        got.append((values, ts))
        if len(got) == 3:
            pb.stop()

    with room.on_values(on_values):
        assert pb.run(timeout=10)
    assert all(set(v) == {"temperature", "pressure", "humidity"} for v, _ in got)
    stamps = [ts for _, ts in got]
    assert stamps == sorted(set(stamps))


def test_cli_sensors_and_read(cli, pb):
    room = pb.sensor("room")
    poll_until(lambda: room.online, 10, "room online")
    poll_until(lambda: pb.sensor("far").last_error, 10, "far's error")
    out = cli("sensors").stdout.splitlines()
    assert out[0] == ("room bme280 /dev/i2c-1 0x76 temperature=23.72°C pressure=100942.70Pa "
                      "humidity=65.31%RH")
    assert re.fullmatch(r"far tmp102 /dev/i2c-4 0x00 offline: ENOENT: no such adapter /dev/i2c-4", out[1]), out[1]
    out = [ln.split() for ln in cli("read", "room").stdout.splitlines()]
    assert [(q, u) for q, _, u in out] == [("temperature", "°C"), ("pressure", "Pa"), ("humidity", "%RH")]
    got = {q: float(v) for q, v, _ in out}
    assert got["temperature"] == pytest.approx(23.72, abs=0.005)
    assert got["pressure"] == pytest.approx(100942.70, abs=0.05)
    assert got["humidity"] == pytest.approx(65.31, abs=0.005)
    r = cli("read", "far", check_status=1)
    assert r.stderr.startswith("pinbus: Sensor far is offline: ENOENT"), r.stderr


def test_cli_nak_and_recovery(cli, pb):
    room = pb.sensor("room")
    poll_until(lambda: room.online, 10, "room online")
    set_nak(pb, True)
    poll_until(lambda: not room.online, 10, "room offline")
    assert "offline: ENXIO" in cli("sensors").stdout or "offline: EREMOTEIO" in cli("sensors").stdout
    set_nak(pb, False)
    poll_until(lambda: room.online, 15, "room back online")
