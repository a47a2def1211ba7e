# SPDX-License-Identifier: LGPL-2.1-or-later
"""Exceptions raised by the pinbus bindings.

Every error the daemon (or the bus) returns is raised as a :class:`PinbusError`,
or the subclass for its D-Bus error name, so callers never see
``dbus.exceptions.DBusException``::

    try:
        line.set(True)
    except pinbus.LineBusy as e:
        print(e.name, e)   # io.pinbus1.Error.LineBusy  Line GPIO17 is claimed by :1.42
"""

import dbus.exceptions

__all__ = [
    "PinbusError",
    "NoSuchLine",
    "LineBusy",
    "NotOutput",
    "NoSuchDevice",
    "SensorOffline",
    "DeviceIOError",
    "InvalidArgs",
    "AccessDenied",
]


class PinbusError(Exception):
    """A failed pinbus call.

    Attributes:
        name: the D-Bus error name, e.g. ``"io.pinbus1.Error.NoSuchLine"``.
        message: the daemon's message; it names the line, device or key at fault.
            ``str(error)`` is the message too.
    """

    #: D-Bus error name of this class (None for the base class, which stands for any).
    dbus_name: str | None = None

    def __init__(self, message: str, name: str | None = None):
        super().__init__(message)
        self.message = message
        self.name = name or self.dbus_name or "io.pinbus1.Error.Failed"


class NoSuchLine(PinbusError):
    """No line matches the spec (``io.pinbus1.Error.NoSuchLine``)."""

    dbus_name = "io.pinbus1.Error.NoSuchLine"


class LineBusy(PinbusError):
    """Another client, a configured output or another process holds the line
    (``io.pinbus1.Error.LineBusy``)."""

    dbus_name = "io.pinbus1.Error.LineBusy"


class NotOutput(PinbusError):
    """The line is held as an input, so it cannot be driven (``io.pinbus1.Error.NotOutput``)."""

    dbus_name = "io.pinbus1.Error.NotOutput"


class NoSuchDevice(PinbusError):
    """A device (chip, configured output) is missing (``io.pinbus1.Error.NoSuchDevice``)."""

    dbus_name = "io.pinbus1.Error.NoSuchDevice"


class SensorOffline(PinbusError):
    """A sensor does not answer (``io.pinbus1.Error.SensorOffline``)."""

    dbus_name = "io.pinbus1.Error.SensorOffline"


class DeviceIOError(PinbusError):
    """The kernel refused an operation on a line or device (``io.pinbus1.Error.IOError``)."""

    dbus_name = "io.pinbus1.Error.IOError"


class InvalidArgs(PinbusError):
    """A malformed spec, setting or duration (``org.freedesktop.DBus.Error.InvalidArgs``)."""

    dbus_name = "org.freedesktop.DBus.Error.InvalidArgs"


class AccessDenied(PinbusError):
    """The bus policy does not let this user make the call (only root and group
    ``gpio`` may change lines) (``org.freedesktop.DBus.Error.AccessDenied``)."""

    dbus_name = "org.freedesktop.DBus.Error.AccessDenied"


_BY_NAME = {
    cls.dbus_name: cls
    for cls in (NoSuchLine, LineBusy, NotOutput, NoSuchDevice, SensorOffline, DeviceIOError,
                InvalidArgs, AccessDenied)
}


def from_dbus(e: dbus.exceptions.DBusException) -> PinbusError:
    """The :class:`PinbusError` (subclass) for a D-Bus exception."""
    name = e.get_dbus_name() or "org.freedesktop.DBus.Error.Failed"
    message = e.get_dbus_message() or str(e) or name
    return _BY_NAME.get(name, PinbusError)(message, name)
