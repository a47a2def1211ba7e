# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Python test harness shared by the bus, bindings, policy and vm tests (and the API checks).

    pbharness          SCALE, scaled(), the source tree's paths; standard library only
    pbharness.names    pinbusd's bus name, object paths and interfaces, the error names,
                       path_encode(), the simulated chip's facts
    pbharness.bus      processes: a private dbus-daemon from the one configuration template
                       (bus.conf.in) and pinbusd on it, waited for through sd_notify READY=1 and
                       stopped by PID; standard library only
    pbharness.client   a dbus-python client (Client), signal Recorder, the GLib main loop
                       helpers (pump, wait_until, settle), poll_until, dbus_error, native
    pbharness.env      PinbusEnv: a private bus with pinbusd, what the `pinbus` fixture gives;
                       the pytest hook that adds the daemons' logs to a failure's report
    pbharness.cli      running the `pinbus` command of the bindings
    pbharness.gpiosim  the vm guest's gpio-sim chips, seen from the kernel's side
    pbharness.xml      D-Bus introspection XML as plain data; standard library only

The conftest.py of each suite only turns these into fixtures. How the package is found: every
entry point lives in tests/ or puts tests/ on sys.path itself (tests/run-pytest.py,
tests/check-dbus-api.py, tests/policy/test-policy.py), so nothing depends on PYTHONPATH, which
tests/vm/run-vm.sh does not pass into the guest.

Importing the package puts the source tree's bindings/python first on sys.path: the tests use that
copy of the `pinbus` package (its path encoding above all), never an installed one.

Every timeout is multiplied by PINBUS_TEST_TIMEOUT_SCALE (valgrind sets 15, ASan 3, the vm suite 5).
"""

import os
import sys
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent.parent
SOURCE_ROOT = TESTS_DIR.parent
BINDINGS_PYTHON = SOURCE_ROOT / "bindings" / "python"

if str(BINDINGS_PYTHON) not in sys.path:
    sys.path.insert(0, str(BINDINGS_PYTHON))

SCALE = float(os.environ.get("PINBUS_TEST_TIMEOUT_SCALE") or "1")


def scaled(seconds):
    """A timeout, stretched for slow setups (valgrind, sanitizers, the vm's emulation)."""
    return seconds * SCALE
