# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixtures of the bus tests: a private dbus-daemon and `pinbusd --simulate` per test.

The `pinbus` fixture is a pbharness.env.PinbusEnv (tests/pbharness): the daemon is started and
waited for through sd_notify READY=1, adjusted with the `pinbusd` marker (see pytest.ini), and at
the end must exit with status 0 on SIGTERM. The helpers the tests use (names, Client, Recorder,
wait_until, dbus_error...) are pbharness's; what they promise about speed independence is said in
pbharness/client.py.
"""

import pytest

from pbharness.env import PinbusEnv, report_logs


@pytest.fixture
def pinbus(request, tmp_path):
    with PinbusEnv.from_marker(request, tmp_path) as env:
        yield env


pytest_runtest_makereport = report_logs
