# SPDX-License-Identifier: LGPL-2.1-or-later
"""A chip going away (gpio-sim's live = 0) and coming back while the daemon runs: the daemon survives,
the chip and its lines leave and return on the bus (ObjectManager signals, Manager.Chips), claims on it
end, lines on other chips are untouched, and configured outputs are re-established."""

import pytest

from pbharness.client import dbus_error, native, wait_until
from pbharness.gpiosim import EXP_LABEL, EXP_NAMES, gpioinfo
from pbharness.names import (E_NO_SUCH_LINE, LINE, MANAGER, OBJECT_MANAGER, OUTPUT, ROOT, line_path,
                             output_path)

CONFIG = ("[output bt]\nline = BT_ON\ninitial = on\n\n"
          "[output cam]\nline = raspberrypi-exp-gpio:5\ninitial = off\n")


def exp_line_paths(chip_name):
    return [line_path(n or f"{chip_name}_{i}") for i, n in enumerate(EXP_NAMES)]


def removed_paths(rec):
    return {str(s.args[0]) for s in rec.of("InterfacesRemoved")}


def added_paths(rec):
    return {str(s.args[0]) for s in rec.of("InterfacesAdded")}


@pytest.mark.pinbusd(config=CONFIG)
def test_expander_goes_and_comes_back(pinbus, gpio_sim):
    c, exp, bcm = pinbus.bus, gpio_sim("exp"), gpio_sim("bcm2711")
    chip_path = f"/io/pinbus1/chip/{exp.chip_name}"
    lines = exp_line_paths(exp.chip_name)
    assert exp.value(0), "[output bt] initial = on"
    c.output_call("cam", "Set", "b", True)  # cam now rests at on
    c.claim("WL_ON", {"direction": "input", "edge": "both"})
    c.claim("GPIO17", {"direction": "output", "value": True})  # on the other chip
    rec = (pinbus.recorder().watch(OBJECT_MANAGER).watch_properties(ROOT)
           .watch_properties(output_path("bt")))

    exp.set_live(False)
    wait_until(lambda: {chip_path, *lines} <= removed_paths(rec), 10,
                   "InterfacesRemoved for the expander chip and its 8 lines")
    wait_until(lambda: any(chip_path not in v for v in rec.values(ROOT, MANAGER, "Chips")), 10,
                   "Manager.Chips without the expander")
    assert [str(p) for p in c.manager("Chips")] == [f"/io/pinbus1/chip/{bcm.chip_name}"]
    with dbus_error(E_NO_SUCH_LINE, "BT_ON"):
        c.find_line("BT_ON")
    with dbus_error(E_NO_SUCH_LINE, EXP_LABEL):
        c.find_line(f"{EXP_LABEL}:0")
    wait_until(lambda: "/" in rec.values(output_path("bt"), OUTPUT, "Line"), 10,
                   "Output bt to lose its line")
    # The daemon lives on, and the other chip's line is untouched.
    assert pinbus.daemon.running
    assert c.line("GPIO17", "Owner") == c.unique_name and bcm.value(17)

    rec.clear()
    exp.set_live(True)
    new_chip_path = f"/io/pinbus1/chip/{exp.chip_name}"
    wait_until(lambda: {new_chip_path, *exp_line_paths(exp.chip_name)} <= added_paths(rec), 10,
                   "InterfacesAdded for the expander chip and its 8 lines")
    assert exp_line_paths(exp.chip_name)[:7] == lines[:7], "named lines return under the same paths"
    wait_until(lambda: any(new_chip_path in v for v in rec.values(ROOT, MANAGER, "Chips")), 10,
                   "Manager.Chips with the expander again")
    assert c.find_line("BT_ON") == line_path("BT_ON")
    assert c.find_line(f"{EXP_LABEL}:5") == line_path("CAM_GPIO")

    # Configured outputs hold their lines again, driving the value they last rested at.
    wait_until(lambda: line_path("BT_ON") in rec.values(output_path("bt"), OUTPUT, "Line"), 10,
                   "Output bt to get its line back")
    assert c.output("cam", "Line") == line_path("CAM_GPIO")
    assert exp.value(0) and exp.value(5)
    info = gpioinfo(exp.chip_name, 0, 5)
    assert all('consumer="pinbusd"' in x and "output" in x for x in info), info
    # The client's claim ended with the chip; the line is free.
    props = native(c.line_props("WL_ON"))
    assert (props["Used"], props["Owner"]) == (False, ""), props
    c.output_call("bt", "Set", "b", False)
    assert not exp.value(0)


@pytest.mark.pinbusd(config="[output porch]\nline = GPIO27\ninitial = on\n")
def test_main_chip_goes_and_comes_back_twice(pinbus, gpio_sim):
    c, bcm = pinbus.bus, gpio_sim("bcm2711")
    rec = pinbus.recorder().watch(OBJECT_MANAGER)
    path = line_path("GPIO27")
    for _ in range(2):
        rec.clear()
        bcm.set_live(False)
        wait_until(lambda: path in removed_paths(rec), 10, "GPIO27 to leave the bus")
        bcm.set_live(True)
        wait_until(lambda: path in added_paths(rec), 10, "GPIO27 to return")
        wait_until(lambda: c.output("porch", "Line") == path, 10, "output porch to hold GPIO27 again")
        assert bcm.value(27)
    assert len(added_paths(rec)) == 58 + 1
    # Edges work on the chip that came back.
    bcm.pull(17, False)
    c.claim("GPIO17", {"direction": "input", "edge": "both"})
    edges = pinbus.recorder().watch(LINE, "Edge", line_path("GPIO17"))
    bcm.pull(17, True)
    wait_until(lambda: edges.edges("GPIO17"), 10, "an Edge from the returned chip")
