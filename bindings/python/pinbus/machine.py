# SPDX-License-Identifier: LGPL-2.1-or-later
"""MicroPython's ``machine.Pin`` and ``machine.Signal`` on lines served by pinbusd.

A MicroPython script runs unchanged under CPython with one step, running it
through this module, which makes ``import machine`` find it::

    python3 -m pinbus.machine blink.py [ARGS...]

(or, in a program of your own, ``import pinbus.machine as machine``, or
``sys.modules["machine"] = pinbus.machine`` before the script's imports).
The runner also gives ``time`` MicroPython's ``sleep_ms``, ``sleep_us``,
``ticks_ms``, ``ticks_us``, ``ticks_diff`` and ``ticks_add``.

    from machine import Pin
    led = Pin(2, Pin.OUT)          # GPIO2 (an int n is the line GPIO<n>; a str any line spec)
    led.on(); led.off(); led.value(1); print(led.value())
    button = Pin(17, Pin.IN, Pin.PULL_UP)
    button.irq(lambda pin: print("edge", pin.value()), Pin.IRQ_FALLING)

The daemon is reached on the system bus, or at the D-Bus address in
``PINBUS_ADDRESS``. A pin's line is claimed for this process from the
constructor (or ``init()``) on, and released when the process exits.
Interrupt handlers run on a background thread, called with the pin, once per
edge the kernel reports. Values are physical levels (0 or 1), as in
MicroPython; ``Signal(pin, invert=True)`` inverts them.
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time

from . import errors
from ._events import EventThread, bus_target, report_callback_error
from .client import LINE_IFACE, Pinbus

__all__ = ["Pin", "Signal", "connect"]

_lock = threading.RLock()
_pinbus: Pinbus | None = None  # calls, from any thread
_events: EventThread | None = None  # signals, on its thread


def _connect(address: str | None, session: bool) -> None:
    global _pinbus, _events
    pinbus = Pinbus(address=address, session=session, main_loop=False)
    old_pinbus, old_events = _pinbus, _events
    _pinbus, _events = pinbus, EventThread(bus_target(address, session), "pinbus-machine-irq")
    if old_events is not None:
        old_events.stop()
    if old_pinbus is not None:
        old_pinbus.close()


def _connection() -> Pinbus:
    """The process's connection to the daemon, made on first use."""
    with _lock:
        if _pinbus is None:
            _connect(os.environ.get("PINBUS_ADDRESS") or None, False)
        return _pinbus


def connect(address: str | None = None, session: bool = False) -> None:
    """Picks the daemon the pins made from now on use: the bus at address (a D-Bus address),
    the session bus, or (no arguments) the system bus. Closes the connection made before,
    releasing its pins' lines. Not in MicroPython: for programs that know their bus."""
    with _lock:
        _connect(address, session)


def _line_spec(id) -> str:
    if isinstance(id, bool):
        raise ValueError(f"invalid pin {id!r}")
    if isinstance(id, int):
        if id < 0:
            raise ValueError(f"invalid pin {id}")
        return f"GPIO{id}"
    if isinstance(id, str):
        return id
    raise TypeError(f"pin id must be an int or a line name, not {type(id).__name__}")


def _os_error(e: errors.PinbusError) -> OSError:
    """A daemon error as MicroPython reports a hardware one: OSError with the daemon's message."""
    return OSError(f"{e.name}: {e}")


class _IRQ:
    """What Pin.irq() returns: irq.trigger() tells the trigger; irq() with no handler disables."""

    def __init__(self, pin: Pin, trigger: int):
        self._pin = pin
        self._trigger = trigger

    def trigger(self, trigger: int | None = None) -> int:
        return self._trigger

    def flags(self) -> int:
        return self._trigger


