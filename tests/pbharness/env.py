# SPDX-License-Identifier: LGPL-2.1-or-later
"""PinbusEnv: a private bus with pinbusd on it, what the bus and vm tests' `pinbus` fixture gives.

A test adjusts its daemon with the `pinbusd` marker, read by from_marker():

    @pytest.mark.pinbusd(config="[output porch]\\nline = GPIO27\\n", args=["--foo"],
                         simulate=True, start=True)

At the end (close()) a daemon whose exit the test has not seen gets SIGTERM and must exit with
status 0 (a sanitizer or valgrind report makes it non-zero and fails the test). The daemons' logs
are kept for the failure report: add report_logs as the conftest's pytest_runtest_makereport.
"""

import contextlib

import pytest

from .bus import Pinbusd, PrivateBus, read_log
from .client import Client, Recorder


def keep_log(request, title, path):
    """Shows the file at path in the report of any failure of the test (see report_logs)."""
    request.node.__dict__.setdefault("_pinbus_logs", []).append((title, path))


class PinbusEnv:
    """A dbus-daemon of its own (bus_daemon) and a pinbusd on it (daemon), in workdir.
    client() opens independent connections, all closed at the end; bus is the default one."""

    def __init__(self, request, workdir, config=None, args=(), simulate=True):
        self.workdir = str(workdir)
        self.clients = []
        self._bus = None
        self.bus_daemon = PrivateBus(self.workdir)
        keep_log(request, "dbus-daemon log", self.bus_daemon.log)
        self.address = self.bus_daemon.address
        try:
            self.daemon = Pinbusd(self.address, self.workdir, config, args, simulate)
        except BaseException:
            self.bus_daemon.stop()
            raise
        keep_log(request, "pinbusd log", self.daemon.log)

    @classmethod
    @contextlib.contextmanager
    def from_marker(cls, request, workdir, **defaults):
        """The environment the test's `pinbusd` marker asks for (defaults under it), its daemon
        started unless the marker says start=False; closed at the end."""
        marker = request.node.get_closest_marker("pinbusd")
        kw = {**defaults, **(marker.kwargs if marker else {})}
        start = kw.pop("start", True)
        env = cls(request, workdir, **kw)
        try:
            if start:
                env.daemon.start()
            yield env
        finally:
            env.close()

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

    def close(self):
        try:
            self.daemon.finish()
        finally:
            for c in self.clients:
                with contextlib.suppress(Exception):
                    c.close()
            self.bus_daemon.stop()


@pytest.hookimpl(hookwrapper=True)
def report_logs(item, call):
    """pytest_runtest_makereport: shows the daemons' logs with any failure (setup, test or teardown)."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    for title, path in item.__dict__.get("_pinbus_logs", []):
        text = read_log(path)
        if text:
            report.sections.append((f"{title} ({report.when})", text[-60000:]))
