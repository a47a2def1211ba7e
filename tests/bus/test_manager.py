# SPDX-License-Identifier: LGPL-2.1-or-later
"""io.pinbus1.Manager, io.pinbus1.Chip, the ObjectManager and introspection."""

import re
import subprocess
import xml.etree.ElementTree as ET

import dbus
import dbus.exceptions
import pytest

from pbharness import scaled
from pbharness.bus import pinbusd_command
from pbharness.names import (CHIP, CHIP0, LINE, MANAGER, NUM_LINES, OBJECT_MANAGER, ROOT, RPI_NAMES,
                             SIMULATOR, line_path)

LINE_PROPS = {
    "Name": dbus.String, "Chip": dbus.ObjectPath, "Offset": dbus.UInt32, "Used": dbus.Boolean,
    "Consumer": dbus.String, "Owner": dbus.String, "Direction": dbus.String, "Bias": dbus.String,
    "Drive": dbus.String, "Edge": dbus.String, "ActiveLow": dbus.Boolean, "DebounceUs": dbus.UInt64,
    "Value": dbus.Boolean,
}


def test_version(pinbus):
    v = pinbus.bus.manager("Version")
    assert isinstance(v, dbus.String)
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?\S*", str(v)), v
    # The same version as the command line reports.
    p = subprocess.run(pinbusd_command() + ["--version"], capture_output=True, text=True,
                       timeout=scaled(20), stdin=subprocess.DEVNULL)
    assert str(v) in p.stdout


def test_backend_is_simulator(pinbus):
    assert pinbus.bus.manager("Backend") == "simulator"


def test_chips(pinbus):
    chips = pinbus.bus.manager("Chips")
    assert chips.signature == "o"
    assert list(chips) == [CHIP0]


def test_outputs_buttons_sensors_empty(pinbus):
    for prop in ("Outputs", "Buttons", "Sensors"):
        v = pinbus.bus.manager(prop)
        assert v.signature == "o", prop
        assert list(v) == [], prop


def test_manager_get_all(pinbus):
    props = pinbus.bus.get_all(ROOT, MANAGER)
    assert set(props) == {"Version", "Backend", "Chips", "Buttons", "Outputs", "Sensors"}


def test_chip_properties(pinbus):
    props = pinbus.bus.get_all(CHIP0, CHIP)
    assert props["Name"] == "gpiochip0"
    assert props["Label"] == "pinctrl-bcm2711"
    assert props["Path"] == "", "a simulated chip has no device node"
    assert isinstance(props["NumLines"], dbus.UInt32)
    assert props["NumLines"] == NUM_LINES
    lines = [str(p) for p in props["Lines"]]
    assert len(lines) == NUM_LINES
    assert len(set(lines)) == NUM_LINES
    assert lines[:len(RPI_NAMES)] == [line_path(n) for n in RPI_NAMES]


def test_chip_lines_in_offset_order(pinbus):
    lines = [str(p) for p in pinbus.bus.get(CHIP0, CHIP, "Lines")]
    objects = pinbus.bus.call(ROOT, OBJECT_MANAGER, "GetManagedObjects")
    for offset, path in enumerate(lines):
        props = objects[path][LINE]
        assert props["Offset"] == offset, path
        assert props["Chip"] == CHIP0, path


def test_get_managed_objects(pinbus):
    objects = pinbus.bus.call(ROOT, OBJECT_MANAGER, "GetManagedObjects")
    assert CHIP in objects[CHIP0]
    assert objects[CHIP0][CHIP]["Name"] == "gpiochip0"

    line_objects = {str(p): ifaces for p, ifaces in objects.items() if LINE in ifaces}
    assert len(line_objects) == NUM_LINES
    for path, ifaces in line_objects.items():
        props = ifaces[LINE]
        assert set(props) == set(LINE_PROPS), path
        for name, typ in LINE_PROPS.items():
            assert isinstance(props[name], typ), f"{path} {name} is {type(props[name]).__name__}"
        # Nothing is claimed in a fresh daemon.
        assert props["Used"] is not None and not props["Used"], path
        assert props["Owner"] == "", path
        assert props["Consumer"] == "", path

    names = {str(ifaces[LINE]["Name"]) for ifaces in line_objects.values()}
    for n in RPI_NAMES:
        assert n in names
        assert line_path(n) in line_objects


