# SPDX-License-Identifier: LGPL-2.1-or-later
"""io.pinbus1.Simulator: SetInput, Bounce and Schedule, their errors, and its absence without --simulate."""

import glob
import time
import xml.etree.ElementTree as ET

import dbus
import pytest

from pbharness.client import dbus_error, settle, wait_until
from pbharness.names import E_INVALID_ARGS, E_NO_SUCH_LINE, LINE, MANAGER, ROOT, SIMULATOR, line_path

QUIET = 0.15


def edge_recorder(pinbus, name):
    pinbus.bus.claim(name, {"direction": "input", "edge": "both"})
    return pinbus.recorder().watch(LINE, "Edge", line_path(name))


def test_set_input_unknown_line(pinbus):
    with dbus_error(E_NO_SUCH_LINE, "NOPE"):
        pinbus.bus.set_input("NOPE", True)
    with dbus_error(E_NO_SUCH_LINE, "gpiochip0:999"):
        pinbus.bus.set_input("gpiochip0:999", True)


def test_set_input_bad_spec(pinbus):
    with dbus_error(E_INVALID_ARGS, ":3"):
        pinbus.bus.set_input(":3", True)
    with dbus_error(E_INVALID_ARGS):
        pinbus.bus.set_input("", True)


def test_bounce_unknown_line(pinbus):
    with dbus_error(E_NO_SUCH_LINE, "NOPE"):
        pinbus.bus.bounce("NOPE", True, 4, 1000)
    with dbus_error(E_NO_SUCH_LINE, "nochip"):
        pinbus.bus.bounce("nochip:1", True, 4, 1000)


def test_bounce_too_many_transitions(pinbus):
    with dbus_error(E_INVALID_ARGS, "GPIO17", "1000000"):
        pinbus.bus.bounce("GPIO17", True, 1000001, 5000)
    with dbus_error(E_INVALID_ARGS, "GPIO17"):
        pinbus.bus.bounce("GPIO17", True, dbus.UInt32(2**32 - 1), 5000)


def test_bounce_span_too_long(pinbus):
    with dbus_error(E_INVALID_ARGS, "GPIO17"):
        pinbus.bus.bounce("GPIO17", True, 4, 60 * 1000000 + 1)
    with dbus_error(E_INVALID_ARGS, "GPIO17"):
        pinbus.bus.bounce("GPIO17", True, 4, dbus.UInt64(2**64 - 1))


def test_bounce_limits_accepted(pinbus):
    # A clean change 60 s from now: the longest span is fine (the daemon stops before it happens).
    pinbus.bus.bounce("GPIO17", True, 0, 60 * 1000000)
    assert pinbus.bus.line_get("GPIO17") is False


def test_bounce_settles_at_final_level(pinbus):
    c = pinbus.bus
    c.set_input("GPIO17", True)
    assert c.line_get("GPIO17") is True
    c.bounce("GPIO17", False, 12, 5000)
    wait_until(lambda: c.line_get("GPIO17") is False, 2, "GPIO17 to settle low after the bounce")
    settle(0.05)  # fixed wait: the bounce is over (5 ms); the level must stay low
    assert c.line_get("GPIO17") is False


def test_bounce_final_edge_time(pinbus):
    c = pinbus.bus
    c.set_input("GPIO17", True)
    rec = edge_recorder(pinbus, "GPIO17")
    before = time.monotonic_ns()
    c.bounce("GPIO17", False, 12, 5000)
    after = time.monotonic_ns()
    wait_until(lambda: len(rec.edges("GPIO17")) >= 13, 5, "13 edges")
    settle(QUIET)  # fixed wait: no further edge may come
    edges = rec.edges("GPIO17")
    # 12 changes from high would end high: one is added to land low, the last at 5 ms.
    assert len(edges) == 13
    assert edges[-1][0] is False
    assert before + 5_000_000 <= edges[-1][1] <= after + 5_000_000


def test_bounce_parity_adds_a_transition(pinbus):
    c = pinbus.bus
    rec = edge_recorder(pinbus, "GPIO17")
    c.bounce("GPIO17", True, 4, 2000)  # 4 changes from low would end low: one more
    wait_until(lambda: len(rec.edges("GPIO17")) >= 5, 5, "5 edges")
    settle(QUIET)  # fixed wait: no further edge may come
    assert [v for v, _, _ in rec.edges("GPIO17")] == [True, False, True, False, True]


