# SPDX-License-Identifier: LGPL-2.1-or-later
"""Configured outputs: io.pinbus1.Output, their lines, and restore across daemon restarts."""

import os
import signal

import dbus
import pytest

from pbharness import SCALE
from pbharness.client import dbus_error, settle, wait_until
from pbharness.names import E_INVALID_ARGS, E_LINE_BUSY, E_NO_SUCH_LINE, LINE, OUTPUT, line_path, output_path

CONFIG = """\
[output porch]
line = GPIO27
initial = on
restore = yes

[output lamp]
line = GPIO26
"""

pytestmark = pytest.mark.pinbusd(config=CONFIG)

PORCH = output_path("porch")
LAMP = output_path("lamp")


def test_manager_lists_outputs(pinbus):
    outputs = pinbus.bus.manager("Outputs")
    assert outputs.signature == "o"
    assert list(outputs) == [PORCH, LAMP]


def test_output_properties(pinbus):
    porch = pinbus.bus.get_all(PORCH, OUTPUT)
    assert porch["Name"] == "porch"
    assert isinstance(porch["Line"], dbus.ObjectPath)
    assert porch["Line"] == line_path("GPIO27")
    assert porch["Value"] is not None and bool(porch["Value"]) is True
    assert bool(porch["Restore"]) is True
    lamp = pinbus.bus.get_all(LAMP, OUTPUT)
    assert lamp["Name"] == "lamp"
    assert lamp["Line"] == line_path("GPIO26")
    assert bool(lamp["Value"]) is False
    assert bool(lamp["Restore"]) is False


def test_output_lines_are_held(pinbus):
    c = pinbus.bus
    for name, value in (("GPIO27", True), ("GPIO26", False)):
        props = c.line_props(name)
        assert props["Used"], name
        assert props["Consumer"] == "pinbusd", name
        assert props["Owner"] == "", name
        assert props["Direction"] == "output", name
        assert bool(props["Value"]) is value, name
        assert c.line_get(name) is value, name


def test_output_in_object_manager(pinbus):
    objects = pinbus.bus.call("/io/pinbus1", "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")
    assert objects[PORCH][OUTPUT]["Name"] == "porch"
    assert objects[LAMP][OUTPUT]["Line"] == line_path("GPIO26")


def test_output_set(pinbus):
    c = pinbus.bus
    rec = pinbus.recorder(c).watch_properties(PORCH).watch_properties(line_path("GPIO27"))
    c.output_call("porch", "Set", "b", False)
    assert not c.output("porch", "Value")
    assert not c.line("GPIO27", "Value")
    assert c.line_get("GPIO27") is False
    c.output_call("porch", "Set", "b", False)
    c.output_call("porch", "Set", "b", True)
    assert c.line_get("GPIO27") is True
    rec.sync()
    assert rec.values(PORCH, OUTPUT, "Value") == [False, True]
    assert rec.values(line_path("GPIO27"), LINE, "Value") == [False, True]


def test_output_toggle(pinbus):
    c = pinbus.bus
    c.output_call("lamp", "Toggle")
    assert c.output("lamp", "Value")
    assert c.line_get("GPIO26") is True
    c.output_call("lamp", "Toggle")
    assert not c.output("lamp", "Value")
    assert c.line_get("GPIO26") is False


def test_output_pulse(pinbus):
    c = pinbus.bus
    rec = pinbus.recorder(c).watch_properties(LAMP)
    c.output_call("lamp", "Pulse", "bt", True, 100000)
    wait_until(lambda: len(rec.changes(LAMP, OUTPUT, "Value")) >= 2, 5, "the lamp pulse")
    got = rec.changes(LAMP, OUTPUT, "Value")
    assert [bool(v) for v, _ in got] == [True, False]
    # Host time (no daemon stamp exists for a driven output): the bound is test_timing.py's.
    assert abs((got[1][1] - got[0][1]) - 0.1) <= 0.06 * SCALE, got
    assert c.line_get("GPIO26") is False


def test_output_blink(pinbus):
    c = pinbus.bus
    rec = pinbus.recorder(c).watch_properties(LAMP).watch_properties(line_path("GPIO26"))
    c.output_call("lamp", "Blink", "ttu", 30000, 30000, 2)
    wait_until(lambda: len(rec.values(LAMP, OUTPUT, "Value")) >= 4, 5, "the lamp to blink twice")
    settle(0.15)  # fixed wait: the blink is over, no further change may come
    assert rec.values(LAMP, OUTPUT, "Value") == [True, False, True, False]
    assert rec.values(line_path("GPIO26"), LINE, "Value") == [True, False, True, False]
    assert not c.output("lamp", "Value")


