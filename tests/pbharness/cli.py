# SPDX-License-Identifier: LGPL-2.1-or-later
"""Running the bindings' `pinbus` command (python3 -m pinbus) from the source tree against a test bus."""

import os
import queue
import subprocess
import sys
import threading
import time

from . import BINDINGS_PYTHON, scaled


def cli_command():
    return [sys.executable, "-m", "pinbus"]


def cli_env(**extra):
    """This process's environment, with the source tree's bindings first on PYTHONPATH, and extra."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BINDINGS_PYTHON), env.get("PYTHONPATH")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


class Cli:
    """Runs `python3 -m pinbus --address <test bus> ...`."""

    def __init__(self, address):
        self.address = address

    def __call__(self, *args, check_status=0, bus_args=None, env=None, command=None):
        """The finished process (subprocess.CompletedProcess, text); its exit status must be
        check_status unless that is None, and it must print no Python traceback."""
        bus_args = ["--address", self.address] if bus_args is None else bus_args
        r = subprocess.run([*(command or cli_command()), *bus_args, *args], capture_output=True,
                           text=True, env=env or cli_env(), timeout=scaled(30))
        if check_status is not None:
            assert r.returncode == check_status, \
                f"pinbus {' '.join(args)}: exit status {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}"
        assert "Traceback" not in r.stderr, r.stderr
        return r

    def popen(self, *args):
        return subprocess.Popen([*cli_command(), "--address", self.address, *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=cli_env())


class OutputLines:
    """The lines a running process (stdout a text pipe) prints, read on a thread of their own, so
    that a test can wait for what a script prints without blocking on its pipe."""

    def __init__(self, proc):
        self.proc = proc
        self.lines = []
        self._queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait(self, predicate, seconds, what):
        """Reads lines until predicate(lines) holds; after the (scaled) timeout, or when the
        process exits first, kills it and fails the test with what it printed."""
        import pytest

        deadline = time.monotonic() + scaled(seconds)
        while not predicate(self.lines):
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = ""
            if line is None or time.monotonic() > deadline:
                self.proc.kill()
                _, err = self.proc.communicate()
                pytest.fail(f"waiting for {what}: the script printed {self.lines}"
                            + (" and exited" if line is None else "") + f"\nstderr: {err}")
            if line:
                self.lines.append(line)
