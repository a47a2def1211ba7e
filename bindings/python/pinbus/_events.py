# SPDX-License-Identifier: LGPL-2.1-or-later
"""The background thread that delivers the daemon's signals for pinbus.gpiozero and pinbus.machine.

gpiozero and MicroPython programs expect their callbacks while their own thread sleeps or
polls. dbus-python delivers signals from a GLib main loop, and its GLib integration is not
thread-safe: a connection attached to a main context must only be used by the thread that
runs it. So the signals come on a connection of their own, made, used and closed only on
this thread (which runs GLib's default main context); method calls go on another
connection, without a main loop, which any thread may use. Do not run another loop on the
default context (Pinbus.run()) in the same process while this one runs.
"""

from __future__ import annotations

import atexit
import sys
import threading
import traceback

import dbus
import dbus.bus
from dbus.mainloop.glib import DBusGMainLoop

from . import errors
from .client import BUS_NAME


def bus_target(address: str | None, session: bool):
    """What dbus.bus.BusConnection takes for an address, the session bus or the system bus."""
    if address:
        return address
    return dbus.bus.BusConnection.TYPE_SESSION if session else dbus.bus.BusConnection.TYPE_SYSTEM


class EventThread:
    """A GLib main loop on its own thread with the signal connection, started on first use.

    target: the bus, as dbus.bus.BusConnection takes it (an address or a bus type).
    """

    def __init__(self, target, name: str = "pinbus-events"):
        self._target = target
        self._name = name
        self._lock = threading.Lock()
        self._loop = None
        self._thread = None
        self._conn = None

    def _on_loop(self, fn):
        """Runs fn() on the loop's thread and returns its result (raises its exception)."""
        if threading.current_thread() is self._thread:
            return fn()
        from gi.repository import GLib

        done = threading.Event()
        result = {}

        def call():
            try:
                result["value"] = fn()
            except BaseException as e:  # handed to the caller
                result["error"] = e
            done.set()
            return GLib.SOURCE_REMOVE

        thread = self._thread
        GLib.idle_add(call, priority=GLib.PRIORITY_DEFAULT)
        while not done.wait(0.1):
            # A loop that stopped (the interpreter is exiting) will never run it.
            if thread is None or not thread.is_alive() or sys.is_finalizing():
                raise errors.PinbusError("the pinbus event thread has stopped")
        if "error" in result:
            raise result["error"]
        return result.get("value")

    def start(self) -> None:
        """Starts the loop and connects, unless it runs. Needs python3-gi (ImportError
        otherwise); raises PinbusError when the bus cannot be reached."""
        with self._lock:
            if self._thread is not None:
                return
            from gi.repository import GLib

            try:
                # Before the thread runs the context: nothing else touches it yet.
                conn = dbus.bus.BusConnection(self._target, mainloop=DBusGMainLoop(set_as_default=False))
            except dbus.exceptions.DBusException as e:
                raise errors.from_dbus(e) from None
            self._conn = conn
            self._loop = GLib.MainLoop()
            self._thread = threading.Thread(target=self._loop.run, name=self._name, daemon=True)
            self._thread.start()
            # Stopped at exit while the thread still runs (objects freed later find it gone).
            atexit.register(self.stop)

    def subscribe(self, handler, member: str, interface: str, path: str):
        """Calls handler(*args) on the loop's thread for each signal member of interface at
        path sent by the daemon. The match is in place when this returns. Returns a token for
        unsubscribe()."""
        self.start()
        conn = self._conn
        return self._on_loop(lambda: conn.add_signal_receiver(
            handler, signal_name=member, dbus_interface=interface, bus_name=BUS_NAME, path=path))

    def unsubscribe(self, token) -> None:
        """Ends a subscription (nothing if the loop has stopped)."""
        with self._lock:
            running = self._thread is not None
        if running and token is not None:
            try:
                self._on_loop(token.remove)
            except errors.PinbusError:
                pass  # the loop has stopped: so has the subscription

    def stop(self) -> None:
        """Closes the signal connection, stops the loop and waits (up to 5 s) for its thread."""
        with self._lock:
            loop, thread, conn = self._loop, self._thread, self._conn
            if loop is None:
                return
            if thread is threading.current_thread():
                # From a callback: let the loop finish the dispatch, then close.
                from gi.repository import GLib

                GLib.idle_add(lambda: (conn.close(), loop.quit()) and False)
                self._loop = self._thread = self._conn = None
                return
        try:
            self._on_loop(conn.close)
        finally:
            loop.quit()
            with self._lock:
                self._loop = self._thread = self._conn = None
            thread.join(timeout=5)


def report_callback_error(what: str) -> None:
    """Prints the exception being handled, as Python does for one that ends a thread; the
    event thread goes on."""
    print(f"Exception in {what}:", file=sys.stderr)
    traceback.print_exc()
