# SPDX-License-Identifier: LGPL-2.1-or-later
"""Line.Pulse and Line.Blink: timing within tolerance, stopping, and argument errors.

Times are measured from the arrival of the Value PropertiesChanged signals.
Tolerance: max(60 ms, 30 %) of the expected interval, times the timeout scale.
This is the one place the bus tests measure host time, because a driven output
has no event stamped by the daemon. The bound is justified: the error is the
difference of two wakeup latencies (pinbusd's timer, then this process's read
of the signal), and on a 2-core machine fully loaded by `stress-ng --cpu 2` the
scheduler gives a woken task the CPU within a few ms (CFS wakeup preemption;
its slices are 3-24 ms), far inside 60 ms. Valgrind and ASan stretch it by the
scale, as they stretch everything else.
"""

import dbus

from pbharness import SCALE
from pbharness.client import dbus_error, settle, wait_until
from pbharness.names import E_INVALID_ARGS, LINE, line_path


def tolerance(expected):
    return max(0.060, 0.3 * expected) * SCALE


def assert_interval(actual, expected, what):
    assert abs(actual - expected) <= tolerance(expected), \
        f"{what}: {actual * 1000:.1f} ms, expected {expected * 1000:.0f} ms ± {tolerance(expected) * 1000:.0f} ms"


def value_recorder(pinbus, name):
    rec = pinbus.recorder()
    rec.watch_properties(line_path(name))
    return rec


def changes(rec, name):
    return rec.changes(line_path(name), LINE, "Value")


def wait_changes(rec, name, n, timeout=5):
    wait_until(lambda: len(changes(rec, name)) >= n, timeout, f"{n} Value change(s) of {name}")
    return changes(rec, name)


def test_pulse_timing(pinbus):
    c = pinbus.bus
    rec = value_recorder(pinbus, "GPIO27")
    c.line_pulse("GPIO27", True, 200000)
    got = wait_changes(rec, "GPIO27", 2)
    settle(0.1)  # fixed wait: the pulse is over, no further change may come
    got = changes(rec, "GPIO27")
    assert [bool(v) for v, _ in got] == [True, False]
    assert_interval(got[1][1] - got[0][1], 0.200, "pulse length")
    assert c.line_get("GPIO27") is False
    # The daemon keeps the line it claimed for the pulse.
    assert c.line("GPIO27", "Used")


def test_pulse_low(pinbus):
    c = pinbus.bus
    c.line_set("GPIO27", True)
    rec = value_recorder(pinbus, "GPIO27")
    c.line_pulse("GPIO27", False, 100000)
    got = wait_changes(rec, "GPIO27", 2)
    assert [bool(v) for v, _ in got] == [False, True]
    assert_interval(got[1][1] - got[0][1], 0.100, "pulse length")
    assert c.line_get("GPIO27") is True


def test_pulse_on_claimed_output(pinbus):
    c = pinbus.bus
    c.claim("GPIO18", {"direction": "output", "value": False})
    rec = value_recorder(pinbus, "GPIO18")
    c.line_pulse("GPIO18", True, 50000)
    got = wait_changes(rec, "GPIO18", 2)
    assert [bool(v) for v, _ in got] == [True, False]
    assert_interval(got[1][1] - got[0][1], 0.050, "pulse length")
    assert c.line("GPIO18", "Owner") == c.unique_name


def test_set_stops_pulse(pinbus):
    c = pinbus.bus
    rec = value_recorder(pinbus, "GPIO27")
    c.line_pulse("GPIO27", True, 100000)
    c.line_set("GPIO27", True)
    settle(0.25)  # fixed wait past the pulse's end: it must not switch the line back
    assert [bool(v) for v, _ in changes(rec, "GPIO27")] == [True]
    assert c.line_get("GPIO27") is True


def test_blink_timing(pinbus):
    c = pinbus.bus
    rec = value_recorder(pinbus, "GPIO27")
    c.line_blink("GPIO27", 100000, 100000, 3)
    wait_changes(rec, "GPIO27", 6)
    settle(0.3)  # fixed wait: after 3 cycles no further change may come
    got = changes(rec, "GPIO27")
    assert [bool(v) for v, _ in got] == [True, False, True, False, True, False]
    times = [t for _, t in got]
    for k in range(1, 6):
        assert_interval(times[k] - times[k - 1], 0.100, f"blink step {k}")
        # The schedule is absolute: no drift accumulates.
        assert_interval(times[k] - times[0], 0.100 * k, f"blink step {k} from the start")
    assert c.line_get("GPIO27") is False


def test_blink_uneven_periods(pinbus):
    c = pinbus.bus
    rec = value_recorder(pinbus, "GPIO27")
    c.line_blink("GPIO27", 50000, 150000, 2)
    got = wait_changes(rec, "GPIO27", 4)
    times = [t for _, t in got]
    assert [bool(v) for v, _ in got] == [True, False, True, False]
    assert_interval(times[1] - times[0], 0.050, "on period")
    assert_interval(times[2] - times[1], 0.150, "off period")
    assert_interval(times[3] - times[2], 0.050, "on period")


