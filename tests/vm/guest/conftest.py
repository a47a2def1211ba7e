# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixtures of the real-kernel guest tests (tests/vm/guest), run inside the qemu guest.

These reuse the bus tests' fixtures (tests/bus/conftest.py): a private
dbus-daemon and pinbusd per test, the Client and Recorder helpers. The
difference: pinbusd runs on its libgpiod backend (no --simulate) against the
guest kernel's gpio-sim chips that tests/vm/guest-setup.sh created, and the
tests drive and observe those chips from the kernel's side:

    sim = gpio_sim("bcm2711")      # or "exp"; see guest-setup.sh
    sim.pull(17, True)             # the outside world pulls the pin high (sim_gpio17/pull)
    sim.value(27)                  # the level an output drives (sim_gpio27/value)
    sim.set_live(False)            # the chip goes away (and comes back with True)

A test marks how its daemon starts exactly as a bus test does
(@pytest.mark.pinbusd(config=..., args=...)); simulate defaults to False here.
"""

import importlib.util
import os
import subprocess
import sys

import pytest

if os.environ.get("PINBUS_VM_GUEST") != "1":
    # Run by hand on the host, these would test the host's kernel (which has no gpio-sim).
    pytest.exit("the vm guest tests run inside the qemu guest: use tests/vm/run-vm.sh (see tests/vm/README.md)",
                returncode=2)

_bus_conftest = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bus", "conftest.py")
_spec = importlib.util.spec_from_file_location("pinbus_bus_fixtures", _bus_conftest)
bus = importlib.util.module_from_spec(_spec)
sys.modules["pinbus_bus_fixtures"] = bus
_spec.loader.exec_module(bus)

# The bus tests' failure report hook (daemon logs with every failure).
pytest_runtest_makereport = bus.pytest_runtest_makereport

CONFIGFS = "/sys/kernel/config/gpio-sim"
BCM_LABEL = "pinctrl-bcm2711"
EXP_LABEL = "raspberrypi-exp-gpio"
EXP_NAMES = ["BT_ON", "WL_ON", "PWR_LED_OFF", "GLOBAL_RESET", "VDD_SD_IO_SEL", "CAM_GPIO", "SD_PWR_ON", ""]


def read(path):
    with open(path) as f:
        return f.read().strip()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


class GpioSim:
    """One gpio-sim device made by guest-setup.sh, seen from the kernel's side."""

    def __init__(self, device):
        self.config = os.path.join(CONFIGFS, device)
        assert os.path.isdir(self.config), f"no gpio-sim device {device} (guest-setup.sh makes it)"

    @property
    def live(self):
        return read(os.path.join(self.config, "live")) == "1"

    def set_live(self, live):
        write(os.path.join(self.config, "live"), "1" if live else "0")

    @property
    def label(self):
        return read(os.path.join(self.config, "bank0", "label"))

    @property
    def chip_name(self):
        """Kernel name, e.g. gpiochip1 (may change when the chip comes back)."""
        return read(os.path.join(self.config, "bank0", "chip_name"))

    @property
    def sysfs(self):
        return os.path.join("/sys/devices/platform", read(os.path.join(self.config, "dev_name")), self.chip_name)

    def pull(self, offset, level):
        """Puts a level on the pin from outside (sim_gpioN/pull), as a wire would."""
        write(os.path.join(self.sysfs, f"sim_gpio{offset}", "pull"), "pull-up" if level else "pull-down")

    def get_pull(self, offset):
        return read(os.path.join(self.sysfs, f"sim_gpio{offset}", "pull"))

    def value(self, offset):
        """The physical level on the pin (sim_gpioN/value): what an output drives."""
        return read(os.path.join(self.sysfs, f"sim_gpio{offset}", "value")) == "1"


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
    marker = request.node.get_closest_marker("pinbusd")
    kw = dict(marker.kwargs) if marker else {}
    start = kw.pop("start", True)
    kw.setdefault("simulate", False)
    env = bus.PinbusEnv(request, tmp_path, **kw)
    try:
        if start:
            env.daemon.start()
        yield env
    finally:
        env.teardown()


def gpioinfo(chip, *lines):
    """gpioinfo (libgpiod's tool) for chip's lines, one line of text per GPIO line."""
    out = subprocess.run(["gpioinfo", "--chip", chip, *map(str, lines)], check=True, capture_output=True,
                         text=True, timeout=bus.scaled(10)).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]
