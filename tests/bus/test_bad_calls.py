# SPDX-License-Identifier: LGPL-2.1-or-later
"""The bad-call catalogue: malformed D-Bus calls, each with the error name it must get and words
its message must hold, all against one daemon, which must still answer afterwards and exit cleanly.

Each row is (what, path, interface, member, signature, args, error name, fragment): wrong argument
types and counts, unknown objects, interfaces, members and properties, out-of-range values, bad
line specs and settings, busy and missing lines. Rows run in order on one connection (two rows use
a second client), and every mismatch is reported at the end, not only the first.
"""

import dbus
import pytest

from pbharness.names import (
    E_INVALID_ARGS, E_LINE_BUSY, E_NO_SUCH_LINE, E_NOT_OUTPUT, E_SENSOR_OFFLINE, INTROSPECTABLE,
    LINE, MANAGER, OBJECT_MANAGER, OUTPUT, PEER, PROPERTIES, ROOT, SENSOR, SIMULATOR, line_path, output_path,
    sensor_path)

CONFIG = """\
[output porch]
line = GPIO27

[output ghost]
line = GPIO99

[button bell]
line = GPIO17

[sensor room]
model = bme280
bus = 1
address = 0x76

[sensor nowhere]
model = bme280
bus = 7
"""

E = "org.freedesktop.DBus.Error."
E_UNKNOWN_METHOD = E + "UnknownMethod"
E_UNKNOWN_OBJECT = E + "UnknownObject"
E_UNKNOWN_INTERFACE = E + "UnknownInterface"
E_UNKNOWN_PROPERTY = E + "UnknownProperty"
E_READ_ONLY = E + "PropertyReadOnly"

L5 = line_path("GPIO5")
L6 = line_path("GPIO6")
L27 = line_path("GPIO27")
PORCH = output_path("porch")
GHOST = output_path("ghost")
ROOM = sensor_path("room")
NOWHERE = sensor_path("nowhere")
U64 = dbus.UInt64(2**64 - 1)
U32 = dbus.UInt32(2**32 - 1)


def sv(**kw):
    return dbus.Dictionary({k.replace("_", "-"): v for k, v in kw.items()}, signature="sv")


