# SPDX-License-Identifier: LGPL-2.1-or-later
"""Line.Get, Set and Toggle; lines held by the daemon; the Value property."""

import subprocess


from pbharness import scaled
from pbharness.client import dbus_error, settle
from pbharness.names import E_LINE_BUSY, E_NOT_OUTPUT, LINE, line_path


def test_set_then_get_on_free_line(pinbus):
    # The done-when: `Set b true` on GPIO27 followed by `Get` answers true.
    c = pinbus.bus
    c.line_set("GPIO27", True)
    assert c.line_get("GPIO27") is True
    props = c.line_props("GPIO27")
    # The daemon claimed it as an output and keeps it (sysfs-like).
    assert props["Used"]
    assert props["Owner"] == ""
    assert props["Consumer"] == "pinbusd"
    assert props["Direction"] == "output"
    assert props["Value"]
    c.line_set("GPIO27", False)
    assert c.line_get("GPIO27") is False
    assert not c.line("GPIO27", "Value")


def test_done_when_with_busctl(pinbus):
    """The issue's examples, typed as a user would, with busctl (tests/run-pytest.py checks it is installed)."""
    def busctl(*args):
        p = subprocess.run(["busctl", f"--address={pinbus.address}", "call", "io.pinbus1", *args],
                           capture_output=True, text=True, timeout=scaled(10))
        assert p.returncode == 0, p.stderr
        return p.stdout.strip()

    assert busctl("/io/pinbus1", "io.pinbus1.Manager", "FindLine", "s", "GPIO17") == 'o "/io/pinbus1/line/GPIO17"'
    busctl("/io/pinbus1/line/GPIO27", "io.pinbus1.Line", "Set", "b", "true")
    assert busctl("/io/pinbus1/line/GPIO27", "io.pinbus1.Line", "Get") == "b true"


def test_set_keeps_line_after_client_disconnects(pinbus):
    a, b = pinbus.client(), pinbus.client()
    a.line_set("GPIO27", True)
    a.close()
    # The line is the daemon's, not a's: a leaving changes nothing.
    b.ping()
    settle(0.1)  # fixed wait: no release is expected, so there is no event to wait for
    props = b.line_props("GPIO27")
    assert props["Used"]
    assert props["Value"]
    assert b.line_get("GPIO27") is True


def test_toggle(pinbus):
    c = pinbus.bus
    c.line_toggle("GPIO26")  # a free line toggles from what it reads: low
    assert c.line_get("GPIO26") is True
    assert c.line("GPIO26", "Used")
    c.line_toggle("GPIO26")
    assert c.line_get("GPIO26") is False
    c.line_toggle("GPIO26")
    assert c.line_get("GPIO26") is True


def test_toggle_free_line_reads_first(pinbus):
    c = pinbus.bus
    c.set_input("GPIO26", True)
    c.line_toggle("GPIO26")
    assert c.line_get("GPIO26") is False


def test_set_on_claimed_output_by_owner(pinbus):
    c = pinbus.bus
    c.claim("GPIO18", {"direction": "output"})
    c.line_set("GPIO18", True)
    assert c.line_get("GPIO18") is True
    c.line_toggle("GPIO18")
    assert c.line_get("GPIO18") is False
    assert c.line("GPIO18", "Owner") == c.unique_name, "driving does not change the owner"


def test_set_on_line_claimed_by_other_client(pinbus):
    a, b = pinbus.client(), pinbus.client()
    a.claim("GPIO18", {"direction": "output", "value": False})
    with dbus_error(E_LINE_BUSY, "GPIO18", a.unique_name):
        b.line_set("GPIO18", True)
    with dbus_error(E_LINE_BUSY, "GPIO18", a.unique_name):
        b.line_toggle("GPIO18")
    with dbus_error(E_LINE_BUSY, "GPIO18", a.unique_name):
        b.line_pulse("GPIO18", True, 100000)
    with dbus_error(E_LINE_BUSY, "GPIO18", a.unique_name):
        b.line_blink("GPIO18", 100000, 100000, 1)
    assert a.line_get("GPIO18") is False
    assert not a.line("GPIO18", "Value")


def test_set_on_line_claimed_as_input(pinbus):
    c = pinbus.bus
    c.claim("GPIO17", {"direction": "input"})
    with dbus_error(E_NOT_OUTPUT, "GPIO17"):
        c.line_set("GPIO17", True)
    with dbus_error(E_NOT_OUTPUT, "GPIO17"):
        c.line_toggle("GPIO17")
    with dbus_error(E_NOT_OUTPUT, "GPIO17"):
        c.line_pulse("GPIO17", True, 100000)
    with dbus_error(E_NOT_OUTPUT, "GPIO17"):
        c.line_blink("GPIO17", 100000, 100000, 1)
    assert c.line("GPIO17", "Direction") == "input"


def test_get_on_free_line_is_transient(pinbus):
    c = pinbus.bus
    rec = pinbus.recorder(c).watch_properties(line_path("GPIO4"))
    assert c.line_get("GPIO4") is False
    c.set_input("GPIO4", True)
    assert c.line_get("GPIO4") is True
    c.set_input("GPIO4", False)
    assert c.line_get("GPIO4") is False
    props = c.line_props("GPIO4")
    assert not props["Used"]
    assert props["Owner"] == ""
    assert props["Consumer"] == ""
    rec.sync()
    settle(0.05)  # fixed wait: the transient requests must not show up as property changes
    for prop in ("Used", "Consumer", "Owner", "Direction"):
        assert rec.values(line_path("GPIO4"), LINE, prop) == [], prop


