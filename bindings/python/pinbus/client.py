# SPDX-License-Identifier: LGPL-2.1-or-later
"""Client objects for the pinbus daemon: :class:`Pinbus`, :class:`Chip`,
:class:`Line`, :class:`Output`, :class:`Button`.

Units: the Python API takes and gives durations in **seconds** (int, float or
``datetime.timedelta``); the bus carries microseconds (``t``, µs) and edge
timestamps in nanoseconds. Conversions round to the nearest microsecond.

Properties are read from the daemon each time they are accessed (one D-Bus
round trip each), so they are always current. Every failed call raises a
:class:`~pinbus.errors.PinbusError` subclass, never a ``DBusException``.

These objects are not thread-safe: use one :class:`Pinbus` per thread.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import dbus
import dbus.bus
import dbus.exceptions
import dbus.mainloop
from dbus.mainloop.glib import DBusGMainLoop

from . import errors

__all__ = ["Pinbus", "Chip", "Line", "Output", "Button", "Subscription", "BUS_NAME"]

BUS_NAME = "io.pinbus1"
ROOT_PATH = "/io/pinbus1"
LINE_PREFIX = ROOT_PATH + "/line/"
OUTPUT_PREFIX = ROOT_PATH + "/output/"
BUTTON_PREFIX = ROOT_PATH + "/button/"
SENSOR_PREFIX = ROOT_PATH + "/sensor/"

MANAGER_IFACE = "io.pinbus1.Manager"
CHIP_IFACE = "io.pinbus1.Chip"
LINE_IFACE = "io.pinbus1.Line"
OUTPUT_IFACE = "io.pinbus1.Output"
BUTTON_IFACE = "io.pinbus1.Button"
SENSOR_IFACE = "io.pinbus1.Sensor"
PROPERTIES_IFACE = "org.freedesktop.DBus.Properties"

UINT32_MAX = 2**32 - 1

Seconds = int | float | timedelta


def encode_path_element(name: str) -> str:
    """Escapes name as sd_bus_path_encode() does: every byte other than
    [A-Za-z0-9] becomes ``_xx`` (lower-case hex); "" becomes "_"."""
    if not name:
        return "_"
    return "".join(chr(b) if chr(b).isascii() and chr(b).isalnum() else f"_{b:02x}"
                   for b in name.encode())


def decode_path_element(element: str) -> str:
    """The inverse of :func:`encode_path_element`."""
    if element == "_":
        return ""
    return re.sub(rb"_([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]),
                  element.encode()).decode(errors="replace")


def _plain(v: Any) -> Any:
    """Converts dbus-python values to plain Python ones."""
    if isinstance(v, dbus.Boolean):  # before int: Boolean is an int subclass
        return bool(v)
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, str):  # String and ObjectPath
        return str(v)
    if isinstance(v, dict):
        return {_plain(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def to_us(duration: Seconds, what: str = "duration") -> int:
    """Seconds (int, float or timedelta) to whole microseconds, rounded.

    Raises ValueError for a negative, infinite or NaN duration, TypeError for a
    non-number. The daemon checks the limits (InvalidArgs).
    """
    if isinstance(duration, timedelta):
        us = duration // timedelta(microseconds=1)
    else:
        if isinstance(duration, bool) or not isinstance(duration, (int, float)):
            raise TypeError(f"{what} must be a number of seconds or a timedelta, "
                            f"not {type(duration).__name__}")
        if not math.isfinite(duration):
            raise ValueError(f"{what} must be finite, not {duration}")
        us = round(duration * 1_000_000)
    if us < 0:
        raise ValueError(f"{what} cannot be negative ({duration})")
    return us


class Subscription:
    """A signal subscription; :meth:`remove` (or leaving a ``with`` block) ends it."""

    def __init__(self, match):
        self._match = match

    def remove(self) -> None:
        """Stops the callback. Calling it again does nothing."""
        if self._match is not None:
            self._match.remove()
            self._match = None

    @property
    def active(self) -> bool:
        return self._match is not None

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


class _Object:
    """A daemon object at a path: typed property reads and method calls."""

    _iface = ""

    def __init__(self, pinbus: Pinbus, path: str):
        self._pinbus = pinbus
        self.path = str(path)

    def _get(self, prop: str) -> Any:
        return self._pinbus._call(self.path, PROPERTIES_IFACE, "Get", "ss", self._iface, prop)

    def properties(self) -> dict[str, Any]:
        """All D-Bus properties of the object, in one call, by their D-Bus names
        (``{"Name": "GPIO17", "DebounceUs": 0, ...}``)."""
        return self._pinbus._call(self.path, PROPERTIES_IFACE, "GetAll", "s", self._iface)

    def _method(self, method: str, signature: str = "", *args) -> Any:
        return self._pinbus._call(self.path, self._iface, method, signature, *args)

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.path == self.path

    def __hash__(self) -> int:
        return hash((type(self), self.path))

    def __repr__(self) -> str:
        return f"<pinbus.{type(self).__name__} {self.path}>"


class _Driveable(_Object):
    """Set/Toggle/Pulse/Blink, the same on io.pinbus1.Line and io.pinbus1.Output."""

    def set(self, value: bool) -> None:
        """Drives the logical value (True = active).

        On a free line the daemon claims it as an output and keeps it until
        released. Raises LineBusy (another client holds the line), NotOutput
        (held as an input), AccessDenied (bus policy).
        """
        self._method("Set", "b", bool(value))

    def toggle(self) -> None:
        """Drives the opposite of the current value. Errors as for :meth:`set`."""
        self._method("Toggle")

    def pulse(self, value: bool, duration: Seconds) -> None:
        """Drives value for duration **seconds**, then the opposite; returns at once.

        duration is rounded to whole µs (the bus takes µs); the daemon accepts
        1 µs to 24 h (else InvalidArgs). Replaces a pulse or blink in progress.
        Raises ValueError for a negative duration, else as for :meth:`set`.
        """
        self._method("Pulse", "bt", bool(value), to_us(duration, "pulse duration"))

    def blink(self, on: Seconds, off: Seconds, count: int = 0) -> None:
        """Blinks: active for on **seconds**, inactive for off seconds, count
        times (0: until stopped by :meth:`set` or :meth:`toggle`); ends inactive.
        Returns at once.

        Periods are rounded to whole µs; the daemon accepts 1 ms to 24 h each
        (else InvalidArgs). Raises ValueError for a negative period or a count
        outside 0..2**32-1, else as for :meth:`set`.
        """
        count = int(count)
        if not 0 <= count <= UINT32_MAX:
            raise ValueError(f"blink count must be 0..{UINT32_MAX}, not {count}")
        self._method("Blink", "ttu", to_us(on, "blink on period"), to_us(off, "blink off period"),
                     count)


class Chip(_Object):
    """A GPIO chip (io.pinbus1.Chip). All properties are constant."""

    _iface = CHIP_IFACE

    @property
    def name(self) -> str:
        """Kernel name, e.g. "gpiochip0" (changes between kernels: prefer :attr:`label`)."""
        return self._get("Name")

    @property
    def label(self) -> str:
        """Label, e.g. "pinctrl-bcm2711"."""
        return self._get("Label")

    @property
    def device(self) -> str:
        """Device node, e.g. "/dev/gpiochip0"; "" on the simulator."""
        return self._get("Path")

    @property
    def num_lines(self) -> int:
        return self._get("NumLines")

    @property
    def lines(self) -> list[Line]:
        """Its lines, by offset."""
        return [Line(self._pinbus, p) for p in self._get("Lines")]


class Line(_Driveable):
    """A GPIO line (io.pinbus1.Line), as returned by :meth:`Pinbus.line` or
    :meth:`Pinbus.claim`.

    Creating a Line claims nothing. A claim made through :meth:`Pinbus.claim`
    belongs to that Pinbus connection: it ends with :meth:`release`, with
    :meth:`Pinbus.close` or when the process exits (unless ``persist=True``).
    """

    _iface = LINE_IFACE

    @property
    def spec(self) -> str:
        """The name the daemon knows the line by (its object path element, decoded):
        the line name, or ``<chip>_<offset>`` for a line without a unique name.
        Any Manager method takes it as a spec."""
        return decode_path_element(self.path.rsplit("/", 1)[-1])

    @property
    def name(self) -> str:
        """Kernel line name, "" if it has none."""
        return self._get("Name")

    @property
    def chip(self) -> Chip:
        return Chip(self._pinbus, self._get("Chip"))

    @property
    def offset(self) -> int:
        return self._get("Offset")

    @property
    def used(self) -> bool:
        """Requested by anyone: this daemon or another process."""
        return self._get("Used")

    @property
    def consumer(self) -> str:
        """Consumer name of whoever requested it ("pinbusd" for the daemon), "" if unused."""
        return self._get("Consumer")

    @property
    def owner(self) -> str:
        """Unique bus name of the client that claimed it; "" if free or held by the daemon."""
        return self._get("Owner")

    @property
    def direction(self) -> str:
        """"input" or "output"."""
        return self._get("Direction")

    @property
    def bias(self) -> str:
        """"as-is", "disabled", "pull-up" or "pull-down"."""
        return self._get("Bias")

    @property
    def drive(self) -> str:
        """"push-pull", "open-drain" or "open-source"."""
        return self._get("Drive")

    @property
    def edge(self) -> str:
        """"none", "rising", "falling" or "both"."""
        return self._get("Edge")

    @property
    def active_low(self) -> bool:
        return self._get("ActiveLow")

    @property
    def debounce_us(self) -> int:
        """Debounce period in **microseconds**, 0 if none."""
        return self._get("DebounceUs")

    @property
    def value(self) -> bool:
        """Logical value: what a held output drives or a held input reads; on a
        free line the value last seen (reading it never requests the line; use
        :meth:`get` for a fresh read)."""
        return self._get("Value")

    def get(self) -> bool:
        """Reads the logical value; a free line gets a transient as-is read.
        Raises LineBusy if another process holds the line."""
        return self._method("Get")

    def release(self) -> None:
        """Releases the line if this connection claimed it or the daemon holds it;
        a free line is a no-op. Raises LineBusy for another client's line."""
        self._pinbus.release(self)

    def on_edge(self, callback: Callable[[bool, int, int], Any]) -> Subscription:
        """Calls ``callback(value, timestamp_ns, seqno)`` for every Edge signal of the line.

        value is the logical value after the edge, timestamp_ns the kernel's
        CLOCK_MONOTONIC time in **nanoseconds**, seqno the kernel's per-line
        sequence number (a gap means events were lost).

        Edges are only emitted while the line is claimed with edge detection
        (``Pinbus.claim(spec, edge="both")``), and callbacks only run inside
        :meth:`Pinbus.run` (or another GLib main loop on the default context).
        Subscribe before claiming so as not to miss the first edges. An exception
        in the callback stops :meth:`Pinbus.run`, which re-raises it.
        Returns a :class:`Subscription`; call its ``remove()`` to unsubscribe.
        """
        pinbus = self._pinbus

        def handler(value, timestamp_ns, seqno):
            pinbus._dispatch(callback, bool(value), int(timestamp_ns), int(seqno))

        return Subscription(pinbus._add_signal_receiver(handler, "Edge", LINE_IFACE, self.path))

    def __repr__(self) -> str:
        return f"<pinbus.Line {self.spec}>"