CATALOGUE = [
    # Manager.FindLine
    ("FindLine of an unknown name", ROOT, MANAGER, "FindLine", "s", ("GPIO99",), E_NO_SUCH_LINE, "GPIO99"),
    ("FindLine of an empty spec", ROOT, MANAGER, "FindLine", "s", ("",), E_INVALID_ARGS, None),
    ("FindLine offset past the chip", ROOT, MANAGER, "FindLine", "s", ("gpiochip0:58",), E_NO_SUCH_LINE, "58"),
    ("FindLine negative offset", ROOT, MANAGER, "FindLine", "s", ("gpiochip0:-1",), E_INVALID_ARGS, "gpiochip0:-1"),
    ("FindLine without offset", ROOT, MANAGER, "FindLine", "s", ("gpiochip0:",), E_INVALID_ARGS, "gpiochip0:"),
    ("FindLine without chip", ROOT, MANAGER, "FindLine", "s", (":5",), E_INVALID_ARGS, ":5"),
    ("FindLine huge offset", ROOT, MANAGER, "FindLine", "s", ("gpiochip0:99999999999999999999",), E_INVALID_ARGS,
     None),
    ("FindLine unknown chip", ROOT, MANAGER, "FindLine", "s", ("nochip:1",), E_NO_SUCH_LINE, "nochip"),
    ("FindLine control bytes", ROOT, MANAGER, "FindLine", "s", ("GPIO\x1b[2J17",), E_NO_SUCH_LINE, None),
    ("FindLine very long", ROOT, MANAGER, "FindLine", "s", ("G" * 5000,), E_NO_SUCH_LINE, None),
    ("FindLine with an int", ROOT, MANAGER, "FindLine", "i", (5,), E_INVALID_ARGS, None),
    ("FindLine without args", ROOT, MANAGER, "FindLine", "", (), E_INVALID_ARGS, None),
    ("FindLine with two args", ROOT, MANAGER, "FindLine", "ss", ("GPIO17", "x"), E_INVALID_ARGS, None),
    # Manager.ClaimLine
    ("ClaimLine bad direction", ROOT, MANAGER, "ClaimLine", "sa{sv}", ("GPIO5", sv(direction="sideways")),
     E_INVALID_ARGS, "direction"),
    ("ClaimLine direction not a string", ROOT, MANAGER, "ClaimLine", "sa{sv}",
     ("GPIO5", sv(direction=dbus.Int32(5))), E_INVALID_ARGS, "direction"),
    ("ClaimLine bad bias", ROOT, MANAGER, "ClaimLine", "sa{sv}", ("GPIO5", sv(bias="up")), E_INVALID_ARGS, "bias"),
    ("ClaimLine bad drive", ROOT, MANAGER, "ClaimLine", "sa{sv}", ("GPIO5", sv(direction="output", drive="x")),
     E_INVALID_ARGS, "drive"),
    ("ClaimLine bad edge", ROOT, MANAGER, "ClaimLine", "sa{sv}", ("GPIO5", sv(edge="up")), E_INVALID_ARGS, "edge"),
    ("ClaimLine active-low a string", ROOT, MANAGER, "ClaimLine", "sa{sv}", ("GPIO5", sv(active_low="yes")),
     E_INVALID_ARGS, "active-low"),
    ("ClaimLine debounce-us an int32", ROOT, MANAGER, "ClaimLine", "sa{sv}",
     ("GPIO5", sv(debounce_us=dbus.Int32(-1))), E_INVALID_ARGS, "debounce-us"),
    ("ClaimLine debounce-us huge", ROOT, MANAGER, "ClaimLine", "sa{sv}", ("GPIO5", sv(debounce_us=U64)),
     E_INVALID_ARGS, "debounce"),
    ("ClaimLine value a string", ROOT, MANAGER, "ClaimLine", "sa{sv}",
     ("GPIO5", sv(direction="output", value="on")), E_INVALID_ARGS, "value"),
    ("ClaimLine persist an int", ROOT, MANAGER, "ClaimLine", "sa{sv}", ("GPIO5", sv(persist=dbus.UInt32(1))),
     E_INVALID_ARGS, "persist"),
    ("ClaimLine unknown key", ROOT, MANAGER, "ClaimLine", "sa{sv}", ("GPIO5", sv(colour="red")), E_INVALID_ARGS,
     "colour"),
    ("ClaimLine empty key", ROOT, MANAGER, "ClaimLine", "sa{sv}",
     ("GPIO5", dbus.Dictionary({"": "x"}, signature="sv")), E_INVALID_ARGS, None),
    ("ClaimLine key twice is impossible, a nested variant", ROOT, MANAGER, "ClaimLine", "sa{sv}",
     ("GPIO5", dbus.Dictionary({"direction": dbus.Struct(("input",), signature="s", variant_level=1)},
                               signature="sv")), E_INVALID_ARGS, "direction"),
    ("ClaimLine without settings", ROOT, MANAGER, "ClaimLine", "s", ("GPIO5",), E_INVALID_ARGS, None),
    ("ClaimLine settings as a{ss}", ROOT, MANAGER, "ClaimLine", "sa{ss}",
     ("GPIO5", dbus.Dictionary({"direction": "input"}, signature="ss")), E_INVALID_ARGS, None),
    ("ClaimLine unknown line", ROOT, MANAGER, "ClaimLine", "sa{sv}", ("GPIO99", sv()), E_NO_SUCH_LINE, "GPIO99"),
    ("ClaimLine bad spec", ROOT, MANAGER, "ClaimLine", "sa{sv}", (":5", sv()), E_INVALID_ARGS, ":5"),
    ("ClaimLine an output's line", ROOT, MANAGER, "ClaimLine", "sa{sv}", ("GPIO27", sv()), E_LINE_BUSY, "porch"),
    ("ClaimLine a button's line", ROOT, MANAGER, "ClaimLine", "sa{sv}", ("GPIO17", sv()), E_LINE_BUSY, "bell"),
    ("ClaimLine input with a drive", ROOT, MANAGER, "ClaimLine", "sa{sv}",
     ("GPIO5", sv(direction="input", drive="open-drain")), E_INVALID_ARGS, "drive"),
    ("ClaimLine output with an edge", ROOT, MANAGER, "ClaimLine", "sa{sv}",
     ("GPIO5", sv(direction="output", edge="both")), E_INVALID_ARGS, "edge"),
    # Manager.ReleaseLine
    ("ReleaseLine of an empty spec", ROOT, MANAGER, "ReleaseLine", "s", ("",), E_INVALID_ARGS, None),
    ("ReleaseLine unknown line", ROOT, MANAGER, "ReleaseLine", "s", ("GPIO99",), E_NO_SUCH_LINE, "GPIO99"),
    ("ReleaseLine an output's line", ROOT, MANAGER, "ReleaseLine", "s", ("GPIO27",), E_LINE_BUSY, "porch"),
    ("ReleaseLine with an int", ROOT, MANAGER, "ReleaseLine", "u", (5,), E_INVALID_ARGS, None),
    # Unknown members, interfaces, objects
    ("unknown Manager method", ROOT, MANAGER, "Frobnicate", "", (), E_UNKNOWN_METHOD, "Frobnicate"),
    ("unknown interface", ROOT, "io.pinbus1.Nope", "FindLine", "s", ("GPIO5",), E_UNKNOWN_METHOD, None),
    ("unknown object", "/io/pinbus1/nope", MANAGER, "FindLine", "s", ("GPIO5",), E_UNKNOWN_OBJECT, None),
    ("unknown line object", line_path("NOPE"), LINE, "Get", "", (), E_UNKNOWN_OBJECT, None),
    ("below a line object", L5 + "/extra", LINE, "Get", "", (), E_UNKNOWN_OBJECT, None),
    ("unknown output object", output_path("nope"), OUTPUT, "Set", "b", (True,), E_UNKNOWN_OBJECT, None),
    ("unknown sensor object", sensor_path("nope"), SENSOR, "Read", "", (), E_UNKNOWN_OBJECT, None),
    ("Line method on the Manager", ROOT, LINE, "Get", "", (), E_UNKNOWN_METHOD, None),
    # io.pinbus1.Line
    ("Line.Set with a string", L5, LINE, "Set", "s", ("on",), E_INVALID_ARGS, None),
    ("Line.Set without args", L5, LINE, "Set", "", (), E_INVALID_ARGS, None),
    ("Line.Set with two", L5, LINE, "Set", "bb", (True, True), E_INVALID_ARGS, None),
    ("Line.Get with an arg", L5, LINE, "Get", "b", (True,), E_INVALID_ARGS, None),
    ("Line.Toggle with an arg", L5, LINE, "Toggle", "b", (True,), E_INVALID_ARGS, None),
    ("Line.Pulse of 0 us", L5, LINE, "Pulse", "bt", (True, 0), E_INVALID_ARGS, "GPIO5"),
    ("Line.Pulse forever", L5, LINE, "Pulse", "bt", (True, U64), E_INVALID_ARGS, "GPIO5"),
    ("Line.Pulse without duration", L5, LINE, "Pulse", "b", (True,), E_INVALID_ARGS, None),
    ("Line.Pulse duration as int32", L5, LINE, "Pulse", "bi", (True, 100), E_INVALID_ARGS, None),
    ("Line.Blink of 0 us", L5, LINE, "Blink", "ttu", (0, 0, 0), E_INVALID_ARGS, "GPIO5"),
    ("Line.Blink on forever", L5, LINE, "Blink", "ttu", (U64, 1000, 1), E_INVALID_ARGS, "GPIO5"),
    ("Line.Blink off forever", L5, LINE, "Blink", "ttu", (1000, U64, U32), E_INVALID_ARGS, "GPIO5"),
    ("Line.Blink without count", L5, LINE, "Blink", "tt", (1000, 1000), E_INVALID_ARGS, None),
    ("Line.Set on a button's line", line_path("GPIO17"), LINE, "Set", "b", (True,), E_LINE_BUSY, "bell"),
    ("Line.Pulse on a button's line", line_path("GPIO17"), LINE, "Pulse", "bt", (True, 1000), E_LINE_BUSY, "bell"),
    # io.pinbus1.Output
    ("Output.Set with a string", PORCH, OUTPUT, "Set", "s", ("on",), E_INVALID_ARGS, None),
    ("Output.Set with a byte", PORCH, OUTPUT, "Set", "y", (1,), E_INVALID_ARGS, None),
    ("Output.Pulse of 0 us", PORCH, OUTPUT, "Pulse", "bt", (True, 0), E_INVALID_ARGS, None),
    ("Output.Blink of 0 us", PORCH, OUTPUT, "Blink", "ttu", (0, 0, 1), E_INVALID_ARGS, None),
    ("Output.Toggle with an arg", PORCH, OUTPUT, "Toggle", "u", (1,), E_INVALID_ARGS, None),
    ("Output without a line: Set", GHOST, OUTPUT, "Set", "b", (True,), E_NO_SUCH_LINE, "ghost"),
    ("Output without a line: Toggle", GHOST, OUTPUT, "Toggle", "", (), E_NO_SUCH_LINE, "ghost"),
    ("Output without a line: Blink", GHOST, OUTPUT, "Blink", "ttu", (1000, 1000, 1), E_NO_SUCH_LINE, "ghost"),
    # io.pinbus1.Sensor
    ("Sensor.Read with an arg", ROOM, SENSOR, "Read", "s", ("temperature",), E_INVALID_ARGS, None),
    ("Sensor.Read of a missing bus", NOWHERE, SENSOR, "Read", "", (), E_SENSOR_OFFLINE, "nowhere"),
    # Properties
    ("Get of an unknown property", L5, PROPERTIES, "Get", "ss", (LINE, "Colour"), E_UNKNOWN_PROPERTY, None),
    ("Get of an unknown interface", L5, PROPERTIES, "Get", "ss", ("io.pinbus1.Nope", "Value"),
     E_UNKNOWN_PROPERTY, "io.pinbus1.Nope"),
    ("Get with one arg", L5, PROPERTIES, "Get", "s", (LINE,), E_INVALID_ARGS, None),
    ("GetAll of an unknown interface", L5, PROPERTIES, "GetAll", "s", ("io.pinbus1.Nope",), E_UNKNOWN_INTERFACE,
     None),
    ("Set of a read-only Line.Value", L5, PROPERTIES, "Set", "ssv", (LINE, "Value", True), E_READ_ONLY, None),
    ("Set of a read-only Output.Value", PORCH, PROPERTIES, "Set", "ssv", (OUTPUT, "Value", True), E_READ_ONLY,
     None),
    ("Set of Manager.Version", ROOT, PROPERTIES, "Set", "ssv", (MANAGER, "Version", "9"), E_READ_ONLY, None),
    ("Set of an unknown property", L5, PROPERTIES, "Set", "ssv", (LINE, "Colour", "red"), E_UNKNOWN_PROPERTY,
     None),
    # Standard interfaces
    ("Introspect with an arg", ROOT, INTROSPECTABLE, "Introspect", "s", ("x",), E_INVALID_ARGS, None),
    ("unknown Peer method", ROOT, PEER, "Pong", "", (), E_UNKNOWN_METHOD, None),
    ("GetManagedObjects with an arg", ROOT, OBJECT_MANAGER, "GetManagedObjects", "s", ("x",), E_INVALID_ARGS,
     None),
    # io.pinbus1.Simulator
    ("SetInput of an unknown line", ROOT, SIMULATOR, "SetInput", "sb", ("GPIO99", True), E_NO_SUCH_LINE, "GPIO99"),
    ("SetInput of an empty spec", ROOT, SIMULATOR, "SetInput", "sb", ("", True), E_INVALID_ARGS, None),
    ("SetInput with a string level", ROOT, SIMULATOR, "SetInput", "ss", ("GPIO5", "high"), E_INVALID_ARGS, None),
    ("Bounce of an unknown line", ROOT, SIMULATOR, "Bounce", "sbut", ("GPIO99", True, 3, 1000), E_NO_SUCH_LINE,
     "GPIO99"),
    ("Bounce with too many transitions", ROOT, SIMULATOR, "Bounce", "sbut", ("GPIO5", True, U32, 1000),
     E_INVALID_ARGS, None),
    ("Bounce over forever", ROOT, SIMULATOR, "Bounce", "sbut", ("GPIO5", True, 3, U64), E_INVALID_ARGS, None),
    ("Bounce without span", ROOT, SIMULATOR, "Bounce", "sbu", ("GPIO5", True, 3), E_INVALID_ARGS, None),
    ("Schedule of an unknown line", ROOT, SIMULATOR, "Schedule", "asa(tbut)",
     (["GPIO99"], dbus.Array([], signature="(tbut)")), E_NO_SUCH_LINE, "GPIO99"),
    ("Schedule with a wrong struct", ROOT, SIMULATOR, "Schedule", "asa(tb)",
     (["GPIO5"], dbus.Array([], signature="(tb)")), E_INVALID_ARGS, None),
]