def test_line_names_and_escaping(pinbus):
    props = pinbus.bus.get_all("/io/pinbus1/line/ID_5fSDA", LINE)
    assert props["Name"] == "ID_SDA"
    assert props["Offset"] == 0
    props = pinbus.bus.get_all("/io/pinbus1/line/ID_5fSCL", LINE)
    assert props["Name"] == "ID_SCL"
    assert props["Offset"] == 1
    for offset in range(2, 28):
        props = pinbus.bus.line_props(f"GPIO{offset}")
        assert props["Name"] == f"GPIO{offset}"
        assert props["Offset"] == offset


def test_free_line_defaults(pinbus):
    props = pinbus.bus.line_props("GPIO4")
    assert props["Used"] is not None and not props["Used"]
    assert props["Owner"] == ""
    assert props["Consumer"] == ""
    assert props["Chip"] == CHIP0
    assert props["Direction"] in ("input", "output")
    assert props["Edge"] == "none"
    assert props["DebounceUs"] == 0


def test_introspect_root(pinbus):
    xml = pinbus.bus.introspect(ROOT)
    root = ET.fromstring(xml)
    ifaces = {i.get("name") for i in root.findall("interface")}
    assert {MANAGER, OBJECT_MANAGER, SIMULATOR} <= ifaces
    nodes = {n.get("name") for n in root.findall("node")}
    assert {"chip", "line"} <= nodes
    manager = root.find(f"interface[@name='{MANAGER}']")
    methods = {m.get("name") for m in manager.findall("method")}
    assert methods == {"FindLine", "ClaimLine", "ReleaseLine"}
    claim = manager.find("method[@name='ClaimLine']")
    assert [(a.get("type"), a.get("direction")) for a in claim.findall("arg")] == [
        ("s", "in"), ("a{sv}", "in"), ("o", "out")]


def test_introspect_line(pinbus):
    root = ET.fromstring(pinbus.bus.introspect(line_path("GPIO17")))
    line = root.find(f"interface[@name='{LINE}']")
    assert line is not None
    assert {m.get("name") for m in line.findall("method")} == {"Get", "Set", "Toggle", "Pulse", "Blink"}
    edge = line.find("signal[@name='Edge']")
    assert [a.get("type") for a in edge.findall("arg")] == ["b", "t", "u"]
    props = {p.get("name"): p.get("type") for p in line.findall("property")}
    assert props == {n: t for n, t in {
        "Name": "s", "Chip": "o", "Offset": "u", "Used": "b", "Consumer": "s", "Owner": "s",
        "Direction": "s", "Bias": "s", "Drive": "s", "Edge": "s", "ActiveLow": "b", "DebounceUs": "t",
        "Value": "b"}.items()}


def test_introspect_line_directory(pinbus):
    root = ET.fromstring(pinbus.bus.introspect("/io/pinbus1/line"))
    nodes = {n.get("name") for n in root.findall("node")}
    assert len(nodes) == NUM_LINES
    assert {"GPIO17", "ID_5fSDA"} <= nodes


def test_unknown_line_object_does_not_exist(pinbus):
    with pytest.raises(dbus.exceptions.DBusException) as info:
        pinbus.bus.get("/io/pinbus1/line/NOPE", LINE, "Name")
    assert info.value.get_dbus_name() in ("org.freedesktop.DBus.Error.UnknownObject",
                                          "org.freedesktop.DBus.Error.UnknownInterface")
