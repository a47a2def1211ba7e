# SPDX-License-Identifier: LGPL-2.1-or-later
"""A gpiozero pin factory that drives pins through pinbusd.

gpiozero scripts run unchanged with::

    GPIOZERO_PIN_FACTORY=pinbus python3 script.py

(the factory is registered as the ``pinbus`` entry point of the group
``gpiozero_pin_factories``), or explicitly::

    from gpiozero import Button
    from pinbus.gpiozero import PinbusFactory
    button = Button(2, pin_factory=PinbusFactory())

The factory talks to pinbusd on the system bus; ``PINBUS_ADDRESS`` (a D-Bus
address, as `pinbus --address` takes) or ``PinbusFactory(address=...)`` picks
another bus, ``PinbusFactory(session=True)`` the session bus.

How the Pin contract maps onto the daemon:

- **Names.** Pins are given as gpiozero accepts them: ``2``, ``"2"``,
  ``"GPIO2"``, ``"BCM2"``, ``"BOARD3"``, ``"J8:3"`` (a header of the board
  info). They become the line name ``GPIO<n>``, which the daemon resolves on
  the board at hand, so a Pi 5 (``pinctrl-rp1``) works as a Pi 4 does. Any
  other string is handed to the daemon as a line spec (``"ID_SDA"``,
  ``"gpiochip0:17"``, ``"pinctrl-bcm2711:17"``).
- **Function, state, pull.** ``function = "input"``/``"output"`` claims the
  line for this process (``Manager.ClaimLine``), with the bias (``pull``
  ``"up"``, ``"down"``, ``"floating"``) or the initial state; ``state`` reads
  (``Line.Get``) or drives (``Line.Set``) the physical level. A pin's claim ends
  when the pin is closed or the process exits.
- **Edges, bounce, when_changed.** Setting ``when_changed`` claims the line
  with edge detection for ``edges``; ``bounce`` (seconds) is the line's
  debounce period (``debounce-us``: kernel debounce where the chip has it, the
  daemon's otherwise: an edge counts once the level has been stable that long).
  Callbacks run on the factory's event thread, with the ticks of the kernel's
  edge timestamp (``Factory.ticks()`` is CLOCK_MONOTONIC seconds, the same
  clock) and the level after the edge.
- **Reservations.** Within a process, gpiozero's own reservations apply. A line
  held by another program, or by a configured ``[output]``/``[button]`` of the
  daemon, raises gpiozero's :exc:`~gpiozero.GPIOPinInUse` with the daemon's
  message, which names the holder.
- **Board info.** ``pi_info`` is the board's own revision when this runs on a
  Raspberry Pi, else a Raspberry Pi 4 Model B (the simulator's board; on a
  board gpiozero does not know, only the 40-pin header names matter).
- **PWM** raises :exc:`~gpiozero.PinPWMUnsupported`: the daemon has no PWM yet.
  SPI devices are not supported (gpiozero raises PinSPIUnsupported).
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from types import MethodType

from gpiozero.exc import (
    BadPinFactory,
    GPIOPinInUse,
    PinError,
    PinFixedPull,
    PinInvalidBounce,
    PinInvalidEdges,
    PinInvalidFunction,
    PinInvalidPin,
    PinInvalidPull,
    PinInvalidState,
    PinPWMUnsupported,
    PinSetInput,
    PinUnknownPi,
)
from gpiozero.pins import Factory, Pin

try:  # gpiozero 2.x
    from gpiozero.pins.pi import PiBoardInfo
except ImportError:  # gpiozero 1.x
    from gpiozero.pins.data import PiBoardInfo

from . import errors
from ._events import EventThread, bus_target, report_callback_error
from .client import BUS_NAME, LINE_IFACE, Pinbus

__all__ = ["PinbusFactory", "PinbusPin"]

# The board the simulator models (and the header layout of every 40-pin Raspberry Pi):
# a Raspberry Pi 4 Model B, 4 GB, PCB revision 1.1.
DEFAULT_REVISION = 0xC03111

_PULL_TO_BIAS = {"up": "pull-up", "down": "pull-down", "floating": "disabled"}
_EDGES = ("both", "rising", "falling", "none")


def _pin_name(pin) -> str:
    """A header pin's name ("GPIO2", "3V3"), without gpiozero 2.x's deprecated attributes."""
    return pin.name if getattr(pin, "names", None) is not None else pin.function


def _pin_pulled_up(pin) -> bool:
    """Whether the board has a fixed pull-up on a header pin."""
    return pin.pull == "up" if hasattr(pin, "pull") else bool(pin.pull_up)


def _find_header_pin(info, name: str):
    """The header pin of board info `info` named name, or None."""
    for header in info.headers.values():
        for pin in header.pins.values():
            if _pin_name(pin) == name:
                return pin
    return None


def _board_revision() -> int | None:
    """This board's Raspberry Pi revision code, None if it is not a Raspberry Pi."""
    try:
        with open("/proc/device-tree/system/linux,revision", "rb") as f:
            return int.from_bytes(f.read(4), "big") or None
    except OSError:
        pass
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("Revision"):
                    return int(line.split(":", 1)[1].strip(), 16) or None
    except (OSError, ValueError):
        pass
    return None


