# SPDX-License-Identifier: LGPL-2.1-or-later
"""io.pinbus1.Button: configured buttons driven through Simulator.Bounce and SetInput.

Most scenarios run on both debounce placements: the kernel's (the simulated
chip debounces, as gpiolib-cdev does), the daemon's (debouncer = daemon), and
the automatic fallback when the chip refuses the debounce period
(--simulate-no-kernel-debounce). They must give the same events.
"""

import re
import subprocess
import time

import dbus
import pytest

from pbharness import scaled
from pbharness.bus import pinbusd_command
from pbharness.client import dbus_error, native, settle, wait_until
from pbharness.names import BUTTON, E_LINE_BUSY, LINE, ROOT, button_path, line_path

DOORBELL = """[button doorbell]
line = GPIO17
bias = pull-up
active-low = yes
debounce = 20ms
hold-time = 1s
"""

# name -> (extra config lines, extra pinbusd args, expected Debouncer)
PLACEMENTS = {
    "kernel": ("", [], "kernel"),
    "daemon": ("debouncer = daemon\n", [], "daemon"),
    "fallback": ("", ["--simulate-no-kernel-debounce"], "daemon"),
}


def start(pinbus, config, args=()):
    pinbus.daemon.args += list(args)
    pinbus.daemon.write_config(config)
    pinbus.daemon.start()


def start_placement(pinbus, placement, config=DOORBELL):
    extra, args, debouncer = PLACEMENTS[placement]
    start(pinbus, config + extra, args)
    assert pinbus.bus.get(button_path("doorbell"), BUTTON, "Debouncer") == debouncer


def button_recorder(pinbus, name="doorbell"):
    rec = pinbus.recorder()
    rec.watch(BUTTON, path=button_path(name))
    return rec


def events(rec, name="doorbell"):
    """[(member, args...)] of the button's signals, in order."""
    return [(s.member,) + tuple(native(a) for a in s.args)
            for s in rec.signals if s.interface == BUTTON and s.path == button_path(name)]


def members(rec, name="doorbell"):
    return [e[0] for e in events(rec, name)]


def prop(pinbus, name, p):
    return native(pinbus.bus.get(button_path(name), BUTTON, p))


MS = 1_000_000  # ns


@pytest.mark.pinbusd(start=False)
@pytest.mark.parametrize("placement", PLACEMENTS)
def test_doorbell_hold(pinbus, placement):
    """The issue's done-when: bounce down, 1.5 s later bounce up: one Pressed, one Held, one Released."""
    start_placement(pinbus, placement)
    c = pinbus.bus
    rec = button_recorder(pinbus)
    assert prop(pinbus, "doorbell", "Pressed") is False
    # 13 changes over 5 ms (12, plus one for the parity) each way: the last at 5 ms and 1.505 s.
    t0 = c.schedule("GPIO17", [(0, False, 12, 5000), (1_500_000, True, 12, 5000)])
    wait_until(lambda: "Released" in members(rec), 5, "Released")
    settle(0.6)  # the click window: a held press is no click
    ev = events(rec)
    assert [e[0] for e in ev] == ["Pressed", "Held", "Released"], ev
    # Stamped on the daemon's clock, exactly: 20 ms of debounce period after each last bounce.
    assert ev[0] == ("Pressed", t0 + 25 * MS), (ev[0][1] - t0)
    assert ev[1] == ("Held", t0 + 1025 * MS, 0)
    assert ev[2] == ("Released", t0 + 1525 * MS, 1_500_000)
    assert prop(pinbus, "doorbell", "Pressed") is False
    assert prop(pinbus, "doorbell", "Held") is False
    assert prop(pinbus, "doorbell", "PressCount") == 1


def pinbus_scale():
    return scaled(1)


