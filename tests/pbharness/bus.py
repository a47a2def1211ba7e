# SPDX-License-Identifier: LGPL-2.1-or-later
"""The processes of a test: a private dbus-daemon and pinbusd on it. Standard library only.

    bus = PrivateBus(workdir)                        # open policy: anyone may do anything
    bus = PrivateBus(workdir, policy="system", includes=[path], socket_dir=d)
    daemon = Pinbusd(bus.address, workdir, config="[output porch]\\nline = GPIO27\\n")
    daemon.start()                                   # returns at sd_notify READY=1
    daemon.stop_ok()                                 # SIGTERM; the exit status must be 0
    daemon.finish(); bus.stop()                      # a fixture's end (finish: stop_ok unless seen)

Both keep their sockets in a short directory (a sockaddr_un holds 108 bytes, a pytest tmp_path may
not fit) and are stopped through their Popen, that is by PID: nothing here looks processes up by name.
PINBUSD is the daemon to run, PINBUSD_WRAPPER a command to run it under (valgrind).
"""

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

from . import scaled

CONFIG_TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bus.conf.in")

# The default policy's rules: what every bus here allows (signals, replies to calls made,
# receiving anything), then "open": a private session bus on which anything goes (the rules of
# Debian's session.conf, and more), or "system": the rest of Debian's
# /usr/share/dbus-1/system.conf (deny by default), for the policy test, which includes the
# project's own policy file on top of them. A rule only overrides an earlier one about the same
# messages, so the shared ones can come first.
COMMON_RULES = """\
    <allow user="*"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
"""
POLICIES = {
    "open": ("session", COMMON_RULES + """\
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>"""),
    "system": ("system", COMMON_RULES + """\
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"
          send_member="UpdateActivationEnvironment"/>"""),
}


def read_log(path):
    """The text of the log file at path, "" if there is none (yet)."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def short_tempdir():
    """A new directory whose paths fit in a sockaddr_un (108 bytes), unlike pytest's tmp_path."""
    return tempfile.mkdtemp(prefix="pb-", dir="/tmp" if os.path.isdir("/tmp") else None)


def bus_config(socket_path, policy="open", extra_rules="", includes=()):
    """The dbus-daemon configuration: CONFIG_TEMPLATE with a policy of POLICIES, extra_rules (XML)
    added to its default policy, and <include> elements for the files in includes."""
    bus_type, rules = POLICIES[policy]
    with open(CONFIG_TEMPLATE) as f:
        template = f.read()
    return template.format(type=bus_type, socket=socket_path, rules=rules, extra_rules=extra_rules,
                           includes="\n".join(f"  <include>{p}</include>" for p in includes))


class PrivateBus:
    """A dbus-daemon of its own. Its configuration and log go to workdir, its socket to socket_dir
    (by default a new short directory, removed by stop()). address: what it listens on."""

    def __init__(self, workdir, policy="open", extra_rules="", includes=(), socket_dir=None):
        os.makedirs(workdir, exist_ok=True)
        self._own_socket_dir = socket_dir is None
        self.socket_dir = short_tempdir() if socket_dir is None else str(socket_dir)
        self.socket = os.path.join(self.socket_dir, "bus")
        self.config = os.path.join(workdir, "bus.conf")
        self.log = os.path.join(workdir, "dbus-daemon.log")
        with open(self.config, "w") as f:
            f.write(bus_config(self.socket, policy, extra_rules, includes))
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                ["dbus-daemon", f"--config-file={self.config}", "--nofork", "--nopidfile", "--print-address=1"],
                stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + scaled(10)
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                self.stop()
                raise AssertionError("dbus-daemon did not print its address:\n" + self.log_text())
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                status = self.proc.wait()
                self.stop()
                raise AssertionError(f"dbus-daemon exited early (status {status}):\n" + self.log_text())
            line += chunk
        self.proc.stdout.close()
        self.address = line.decode().strip()

    def log_text(self):
        return read_log(self.log)

    def stop(self):
        """SIGTERM (SIGKILL after 10 s, scaled), then removes its own socket directory. Idempotent."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=scaled(10))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout and not self.proc.stdout.closed:
            self.proc.stdout.close()
        if self._own_socket_dir:
            shutil.rmtree(self.socket_dir, ignore_errors=True)


def pinbusd_command():
    """PINBUSD_WRAPPER's words, then PINBUSD."""
    return shlex.split(os.environ.get("PINBUSD_WRAPPER", "")) + [os.environ["PINBUSD"]]


