# SPDX-License-Identifier: LGPL-2.1-or-later
"""The `pinbus` command against `pinbusd --simulate`.

Output formats checked here (documented in pinbus/cli.py and the README):
get prints 1 or 0; find prints "<name> <chip>:<offset> <path>"; monitor prints
"<seconds>.<nanoseconds> <seqno> <value>" per edge. Errors: "pinbus: <message>",
exit 1; usage errors exit 2.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from pbharness import BINDINGS_PYTHON, scaled
from pbharness.cli import Cli, cli_env
from pbharness.client import poll_until

import pinbus
from pinbus import cli as pinbus_cli

EDGE_RE = re.compile(r"(\d+)\.(\d{9}) (\d+) ([01])")


# -- argument parsing ----------------------------------------------------------


@pytest.mark.parametrize("text,us", [("200ms", 200_000), ("1.5s", 1_500_000), ("500us", 500),
                                     ("500µs", 500), ("2min", 120_000_000), ("1h", 3_600_000_000),
                                     ("3", 3_000_000), ("0.25", 250_000), ("10 ms", 10_000),
                                     ("1.5MS", 1500), (".5s", 500_000), ("0s", 0)])
def test_parse_duration(text, us):
    assert pinbus_cli.parse_duration(text) == timedelta(microseconds=us)


@pytest.mark.parametrize("text", ["", "ms", "-1s", "1.5.2s", "5parsecs", "1e3ms", "abc"])
def test_parse_duration_rejects(text):
    with pytest.raises(argparse.ArgumentTypeError, match="invalid duration"):
        pinbus_cli.parse_duration(text)


def test_parse_bool():
    for text in ("on", "1", "true", "ON", "True"):
        assert pinbus_cli.parse_bool(text) is True
    for text in ("off", "0", "false", "OFF", "False"):
        assert pinbus_cli.parse_bool(text) is False
    with pytest.raises(argparse.ArgumentTypeError):
        pinbus_cli.parse_bool("maybe")


# -- commands ------------------------------------------------------------------


def test_help(cli):
    out = cli("--help", bus_args=[]).stdout
    for command in ("info", "lines", "find", "get", "set", "toggle", "pulse", "blink", "monitor",
                    "release", "button", "sensors", "read"):
        assert command in out


def test_info(cli):
    out = cli("info").stdout.splitlines()
    assert re.fullmatch(r"version: \d+\.\d+\.\d+", out[0])
    assert out[1:] == ["backend: simulator", "chips:", "  gpiochip0 pinctrl-bcm2711 (58 lines)",
                       "outputs: none", "buttons: none", "sensors: none"]


def test_lines(cli, pb, other):
    other.claim("GPIO17", bias="pull-up")
    pb.line("GPIO27").set(True)
    out = cli("lines").stdout.splitlines()
    assert out[0].split() == ["NAME", "CHIP:OFFSET", "USED", "CONSUMER", "OWNER", "DIRECTION",
                              "VALUE"]
    rows = {r.split()[0]: r.split() for r in out[1:]}
    assert len(out) == 59 and len(rows) == 58
    assert rows["ID_SDA"] == ["ID_SDA", "gpiochip0:0", "no", "-", "-", "input", "0"]
    # Pulled up, with nothing driving it: reads 1.
    assert rows["GPIO17"] == ["GPIO17", "gpiochip0:17", "yes", "pinbusd", other.unique_name,
                              "input", "1"]
    assert rows["GPIO27"] == ["GPIO27", "gpiochip0:27", "yes", "pinbusd", "-", "output", "1"]


def test_find(cli):
    assert cli("find", "GPIO17").stdout == "GPIO17 gpiochip0:17 /io/pinbus1/line/GPIO17\n"
    assert cli("find", "pinctrl-bcm2711:0").stdout == "ID_SDA gpiochip0:0 /io/pinbus1/line/ID_5fSDA\n"


def test_set_get(cli, pb):
    assert cli("get", "GPIO27").stdout == "0\n"
    for text, expected in (("on", "1"), ("off", "0"), ("1", "1"), ("0", "0"), ("true", "1"),
                           ("false", "0"), ("ON", "1")):
        assert cli("set", "GPIO27", text).stdout == ""
        assert cli("get", "GPIO27").stdout == expected + "\n"
        assert pb.line("GPIO27").value is (expected == "1")
    # The daemon keeps the line after the command exits.
    assert pb.line("GPIO27").used is True


def test_get_reads_an_input(cli, sim):
    sim.set_input("GPIO5", True)
    assert cli("get", "gpiochip0:5").stdout == "1\n"


def test_toggle(cli, pb):
    cli("toggle", "GPIO27")
    assert cli("get", "GPIO27").stdout == "1\n"
    cli("toggle", "GPIO27")
    assert pb.line("GPIO27").value is False


def test_pulse(cli, pb):
    line = pb.line("GPIO27")
    cli("set", "GPIO27", "off")
    cli("pulse", "GPIO27", "on", "300ms")
    assert line.value is True  # still in the pulse: the command returns at once
    poll_until(lambda: line.value is False, what="the pulse to end")


def test_blink(cli, pb):
    line = pb.line("GPIO26")
    changes = []

    def on_changed(iface, changed, invalidated):
        if "Value" in changed:
            changes.append(bool(changed["Value"]))
            if len(changes) == 4:
                pb.stop()

    match = pb.bus.add_signal_receiver(on_changed, "PropertiesChanged",
                                       "org.freedesktop.DBus.Properties", "io.pinbus1", line.path)
    cli("blink", "GPIO26", "20ms", "0.02", "2")
    assert pb.run(timeout=scaled(5)) is True
    pb.run(timeout=scaled(0.1))
    match.remove()
    assert changes == [True, False, True, False]
    # Without a count: until the next set.
    cli("blink", "GPIO26", "10ms", "10ms")
    cli("set", "GPIO26", "off")
    assert line.value is False


def test_release(cli, pb):
    cli("set", "GPIO27", "on")
    cli("release", "GPIO27")
    assert pb.line("GPIO27").used is False
    cli("release", "GPIO27")  # free: no-op


# -- monitor -------------------------------------------------------------------


def start_monitor(cli, pb, spec, *options):
    proc = cli.popen("monitor", spec, *options)
    line = pb.line(spec)

    def ready():
        if proc.poll() is not None:
            pytest.fail(f"monitor exited with {proc.returncode}: {proc.communicate()}")
        return line.owner != ""

    poll_until(ready, 10, "pinbus monitor to claim the line")
    return proc, line


def stop_monitor(proc, sig=signal.SIGTERM):
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=scaled(10))
    assert "Traceback" not in err, err
    assert proc.returncode == 0, f"monitor exited with {proc.returncode}: {err}"
    return [EDGE_RE.fullmatch(line).groups() for line in out.splitlines()]


def read_edge(proc):
    line = proc.stdout.readline()
    m = EDGE_RE.fullmatch(line.rstrip("\n"))
    assert m, f"unexpected monitor output {line!r}"
    return m.groups()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_monitor(cli, pb, sim, sig):
    proc, line = start_monitor(cli, pb, "GPIO17")
    assert line.edge == "both"
    assert line.direction == "input"
    sim.set_input("GPIO17", True)
    # Printed (and flushed) as each edge comes.
    first = read_edge(proc)
    assert first[3] == "1"
    sim.set_input("GPIO17", False)
    sim.set_input("GPIO17", True)
    edges = [first]
    while len(edges) < 3:
        edges.append(read_edge(proc))
    edges += stop_monitor(proc, sig)
    assert [e[3] for e in edges] == ["1", "0", "1"]
    seqnos = [int(e[2]) for e in edges]
    assert seqnos == list(range(seqnos[0], seqnos[0] + 3))
    stamps = [int(s) * 10**9 + int(ns) for s, ns, _, _ in edges]
    assert stamps == sorted(stamps)
    # Released on the way out.
    assert line.used is False
    assert line.owner == ""


def test_monitor_options(cli, pb, sim):
    proc, line = start_monitor(cli, pb, "GPIO22", "--edge", "rising", "--bias", "pull-down",
                               "--active-low", "--debounce", "2ms")
    assert line.edge == "rising"
    assert line.bias == "pull-down"
    assert line.active_low is True
    assert line.debounce_us == 2000
    for level in (True, False, True, False):  # logical: falling, rising, falling, rising
        sim.set_input("GPIO22", level)
        poll_until(lambda: line.value is (not level), what="the debounced level")
    edges = [read_edge(proc), read_edge(proc)]
    edges += stop_monitor(proc)
    assert [e[3] for e in edges] == ["1", "1"]


def test_monitor_stops_when_the_daemon_leaves(cli, pb, daemon):
    proc, line = start_monitor(cli, pb, "GPIO17")
    daemon.stop_ok()
    out, err = proc.communicate(timeout=scaled(10))
    assert proc.returncode == 1
    assert err.startswith("pinbus: ") and "GPIO17" in err, err
    assert "Traceback" not in err
    daemon.start()


def test_monitor_busy_line(cli, other):
    other.claim("GPIO17")
    r = cli("monitor", "GPIO17", check_status=1)
    assert r.stderr.startswith("pinbus: Line GPIO17 ")


# -- errors ----------------------------------------------------------------------


def test_errors_name_the_line(cli, other):
    r = cli("find", "NOPE", check_status=1)
    assert r.stderr == "pinbus: No line named 'NOPE'\n"
    assert r.stdout == ""
    r = cli("get", "gpiochip0:99", check_status=1)
    assert r.stderr.startswith("pinbus: ") and "gpiochip0:99" in r.stderr
    other.claim("GPIO17")
    for args in (("set", "GPIO17", "on"), ("toggle", "GPIO17"), ("pulse", "GPIO17", "on", "1s"),
                 ("blink", "GPIO17", "1s", "1s"), ("release", "GPIO17")):
        r = cli(*args, check_status=1)
        assert r.stderr.startswith("pinbus: ") and "GPIO17" in r.stderr, r.stderr
    r = cli("pulse", "GPIO27", "on", "0s", check_status=1)
    assert r.stderr.startswith("pinbus: ") and "GPIO27" in r.stderr
    r = cli("blink", "GPIO27", "500us", "1s", check_status=1)
    assert r.stderr.startswith("pinbus: ") and "GPIO27" in r.stderr


def test_not_output(cli, daemon, pb):
    # An input the daemon kept (persist) after its client left.
    with pinbus.Pinbus(address=daemon.address) as p:
        p.claim("GPIO17", persist=True)
    poll_until(lambda: pb.line("GPIO17").owner == "", what="GPIO17's owner to leave")
    r = cli("set", "GPIO17", "on", check_status=1)
    assert r.stderr.startswith("pinbus: Line GPIO17 is held as an input")


@pytest.mark.parametrize("args", [[], ["set", "GPIO17", "maybe"], ["pulse", "GPIO17", "on", "1 parsec"],
                                  ["blink", "GPIO17", "1s", "1s", "-1"], ["get"], ["frobnicate"],
                                  ["monitor", "GPIO17", "--edge", "sideways"]])
def test_usage_errors(cli, args):
    r = cli(*args, check_status=2)
    assert "usage:" in r.stderr


def test_daemon_not_running(bus):
    r = Cli(bus.address)("info", check_status=1)
    assert r.stderr.startswith("pinbus: pinbusd is not running")


def test_no_bus(tmp_path):
    r = Cli(f"unix:path={tmp_path}/nothing")("info", check_status=1)
    assert r.stderr.startswith("pinbus: ")


# -- buses and the installed command ---------------------------------------------


def test_session_and_system_bus(cli, daemon):
    env = cli_env(DBUS_SESSION_BUS_ADDRESS=daemon.address)
    env.pop("DBUS_SYSTEM_BUS_ADDRESS", None)
    assert cli("--session", "find", "GPIO4", bus_args=[], env=env).stdout.startswith("GPIO4 ")
    env = cli_env(DBUS_SYSTEM_BUS_ADDRESS=daemon.address)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    assert cli("find", "GPIO4", bus_args=[], env=env).stdout.startswith("GPIO4 ")
    r = cli("--session", "--address", daemon.address, "info", bus_args=[], check_status=2)
    assert "not allowed with" in r.stderr


@pytest.fixture
def script(tmp_path):
    """The `pinbus` command as meson configures it (PINBUS_CLI), or configured here
    from the template with an empty package directory."""
    if os.environ.get("PINBUS_CLI"):
        return Path(os.environ["PINBUS_CLI"])
    path = tmp_path / "pinbus"
    template = (BINDINGS_PYTHON / "pinbus.in").read_text()
    path.write_text(template.replace("@PYTHONDIR@", str(tmp_path / "site-packages")))
    path.chmod(0o755)
    return path


def test_installed_command(script, cli):
    assert script.read_text().startswith("#!/usr/bin/python3\n")
    assert "@PYTHONDIR@" not in script.read_text()
    # meson makes it executable when it installs it, not in the build directory.
    command = [str(script)] if os.access(script, os.X_OK) else ["/usr/bin/python3", str(script)]
    cli("set", "GPIO27", "on", command=command)
    assert cli("get", "GPIO27", command=command).stdout == "1\n"
    r = cli("find", "NOPE", command=command, check_status=1)
    assert r.stderr == "pinbus: No line named 'NOPE'\n"


def test_python_m_pinbus(cli):
    r = subprocess.run([sys.executable, "-m", "pinbus", "--help"], capture_output=True, text=True,
                       env=cli_env(), timeout=scaled(30))
    assert r.returncode == 0 and r.stdout.startswith("usage: pinbus ")