def clicks(at_us, n, hold_us=80_000, gap_us=120_000):
    """A Schedule script of n clicks from at_us: 7 changes over 3 ms down (pressed), hold_us later 7
    up, gap_us later the next; each level counts 3 ms + the debounce period after its bounce starts."""
    script = []
    for _ in range(n):
        script += [(at_us, False, 6, 3000), (at_us + hold_us, True, 6, 3000)]
        at_us += hold_us + gap_us
    return script


@pytest.mark.pinbusd(start=False)
@pytest.mark.parametrize("placement", PLACEMENTS)
def test_double_click(pinbus, placement):
    start_placement(pinbus, placement, DOORBELL + "click-window = 600ms\n")
    c = pinbus.bus
    rec = button_recorder(pinbus)
    t0 = c.schedule("GPIO17", clicks(0, 2))
    wait_until(lambda: "Clicked" in members(rec), 5, "Clicked")
    settle(0.8)
    ev = events(rec)
    assert ev == [("Pressed", t0 + 23 * MS), ("Released", t0 + 103 * MS, 80_000),
                  ("Pressed", t0 + 223 * MS), ("Released", t0 + 303 * MS, 80_000),
                  ("Clicked", 2)], [(e[0], e[1] - t0) + e[2:] for e in ev]


@pytest.mark.pinbusd(start=False)
@pytest.mark.parametrize("placement", PLACEMENTS)
def test_glitch_yields_nothing(pinbus, placement):
    start_placement(pinbus, placement)
    c = pinbus.bus
    rec = button_recorder(pinbus)
    # From high: low at 5 ms, high again at 10 ms: a 5 ms glitch.
    c.bounce("GPIO17", True, 2, 10000)
    settle(0.7)
    assert events(rec) == []
    assert prop(pinbus, "doorbell", "PressCount") == 0
    # It did reach the debouncer: two edges on the daemon's side, none or two on the kernel's.
    assert prop(pinbus, "doorbell", "Edges") == (0 if placement == "kernel" else 2)


@pytest.mark.pinbusd(start=False)
def test_both_placements_same_events(pinbus):
    """Two buttons, one per placement, given the same bounces, report the same events."""
    start(pinbus, """[button k]
line = GPIO17
debounce = 20ms
hold-time = 400ms
click-window = 500ms
debouncer = kernel
[button d]
line = GPIO18
debounce = 20ms
hold-time = 400ms
click-window = 500ms
debouncer = daemon
""")
    c = pinbus.bus
    rk, rd = button_recorder(pinbus, "k"), button_recorder(pinbus, "d")
    script = [(0, True, 12, 5000), (600_000, False, 12, 5000),              # a hold
              (900_000, False, 2, 8000),                                   # a 4 ms glitch high (ends low)
              (1_200_000, True, 5, 3000), (1_300_000, False, 9, 9000),     # a click
              (1_400_000, True, 3, 2000), (1_500_000, False, 3, 2000)]     # another: a double click
    c.schedule(["GPIO17", "GPIO18"], script)
    wait_until(lambda: ("Clicked", 2) in events(rk, "k") and ("Clicked", 2) in events(rd, "d"), 5,
               "the double click on both")
    settle(0.3)
    ek, ed = events(rk, "k"), events(rd, "d")
    assert [e[0] for e in ek] == ["Pressed", "Held", "Released", "Pressed", "Released", "Pressed",
                                  "Released", "Clicked"], ek
    # One script on both lines, so the very same times: the kernel's debounce (as the simulator
    # does it) and the daemon's give identical events.
    assert ed == ek, (ek, ed)
    assert prop(pinbus, "k", "Debouncer") == "kernel"
    assert prop(pinbus, "d", "Debouncer") == "daemon"
    assert prop(pinbus, "k", "PressCount") == prop(pinbus, "d", "PressCount") == 3


