# SPDX-License-Identifier: LGPL-2.1-or-later
"""pinbusd's names on the bus (docs/dbus-api.md), and facts of the simulated chip the tests rely on.

Object paths: path_encode() is the bindings' encode_path_element() (bindings/python/pinbus/client.py),
sd_bus_path_encode() in Python, so that the tree has one copy of it. The tests that pin the encoding
to fixed strings (tests/bus/test_find_line.py: ID_SDA is ID_5fSDA; tests/bindings/test_api.py) check
it against the daemon and the binding alike.

Standard library only until path_encode() is first called (it imports the bindings, which need
dbus-python): a script may take the names before it has checked that dbus-python is installed.
"""

BUS_NAME = "io.pinbus1"
ROOT = "/io/pinbus1"

MANAGER = "io.pinbus1.Manager"
CHIP = "io.pinbus1.Chip"
LINE = "io.pinbus1.Line"
OUTPUT = "io.pinbus1.Output"
BUTTON = "io.pinbus1.Button"
SENSOR = "io.pinbus1.Sensor"
SIMULATOR = "io.pinbus1.Simulator"
PROPERTIES = "org.freedesktop.DBus.Properties"
OBJECT_MANAGER = "org.freedesktop.DBus.ObjectManager"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
PEER = "org.freedesktop.DBus.Peer"

E_INVALID_ARGS = "org.freedesktop.DBus.Error.InvalidArgs"
E_ACCESS_DENIED = "org.freedesktop.DBus.Error.AccessDenied"
E_NO_SUCH_LINE = "io.pinbus1.Error.NoSuchLine"
E_LINE_BUSY = "io.pinbus1.Error.LineBusy"
E_NOT_OUTPUT = "io.pinbus1.Error.NotOutput"
E_NO_SUCH_DEVICE = "io.pinbus1.Error.NoSuchDevice"
E_SENSOR_OFFLINE = "io.pinbus1.Error.SensorOffline"

CHIP0 = "/io/pinbus1/chip/gpiochip0"
NUM_LINES = 58
# Names of the simulated Raspberry Pi 4 chip's first 28 lines, by offset.
RPI_NAMES = ["ID_SDA", "ID_SCL"] + [f"GPIO{i}" for i in range(2, 28)]


def path_encode(prefix, name):
    """prefix + "/" + name escaped as sd_bus_path_encode() does (every byte but [A-Za-z0-9] is _xx,
    "" is "_")."""
    from pinbus.client import encode_path_element

    return prefix + "/" + encode_path_element(name)


def line_path(name):
    return path_encode("/io/pinbus1/line", name)


def output_path(name):
    return path_encode("/io/pinbus1/output", name)


def button_path(name):
    return path_encode("/io/pinbus1/button", name)


def sensor_path(name):
    return path_encode("/io/pinbus1/sensor", name)
