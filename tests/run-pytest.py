#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs one pytest file of the bus or bindings tests, after checking what it needs.

    run-pytest.py DIR/test_FILE.py [pytest arguments...]

The file's directory provides pytest.ini (nothing else is read) and conftest.py; the shared
harness, tests/pbharness, is importable from this script's directory (put first on sys.path here,
not through PYTHONPATH, which tests/vm/run-vm.sh does not pass into its guest).
A missing prerequisite prints "SKIP: <what> not installed" and exits 77 (meson's
skip), except under CI (CI=true), which installs everything: there it fails.
Environment: PINBUSD (the daemon to test, required), PINBUSD_WRAPPER (a command
to run it under, e.g. valgrind), PINBUS_TEST_TIMEOUT_SCALE (multiplies timeouts),
PINBUS_TEST_NO_SKIP=1 (every test must run: a skipped one fails the file; the vm
suite sets it, as its guest has everything the tests need);
the bindings tests also use PYTHONPATH and PINBUS_CLI (see their meson.build).
"""

import importlib
import os
import shlex
import shutil
import sys
import tempfile

# Neither this run, pytest's assertion rewriting nor the subprocesses the tests
# start may write __pycache__ into the source tree.
sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"

# tests/pbharness, for the conftest.py files and the tests.
TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

EXIT_SKIP = 77


def missing(reason):
    if os.environ.get("CI", "").lower() == "true":
        print(f"FAIL: {reason} (CI=true: CI must install every test dependency)", file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {reason}")
    sys.exit(EXIT_SKIP)


def check_prerequisites():
    # busctl: some tests type the examples as a user would.
    for prog, package in (("dbus-daemon", "dbus-daemon"), ("busctl", "systemd")):
        if not shutil.which(prog):
            missing(f"{prog} (Debian package {package}) not installed")
    for module, package in (("dbus", "python3-dbus"), ("gi", "python3-gi"), ("pytest", "python3-pytest")):
        try:
            importlib.import_module(module)
        except ImportError as e:
            missing(f"{package} not installed for {sys.executable} ({e})")
    try:
        importlib.import_module("dbus.mainloop.glib")
        from gi.repository import GLib  # noqa: F401
    except ImportError as e:
        missing(f"python3-dbus GLib main loop or python3-gi GLib not installed ({e})")

    pinbusd = os.environ.get("PINBUSD")
    if not pinbusd:
        missing("PINBUSD (the pinbusd binary to test) not set; run through `meson test`")
    if not (os.path.isfile(pinbusd) and os.access(pinbusd, os.X_OK)):
        missing(f"pinbusd binary {pinbusd} not built")
    wrapper = shlex.split(os.environ.get("PINBUSD_WRAPPER", ""))
    if wrapper and not shutil.which(wrapper[0]):
        missing(f"{wrapper[0]} (PINBUSD_WRAPPER) not installed")


class Outcomes:
    """A pytest plugin counting what ran, so that a file whose every test was skipped (say, the
    kernel has no i2c-stub) reports meson's skip rather than a pass."""

    def __init__(self):
        self.ran = 0
        self.skips = []

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or (report.when == "setup" and report.skipped):
            if report.skipped:
                self.skips.append(report.longrepr[2] if isinstance(report.longrepr, tuple) else "")
            else:
                self.ran += 1

    def pytest_collectreport(self, report):
        if report.skipped:
            self.skips.append(report.longrepr[2] if isinstance(report.longrepr, tuple) else "")


def main(argv):
    if len(argv) < 2:
        print(f"usage: {argv[0]} test_FILE.py [pytest arguments...]", file=sys.stderr)
        return 2
    check_prerequisites()

    import pytest

    suite_dir = os.path.dirname(os.path.abspath(argv[1]))
    # A fresh base directory of our own: meson runs the files in parallel, and
    # pytest's shared /tmp/pytest-of-USER numbering and cleanup are not made for that.
    basetemp = tempfile.mkdtemp(prefix=f"pinbus-{os.path.basename(suite_dir)}-")
    args = [
        "-v",
        "--tb=short",
        "-p", "no:cacheprovider",
        "-c", os.path.join(suite_dir, "pytest.ini"),
        "--rootdir", suite_dir,
        "--basetemp", os.path.join(basetemp, "t"),
        *argv[1:],
    ]
    outcomes = Outcomes()
    code = int(pytest.main(args, plugins=[outcomes]))
    if os.environ.get("PINBUS_TEST_NO_SKIP") == "1" and outcomes.skips:
        print(f"FAIL: {len(outcomes.skips)} test(s) skipped where every test must run (PINBUS_TEST_NO_SKIP=1): "
              + "; ".join(r.removeprefix("Skipped: ") for r in outcomes.skips), file=sys.stderr)
        code = code or 1
    elif code in (0, 5) and outcomes.ran == 0 and outcomes.skips:
        shutil.rmtree(basetemp, ignore_errors=True)
        print(f"SKIP: {outcomes.skips[0].removeprefix('Skipped: ')}")
        return EXIT_SKIP
    if code == 0:
        shutil.rmtree(basetemp, ignore_errors=True)
    else:
        print(f"Test files (daemon logs, configs, state) kept in {basetemp}")
    # pytest's "no tests collected" (5) is a failure here: a file that tests nothing is a bug.
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
