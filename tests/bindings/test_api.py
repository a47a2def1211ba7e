# SPDX-License-Identifier: LGPL-2.1-or-later
"""The pinbus Python API against `pinbusd --simulate`: manager, lookup, claims,
line properties and operations, and the mapping of D-Bus errors."""

import os
import re
import subprocess
import sys
import time
from datetime import timedelta

import dbus
import pytest
from pbharness import BINDINGS_PYTHON, scaled
from pbharness.bus import Pinbusd, PrivateBus
from pbharness.cli import cli_env
from pbharness.client import poll_until

import pinbus
from pinbus import client


# -- manager ---------------------------------------------------------------


def test_manager_properties(pb):
    assert re.fullmatch(r"\d+\.\d+\.\d+", pb.version)
    assert pb.backend == "simulator"
    assert pb.outputs == []
    [chip] = pb.chips
    assert isinstance(chip, pinbus.Chip)
    assert chip.path == "/io/pinbus1/chip/gpiochip0"
    assert chip.name == "gpiochip0"
    assert chip.label == "pinctrl-bcm2711"
    assert chip.device == ""
    assert chip.num_lines == 58
    assert len(chip.lines) == 58
    assert chip.properties()["Label"] == "pinctrl-bcm2711"


def test_lines_lists_every_line_in_order(pb):
    lines = pb.lines
    assert len(lines) == 58
    assert [line.spec for line in lines[:4]] == ["ID_SDA", "ID_SCL", "GPIO2", "GPIO3"]
    assert lines[17] == pb.line("GPIO17")
    assert [line.offset for line in lines[:3]] == [0, 1, 2]


def test_unique_name_and_plain_types(pb):
    assert pb.unique_name.startswith(":")
    line = pb.line("GPIO17")
    # Plain Python values, not dbus-python types.
    for v, t in ((line.name, str), (line.offset, int), (line.used, bool), (line.value, bool),
                 (line.debounce_us, int), (pb.version, str)):
        assert type(v) is t


# -- finding lines -------------------------------------------------------


def test_line_by_name_and_by_chip_offset(pb):
    line = pb.line("GPIO17")
    assert isinstance(line, pinbus.Line)
    assert line.path == "/io/pinbus1/line/GPIO17"
    assert line.spec == "GPIO17"
    assert pb.line("gpiochip0:17") == line
    assert pb.line("pinctrl-bcm2711:17") == line
    assert repr(line) == "<pinbus.Line GPIO17>"


def test_line_path_escaping(pb):
    line = pb.line("ID_SDA")
    assert line.path == "/io/pinbus1/line/ID_5fSDA"
    assert line.spec == "ID_SDA"
    assert line.name == "ID_SDA"
    assert client.encode_path_element("ID_SDA") == "ID_5fSDA"
    assert client.decode_path_element("ID_5fSDA") == "ID_SDA"
    assert client.encode_path_element("") == "_"
    assert client.decode_path_element("_") == ""
    assert client.decode_path_element(client.encode_path_element("a-b.c/ü")) == "a-b.c/ü"


def test_free_line_properties(pb):
    line = pb.line("GPIO17")
    assert line.name == "GPIO17"
    assert line.chip == pb.chips[0]
    assert line.offset == 17
    assert line.used is False
    assert line.consumer == ""
    assert line.owner == ""
    assert line.direction == "input"
    assert line.bias in ("as-is", "disabled", "pull-up", "pull-down")
    assert line.drive == "push-pull"
    assert line.edge == "none"
    assert line.active_low is False
    assert line.debounce_us == 0
    assert line.value is False
    props = line.properties()
    assert props["Name"] == "GPIO17" and props["Offset"] == 17


# -- claims ----------------------------------------------------------------


def test_claim_input_with_settings(pb):
    line = pb.claim("GPIO17", bias="pull-up", edge="both", active_low=True, debounce_us=5000)
    assert line == pb.line("GPIO17")
    assert line.used is True
    assert line.consumer == "pinbusd"
    assert line.owner == pb.unique_name
    assert line.direction == "input"
    assert line.bias == "pull-up"
    assert line.edge == "both"
    assert line.active_low is True
    assert line.debounce_us == 5000


def test_claim_output_with_value_and_drive(pb):
    line = pb.claim("GPIO22", direction="output", value=True, drive="open-drain")
    assert line.direction == "output"
    assert line.drive == "open-drain"
    assert line.value is True
    assert line.get() is True
    line.set(False)
    assert line.get() is False


