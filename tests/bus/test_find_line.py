# SPDX-License-Identifier: LGPL-2.1-or-later
"""Manager.FindLine: line names, <chip>:<offset> with kernel name or label, and errors."""

import dbus
import pytest

from pbharness.client import dbus_error
from pbharness.names import E_INVALID_ARGS, E_NO_SUCH_LINE, LINE


def test_find_by_name(pinbus):
    # The done-when: `FindLine s GPIO17` answers `o "/io/pinbus1/line/GPIO17"`.
    path = pinbus.bus.call("/io/pinbus1", "io.pinbus1.Manager", "FindLine", "s", "GPIO17")
    assert isinstance(path, dbus.ObjectPath)
    assert path == "/io/pinbus1/line/GPIO17"


def test_find_by_name_is_escaped(pinbus):
    assert pinbus.bus.find_line("ID_SDA") == "/io/pinbus1/line/ID_5fSDA"
    assert pinbus.bus.find_line("ID_SCL") == "/io/pinbus1/line/ID_5fSCL"


def test_find_by_chip_name_and_offset(pinbus):
    assert pinbus.bus.find_line("gpiochip0:17") == "/io/pinbus1/line/GPIO17"
    assert pinbus.bus.find_line("gpiochip0:0") == "/io/pinbus1/line/ID_5fSDA"


def test_find_by_chip_label_and_offset(pinbus):
    assert pinbus.bus.find_line("pinctrl-bcm2711:17") == "/io/pinbus1/line/GPIO17"
    assert pinbus.bus.find_line("pinctrl-bcm2711:27") == "/io/pinbus1/line/GPIO27"


def test_find_last_offset(pinbus):
    path = pinbus.bus.find_line("gpiochip0:57")
    assert pinbus.bus.get(path, LINE, "Offset") == 57


def test_found_path_is_the_line(pinbus):
    for spec, offset in (("GPIO22", 22), ("gpiochip0:5", 5), ("pinctrl-bcm2711:1", 1)):
        path = pinbus.bus.find_line(spec)
        assert pinbus.bus.get(path, LINE, "Offset") == offset, spec


@pytest.mark.parametrize("spec, error, mention", [
    ("gpiochip0:999", E_NO_SUCH_LINE, "gpiochip0:999"),
    ("gpiochip0:58", E_NO_SUCH_LINE, "gpiochip0:58"),
    ("nochip:1", E_NO_SUCH_LINE, "nochip"),
    ("NOPE", E_NO_SUCH_LINE, "NOPE"),
    ("gpio17", E_NO_SUCH_LINE, "gpio17"),  # names are case-sensitive
    (":3", E_INVALID_ARGS, ":3"),
    ("gpiochip0:abc", E_INVALID_ARGS, "gpiochip0:abc"),
    ("gpiochip0:", E_INVALID_ARGS, "gpiochip0:"),
    ("gpiochip0:-1", E_INVALID_ARGS, "gpiochip0:-1"),
])
def test_find_errors(pinbus, spec, error, mention):
    with dbus_error(error, mention):
        pinbus.bus.find_line(spec)


def test_find_empty_spec(pinbus):
    with dbus_error(E_INVALID_ARGS, "empty"):
        pinbus.bus.find_line("")


def test_find_out_of_range_names_the_chip(pinbus):
    with dbus_error(E_NO_SUCH_LINE, "gpiochip0", "999"):
        pinbus.bus.find_line("pinctrl-bcm2711:999")


def test_spec_errors_of_other_methods(pinbus):
    """ClaimLine, ReleaseLine and the Simulator resolve specs the same way."""
    with dbus_error(E_NO_SUCH_LINE, "gpiochip0:999"):
        pinbus.bus.claim("gpiochip0:999", {"direction": "input"})
    with dbus_error(E_INVALID_ARGS, ":3"):
        pinbus.bus.claim(":3", {})
    with dbus_error(E_NO_SUCH_LINE, "nochip"):
        pinbus.bus.release("nochip:1")
    with dbus_error(E_INVALID_ARGS, "empty"):
        pinbus.bus.release("")
    with dbus_error(E_NO_SUCH_LINE, "NOPE"):
        pinbus.bus.set_input("NOPE", True)