@pytest.mark.pinbusd(start=False)
def test_hold_repeat(pinbus):
    start(pinbus, DOORBELL + "hold-repeat = 200ms\n")
    c = pinbus.bus
    rec = button_recorder(pinbus)
    # Pressed at 2 + 20 ms, Held at 1022, 1222, 1422 ms, released at 1552 + 20 ms.
    t0 = c.schedule("GPIO17", [(0, False, 4, 2000), (1_550_000, True, 4, 2000)])
    wait_until(lambda: "Released" in members(rec), 5, "Released")
    ev = events(rec)
    held = [e for e in ev if e[0] == "Held"]
    assert [e[0] for e in ev] == ["Pressed"] + ["Held"] * len(held) + ["Released"], ev
    assert ev[0] == ("Pressed", t0 + 22 * MS)
    assert ev[-1] == ("Released", t0 + 1572 * MS, 1_550_000)
    # A daemon woken late coalesces repeats into the latest one due (a gap in the numbers shows it);
    # on time it sends all three. Either way each carries its own scheduled time, and the last is #2.
    numbers = [e[2] for e in held]
    assert numbers == sorted(set(numbers)) and numbers[0] == 0 and numbers[-1] == 2, held
    for e in held:
        assert e[1] == t0 + 1022 * MS + 200 * MS * e[2], (e, t0)
    assert prop(pinbus, "doorbell", "HoldRepeat") is True
    assert prop(pinbus, "doorbell", "HoldRepeatUs") == 200_000


