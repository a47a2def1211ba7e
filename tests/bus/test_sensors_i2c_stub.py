# SPDX-License-Identifier: LGPL-2.1-or-later
"""I2C sensors on the kernel's i2c-stub (real /dev/i2c-N, real i2c-dev ioctls), without --simulate.

Runs in the real-kernel rig's guest as the vm test vm-sensors-i2c-stub (tests/vm/meson.build:
run-vm.sh --i2c-stub=0x76,0x48, where every test must run); it is not in the bus suite, since a
host has no i2c-stub and loading one would change the host's kernel. By hand it runs wherever an
i2c-stub adapter exists or can be loaded (root, modprobe, the module); elsewhere every test is
skipped with the reason. It rewrites the stub's registers and reloads the module.
The stub is preset as VECTORS.md says: a BME280 at 0x76 with V1's registers, and a TMP102 at 0x48
whose temperature register walks the datasheet's table 5. i2c-stub is passive (status bits never
change), which the drivers' forced-mode and one-shot polls must cope with.
"""

import glob
import os
import shutil
import subprocess

import pytest

from pbharness.client import dbus_error, wait_until
from pbharness.names import E_SENSOR_OFFLINE, sensor_path
from test_sensors import assert_v1, prop, read

STUB_NAME = "SMBus stub driver"

V1_PRESET = [
    ["0xD0", "0x60", "b"],
    ["0x88", *"0x10 0x6E 0x6C 0x66 0x32 0x00 0x5D 0x95 0xB8 0xD5 0xD0 0x0B 0x77 0x1E 0x9D 0xFF 0xF9 0xFF "
              "0xAC 0x26 0x0A 0xD8 0xBD 0x10 0x00 0x4B".split(), "i"],
    ["0xE1", *"0x6E 0x01 0x00 0x13 0x05 0x00 0x1E".split(), "i"],
    ["0xF7", *"0x4A 0x52 0xC0 0x80 0x96 0xC0 0x7A 0x76".split(), "i"],
]

# TMP102 datasheet table 5 (12-bit): register bytes MSB, LSB -> degC.
TMP102_TABLE = [(0x19, 0x00, 25.0), (0xE7, 0x00, -25.0), (0xFF, 0xC0, -0.25), (0xC9, 0x00, -55.0),
                (0x7F, 0xF0, 127.9375), (0x00, 0x10, 0.0625), (0xFF, 0xF0, -0.0625)]


def find_stub():
    for d in glob.glob("/sys/class/i2c-adapter/i2c-*"):
        try:
            with open(os.path.join(d, "name")) as f:
                if f.read().strip() == STUB_NAME:
                    return int(d.rsplit("-", 1)[1])
        except (OSError, ValueError):
            continue
    return None


def i2cset(bus, addr, *args):
    subprocess.run(["i2cset", "-y", str(bus), f"0x{addr:02x}", *args], check=True, capture_output=True,
                   text=True, timeout=10)


@pytest.fixture(scope="module")
def stub():
    if not shutil.which("i2cset"):
        pytest.skip("i2cset (Debian package i2c-tools) not installed")
    nr = find_stub()
    if nr is None:
        if os.geteuid() != 0 or not shutil.which("modprobe"):
            pytest.skip("no i2c-stub adapter, and loading one needs root and modprobe "
                        "(the real-kernel rig has them)")
        p = subprocess.run(["modprobe", "i2c-dev"], capture_output=True, text=True)
        p = p if p.returncode else subprocess.run(["modprobe", "i2c-stub", "chip_addr=0x76,0x48"],
                                                  capture_output=True, text=True)
        if p.returncode:
            pytest.skip(f"cannot load i2c-stub: {p.stderr.strip()}")
        nr = find_stub()
    if nr is None or not os.path.exists(f"/dev/i2c-{nr}"):
        pytest.skip("i2c-stub loaded, but no /dev/i2c-N for it (is i2c-dev loaded?)")
    try:
        for args in V1_PRESET:
            i2cset(nr, 0x76, *args)
        i2cset(nr, 0x48, "0x00", "0x0019", "w")
    except subprocess.CalledProcessError as e:
        pytest.skip(f"cannot preset i2c-stub {nr} (loaded with other chip_addr=?): {e.stderr.strip()}")
    # Left loaded: other tests (tests/unit/test-sensor-stub.c) use it too.
    return nr


def start(pinbus, config):
    pinbus.daemon.write_config(config)
    pinbus.daemon.start()


@pytest.mark.pinbusd(simulate=False, start=False)
def test_bme280_v1_through_i2c_dev(pinbus, stub):
    start(pinbus, f"[sensor room]\nmodel = bme280\nbus = {stub}\naddress = 0x76\ninterval = 200ms\n")
    c = pinbus.bus
    room = sensor_path("room")
    wait_until(lambda: prop(c, room, "Online"), 10, "room online")
    assert prop(c, room, "Bus") == f"/dev/i2c-{stub}"
    assert_v1(prop(c, room, "Values"))
    assert_v1(read(c, room))


