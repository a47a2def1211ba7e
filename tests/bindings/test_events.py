# SPDX-License-Identifier: LGPL-2.1-or-later
"""Event-driven use of the pinbus API: Line.on_edge, Subscription, Pinbus.run/stop."""

import os
import signal
import time

import pytest
from pbharness import scaled
from gi.repository import GLib

import pinbus


def collect_edges(pb, line, n):
    """Subscribes to line's edges; run() stops after n of them."""
    edges = []

    def on_edge(value, timestamp_ns, seqno):
        edges.append((value, timestamp_ns, seqno))
        if len(edges) >= n:
            pb.stop()

    return edges, line.on_edge(on_edge)


def test_on_edge_both(pb, sim):
    line = pb.line("GPIO17")
    edges, sub = collect_edges(pb, line, 3)
    assert isinstance(sub, pinbus.Subscription) and sub.active
    pb.claim(line, edge="both")
    sim.set_input("GPIO17", True)
    sim.set_input("GPIO17", False)
    sim.set_input("GPIO17", True)
    assert pb.run(timeout=scaled(5)) is True, f"only got {edges}"
    assert [v for v, _, _ in edges] == [True, False, True]
    for value, ts, seqno in edges:
        assert type(value) is bool and type(ts) is int and type(seqno) is int
    seqnos = [s for _, _, s in edges]
    assert seqnos == list(range(seqnos[0], seqnos[0] + 3))
    stamps = [t for _, t, _ in edges]
    assert stamps == sorted(stamps)
    # CLOCK_MONOTONIC nanoseconds, as the kernel stamps them.
    assert abs(stamps[-1] - time.clock_gettime_ns(time.CLOCK_MONOTONIC)) < scaled(5) * 1e9
    sub.remove()
    assert not sub.active
    sub.remove()  # again: nothing


def test_on_edge_rising_active_low(pb, sim):
    line = pb.line("GPIO22")
    edges, sub = collect_edges(pb, line, 2)
    pb.claim("GPIO22", edge="rising", active_low=True)
    # Active-low: the physical falls are the logical rises.
    for level in (True, False, True, False):
        sim.set_input("GPIO22", level)
    assert pb.run(timeout=scaled(5)) is True
    pb.run(timeout=0.1)
    assert [v for v, _, _ in edges] == [True, True]
    sub.remove()


def test_on_edge_debounced(pb, sim):
    line = pb.line("GPIO23")
    edges, sub = collect_edges(pb, line, 1)
    pb.claim(line, edge="both", debounce_us=10_000)
    sim.bounce("GPIO23", True, 20, 5000)  # 20 changes within 5 ms, then stable
    assert pb.run(timeout=scaled(5)) is True
    pb.run(timeout=scaled(0.1))
    assert [v for v, _, _ in edges] == [True]
    sub.remove()


def test_subscription_remove_stops_callbacks(pb, sim):
    line = pb.line("GPIO17")
    calls = []
    with line.on_edge(lambda *a: calls.append(a)) as sub:
        pb.claim(line, edge="both")
        sim.set_input("GPIO17", True)
        deadline = time.monotonic() + scaled(5)
        while not calls and time.monotonic() < deadline:
            pb.run(timeout=0.05)
    assert not sub.active
    assert len(calls) == 1
    sim.set_input("GPIO17", False)
    pb.run(timeout=scaled(0.3))
    assert len(calls) == 1


def test_several_subscribers(pb, other, sim):
    line = pb.line("GPIO17")
    mine, sub = collect_edges(pb, line, 1)
    theirs = []
    other_sub = other.line("GPIO17").on_edge(lambda *a: theirs.append(a))
    pb.claim(line, edge="both")
    sim.set_input("GPIO17", True)
    assert pb.run(timeout=scaled(5)) is True
    # Signals go to every subscriber; another client sees them once its loop runs.
    deadline = time.monotonic() + scaled(5)
    while not theirs and time.monotonic() < deadline:
        other.run(timeout=0.05)
    assert theirs == mine
    sub.remove()
    other_sub.remove()


def test_run_timeout(pb):
    start = time.monotonic()
    assert pb.run(timeout=0.1) is False
    assert 0.09 <= time.monotonic() - start < scaled(5)


def test_stop_before_run_returns_at_once(pb):
    pb.stop()
    start = time.monotonic()
    assert pb.run(timeout=scaled(5)) is True
    # Returned at once, not after the 5 s it would otherwise wait; 1 s is slack for a loaded host.
    assert time.monotonic() - start < scaled(1)
    # Only once: the next run waits again.
    assert pb.run(timeout=0.05) is False


def test_stop_from_a_signal_handler(pb):
    old = signal.signal(signal.SIGUSR1, lambda *_: pb.stop())
    try:
        GLib.timeout_add(50, lambda: os.kill(os.getpid(), signal.SIGUSR1) and False)
        start = time.monotonic()
        assert pb.run(timeout=scaled(5)) is True
        # Stopped by the handler 50 ms in, not by the 5 s timeout: the rest is slack for a loaded host.
        assert time.monotonic() - start < scaled(4)
    finally:
        signal.signal(signal.SIGUSR1, old)


def test_callback_exception_ends_run(pb, sim):
    line = pb.line("GPIO17")

    def boom(value, ts, seqno):
        raise RuntimeError(f"boom on {value}")

    sub = line.on_edge(boom)
    pb.claim(line, edge="both")
    sim.set_input("GPIO17", True)
    with pytest.raises(RuntimeError, match="boom on True"):
        pb.run(timeout=scaled(5))
    sub.remove()
    # The loop is usable afterwards.
    assert pb.run(timeout=0.05) is False

