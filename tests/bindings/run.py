#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs one bindings test file with pytest, after checking what it needs.

    run.py test_FILE.py [pytest arguments...]

A missing prerequisite prints "SKIP: <reason>" and exits 77 (meson's skip),
except under CI (CI=true), which installs everything: there it fails (exit 1).
Environment: PINBUSD (the daemon to test, required), PYTHONPATH (must reach
bindings/python), PINBUSD_WRAPPER (a command to run pinbusd under, e.g.
valgrind), PINBUS_TEST_TIMEOUT_SCALE (multiplies timeouts), PINBUS_CLI (the
configured `pinbus` command, optional).
"""

import importlib
import os
import shlex
import shutil
import sys
import tempfile

# Neither this run, pytest's assertion rewriting nor the CLI subprocesses may
# write __pycache__ into the source tree.
sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"

EXIT_SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))


def missing(reason):
    if os.environ.get("CI", "").lower() == "true":
        print(f"FAIL: {reason} (CI=true: CI must install every test dependency)", file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {reason}")
    sys.exit(EXIT_SKIP)


def check_prerequisites():
    if not shutil.which("dbus-daemon"):
        missing("dbus-daemon not installed (Debian: dbus-daemon)")
    for module, package in (("dbus", "python3-dbus"), ("dbus.mainloop.glib", "python3-dbus"),
                            ("gi", "python3-gi"), ("pytest", "python3-pytest")):
        try:
            importlib.import_module(module)
        except ImportError as e:
            missing(f"{package} not installed for {sys.executable} ({e})")
    try:
        importlib.import_module("gi.repository.GLib")
    except ImportError as e:
        missing(f"GLib introspection data not installed for {sys.executable} ({e})")

    pinbusd = os.environ.get("PINBUSD")
    if not pinbusd:
        missing("PINBUSD (the pinbusd binary to test) not set; run through `meson test`")
    if not (os.path.isfile(pinbusd) and os.access(pinbusd, os.X_OK)):
        missing(f"pinbusd binary {pinbusd} not built")
    wrapper = shlex.split(os.environ.get("PINBUSD_WRAPPER", ""))
    if wrapper and not shutil.which(wrapper[0]):
        missing(f"{wrapper[0]} (PINBUSD_WRAPPER) not installed")


def main(argv):
    if len(argv) < 2:
        print(f"usage: {argv[0]} test_FILE.py [pytest arguments...]", file=sys.stderr)
        return 2
    check_prerequisites()

    import pytest

    # A base directory of our own: meson runs the files in parallel, and pytest's
    # shared /tmp/pytest-of-USER numbering and cleanup are not made for that.
    basetemp = tempfile.mkdtemp(prefix="pinbus-bindings-")
    args = [
        "-v",
        "-p", "no:cacheprovider",
        "--rootdir", HERE,
        "-c", os.path.join(HERE, "pytest.ini"),
        "--basetemp", os.path.join(basetemp, "t"),
        *argv[1:],
    ]
    code = int(pytest.main(args))
    if code == 0:
        shutil.rmtree(basetemp, ignore_errors=True)
    else:
        print(f"Test files (daemon logs, configs, state) kept in {basetemp}")
    # pytest's "no tests collected" (5) is a failure too: a file that tests nothing is a bug.
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
