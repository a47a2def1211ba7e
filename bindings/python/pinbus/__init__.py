# SPDX-License-Identifier: LGPL-2.1-or-later
"""Python client for pinbus, the GPIO daemon published on D-Bus as ``io.pinbus1``.

    import pinbus

    with pinbus.Pinbus() as pb:              # system bus; Pinbus(session=True), Pinbus(address=...)
        led = pb.line("GPIO27")
        led.set(True)                        # a free line becomes an output the daemon keeps
        led.pulse(False, 0.25)               # durations in seconds
        print(pb.line("GPIO17").get())

Durations are seconds (int, float or datetime.timedelta) in this API and are
rounded to microseconds on the bus; edge timestamps are nanoseconds. Errors
are :class:`PinbusError` subclasses carrying the D-Bus error name. See
:class:`Pinbus` for event-driven use (:meth:`Line.on_edge`, :meth:`Pinbus.run`).
"""

#: The package's version (bindings/python/pyproject.toml and meson.build give the same).
__version__ = "0.1.0"

from .client import BUS_NAME, Button, Chip, Line, Output, Pinbus, Sensor, Subscription  # noqa: E402
from .errors import (  # noqa: E402
    AccessDenied,
    DeviceIOError,
    InvalidArgs,
    LineBusy,
    NoSuchDevice,
    NoSuchLine,
    NotOutput,
    PinbusError,
    SensorOffline,
)

__all__ = [
    "__version__",
    "BUS_NAME",
    "Pinbus",
    "Chip",
    "Line",
    "Output",
    "Button",
    "Sensor",
    "Subscription",
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