class Pin:
    """A GPIO line, as MicroPython's machine.Pin: ``Pin(id, mode=-1, pull=-1, *, value=None)``.

    id: an int n for the line GPIO<n>, or a line spec ("GPIO17", "gpiochip0:17").
    mode: IN, OUT or OPEN_DRAIN (-1: leave the line as it is, claimed as an input).
    pull: None, PULL_UP or PULL_DOWN (-1: leave the bias as it is).
    value: the initial level of an output.

    Raises OSError (with the daemon's message) when the line does not exist or another
    program holds it.
    """

    IN = 0
    OUT = 1
    OPEN_DRAIN = 2
    PULL_UP = 1
    PULL_DOWN = 2
    IRQ_FALLING = 1
    IRQ_RISING = 2

    def __init__(self, id, mode: int = -1, pull: int | None = -1, *, value=None, **kwargs):
        self._id = id
        self._spec = _line_spec(id)
        pinbus = _connection()
        self._pinbus = pinbus
        self._events = _events  # this connection's
        try:
            self._line = pinbus.line(self._spec)
        except errors.PinbusError as e:
            raise _os_error(e) from None
        self._mode = None
        self._pull = None
        self._handler = None
        self._trigger = 0
        self._subscription = None
        self._claim_lock = threading.RLock()
        self.init(mode, pull, value=value)

    def init(self, mode: int = -1, pull: int | None = -1, *, value=None, **kwargs) -> None:
        """Re-initialises the pin with the arguments given; the others keep their setting."""
        with self._claim_lock:
            if mode != -1:
                if mode not in (Pin.IN, Pin.OUT, Pin.OPEN_DRAIN):
                    raise ValueError(f"invalid pin mode {mode!r}")
                self._mode = mode
            if pull != -1:
                if pull not in (None, Pin.PULL_UP, Pin.PULL_DOWN):
                    raise ValueError(f"invalid pull {pull!r}")
                self._pull = pull
            if self._mode is None:
                self._mode = Pin.OUT if self._line.direction == "output" else Pin.IN
            self._claim(value)

    def _claim(self, value=None) -> None:
        settings: dict = {}
        if self._mode == Pin.IN:
            settings.update(direction="input",
                            edge={0: "none", Pin.IRQ_FALLING: "falling", Pin.IRQ_RISING: "rising"}.get(
                                self._trigger, "both") if self._handler else "none")
        else:
            if value is None:
                try:
                    value = self._line.get()
                except errors.PinbusError:
                    value = False
            settings.update(direction="output", value=bool(value),
                            drive="open-drain" if self._mode == Pin.OPEN_DRAIN else "push-pull")
        if self._pull is not None:
            settings["bias"] = {Pin.PULL_UP: "pull-up", Pin.PULL_DOWN: "pull-down"}[self._pull]
        try:
            self._pinbus.claim(self._line, **settings)
        except errors.PinbusError as e:
            raise _os_error(e) from None

    def value(self, x=None):
        """With no argument: the pin's level, 0 or 1. With one: drives it (outputs)."""
        try:
            if x is None:
                return int(self._line.get())
            if self._mode == Pin.IN:
                raise OSError(f"pin {self._spec} is an input; Pin.init(mode=Pin.OUT) first")
            self._line.set(bool(x))
        except errors.PinbusError as e:
            raise _os_error(e) from None
        return None

    __call__ = value

    def on(self) -> None:
        """Drives the pin high."""
        self.value(1)

    def off(self) -> None:
        """Drives the pin low."""
        self.value(0)

    high = on
    low = off

    def toggle(self) -> None:
        self.value(0 if self.value() else 1)

    def mode(self, mode: int | None = None):
        if mode is None:
            return self._mode
        self.init(mode)
        return None

    def pull(self, pull: int | None = -1):
        if pull == -1:
            return self._pull
        self.init(pull=pull)
        return None

    def irq(self, handler=None, trigger: int = IRQ_FALLING | IRQ_RISING, **kwargs) -> _IRQ:
        """Calls handler(pin) on a background thread for every edge of trigger (IRQ_FALLING,
        IRQ_RISING or both, or'ed); handler None disables. Returns the irq object."""
        with self._claim_lock:
            if trigger & ~(Pin.IRQ_FALLING | Pin.IRQ_RISING) or not trigger:
                raise ValueError(f"invalid trigger {trigger!r}: IRQ_FALLING, IRQ_RISING or both")
            self._handler = handler
            self._trigger = trigger
            if handler is None:
                token, self._subscription = self._subscription, None
                if token is not None:
                    self._events.unsubscribe(token)
            elif self._subscription is None:
                try:
                    self._subscription = self._events.subscribe(self._on_edge, "Edge", LINE_IFACE,
                                                                self._line.path)
                except errors.PinbusError as e:
                    raise _os_error(e) from None
            if self._mode == Pin.IN:
                self._claim()
            return _IRQ(self, trigger)

    def _on_edge(self, value, timestamp_ns, seqno):
        handler = self._handler
        if handler is None:
            return
        try:
            handler(self)
        except Exception:
            report_callback_error(f"the irq handler of {self!r}")

    def __repr__(self) -> str:
        return f"Pin({self._id!r})"


