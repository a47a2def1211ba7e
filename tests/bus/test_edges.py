# SPDX-License-Identifier: LGPL-2.1-or-later
"""Line.Edge signals driven by Simulator.SetInput and Bounce, with and without debouncing."""

import time

from pbharness.client import settle, wait_until
from pbharness.names import LINE, line_path

# After the last expected edge, how long to keep listening for unexpected ones (scaled).
QUIET = 0.15


def edge_recorder(pinbus, client, name):
    rec = pinbus.recorder(client)
    rec.watch(LINE, "Edge", line_path(name))
    rec.watch_properties(line_path(name))
    return rec


def wait_edges(rec, name, n, timeout=5):
    wait_until(lambda: len(rec.edges(name)) >= n, timeout, f"{n} Edge signal(s) on {name}")
    settle(QUIET)  # fixed wait: checks that no further Edge follows
    return rec.edges(name)


def test_edge_per_set_input(pinbus):
    # The done-when: a client that claimed GPIO22 with edge=both receives one
    # Edge per Simulator.SetInput change, with increasing seqno and timestamps.
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input", "edge": "both"})
    rec = edge_recorder(pinbus, c, "GPIO22")
    levels = [True, False, True, False, True]
    windows = []
    for i, level in enumerate(levels):
        before = time.monotonic_ns()
        c.set_input("GPIO22", level)
        windows.append((before, time.monotonic_ns()))
        # One Edge for this change before the next one.
        wait_until(lambda: len(rec.edges("GPIO22")) >= i + 1, 5, f"Edge #{i + 1} on GPIO22")
    edges = wait_edges(rec, "GPIO22", len(levels))
    assert len(edges) == len(levels), edges
    assert [v for v, _, _ in edges] == levels
    assert [s for _, _, s in edges] == [1, 2, 3, 4, 5]
    stamps = [t for _, t, _ in edges]
    assert all(a < b for a, b in zip(stamps, stamps[1:])), stamps
    # CLOCK_MONOTONIC nanoseconds, taken while SetInput ran.
    for (before, after), ts in zip(windows, stamps):
        assert before <= ts <= after, (before, ts, after)


def test_edge_signal_types(pinbus):
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input", "edge": "both"})
    rec = edge_recorder(pinbus, c, "GPIO22")
    c.set_input("GPIO22", True)
    wait_until(lambda: rec.of("Edge"), 5, "an Edge signal")
    sig = rec.of("Edge")[0]
    assert sig.interface == LINE
    assert [type(a).__name__ for a in sig.args] == ["Boolean", "UInt64", "UInt32"]
    assert sig.sender == c.call("/org/freedesktop/DBus", "org.freedesktop.DBus", "GetNameOwner", "s",
                                "io.pinbus1", dest="org.freedesktop.DBus")


def test_no_edge_without_level_change(pinbus):
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input", "edge": "both"})
    rec = edge_recorder(pinbus, c, "GPIO22")
    c.set_input("GPIO22", False)  # already low
    c.set_input("GPIO22", True)
    c.set_input("GPIO22", True)
    c.set_input("GPIO22", True)
    edges = wait_edges(rec, "GPIO22", 1)
    assert [(v, s) for v, _, s in edges] == [(True, 1)]


def test_edge_rising_only(pinbus):
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input", "edge": "rising"})
    rec = edge_recorder(pinbus, c, "GPIO22")
    for level in (True, False, True, False):
        c.set_input("GPIO22", level)
    edges = wait_edges(rec, "GPIO22", 2)
    assert [(v, s) for v, _, s in edges] == [(True, 1), (True, 2)]


def test_edge_falling_only(pinbus):
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input", "edge": "falling"})
    rec = edge_recorder(pinbus, c, "GPIO22")
    for level in (True, False, True, False):
        c.set_input("GPIO22", level)
    edges = wait_edges(rec, "GPIO22", 2)
    assert [(v, s) for v, _, s in edges] == [(False, 1), (False, 2)]


