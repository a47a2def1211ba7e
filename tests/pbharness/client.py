# SPDX-License-Identifier: LGPL-2.1-or-later
"""dbus-python clients of pinbusd for the tests, and the waiting helpers.

Client is one independent connection with explicit-signature calls and helpers for pinbusd's API;
Recorder collects the signals one Client receives. Their connections dispatch through the GLib main
loop (a DBusGMainLoop of their own: the default main loop is left alone, as the bindings under test
set up theirs): pump() dispatches what is pending, wait_until() iterates until a condition holds,
settle() only for checking that something did NOT happen. poll_until() waits without the main
loop, for tests whose callbacks must run only when they run a loop themselves (the bindings').

Speed independence: the suites must pass on a loaded machine (two cores and other work running,
under valgrind). So no assertion depends on how fast this host runs:
 - what a test asserts about time is about the daemon's clock: the timestamps pinbusd puts in its
   signals and properties, against times it returned (Simulator.Schedule's start) or that the
   simulator stamped;
 - a sequence of inputs at given times (a click, a hold, a double click) is one Client.schedule()
   call, never bounce()/set_input() calls with sleeps between them: the simulator then plays it at
   the written times whatever the delays;
 - waits are wait_until() with a scaled timeout; settle() is only for checking that something did
   not happen, and a bound on host time (a latency) is printed as a figure, or justified where it
   is asserted.
"""

import collections
import contextlib
import time

import dbus
import dbus.bus
import dbus.exceptions
import pytest
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

from . import scaled
from .names import (BUS_NAME, INTROSPECTABLE, LINE, MANAGER, OUTPUT, PEER, PROPERTIES, ROOT, SIMULATOR,
                    line_path, output_path)

_MAIN_LOOP = DBusGMainLoop()


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


# --- waiting -------------------------------------------------------------------

def pump():
    """Dispatches everything pending on the GLib main context (signals received so far)."""
    ctx = GLib.MainContext.default()
    while ctx.pending():
        ctx.iteration(False)


def _until(predicate, timeout, what, each, interval):
    limit = scaled(timeout)
    deadline = time.monotonic() + limit
    while True:
        each()
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit:.1f} s waiting for {what}")
        time.sleep(interval)


def wait_until(predicate, timeout, what):
    """Iterates the main loop until predicate() is true, and returns its value; fails after timeout
    (scaled) seconds."""
    return _until(predicate, timeout, what, pump, 0.001)


def poll_until(predicate, timeout=5, what="condition"):
    """Calls predicate() every 10 ms, without the main loop, until it returns a true value, which it
    returns; fails after timeout (scaled) seconds."""
    return _until(predicate, timeout, what, lambda: None, 0.01)


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
    """One independent connection to the bus at address, with helpers for pinbusd's API. With
    main_loop=False the connection has no main loop: calls only, no signals."""

    CALL_TIMEOUT = 10.0

    def __init__(self, address, main_loop=True):
        self.conn = dbus.bus.BusConnection(address, mainloop=_MAIN_LOOP if main_loop else None)
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
        self.call(ROOT, PEER, "Ping")

    def name_has_owner(self, name):
        return bool(self.call("/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner", "s", name,
                              dest="org.freedesktop.DBus"))

    def wait_subscribed(self, member, path):
        """Waits until some connection on the bus has a match rule for signal `member` on `path`
        (dbus-daemon's Debug.Stats): a client started in another process is then listening."""
        def subscribed():
            rules = self.call("/org/freedesktop/DBus", "org.freedesktop.DBus.Debug.Stats", "GetAllMatchRules",
                              dest="org.freedesktop.DBus")
            return any(f"member='{member}'" in r and f"path='{path}'" in r
                       for conn_rules in rules.values() for r in conn_rules)
        poll_until(subscribed, 10, f"a subscription to {member} on {path}")

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

    def connect(self, output_line, input_line):
        """Simulator.Connect: input_line follows output_line's level, as a loopback wire."""
        self.call(ROOT, SIMULATOR, "Connect", "ss", output_line, input_line)

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
