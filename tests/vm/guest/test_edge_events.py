# SPDX-License-Identifier: LGPL-2.1-or-later
"""Inputs driven from outside (gpio-sim's sim_gpioN/pull) produce Edge signals carrying the kernel's
CLOCK_MONOTONIC timestamps and per-line sequence numbers."""

import time

import pytest

from pbharness.client import native, settle, wait_until
from pbharness.names import LINE, line_path


def wait_edges(rec, name, n):
    wait_until(lambda: len(rec.edges(name)) >= n, 10, f"{n} Edge signal(s) of {name}")
    return rec.edges(name)


def test_both_edges(pinbus, gpio_sim):
    c, sim = pinbus.bus, gpio_sim("bcm2711")
    sim.pull(17, False)
    c.claim("GPIO17", {"direction": "input", "edge": "both"})
    rec = pinbus.recorder().watch(LINE, "Edge", line_path("GPIO17"))

    before = time.monotonic_ns()
    sim.pull(17, True)
    [(v1, t1, s1)] = wait_edges(rec, "GPIO17", 1)
    sim.pull(17, False)
    edges = wait_edges(rec, "GPIO17", 2)
    after = time.monotonic_ns()

    assert [e[0] for e in edges] == [True, False]
    (_, t1, s1), (_, t2, s2) = edges
    assert before <= t1 <= t2 <= after, "timestamps are the kernel's CLOCK_MONOTONIC, in order"
    assert (s1, s2) == (1, 2), "seqno counts the line's edges from 1"
    assert native(c.line("GPIO17", "Value")) is False, "Value follows the last edge"


def test_rising_only(pinbus, gpio_sim):
    c, sim = pinbus.bus, gpio_sim("bcm2711")
    sim.pull(18, False)
    c.claim("GPIO18", {"direction": "input", "edge": "rising"})
    rec = pinbus.recorder().watch(LINE, "Edge", line_path("GPIO18"))
    for level in (True, False, True, False):
        sim.pull(18, level)
    edges = wait_edges(rec, "GPIO18", 2)
    rec.sync()
    settle(0.2)
    assert [(v, s) for v, _, s in rec.edges("GPIO18")] == [(True, 1), (True, 2)], edges


def test_active_low_edges_are_logical(pinbus, gpio_sim):
    c, sim = pinbus.bus, gpio_sim("bcm2711")
    sim.pull(23, False)
    c.claim("GPIO23", {"direction": "input", "edge": "both", "active-low": True})
    assert c.line_get("GPIO23"), "active-low: a low pin reads 1"
    rec = pinbus.recorder().watch(LINE, "Edge", line_path("GPIO23"))
    sim.pull(23, True)
    [(value, _, seqno)] = wait_edges(rec, "GPIO23", 1)
    assert (value, seqno) == (False, 1)


def test_seqno_per_line_on_the_expander(pinbus, gpio_sim):
    c, sim = pinbus.bus, gpio_sim("exp")
    for off, name in ((3, "GLOBAL_RESET"), (4, "VDD_SD_IO_SEL")):
        sim.pull(off, False)
        c.claim(name, {"direction": "input", "edge": "both"})
    rec = pinbus.recorder().watch(LINE, "Edge")
    sim.pull(3, True)
    sim.pull(4, True)
    sim.pull(3, False)
    wait_edges(rec, "GLOBAL_RESET", 2)
    wait_edges(rec, "VDD_SD_IO_SEL", 1)
    assert [s for _, _, s in rec.edges("GLOBAL_RESET")] == [1, 2]
    assert [s for _, _, s in rec.edges("VDD_SD_IO_SEL")] == [1]


@pytest.mark.parametrize("debounce_us", [5000])
def test_debounced_input(pinbus, gpio_sim, debounce_us):
    """The kernel's debounce: the Edge arrives once the level has been stable for the period."""
    c, sim = pinbus.bus, gpio_sim("bcm2711")
    sim.pull(24, False)
    c.claim("GPIO24", {"direction": "input", "edge": "both", "debounce-us": debounce_us})
    assert c.line("GPIO24", "DebounceUs") == debounce_us
    rec = pinbus.recorder().watch(LINE, "Edge", line_path("GPIO24"))
    start = time.monotonic_ns()
    sim.pull(24, True)
    [(value, ts, _)] = wait_edges(rec, "GPIO24", 1)
    assert value
    assert ts - start >= debounce_us * 1000 * 0.9, "stamped no earlier than the debounce period"