def test_first_read_emits_no_value_change(pinbus):
    """Value reads false before the daemon has seen a free line: a first read of false is no change."""
    c = pinbus.bus
    path = line_path("GPIO4")
    assert not c.line("GPIO4", "Value")
    rec = pinbus.recorder(c).watch_properties(path)
    assert c.line_get("GPIO4") is False
    rec.sync()
    settle(0.05)  # fixed wait: no change signal is expected
    assert rec.values(path, LINE, "Value") == []


def test_first_toggle_emits_one_value_change(pinbus):
    c = pinbus.bus
    path = line_path("GPIO26")
    rec = pinbus.recorder(c).watch_properties(path)
    c.line_toggle("GPIO26")
    rec.sync()
    settle(0.05)  # fixed wait: no further change signal is expected
    assert rec.values(path, LINE, "Value") == [True]


def test_value_of_free_line_is_last_seen(pinbus):
    c = pinbus.bus
    c.set_input("GPIO4", True)
    # Reading the property does not request the line, so it does not see the new level yet.
    assert not c.line("GPIO4", "Used")
    assert c.line_get("GPIO4") is True
    assert c.line("GPIO4", "Value")


def test_get_on_line_held_by_other_client(pinbus):
    a, b = pinbus.client(), pinbus.client()
    a.claim("GPIO17", {"direction": "input"})
    pinbus.bus.set_input("GPIO17", True)
    assert b.line_get("GPIO17") is True, "reading is open to everyone"
    a.claim("GPIO18", {"direction": "output", "value": True})
    assert b.line_get("GPIO18") is True


def test_get_on_claimed_input_follows_level(pinbus):
    c = pinbus.bus
    c.claim("GPIO17", {"direction": "input"})
    for level in (True, False, True):
        c.set_input("GPIO17", level)
        assert c.line_get("GPIO17") is level
        assert bool(c.line("GPIO17", "Value")) is level, "a held input's Value is read live"


def test_get_active_low_input(pinbus):
    c = pinbus.bus
    c.claim("GPIO17", {"direction": "input", "active-low": True})
    c.set_input("GPIO17", True)
    assert c.line_get("GPIO17") is False
    c.set_input("GPIO17", False)
    assert c.line_get("GPIO17") is True


def test_value_change_emitted_once_per_change(pinbus):
    c = pinbus.bus
    path = line_path("GPIO27")
    rec = pinbus.recorder(c).watch_properties(path)
    c.line_set("GPIO27", True)
    c.line_set("GPIO27", True)
    rec.sync()
    settle(0.05)  # fixed wait: a second change signal must not come
    assert rec.values(path, LINE, "Value") == [True]
    c.line_set("GPIO27", False)
    c.line_set("GPIO27", False)
    rec.sync()
    settle(0.05)  # fixed wait, as above
    assert rec.values(path, LINE, "Value") == [True, False]


def test_toggle_emits_each_change(pinbus):
    c = pinbus.bus
    path = line_path("GPIO27")
    c.line_get("GPIO27")  # the daemon has seen the level (see test_first_read_emits_no_value_change)
    rec = pinbus.recorder(c).watch_properties(path)
    for _ in range(4):
        c.line_toggle("GPIO27")
    rec.sync()
    assert rec.values(path, LINE, "Value") == [True, False, True, False]


def test_set_free_line_emits_claim_properties(pinbus):
    c = pinbus.bus
    path = line_path("GPIO27")
    rec = pinbus.recorder(c).watch_properties(path)
    c.line_set("GPIO27", True)
    rec.sync()
    assert rec.values(path, LINE, "Used") == [True]
    assert rec.values(path, LINE, "Consumer") == ["pinbusd"]
    assert rec.values(path, LINE, "Owner") == [], "a daemon-held line has no owner to announce"


def test_release_daemon_held_line(pinbus):
    a, b = pinbus.client(), pinbus.client()
    a.line_set("GPIO27", True)
    assert b.line("GPIO27", "Used")
    b.release("GPIO27")  # daemon-held: anyone may release it
    props = b.line_props("GPIO27")
    assert not props["Used"]
    assert props["Owner"] == ""
    assert props["Consumer"] == ""


def test_daemon_held_line_can_be_driven_by_anyone(pinbus):
    a, b = pinbus.client(), pinbus.client()
    a.line_set("GPIO27", True)
    b.line_set("GPIO27", False)
    assert a.line_get("GPIO27") is False
    b.line_toggle("GPIO27")
    assert a.line_get("GPIO27") is True


def test_claim_takes_over_daemon_held_line(pinbus):
    a, b = pinbus.client(), pinbus.client()
    a.line_set("GPIO27", True)
    b.claim("GPIO27", {"direction": "output"})
    props = b.line_props("GPIO27")
    assert props["Owner"] == b.unique_name
    assert props["Value"], "an output claimed without 'value' keeps the value it drives"
    with dbus_error(E_LINE_BUSY, "GPIO27", b.unique_name):
        a.line_set("GPIO27", False)
