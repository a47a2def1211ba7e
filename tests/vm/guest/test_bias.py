# SPDX-License-Identifier: LGPL-2.1-or-later
"""Bias settings reach the kernel: gpio-sim models pull-up and pull-down on its lines (sim_gpioN/pull),
and the line then reads the pulled level."""

import pytest

from pbharness.client import wait_until
from pbharness.gpiosim import gpioinfo
from pbharness.names import LINE, line_path


@pytest.mark.parametrize("bias,level", [("pull-up", True), ("pull-down", False)])
def test_claim_with_bias(pinbus, gpio_sim, bias, level):
    c, sim = pinbus.bus, gpio_sim("bcm2711")
    sim.pull(16, not level)
    c.claim("GPIO16", {"direction": "input", "bias": bias})
    assert sim.get_pull(16) == bias
    assert c.line_get("GPIO16") is level
    assert c.line("GPIO16", "Bias") == bias
    [info] = gpioinfo(sim.chip_name, 16)
    assert bias in info, info


def test_reconfigure_bias(pinbus, gpio_sim):
    c, sim = pinbus.bus, gpio_sim("exp")
    c.claim("WL_ON", {"direction": "input", "bias": "pull-down"})
    assert sim.get_pull(1) == "pull-down" and not c.line_get("WL_ON")
    rec = pinbus.recorder().watch_properties(line_path("WL_ON"))
    c.claim("WL_ON", {"direction": "input", "bias": "pull-up"})  # same owner: reconfigured in place
    assert sim.get_pull(1) == "pull-up" and c.line_get("WL_ON")
    wait_until(lambda: "pull-up" in rec.values(line_path("WL_ON"), LINE, "Bias"), 5,
                   "Bias PropertiesChanged to pull-up")


def test_bias_with_active_low(pinbus, gpio_sim):
    c, sim = pinbus.bus, gpio_sim("bcm2711")
    c.claim("GPIO12", {"direction": "input", "bias": "pull-up", "active-low": True})
    assert sim.get_pull(12) == "pull-up"
    assert c.line_get("GPIO12") is False, "pulled high, active-low: logical 0"
