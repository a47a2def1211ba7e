# SPDX-License-Identifier: LGPL-2.1-or-later
"""io.pinbus1.Button on the real kernel: a bouncing contact on a gpio-sim pin, debounced by gpiolib-cdev
(the kernel placement: gpio-sim has no hardware debounce, so the kernel's software debounce runs) or
by the daemon (debouncer = daemon). Both placements must give the same events.

The contact is the pin's pull (sim_gpioN/pull): the button's pull-up is "released", the switch
closing to ground is "pressed". Bounces are several pull changes a millisecond or so apart, well
inside the 20 ms debounce period; TCG's timing is coarse, so every gap actually achieved is measured
and reported, and the time assertions are loose (scaled).
"""

import os
import time

import pytest

from pbharness import SCALE, scaled
from pbharness.client import native, settle, wait_until
from pbharness.gpiosim import gpioinfo
from pbharness.names import BUTTON, button_path

DOORBELL = """[button doorbell]
line = GPIO17
bias = pull-up
active-low = yes
debounce = 20ms
hold-time = 1s
"""
DEBOUNCE_S = 0.020

# placement -> the config line that asks for it
PLACEMENTS = {"kernel": "", "daemon": "debouncer = daemon\n"}


def levels(pressed, changes):
    """`changes` alternating levels (True = pressed) starting with `pressed`: an odd count ends there."""
    return [pressed == (i % 2 == 0) for i in range(changes)]


class Contact:
    """A switch to ground on a gpio-sim pin, with its own pull-up: the kernel's side of a button."""

    def __init__(self, sim, offset):
        self.path = os.path.join(sim.sysfs, f"sim_gpio{offset}", "pull")
        self.gaps = []  # every gap between two consecutive changes, in s (for the failure messages)

    def bounce(self, pressed, changes=7):
        """`changes` (odd) changes of the level ending pressed (pulled low) or released (pulled up)."""
        assert changes % 2 == 1
        write_together([self], levels(pressed, changes))

    def glitch(self):
        """Pressed for about a millisecond, then released again."""
        write_together([self], [True, False])

    def max_gap(self):
        return max(self.gaps, default=0.0)


def write_together(contacts, sequence, gap_s=0.001):
    """Puts each level of `sequence` on every contact, one contact right after the other, gap_s apart."""
    fds = [os.open(c.path, os.O_WRONLY) for c in contacts]
    try:
        last = None
        for i, pressed in enumerate(sequence):
            if i:
                time.sleep(gap_s)
            now = time.monotonic()
            if last is not None:
                for c in contacts:
                    c.gaps.append(now - last)
            last = now
            for fd in fds:
                os.pwrite(fd, b"pull-down" if pressed else b"pull-up", 0)
    finally:
        for fd in fds:
            os.close(fd)


def start(pinbus, config):
    pinbus.daemon.write_config(config)
    pinbus.daemon.start()


def recorder(pinbus, name="doorbell"):
    return pinbus.recorder().watch(BUTTON, path=button_path(name))


def events(rec, name="doorbell"):
    """[(member, args...)] of the button's signals, in order."""
    return [(s.member,) + tuple(native(a) for a in s.args)
            for s in rec.signals if s.interface == BUTTON and s.path == button_path(name)]


def members(rec, name="doorbell"):
    return [e[0] for e in events(rec, name)]


def prop(pinbus, p, name="doorbell"):
    return native(pinbus.bus.get(button_path(name), BUTTON, p))


@pytest.fixture
def contact(gpio_sim):
    c = Contact(gpio_sim("bcm2711"), 17)
    c.bounce(False, 1)  # released before the daemon requests the line
    return c


def press_hold_release(pinbus, contact, rec, hold_s=1.5):
    """The issue's done-when: a bouncing press, held, a bouncing release; returns the events."""
    before = time.monotonic_ns()
    contact.bounce(True)
    wait_until(lambda: "Pressed" in members(rec), 5, "Pressed")
    assert prop(pinbus, "Pressed") is True
    time.sleep(max(0.0, hold_s - (time.monotonic_ns() - before) / 1e9))
    contact.bounce(False)
    wait_until(lambda: "Released" in members(rec), 5, "Released")
    settle(0.6)  # the click window (400 ms): a held press is no click
    return before, events(rec)


def check_press_hold_release(pinbus, contact, before, ev, hold_s=1.5):
    why = f"events {ev}, longest bounce gap {contact.max_gap() * 1000:.1f} ms"
    assert [e[0] for e in ev] == ["Pressed", "Held", "Released"], why
    (_, pressed_ts), (_, held_ts, repeat), (_, released_ts, duration_us) = ev
    # Stamped by the kernel's CLOCK_MONOTONIC, no earlier than the debounce period after the first change.
    assert pressed_ts >= before + DEBOUNCE_S * 1e9, (pressed_ts - before, why)
    assert repeat == 0, why
    assert held_ts - pressed_ts == 1_000_000_000, why
    assert duration_us == (released_ts - pressed_ts) // 1000, why
    assert abs(duration_us - hold_s * 1e6) < scaled(0.1) * 1e6, why
    assert prop(pinbus, "Pressed") is False and prop(pinbus, "Held") is False
    assert prop(pinbus, "PressCount") == 1


@pytest.mark.pinbusd(start=False)
@pytest.mark.parametrize("placement", PLACEMENTS)
def test_bouncing_press_hold_release(pinbus, contact, gpio_sim, placement):
    start(pinbus, DOORBELL + PLACEMENTS[placement])
    assert prop(pinbus, "Debouncer") == placement
    assert prop(pinbus, "DebounceUs") == 20000
    rec = recorder(pinbus)
    before, ev = press_hold_release(pinbus, contact, rec)
    check_press_hold_release(pinbus, contact, before, ev)
    # The daemon's own debouncer saw the bounces; on the kernel's placement only the settled levels reached it.
    edges = prop(pinbus, "Edges")
    if placement == "kernel":
        assert edges == 2, f"the kernel debounced: one edge per press and release, got {edges}"
    else:
        assert edges > 2, f"the daemon debounced the bounces itself, got {edges} edges"


