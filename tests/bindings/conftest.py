# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixtures for the bindings tests: a private dbus-daemon per test module and a
`pinbusd --simulate` per test, and helpers to drive the simulator and the CLI.

Environment: PINBUSD (required), PINBUSD_WRAPPER (prefix for the daemon's
command, e.g. valgrind), PINBUS_TEST_TIMEOUT_SCALE (multiplies every timeout),
PINBUS_CLI (the configured `pinbus` command; else one is made from the template).
"""

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import dbus
import dbus.bus
import pytest

HERE = Path(__file__).resolve().parent
PYTHON_DIR = HERE.parent.parent / "bindings" / "python"
# meson sets PYTHONPATH; this makes a direct `pytest tests/bindings` work too.
if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))

import pinbus  # noqa: E402

SCALE = float(os.environ.get("PINBUS_TEST_TIMEOUT_SCALE") or 1)


def timeout(seconds: float) -> float:
    """A timeout scaled for slow setups (valgrind, sanitizers)."""
    return seconds * SCALE


def wait_for(predicate, seconds: float = 5, what: str = "condition"):
    """Polls predicate until it returns a true value (returned), failing after
    the scaled timeout."""
    deadline = time.monotonic() + timeout(seconds)
    while True:
        v = predicate()
        if v:
            return v
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.01)


BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
{extra}
  </policy>
</busconfig>
"""


class Bus:
    """A private dbus-daemon; extra_policy is XML added to its default policy."""

    def __init__(self, directory: Path, extra_policy: str = ""):
        directory.mkdir(parents=True, exist_ok=True)
        config = directory / "bus.conf"
        config.write_text(BUS_CONFIG.format(socket=directory / "bus", extra=extra_policy))
        self.log = directory / "dbus-daemon.log"
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address"],
                stdout=subprocess.PIPE, stderr=log, text=True)
        self.address = self.proc.stdout.readline().strip()
        if not self.address:
            pytest.fail(f"dbus-daemon did not start (exit status {self.proc.wait()}):\n"
                        + self.log.read_text())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=timeout(10))
        self.proc.stdout.close()


class Daemon:
    """`pinbusd --simulate` on a bus, started and stopped by the fixtures."""

    def __init__(self, bus: Bus, directory: Path, config_text: str | None):
        self.bus = bus
        self.dir = directory
        self.state_dir = directory / "state"
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.config = directory / ("pinbus.conf" if config_text else "none.conf")
        self.config.write_text(config_text or "")
        self.log = directory / "pinbusd.log"
        self.proc = None
        self.starts = 0

    def start(self):
        """Starts the daemon and waits for its READY=1."""
        notify_path = self.dir / "notify"
        notify_path.unlink(missing_ok=True)
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            notify.bind(str(notify_path))
            cmd = [*shlex.split(os.environ.get("PINBUSD_WRAPPER", "")), os.environ["PINBUSD"],
                   "--simulate", f"--bus-address={self.bus.address}",
                   f"--state-dir={self.state_dir}", f"--config={self.config}"]
            self.starts += 1
            with open(self.log, "a") as log:
                log.write(f"--- start {self.starts}: {shlex.join(cmd)}\n")
                log.flush()
                self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                             env={**os.environ, "NOTIFY_SOCKET": str(notify_path)})
            deadline = time.monotonic() + timeout(10)
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    pytest.fail(f"pinbusd exited with status {self.proc.returncode} before READY=1:\n"
                                + self.log.read_text())
                notify.settimeout(0.1)
                try:
                    message = notify.recv(4096).decode()
                except socket.timeout:
                    continue
                if "READY=1" in message.split("\n"):
                    return
            pytest.fail("pinbusd sent no READY=1 in time:\n" + self.log.read_text())
        finally:
            notify.close()

    def stop(self):
        """SIGTERMs the daemon and checks it exits with status 0."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            status = proc.wait(timeout=timeout(10))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail("pinbusd did not exit within 10 s of SIGTERM:\n" + self.log.read_text())
        assert status == 0, f"pinbusd exited with status {status}:\n" + self.log.read_text()

    def restart(self):
        self.stop()
        self.start()


@pytest.fixture(scope="module")
def bus(tmp_path_factory):
    """A private dbus-daemon shared by the tests of a module."""
    b = Bus(tmp_path_factory.mktemp("bus"))
    yield b
    b.stop()


@pytest.fixture
def daemon(bus, tmp_path, request):
    """A fresh `pinbusd --simulate` for the test; its config comes from a
    pinbus_config("...") mark, else it is an empty file."""
    mark = request.node.get_closest_marker("pinbus_config")
    d = Daemon(bus, tmp_path / "daemon", mark.args[0] if mark else None)
    d.start()
    yield d
    d.stop()


@pytest.fixture
def pb(daemon):
    """A Pinbus client connected to the test's daemon."""
    with pinbus.Pinbus(address=daemon.bus.address) as p:
        yield p


