# SPDX-License-Identifier: LGPL-2.1-or-later
"""FindLine on the kernel's chips: by line name, and by <chip>:<offset> with the chip's kernel name or label,
on both the Raspberry Pi 4's main chip and its firmware GPIO expander."""

import pytest

from pbharness.client import dbus_error, native
from pbharness.gpiosim import BCM_LABEL, EXP_LABEL, EXP_NAMES
from pbharness.names import CHIP, E_NO_SUCH_LINE, LINE, RPI_NAMES, line_path


def test_backend_and_chips(pinbus, gpio_sim):
    c = pinbus.bus
    assert c.manager("Backend") == "gpiod"
    chips = {str(p): native(c.get_all(p, CHIP)) for p in c.manager("Chips")}
    by_label = {props["Label"]: props for props in chips.values()}
    assert set(by_label) == {BCM_LABEL, EXP_LABEL}, chips
    bcm, exp = by_label[BCM_LABEL], by_label[EXP_LABEL]
    assert bcm["Name"] == gpio_sim("bcm2711").chip_name and bcm["NumLines"] == 58
    assert exp["Name"] == gpio_sim("exp").chip_name and exp["NumLines"] == 8
    assert bcm["Path"] == "/dev/" + bcm["Name"]
    assert bcm["Lines"][17] == line_path("GPIO17")
    assert exp["Lines"][0] == line_path("BT_ON")


@pytest.mark.parametrize("offset", [0, 1, 2, 17, 27])
def test_main_chip_by_name_and_by_offset(pinbus, gpio_sim, offset):
    c = pinbus.bus
    name = RPI_NAMES[offset]
    path = line_path(name)
    chip = gpio_sim("bcm2711").chip_name
    assert c.find_line(name) == path
    assert c.find_line(f"{BCM_LABEL}:{offset}") == path
    assert c.find_line(f"{chip}:{offset}") == path
    props = native(c.get_all(path, LINE))
    assert props["Name"] == name and props["Offset"] == offset
    assert props["Chip"] == f"/io/pinbus1/chip/{chip}"


@pytest.mark.parametrize("offset", range(8))
def test_expander_by_name_and_by_offset(pinbus, gpio_sim, offset):
    c = pinbus.bus
    chip = gpio_sim("exp").chip_name
    name = EXP_NAMES[offset] or f"{chip}_{offset}"  # the unnamed line is <chip>_<offset>
    path = line_path(name)
    assert c.find_line(name) == path
    assert c.find_line(f"{EXP_LABEL}:{offset}") == path
    assert c.find_line(f"{chip}:{offset}") == path
    assert native(c.line(name, "Name")) == EXP_NAMES[offset]


def test_names_beyond_the_chips(pinbus):
    c = pinbus.bus
    with dbus_error(E_NO_SUCH_LINE, "GPIO99"):
        c.find_line("GPIO99")
    with dbus_error(E_NO_SUCH_LINE, EXP_LABEL, "8"):
        c.find_line(f"{EXP_LABEL}:8")
    with dbus_error(E_NO_SUCH_LINE, "58"):
        c.find_line(f"{BCM_LABEL}:58")