class Signal:
    """A pin with an optional inversion, as MicroPython's machine.Signal:
    ``Signal(pin, invert=False)`` or ``Signal(id, mode, pull, ..., invert=False)``."""

    def __init__(self, pin_or_id, *args, invert: bool = False, **kwargs):
        self._pin = pin_or_id if isinstance(pin_or_id, Pin) else Pin(pin_or_id, *args, **kwargs)
        self._invert = bool(invert)

    def value(self, x=None):
        """With no argument: the logical value (level, inverted if invert). With one: drives it."""
        if x is None:
            return self._pin.value() ^ self._invert
        self._pin.value(bool(x) ^ self._invert)
        return None

    __call__ = value

    def on(self) -> None:
        """Makes the signal active (the level low if inverted)."""
        self.value(1)

    def off(self) -> None:
        self.value(0)

    def __repr__(self) -> str:
        return f"Signal({self._pin!r}, invert={self._invert})"


# -- MicroPython's time extras, for the runner ------------------------------------

def _ticks_diff(a: int, b: int) -> int:
    return a - b


_TIME_EXTRAS = {
    "sleep_ms": lambda ms: time.sleep(ms / 1000),
    "sleep_us": lambda us: time.sleep(us / 1_000_000),
    "ticks_ms": lambda: time.monotonic_ns() // 1_000_000,
    "ticks_us": lambda: time.monotonic_ns() // 1_000,
    "ticks_cpu": lambda: time.monotonic_ns(),
    "ticks_diff": _ticks_diff,
    "ticks_add": lambda t, delta: t + delta,
}


def main(argv: list[str] | None = None) -> int:
    """``python3 -m pinbus.machine SCRIPT [ARGS...]``: runs a MicroPython script with this
    module as ``machine`` (and ``utime`` as ``time`` with MicroPython's extras)."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python3 -m pinbus.machine SCRIPT [ARGS...]\n"
              "Runs a MicroPython script with machine.Pin and machine.Signal on pinbusd's lines\n"
              "(the system bus, or the D-Bus address in PINBUS_ADDRESS).",
              file=sys.stderr if not argv else sys.stdout)
        return 2 if not argv else 0
    sys.modules["machine"] = sys.modules[__name__]
    for name, f in _TIME_EXTRAS.items():
        if not hasattr(time, name):
            setattr(time, name, f)
    sys.modules.setdefault("utime", time)
    sys.argv = list(argv)
    try:
        runpy.run_path(argv[0], run_name="__main__")
    except KeyboardInterrupt:
        return 130
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return 0


if __name__ == "__main__":
    # Through the package, so that the script's `machine` is pinbus.machine, not this __main__.
    from pinbus import machine as _machine

    sys.exit(_machine.main())