def test_edge_active_low_inverts(pinbus):
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input", "edge": "both", "active-low": True})
    rec = edge_recorder(pinbus, c, "GPIO22")
    for level in (True, False, True):
        c.set_input("GPIO22", level)
    edges = wait_edges(rec, "GPIO22", 3)
    assert [(v, s) for v, _, s in edges] == [(False, 1), (True, 2), (False, 3)]


def test_edge_active_low_falling_is_physical_rise(pinbus):
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input", "edge": "falling", "active-low": True})
    rec = edge_recorder(pinbus, c, "GPIO22")
    c.set_input("GPIO22", True)   # physical rise = logical fall: reported
    c.set_input("GPIO22", False)  # logical rise: not reported
    edges = wait_edges(rec, "GPIO22", 1)
    assert [(v, s) for v, _, s in edges] == [(False, 1)]


def test_bounce_without_debounce_gives_every_edge(pinbus):
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input", "edge": "both"})
    rec = edge_recorder(pinbus, c, "GPIO22")
    # 12 transitions from low cannot end high: the simulator adds one, 13 in all.
    c.bounce("GPIO22", True, 12, 5000)
    edges = wait_edges(rec, "GPIO22", 13)
    assert len(edges) == 13, edges
    assert [s for _, _, s in edges] == list(range(1, 14))
    assert [v for v, _, _ in edges] == [k % 2 == 0 for k in range(13)]
    # Evenly spread over 5 ms: the k-th of 13 at 5 ms * k / 13 (simulated timestamps).
    stamps = [t for _, t, _ in edges]
    start = stamps[-1] - 5_000_000
    for k, ts in enumerate(stamps, 1):
        assert abs(ts - (start + 5_000_000 * k // 13)) <= 1, (k, ts - start)


def test_debounce_bounce_gives_one_edge(pinbus):
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input", "edge": "both", "debounce-us": 20000})
    rec = edge_recorder(pinbus, c, "GPIO22")
    before = time.monotonic_ns()
    c.bounce("GPIO22", True, 12, 5000)
    after = time.monotonic_ns()
    edges = wait_edges(rec, "GPIO22", 1)
    assert len(edges) == 1, edges
    value, ts, seqno = edges[0]
    assert value is True
    assert seqno == 1
    # The change counts once the level has been stable for 20 ms after the last bounce at 5 ms.
    assert before + 25_000_000 <= ts <= after + 25_000_000, (ts - before, ts - after)
    assert c.line_get("GPIO22") is True


def test_debounce_bounce_back_and_forth(pinbus):
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input", "edge": "both", "debounce-us": 20000})
    rec = edge_recorder(pinbus, c, "GPIO22")
    c.bounce("GPIO22", True, 12, 5000)
    wait_edges(rec, "GPIO22", 1)
    c.bounce("GPIO22", False, 9, 3000)
    edges = wait_edges(rec, "GPIO22", 2)
    assert [(v, s) for v, _, s in edges] == [(True, 1), (False, 2)]


def test_debounce_glitch_gives_no_edge(pinbus):
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input", "edge": "both", "debounce-us": 20000})
    rec = edge_recorder(pinbus, c, "GPIO22")
    # High for 2.5 ms, back low at 5 ms: shorter than the 20 ms debounce period.
    c.bounce("GPIO22", False, 2, 5000)
    settle(0.1)  # fixed wait (> 5 ms + 20 ms debounce): no Edge may come
    rec.sync()
    assert rec.edges("GPIO22") == []
    assert c.line_get("GPIO22") is False


def test_debounce_reads_debounced_value(pinbus):
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input", "edge": "both", "debounce-us": 200000})
    rec = edge_recorder(pinbus, c, "GPIO22")
    c.set_input("GPIO22", True)
    # Within the 200 ms debounce period the change has not counted yet.
    assert c.line_get("GPIO22") is False
    wait_edges(rec, "GPIO22", 1, timeout=5)
    assert c.line_get("GPIO22") is True


def test_value_property_follows_edges(pinbus):
    c = pinbus.bus
    path = line_path("GPIO22")
    c.claim("GPIO22", {"direction": "input", "edge": "both"})
    rec = edge_recorder(pinbus, c, "GPIO22")
    for i, level in enumerate((True, False, True)):
        c.set_input("GPIO22", level)
        # One at a time (bursts: test_value_changes_match_bounce_edges).
        wait_until(lambda: len(rec.edges("GPIO22")) > i, 5, f"Edge #{i + 1}")
    wait_edges(rec, "GPIO22", 3)
    rec.sync()
    assert rec.values(path, LINE, "Value") == [True, False, True]
    assert c.line("GPIO22", "Value")


def test_value_changes_match_bounce_edges(pinbus):
    """Each Edge's Value change carries that edge's value, even when edges come in a burst."""
    c = pinbus.bus
    path = line_path("GPIO22")
    c.claim("GPIO22", {"direction": "input", "edge": "both"})
    rec = edge_recorder(pinbus, c, "GPIO22")
    # 13 changes within 50 µs: the daemon gets them all in one read.
    c.bounce("GPIO22", True, 12, 50)
    edges = wait_edges(rec, "GPIO22", 13)
    assert [v for v, _, _ in edges] == [k % 2 == 0 for k in range(13)]
    rec.sync()
    values = rec.values(path, LINE, "Value")
    assert values == [v for v, _, _ in edges]
    # A change signal that repeats the previous value is no change.
    assert all(a != b for a, b in zip(values, values[1:])), values


def test_no_edge_without_edge_detection(pinbus):
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input"})
    rec = edge_recorder(pinbus, c, "GPIO22")
    c.set_input("GPIO22", True)
    c.set_input("GPIO22", False)
    settle(QUIET)  # fixed wait: no Edge may come
    rec.sync()
    assert rec.edges("GPIO22") == []


def test_no_edge_on_free_line(pinbus):
    c = pinbus.bus
    rec = edge_recorder(pinbus, c, "GPIO22")
    c.set_input("GPIO22", True)
    c.set_input("GPIO22", False)
    settle(QUIET)  # fixed wait: no Edge may come
    rec.sync()
    assert rec.edges("GPIO22") == []


def test_no_edge_after_release(pinbus):
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input", "edge": "both"})
    rec = edge_recorder(pinbus, c, "GPIO22")
    c.set_input("GPIO22", True)
    wait_edges(rec, "GPIO22", 1)
    c.release("GPIO22")
    c.set_input("GPIO22", False)
    settle(QUIET)  # fixed wait: no Edge may come
    rec.sync()
    assert len(rec.edges("GPIO22")) == 1


def test_new_claim_restarts_seqno(pinbus):
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input", "edge": "both"})
    rec = edge_recorder(pinbus, c, "GPIO22")
    c.set_input("GPIO22", True)
    wait_edges(rec, "GPIO22", 1)
    c.release("GPIO22")
    c.claim("GPIO22", {"direction": "input", "edge": "both"})
    c.set_input("GPIO22", False)
    edges = wait_edges(rec, "GPIO22", 2)
    assert [(v, s) for v, _, s in edges] == [(True, 1), (False, 1)]


def test_edges_on_two_lines_are_separate(pinbus):
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input", "edge": "both"})
    c.claim("GPIO23", {"direction": "input", "edge": "both"})
    rec = edge_recorder(pinbus, c, "GPIO22")
    rec.watch(LINE, "Edge", line_path("GPIO23"))
    c.set_input("GPIO22", True)
    c.set_input("GPIO23", True)
    c.set_input("GPIO23", False)
    wait_until(lambda: len(rec.edges("GPIO22")) >= 1 and len(rec.edges("GPIO23")) >= 2, 5, "edges")
    settle(QUIET)  # fixed wait: no further Edge may come
    assert [(v, s) for v, _, s in rec.edges("GPIO22")] == [(True, 1)]
    assert [(v, s) for v, _, s in rec.edges("GPIO23")] == [(True, 1), (False, 2)]


def test_other_clients_see_edges(pinbus):
    owner, watcher = pinbus.client(), pinbus.client()
    owner.claim("GPIO22", {"direction": "input", "edge": "both"})
    rec = edge_recorder(pinbus, watcher, "GPIO22")
    owner.set_input("GPIO22", True)
    edges = wait_edges(rec, "GPIO22", 1)
    assert [(v, s) for v, _, s in edges] == [(True, 1)]