def test_blink_forever_until_set(pinbus):
    c = pinbus.bus
    rec = value_recorder(pinbus, "GPIO27")
    c.line_blink("GPIO27", 20000, 20000, 0)
    wait_changes(rec, "GPIO27", 10)  # more than any count would give in 2.5 cycles: it goes on
    c.line_set("GPIO27", False)
    rec.sync()
    n = len(changes(rec, "GPIO27"))
    settle(0.2)  # fixed wait (10 periods): the stopped blink must not change the line again
    assert len(changes(rec, "GPIO27")) == n
    assert c.line_get("GPIO27") is False


def test_toggle_stops_blink(pinbus):
    c = pinbus.bus
    rec = value_recorder(pinbus, "GPIO27")
    c.line_blink("GPIO27", 20000, 20000, 0)
    wait_changes(rec, "GPIO27", 4)
    c.line_toggle("GPIO27")
    rec.sync()
    n = len(changes(rec, "GPIO27"))
    value = c.line_get("GPIO27")
    settle(0.2)  # fixed wait: no further change may come
    assert len(changes(rec, "GPIO27")) == n
    assert c.line_get("GPIO27") is value


def test_pulse_replaces_blink(pinbus):
    c = pinbus.bus
    rec = value_recorder(pinbus, "GPIO27")
    c.line_blink("GPIO27", 20000, 20000, 0)
    wait_changes(rec, "GPIO27", 3)
    c.line_pulse("GPIO27", True, 100000)
    rec.sync()
    n = len(changes(rec, "GPIO27"))
    wait_until(lambda: len(changes(rec, "GPIO27")) > n and not changes(rec, "GPIO27")[-1][0], 5,
               "the pulse to end")
    settle(0.15)  # fixed wait: neither the blink nor the pulse may change the line again
    got = changes(rec, "GPIO27")[n - 1:]
    assert [bool(v) for v, _ in got][-1] is False
    assert len(changes(rec, "GPIO27")) <= n + 1
    assert c.line_get("GPIO27") is False


def test_blink_replaces_blink(pinbus):
    c = pinbus.bus
    rec = value_recorder(pinbus, "GPIO27")
    c.line_blink("GPIO27", 20000, 20000, 0)
    wait_changes(rec, "GPIO27", 3)
    c.line_blink("GPIO27", 30000, 30000, 1)
    settle(0.25)  # fixed wait: the second blink is over, nothing may follow
    assert c.line_get("GPIO27") is False
    n = len(changes(rec, "GPIO27"))
    settle(0.1)  # fixed wait, as above
    assert len(changes(rec, "GPIO27")) == n


def test_blink_zero_on_period(pinbus):
    with dbus_error(E_INVALID_ARGS, "GPIO27"):
        pinbus.bus.line_blink("GPIO27", 0, 100000, 1)
    assert not pinbus.bus.line("GPIO27", "Used"), "a refused Blink must not claim the line"


def test_blink_zero_off_period(pinbus):
    with dbus_error(E_INVALID_ARGS, "GPIO27"):
        pinbus.bus.line_blink("GPIO27", 100000, 0, 1)
    assert not pinbus.bus.line("GPIO27", "Used")


def test_blink_below_minimum(pinbus):
    with dbus_error(E_INVALID_ARGS, "GPIO27", "1000"):
        pinbus.bus.line_blink("GPIO27", 999, 100000, 1)
    with dbus_error(E_INVALID_ARGS, "GPIO27", "1000"):
        pinbus.bus.line_blink("GPIO27", 100000, 999, 1)
    pinbus.bus.line_blink("GPIO27", 1000, 1000, 1)  # the minimum itself is fine


def test_blink_above_maximum(pinbus):
    day = 24 * 3600 * 1000000
    with dbus_error(E_INVALID_ARGS, "GPIO27"):
        pinbus.bus.line_blink("GPIO27", day + 1, 100000, 1)
    with dbus_error(E_INVALID_ARGS, "GPIO27"):
        pinbus.bus.line_blink("GPIO27", 100000, dbus.UInt64(2**64 - 1), 1)


def test_pulse_zero_duration(pinbus):
    with dbus_error(E_INVALID_ARGS, "GPIO27"):
        pinbus.bus.line_pulse("GPIO27", True, 0)
    assert not pinbus.bus.line("GPIO27", "Used"), "a refused Pulse must not claim the line"


def test_pulse_above_maximum(pinbus):
    with dbus_error(E_INVALID_ARGS, "GPIO27"):
        pinbus.bus.line_pulse("GPIO27", True, 24 * 3600 * 1000000 + 1)


def test_errors_on_claimed_line_keep_it(pinbus):
    c = pinbus.bus
    c.claim("GPIO18", {"direction": "output", "value": True})
    with dbus_error(E_INVALID_ARGS, "GPIO18"):
        c.line_blink("GPIO18", 0, 0, 0)
    with dbus_error(E_INVALID_ARGS, "GPIO18"):
        c.line_pulse("GPIO18", False, 0)
    assert c.line_get("GPIO18") is True
    assert c.line("GPIO18", "Owner") == c.unique_name