@pytest.fixture
def other(daemon):
    """A second, independent client (another bus connection)."""
    with pinbus.Pinbus(address=daemon.bus.address) as p:
        yield p


class Simulator:
    """io.pinbus1.Simulator, called on a raw dbus-python connection."""

    def __init__(self, address: str):
        self.conn = dbus.bus.BusConnection(address)

    def set_input(self, line: str, level: bool):
        self.conn.call_blocking("io.pinbus1", "/io/pinbus1", "io.pinbus1.Simulator", "SetInput",
                                "sb", (line, level))

    def bounce(self, line: str, final_level: bool, transitions: int, span_us: int):
        self.conn.call_blocking("io.pinbus1", "/io/pinbus1", "io.pinbus1.Simulator", "Bounce",
                                "sbut", (line, final_level, transitions, span_us))

    def schedule(self, line: str, script) -> int:
        """Simulator.Schedule: script is [(at_us, final_level, transitions, span_us)], played at
        exactly those offsets from the returned start (the daemon's CLOCK_MONOTONIC ns), however
        slowly this test runs."""
        return int(self.conn.call_blocking(
            "io.pinbus1", "/io/pinbus1", "io.pinbus1.Simulator", "Schedule", "asa(tbut)",
            ([line], [(int(a), bool(v), int(n), int(sp)) for a, v, n, sp in script])))

    def wait_subscribed(self, member: str, path: str):
        """Waits until some connection on the bus has a match rule for signal `member` on `path`
        (dbus-daemon's Debug.Stats): a client started in another process is then listening."""
        def subscribed():
            rules = self.conn.call_blocking("org.freedesktop.DBus", "/org/freedesktop/DBus",
                                            "org.freedesktop.DBus.Debug.Stats", "GetAllMatchRules", "", ())
            return any(f"member='{member}'" in r and f"path='{path}'" in r
                       for conn_rules in rules.values() for r in conn_rules)
        wait_for(subscribed, 10, f"a subscription to {member} on {path}")

    def close(self):
        self.conn.close()


@pytest.fixture
def sim(daemon):
    s = Simulator(daemon.bus.address)
    yield s
    s.close()


def cli_command() -> list[str]:
    return [sys.executable, "-m", "pinbus"]


def cli_env(**extra) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PYTHON_DIR), env.get("PYTHONPATH")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


class Cli:
    """Runs `python3 -m pinbus --address <test bus> ...`."""

    def __init__(self, address: str):
        self.address = address

    def __call__(self, *args, check_status: int | None = 0, bus_args=None, env=None,
                 command=None) -> subprocess.CompletedProcess:
        bus_args = ["--address", self.address] if bus_args is None else bus_args
        r = subprocess.run([*(command or cli_command()), *bus_args, *args], capture_output=True,
                           text=True, env=env or cli_env(), timeout=timeout(30))
        if check_status is not None:
            assert r.returncode == check_status, \
                f"pinbus {' '.join(args)}: exit status {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}"
        assert "Traceback" not in r.stderr, r.stderr
        return r

    def popen(self, *args) -> subprocess.Popen:
        return subprocess.Popen([*cli_command(), "--address", self.address, *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=cli_env())


@pytest.fixture
def cli(daemon):
    return Cli(daemon.bus.address)