class Pinbusd:
    """pinbusd on the bus at address, with its state (state/), configuration (pinbus.conf, the text
    config) and log (pinbusd.log) in workdir; its sd_notify sockets in a short directory of its own,
    removed by close()."""

    def __init__(self, address, workdir, config=None, args=(), simulate=True):
        os.makedirs(workdir, exist_ok=True)
        self.address = address
        self.workdir = str(workdir)
        self.rundir = short_tempdir()
        self.state_dir = os.path.join(self.workdir, "state")
        self.config_path = os.path.join(self.workdir, "pinbus.conf")
        self.log = os.path.join(self.workdir, "pinbusd.log")
        self.args = list(args)
        self.simulate = simulate
        self.proc = None
        self.exit_seen = True  # whether a caller has seen the last start's exit status
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
        return read_log(self.log)

    def start(self, timeout=10.0):
        """Starts it and waits (timeout seconds, scaled) for READY=1; fails if it exits first."""
        assert not self.running, "pinbusd is already running"
        self.starts += 1
        notify_path = os.path.join(self.rundir, f"notify{self.starts}")
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
        self.exit_seen = False
        try:
            self.wait_notification(b"READY=1", scaled(timeout))
        except AssertionError:
            self.exit_seen = self.proc.poll() is not None  # the failure names the status
            raise

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

    def wait(self, timeout=10.0):
        """Waits (timeout seconds, scaled) for it to exit by itself and returns the exit status;
        subprocess.TimeoutExpired if it does not."""
        assert self.proc is not None
        status = self.proc.wait(timeout=scaled(timeout))
        self.exit_seen = True
        self._close_notify()
        return status

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        """Sends sig, waits for the exit and returns the exit status (no assertion)."""
        assert self.proc is not None
        self.exit_seen = True
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=scaled(timeout))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError(f"pinbusd did not exit within {scaled(timeout):.1f} s of "
                                     f"{signal.Signals(sig).name}; killed it")
        self._close_notify()
        return self.proc.returncode

    def _close_notify(self):
        with contextlib.suppress(Exception):
            self.read_notifications()
        if self.notify:
            self.notify.close()
            self.notify = None

    def stop_ok(self, sig=signal.SIGTERM, timeout=10.0):
        """stop(), asserting a clean exit (status 0)."""
        status = self.stop(sig, timeout)
        assert status == 0, (f"pinbusd exited with status {status} after {signal.Signals(sig).name} "
                             "(sanitizer or valgrind errors exit non-zero; see its log)")

    def restart(self):
        """Stops (asserting a clean exit) and starts again with the same bus, state and config."""
        self.stop_ok()
        self.start()

    def finish(self):
        """A test's end: a daemon whose exit no caller has seen (through stop(), stop_ok(), wait()
        or a failed start()) is stopped now and must exit with status 0, so that a daemon that
        crashed during the test, or reports sanitizer or valgrind errors, fails the test."""
        try:
            if self.proc is not None and not self.exit_seen:
                if self.proc.poll() is None:
                    self.stop_ok()
                else:
                    self.exit_seen = True
                    status = self.proc.returncode
                    assert status == 0, f"pinbusd exited with status {status} during the test (see its log)"
        finally:
            self.close()

    def close(self):
        """Kills it if it still runs (by PID) and removes its socket directory. Idempotent."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.notify:
            self.notify.close()
            self.notify = None
        shutil.rmtree(self.rundir, ignore_errors=True)
