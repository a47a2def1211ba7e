# SPDX-License-Identifier: LGPL-2.1-or-later
"""Configured buttons through the pinbus API (Button and its callbacks) and the CLI."""

import re
import signal
import time

import pytest
from pbharness import scaled
from pbharness.client import poll_until

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


MS = 1_000_000  # ns


def test_callbacks(pb, sim):
    b = pb.button("doorbell")
    got = []
    subs = [b.on_pressed(lambda ts: got.append(("pressed", ts))),
            b.on_released(lambda ts, d: got.append(("released", ts, d))),
            b.on_held(lambda ts, n: got.append(("held", ts, n))),
            b.on_clicked(lambda n: got.append(("clicked", n)))]
    # A click (down 100 ms), then, after its click window, a hold (down 600 ms); each bounce is 7
    # changes over 3 ms, so each level counts 23 ms after its bounce starts.
    t0 = sim.schedule("GPIO17", [(0, False, 6, 3000), (100_000, True, 6, 3000),
                                 (1_000_000, False, 6, 3000), (1_600_000, True, 6, 3000)])
    deadline = time.monotonic() + scaled(10)
    while len(got) < 6 and time.monotonic() < deadline:
        pb.run(timeout=0.1)
    for s in subs:
        s.remove()
    # Times on the daemon's clock, as scripted.
    assert got == [("pressed", t0 + 23 * MS), ("released", t0 + 123 * MS, 0.1), ("clicked", 1),
                   ("pressed", t0 + 1023 * MS), ("held", t0 + 1323 * MS, 0), ("released", t0 + 1623 * MS, 0.6)], \
        [(g[0], g[1] - t0) + g[2:] if len(g) > 2 or g[0] == "pressed" else g for g in got]
    assert isinstance(got[5][2], float)
    assert b.press_count == 2


def test_cli_info(cli):
    out = cli("info").stdout.splitlines()
    i = out.index("buttons:")
    assert out[i + 1:] == ["  doorbell GPIO17 released (kernel debounce)",
                           "  ghost (no line) released (none debounce)",
                           "sensors: none"], out


def test_cli_button(cli, pb, sim):
    proc = cli.popen("button", "doorbell")
    # Its last subscription is to Clicked: once the bus has it, the command is listening.
    sim.wait_subscribed("Clicked", pb.button("doorbell").path)
    t0 = sim.schedule("GPIO17", [(0, False, 6, 3000), (100_000, True, 6, 3000)])
    poll_until(lambda: pb.button("doorbell").press_count == 1, what="the press")
    # Pressed at 23 ms, released at 123 ms, Clicked when the 300 ms window closes at 423 ms: the
    # three lines are printed as each comes.
    got = [proc.stdout.readline() for _ in range(3)]
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=scaled(10))
    assert proc.returncode == 0, err
    assert out == "", out
    stamp = lambda ns: f"{ns // 10**9}.{ns % 10**9:09d}"  # noqa: E731
    assert got == [f"{stamp(t0 + 23 * MS)} pressed\n", f"{stamp(t0 + 123 * MS)} released 0.100000\n",
                   "clicked 1\n"], (got, t0)


def test_cli_button_unknown(cli):
    r = cli("button", "nope", check_status=1)
    assert "nope" in r.stderr
