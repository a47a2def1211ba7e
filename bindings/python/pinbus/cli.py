# SPDX-License-Identifier: LGPL-2.1-or-later
"""The ``pinbus`` command: GPIO lines served by pinbusd, from the shell.

    pinbus [--address ADDR | --session] [--json] COMMAND [ARGS]
    pinbus --version

    info                          version, backend, chips, configured outputs and buttons
    lines                         every line: name, chip:offset, used, consumer, owner,
                                  direction, value (for a free line: the last one seen)
    find SPEC                     "<name> <chip>:<offset> <object path>" of a line
    get SPEC                      the line's logical value: 1 or 0 (an output's value, a
                                  button's pressed state; a sensor's last sample, as read)
    set SPEC VALUE                drive VALUE (on|off|1|0|true|false)
    toggle SPEC                   drive the opposite value
    pulse SPEC VALUE DURATION     drive VALUE for DURATION, then the opposite
    blink SPEC ON OFF [COUNT]     blink COUNT times (default 0: until set/toggle)
    monitor SPEC [--edge E] [--bias B] [--active-low] [--debounce DURATION]
                                  claim the line with edge detection and print one line per
                                  edge, "<seconds>.<nanoseconds> <seqno> <value>", until
                                  Ctrl-C or SIGTERM (the line is then released)
    wait SPEC [--edge E] [--count N] [--timeout DURATION] [--bias B] [--active-low]
                                  claim the line with edge detection and wait for N edges
                                  (default 1), printing each as monitor does; exit 0 when
                                  they came, 124 when DURATION passed without an edge;
                                  for a configured button, N presses ("<s>.<ns> pressed")
    release SPEC                  release a line the daemon holds (after set/toggle/...)
    button NAME                   print the configured button's events, one per line:
                                  "<seconds>.<nanoseconds> pressed", "... released <seconds held>",
                                  "... held <repeat>" or "clicked <count>", until Ctrl-C or SIGTERM
    sensors                       every configured sensor: "<name> <model> <bus> <address>"
                                  and its values, or "offline: <last error>"
    read SENSOR                   take a fresh sample: one "<quantity> <value> <unit>" line each

SPEC is a line name (GPIO17) or <chip>:<offset> (gpiochip0:17, pinctrl-bcm2711:17); for
get/set/toggle/pulse/blink also the name of a configured output (`pinbus set porch on`),
for get a configured button's or sensor's. A configured name wins over a line name.
--json (before or after the command) prints JSON instead: one document, or one object per
line for monitor, wait and button.
DURATION is a number with a unit: 500us, 20ms, 1.5s, 2min, 1h (seconds if none).
set/toggle/pulse/blink on a free line leave it held by the daemon as an output,
driving its last value, until `pinbus release`.

Exit status: 0 on success, 1 on an error (reported as "pinbus: <message>"),
2 for a usage error, 124 when `wait` timed out.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from . import __version__, client
from .client import BUS_NAME, Pinbus
from .errors import PinbusError

PROG = "pinbus"

#: Exit status of `pinbus wait` when the timeout passed without the edges (as timeout(1)).
EXIT_TIMEOUT = 124

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


def parse_positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"invalid count '{text}': expected 1 or more")
    return n


def _onoff(v: bool) -> str:
    return "1" if v else "0"


def _print_json(doc) -> None:
    print(json.dumps(doc, ensure_ascii=False), flush=True)


def _driveable(pb: Pinbus, spec: str):
    """A configured output called spec, else the line spec names."""
    path = client.OUTPUT_PREFIX + client.encode_path_element(spec)
    if path in pb._manager_property("Outputs"):
        return client.Output(pb, path)
    return pb.line(spec)


def _readable(pb: Pinbus, spec: str):
    """A configured button, sensor or output called spec, else the line spec names."""
    path = client.BUTTON_PREFIX + client.encode_path_element(spec)
    if path in pb._manager_property("Buttons"):
        return client.Button(pb, path)
    path = client.SENSOR_PREFIX + client.encode_path_element(spec)
    if path in pb._manager_property("Sensors"):
        return client.Sensor(pb, path)
    return _driveable(pb, spec)


def cmd_info(pb: Pinbus, args) -> int:
    if args.json:
        doc = {"version": pb.version, "backend": pb.backend}
        doc["chips"] = [{"name": c.name, "label": c.label, "lines": c.num_lines} for c in pb.chips]
        doc["outputs"] = [{"name": o.name, "line": o.line.spec if o.line else None, "value": o.value,
                           "restore": o.restore} for o in pb.outputs]
        doc["buttons"] = [{"name": b.name, "line": b.line.spec if b.line else None, "pressed": b.pressed,
                           "held": b.held, "debouncer": b.debouncer} for b in pb.buttons]
        doc["sensors"] = [{"name": x.name, "model": x.model, "bus": x.bus, "address": x.address,
                           "online": x.online} for x in pb.sensors]
        _print_json(doc)
        return 0
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
            if args.json:
                rows[-1] = {"name": line.spec, "chip": chip_name, "offset": p["Offset"], "used": p["Used"],
                            "consumer": p["Consumer"], "owner": p["Owner"], "direction": p["Direction"],
                            "value": p["Value"]}
    if args.json:
        _print_json(rows)
        return 0
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return 0


def cmd_find(pb: Pinbus, args) -> int:
    line = pb.line(args.spec)
    if args.json:
        _print_json({"name": line.spec, "chip": line.chip.name, "offset": line.offset, "path": line.path})
        return 0
    print(f"{line.spec} {line.chip.name}:{line.offset} {line.path}")
    return 0


def cmd_get(pb: Pinbus, args) -> int:
    target = _readable(pb, args.spec)
    if isinstance(target, client.Sensor):
        # Its last good sample, as `read` prints a fresh one; exit 1 while it is offline.
        p = target.properties()
        if not p["Online"]:
            raise PinbusError(f"Sensor {args.spec} is offline: {p['LastError'] or 'not sampled yet'}")
        if args.json:
            _print_json({"sensor": args.spec, "values": p["Values"], "timestamp_us": p["Timestamp"]})
        else:
            for k, v in p["Values"].items():
                print(f"{k} {round(v, 6)} {_UNITS.get(k, '')}".rstrip())
        return 0
    if isinstance(target, client.Button):
        value, kind = target.pressed, "button"
    elif isinstance(target, client.Output):
        value, kind = target.value, "output"
    else:
        value, kind = target.get(), "line"
    if args.json:
        _print_json({kind: args.spec if kind != "line" else target.spec, "value": value})
    else:
        print(_onoff(value))
    return 0


def cmd_set(pb: Pinbus, args) -> int:
    _driveable(pb, args.spec).set(args.value)
    return 0


def cmd_toggle(pb: Pinbus, args) -> int:
    _driveable(pb, args.spec).toggle()
    return 0


def cmd_pulse(pb: Pinbus, args) -> int:
    _driveable(pb, args.spec).pulse(args.value, args.duration)
    return 0


def cmd_blink(pb: Pinbus, args) -> int:
    _driveable(pb, args.spec).blink(args.on, args.off, args.count)
    return 0


def cmd_release(pb: Pinbus, args) -> int:
    pb.release(args.spec)
    return 0


def _print_edge(args, spec: str, value: bool, timestamp_ns: int, seqno: int) -> None:
    if args.json:
        _print_json({"line": spec, "value": value, "timestamp_ns": timestamp_ns, "seqno": seqno})
    else:
        s, ns = divmod(timestamp_ns, 1_000_000_000)
        print(f"{s}.{ns:09d} {seqno} {_onoff(value)}", flush=True)


class _Waiting:
    """What `monitor` and `wait` share while the loop runs: SIGINT and SIGTERM stop it, so does
    pinbusd leaving the bus (daemon_gone), and an idle timeout in seconds (None: none) that
    arm() starts again, as gpiomon's does with each edge (timed_out)."""

    def __init__(self, pb: Pinbus, timeout=None):
        self.pb, self.timeout = pb, timeout
        self.daemon_gone = self.timed_out = False
        self._timer = self._watch = None
        self._old_handlers = {}

    def __enter__(self):
        # Before any claim, so that a SIGTERM as soon as a line is ours still releases it.
        self._old_handlers = {sig: signal.signal(sig, lambda signum, frame: self.pb.stop())
                              for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self._watch = self.pb.bus.watch_name_owner(BUS_NAME, self._on_owner)
        except BaseException:
            self._restore_handlers()
            raise
        return self

    def __exit__(self, *exc):
        from gi.repository import GLib

        if self._timer is not None:
            GLib.source_remove(self._timer)
            self._timer = None
        self._watch.cancel()
        self._restore_handlers()
        return False

    def _restore_handlers(self):
        for sig, handler in self._old_handlers.items():
            signal.signal(sig, handler)

    def _on_owner(self, owner):
        if not owner:
            self.daemon_gone = True
            self.pb.stop()

    def _on_timeout(self):
        from gi.repository import GLib

        self.timed_out, self._timer = True, None
        self.pb.stop()
        return GLib.SOURCE_REMOVE

    def arm(self):
        from gi.repository import GLib

        if self.timeout is not None:
            if self._timer is not None:
                GLib.source_remove(self._timer)
            self._timer = GLib.timeout_add(max(0, round(self.timeout * 1000)), self._on_timeout)

    def run(self):
        self.arm()
        self.pb.run()


def _watch_edges(pb: Pinbus, args, on_edge, timeout=None, doing="monitoring") -> bool:
    """Claims args.spec with edge detection and runs the loop until pb.stop() (True), the
    idle timeout in seconds (False), SIGINT or SIGTERM (True); then releases the line.
    on_edge(line, value, timestamp_ns, seqno) gets each edge."""
    with _Waiting(pb, timeout) as waiting:
        line = pb.line(args.spec)

        def edge(value: bool, timestamp_ns: int, seqno: int):
            waiting.arm()
            on_edge(line, value, timestamp_ns, seqno)

        sub = line.on_edge(edge)  # before the claim: no edge is missed
        try:
            pb.claim(line, direction="input", edge=args.edge, bias=args.bias,
                     active_low=args.active_low or None,
                     debounce_us=(args.debounce // timedelta(microseconds=1)
                                  if args.debounce is not None else None))
            try:
                waiting.run()
            finally:
                if not waiting.daemon_gone:
                    pb.release(line)
        finally:
            sub.remove()
    if waiting.daemon_gone:
        raise PinbusError(f"pinbusd left the bus while {doing} line {line.spec}")
    return not waiting.timed_out


def cmd_monitor(pb: Pinbus, args) -> int:
    _watch_edges(pb, args, lambda line, *edge: _print_edge(args, line.spec, *edge))
    return 0


def _wait_button(pb: Pinbus, args, button, timeout) -> int:
    """`pinbus wait BUTTON`: COUNT presses of a configured button (its debounced Pressed events)."""
    seen = 0

    with _Waiting(pb, timeout) as waiting:
        def on_pressed(timestamp_ns):
            nonlocal seen
            if seen < args.count:
                seen += 1
                waiting.arm()
                if args.json:
                    _print_json({"button": args.spec, "event": "pressed", "timestamp_ns": timestamp_ns})
                else:
                    print(f"{_stamp(timestamp_ns)} pressed", flush=True)
                if seen == args.count:
                    pb.stop()

        sub = button.on_pressed(on_pressed)
        try:
            waiting.run()
        finally:
            sub.remove()
    if waiting.daemon_gone:
        raise PinbusError(f"pinbusd left the bus while waiting for button {args.spec}")
    if waiting.timed_out:
        return EXIT_TIMEOUT
    return 0 if seen >= args.count else 130


def cmd_wait(pb: Pinbus, args) -> int:
    timeout = None if args.timeout is None else args.timeout.total_seconds()
    path = client.BUTTON_PREFIX + client.encode_path_element(args.spec)
    if path in pb._manager_property("Buttons"):
        return _wait_button(pb, args, client.Button(pb, path), timeout)
    seen = 0

    def on_edge(line, *edge):
        nonlocal seen
        if seen < args.count:
            seen += 1
            _print_edge(args, line.spec, *edge)
            if seen == args.count:
                pb.stop()

    came = _watch_edges(pb, args, on_edge, timeout, "waiting for")
    if not came:
        return EXIT_TIMEOUT
    return 0 if seen >= args.count else 130  # interrupted before the edges came


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
        if args.json:
            def event(name, **kw):
                _print_json({"button": args.name, "event": name, **kw})

            subs = [
                button.on_pressed(lambda ts: event("pressed", timestamp_ns=ts)),
                button.on_released(lambda ts, d: event("released", timestamp_ns=ts, duration_s=d)),
                button.on_held(lambda ts, n: event("held", timestamp_ns=ts, repeat=n)),
                button.on_clicked(lambda n: event("clicked", count=n)),
            ]
        else:
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
    if args.json:
        docs = []
        for sensor in pb.sensors:
            p = sensor.properties()
            docs.append({"name": p["Name"], "model": p["Model"], "bus": p["Bus"], "address": p["Address"],
                         "online": p["Online"], "values": p["Values"], "last_error": p["LastError"],
                         "timestamp_us": p["Timestamp"]})
        _print_json(docs)
        return 0
    for sensor in pb.sensors:
        p = sensor.properties()
        state = _format_values(p["Values"]) if p["Online"] else f"offline: {p['LastError'] or 'not sampled yet'}"
        print(f"{p['Name']} {p['Model']} {p['Bus']} 0x{p['Address']:02x} {state}")
    return 0


def cmd_read(pb: Pinbus, args) -> int:
    values = pb.sensor(args.sensor).read()
    if args.json:
        _print_json({"sensor": args.sensor, "values": values})
        return 0
    for k, v in values.items():
        print(f"{k} {round(v, 6)} {_UNITS.get(k, '')}".rstrip())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Read, drive and monitor GPIO lines and read I2C sensors served by "
                               "pinbusd (io.pinbus1).",
        epilog="SPEC: a line name (GPIO17) or <chip>:<offset> (gpiochip0:17); get/set/toggle/pulse/blink "
               "also take a configured output's name, get a button's. "
               "DURATION: e.g. 500us, 20ms, 1.5s, 2min. Exit status: 0 ok, 1 error, 2 usage, "
               f"{EXIT_TIMEOUT} wait timed out.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    bus = parser.add_mutually_exclusive_group()
    bus.add_argument("--address", metavar="ADDR", help="connect to the bus at ADDR "
                     "(e.g. unix:path=/run/x/bus) instead of the system bus")
    bus.add_argument("--session", action="store_true", help="use the session bus")
    parser.add_argument("--json", action="store_true", help="print JSON (one object per line for "
                        "monitor, wait and button)")
    # --json after the command too; SUPPRESS keeps a --json given before it.
    json_flag = argparse.ArgumentParser(add_help=False)
    json_flag.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                           help="print JSON")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name, func, help):
        p = sub.add_parser(name, help=help, description=help, parents=[json_flag])
        p.set_defaults(func=func)
        return p

    def watch_options(p):
        p.add_argument("spec")
        p.add_argument("--edge", choices=("both", "rising", "falling"), default="both")
        p.add_argument("--bias", choices=("as-is", "disabled", "pull-up", "pull-down"))
        p.add_argument("--active-low", action="store_true", help="invert the logical value")
        p.add_argument("--debounce", type=parse_duration, metavar="DURATION")

    command("info", cmd_info, "show the daemon's version, backend, chips, outputs, buttons and sensors")
    command("button", cmd_button, "print a configured button's events until interrupted").add_argument("name")
    command("lines", cmd_lines, "list every line")
    command("find", cmd_find, "show a line's name, chip:offset and object path").add_argument("spec")
    command("get", cmd_get, "print a line's logical value, 1 or 0 (or an output's, a button's "
            "pressed state, a sensor's last sample)").add_argument("spec")
    p = command("set", cmd_set, "drive a line or a configured output")
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
    watch_options(p)
    p = command("wait", cmd_wait,
                "claim a line with edge detection, wait for COUNT edges and print them as monitor "
                f"does; exit 0 when they came, {EXIT_TIMEOUT} when DURATION passed without an edge")
    watch_options(p)
    p.add_argument("--count", "-n", type=parse_positive, default=1, metavar="N",
                   help="edges to wait for (default 1)")
    p.add_argument("--timeout", type=parse_duration, metavar="DURATION",
                   help="give up after DURATION without an edge (an idle timeout: each edge "
                        "starts it again; default: wait for ever)")
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
