# SPDX-License-Identifier: LGPL-2.1-or-later
"""Configured buttons through the pinbus API (Button and its callbacks) and the CLI."""

import re
import signal
import time

import pytest
from conftest import timeout, wait_for

import pinbus

pytestmark = pytest.mark.pinbus_config("""\
[button doorbell]
line = GPIO17
bias = pull-up
active-low = yes
debounce = 20ms
hold-time = 300ms
click-window = 300ms

[button ghost]
line = GPIO99
""")


def test_buttons_list(pb):
    buttons = pb.buttons
    assert [b.name for b in buttons] == ["doorbell", "ghost"]
    assert all(isinstance(b, pinbus.Button) for b in buttons)
    b = pb.button("doorbell")
    assert b == buttons[0]
    assert repr(b) == "<pinbus.Button doorbell>"
    assert b.line == pb.line("GPIO17")
    assert b.pressed is False and b.held is False and b.press_count == 0
    assert b.debouncer == "kernel"
    assert pb.button("ghost").line is None
    with pytest.raises(pinbus.NoSuchDevice, match="nope"):
        pb.button("nope")


def test_callbacks(pb, sim):
    b = pb.button("doorbell")
    got = []
    subs = [b.on_pressed(lambda ts: got.append(("pressed", ts))),
            b.on_released(lambda ts, d: got.append(("released", ts, d))),
            b.on_held(lambda ts, n: got.append(("held", ts, n))),
            b.on_clicked(lambda n: got.append(("clicked", n)))]
    before = time.monotonic_ns()
    # A click, then a hold.
    sim.bounce("GPIO17", False, 6, 3000)
    time.sleep(0.1)
    sim.bounce("GPIO17", True, 6, 3000)
    pb.run(timeout=timeout(1.0))
    sim.bounce("GPIO17", False, 6, 3000)
    time.sleep(0.6)
    sim.bounce("GPIO17", True, 6, 3000)
    deadline = time.monotonic() + timeout(5)
    while len(got) < 6 and time.monotonic() < deadline:
        pb.run(timeout=0.1)
    for s in subs:
        s.remove()
    assert [g[0] for g in got] == ["pressed", "released", "clicked", "pressed", "held", "released"], got
    assert got[0][1] > before
    assert got[2] == ("clicked", 1)
    assert got[4][2] == 0 and got[4][1] - got[3][1] == 300_000_000
    assert isinstance(got[5][2], float) and 0.5 < got[5][2] < 0.6 + timeout(0.3)
    assert b.press_count == 2


def test_cli_info(cli):
    out = cli("info").stdout.splitlines()
    i = out.index("buttons:")
    assert out[i + 1:] == ["  doorbell GPIO17 released (kernel debounce)",
                           "  ghost (no line) released (none debounce)",
                           "sensors: none"], out


def test_cli_button(cli, pb, sim):
    proc = cli.popen("button", "doorbell")
    # Wait until its subscriptions are in place: its connection then shows up on the bus.
    time.sleep(timeout(1.0))
    sim.bounce("GPIO17", False, 6, 3000)
    time.sleep(0.1)
    sim.bounce("GPIO17", True, 6, 3000)
    wait_for(lambda: pb.button("doorbell").press_count == 1, what="the press")
    time.sleep(timeout(0.6))  # the click window
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=timeout(10))
    assert proc.returncode == 0, err
    lines = out.splitlines()
    assert len(lines) == 3, out
    assert re.fullmatch(r"\d+\.\d{9} pressed", lines[0])
    m = re.fullmatch(r"\d+\.\d{9} released (\d+\.\d{6})", lines[1])
    assert m and 0.09 < float(m.group(1)) < 0.1 + timeout(0.2), lines[1]
    assert lines[2] == "clicked 1"


def test_cli_button_unknown(cli):
    r = cli("button", "nope", check_status=1)
    assert "nope" in r.stderr
