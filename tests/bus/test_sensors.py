# SPDX-License-Identifier: LGPL-2.1-or-later
"""Configured I2C sensors (io.pinbus1.Sensor) on the simulated bus 1: readings, faults, backoff, recovery.

The simulator's /dev/i2c-1 carries a BME280 at 0x76 holding VECTORS.md V1's registers, whose
compensated readings are known (23.72 degC, 100942.70 Pa, 65.31 %RH), and a TMP102 at 0x48.
"""

import re
import subprocess
import time

import dbus
import dbus.exceptions
import pytest

from pbharness import scaled
from pbharness.bus import pinbusd_command
from pbharness.client import dbus_error, native, settle, wait_until
from pbharness.names import E_INVALID_ARGS, E_NO_SUCH_DEVICE, E_SENSOR_OFFLINE, ROOT, SENSOR, SIMULATOR, sensor_path

ROOM = sensor_path("room")
OUTSIDE = sensor_path("outside")

# VECTORS.md V1, DS/KERNEL reference: T = 2372 / 100, P = 25841330 / 256, H = 66873 / 1024.
V1 = {"temperature": 23.72, "pressure": 100942.6953, "humidity": 65.3057}
TOLERANCE = {"temperature": 0.005, "pressure": 0.05, "humidity": 0.005}

CONFIG = """\
[sensor room]
model = bme280
bus = 1
address = 0x76
interval = 1s

[sensor outside]
model = tmp102
bus = /dev/i2c-1
address = 0x48
interval = 1s
"""


def props(client, path):
    return native(client.get_all(path, SENSOR))


def prop(client, path, name):
    return native(client.get(path, SENSOR, name))


def read(client, path, timeout=None):
    return native(client.call(path, SENSOR, "Read", timeout=timeout))


def set_nak(client, address, nak, bus=1):
    client.call(ROOT, SIMULATOR, "SetDeviceNak", "uqb", bus, address, nak)


def conversions(client, address, bus=1):
    return int(client.call(ROOT, SIMULATOR, "GetDeviceConversions", "uq", bus, address))


def wait_online(client, path, online=True, timeout=10):
    wait_until(lambda: prop(client, path, "Online") is online, timeout,
               f"{path} to be {'online' if online else 'offline'}")


def assert_v1(values):
    assert set(values) == set(V1), values
    for k, v in V1.items():
        assert abs(values[k] - v) <= TOLERANCE[k], f"{k} = {values[k]!r}, expected {v} +- {TOLERANCE[k]}"


def log_lines(pinbus, pattern):
    return [m for m in (re.search(pattern, ln) for ln in pinbus.daemon.log_text().splitlines()) if m]


# --- the "done when" -----------------------------------------------------

@pytest.mark.pinbusd(config=CONFIG)
def test_bme280_reads_v1(pinbus):
    c = pinbus.bus
    wait_online(c, ROOM)
    p = props(c, ROOM)
    assert_v1(p["Values"])
    assert p["Model"] == "bme280"
    assert p["Bus"] == "/dev/i2c-1"
    assert p["Address"] == 0x76
    assert p["IntervalUs"] == 1_000_000
    assert p["LastError"] == ""
    assert p["Name"] == "room"
    now_us = time.time() * 1e6
    assert now_us - scaled(30) * 1e6 < p["Timestamp"] <= now_us + 1e6


@pytest.mark.pinbusd(config=CONFIG)
def test_property_types(pinbus):
    raw = pinbus.bus.get_all(ROOM, SENSOR)
    assert isinstance(raw["Address"], dbus.UInt16)
    assert isinstance(raw["IntervalUs"], dbus.UInt64)
    assert isinstance(raw["Timestamp"], dbus.UInt64)
    assert isinstance(raw["Online"], dbus.Boolean)
    assert raw["Values"].signature == "sd"
    xml = pinbus.bus.introspect(ROOM)
    assert '<method name="Read">' in xml
    assert re.search(r'<arg type="a\{sd\}" name="values" direction="out"/>', xml), xml


