# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixtures of the bus tests: a private dbus-daemon and pinbusd per test.

The `pinbus` fixture gives a PinbusEnv: a private bus (its own dbus-daemon,
socket in a temporary directory) with `pinbusd --simulate` on it, started and
waited for through sd_notify READY=1. At teardown the daemon gets SIGTERM and
must exit with status 0 (a sanitizer or valgrind report makes it non-zero and
fails the test). A test adjusts the daemon with the `pinbusd` marker:

    @pytest.mark.pinbusd(config="[output porch]\\nline = GPIO27\\n", args=["--foo"],
                         simulate=True, start=True)

Clients are dbus-python connections (env.client(), each independent) driven
by the GLib main loop; Recorder collects signals and wait_until() iterates the
main context until a condition holds. Every timeout is multiplied by
PINBUS_TEST_TIMEOUT_SCALE (valgrind sets 15, ASan 3).

Speed independence: the suites must pass on a loaded machine (two cores and
other work running, under valgrind). So no assertion depends on how fast this
host runs:
 - what a test asserts about time is about the daemon's clock: the timestamps
   pinbusd puts in its signals and properties, against times it returned
   (Simulator.Schedule's start) or that the simulator stamped;
 - a sequence of inputs at given times (a click, a hold, a double click) is one
   Client.schedule() call, never bounce()/set_input() calls with sleeps between
   them: the simulator then plays it at the written times whatever the delays;
 - waits are wait_until() with a scaled timeout; settle() is only for checking
   that something did not happen, and a bound on host time (a latency) is
   printed as a figure, or justified where it is asserted.
"""

import collections
import contextlib
import os
import select
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import dbus
import dbus.bus
import dbus.exceptions
import pytest
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

DBusGMainLoop(set_as_default=True)

SCALE = float(os.environ.get("PINBUS_TEST_TIMEOUT_SCALE") or "1")

BUS_NAME = "io.pinbus1"
ROOT = "/io/pinbus1"
MANAGER = "io.pinbus1.Manager"
CHIP = "io.pinbus1.Chip"
LINE = "io.pinbus1.Line"
OUTPUT = "io.pinbus1.Output"
SIMULATOR = "io.pinbus1.Simulator"
PROPERTIES = "org.freedesktop.DBus.Properties"
OBJECT_MANAGER = "org.freedesktop.DBus.ObjectManager"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"

E_INVALID_ARGS = "org.freedesktop.DBus.Error.InvalidArgs"
E_NO_SUCH_LINE = "io.pinbus1.Error.NoSuchLine"
E_LINE_BUSY = "io.pinbus1.Error.LineBusy"
E_NOT_OUTPUT = "io.pinbus1.Error.NotOutput"

CHIP0 = "/io/pinbus1/chip/gpiochip0"
NUM_LINES = 58
# Names of the simulated Raspberry Pi 4 chip's first 28 lines, by offset.
RPI_NAMES = ["ID_SDA", "ID_SCL"] + [f"GPIO{i}" for i in range(2, 28)]


def scaled(seconds):
    """A timeout, stretched for slow setups (valgrind, sanitizers)."""
    return seconds * SCALE


def path_encode(prefix, name):
    """sd_bus_path_encode(): every byte but [A-Za-z0-9] becomes _xx; "" becomes "_"."""
    if not name:
        return prefix + "/_"
    out = []
    for b in name.encode():
        c = chr(b)
        out.append(c if (c.isascii() and c.isalnum()) else f"_{b:02x}")
    return prefix + "/" + "".join(out)


def line_path(name):
    return path_encode("/io/pinbus1/line", name)


def output_path(name):
    return path_encode("/io/pinbus1/output", name)


# --- main loop ---------------------------------------------------------------

def native(v):
    """A dbus-python value as plain Python (bool, int, float, str, list, dict), for clear diffs."""
    if isinstance(v, dbus.Boolean):
        return bool(v)
    if isinstance(v, (dbus.String, dbus.ObjectPath, dbus.Signature)):
        return str(v)
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, dict):
        return {native(k): native(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [native(x) for x in v]
    return v


def pump():
    """Dispatches everything pending on the GLib main context (signals received so far)."""
    ctx = GLib.MainContext.default()
    while ctx.pending():
        ctx.iteration(False)


def wait_until(predicate, timeout, what):
    """Iterates the main loop until predicate() is true; fails after timeout (scaled) seconds."""
    limit = scaled(timeout)
    deadline = time.monotonic() + limit
    while True:
        pump()
        if predicate():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit:.1f} s waiting for {what}")
        time.sleep(0.001)


def settle(seconds):
    """Runs the main loop for a fixed time (scaled): only for asserting that something did NOT happen."""
    deadline = time.monotonic() + scaled(seconds)
    while time.monotonic() < deadline:
        pump()
        time.sleep(0.001)
    pump()


# --- errors ------------------------------------------------------------------

@contextlib.contextmanager
def dbus_error(name, *mentions):
    """Expects the body to fail with D-Bus error `name` whose message contains every one of `mentions`."""
    with pytest.raises(dbus.exceptions.DBusException) as info:
        yield info
    e = info.value
    msg = e.get_dbus_message() or ""
    assert e.get_dbus_name() == name, f"expected error {name}, got {e.get_dbus_name()}: {msg}"
    for m in mentions:
        assert m in msg, f"error message of {name} should name {m!r}: {msg!r}"


# --- clients -----------------------------------------------------------------

Signal = collections.namedtuple("Signal", "interface member path sender args time")


class Client:
    """One independent connection to the private bus, with helpers for pinbusd's API."""

    CALL_TIMEOUT = 10.0

    def __init__(self, address):
        self.conn = dbus.bus.BusConnection(address)
        self.unique_name = str(self.conn.get_unique_name())
        self.closed = False

    def close(self):
        if not self.closed:
            self.closed = True
            self.conn.close()

    # Raw calls, with explicit signatures so that dbus-python sends the types we mean.
    def call(self, path, interface, method, signature="", *args, timeout=None, dest=BUS_NAME):
        return self.conn.call_blocking(dest, path, interface, method, signature, args,
                                       timeout=timeout or scaled(self.CALL_TIMEOUT))

    def get(self, path, interface, prop):
        return self.call(path, PROPERTIES, "Get", "ss", interface, prop)

    def get_all(self, path, interface):
        return self.call(path, PROPERTIES, "GetAll", "s", interface)

    def introspect(self, path):
        return str(self.call(path, INTROSPECTABLE, "Introspect"))

    def ping(self):
        """A round trip to pinbusd: every signal it sent before is then queued here."""
        self.call(ROOT, "org.freedesktop.DBus.Peer", "Ping")

    def name_has_owner(self, name):
        return bool(self.call("/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner", "s", name,
                              dest="org.freedesktop.DBus"))

    # io.pinbus1.Manager
    def manager(self, prop):
        return self.get(ROOT, MANAGER, prop)

    def find_line(self, spec):
        return str(self.call(ROOT, MANAGER, "FindLine", "s", spec))

    def claim(self, spec, settings=None):
        return str(self.call(ROOT, MANAGER, "ClaimLine", "sa{sv}", spec, dbus.Dictionary(settings or {},
                                                                                           signature="sv")))

    def release(self, spec):
        self.call(ROOT, MANAGER, "ReleaseLine", "s", spec)

    # io.pinbus1.Line, by line name
    def line(self, name, prop):
        return self.get(line_path(name), LINE, prop)

    def line_props(self, name):
        return self.get_all(line_path(name), LINE)

    def line_get(self, name):
        return bool(self.call(line_path(name), LINE, "Get"))

    def line_set(self, name, value):
        self.call(line_path(name), LINE, "Set", "b", value)

    def line_toggle(self, name):
        self.call(line_path(name), LINE, "Toggle")

    def line_pulse(self, name, value, duration_us):
        self.call(line_path(name), LINE, "Pulse", "bt", value, duration_us)

    def line_blink(self, name, on_us, off_us, count):
        self.call(line_path(name), LINE, "Blink", "ttu", on_us, off_us, count)

    # io.pinbus1.Output, by output name
    def output(self, name, prop):
        return self.get(output_path(name), OUTPUT, prop)

    def output_call(self, name, method, signature="", *args):
        return self.call(output_path(name), OUTPUT, method, signature, *args)

    # io.pinbus1.Simulator
    def set_input(self, name, level):
        self.call(ROOT, SIMULATOR, "SetInput", "sb", name, level)

    def bounce(self, name, final_level, transitions, span_us):
        self.call(ROOT, SIMULATOR, "Bounce", "sbut", name, final_level, transitions, span_us)

    def schedule(self, lines, script):
        """Scripts lines' inputs: script is [(at_us, final_level, transitions, span_us)], each a Bounce
        starting at_us after the returned start (the daemon's CLOCK_MONOTONIC ns)."""
        if isinstance(lines, str):
            lines = [lines]
        return int(self.call(ROOT, SIMULATOR, "Schedule", "asa(tbut)", lines,
                             [(int(a), bool(v), int(n), int(s)) for a, v, n, s in script]))


class Recorder:
    """Records signals received on one client connection, with their arrival time."""

    def __init__(self, client):
        self.client = client
        self.signals = []
        self._matches = []

    def _on_signal(self, *args, interface=None, member=None, path=None, sender=None):
        self.signals.append(Signal(str(interface), str(member), str(path), str(sender), args, time.monotonic()))

    def watch(self, interface=None, member=None, path=None):
        self._matches.append(self.client.conn.add_signal_receiver(
            self._on_signal, signal_name=member, dbus_interface=interface, path=path,
            interface_keyword="interface", member_keyword="member", path_keyword="path",
            sender_keyword="sender"))
        return self

    def watch_properties(self, path):
        return self.watch(PROPERTIES, "PropertiesChanged", path)

    def clear(self):
        self.signals.clear()

    def sync(self):
        """Makes sure everything pinbusd emitted until now has been recorded."""
        self.client.ping()
        pump()

    def of(self, member, path=None):
        return [s for s in self.signals if s.member == member and (path is None or s.path == path)]

    def changes(self, path, interface, prop):
        """[(value, arrival time)] of prop from PropertiesChanged on path (invalidations give None)."""
        out = []
        for s in self.of("PropertiesChanged", path):
            iface, changed, invalidated = s.args
            if iface != interface:
                continue
            if prop in changed:
                out.append((native(changed[prop]), s.time))
            elif prop in invalidated:
                out.append((None, s.time))
        return out

    def values(self, path, interface, prop):
        return [v for v, _ in self.changes(path, interface, prop)]

    def edges(self, name):
        """[(value, timestamp_ns, seqno)] of the Edge signals of line `name`."""
        return [(bool(s.args[0]), int(s.args[1]), int(s.args[2])) for s in self.of("Edge", line_path(name))]


# --- processes -----------------------------------------------------------------

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="*"/>
  </policy>
</busconfig>
"""


def short_tempdir():
    """A directory whose paths fit in a sockaddr_un (108 bytes), unlike pytest's tmp_path."""
    return tempfile.mkdtemp(prefix="pb-", dir="/tmp" if os.path.isdir("/tmp") else None)


class PrivateBus:
    def __init__(self, sockdir, workdir):
        self.socket = os.path.join(sockdir, "bus")
        self.config = os.path.join(workdir, "bus.conf")
        self.log = os.path.join(workdir, "dbus-daemon.log")
        with open(self.config, "w") as f:
            f.write(BUS_CONFIG.format(socket=self.socket))
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                ["dbus-daemon", f"--config-file={self.config}", "--nofork", "--print-address=1"],
                stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + scaled(10)
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                self.stop()
                raise AssertionError("dbus-daemon did not print its address")
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                self.stop()
                raise AssertionError(f"dbus-daemon exited early (status {self.proc.wait()})")
            line += chunk
        self.proc.stdout.close()
        self.address = line.decode().strip()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=scaled(10))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def pinbusd_command():
    return shlex.split(os.environ.get("PINBUSD_WRAPPER", "")) + [os.environ["PINBUSD"]]


