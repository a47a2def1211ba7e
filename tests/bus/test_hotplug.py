# SPDX-License-Identifier: LGPL-2.1-or-later
"""A chip going away and coming back while the daemon runs, with the simulator's Unplug and Plug:
objects leave and return on the bus, claims end, configured outputs are re-established."""

import pytest

from pbharness.client import dbus_error, native, wait_until
from pbharness.names import (BUTTON, CHIP0, E_NO_SUCH_LINE, LINE, MANAGER, NUM_LINES, OBJECT_MANAGER, OUTPUT,
                             ROOT, RPI_NAMES, SIMULATOR, line_path, output_path)

E_NO_SUCH_DEVICE = "io.pinbus1.Error.NoSuchDevice"
LABEL = "pinctrl-bcm2711"


def unplug(c, chip=LABEL):
    c.call(ROOT, SIMULATOR, "Unplug", "s", chip)


def plug(c, chip=LABEL):
    c.call(ROOT, SIMULATOR, "Plug", "s", chip)


def managed_paths(c):
    return {str(p) for p in c.call(ROOT, OBJECT_MANAGER, "GetManagedObjects")}


def test_objects_leave_and_return(pinbus):
    c = pinbus.bus
    rec = pinbus.recorder().watch(OBJECT_MANAGER).watch_properties(ROOT)
    before = managed_paths(c)
    assert CHIP0 in before and line_path("GPIO17") in before

    unplug(c)
    rec.sync()
    removed = {s.args[0]: [str(i) for i in s.args[1]] for s in rec.of("InterfacesRemoved")}
    assert "io.pinbus1.Chip" in removed[CHIP0]
    assert len(removed) == NUM_LINES + 1
    assert all(LINE in removed[line_path(n)] for n in RPI_NAMES)
    assert [] in rec.values(ROOT, MANAGER, "Chips")
    assert list(c.manager("Chips")) == []
    assert CHIP0 not in managed_paths(c) and line_path("GPIO17") not in managed_paths(c)
    with dbus_error(E_NO_SUCH_LINE, "GPIO17"):
        c.find_line("GPIO17")

    rec.clear()
    plug(c)
    rec.sync()
    added = {str(s.args[0]): native(s.args[1]) for s in rec.of("InterfacesAdded")}
    assert len(added) == NUM_LINES + 1
    assert added[CHIP0]["io.pinbus1.Chip"]["Label"] == LABEL
    assert added[line_path("GPIO17")][LINE]["Offset"] == 17
    assert [CHIP0] in rec.values(ROOT, MANAGER, "Chips")
    assert managed_paths(c) == before
    assert c.find_line("GPIO17") == line_path("GPIO17")


def test_claims_end_with_the_chip(pinbus):
    c = pinbus.bus
    c.claim("GPIO17", {"direction": "input", "edge": "both"})
    c.claim("GPIO18", {"direction": "output", "value": True})
    c.line_blink("GPIO19", 10000, 10000, 0)  # held by the daemon
    unplug(c)
    plug(c)
    for name in ("GPIO17", "GPIO18", "GPIO19"):
        props = native(c.line_props(name))
        assert (props["Used"], props["Owner"], props["Consumer"]) == (False, "", ""), (name, props)
    # The lines can be claimed again, by anyone.
    other = pinbus.client()
    other.claim("GPIO17", {"direction": "input"})
    assert other.line("GPIO17", "Owner") == other.unique_name


def test_simulated_levels_survive(pinbus):
    c = pinbus.bus
    c.set_input("GPIO22", True)
    unplug(c)
    plug(c)
    assert c.line_get("GPIO22") is True


