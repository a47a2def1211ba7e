# SPDX-License-Identifier: LGPL-2.1-or-later
"""The vm guest's gpio-sim chips (made by tests/vm/guest-setup.sh), seen from the kernel's side.

    sim = GpioSim("bcm2711")       # or "exp"; see guest-setup.sh
    sim.pull(17, True)             # the outside world pulls the pin high (sim_gpio17/pull)
    sim.value(27)                  # the level an output drives (sim_gpio27/value)
    sim.set_live(False)            # the chip goes away (and comes back with True)
"""

import os
import subprocess

from . import scaled

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
    """One gpio-sim device made by guest-setup.sh."""

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


def gpioinfo(chip, *lines):
    """gpioinfo (libgpiod's tool) for chip's lines, one line of text per GPIO line."""
    out = subprocess.run(["gpioinfo", "--chip", chip, *map(str, lines)], check=True, capture_output=True,
                         text=True, timeout=scaled(10)).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]