class Output(_Driveable):
    """A configured output (io.pinbus1.Output, ``[output NAME]`` in pinbus.conf).

    Its line is held by the daemon for the output, so it can be driven without
    a claim. Methods raise NoSuchLine while the output's line is missing.
    """

    _iface = OUTPUT_IFACE

    @property
    def name(self) -> str:
        return self._get("Name")

    @property
    def line(self) -> Line | None:
        """The line it drives; None while that line is missing."""
        path = self._get("Line")
        return None if path == "/" else Line(self._pinbus, path)

    @property
    def value(self) -> bool:
        """The logical value it drives."""
        return self._get("Value")

    @property
    def restore(self) -> bool:
        """Whether its value survives a daemon restart or a reboot."""
        return self._get("Restore")

    def __repr__(self) -> str:
        return f"<pinbus.Output {decode_path_element(self.path.rsplit('/', 1)[-1])}>"


class Button(_Object):
    """A configured button (io.pinbus1.Button, ``[button NAME]`` in pinbus.conf).

    The daemon debounces the button's line and turns it into events; subscribe
    with :meth:`on_pressed`, :meth:`on_released`, :meth:`on_held` and
    :meth:`on_clicked`, then :meth:`Pinbus.run`. Timestamps are CLOCK_MONOTONIC
    **nanoseconds** (``time.monotonic_ns()`` compares with them); a press is
    stamped when it counts, one debounce period after its last bounce.
    """

    _iface = BUTTON_IFACE

    @property
    def name(self) -> str:
        return self._get("Name")

    @property
    def line(self) -> Line | None:
        """The line it reads; None while that line is missing."""
        path = self._get("Line")
        return None if path == "/" else Line(self._pinbus, path)

    @property
    def pressed(self) -> bool:
        return self._get("Pressed")

    @property
    def held(self) -> bool:
        return self._get("Held")

    @property
    def press_count(self) -> int:
        """Presses since the daemon started."""
        return self._get("PressCount")

    @property
    def debouncer(self) -> str:
        """Where the debounce runs: "kernel", "daemon" or "none"."""
        return self._get("Debouncer")

    def _on(self, member: str, callback: Callable, convert: Callable) -> Subscription:
        pinbus = self._pinbus

        def handler(*args):
            pinbus._dispatch(callback, *convert(*args))

        return Subscription(pinbus._add_signal_receiver(handler, member, BUTTON_IFACE, self.path))

    def on_pressed(self, callback: Callable[[int], Any]) -> Subscription:
        """Calls ``callback(timestamp_ns)`` for every Pressed signal."""
        return self._on("Pressed", callback, lambda ts: (int(ts),))

    def on_released(self, callback: Callable[[int, float], Any]) -> Subscription:
        """Calls ``callback(timestamp_ns, duration)`` for every Released signal; duration
        is the time it was pressed, in **seconds**."""
        return self._on("Released", callback, lambda ts, us: (int(ts), int(us) / 1e6))

    def on_held(self, callback: Callable[[int, int], Any]) -> Subscription:
        """Calls ``callback(timestamp_ns, repeat)`` for every Held signal (repeat 0 first,
        then 1, 2... with hold-repeat)."""
        return self._on("Held", callback, lambda ts, n: (int(ts), int(n)))

    def on_clicked(self, callback: Callable[[int], Any]) -> Subscription:
        """Calls ``callback(count)`` when a click sequence ends: 1 single, 2 double..."""
        return self._on("Clicked", callback, lambda n: (int(n),))

    def __repr__(self) -> str:
        return f"<pinbus.Button {decode_path_element(self.path.rsplit('/', 1)[-1])}>"


