# SPDX-License-Identifier: LGPL-2.1-or-later
"""What pinbusd drives reaches the pin: gpio-sim's sim_gpioN/value follows Set, Toggle, active-low,
and a configured output's initial value."""

import pytest

from pbharness.client import wait_until


def test_set_and_toggle(pinbus, gpio_sim):
    c, sim = pinbus.bus, gpio_sim("bcm2711")
    c.claim("GPIO27", {"direction": "output", "value": False})
    assert not sim.value(27)
    c.line_set("GPIO27", True)
    assert sim.value(27)
    c.line_toggle("GPIO27")
    assert not sim.value(27)
    c.line_toggle("GPIO27")
    assert sim.value(27)
    assert c.line("GPIO27", "Value")


def test_initial_value_of_a_claim(pinbus, gpio_sim):
    c, sim = pinbus.bus, gpio_sim("bcm2711")
    c.claim("GPIO5", {"direction": "output", "value": True})
    assert sim.value(5)


def test_active_low_inverts_the_pin(pinbus, gpio_sim):
    c, sim = pinbus.bus, gpio_sim("bcm2711")
    c.claim("GPIO6", {"direction": "output", "active-low": True, "value": True})
    assert not sim.value(6), "active-low: logical 1 drives the pin low"
    c.line_set("GPIO6", False)
    assert sim.value(6)


def test_free_line_set_is_kept(pinbus, gpio_sim):
    c, sim = pinbus.bus, gpio_sim("exp")
    c.line_set("PWR_LED_OFF", True)
    assert sim.value(2)
    c.close()  # the daemon keeps the line after the caller leaves
    other = pinbus.client()
    other.ping()
    assert sim.value(2)
    assert other.line("PWR_LED_OFF", "Used")


def test_pulse_ends_on_the_other_level(pinbus, gpio_sim):
    c, sim = pinbus.bus, gpio_sim("bcm2711")
    c.line_pulse("GPIO13", True, 200000)
    assert sim.value(13)
    wait_until(lambda: not sim.value(13), 5, "the pulse to end (sim_gpio13/value 0)")


@pytest.mark.pinbusd(config="[output porch]\nline = GPIO26\ninitial = on\n\n"
                            "[output status]\nline = raspberrypi-exp-gpio:6\ninitial = off\n")
def test_configured_outputs(pinbus, gpio_sim):
    c, bcm, exp = pinbus.bus, gpio_sim("bcm2711"), gpio_sim("exp")
    assert bcm.value(26), "[output porch] initial = on"
    assert not exp.value(6), "[output status] initial = off"
    c.output_call("status", "Set", "b", True)
    assert exp.value(6)
    c.output_call("porch", "Toggle")
    assert not bcm.value(26)