@pytest.mark.pinbusd(config=CONFIG)
def test_bad_calls(pinbus):
    c = pinbus.bus
    failures = []
    for what, path, interface, member, signature, args, name, fragment in CATALOGUE:
        try:
            c.call(path, interface, member, signature, *args)
        except dbus.exceptions.DBusException as e:
            got, msg = e.get_dbus_name(), e.get_dbus_message() or ""
            if got != name or (fragment and fragment not in msg):
                failures.append(f"{what}: expected {name} with {fragment!r}, got {got}: {msg!r}")
        else:
            failures.append(f"{what}: expected {name}, but the call succeeded")
    assert not failures, f"{len(failures)} of {len(CATALOGUE)} calls:\n" + "\n".join(failures)
    assert len(CATALOGUE) >= 60
    # Still alive and answering, and (at the fixture's end) exits with status 0.
    c.ping()
    assert c.line_get("GPIO5") in (True, False)
    assert pinbus.daemon.running


@pytest.mark.pinbusd(config=CONFIG)
def test_bad_calls_on_claimed_lines(pinbus):
    """Calls that are malformed for the state a line is in: another client's line, an input."""
    a, b = pinbus.client(), pinbus.client()
    a.claim("GPIO5", {"direction": "input"})
    a.claim("GPIO6", {"direction": "output"})
    rows = [
        (b, L5, "Set", "b", (True,), E_LINE_BUSY, a.unique_name),
        (b, L6, "Toggle", "", (), E_LINE_BUSY, a.unique_name),
        (b, L6, "Pulse", "bt", (True, 1000), E_LINE_BUSY, a.unique_name),
        (a, L5, "Set", "b", (True,), E_NOT_OUTPUT, "GPIO5"),
        (a, L5, "Blink", "ttu", (1000, 1000, 1), E_NOT_OUTPUT, "GPIO5"),
    ]
    failures = []
    for client, path, member, signature, args, name, fragment in rows:
        try:
            client.call(path, LINE, member, signature, *args)
        except dbus.exceptions.DBusException as e:
            got, msg = e.get_dbus_name(), e.get_dbus_message() or ""
            if got != name or fragment not in msg:
                failures.append(f"{member} on {path}: expected {name} with {fragment!r}, got {got}: {msg!r}")
        else:
            failures.append(f"{member} on {path}: expected {name}, but the call succeeded")
    try:
        b.call(ROOT, MANAGER, "ReleaseLine", "s", "GPIO5")
        failures.append("ReleaseLine of another client's line succeeded")
    except dbus.exceptions.DBusException as e:
        if e.get_dbus_name() != E_LINE_BUSY:
            failures.append(f"ReleaseLine of another client's line: got {e.get_dbus_name()}")
    assert not failures, "\n".join(failures)
    pinbus.bus.ping()