class Sensor(_Object):
    """A configured I2C sensor (io.pinbus1.Sensor, ``[sensor NAME]`` in pinbus.conf).

    Readings are a dict of SI values: ``temperature`` (°C), ``pressure`` (Pa),
    ``humidity`` (%RH), ``illuminance`` (lx), ``voltage`` (V) — the quantities
    the device measures.
    """

    _iface = SENSOR_IFACE

    @property
    def name(self) -> str:
        return self._get("Name")

    @property
    def model(self) -> str:
        """The driver ("bme280", ...); "auto" until a model=auto sensor is found."""
        return self._get("Model")

    @property
    def bus(self) -> str:
        """Its I2C adapter, "/dev/i2c-1"."""
        return self._get("Bus")

    @property
    def address(self) -> int:
        """Its 7-bit I2C address (0 while an address=auto sensor is not found)."""
        return self._get("Address")

    @property
    def online(self) -> bool:
        """Whether the last attempt gave a good sample."""
        return self._get("Online")

    @property
    def last_error(self) -> str:
        """Why it is offline ("ENXIO: no acknowledge from /dev/i2c-1 address 0x76 (bme280)"); "" while online."""
        return self._get("LastError")

    @property
    def interval(self) -> float:
        """The sampling interval, in seconds."""
        return self._get("IntervalUs") / 1e6

    @property
    def timestamp_us(self) -> int:
        """When the last good sample was taken: µs since the epoch (0 before the first)."""
        return self._get("Timestamp")

    @property
    def values(self) -> dict[str, float]:
        """The last good sample ({} before the first; kept while offline: check :attr:`online`)."""
        return self._get("Values")

    def read(self) -> dict[str, float]:
        """Takes a fresh sample and returns it. Raises SensorOffline (with the
        sensor's LastError) when the device does not answer."""
        return self._method("Read")

    def on_values(self, callback: Callable[[dict[str, float], int], Any]) -> Subscription:
        """Calls callback(values, timestamp_us) for every good sample (once per
        sample) while :meth:`Pinbus.run` runs."""

        def handler(iface, changed, invalidated):
            if str(iface) == SENSOR_IFACE and "Values" in changed:
                self._pinbus._dispatch(callback, _plain(changed["Values"]), int(changed.get("Timestamp", 0)))

        match = self._pinbus._add_signal_receiver(handler, "PropertiesChanged", PROPERTIES_IFACE, self.path)
        return Subscription(match)

    def __repr__(self) -> str:
        return f"<pinbus.Sensor {decode_path_element(self.path.rsplit('/', 1)[-1])}>"