@pytest.mark.pinbusd(config=DOORBELL + "click-window = 300ms\n")
def test_properties(pinbus):
    c = pinbus.bus
    path = button_path("doorbell")
    assert native(c.manager("Buttons")) == [path]
    props = c.get_all(path, BUTTON)
    assert native(props) == {
        "Name": "doorbell",
        "Line": line_path("GPIO17"),
        "Pressed": False,
        "Held": False,
        "PressCount": 0,
        "DebounceUs": 20000,
        "Debouncer": "kernel",
        "HoldTimeUs": 1_000_000,
        "HoldRepeat": False,
        "HoldRepeatUs": 0,
        "ClickWindowUs": 300_000,
        "Edges": 0,
        "DroppedEdges": 0,
        "Storms": 0,
        "CoalescedPresses": 0,
        "TimerWakeups": 0,
    }
    assert isinstance(props["PressCount"], dbus.UInt64)
    # The line is held by the daemon for the button, with the kernel's debounce and pull-up.
    lp = native(c.line_props("GPIO17"))
    assert lp["Used"] is True and lp["Consumer"] == "pinbusd" and lp["Owner"] == ""
    assert lp["Edge"] == "both" and lp["Bias"] == "pull-up" and lp["ActiveLow"] is True
    assert lp["DebounceUs"] == 20000
    assert lp["Value"] is False  # pulled up, active-low: not pressed
    xml = c.introspect(path)
    for member in ("Pressed", "Released", "Held", "Clicked", "Debouncer", "DroppedEdges", "TimerWakeups"):
        assert f'name="{member}"' in xml, member
    # Counters are read, never signalled.
    assert re.search(r'name="Edges"[^>]*>\s*<annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal"'
                     r' value="false"', xml), xml
    objects = c.call(ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")
    assert BUTTON in objects[dbus.ObjectPath(path)]


@pytest.mark.pinbusd(config=DOORBELL)
def test_properties_changes_and_line_value(pinbus):
    c = pinbus.bus
    rec = pinbus.recorder()
    rec.watch_properties(button_path("doorbell"))
    rec.watch_properties(line_path("GPIO17"))
    rec.watch(LINE, "Edge")
    c.bounce("GPIO17", False, 12, 5000)
    wait_until(lambda: rec.values(button_path("doorbell"), BUTTON, "Pressed") == [True], 5, "Pressed change")
    c.bounce("GPIO17", True, 12, 5000)
    wait_until(lambda: rec.values(button_path("doorbell"), BUTTON, "Pressed") == [True, False], 5,
               "Pressed back to false")
    rec.sync()
    assert rec.values(button_path("doorbell"), BUTTON, "PressCount") == [1]
    # The line's Value follows the debounced state, and a button's line sends no Edge signals.
    assert rec.values(line_path("GPIO17"), LINE, "Value") == [True, False]
    assert rec.of("Edge") == []


@pytest.mark.pinbusd(config=DOORBELL)
def test_line_is_busy(pinbus):
    c = pinbus.bus
    with dbus_error(E_LINE_BUSY, "GPIO17", "button 'doorbell'"):
        c.claim("GPIO17", {"direction": "input"})
    with dbus_error(E_LINE_BUSY, "GPIO17", "button 'doorbell'"):
        c.line_set("GPIO17", True)
    with dbus_error(E_LINE_BUSY, "GPIO17", "button 'doorbell'"):
        c.release("GPIO17")
    # Reading is fine.
    assert c.line_get("GPIO17") is False


@pytest.mark.pinbusd(config=DOORBELL + "debouncer = daemon\n")
def test_idle_button_costs_no_wakeups(pinbus):
    c = pinbus.bus
    rec = button_recorder(pinbus)
    settle(0.5)
    assert prop(pinbus, "doorbell", "TimerWakeups") == 0
    c.schedule("GPIO17", clicks(0, 1))
    wait_until(lambda: "Clicked" in members(rec), 5, "Clicked")
    # Debounce of the press and of the release, and the click window: a few wakeups, then none.
    # (At most one per deadline; fewer when the daemon runs late, as under valgrind on a busy
    # machine, and one wakeup finds several deadlines due.)
    n = prop(pinbus, "doorbell", "TimerWakeups")
    assert 1 <= n <= 10, n
    settle(1.0)
    assert prop(pinbus, "doorbell", "TimerWakeups") == n


@pytest.mark.pinbusd(config=DOORBELL + "debouncer = daemon\n")
def test_storm(pinbus):
    """10 kHz bouncing for 3 s: no bus traffic, bounded work, one log line, the press still counts."""
    c = pinbus.bus
    rec = button_recorder(pinbus)
    rec.watch_properties(button_path("doorbell"))
    other = pinbus.client()
    # The storm ends low (pressed) at 3 s; the release comes 300 ms later, cleanly: a click.
    t0 = c.schedule("GPIO17", [(0, False, 30000, 3_000_000), (3_300_000, True, 0, 0)])
    storm_end = t0 + 3000 * MS
    # Another client is served during the storm (its latency is a figure, not an assertion: it
    # depends on this host's load).
    latencies = []
    deadline = time.monotonic() + 2.5
    while time.monotonic() < deadline:
        t = time.monotonic()
        assert native(other.line("GPIO4", "Used")) is False
        latencies.append(time.monotonic() - t)
        time.sleep(0.05)
    wait_until(lambda: "Clicked" in members(rec), 10, "Clicked after the storm")
    settle(0.2)
    # Nothing reached the bus while the line bounced, even when the daemon was too slow to read
    # every edge (DroppedEdges): judged on the daemon's own stamps, the press counts exactly one
    # debounce period after the storm's last edge, the release likewise after the clean edge.
    ev = events(rec)
    assert ev == [("Pressed", storm_end + 20 * MS), ("Released", t0 + 3320 * MS, 300_000), ("Clicked", 1)], \
        [(e[0], e[1] - t0) + e[2:] if len(e) > 2 or e[0] != "Clicked" else e for e in ev]
    assert rec.values(button_path("doorbell"), BUTTON, "Pressed") == [True, False]
    edges, dropped, storms = (prop(pinbus, "doorbell", p) for p in ("Edges", "DroppedEdges", "Storms"))
    log = pinbus.daemon.log_text()
    print(f"storm: {edges} edges ({dropped} lost in the buffer), {storms} storm(s); other client's "
          f"Get: max {max(latencies) * 1000:.1f} ms, median {sorted(latencies)[len(latencies) // 2] * 1000:.1f}"
          f" ms over {len(latencies)} calls")
    assert edges >= 30000, edges  # seqnos count the lost ones too
    assert storms == 1
    assert len(re.findall(r"edge storm on line GPIO17", log)) == 1, log[-3000:]


@pytest.mark.pinbusd(config=DOORBELL.replace("debounce = 20ms", "debounce = 0") + "click-window = 0\n")
def test_rate_limit_keeps_pairs(pinbus):
    """No debounce and a fast square wave: presses beyond the limit are coalesced, pairs stay whole."""
    c = pinbus.bus
    rec = button_recorder(pinbus)
    assert prop(pinbus, "doorbell", "Debouncer") == "none"
    # 399 transitions over 1 s from high, ending low (pressed): 200 presses at 200 Hz, then released.
    c.schedule("GPIO17", [(0, False, 399, 1_000_000), (1_300_000, True, 0, 0)])
    wait_until(lambda: prop(pinbus, "doorbell", "PressCount") > 0 and prop(pinbus, "doorbell", "Pressed") is False
               and prop(pinbus, "doorbell", "Edges") >= 400, 10, "the wave and the release")
    rec.sync()
    ms = [m for m in members(rec) if m in ("Pressed", "Released")]
    assert ms == ["Pressed", "Released"] * (len(ms) // 2), ms
    coalesced = prop(pinbus, "doorbell", "CoalescedPresses")
    presses = prop(pinbus, "doorbell", "PressCount")
    dropped = prop(pinbus, "doorbell", "DroppedEdges")
    print(f"rate limit: {presses} presses, {len(ms) // 2} signalled, {coalesced} coalesced, {dropped} edges lost")
    # A daemon too slow to read every edge loses some in the buffer: each lost edge costs one press
    # at most.
    assert 200 - dropped <= presses <= 200, (presses, dropped)
    assert coalesced > 0
    assert len(ms) // 2 + coalesced >= presses - 1
    assert len(ms) // 2 <= 20 + 20 * 2 * pinbus_scale() + 2


def check_config(tmp_path, text):
    path = tmp_path / "pinbus.conf"
    path.write_text(text)
    p = subprocess.run(pinbusd_command() + ["--check-config", f"--config={path}"], capture_output=True,
                       text=True, timeout=scaled(30))
    return str(path), p


def test_check_config_buttons(tmp_path):
    path, p = check_config(tmp_path, DOORBELL + "hold-repeat = 250ms\nclick-window = 500ms\n")
    assert p.returncode == 0, p.stderr
    assert "1 button" in p.stdout
    path, p = check_config(tmp_path, "[button doorbell]\nline = GPIO17\ndebounce = 20\nhold-time = 2 days\n")
    assert p.returncode != 0
    assert f"{path}:3: invalid duration '20' for 'debounce'" in p.stderr, p.stderr
    assert f"{path}:4: invalid duration '2 days' for 'hold-time'" in p.stderr, p.stderr


def test_simulate_no_kernel_debounce_needs_simulate():
    p = subprocess.run(pinbusd_command() + ["--simulate-no-kernel-debounce", "--check-config"],
                       capture_output=True, text=True, timeout=scaled(30))
    assert p.returncode != 0
    assert "--simulate-no-kernel-debounce needs --simulate" in p.stderr


@pytest.mark.pinbusd(config=DOORBELL + "debouncer = kernel\n", args=["--simulate-no-kernel-debounce"])
def test_kernel_debouncer_required_but_refused(pinbus):
    """debouncer = kernel on a chip that refuses: the button has no line, and the log says why."""
    assert prop(pinbus, "doorbell", "Line") == "/"
    assert native(pinbus.bus.line("GPIO17", "Used")) is False
    log = pinbus.daemon.log_text()
    assert re.search(r"\[button doorbell\]: .*GPIO17", log), log[-2000:]


@pytest.mark.pinbusd(config="[button b]\nline = NOPE\n")
def test_missing_line(pinbus):
    assert prop(pinbus, "b", "Line") == "/"
    assert "No line named 'NOPE'" in pinbus.daemon.log_text()