def test_claim_accepts_a_line_and_reconfigures(pb):
    line = pb.claim(pb.line("GPIO23"))
    assert line.direction == "input"
    pb.claim(line, direction="output", value=True)
    assert line.direction == "output"
    assert line.value is True
    assert line.owner == pb.unique_name


def test_claim_sends_only_given_keys_with_dbus_types(pb, monkeypatch):
    sent = []
    real = pb.bus.call_blocking

    def spy(bus_name, path, iface, method, signature, args, *a, **kw):
        if method == "ClaimLine":
            sent.append((signature, args))
        return real(bus_name, path, iface, method, signature, args, *a, **kw)

    monkeypatch.setattr(pb.bus, "call_blocking", spy)
    pb.claim("GPIO5")
    pb.claim("GPIO6", direction="output", bias="pull-down", drive="open-source", edge="none",
             active_low=False, debounce_us=0, value=True, persist=False)
    pb.claim("GPIO7", edge="rising", debounce_us=1500)
    assert [s for s, _ in sent] == ["sa{sv}"] * 3
    assert sent[0][1][1] == {"direction": "input"}
    settings = sent[1][1][1]
    assert set(settings) == {"direction", "bias", "drive", "edge", "active-low", "debounce-us",
                             "value", "persist"}
    for key in ("direction", "bias", "drive", "edge"):
        assert type(settings[key]) is dbus.String
    for key in ("active-low", "value", "persist"):
        assert type(settings[key]) is dbus.Boolean
    assert type(settings["debounce-us"]) is dbus.UInt64
    assert set(sent[2][1][1]) == {"direction", "edge", "debounce-us"}
    assert pb.line("GPIO7").debounce_us == 1500


def test_claim_negative_debounce_is_refused_locally(pb):
    with pytest.raises(ValueError):
        pb.claim("GPIO5", debounce_us=-1)
    assert pb.line("GPIO5").used is False


def test_release(pb):
    line = pb.claim("GPIO17")
    line.release()
    assert line.used is False
    assert line.owner == ""
    pb.claim("GPIO17")
    pb.release("GPIO17")
    assert line.used is False
    pb.release("GPIO17")  # a free line: no-op
    pb.release(line)


def test_claim_ends_when_the_client_closes(daemon, pb):
    with pinbus.Pinbus(address=daemon.address) as p2:
        line = p2.claim("GPIO18")
        assert line.owner == p2.unique_name
    poll_until(lambda: not pb.line("GPIO18").used, what="GPIO18 to be released")
    assert pb.line("GPIO18").owner == ""


def test_persistent_claim_outlives_the_client(daemon, pb):
    with pinbus.Pinbus(address=daemon.address) as p2:
        p2.claim("GPIO19", direction="output", value=True, persist=True)
    line = pb.line("GPIO19")
    poll_until(lambda: line.owner == "", what="GPIO19's owner to go")
    assert line.used is True
    assert line.value is True
    line.release()  # held by the daemon now: anyone may release it
    assert line.used is False


# -- operations --------------------------------------------------------------


def test_set_get_toggle_on_a_free_line(pb):
    line = pb.line("GPIO27")
    assert line.get() is False
    line.set(True)
    assert line.get() is True
    assert line.value is True
    assert line.used is True
    assert line.direction == "output"
    assert line.owner == ""  # held by the daemon, not by this client
    line.toggle()
    assert line.get() is False
    line.toggle()
    assert line.value is True
    line.release()
    assert line.used is False


def test_get_reads_a_simulated_input(pb, sim):
    line = pb.line("GPIO5")
    sim.set_input("GPIO5", True)
    assert line.get() is True
    sim.set_input("GPIO5", False)
    assert line.get() is False
    pb.claim("GPIO5", active_low=True)
    assert line.get() is True


def wait_value(line, value, seconds=5):
    poll_until(lambda: line.value is value, seconds, f"{line.spec} to become {value}")


def test_pulse(pb):
    line = pb.line("GPIO27")
    line.set(False)
    start = time.monotonic()
    line.pulse(True, 0.2)
    assert line.value is True
    wait_value(line, False)
    assert time.monotonic() - start >= 0.19
    line.pulse(False, timedelta(milliseconds=50))
    assert line.value is False
    wait_value(line, True)


def test_pulse_replaced_by_set(pb):
    line = pb.line("GPIO27")
    line.pulse(True, 0.2)
    line.set(True)
    time.sleep(scaled(0.4))
    assert line.value is True