class Pinbus:
    """A connection to the pinbus daemon (bus name ``io.pinbus1``).

    Args:
        address: a D-Bus address (``"unix:path=/run/x/bus"``) to connect to
            instead of the system bus.
        session: connect to the session bus instead of the system bus.
        main_loop: attach the connection to GLib's default main context, for
            signals (on_edge, ...) and :meth:`run`. False: calls only, but from
            any thread (dbus-python's GLib integration is not thread-safe).

    Each Pinbus has its own bus connection, so its claims are its own: they end
    when it is closed (:meth:`close`, a ``with`` block, or process exit).

    Raises PinbusError when the bus cannot be reached. Calls raise
    PinbusError subclasses (see :mod:`pinbus.errors`); a daemon that is not
    running gives a PinbusError named ``org.freedesktop.DBus.Error.ServiceUnknown``.

    Event-driven use: subscribe (:meth:`Line.on_edge`), then :meth:`run` a GLib
    main loop until :meth:`stop` (or the timeout)::

        with Pinbus() as pb:
            button = pb.claim("GPIO17", edge="falling", bias="pull-up", debounce_us=20_000)
            button.on_edge(lambda value, ts, seq: print("pressed", ts))
            signal.signal(signal.SIGTERM, lambda *_: pb.stop())
            pb.run()
    """

    def __init__(self, address: str | None = None, session: bool = False, main_loop: bool = True):
        # A GLib main loop integration on every connection: dbus-python needs one
        # to deliver signals. It only dispatches while a GLib loop runs (run()).
        # Without (main_loop=False) the connection only makes calls, and may make
        # them from any thread: pinbus.gpiozero and pinbus.machine call on one
        # such and get their signals on another, confined to their event thread.
        mainloop = DBusGMainLoop(set_as_default=False) if main_loop else dbus.mainloop.NULL_MAIN_LOOP
        if address:
            target = address
        else:
            target = dbus.bus.BusConnection.TYPE_SESSION if session else dbus.bus.BusConnection.TYPE_SYSTEM
        try:
            self._bus = dbus.bus.BusConnection(target, mainloop=mainloop)
        except dbus.exceptions.DBusException as e:
            raise errors.from_dbus(e) from None
        self._loop = None
        self._stop_requested = False
        self._callback_error: BaseException | None = None

    # -- plumbing ----------------------------------------------------------

    @property
    def bus(self) -> dbus.bus.BusConnection:
        """The underlying dbus-python connection."""
        return self._bus

    @property
    def unique_name(self) -> str:
        """This connection's unique bus name (what :attr:`Line.owner` shows for its claims)."""
        return str(self._bus.get_unique_name())

    def _call(self, path: str, iface: str, method: str, signature: str = "", *args) -> Any:
        try:
            reply = self._bus.call_blocking(BUS_NAME, path, iface, method, signature, args)
        except dbus.exceptions.DBusException as e:
            raise errors.from_dbus(e) from None
        return _plain(reply)

    def _add_signal_receiver(self, handler, signal: str, iface: str, path: str | None):
        try:
            return self._bus.add_signal_receiver(handler, signal_name=signal, dbus_interface=iface,
                                                 bus_name=BUS_NAME, path=path)
        except dbus.exceptions.DBusException as e:
            raise errors.from_dbus(e) from None

    def _dispatch(self, callback: Callable, *args) -> None:
        """Runs a user callback; an exception ends run(), which re-raises it."""
        try:
            callback(*args)
        except BaseException as e:
            if self._loop is None:
                raise
            if self._callback_error is None:
                self._callback_error = e
            self._loop.quit()

    def close(self) -> None:
        """Closes the connection; the daemon releases this connection's claims
        (except persistent ones). The object is unusable afterwards."""
        self._bus.close()

    def __enter__(self) -> Pinbus:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- io.pinbus1.Manager ------------------------------------------------

    def _manager(self, method: str, signature: str = "", *args) -> Any:
        return self._call(ROOT_PATH, MANAGER_IFACE, method, signature, *args)

    def _manager_property(self, prop: str) -> Any:
        return self._call(ROOT_PATH, PROPERTIES_IFACE, "Get", "ss", MANAGER_IFACE, prop)

    @property
    def version(self) -> str:
        """The daemon's version."""
        return self._manager_property("Version")

    @property
    def backend(self) -> str:
        """"gpiod" (kernel GPIO chips) or "simulator" (``pinbusd --simulate``)."""
        return self._manager_property("Backend")

    @property
    def chips(self) -> list[Chip]:
        """The GPIO chips, in chip-number order."""
        return [Chip(self, p) for p in self._manager_property("Chips")]

    @property
    def outputs(self) -> list[Output]:
        """The configured outputs, in config order."""
        return [Output(self, p) for p in self._manager_property("Outputs")]

    @property
    def buttons(self) -> list[Button]:
        """The configured buttons, in config order."""
        return [Button(self, p) for p in self._manager_property("Buttons")]

    @property
    def sensors(self) -> list[Sensor]:
        """The configured sensors, in config order."""
        return [Sensor(self, p) for p in self._manager_property("Sensors")]

    @property
    def lines(self) -> list[Line]:
        """Every line of every chip, in chip and offset order."""
        return [line for chip in self.chips for line in chip.lines]

    @staticmethod
    def _spec(spec: str | Line) -> str:
        return spec.spec if isinstance(spec, Line) else str(spec)

    def line(self, spec: str) -> Line:
        """The line for spec: a line name ("GPIO17"), or "<chip>:<offset>" with a
        chip's kernel name or label ("gpiochip0:17", "pinctrl-bcm2711:17").
        Claims nothing. Raises NoSuchLine, or InvalidArgs for a malformed spec."""
        return Line(self, self._manager("FindLine", "s", self._spec(spec)))

    def claim(self, spec: str | Line, direction: str = "input", bias: str | None = None,
              drive: str | None = None, edge: str | None = None, active_low: bool | None = None,
              debounce_us: int | None = None, value: bool | None = None,
              persist: bool | None = None) -> Line:
        """Claims a line for this connection (Manager.ClaimLine) and returns it.

        Re-claiming a line this connection (or the daemon) holds reconfigures it.
        Only the settings given are sent; the daemon's defaults apply to the rest.

        Args:
            direction: "input" or "output".
            bias: "as-is", "disabled", "pull-up" or "pull-down".
            drive: "push-pull", "open-drain" or "open-source" (outputs).
            edge: "none", "rising", "falling" or "both": edge detection, for :meth:`Line.on_edge`.
            active_low: invert logical values against the physical level.
            debounce_us: debounce period in **microseconds** (int).
            value: initial logical value (outputs only).
            persist: keep the line as it is when this connection closes, instead of releasing it.

        Raises NoSuchLine, LineBusy (another client, a configured output or
        another process holds it), InvalidArgs (bad or conflicting settings),
        AccessDenied (bus policy); ValueError for a negative debounce_us.
        """
        settings: dict[str, Any] = {"direction": dbus.String(direction)}
        for key, v in (("bias", bias), ("drive", drive), ("edge", edge)):
            if v is not None:
                settings[key] = dbus.String(v)
        for key, v in (("active-low", active_low), ("value", value), ("persist", persist)):
            if v is not None:
                settings[key] = dbus.Boolean(bool(v))
        if debounce_us is not None:
            debounce_us = int(debounce_us)
            if debounce_us < 0:
                raise ValueError(f"debounce_us cannot be negative ({debounce_us})")
            settings["debounce-us"] = dbus.UInt64(debounce_us)
        path = self._manager("ClaimLine", "sa{sv}", self._spec(spec),
                             dbus.Dictionary(settings, signature="sv"))
        return Line(self, path)

    def release(self, spec: str | Line) -> None:
        """Releases a line this connection claimed, or one the daemon holds (after
        Set/Toggle/Pulse/Blink on a free line); a free line is a no-op. Raises
        NoSuchLine, LineBusy (another client's line or a configured output's)."""
        self._manager("ReleaseLine", "s", self._spec(spec))

    def output(self, name: str) -> Output:
        """The configured output NAME. Raises NoSuchDevice (named
        io.pinbus1.Error.NoSuchDevice) if there is none."""
        path = OUTPUT_PREFIX + encode_path_element(name)
        if path not in self._manager_property("Outputs"):
            raise errors.NoSuchDevice(f"No output named '{name}'")
        return Output(self, path)

    def button(self, name: str) -> Button:
        """The configured button NAME. Raises NoSuchDevice if there is none."""
        path = BUTTON_PREFIX + encode_path_element(name)
        if path not in self._manager_property("Buttons"):
            raise errors.NoSuchDevice(f"No button named '{name}'")
        return Button(self, path)

    def sensor(self, name: str) -> Sensor:
        """The configured sensor NAME. Raises NoSuchDevice if there is none."""
        path = SENSOR_PREFIX + encode_path_element(name)
        if path not in self._manager_property("Sensors"):
            raise errors.NoSuchDevice(f"No sensor named '{name}'")
        return Sensor(self, path)

    # -- main loop ---------------------------------------------------------

    def run(self, timeout: float | None = None) -> bool:
        """Runs a GLib main loop, delivering signals to callbacks, until
        :meth:`stop` is called or timeout **seconds** pass.

        Returns True when stopped by :meth:`stop`, False on timeout. A stop()
        that came while no loop ran (say, from a signal handler during a call)
        makes this return True at once. An exception raised by a callback stops
        the loop and is re-raised here. Ctrl-C (with Python's default SIGINT
        handler) stops the loop and raises KeyboardInterrupt.
        """
        from gi.repository import GLib

        loop = GLib.MainLoop()
        timed_out = False

        def on_timeout():
            nonlocal timed_out
            timed_out = True
            loop.quit()
            return GLib.SOURCE_REMOVE

        # Set before looking at _stop_requested: a stop() from now on sees the loop.
        self._loop = loop
        timer = None
        try:
            if self._stop_requested:
                return True
            if timeout is not None:
                timer = GLib.timeout_add(max(0, round(timeout * 1000)), on_timeout)
            loop.run()
        finally:
            self._loop = None
            self._stop_requested = False
            if timer is not None and not timed_out:
                GLib.source_remove(timer)
        if self._callback_error is not None:
            e, self._callback_error = self._callback_error, None
            raise e
        return not timed_out

    def stop(self) -> None:
        """Makes :meth:`run` return; safe to call from callbacks and from
        Python signal handlers (``signal.signal(signal.SIGTERM, lambda *_: pb.stop())``)."""
        self._stop_requested = True
        loop = self._loop
        if loop is not None:
            loop.quit()
            # Also from the loop itself, in case it has not started running yet
            # (quit() before g_main_loop_run() would be lost).
            from gi.repository import GLib

            GLib.idle_add(loop.quit)