def test_bounce_with_right_parity_adds_nothing(pinbus):
    c = pinbus.bus
    rec = edge_recorder(pinbus, "GPIO17")
    c.bounce("GPIO17", True, 5, 2000)  # 5 changes from low end high
    wait_until(lambda: len(rec.edges("GPIO17")) >= 5, 5, "5 edges")
    settle(QUIET)  # fixed wait: no further edge may come
    assert [v for v, _, _ in rec.edges("GPIO17")] == [True, False, True, False, True]


def test_bounce_zero_transitions_is_clean_change(pinbus):
    c = pinbus.bus
    rec = edge_recorder(pinbus, "GPIO17")
    before = time.monotonic_ns()
    c.bounce("GPIO17", True, 0, 50000)
    after = time.monotonic_ns()
    value = c.line_get("GPIO17")
    if time.monotonic_ns() < before + 50_000_000:
        # Answered before the change was due (on a loaded host it may not be): still low.
        assert value is False, "the change comes after the span"
    wait_until(lambda: rec.edges("GPIO17"), 5, "the edge")
    settle(QUIET)  # fixed wait: no further edge may come
    edges = rec.edges("GPIO17")
    assert len(edges) == 1
    assert edges[0][0] is True
    assert before + 50_000_000 <= edges[0][1] <= after + 50_000_000


@pytest.mark.parametrize("cancel", ["set_input", "bounce"])
def test_cancels_schedule(pinbus, cancel):
    """A clean change to high scheduled at t0 + 100 ms, cancelled by SetInput or Bounce to low."""
    c = pinbus.bus
    rec = edge_recorder(pinbus, "GPIO17")
    t0 = c.schedule("GPIO17", [(0, True, 0, 100000)])
    if cancel == "set_input":
        c.set_input("GPIO17", False)
    else:
        c.bounce("GPIO17", False, 0, 1000)  # same level as now: nothing changes
    settle(0.25)  # fixed wait past the cancelled change: it must not happen
    edges = rec.edges("GPIO17")
    # Nothing at all (cancelled in time), or, when this host was slow to send the cancel, the change
    # that was already due, stamped on time, and then the cancelling one after it.
    rising = (True, t0 + 100_000_000, 1)
    assert edges == [] or (len(edges) == 2 and edges[0] == rising and edges[1][:1] == (False,)
                           and edges[1][1] >= rising[1] and edges[1][2] == 2), (edges, t0)
    assert c.line_get("GPIO17") is False


def test_schedule_exact_times(pinbus):
    """Two lines, one script: every edge at its written time on the daemon's clock, on both."""
    c = pinbus.bus
    rec = edge_recorder(pinbus, "GPIO17")
    rec.watch(LINE, "Edge", line_path("GPIO18"))
    c.claim("GPIO18", {"direction": "input", "edge": "both"})
    t0 = c.schedule(["GPIO17", "GPIO18"], [(0, True, 0, 1000),           # up at 1 ms
                                           (2000, False, 3, 3000),       # 3 changes: 3, 4, 5 ms
                                           (10_000, False, 0, 1000),     # already low: nothing
                                           (20_000, True, 2, 2000)])     # 2 + 1 changes to end high
    assert t0 <= time.monotonic_ns()
    want = [(True, 1_000_000), (False, 3_000_000), (True, 4_000_000), (False, 5_000_000),
            (True, 20_666_666), (False, 21_333_333), (True, 22_000_000)]
    want = [(v, t0 + at, i + 1) for i, (v, at) in enumerate(want)]
    wait_until(lambda: len(rec.edges("GPIO17")) >= 7 and len(rec.edges("GPIO18")) >= 7, 5, "7 edges on each")
    settle(QUIET)  # fixed wait: no further edge may come
    assert rec.edges("GPIO17") == want
    assert rec.edges("GPIO18") == want
    assert c.line_get("GPIO17") is True