@pytest.mark.pinbusd(simulate=False, start=False)
def test_tmp102_table_through_i2c_dev(pinbus, stub):
    start(pinbus, f"[sensor t]\nmodel = tmp102\nbus = /dev/i2c-{stub}\naddress = 0x48\ninterval = 1h\n")
    c = pinbus.bus
    t = sensor_path("t")
    wait_until(lambda: prop(c, t, "Online"), 10, "t online")
    for msb, lsb, degc in TMP102_TABLE:
        # i2c-stub keeps a word register as one 16-bit cell whose low byte goes first on the wire.
        i2cset(stub, 0x48, "0x00", f"0x{lsb << 8 | msb:04x}", "w")
        assert read(c, t) == {"temperature": degc}, (hex(msb), hex(lsb))


@pytest.mark.pinbusd(simulate=False, start=False)
def test_absent_device_and_adapter_on_the_kernel(pinbus, stub):
    """A sensor at an address the stub does not answer (a BME280 strapped to 0x77, say) and one on an
    adapter that does not exist are offline, with errors naming the errno, adapter and address."""
    start(pinbus, f"[sensor gone]\nmodel = bme280\nbus = {stub}\naddress = 0x77\ninterval = 100ms\n"
                  "[sensor nobus]\nmodel = tmp102\nbus = 250\naddress = 0x48\ninterval = 100ms\n")
    c = pinbus.bus
    gone = sensor_path("gone")
    nobus = sensor_path("nobus")
    wait_until(lambda: prop(c, gone, "LastError") and prop(c, nobus, "LastError"), 10, "both errors")
    # i2c-stub answers an address outside its chip_addr with ENODEV, which an adapter's driver
    # means as no acknowledge (Documentation/i2c/fault-codes.rst reserves ENODEV for a probe finding
    # the wrong device): the daemon reports the no-acknowledge family, not a wrong chip.
    err = prop(c, gone, "LastError")
    assert err.startswith(f"ENXIO: no acknowledge from /dev/i2c-{stub} address 0x77 (bme280)"), err
    assert prop(c, gone, "Bus") == f"/dev/i2c-{stub}" and prop(c, gone, "Address") == 0x77
    assert prop(c, nobus, "LastError").startswith("ENOENT: no such adapter /dev/i2c-250")
    assert prop(c, gone, "Online") is False and prop(c, nobus, "Online") is False
    with dbus_error(E_SENSOR_OFFLINE, "gone", "ENXIO", f"/dev/i2c-{stub}", "0x77"):
        read(c, gone)


def unload_stub():
    p = subprocess.run(["modprobe", "-r", "i2c-stub"], capture_output=True, text=True)
    if p.returncode:
        pytest.skip(f"cannot unload i2c-stub: {p.stderr.strip()}")


@pytest.mark.pinbusd(simulate=False, start=False)
def test_adapter_appearing_after_the_daemon(pinbus, stub):
    """The adapter's module loaded after the daemon started (i2c-dev or a bus driver late at boot):
    the sensor is offline with ENOENT, then comes online by itself on the new /dev/i2c-N.

    (The opposite, the adapter going away under the daemon, cannot be made with i2c-stub: an open
    /dev/i2c-N holds a reference on the adapter's module, so modprobe -r refuses while the daemon
    runs; tests/bus/test_sensors.py covers it with the simulator.)"""
    if os.geteuid() != 0 or not shutil.which("modprobe"):
        pytest.skip("unloading i2c-stub needs root and modprobe")
    unload_stub()
    try:
        start(pinbus, f"[sensor room]\nmodel = bme280\nbus = {stub}\naddress = 0x76\ninterval = 100ms\n")
        c = pinbus.bus
        room = sensor_path("room")
        wait_until(lambda: prop(c, room, "LastError"), 10, "room's error")
        assert prop(c, room, "LastError").startswith(f"ENOENT: no such adapter /dev/i2c-{stub}")
        assert prop(c, room, "Online") is False
    finally:
        subprocess.run(["modprobe", "i2c-stub", "chip_addr=0x76,0x48"], check=True, capture_output=True)
    if find_stub() != stub:
        pytest.fail(f"i2c-stub came back as another bus than i2c-{stub}")
    for args in V1_PRESET:
        i2cset(stub, 0x76, *args)
    i2cset(stub, 0x48, "0x00", "0x0019", "w")
    # The backoff is capped at 32 intervals (3.2 s): the new adapter is found by then.
    wait_until(lambda: prop(c, room, "Online"), 15, "room online on the late adapter")
    assert prop(c, room, "LastError") == ""
    assert_v1(read(c, room))
    # And now that the daemon holds it, the module stays: an open adapter cannot go away under it.
    p = subprocess.run(["modprobe", "-r", "i2c-stub"], capture_output=True, text=True)
    assert p.returncode != 0 and "in use" in p.stderr, (p.returncode, p.stderr)
    assert_v1(read(c, room))