class PinbusFactory(Factory):
    """A gpiozero pin factory whose pins are lines served by pinbusd.

    Args:
        address: a D-Bus address to reach the daemon at; default: the
            ``PINBUS_ADDRESS`` environment variable, else the system bus.
        session: use the session bus (ignored when an address is given).
        revision: the Raspberry Pi revision code board info comes from;
            default: this board's, else a Raspberry Pi 4 Model B.

    Raises BadPinFactory when the bus cannot be reached or pinbusd is not on it.
    """

    def __init__(self, address: str | None = None, session: bool = False, revision: int | None = None):
        super().__init__()
        address = address or os.environ.get("PINBUS_ADDRESS") or None
        try:
            # Calls from any thread on this one; signals on the event thread's own.
            self._pinbus = Pinbus(address=address, session=session, main_loop=False)
            self._backend = self._pinbus.backend
        except errors.PinbusError as e:
            raise BadPinFactory(f"pinbus: cannot reach pinbusd ({BUS_NAME}): {e}") from None
        self._revision = revision
        self._info = None
        self._lock = threading.RLock()
        self.pins: dict[str, PinbusPin] = {}  # by line object path
        self._names: dict[object, str] = {}  # spec -> the daemon's line spec
        self._thread = EventThread(bus_target(address, session), "pinbus-gpiozero-events")

    # -- board info and names -------------------------------------------------

    def _get_revision(self) -> int:
        if self._revision is None:
            self._revision = _board_revision() or DEFAULT_REVISION
        return self._revision

    def _get_pi_info(self):
        if self._info is None:
            try:
                self._info = PiBoardInfo.from_revision(self._get_revision())
            except PinUnknownPi:
                # A newer board than this gpiozero knows (a Pi 5 for gpiozero 1.6): its
                # 40-pin header is the same.
                self._info = PiBoardInfo.from_revision(DEFAULT_REVISION)
        return self._info

    # gpiozero 2.x calls it board_info.
    def _get_board_info(self):
        return self._get_pi_info()

    def _gpio_name(self, spec) -> str | None:
        """The line name ("GPIO<n>") of a gpiozero pin spec, None for a spec that is no
        gpiozero name (handed to the daemon as it is)."""
        if isinstance(spec, bool):
            raise PinInvalidPin(f"invalid pin {spec!r}")
        if isinstance(spec, int):
            if spec < 0:
                raise PinInvalidPin(f"invalid GPIO number {spec}")
            return f"GPIO{spec}"
        if isinstance(spec, bytes):
            spec = spec.decode("ascii", "replace")
        if not isinstance(spec, str):
            raise PinInvalidPin(f"invalid pin {spec!r}")
        text = spec.strip().upper()
        if text.isdigit():
            return f"GPIO{int(text)}"
        for prefix in ("GPIO", "BCM"):
            if text.startswith(prefix) and text[len(prefix):].isdigit():
                return f"GPIO{int(text[len(prefix):])}"
        headers = self._get_pi_info().headers
        header = number = None
        if text.startswith("BOARD") and text[5:].isdigit():
            header, number = ("P1" if "P1" in headers else "J8"), int(text[5:])
        elif ":" in text:
            h, _, n = text.partition(":")
            if h in headers and n.isdigit():
                header, number = h, int(n)
        if header is None:
            return None
        try:
            function = _pin_name(headers[header].pins[number])
        except KeyError:
            raise PinInvalidPin(f"{spec}: header {header} has no pin {number}") from None
        if not (function.startswith("GPIO") and function[4:].isdigit()):
            raise PinInvalidPin(f"{spec} is not a GPIO pin: it is {function}")
        return function

    def _line_spec(self, spec) -> str:
        """The daemon's spec of the line for a gpiozero pin spec (cached)."""
        if isinstance(spec, PinbusPin):
            return spec.spec
        key = (type(spec), spec)
        with self._lock:
            name = self._names.get(key)
            if name is None:
                query = self._gpio_name(spec) or str(spec)
                try:
                    name = self._pinbus.line(query).spec
                except errors.NoSuchLine as e:
                    raise PinInvalidPin(f"no pin {spec!r}: {e}") from None
                except errors.InvalidArgs as e:
                    raise PinInvalidPin(f"invalid pin {spec!r}: {e}") from None
                except errors.PinbusError as e:
                    raise PinError(f"pin {spec!r}: {e}") from None
                self._names[key] = name
                self._names[(str, name)] = name  # gpiozero 2.x releases by the name
            return name

    # -- the Factory contract -------------------------------------------------

    def reserve_pins(self, requester, *pins):
        super().reserve_pins(requester, *(self._line_spec(p) for p in pins))

    def release_pins(self, reserver, *pins):
        def key(p):
            try:
                return self._line_spec(p)
            except PinError:  # the daemon is gone (a device collected after close()): as given
                return str(p)

        super().release_pins(reserver, *(key(p) for p in pins))

    def pin(self, spec):
        """The pin for spec (the same object for the same line). Raises PinInvalidPin
        for a name the board or the daemon does not know."""
        name = self._line_spec(spec)
        with self._lock:
            pin = self.pins.get(name)
            if pin is None:
                pin = self.pins[name] = PinbusPin(self, name)
            return pin

    def close(self):
        """Releases every pin's line and stops the event thread."""
        with self._lock:
            pins = list(self.pins.values())
            self.pins.clear()
        for pin in pins:
            pin.close()
        self._thread.stop()
        try:
            self._pinbus.close()
        except Exception:  # already closed
            pass

    @staticmethod
    def ticks() -> float:
        """CLOCK_MONOTONIC seconds: the clock of the kernel's edge timestamps."""
        return time.monotonic()

    @staticmethod
    def ticks_diff(later: float, earlier: float) -> float:
        return max(0.0, later - earlier)

    # -- for PinbusPin --------------------------------------------------------

    @property
    def pinbus(self) -> Pinbus:
        """The factory's connection to the daemon (its claims are this process's)."""
        return self._pinbus

    @property
    def backend(self) -> str:
        """The daemon's backend: "gpiod" or "simulator"."""
        return self._backend

    def __repr__(self):
        return f"<PinbusFactory {self._backend}>"