def value_changes(pb, line, until):
    """Records Value changes of line (PropertiesChanged) while run() lasts."""
    seen = []

    def on_changed(iface, changed, invalidated):
        if "Value" in changed:
            seen.append(bool(changed["Value"]))
            if until(seen):
                pb.stop()

    match = pb.bus.add_signal_receiver(on_changed, "PropertiesChanged",
                                       "org.freedesktop.DBus.Properties", "io.pinbus1", line.path)
    return seen, match


def test_blink_count(pb):
    line = pb.line("GPIO26")
    line.set(False)
    seen, match = value_changes(pb, line, lambda s: len(s) >= 6)
    start = time.monotonic()
    line.blink(0.05, 0.05, count=3)
    assert pb.run(timeout=scaled(5)) is True, f"only saw {seen}"
    match.remove()
    assert seen == [True, False, True, False, True, False]
    assert time.monotonic() - start >= 0.24
    time.sleep(scaled(0.2))
    assert line.value is False


def test_blink_forever_until_set(pb):
    line = pb.line("GPIO26")
    seen, match = value_changes(pb, line, lambda s: len(s) >= 4)
    line.blink(timedelta(milliseconds=20), 0.02)
    assert pb.run(timeout=scaled(5)) is True
    line.set(False)
    pb.run(timeout=0.1)  # drain the changes already sent
    n = len(seen)
    pb.run(timeout=0.2)
    match.remove()
    assert len(seen) == n
    assert line.value is False


def test_duration_conversion():
    assert client.to_us(1.5) == 1_500_000
    assert client.to_us(0.2) == 200_000
    assert client.to_us(1) == 1_000_000
    assert client.to_us(0.0000014) == 1
    assert client.to_us(timedelta(milliseconds=20)) == 20_000
    assert client.to_us(0) == 0
    with pytest.raises(ValueError):
        client.to_us(-0.5)
    with pytest.raises(ValueError):
        client.to_us(float("inf"))
    with pytest.raises(TypeError):
        client.to_us("1s")
    with pytest.raises(TypeError):
        client.to_us(True)


def test_bad_durations(pb):
    line = pb.line("GPIO27")
    with pytest.raises(pinbus.InvalidArgs, match="GPIO27"):
        line.pulse(True, 0)
    with pytest.raises(pinbus.InvalidArgs, match="GPIO27"):
        line.blink(0.0005, 1)
    with pytest.raises(pinbus.InvalidArgs, match="GPIO27"):
        line.pulse(True, 25 * 3600)
    with pytest.raises(ValueError):
        line.pulse(True, -1)
    with pytest.raises(ValueError):
        line.blink(0.1, 0.1, count=-1)
    with pytest.raises(ValueError):
        line.blink(0.1, 0.1, count=2**32)


# -- errors ----------------------------------------------------------------


def test_no_such_line(pb):
    with pytest.raises(pinbus.NoSuchLine) as e:
        pb.line("NOPE")
    assert isinstance(e.value, pinbus.PinbusError)
    assert e.value.name == "io.pinbus1.Error.NoSuchLine"
    assert "NOPE" in e.value.message
    assert str(e.value) == e.value.message
    with pytest.raises(pinbus.NoSuchLine, match="gpiochip0"):
        pb.line("gpiochip0:99")
    with pytest.raises(pinbus.NoSuchLine, match="nochip"):
        pb.claim("nochip:1")
    with pytest.raises(pinbus.NoSuchLine):
        pb.release("NOPE")


def test_invalid_args(pb):
    with pytest.raises(pinbus.InvalidArgs) as e:
        pb.line("")
    assert e.value.name == "org.freedesktop.DBus.Error.InvalidArgs"
    with pytest.raises(pinbus.InvalidArgs, match="bias.*GPIO17"):
        pb.claim("GPIO17", bias="sideways")
    with pytest.raises(pinbus.InvalidArgs, match="direction.*GPIO17"):
        pb.claim("GPIO17", direction="both")
    with pytest.raises(pinbus.InvalidArgs, match="GPIO17.*value"):
        pb.claim("GPIO17", value=True)  # an initial value needs direction=output
    assert pb.line("GPIO17").used is False