class Pinbusd:
    """pinbusd on the private bus, with its state and config in workdir."""

    def __init__(self, address, workdir, sockdir, config=None, args=(), simulate=True):
        self.address = address
        self.workdir = workdir
        self.sockdir = sockdir
        self.state_dir = os.path.join(workdir, "state")
        self.config_path = os.path.join(workdir, "pinbus.conf")
        self.log = os.path.join(workdir, "pinbusd.log")
        self.args = list(args)
        self.simulate = simulate
        self.proc = None
        self.notify = None
        self.notifications = []
        self.starts = 0
        self.write_config(config or "")

    def write_config(self, text):
        with open(self.config_path, "w") as f:
            f.write(text)

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def command(self):
        return pinbusd_command() + (["--simulate"] if self.simulate else []) + [
            f"--bus-address={self.address}",
            f"--state-dir={self.state_dir}",
            f"--config={self.config_path}",
            "-v",
        ] + self.args

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def start(self):
        assert not self.running, "pinbusd is already running"
        self.starts += 1
        notify_path = os.path.join(self.sockdir, f"notify{self.starts}")
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        self.notify.bind(notify_path)
        self.notifications = []
        env = dict(os.environ, NOTIFY_SOCKET=notify_path)
        env.pop("STATE_DIRECTORY", None)
        with open(self.log, "ab") as log:
            log.write(f"===== start {self.starts}: {shlex.join(self.command())}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(self.command(), env=env, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=log)
        self.wait_notification(b"READY=1", scaled(10))

    def read_notifications(self, timeout=0.0):
        """Collects sd_notify datagrams that arrive within timeout seconds (unscaled)."""
        deadline = time.monotonic() + timeout
        while True:
            left = max(0.0, deadline - time.monotonic())
            if not select.select([self.notify], [], [], left)[0]:
                return
            self.notifications.extend(self.notify.recv(65536).split(b"\n"))
            deadline = time.monotonic()  # drain what is there, then return

    def wait_notification(self, what, timeout):
        deadline = time.monotonic() + timeout
        while what not in self.notifications:
            if self.proc.poll() is not None:
                self.read_notifications()
                if what in self.notifications:
                    return
                raise AssertionError(f"pinbusd exited with status {self.proc.returncode} before "
                                     f"sending {what.decode()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"pinbusd sent no {what.decode()} within {timeout:.1f} s")
            self.read_notifications(0.05)

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        """Sends sig, waits for the exit and returns the exit status (no assertion)."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=scaled(timeout))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError(f"pinbusd did not exit within {scaled(timeout):.1f} s of "
                                     f"{signal.Signals(sig).name}; killed it")
        with contextlib.suppress(Exception):
            self.read_notifications()
        if self.notify:
            self.notify.close()
            self.notify = None
        return self.proc.returncode

    def stop_ok(self, sig=signal.SIGTERM):
        status = self.stop(sig)
        assert status == 0, (f"pinbusd exited with status {status} after {signal.Signals(sig).name} "
                             "(sanitizer or valgrind errors exit non-zero; see its log)")

    def restart(self):
        """Stops (asserting a clean exit) and starts again with the same bus, state and config."""
        self.stop_ok()
        self.start()


class PinbusEnv:
    def __init__(self, request, tmp_path, config=None, args=(), simulate=True):
        self.workdir = str(tmp_path)
        self.sockdir = short_tempdir()
        self.clients = []
        self._bus = None
        logs = request.node.__dict__.setdefault("_pinbus_logs", [])
        self.bus_daemon = PrivateBus(self.sockdir, self.workdir)
        logs.append(("dbus-daemon log", self.bus_daemon.log))
        self.address = self.bus_daemon.address
        self.daemon = Pinbusd(self.address, self.workdir, self.sockdir, config, args, simulate)
        logs.append(("pinbusd log", self.daemon.log))

    def client(self):
        c = Client(self.address)
        self.clients.append(c)
        return c

    @property
    def bus(self):
        """The test's default client."""
        if self._bus is None or self._bus.closed:
            self._bus = self.client()
        return self._bus

    def recorder(self, client=None):
        return Recorder(client or self.bus)

    def teardown(self):
        try:
            if self.daemon.running:
                self.daemon.stop_ok()
        finally:
            for c in self.clients:
                with contextlib.suppress(Exception):
                    c.close()
            self.bus_daemon.stop()
            shutil.rmtree(self.sockdir, ignore_errors=True)


@pytest.fixture
def pinbus(request, tmp_path):
    marker = request.node.get_closest_marker("pinbusd")
    kw = dict(marker.kwargs) if marker else {}
    start = kw.pop("start", True)
    env = PinbusEnv(request, tmp_path, **kw)
    try:
        if start:
            env.daemon.start()
        yield env
    finally:
        env.teardown()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Shows the daemons' logs with any failure (setup, test or teardown)."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    for title, path in item.__dict__.get("_pinbus_logs", []):
        try:
            with open(path, errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        if text:
            report.sections.append((f"{title} ({report.when})", text[-60000:]))