def test_output_argument_errors(pinbus):
    c = pinbus.bus
    with dbus_error(E_INVALID_ARGS, "GPIO26"):
        c.output_call("lamp", "Blink", "ttu", 0, 30000, 2)
    with dbus_error(E_INVALID_ARGS, "GPIO26"):
        c.output_call("lamp", "Pulse", "bt", True, 0)
    assert c.line("GPIO26", "Used")


def test_claim_output_line_is_busy(pinbus):
    with dbus_error(E_LINE_BUSY, "GPIO27", "porch"):
        pinbus.bus.claim("GPIO27", {"direction": "output"})
    with dbus_error(E_LINE_BUSY, "GPIO27", "porch"):
        pinbus.bus.claim("pinctrl-bcm2711:27", {"direction": "input"})


def test_release_output_line_is_busy(pinbus):
    with dbus_error(E_LINE_BUSY, "GPIO26", "lamp"):
        pinbus.bus.release("GPIO26")
    assert pinbus.bus.line("GPIO26", "Used")
    assert pinbus.bus.get(LAMP, OUTPUT, "Line") == line_path("GPIO26")


def test_line_methods_drive_output(pinbus):
    """An output's line can be driven through io.pinbus1.Line too; the Output follows."""
    c = pinbus.bus
    rec = pinbus.recorder(c).watch_properties(PORCH)
    c.line_set("GPIO27", False)
    assert not c.output("porch", "Value")
    c.line_toggle("GPIO27")
    assert c.output("porch", "Value")
    rec.sync()
    assert rec.values(PORCH, OUTPUT, "Value") == [False, True]


def test_restore_across_restart(pinbus):
    c = pinbus.bus
    c.output_call("porch", "Set", "b", False)
    c.output_call("lamp", "Set", "b", True)
    pinbus.daemon.restart()
    assert not c.output("porch", "Value"), "porch has restore=yes: it comes back off"
    assert c.line_get("GPIO27") is False
    assert not c.output("lamp", "Value"), "lamp has no restore: it comes back at its initial value"
    assert c.line_get("GPIO26") is False


def test_restore_last_of_quick_changes(pinbus):
    c = pinbus.bus
    # Within the state file's one-write-per-second limit: the last value must still be saved.
    for v in (False, True, False):
        c.output_call("porch", "Set", "b", v)
    pinbus.daemon.restart()
    assert not c.output("porch", "Value")
    c.output_call("porch", "Toggle")
    pinbus.daemon.restart()
    assert c.output("porch", "Value")


def test_restore_survives_kill_9(pinbus):
    """An acknowledged Set is on disk when the reply comes: a kill -9 right after it loses nothing
    (not even a second change within a second of the first, which a rate limit would hold back)."""
    c = pinbus.bus
    for calls, expected in (([("Set", "b", False), ("Set", "b", True)], True),
                            ([("Toggle",), ("Toggle",), ("Toggle",)], False),
                            ([("Set", "b", True), ("Pulse", "bt", False, 60 * 1000000)], True)):
        for call in calls:
            c.output_call("porch", *call)
        pinbus.daemon.stop(signal.SIGKILL)
        pinbus.daemon.start()
        assert c.output("porch", "Value") == expected, f"the value acknowledged by {calls[-1]} was lost"


def test_restore_twice(pinbus):
    c = pinbus.bus
    c.output_call("porch", "Set", "b", False)
    pinbus.daemon.restart()
    pinbus.daemon.restart()
    assert not c.output("porch", "Value")


def test_restore_saves_settled_value_of_pulse(pinbus):
    c = pinbus.bus
    # A pulse that is still running at shutdown: what counts is the value it settles at.
    c.output_call("porch", "Pulse", "bt", False, 60 * 1000000)
    assert not c.output("porch", "Value")
    pinbus.daemon.restart()
    assert c.output("porch", "Value")


def test_restore_saves_settled_value_of_blink(pinbus):
    c = pinbus.bus
    c.output_call("porch", "Blink", "ttu", 20000, 20000, 0)
    pinbus.daemon.restart()
    assert not c.output("porch", "Value"), "a blink ends inactive"