class _LineInfo:
    """What gpiozero 2.x reads of a pin's info, for a line that is on no header."""

    def __init__(self, name: str):
        self.name = self.function = name
        self.names = frozenset({name})
        self.number = self.row = self.col = None
        self.pull = ""
        self.pull_up = False
        self.interfaces = frozenset({"gpio"})

    def __repr__(self):
        return f"<line {self.name}>"


class PinbusPin(Pin):
    """A pin of :class:`PinbusFactory`: a line of the daemon, claimed by this process while
    it has a function. Made by :meth:`PinbusFactory.pin`, not directly."""

    def __init__(self, factory: PinbusFactory, spec: str):
        super().__init__()
        self._factory = factory
        self._spec = spec
        self._line = factory.pinbus.line(spec)
        self._lock = threading.RLock()
        self._function = None  # None: not claimed by us
        self._pull = "floating"
        self._edges = "both"
        self._bounce = None  # seconds, or None
        self._when_changed = None  # weak reference to the callback
        self._subscription = None

    # -- identity ---------------------------------------------------------------

    @property
    def factory(self) -> PinbusFactory:
        return self._factory

    @property
    def spec(self) -> str:
        """The daemon's name of the line ("GPIO17")."""
        return self._spec

    @property
    def number(self):
        """The GPIO number of a "GPIO<n>" line, else the line's name."""
        s = self._spec
        return int(s[4:]) if s.startswith("GPIO") and s[4:].isdigit() else s

    @property
    def info(self):
        """The line's pin on the board info's header (gpiozero 2.x asks pins for its name), or,
        for a line on no header, a stand-in with the line's name."""
        info = _find_header_pin(self._factory._get_pi_info(), self._spec)
        return info if hasattr(info, "name") else _LineInfo(self._spec)

    def __repr__(self):
        return self._spec

    # -- claims -------------------------------------------------------------------

    def _holder(self) -> str:
        """ " (pid 1234: python3 other.py)" for a line another client holds, else ""."""
        try:
            owner = self._line.owner
            if not owner:
                return ""
            pid = int(self._factory.pinbus.bus.call_blocking(
                "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                "GetConnectionUnixProcessID", "s", (owner,)))
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            if len(cmdline) > 80:
                cmdline = cmdline[:77] + "..."
            return f" (pid {pid}: {cmdline})" if cmdline else f" (pid {pid})"
        except Exception:  # gone meanwhile, or not ours to see: the daemon's message says enough
            return ""

    def _raise(self, e: errors.PinbusError, doing: str):
        if isinstance(e, errors.LineBusy):
            raise GPIOPinInUse(f"pin {self!r} is already in use: {e}{self._holder()}") from None
        if isinstance(e, errors.NoSuchLine):
            raise PinInvalidPin(f"pin {self!r} is gone: {e}") from None
        raise PinError(f"cannot {doing} pin {self!r}: {e}") from None

    def _claim(self, function: str, state: bool | None = None):
        """(Re)claims the line with the pin's whole configuration."""
        events = self._when_changed is not None
        if function == "output":
            settings = {"direction": "output", "value": bool(state)}
        else:
            settings = {
                "direction": "input",
                "bias": _PULL_TO_BIAS[self._pull],
                "edge": self._edges if events else "none",
                "debounce_us": 0 if self._bounce is None else round(self._bounce * 1_000_000),
            }
        try:
            self._factory.pinbus.claim(self._line, **settings)
        except errors.PinbusError as e:
            self._raise(e, f"make {function} of")
        self._function = function

    def close(self):
        """Releases the line (and stops its events); the pin can be used again afterwards."""
        with self._lock:
            self._when_changed = None
            self._unsubscribe()
            if self._function is not None:
                self._function = None
                try:
                    self._factory.pinbus.release(self._line)
                except errors.PinbusError:
                    pass  # the daemon went away, or released it already
            self._pull = "floating"
            self._bounce = None
            self._edges = "both"

    def output_with_state(self, state):
        with self._lock:
            self._claim("output", bool(state))

    def input_with_pull(self, pull):
        with self._lock:
            self._check_pull(pull)
            self._pull = pull
            self._claim("input")

    # -- function -----------------------------------------------------------------

    def _get_function(self):
        if self._function is not None:
            return self._function
        try:
            return self._line.direction
        except errors.PinbusError as e:
            self._raise(e, "read the function of")

    def _set_function(self, value):
        if value not in ("input", "output"):
            raise PinInvalidFunction(f'invalid function "{value}" for pin {self!r}')
        with self._lock:
            if value == "output":
                # As gpiozero's own factories: the level the pin has now.
                if self._function != "output":
                    try:
                        state = self._line.get()
                    except errors.PinbusError:
                        state = False
                    self._pull = "floating"
                    self._claim("output", state)
            elif self._function != "input":
                self._claim("input")

    # -- state --------------------------------------------------------------------

    def _get_state(self):
        try:
            return int(self._line.get())
        except errors.PinbusError as e:
            self._raise(e, "read")

    def _set_state(self, value):
        if self._function != "output":
            raise PinSetInput(f"cannot set the state of input pin {self!r}")
        if value not in (0, 1, False, True):
            raise PinInvalidState(f'invalid state "{value}" for pin {self!r}: 0 or 1')
        try:
            self._line.set(bool(value))
        except errors.PinbusError as e:
            self._raise(e, "drive")

    # -- pull -----------------------------------------------------------------------

    def _get_pull(self):
        return self._pull

    def _check_pull(self, value):
        if value not in _PULL_TO_BIAS:
            raise PinInvalidPull(f'invalid pull "{value}" for pin {self!r}')
        if value != "up":
            pin = _find_header_pin(self._factory._get_pi_info(), self._spec)
            if pin is not None and _pin_pulled_up(pin):
                raise PinFixedPull(f"{self!r} has a physical pull-up resistor")

    def _set_pull(self, value):
        with self._lock:
            if self._function != "input":
                raise PinFixedPull(f"cannot set pull on non-input pin {self!r}")
            self._check_pull(value)
            if value != self._pull:
                self._pull = value
                self._claim("input")

    # -- PWM ------------------------------------------------------------------------

    def _get_frequency(self):
        return None

    def _set_frequency(self, value):
        if value is not None:
            raise PinPWMUnsupported(f"PWM is not supported on pin {self!r}: pinbusd has no PWM yet")

    # -- edges and bounce -----------------------------------------------------------

    def _get_bounce(self):
        return self._bounce

    def _set_bounce(self, value):
        if value is not None:
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise PinInvalidBounce(f"invalid bounce {value!r} for pin {self!r}") from None
            if value < 0:
                raise PinInvalidBounce("bounce must be 0 or greater")
            if value == 0:
                value = None
        with self._lock:
            if value == self._bounce:
                return
            old, self._bounce = self._bounce, value
            if self._function == "input":
                try:
                    self._claim("input")
                except PinError as e:
                    self._bounce = old
                    raise PinInvalidBounce(str(e)) from None

    def _get_edges(self):
        return self._edges

    def _set_edges(self, value):
        if value not in _EDGES:
            raise PinInvalidEdges(f'invalid edges "{value}" for pin {self!r}')
        with self._lock:
            if value != self._edges:
                self._edges = value
                if self._function == "input" and self._when_changed is not None:
                    self._claim("input")

    # -- when_changed ---------------------------------------------------------------

    def _get_when_changed(self):
        return None if self._when_changed is None else self._when_changed()

    def _set_when_changed(self, value):
        with self._lock:
            if value is None:
                if self._when_changed is not None:
                    self._when_changed = None
                    self._unsubscribe()
                    if self._function == "input":
                        self._claim("input")
                return
            # Not a strong reference to the device that owns the callback, as gpiozero's own pins.
            enabled = self._when_changed is not None
            self._when_changed = weakref.WeakMethod(value) if isinstance(value, MethodType) else weakref.ref(value)
            if not enabled:
                self._subscribe()
                if self._function != "output":
                    # Subscribed first, so that no edge of the new claim is missed.
                    self._claim("input")

    def _subscribe(self):
        if self._subscription is None:
            try:
                self._subscription = self._factory._thread.subscribe(self._on_edge, "Edge", LINE_IFACE,
                                                                     self._line.path)
            except errors.PinbusError as e:
                self._raise(e, "watch the edges of")

    def _unsubscribe(self):
        token, self._subscription = self._subscription, None
        self._factory._thread.unsubscribe(token)

    def _on_edge(self, value, timestamp_ns, seqno):
        """On the event thread: one Edge signal."""
        ref = self._when_changed
        callback = None if ref is None else ref()
        if callback is None:
            return
        try:
            callback(int(timestamp_ns) / 1e9, int(bool(value)))
        except Exception:
            report_callback_error(f"the when_changed callback of pin {self!r}")