@pytest.mark.pinbusd(start=False)
@pytest.mark.parametrize("placement", PLACEMENTS)
def test_line_as_the_kernel_sees_it(pinbus, contact, gpio_sim, placement):
    """The button's line: held by pinbusd with both edges and the pull-up; debounced by the kernel only
    on the kernel placement."""
    start(pinbus, DOORBELL + PLACEMENTS[placement])
    c = pinbus.bus
    debounce_us = 20000 if placement == "kernel" else 0
    lp = native(c.line_props("GPIO17"))
    assert lp["Used"] is True and lp["Consumer"] == "pinbusd" and lp["Owner"] == "", lp
    assert lp["Edge"] == "both" and lp["Bias"] == "pull-up" and lp["ActiveLow"] is True, lp
    assert lp["DebounceUs"] == debounce_us, lp
    assert lp["Value"] is False, "released: pulled up, active-low"
    [info] = gpioinfo(gpio_sim("bcm2711").chip_name, 17)
    assert 'consumer="pinbusd"' in info and "input" in info and "active-low" in info, info
    assert "edges=both" in info and "bias=pull-up" in info, info
    assert ("debounce-period=20ms" in info) == (placement == "kernel"), info


@pytest.mark.pinbusd(start=False)
@pytest.mark.parametrize("placement", PLACEMENTS)
def test_glitch_yields_nothing(pinbus, contact, placement):
    """A glitch shorter than the debounce period (low for a millisecond or two) is no press."""
    start(pinbus, DOORBELL + PLACEMENTS[placement])
    rec = recorder(pinbus)
    contact.glitch()
    settle(0.7)
    assert contact.max_gap() < DEBOUNCE_S / 2, f"the glitch took {contact.max_gap() * 1000:.1f} ms"
    assert events(rec) == []
    assert prop(pinbus, "PressCount") == 0 and prop(pinbus, "Pressed") is False
    edges = prop(pinbus, "Edges")
    if placement == "kernel":
        assert edges == 0, f"the kernel's debounce swallows the glitch, yet {edges} edges reached the daemon"
    else:
        assert edges >= 1, "the glitch reached the daemon's debouncer"


@pytest.mark.pinbusd(start=False)
@pytest.mark.parametrize("placement", PLACEMENTS)
def test_double_click(pinbus, contact, placement):
    start(pinbus, DOORBELL + "click-window = 1s\n" + PLACEMENTS[placement])
    rec = recorder(pinbus)
    for _ in range(2):
        contact.bounce(True, 5)
        wait_until(lambda: prop(pinbus, "Pressed"), 5, "pressed")
        time.sleep(0.1)
        contact.bounce(False, 5)
        wait_until(lambda: not prop(pinbus, "Pressed"), 5, "released")
        time.sleep(0.1)
    wait_until(lambda: "Clicked" in members(rec), 5, "Clicked")
    settle(1.2)
    ev = events(rec)
    why = f"events {ev}, longest bounce gap {contact.max_gap() * 1000:.1f} ms"
    assert [e[0] for e in ev] == ["Pressed", "Released", "Pressed", "Released", "Clicked"], why
    assert ev[-1] == ("Clicked", 2), why


@pytest.mark.pinbusd(start=False)
def test_both_placements_same_events(pinbus, gpio_sim):
    """Two buttons, one per placement, on two pins bounced in lockstep: the same events."""
    start(pinbus, "".join(f"""[button {name}]
line = {line}
bias = pull-up
active-low = yes
debounce = 20ms
hold-time = 1s
click-window = 1s
debouncer = {placement}
""" for name, line, placement in (("k", "GPIO17", "kernel"), ("d", "GPIO18", "daemon"))))
    sim = gpio_sim("bcm2711")
    ck, cd = Contact(sim, 17), Contact(sim, 18)
    assert prop(pinbus, "Debouncer", "k") == "kernel" and prop(pinbus, "Debouncer", "d") == "daemon"
    rk, rd = recorder(pinbus, "k"), recorder(pinbus, "d")
    # A held press, a glitch, then a double click: (pressed, changes, time to wait after).
    script = [(True, 7, 1.5), (False, 7, 0.5),
              (True, 2, 0.5),
              (True, 5, 0.15), (False, 5, 0.15), (True, 3, 0.15), (False, 3, 1.5)]
    for pressed, n, wait in script:
        # Change by change on both pins, so that they see the same bounces at about the same time.
        write_together([ck, cd], levels(pressed, n))
        settle(wait / SCALE)
    rk.sync()
    ek, ed = events(rk, "k"), events(rd, "d")
    why = f"kernel {ek}, daemon {ed}, longest bounce gap {ck.max_gap() * 1000:.1f} ms"
    assert [e[0] for e in ek] == ["Pressed", "Held", "Released", "Pressed", "Released", "Pressed", "Released",
                                  "Clicked"], why
    assert [e[0] for e in ed] == [e[0] for e in ek], why
    assert ek[1][2] == ed[1][2] == 0 and ek[-1] == ed[-1] == ("Clicked", 2), why
    # The same moments, to within the emulation's jitter (timestamps in ns, durations in µs).
    for a, b in zip(ek, ed):
        for x, y in zip(a[1:], b[1:]):
            if x > 10**9:
                assert abs(x - y) < scaled(0.01) * 1e9, why
    assert prop(pinbus, "PressCount", "k") == prop(pinbus, "PressCount", "d") == 3