def test_line_busy(pb, other):
    theirs = other.claim("GPIO17")
    line = pb.line("GPIO17")
    for call in (lambda: line.set(True), line.toggle, lambda: line.pulse(True, 0.1),
                 lambda: line.blink(0.1, 0.1), lambda: pb.claim("GPIO17"), line.release):
        with pytest.raises(pinbus.LineBusy) as e:
            call()
        assert e.value.name == "io.pinbus1.Error.LineBusy"
        assert "GPIO17" in str(e.value)
    assert theirs.owner == other.unique_name


def test_not_output(pb):
    line = pb.claim("GPIO17")
    with pytest.raises(pinbus.NotOutput, match="GPIO17") as e:
        line.set(True)
    assert e.value.name == "io.pinbus1.Error.NotOutput"
    with pytest.raises(pinbus.NotOutput):
        line.toggle()


def test_no_such_output(pb):
    with pytest.raises(pinbus.NoSuchDevice, match="porch") as e:
        pb.output("porch")
    assert e.value.name == "io.pinbus1.Error.NoSuchDevice"


def test_error_classes():
    e = pinbus.errors.from_dbus(dbus.exceptions.DBusException(
        "gone", name="io.pinbus1.Error.IOError"))
    assert type(e) is pinbus.DeviceIOError and e.name == "io.pinbus1.Error.IOError"
    e = pinbus.errors.from_dbus(dbus.exceptions.DBusException(
        "off", name="io.pinbus1.Error.SensorOffline"))
    assert type(e) is pinbus.SensorOffline
    e = pinbus.errors.from_dbus(dbus.exceptions.DBusException(
        "what", name="org.example.Error.Strange"))
    assert type(e) is pinbus.PinbusError and e.name == "org.example.Error.Strange"
    assert str(e) == "what"


def test_daemon_not_running(bus):
    with pinbus.Pinbus(address=bus.address) as p:
        with pytest.raises(pinbus.PinbusError) as e:
            p.version
    assert type(e.value) is pinbus.PinbusError
    assert e.value.name == "org.freedesktop.DBus.Error.ServiceUnknown"


def test_no_bus(tmp_path):
    with pytest.raises(pinbus.PinbusError) as e:
        pinbus.Pinbus(address=f"unix:path={tmp_path}/nothing")
    assert e.value.name.startswith("org.freedesktop.DBus.Error.")


@pytest.fixture
def restricted(tmp_path):
    """A bus whose policy refuses line changes (as the installed policy does for
    users outside group gpio), with its own daemon."""
    b = PrivateBus(tmp_path / "restricted", extra_rules="""
    <deny send_destination="io.pinbus1" send_interface="io.pinbus1.Line" send_member="Set"/>
    <deny send_destination="io.pinbus1" send_interface="io.pinbus1.Manager" send_member="ClaimLine"/>
""")
    d = Pinbusd(b.address, tmp_path / "daemon")
    try:
        d.start()
        yield b
        d.stop_ok()
    finally:
        d.close()
        b.stop()


def test_access_denied(restricted):
    with pinbus.Pinbus(address=restricted.address) as p:
        line = p.line("GPIO17")  # reading stays allowed
        assert line.get() is False
        with pytest.raises(pinbus.AccessDenied) as e:
            line.set(True)
        assert e.value.name == "org.freedesktop.DBus.Error.AccessDenied"
        with pytest.raises(pinbus.AccessDenied):
            p.claim("GPIO17")
        assert line.used is False


# -- buses -------------------------------------------------------------------

SNIPPET = "import pinbus; p = pinbus.Pinbus({}); print(p.backend, p.line('GPIO4').path)"


@pytest.mark.parametrize("how,variable", [("session=True", "DBUS_SESSION_BUS_ADDRESS"),
                                          ("", "DBUS_SYSTEM_BUS_ADDRESS")])
def test_session_and_system_bus(daemon, how, variable):
    # In a fresh process: libdbus reads the bus addresses from the environment once.
    env = cli_env(**{variable: daemon.address})
    env.pop("DBUS_SESSION_BUS_ADDRESS" if variable == "DBUS_SYSTEM_BUS_ADDRESS"
            else "DBUS_SYSTEM_BUS_ADDRESS", None)
    r = subprocess.run([sys.executable, "-c", SNIPPET.format(how)], capture_output=True, text=True,
                       env=env, timeout=scaled(30))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "simulator /io/pinbus1/line/GPIO4\n"


def test_package_imports_from_source_tree():
    assert os.path.dirname(pinbus.__file__) == str(BINDINGS_PYTHON / "pinbus")
