# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixtures of the real-kernel guest tests (tests/vm/guest), run inside the qemu guest.

The bus tests' environment (pbharness.env.PinbusEnv: a private dbus-daemon and pinbusd per test,
the Client and Recorder helpers), with pinbusd on its libgpiod backend (no --simulate) against the
guest kernel's gpio-sim chips that tests/vm/guest-setup.sh created; the tests drive and observe
those chips from the kernel's side through pbharness.gpiosim. A test marks how its daemon starts
exactly as a bus test does (@pytest.mark.pinbusd(config=..., args=...)); simulate defaults to
False here.
"""

import os

import pytest

from pbharness.env import PinbusEnv, report_logs
from pbharness.gpiosim import GpioSim

if os.environ.get("PINBUS_VM_GUEST") != "1":
    # Run by hand on the host, these would test the host's kernel (which has no gpio-sim).
    pytest.exit("the vm guest tests run inside the qemu guest: use tests/vm/run-vm.sh (see tests/vm/README.md)",
                returncode=2)


@pytest.fixture
def gpio_sim():
    """gpio_sim(device) -> GpioSim; every chip taken away by the test is made live again afterwards."""
    made = []

    def get(device):
        s = GpioSim(device)
        made.append(s)
        return s

    yield get
    for s in made:
        if not s.live:
            s.set_live(True)


@pytest.fixture
def pinbus(request, tmp_path):
    """As the bus tests' fixture, with pinbusd on its libgpiod backend unless a test asks otherwise."""
    with PinbusEnv.from_marker(request, tmp_path, simulate=False) as env:
        yield env


pytest_runtest_makereport = report_logs
