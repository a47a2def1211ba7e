# SPDX-License-Identifier: LGPL-2.1-or-later
"""A line pinbusd holds shows up in the kernel (gpioinfo) with the daemon's consumer name, and not once released."""

import pytest

from pbharness.gpiosim import gpioinfo


@pytest.mark.parametrize("device,name,offset", [("bcm2711", "GPIO17", 17), ("exp", "CAM_GPIO", 5)])
@pytest.mark.parametrize("direction", ["input", "output"])
def test_claim_shows_consumer(pinbus, gpio_sim, device, name, offset, direction):
    c = pinbus.bus
    chip = gpio_sim(device).chip_name
    [before] = gpioinfo(chip, offset)
    assert "consumer=" not in before, before

    c.claim(name, {"direction": direction})
    [info] = gpioinfo(chip, offset)
    assert f'"{name}"' in info and 'consumer="pinbusd"' in info and direction in info, info
    assert c.line(name, "Consumer") == "pinbusd"
    assert c.line(name, "Used")

    c.release(name)
    [after] = gpioinfo(chip, offset)
    assert "consumer=" not in after, after
    assert not c.line(name, "Used")


def test_daemon_held_output_shows_consumer(pinbus, gpio_sim):
    c = pinbus.bus
    c.line_set("GPIO22", True)  # claimed and kept by the daemon
    [info] = gpioinfo(gpio_sim("bcm2711").chip_name, 22)
    assert 'consumer="pinbusd"' in info and "output" in info, info
