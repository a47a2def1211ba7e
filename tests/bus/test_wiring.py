# SPDX-License-Identifier: LGPL-2.1-or-later
"""io.pinbus1.Simulator.Connect and Disconnect: an output drives a wired input, as a bench test's
loopback wire does, with the input's edges stamped at the output's changes."""

import dbus

from pbharness.client import dbus_error, settle, wait_until
from pbharness.names import E_INVALID_ARGS, E_NO_SUCH_LINE, LINE, ROOT, SIMULATOR, line_path

QUIET = 0.15


def connect(client, output, input_):
    client.call(ROOT, SIMULATOR, "Connect", "ss", output, input_)


def disconnect(client, output, input_):
    client.call(ROOT, SIMULATOR, "Disconnect", "ss", output, input_)


def edge_recorder(pinbus, name, **settings):
    pinbus.bus.claim(name, {"direction": "input", "edge": "both", **settings})
    return pinbus.recorder().watch(LINE, "Edge", line_path(name))


def test_output_drives_wired_input(pinbus):
    c = pinbus.bus
    connect(c, "GPIO17", "GPIO27")
    rec = edge_recorder(pinbus, "GPIO27")
    c.line_set("GPIO17", True)
    wait_until(lambda: rec.edges("GPIO27"), 5, "the rising edge on GPIO27")
    assert c.line_get("GPIO27") is True
    c.line_toggle("GPIO17")
    wait_until(lambda: len(rec.edges("GPIO27")) >= 2, 5, "the falling edge on GPIO27")
    settle(QUIET)  # fixed wait: no further edge may come
    assert [(v, seq) for v, _, seq in rec.edges("GPIO27")] == [(True, 1), (False, 2)]
    assert not c.line("GPIO27", "Value")


def test_wired_edges_carry_scheduled_times(pinbus):
    """A Blink would be timed by the daemon's timers; a Schedule on the free output line drives the
    wire at exact times, which the input's edges carry."""
    c = pinbus.bus
    connect(c, "GPIO17", "GPIO27")
    rec = edge_recorder(pinbus, "GPIO27")
    start = c.schedule("GPIO17", [(1000, True, 0, 1000), (10000, False, 0, 1000)])
    wait_until(lambda: len(rec.edges("GPIO27")) >= 2, 5, "two edges on GPIO27")
    edges = rec.edges("GPIO27")
    assert [(v, ts - start) for v, ts, _ in edges] == [(True, 2_000_000), (False, 11_000_000)]


def test_wire_beats_bias_and_debounce_applies(pinbus):
    c = pinbus.bus
    connect(c, "GPIO17", "GPIO27")  # GPIO17 free, low
    # A pull-up on the input does not lift a wire that carries low.
    rec = edge_recorder(pinbus, "GPIO27", bias="pull-up", **{"debounce-us": dbus.UInt64(5000)})
    assert c.line_get("GPIO27") is False
    # A 1 ms glitch (filtered by the 5 ms debounce), then a clean change at 11 ms: one edge, 5 ms later.
    start = c.schedule("GPIO17", [(0, True, 0, 1000), (1000, False, 0, 1000), (10000, True, 0, 1000)])
    wait_until(lambda: rec.edges("GPIO27"), 5, "the debounced edge")
    settle(QUIET)  # fixed wait: no further edge may come
    assert [(v, ts - start) for v, ts, _ in rec.edges("GPIO27")] == [(True, 16_000_000)]


def test_connect_takes_level_at_once_and_disconnect_keeps_it(pinbus):
    c = pinbus.bus
    c.line_set("GPIO5", True)
    connect(c, "GPIO5", "GPIO6")
    assert c.line_get("GPIO6") is True
    connect(c, "GPIO5", "GPIO6")  # again: nothing changes
    disconnect(c, "GPIO5", "GPIO6")
    c.line_set("GPIO5", False)
    assert c.line_get("GPIO6") is True
    with dbus_error(E_INVALID_ARGS, "GPIO6", "GPIO5"):
        disconnect(c, "GPIO5", "GPIO6")


def test_one_output_many_inputs_and_chains(pinbus):
    c = pinbus.bus
    connect(c, "GPIO17", "GPIO22")
    connect(c, "GPIO17", "GPIO23")
    connect(c, "GPIO23", "GPIO24")
    c.line_set("GPIO17", True)
    assert [c.line_get(n) for n in ("GPIO22", "GPIO23", "GPIO24")] == [True, True, True]


def test_connect_errors(pinbus):
    c = pinbus.bus
    with dbus_error(E_NO_SUCH_LINE, "NOPE"):
        connect(c, "NOPE", "GPIO27")
    with dbus_error(E_NO_SUCH_LINE, "NOPE"):
        connect(c, "GPIO17", "NOPE")
    with dbus_error(E_INVALID_ARGS, "GPIO17", "itself"):
        connect(c, "GPIO17", "gpiochip0:17")
    connect(c, "GPIO17", "GPIO27")
    with dbus_error(E_INVALID_ARGS, "GPIO27", "GPIO17"):
        connect(c, "GPIO18", "GPIO27")
    with dbus_error(E_INVALID_ARGS, "GPIO27", "GPIO17", "loop"):
        connect(c, "GPIO27", "GPIO17")
    with dbus_error(E_NO_SUCH_LINE, "NOPE"):
        disconnect(c, "GPIO17", "NOPE")
    with dbus_error(E_INVALID_ARGS, "GPIO27", "GPIO18"):
        disconnect(c, "GPIO18", "GPIO27")