def test_schedule_errors(pinbus):
    c = pinbus.bus
    with dbus_error(E_NO_SUCH_LINE, "NOPE"):
        c.schedule(["GPIO17", "NOPE"], [(0, True, 0, 1000)])
    with dbus_error(E_INVALID_ARGS, "9 lines", "1 to 8"):
        c.schedule([f"GPIO{i}" for i in range(2, 11)], [(0, True, 0, 1000)])
    with dbus_error(E_INVALID_ARGS, "bounce 1 starts at 1999", "before bounce 0 ends (2000"):
        c.schedule("GPIO17", [(0, True, 0, 2000), (1999, False, 0, 0)])
    with dbus_error(E_INVALID_ARGS, "bounce 0 ends after 600000000"):
        c.schedule("GPIO17", [(599_999_990, True, 0, 11)])
    with dbus_error(E_INVALID_ARGS, "bounce 0 has 1000001 transitions"):
        c.schedule("GPIO17", [(0, True, 1_000_001, 1000)])
    with dbus_error(E_INVALID_ARGS, "more than 256 bounces"):
        c.schedule("GPIO17", [(i * 10, bool(i % 2), 0, 0) for i in range(257)])
    # None of them changed anything; an empty script is accepted and cancels.
    assert c.line_get("GPIO17") is False
    t0 = c.schedule("GPIO17", [(0, True, 0, 100_000)])
    c.schedule("GPIO17", [])
    cancelled = time.monotonic_ns()
    settle(0.2)  # fixed wait past the cancelled change
    if cancelled < t0 + 100_000_000:
        # The cancel was answered before the change was due (on a loaded host it may not be).
        assert c.line_get("GPIO17") is False


def test_set_input_does_not_move_push_pull_output(pinbus):
    c = pinbus.bus
    c.claim("GPIO18", {"direction": "output", "value": False})
    c.set_input("GPIO18", True)
    assert c.line_get("GPIO18") is False


def test_bias_sets_simulated_level(pinbus):
    c = pinbus.bus
    c.claim("GPIO17", {"direction": "input", "bias": "pull-up"})
    assert c.line_get("GPIO17") is True
    c.claim("GPIO17", {"direction": "input", "bias": "pull-down"})
    assert c.line_get("GPIO17") is False


@pytest.mark.pinbusd(simulate=False)
def test_no_simulator_without_simulate(pinbus):
    c = pinbus.bus
    assert c.manager("Backend") == "gpiod"
    if not glob.glob("/dev/gpiochip*"):
        assert list(c.manager("Chips")) == []
    root = ET.fromstring(c.introspect(ROOT))
    ifaces = {i.get("name") for i in root.findall("interface")}
    assert MANAGER in ifaces
    assert SIMULATOR not in ifaces
    with pytest.raises(dbus.exceptions.DBusException) as info:
        c.set_input("GPIO17", True)
    assert info.value.get_dbus_name() in ("org.freedesktop.DBus.Error.UnknownMethod",
                                          "org.freedesktop.DBus.Error.UnknownInterface",
                                          "org.freedesktop.DBus.Error.UnknownObject")


@pytest.mark.pinbusd(simulate=False)
def test_manager_without_chips(pinbus):
    c = pinbus.bus
    if glob.glob("/dev/gpiochip*"):
        pytest.skip("this machine has GPIO chips")
    assert c.manager("Version")
    assert list(c.manager("Outputs")) == []
    with dbus_error(E_NO_SUCH_LINE, "GPIO17"):
        c.find_line("GPIO17")
    with dbus_error(E_NO_SUCH_LINE, "gpiochip0"):
        c.claim("gpiochip0:1", {})
    objects = c.call(ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")
    assert not [p for p, i in objects.items() if LINE in i]


@pytest.mark.pinbusd(simulate=False, config="[output porch]\nline = GPIO27\n")
def test_output_without_chips(pinbus):
    c = pinbus.bus
    if glob.glob("/dev/gpiochip*"):
        pytest.skip("this machine has GPIO chips")
    assert c.get("/io/pinbus1/output/porch", "io.pinbus1.Output", "Line") == "/"
    with dbus_error(E_NO_SUCH_LINE, "porch"):
        c.output_call("porch", "Set", "b", True)
