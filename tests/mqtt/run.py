#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs one pytest file of the mqtt suite, after checking what it needs.

    run.py tests/mqtt/test_FILE.py [pytest arguments...]

A missing prerequisite (mosquitto, paho-mqtt, openssl, dbus-daemon, busctl, pytest) prints
"SKIP: <what> not installed" and exits 77 (meson's skip), except under CI (CI=true), which
installs everything (scripts/setup-deps.sh): there it fails. Environment: PINBUSD and
PINBUS_MQTT (the programs to test, set by meson), PINBUSD_WRAPPER (a command both run under,
e.g. valgrind), PINBUS_TEST_TIMEOUT_SCALE (multiplies timeouts).

This is a trimmed copy of tests/run-pytest.py (that one also needs python3-dbus and gi, which
these tests do not use: they drive pinbusd with busctl).
"""

import importlib
import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"

EXIT_SKIP = 77


def missing(reason):
    if os.environ.get("CI", "").lower() == "true":
        print(f"FAIL: {reason} (CI=true: CI must install every test dependency)", file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {reason}")
    sys.exit(EXIT_SKIP)


def check_prerequisites():
    for prog, package in (("dbus-daemon", "dbus-daemon"), ("busctl", "systemd"),
                          ("/usr/sbin/mosquitto", "mosquitto"), ("mosquitto_passwd", "mosquitto"),
                          ("mosquitto_sub", "mosquitto-clients"), ("openssl", "openssl")):
        if not shutil.which(prog):
            missing(f"{prog} (Debian package {package}) not installed")
    for module, package in (("pytest", "python3-pytest"), ("paho.mqtt.client", "python3-paho-mqtt")):
        try:
            importlib.import_module(module)
        except ImportError as e:
            missing(f"{package} not installed for {sys.executable} ({e})")
    for var in ("PINBUSD", "PINBUS_MQTT"):
        path = os.environ.get(var)
        if not path:
            missing(f"{var} not set; run through `meson test`")
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            missing(f"{path} ({var}) not built")


def main(argv):
    if len(argv) < 2:
        print(f"usage: {argv[0]} test_FILE.py [pytest arguments...]", file=sys.stderr)
        return 2
    check_prerequisites()

    import pytest

    suite_dir = os.path.dirname(os.path.abspath(argv[1]))
    basetemp = tempfile.mkdtemp(prefix="pinbus-mqtt-")
    code = int(pytest.main([
        "-v", "--tb=short", "-p", "no:cacheprovider",
        "-c", os.path.join(suite_dir, "pytest.ini"),
        "--rootdir", suite_dir,
        "--basetemp", os.path.join(basetemp, "t"),
        *argv[1:],
    ]))
    if code == 0:
        shutil.rmtree(basetemp, ignore_errors=True)
    else:
        print(f"Test files (logs, configs, certificates) kept in {basetemp}")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
