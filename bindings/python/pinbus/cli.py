# SPDX-License-Identifier: LGPL-2.1-or-later
"""The ``pinbus`` command: GPIO lines served by pinbusd, from the shell.

    pinbus [--address ADDR | --session] COMMAND [ARGS]

    info                          version, backend, chips, configured outputs and buttons
    lines                         every line: name, chip:offset, used, consumer, owner,
                                  direction, value (for a free line: the last one seen)
    find SPEC                     "<name> <chip>:<offset> <object path>" of a line
    get SPEC                      the line's logical value: 1 or 0
    set SPEC VALUE                drive VALUE (on|off|1|0|true|false)
    toggle SPEC                   drive the opposite value
    pulse SPEC VALUE DURATION     drive VALUE for DURATION, then the opposite
    blink SPEC ON OFF [COUNT]     blink COUNT times (default 0: until set/toggle)
    monitor SPEC [--edge E] [--bias B] [--active-low] [--debounce DURATION]
                                  claim the line with edge detection and print one line per
                                  edge, "<seconds>.<nanoseconds> <seqno> <value>", until
                                  Ctrl-C or SIGTERM (the line is then released)
    release SPEC                  release a line the daemon holds (after set/toggle/...)
    button NAME                   print the configured button's events, one per line:
                                  "<seconds>.<nanoseconds> pressed", "... released <seconds held>",
                                  "... held <repeat>" or "clicked <count>", until Ctrl-C or SIGTERM
    sensors                       every configured sensor: "<name> <model> <bus> <address>"
                                  and its values, or "offline: <last error>"
    read SENSOR                   take a fresh sample: one "<quantity> <value> <unit>" line each

SPEC is a line name (GPIO17) or <chip>:<offset> (gpiochip0:17, pinctrl-bcm2711:17).
DURATION is a number with a unit: 500us, 20ms, 1.5s, 2min, 1h (seconds if none).
set/toggle/pulse/blink on a free line leave it held by the daemon as an output,
driving its last value, until `pinbus release`.

Exit status: 0 on success, 1 on an error (reported as "pinbus: <message>"),
2 for a usage error.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from . import client
from .client import BUS_NAME, Pinbus
from .errors import PinbusError

PROG = "pinbus"

_BOOLS = {"on": True, "1": True, "true": True, "off": False, "0": False, "false": False}

_UNITS_US = {
    "us": 1, "µs": 1, "usec": 1,
    "ms": 1000, "msec": 1000,
    "s": 1_000_000, "sec": 1_000_000, "": 1_000_000,
    "min": 60_000_000,
    "h": 3_600_000_000,
}

_DURATION_RE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-zµ]*)\s*", re.IGNORECASE)


def parse_bool(text: str) -> bool:
    """on|off|1|0|true|false (any case) to a bool."""
    try:
        return _BOOLS[text.lower()]
    except KeyError:
        raise argparse.ArgumentTypeError(
            f"invalid value '{text}': expected on, off, 1, 0, true or false") from None


def parse_duration(text: str) -> timedelta:
    """"500us", "20ms", "1.5s", "2min", "1h" or plain seconds to a timedelta,
    rounded to whole microseconds."""
    m = _DURATION_RE.fullmatch(text)
    unit = m.group(2).lower() if m else None
    if unit not in _UNITS_US:
        raise argparse.ArgumentTypeError(
            f"invalid duration '{text}': expected a number with a unit (us, ms, s, min, h), "
            "e.g. 200ms or 1.5s")
    try:
        us = round(Decimal(m.group(1)) * _UNITS_US[unit])
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"invalid duration '{text}'") from None
    return timedelta(microseconds=us)


def parse_count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if not 0 <= n <= client.UINT32_MAX:
        raise argparse.ArgumentTypeError(
            f"invalid count '{text}': expected 0 (until stopped) .. {client.UINT32_MAX}")
    return n


def _onoff(v: bool) -> str:
    return "1" if v else "0"


def cmd_info(pb: Pinbus, args) -> int:
    print(f"version: {pb.version}")
    print(f"backend: {pb.backend}")
    chips = pb.chips
    print("chips:" if chips else "chips: none")
    for c in chips:
        print(f"  {c.name} {c.label or '-'} ({c.num_lines} lines)")
    outputs = pb.outputs
    print("outputs:" if outputs else "outputs: none")
    for o in outputs:
        line = o.line
        flags = " restore" if o.restore else ""
        print(f"  {o.name} {line.spec if line else '(no line)'} {'on' if o.value else 'off'}{flags}")
    buttons = pb.buttons
    print("buttons:" if buttons else "buttons: none")
    for b in buttons:
        line = b.line
        state = "held" if b.held else "pressed" if b.pressed else "released"
        print(f"  {b.name} {line.spec if line else '(no line)'} {state} ({b.debouncer} debounce)")
    sensors = pb.sensors
    print("sensors:" if sensors else "sensors: none")
    for s in sensors:
        print(f"  {s.name} {s.model} {s.bus} 0x{s.address:02x} {'online' if s.online else 'offline'}")
    return 0


def cmd_lines(pb: Pinbus, args) -> int:
    header = ("NAME", "CHIP:OFFSET", "USED", "CONSUMER", "OWNER", "DIRECTION", "VALUE")
    rows = []
    for chip in pb.chips:
        chip_name = chip.name
        for line in chip.lines:
            p = line.properties()
            rows.append((line.spec, f"{chip_name}:{p['Offset']}", "yes" if p["Used"] else "no",
                         p["Consumer"] or "-", p["Owner"] or "-", p["Direction"],
                         _onoff(p["Value"])))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return 0


def cmd_find(pb: Pinbus, args) -> int:
    line = pb.line(args.spec)
    print(f"{line.spec} {line.chip.name}:{line.offset} {line.path}")
    return 0


def cmd_get(pb: Pinbus, args) -> int:
    print(_onoff(pb.line(args.spec).get()))
    return 0


def cmd_set(pb: Pinbus, args) -> int:
    pb.line(args.spec).set(args.value)
    return 0


def cmd_toggle(pb: Pinbus, args) -> int:
    pb.line(args.spec).toggle()
    return 0


def cmd_pulse(pb: Pinbus, args) -> int:
    pb.line(args.spec).pulse(args.value, args.duration)
    return 0


def cmd_blink(pb: Pinbus, args) -> int:
    pb.line(args.spec).blink(args.on, args.off, args.count)
    return 0


def cmd_release(pb: Pinbus, args) -> int:
    pb.release(args.spec)
    return 0


def cmd_monitor(pb: Pinbus, args) -> int:
    daemon_gone = False

    def on_signal(signum, frame):
        pb.stop()

    def on_owner(owner):
        nonlocal daemon_gone
        if not owner:
            daemon_gone = True
            pb.stop()

    def on_edge(value: bool, timestamp_ns: int, seqno: int):
        s, ns = divmod(timestamp_ns, 1_000_000_000)
        print(f"{s}.{ns:09d} {seqno} {_onoff(value)}", flush=True)

    # Before the claim, so that a SIGTERM as soon as the line is ours still releases it.
    old_handlers = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        line = pb.line(args.spec)
        watch = pb.bus.watch_name_owner(BUS_NAME, on_owner)
        sub = line.on_edge(on_edge)  # before the claim: no edge is missed
        pb.claim(line, direction="input", edge=args.edge, bias=args.bias,
                 active_low=args.active_low or None,
                 debounce_us=(args.debounce // timedelta(microseconds=1)
                              if args.debounce is not None else None))
        try:
            pb.run()
        finally:
            sub.remove()
            watch.cancel()
            if not daemon_gone:
                pb.release(line)
    finally:
        for sig, handler in old_handlers.items():
            signal.signal(sig, handler)
    if daemon_gone:
        raise PinbusError(f"pinbusd left the bus while monitoring line {line.spec}")
    return 0


def _stamp(timestamp_ns: int) -> str:
    s, ns = divmod(timestamp_ns, 1_000_000_000)
    return f"{s}.{ns:09d}"


def cmd_button(pb: Pinbus, args) -> int:
    daemon_gone = False

    def on_signal(signum, frame):
        pb.stop()

    def on_owner(owner):
        nonlocal daemon_gone
        if not owner:
            daemon_gone = True
            pb.stop()

    old_handlers = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        button = pb.button(args.name)
        watch = pb.bus.watch_name_owner(BUS_NAME, on_owner)
        subs = [
            button.on_pressed(lambda ts: print(f"{_stamp(ts)} pressed", flush=True)),
            button.on_released(lambda ts, d: print(f"{_stamp(ts)} released {d:.6f}", flush=True)),
            button.on_held(lambda ts, n: print(f"{_stamp(ts)} held {n}", flush=True)),
            button.on_clicked(lambda n: print(f"clicked {n}", flush=True)),
        ]
        try:
            pb.run()
        finally:
            for sub in subs:
                sub.remove()
            watch.cancel()
    finally:
        for sig, handler in old_handlers.items():
            signal.signal(sig, handler)
    if daemon_gone:
        raise PinbusError(f"pinbusd left the bus while monitoring button {args.name}")
    return 0


_UNITS = {"temperature": "°C", "pressure": "Pa", "humidity": "%RH", "illuminance": "lx", "voltage": "V"}


def _format_values(values: dict[str, float]) -> str:
    return " ".join(f"{k}={v:.2f}{_UNITS.get(k, '')}" for k, v in values.items())


def cmd_sensors(pb: Pinbus, args) -> int:
    for sensor in pb.sensors:
        p = sensor.properties()
        state = _format_values(p["Values"]) if p["Online"] else f"offline: {p['LastError'] or 'not sampled yet'}"
        print(f"{p['Name']} {p['Model']} {p['Bus']} 0x{p['Address']:02x} {state}")
    return 0


def cmd_read(pb: Pinbus, args) -> int:
    for k, v in pb.sensor(args.sensor).read().items():
        print(f"{k} {round(v, 6)} {_UNITS.get(k, '')}".rstrip())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Read, drive and monitor GPIO lines and read I2C sensors served by "
                               "pinbusd (io.pinbus1).",
        epilog="SPEC: a line name (GPIO17) or <chip>:<offset> (gpiochip0:17). "
               "DURATION: e.g. 500us, 20ms, 1.5s, 2min.")
    bus = parser.add_mutually_exclusive_group()
    bus.add_argument("--address", metavar="ADDR", help="connect to the bus at ADDR "
                     "(e.g. unix:path=/run/x/bus) instead of the system bus")
    bus.add_argument("--session", action="store_true", help="use the session bus")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name, func, help):
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    command("info", cmd_info, "show the daemon's version, backend, chips, outputs, buttons and sensors")
    command("button", cmd_button, "print a configured button's events until interrupted").add_argument("name")
    command("lines", cmd_lines, "list every line")
    command("find", cmd_find, "show a line's name, chip:offset and object path").add_argument("spec")
    command("get", cmd_get, "print a line's logical value, 1 or 0").add_argument("spec")
    p = command("set", cmd_set, "drive a line")
    p.add_argument("spec")
    p.add_argument("value", type=parse_bool, metavar="on|off")
    command("toggle", cmd_toggle, "drive the opposite of a line's value").add_argument("spec")
    p = command("pulse", cmd_pulse, "drive a value for DURATION, then the opposite")
    p.add_argument("spec")
    p.add_argument("value", type=parse_bool, metavar="on|off")
    p.add_argument("duration", type=parse_duration, metavar="DURATION")
    p = command("blink", cmd_blink, "blink a line: on for ON, off for OFF, COUNT times")
    p.add_argument("spec")
    p.add_argument("on", type=parse_duration, metavar="ON")
    p.add_argument("off", type=parse_duration, metavar="OFF")
    p.add_argument("count", type=parse_count, nargs="?", default=0, metavar="COUNT",
                   help="number of blinks (default 0: until the next set or toggle)")
    p = command("monitor", cmd_monitor,
                "claim a line with edge detection and print its edges "
                "('<seconds>.<nanoseconds> <seqno> <value>', CLOCK_MONOTONIC) until Ctrl-C or SIGTERM")
    p.add_argument("spec")
    p.add_argument("--edge", choices=("both", "rising", "falling"), default="both")
    p.add_argument("--bias", choices=("as-is", "disabled", "pull-up", "pull-down"))
    p.add_argument("--active-low", action="store_true", help="invert the logical value")
    p.add_argument("--debounce", type=parse_duration, metavar="DURATION")
    command("release", cmd_release, "release a line the daemon holds").add_argument("spec")
    command("sensors", cmd_sensors, "list the configured sensors with their values or errors")
    command("read", cmd_read, "take a fresh sample of a sensor and print it").add_argument("sensor")
    return parser


def _message(e: PinbusError) -> str:
    if e.name in ("org.freedesktop.DBus.Error.ServiceUnknown",
                  "org.freedesktop.DBus.Error.NameHasNoOwner"):
        return f"pinbusd is not running on this bus (no owner of {BUS_NAME}): {e}"
    return str(e)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with Pinbus(address=args.address, session=args.session) as pb:
            return args.func(pb, args)
    except PinbusError as e:
        print(f"{PROG}: {_message(e)}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output closed early (pinbus monitor ... | head): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