@pytest.mark.pinbusd(config="[output porch]\nline = GPIO27\ninitial = on\n")
def test_configured_output_comes_back(pinbus):
    c = pinbus.bus
    c.output_call("porch", "Set", "b", False)
    rec = pinbus.recorder().watch_properties(output_path("porch"))

    unplug(c)
    wait_until(lambda: "/" in rec.values(output_path("porch"), OUTPUT, "Line"), 5, "Output.Line to become /")
    with dbus_error(E_NO_SUCH_LINE, "porch"):
        c.output_call("porch", "Set", "b", True)

    plug(c)
    wait_until(lambda: line_path("GPIO27") in rec.values(output_path("porch"), OUTPUT, "Line"), 5,
               "Output.Line to come back")
    assert native(c.output("porch", "Value")) is False, "re-established with the value it last settled at"
    props = native(c.line_props("GPIO27"))
    assert props["Used"] and props["Consumer"] == "pinbusd" and props["Direction"] == "output"
    assert props["Value"] is False
    c.output_call("porch", "Set", "b", True)
    assert c.line("GPIO27", "Value")


def test_unplug_and_plug_errors(pinbus):
    c = pinbus.bus
    with dbus_error(E_NO_SUCH_DEVICE, "nochip"):
        unplug(c, "nochip")
    with dbus_error(E_NO_SUCH_DEVICE, LABEL):
        plug(c)
    unplug(c, "gpiochip0")
    with dbus_error(E_NO_SUCH_DEVICE, LABEL):
        unplug(c)
    plug(c, "gpiochip0")


def test_stops_cleanly_with_a_chip_unplugged(pinbus):
    c = pinbus.bus
    c.claim("GPIO17", {"direction": "input", "edge": "both"})
    unplug(c)
    c.ping()
    pinbus.daemon.stop_ok()



# No bias: requesting with pull-up would set the simulated level high again when the line returns.
DOORBELL = """[button doorbell]
line = GPIO17
active-low = yes
debounce = 20ms
hold-time = 1s
"""
BUTTON_PATH = "/io/pinbus1/button/doorbell"


@pytest.mark.pinbusd(config=DOORBELL)
def test_configured_button_comes_back(pinbus):
    """A pressed button whose chip goes away reports Released (never a Pressed without one), waits
    without a line, and takes its line again when the chip returns, with the same debouncer; still
    pressed then, it reports a fresh Pressed, and its Released follows."""
    c = pinbus.bus
    rec = pinbus.recorder().watch(BUTTON, path=BUTTON_PATH)
    debouncer = c.get(BUTTON_PATH, BUTTON, "Debouncer")
    c.set_input("GPIO17", True)  # released (the level starts low: pressed since start)
    wait_until(lambda: rec.of("Released"), 5, "Released of the press found at start")
    c.set_input("GPIO17", False)  # pressed
    wait_until(lambda: rec.of("Pressed"), 5, "Pressed")

    unplug(c)
    wait_until(lambda: len(rec.of("Released")) == 2, 5, "Released when the chip goes away")
    assert str(c.get(BUTTON_PATH, BUTTON, "Line")) == "/"
    assert not c.get(BUTTON_PATH, BUTTON, "Pressed")

    plug(c)  # the simulated level survives: still pressed
    wait_until(lambda: str(c.get(BUTTON_PATH, BUTTON, "Line")) == line_path("GPIO17"), 5,
               "Button.Line to come back")
    assert c.get(BUTTON_PATH, BUTTON, "Debouncer") == debouncer
    props = native(c.line_props("GPIO17"))
    assert props["Used"] and props["Consumer"] == "pinbusd" and props["Direction"] == "input"
    wait_until(lambda: len(rec.of("Pressed")) == 2, 5, "a fresh Pressed for the press found on return")
    assert c.get(BUTTON_PATH, BUTTON, "Pressed")

    c.set_input("GPIO17", True)
    wait_until(lambda: len(rec.of("Released")) == 3, 5, "Released after the chip came back")
    c.set_input("GPIO17", False)
    wait_until(lambda: len(rec.of("Pressed")) == 3, 5, "a new press")
    c.set_input("GPIO17", True)
    wait_until(lambda: len(rec.of("Released")) == 4, 5, "its release")
    assert [s.member for s in rec.signals if s.member in ("Pressed", "Released")] == \
        ["Released"] + ["Pressed", "Released"] * 3