@pytest.mark.pinbusd(config=CONFIG)
def test_tmp102_reads_temperature_only(pinbus):
    c = pinbus.bus
    wait_online(c, OUTSIDE)
    p = props(c, OUTSIDE)
    assert p["Model"] == "tmp102"
    assert p["Address"] == 0x48
    assert set(p["Values"]) == {"temperature"}
    assert -55.0 <= p["Values"]["temperature"] <= 128.0


@pytest.mark.pinbusd(config=CONFIG)
def test_manager_lists_sensors(pinbus):
    c = pinbus.bus
    sensors = c.manager("Sensors")
    assert sensors.signature == "o"
    assert list(sensors) == [ROOM, OUTSIDE]
    objects = c.call(ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")
    assert str(objects[ROOM][SENSOR]["Model"]) in ("bme280",)
    assert objects[OUTSIDE][SENSOR]["Bus"] == "/dev/i2c-1"


# --- Read() ------------------------------------------------------------------------

@pytest.mark.pinbusd(config=CONFIG)
def test_read_returns_a_fresh_sample(pinbus):
    c = pinbus.bus
    wait_online(c, ROOM)
    before = prop(c, ROOM, "Timestamp")
    values = read(c, ROOM)
    assert_v1(values)
    after = prop(c, ROOM, "Timestamp")
    assert after > before
    assert prop(c, ROOM, "Values") == values


@pytest.mark.pinbusd(config=CONFIG.replace("interval = 1s", "interval = 1h"))
def test_concurrent_reads_share_one_measurement(pinbus):
    c = pinbus.bus
    wait_online(c, ROOM)
    rec = pinbus.recorder(c).watch_properties(ROOM)
    before = conversions(c, 0x76)
    replies, errors = [], []
    n = 10
    for _ in range(n):
        c.conn.call_async("io.pinbus1", ROOM, SENSOR, "Read", "", (),
                          reply_handler=lambda v: replies.append(native(v)),
                          error_handler=errors.append, timeout=scaled(10))
    wait_until(lambda: len(replies) + len(errors) == n, 10, "every Read() to be answered")
    assert errors == []
    for v in replies:
        assert_v1(v)
    rec.sync()
    samples = rec.values(ROOM, SENSOR, "Timestamp")
    # With an hour's interval, only the Read() calls caused samples; calls that arrived while a
    # measurement was in progress shared it.
    assert 1 <= len(samples) < n, samples
    # Every sample was one forced-mode conversion of the chip, never a stale register.
    assert conversions(c, 0x76) - before == len(samples)


@pytest.mark.pinbusd(config=CONFIG)
def test_read_does_not_block_other_clients(pinbus):
    a, b = pinbus.client(), pinbus.client()
    wait_online(a, ROOM)
    done = []
    a.conn.call_async("io.pinbus1", ROOM, SENSOR, "Read", "", (), reply_handler=done.append,
                      error_handler=done.append, timeout=scaled(10))
    # Meanwhile another client is served.
    assert b.find_line("GPIO17").endswith("GPIO17")
    wait_until(lambda: done, 10, "the Read() reply")
    assert isinstance(done[0], dict)


# --- signals -----------------------------------------------------------------------

@pytest.mark.pinbusd(config=CONFIG.replace("interval = 1s", "interval = 200ms", 1))
def test_values_emitted_once_per_sample(pinbus):
    c = pinbus.bus
    wait_online(c, ROOM)
    rec = pinbus.recorder(c).watch_properties(ROOM)
    start = time.monotonic()

    def samples():
        changes = [s.args[1] for s in rec.of("PropertiesChanged", ROOM) if s.args[0] == SENSOR]
        return changes, [native(ch) for ch in changes if "Values" in ch]

    wait_until(lambda: len(samples()[1]) >= 3, 5, "three samples")
    settle(0.5)
    rec.sync()
    elapsed = time.monotonic() - start
    changes, with_values = samples()
    stamps = []
    for ch in with_values:
        # Values and Timestamp travel together, once per sample.
        assert "Timestamp" in ch, ch
        assert_v1(ch["Values"])
        stamps.append(ch["Timestamp"])
    assert stamps == sorted(set(stamps)), stamps
    # No Timestamp without Values either.
    assert all("Values" in ch for ch in changes if "Timestamp" in ch)
    # One forced-mode conversion per sample (the TMP102 at 0x48 is another device).
    assert conversions(c, 0x76) >= len(with_values)
    # A sample every 200 ms, not more.
    assert len(with_values) <= elapsed / 0.2 + 2, (len(with_values), elapsed)


# --- faults ------------------------------------------------------------------------

FAST = """\
[sensor room]
model = bme280
bus = 1
address = 0x76
interval = 100ms
"""


@pytest.mark.pinbusd(config=FAST)
def test_nak_goes_offline_and_recovers(pinbus):
    c = pinbus.bus
    wait_online(c, ROOM)
    rec = pinbus.recorder(c).watch_properties(ROOM)

    set_nak(c, 0x76, True)
    wait_online(c, ROOM, False)
    err = prop(c, ROOM, "LastError")
    assert re.match(r"^(ENXIO|EREMOTEIO): ", err), err
    assert "/dev/i2c-1" in err and "0x76" in err and "bme280" in err, err
    assert "no acknowledge" in err, err
    # The last good values stay, with their timestamp; Online says they are stale.
    assert_v1(prop(c, ROOM, "Values"))

    # Reading an offline sensor tries once and fails with its error.
    with dbus_error(E_SENSOR_OFFLINE, "room", "0x76", "/dev/i2c-1"):
        read(c, ROOM)

    set_nak(c, 0x76, False)
    wait_online(c, ROOM, True, timeout=15)
    assert prop(c, ROOM, "LastError") == ""
    assert_v1(read(c, ROOM))

    rec.sync()
    assert rec.values(ROOM, SENSOR, "Online") == [False, True]
    # LastError follows the latest attempt (the driver's detail may name another register), then
    # clears.
    errors = rec.values(ROOM, SENSOR, "LastError")
    assert err in errors and errors[-1] == "", errors
    assert all(re.match(r"^(ENXIO|EREMOTEIO): no acknowledge from /dev/i2c-1 address 0x76", e)
               for e in errors[:-1]), errors
    # One log line per change of state, not one per retry.
    assert len(log_lines(pinbus, r"Sensor room is offline")) == 1
    assert len(log_lines(pinbus, r"Sensor room is online")) == 2  # at start and after recovery


@pytest.mark.pinbusd(config=FAST)
def test_retries_back_off(pinbus):
    c = pinbus.bus
    wait_online(c, ROOM)
    set_nak(c, 0x76, True)
    pattern = r"Sensor room: retry (\d+) in (\d+) ms"
    wait_until(lambda: len(log_lines(pinbus, pattern)) >= 7, 20, "seven retries")
    retries = [(int(m.group(1)), int(m.group(2))) for m in log_lines(pinbus, pattern)]
    # The first retry after one interval (100 ms), then doubling up to 32 intervals (3.2 s), not
    # one attempt per interval.
    assert retries[:7] == [(1, 100), (2, 200), (3, 400), (4, 800), (5, 1600), (6, 3200), (7, 3200)], retries
    assert prop(c, ROOM, "Online") is False
    set_nak(c, 0x76, False)
    wait_online(c, ROOM, True, timeout=15)
    # Recovery resets the backoff: a new fault starts again at one interval.
    set_nak(c, 0x76, True)
    wait_until(lambda: [m.group(1) for m in log_lines(pinbus, pattern)].count("2") >= 2, 20,
               "a second run of retries")
    retries = [(int(m.group(1)), int(m.group(2))) for m in log_lines(pinbus, pattern)]
    second = len(retries) - 1 - retries[::-1].index((1, 100))
    assert second > 0 and retries[second:second + 2] == [(1, 100), (2, 200)], retries


@pytest.mark.pinbusd(config=FAST + """
[sensor far]
model = tmp102
bus = 3
address = 0x48
interval = 100ms
""")
def test_missing_adapter_is_an_offline_sensor(pinbus):
    c = pinbus.bus
    far = sensor_path("far")
    wait_until(lambda: prop(c, far, "LastError") != "", 10, "far's LastError")
    p = props(c, far)
    assert p["Online"] is False
    assert p["LastError"].startswith("ENOENT: no such adapter /dev/i2c-3"), p["LastError"]
    assert p["Bus"] == "/dev/i2c-3"
    assert p["Values"] == {} and p["Timestamp"] == 0
    with dbus_error(E_SENSOR_OFFLINE, "far", "/dev/i2c-3"):
        read(c, far)
    # The daemon and its other sensors carry on.
    wait_online(c, ROOM)
    assert_v1(read(c, ROOM))
    assert pinbus.daemon.running


@pytest.mark.pinbusd(config="""\
[sensor wrong]
model = bme280
bus = 1
address = 0x48
interval = 100ms
""")
def test_wrong_device_at_address(pinbus):
    # The TMP102 at 0x48 answers, but has no BME280 chip id.
    c = pinbus.bus
    wrong = sensor_path("wrong")
    wait_until(lambda: prop(c, wrong, "LastError") != "", 10, "LastError")
    err = prop(c, wrong, "LastError")
    assert prop(c, wrong, "Online") is False
    assert "0x48" in err and "/dev/i2c-1" in err, err


@pytest.mark.pinbusd(config="""\
[sensor nobody]
model = tmp102
bus = 1
address = 0x4a
interval = 100ms
""")
def test_absent_device(pinbus):
    c = pinbus.bus
    nobody = sensor_path("nobody")
    wait_until(lambda: prop(c, nobody, "LastError") != "", 10, "LastError")
    err = prop(c, nobody, "LastError")
    assert re.match(r"^(ENXIO|EREMOTEIO): no acknowledge from /dev/i2c-1 address 0x4a \(tmp102\)", err), err


@pytest.mark.pinbusd(config="""\
[sensor late]
model = tmp102
bus = 1
address = 0x49
interval = 100ms
""")
def test_device_appearing_later_comes_online(pinbus):
    c = pinbus.bus
    late = sensor_path("late")
    wait_until(lambda: prop(c, late, "LastError") != "", 10, "LastError")
    c.call(ROOT, SIMULATOR, "AddI2cDevice", "uqs", 1, 0x49, "tmp102")
    wait_online(c, late, True, timeout=15)
    assert "temperature" in prop(c, late, "Values")


def set_raw(client, address, quantity, raw):
    client.call(ROOT, SIMULATOR, "SetDeviceRaw", "uqsu", 1, address, quantity, raw)


def set_busy(client, address, polls):
    client.call(ROOT, SIMULATOR, "SetDeviceBusy", "uqu", 1, address, polls)


@pytest.mark.pinbusd(config=CONFIG.replace("interval = 1s", "interval = 100ms"))
def test_new_readings_are_published(pinbus):
    c = pinbus.bus
    wait_online(c, OUTSIDE)
    # TMP102 datasheet table 5: 0x1900 is 25 degC, 0xE700 is -25 degC.
    set_raw(c, 0x48, "temperature", 0xE700)
    # A Read shares a measurement in progress (docs/dbus-api.md), and on a slow host the 100 ms
    # sampling may have begun one before SetDeviceRaw was handled: that first reply may still
    # carry the old value. The next Read is a measurement begun after it, so it must see -25.
    first = read(c, OUTSIDE)
    assert first in ({"temperature": -25.0}, {"temperature": 25.0}), first
    assert read(c, OUTSIDE) == {"temperature": -25.0}
    set_raw(c, 0x48, "temperature", 0x1900)
    wait_until(lambda: prop(c, OUTSIDE, "Values") == {"temperature": 25.0}, 10, "25 degC")


@pytest.mark.pinbusd(config=FAST)
def test_implausible_reading_goes_offline(pinbus):
    c = pinbus.bus
    wait_online(c, ROOM)
    # 0x80000: the BME280's "temperature skipped" pattern, no data.
    set_raw(c, 0x76, "temperature", 0x80000)
    wait_online(c, ROOM, False)
    err = prop(c, ROOM, "LastError")
    assert err.startswith("ERANGE: implausible reading from /dev/i2c-1 address 0x76 (bme280)"), err
    with dbus_error(E_SENSOR_OFFLINE, "ERANGE"):
        read(c, ROOM)
    set_raw(c, 0x76, "temperature", 526700)  # V1's adc_T
    wait_online(c, ROOM, True, timeout=15)
    assert_v1(prop(c, ROOM, "Values"))


@pytest.mark.pinbusd(config=FAST)
def test_measurement_that_never_completes_times_out(pinbus):
    c = pinbus.bus
    wait_online(c, ROOM)
    # A few "still measuring" polls are waited out...
    set_busy(c, 0x76, 3)
    assert_v1(read(c, ROOM))
    assert prop(c, ROOM, "Online") is True
    # ...but not forever.
    set_busy(c, 0x76, 1000)
    wait_online(c, ROOM, False)
    err = prop(c, ROOM, "LastError")
    assert err.startswith("ETIMEDOUT: measurement timed out on /dev/i2c-1 address 0x76 (bme280)"), err
    set_busy(c, 0x76, 0)
    wait_online(c, ROOM, True, timeout=15)


ALL_FUNCS = ["i2c", "smbus-byte", "smbus-byte-data", "smbus-word-data", "smbus-i2c-block"]


def set_funcs(client, funcs):
    client.call(ROOT, SIMULATOR, "SetAdapterFuncs", "uas", 1, funcs)


@pytest.mark.pinbusd(config=FAST)
def test_adapter_lacking_a_transfer_type_is_said_in_words(pinbus):
    c = pinbus.bus
    wait_online(c, ROOM)
    # The BME280 driver reads its registers with SMBus I2C block transfers.
    set_funcs(c, [f for f in ALL_FUNCS if f != "smbus-i2c-block"])
    wait_until(lambda: "does not support SMBus I2C block data" in prop(c, ROOM, "LastError"), 10,
               "LastError naming the missing transfer type")
    err = prop(c, ROOM, "LastError")
    assert err.startswith("EOPNOTSUPP: unsupported transfer type for /dev/i2c-1 address 0x76 (bme280)"), err
    assert prop(c, ROOM, "Online") is False
    assert any("SMBus I2C block data" in m.group(0)
               for m in log_lines(pinbus, r"Sensor room is (still )?offline.*"))
    set_funcs(c, ALL_FUNCS)
    wait_online(c, ROOM, True, timeout=15)


MODELS = [  # model, address, the quantities it publishes
    ("bmp280", 0x77, {"temperature", "pressure"}),
    ("tmp102", 0x49, {"temperature"}),
    ("mcp9808", 0x18, {"temperature"}),
    ("ads1115", 0x4a, {"voltage"}),
    ("sht3x", 0x44, {"temperature", "humidity"}),
    ("sht4x", 0x44, {"temperature", "humidity"}),
    ("bh1750", 0x23, {"illuminance"}),
    ("si7021", 0x40, {"temperature", "humidity"}),
    ("htu21d", 0x40, {"temperature", "humidity"}),
]


@pytest.mark.pinbusd(start=False)
@pytest.mark.parametrize("model,address,quantities", MODELS, ids=[m[0] for m in MODELS])
def test_every_model_on_the_simulator(pinbus, model, address, quantities):
    # The device is plugged in after the daemon started: the sensor comes online by itself.
    pinbus.daemon.write_config(f"[sensor s]\nmodel = {model}\nbus = 1\naddress = {address}\ninterval = 100ms\n")
    pinbus.daemon.start()
    c = pinbus.bus
    s = sensor_path("s")
    wait_until(lambda: prop(c, s, "LastError") != "", 10, "the first failure")
    c.call(ROOT, SIMULATOR, "AddI2cDevice", "uqs", 1, address, model)
    wait_online(c, s, True, timeout=15)
    values = read(c, s)
    assert set(values) == quantities, values
    assert prop(c, s, "Model") == model


# --- the simulator's I2C methods --------------------------------------------------

@pytest.mark.pinbusd(config=CONFIG)
def test_simulator_i2c_errors(pinbus):
    c = pinbus.bus
    with dbus_error(E_NO_SUCH_DEVICE, "/dev/i2c-2"):
        set_nak(c, 0x76, True, bus=2)
    with dbus_error(E_NO_SUCH_DEVICE, "0x50", "/dev/i2c-1"):
        set_nak(c, 0x50, True)
    with dbus_error(E_INVALID_ARGS, "0x80"):
        set_nak(c, 0x80, True)
    with dbus_error(E_INVALID_ARGS, "0x76"):
        c.call(ROOT, SIMULATOR, "AddI2cDevice", "uqs", 1, 0x76, "tmp102")
    with dbus_error(E_INVALID_ARGS, "nosuchchip"):
        c.call(ROOT, SIMULATOR, "AddI2cDevice", "uqs", 1, 0x50, "nosuchchip")
    with dbus_error(E_INVALID_ARGS, "pressure", "0x48"):
        set_raw(c, 0x48, "pressure", 1)
    with dbus_error(E_INVALID_ARGS, "loudness"):
        set_raw(c, 0x48, "loudness", 1)
    with dbus_error(E_NO_SUCH_DEVICE, "0x50"):
        set_busy(c, 0x50, 1)
    with dbus_error(E_INVALID_ARGS, "'smbus-quick'"):
        set_funcs(c, ["smbus-quick"])
    with dbus_error(E_NO_SUCH_DEVICE, "/dev/i2c-0"):
        c.call(ROOT, SIMULATOR, "SetAdapterFuncs", "uas", 0, ALL_FUNCS)
    assert pinbus.daemon.running


# --- configuration -------------------------------------------------------------------

def test_bad_sensor_config_is_rejected(tmp_path):
    path = tmp_path / "pinbus.conf"
    path.write_text("[sensor room]\nmodel = bme280\nbus = 1\naddress = 0x99\n")
    p = subprocess.run(pinbusd_command() + ["--check-config", f"--config={path}"], capture_output=True,
                       text=True, stdin=subprocess.DEVNULL, timeout=scaled(20))
    assert p.returncode != 0
    assert f"{path}:4: " in p.stderr and "'address'" in p.stderr, p.stderr


def test_good_sensor_config_is_accepted_without_hardware(tmp_path):
    # bus 7 does not exist here: --check-config touches no hardware.
    path = tmp_path / "pinbus.conf"
    path.write_text(CONFIG + "\n[sensor x]\nmodel = auto\nbus = 7\n")
    p = subprocess.run(pinbusd_command() + ["--check-config", f"--config={path}"], capture_output=True,
                       text=True, stdin=subprocess.DEVNULL, timeout=scaled(20))
    assert p.returncode == 0, p.stderr
    assert "3 sensors" in p.stdout, p.stdout


@pytest.mark.pinbusd(config="[sensor light]\nmodel = bh1750\nbus = 1\naddress = 0x23\ninterval = 1h\n")
def test_stop_answers_waiting_reads(pinbus):
    c = pinbus.bus
    light = sensor_path("light")
    c.call(ROOT, SIMULATOR, "AddI2cDevice", "uqs", 1, 0x23, "bh1750")
    wait_online(c, light, True, timeout=15)
    # A BH1750 measurement takes 180 ms: the Read() waits for it when the daemon is told to stop.
    done = []
    c.conn.call_async("io.pinbus1", light, SENSOR, "Read", "", (), reply_handler=done.append,
                      error_handler=done.append, timeout=scaled(10))
    c.ping()  # the daemon has the Read() in hand
    pinbus.daemon.stop_ok()
    wait_until(lambda: done, 10, "an answer to the waiting Read()")
    e = done[0]
    assert isinstance(e, dbus.exceptions.DBusException), e
    assert e.get_dbus_name() == "io.pinbus1.Error.IOError", e
    assert "light" in e.get_dbus_message() and "stopping" in e.get_dbus_message()


@pytest.mark.pinbusd(config=CONFIG)
def test_stop_with_sensors(pinbus):
    c = pinbus.bus
    wait_online(c, ROOM)
    pinbus.daemon.stop_ok()
