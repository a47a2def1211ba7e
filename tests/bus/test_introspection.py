# SPDX-License-Identifier: LGPL-2.1-or-later
"""The live daemon serves exactly the API of io.pinbus1.xml (PINBUS_API_XML), member by member.

pinbusd --simulate runs with a configuration that makes an object of every kind exist (the manager
and the simulator at /io/pinbus1, the chip, its lines, an output, a button, a sensor). The test walks
the whole object tree from /io/pinbus1 through Introspect and compares every io.pinbus1.* interface
of every object with the XML's: methods, signals and properties, argument names, types, directions
and order, property types, access and annotations (see tests/pbharness/xml.py for what is normalised).
The standard org.freedesktop.DBus.* interfaces are sd-bus's and are not compared.
"""

import os
import xml.etree.ElementTree as ET

import pytest

from pbharness import xml as dbus_xml
from pbharness.names import ROOT

CONFIG = """\
[output porch]
line = GPIO27

[button doorbell]
line = GPIO17
bias = pull-up
active-low = yes

[sensor room]
model = bme280
bus = 1
address = 0x76
interval = 1h
"""

# Where each interface must be found (one object of each kind at least); every object found
# is compared, these are only there to prove that the configuration did make every kind exist.
EXPECTED_AT = {
    "io.pinbus1.Manager": ROOT,
    "io.pinbus1.Simulator": ROOT,
    "io.pinbus1.Chip": "/io/pinbus1/chip/gpiochip0",
    "io.pinbus1.Line": "/io/pinbus1/line/GPIO17",
    "io.pinbus1.Output": "/io/pinbus1/output/porch",
    "io.pinbus1.Button": "/io/pinbus1/button/doorbell",
    "io.pinbus1.Sensor": "/io/pinbus1/sensor/room",
}


def api_xml():
    path = os.environ.get("PINBUS_API_XML")
    if not path:
        pytest.fail("PINBUS_API_XML (daemon/bus/io.pinbus1.xml) not set; run through `meson test`")
    with open(path, encoding="utf-8") as f:
        return dbus_xml.interfaces(f.read())


def walk(client, path="/io/pinbus1"):
    """{path: Introspect reply} of path and every object below it."""
    text = client.introspect(path)
    out = {path: text}
    for child in dbus_xml.parse_tree(text).findall("node"):
        out.update(walk(client, path.rstrip("/") + "/" + child.get("name")))
    return out


@pytest.mark.pinbusd(config=CONFIG)
def test_every_object_serves_the_xml(pinbus):
    expected = api_xml()
    assert set(EXPECTED_AT) == set(expected), (
        "the XML's interfaces and this test's list of object kinds differ: give the test an object "
        f"of each new kind. XML: {sorted(expected)}, test: {sorted(EXPECTED_AT)}")

    tree = walk(pinbus.bus)
    seen = {name: [] for name in expected}
    diffs = {}  # difference -> the paths showing it (the 58 lines tend to agree)
    for path, text in sorted(tree.items()):
        for name, live in dbus_xml.interfaces(text).items():
            if name not in expected:
                diffs.setdefault(f"{name} is served but the XML does not define it", []).append(path)
                continue
            seen[name].append(path)
            for d in dbus_xml.differences(expected[name], live):
                diffs.setdefault(d, []).append(path)
    for name, path in EXPECTED_AT.items():
        assert path in seen[name], f"{name} not found at {path} (found at {seen[name][:3]})"
    # Every line is compared, not only one: all 58 of the simulated chip.
    assert len(seen["io.pinbus1.Line"]) == 58
    assert not diffs, f"{len(diffs)} difference(s) between the XML and the live daemon:\n" + "\n".join(
        f"{d} (at {paths[0]}" + (f" and {len(paths) - 1} more)" if len(paths) > 1 else ")")
        for d, paths in diffs.items())


@pytest.mark.pinbusd(config=CONFIG)
def test_comparison_sees_a_difference(pinbus):
    """The comparison is not blind: one renamed argument, a changed annotation, a missing member."""
    expected = api_xml()
    live = dbus_xml.interfaces(pinbus.bus.introspect("/io/pinbus1/line/GPIO17"))["io.pinbus1.Line"]
    assert dbus_xml.differences(expected["io.pinbus1.Line"], live) == []

    root = ET.fromstring(pinbus.bus.introspect("/io/pinbus1/line/GPIO17"))
    line = next(i for i in root.findall("interface") if i.get("name") == "io.pinbus1.Line")
    next(m for m in line.findall("method") if m.get("name") == "Pulse").find("arg").set("name", "level")
    const = ET.SubElement(next(p for p in line.findall("property") if p.get("name") == "Used"), "annotation")
    const.set("name", dbus_xml.EMITS_CHANGED)
    const.set("value", "const")
    line.remove(next(s for s in line.findall("signal") if s.get("name") == "Edge"))
    changed = dbus_xml.interfaces(ET.tostring(root, encoding="unicode"))["io.pinbus1.Line"]
    diffs = dbus_xml.differences(expected["io.pinbus1.Line"], changed)
    assert len(diffs) == 3, diffs
    assert any("Pulse" in d and "level" in d for d in diffs), diffs
    assert any("Used" in d and "const" in d for d in diffs), diffs
    assert any("signal Edge is in the XML but not in the daemon" in d for d in diffs), diffs