def test_state_dir_created(pinbus):
    c = pinbus.bus
    c.output_call("porch", "Set", "b", False)
    pinbus.daemon.stop_ok()
    assert os.listdir(pinbus.daemon.state_dir), "the state directory holds the saved value"


@pytest.mark.pinbusd(config=CONFIG + "\n[output ghost]\nline = NOPE\n\n[output far]\nline = gpiochip0:99\n")
def test_output_without_line(pinbus):
    c = pinbus.bus
    outputs = list(c.manager("Outputs"))
    assert outputs == [PORCH, LAMP, output_path("ghost"), output_path("far")]
    ghost = c.get_all(output_path("ghost"), OUTPUT)
    assert ghost["Name"] == "ghost"
    assert ghost["Line"] == "/"
    with dbus_error(E_NO_SUCH_LINE, "ghost"):
        c.output_call("ghost", "Set", "b", True)
    with dbus_error(E_NO_SUCH_LINE, "ghost"):
        c.output_call("ghost", "Toggle")
    with dbus_error(E_NO_SUCH_LINE, "ghost"):
        c.output_call("ghost", "Pulse", "bt", True, 1000)
    with dbus_error(E_NO_SUCH_LINE, "ghost"):
        c.output_call("ghost", "Blink", "ttu", 1000, 1000, 1)
    assert c.get(output_path("far"), OUTPUT, "Line") == "/"
    with dbus_error(E_NO_SUCH_LINE, "far"):
        c.output_call("far", "Set", "b", True)
    # The others work.
    c.output_call("porch", "Set", "b", False)
    assert c.line_get("GPIO27") is False


@pytest.mark.pinbusd(config="""\
[output led]
line = GPIO13
initial = on
active-low = yes
drive = open-drain
""")
def test_output_line_settings(pinbus):
    c = pinbus.bus
    props = c.line_props("GPIO13")
    assert props["ActiveLow"]
    assert props["Drive"] == "open-drain"
    assert props["Direction"] == "output"
    assert props["Value"], "Value is logical: on"
    assert c.output("led", "Value")


@pytest.mark.pinbusd(config="""\
[output porch]
line = GPIO27
restore = yes
""")
def test_restore_initial_off_saved_on(pinbus):
    c = pinbus.bus
    assert not c.output("porch", "Value")
    c.output_call("porch", "Set", "b", True)
    pinbus.daemon.restart()
    assert c.output("porch", "Value")
    assert c.line_get("GPIO27") is True


def test_restore_ignores_unknown_saved_output(pinbus):
    """Saved state of an output that was removed from the config does not hurt."""
    c = pinbus.bus
    c.output_call("porch", "Set", "b", False)
    pinbus.daemon.stop_ok()
    pinbus.daemon.write_config("[output lamp]\nline = GPIO26\nrestore = yes\n")
    pinbus.daemon.start()
    assert list(c.manager("Outputs")) == [LAMP]
    assert not c.output("lamp", "Value")
    assert not c.line("GPIO27", "Used")


@pytest.mark.pinbusd(config=CONFIG, args=["--state-dir=/dev/null/state"])
def test_unwritable_state_dir_does_not_stop_the_daemon(pinbus):
    c = pinbus.bus
    c.output_call("porch", "Set", "b", False)
    c.output_call("porch", "Toggle")
    assert c.output("porch", "Value")
    # Teardown checks that it still exits cleanly (status 0) although nothing could be saved.


@pytest.mark.pinbusd(config=CONFIG, start=False)
def test_fifo_state_file_does_not_block_ready(pinbus):
    """A FIFO where the state file should be would block the read (and READY) forever: it is
    refused, the outputs start at their initial values, and saving still works (the FIFO is
    replaced by the rename)."""
    os.makedirs(pinbus.daemon.state_dir)
    os.mkfifo(os.path.join(pinbus.daemon.state_dir, "outputs"))
    pinbus.daemon.start()
    c = pinbus.bus
    assert c.output("porch", "Value"), "porch starts at its initial value"
    assert "not a regular file (a FIFO)" in pinbus.daemon.log_text()
    c.output_call("porch", "Set", "b", False)
    pinbus.daemon.restart()
    assert not c.output("porch", "Value")
