# SPDX-License-Identifier: LGPL-2.1-or-later
"""Manager.ClaimLine and ReleaseLine: settings, ownership, competing and disconnecting clients."""

import dbus
import pytest

from pbharness.client import dbus_error, settle, wait_until
from pbharness.names import E_INVALID_ARGS, E_LINE_BUSY, LINE, MANAGER, ROOT, line_path


def assert_free(client, name):
    props = client.line_props(name)
    assert not props["Used"], f"{name} should be free: {dict(props)}"
    assert props["Owner"] == "", name
    assert props["Consumer"] == "", name


class DuplicateKeys(dict):
    """An a{sv} that sends `items` as given, repeated keys included (a dict cannot hold them)."""

    def __init__(self, items):
        super().__init__(items)
        self._items = list(items)

    def items(self):
        return list(self._items)

    def __iter__(self):
        return iter([k for k, _ in self._items])


# --- settings --------------------------------------------------------------------


def test_claim_returns_line_path(pinbus):
    path = pinbus.bus.call(ROOT, MANAGER, "ClaimLine", "sa{sv}", "GPIO17", dbus.Dictionary({}, signature="sv"))
    assert isinstance(path, dbus.ObjectPath)
    assert path == "/io/pinbus1/line/GPIO17"


def test_claim_by_chip_offset(pinbus):
    assert pinbus.bus.claim("pinctrl-bcm2711:17", {"direction": "input"}) == line_path("GPIO17")
    assert pinbus.bus.line("GPIO17", "Owner") == pinbus.bus.unique_name


def test_claim_default_is_input(pinbus):
    pinbus.bus.claim("GPIO17")
    props = pinbus.bus.line_props("GPIO17")
    assert props["Used"]
    assert props["Consumer"] == "pinbusd"
    assert props["Owner"] == pinbus.bus.unique_name
    assert props["Direction"] == "input"
    assert props["Edge"] == "none"
    assert not props["ActiveLow"]
    assert props["DebounceUs"] == 0


def test_claim_input_with_every_input_key(pinbus):
    c = pinbus.bus
    c.claim("GPIO17", {
        "direction": "input",
        "bias": "pull-up",
        "edge": "both",
        "active-low": True,
        "debounce-us": dbus.UInt64(5000),
        "persist": False,
    })
    props = c.line_props("GPIO17")
    assert props["Used"]
    assert props["Consumer"] == "pinbusd"
    assert props["Owner"] == c.unique_name
    assert props["Direction"] == "input"
    assert props["Bias"] == "pull-up"
    assert props["Drive"] == "push-pull"
    assert props["Edge"] == "both"
    assert props["ActiveLow"]
    assert props["DebounceUs"] == 5000
    # pull-up makes the simulated pin high; active-low reads that as logical false.
    assert c.line_get("GPIO17") is False


@pytest.mark.parametrize("bias", ["as-is", "disabled", "pull-up", "pull-down"])
def test_claim_bias_values(pinbus, bias):
    pinbus.bus.claim("GPIO5", {"direction": "input", "bias": bias})
    assert pinbus.bus.line("GPIO5", "Bias") == bias


@pytest.mark.parametrize("edge", ["none", "rising", "falling", "both"])
def test_claim_edge_values(pinbus, edge):
    pinbus.bus.claim("GPIO5", {"direction": "input", "edge": edge})
    assert pinbus.bus.line("GPIO5", "Edge") == edge


@pytest.mark.parametrize("drive", ["push-pull", "open-drain", "open-source"])
def test_claim_drive_values(pinbus, drive):
    pinbus.bus.claim("GPIO6", {"direction": "output", "drive": drive})
    assert pinbus.bus.line("GPIO6", "Drive") == drive
    assert pinbus.bus.line("GPIO6", "Direction") == "output"


def test_claim_output_with_every_output_key(pinbus):
    c = pinbus.bus
    c.claim("GPIO18", {
        "direction": "output",
        "bias": "pull-down",
        "drive": "open-drain",
        "active-low": True,
        "value": True,
        "persist": False,
    })
    props = c.line_props("GPIO18")
    assert props["Used"]
    assert props["Consumer"] == "pinbusd"
    assert props["Owner"] == c.unique_name
    assert props["Direction"] == "output"
    assert props["Bias"] == "pull-down"
    assert props["Drive"] == "open-drain"
    assert props["Edge"] == "none"
    assert props["ActiveLow"]
    assert props["DebounceUs"] == 0
    assert props["Value"]
    assert c.line_get("GPIO18") is True


def test_claim_output_value_false_and_default(pinbus):
    c = pinbus.bus
    c.claim("GPIO18", {"direction": "output", "value": False})
    assert c.line_get("GPIO18") is False
    c.claim("GPIO19", {"direction": "output"})
    assert c.line_get("GPIO19") is False, "an output claimed without 'value' starts inactive"


def test_claim_output_with_neutral_input_keys(pinbus):
    # edge=none and debounce-us=0 ask for nothing an output cannot do.
    pinbus.bus.claim("GPIO6", {"direction": "output", "edge": "none", "debounce-us": dbus.UInt64(0)})
    assert pinbus.bus.line("GPIO6", "Direction") == "output"


def test_debounce_as_python_int(pinbus):
    # dbus-python sends a plain int as 'i': any non-negative integer type is accepted.
    pinbus.bus.claim("GPIO17", {"direction": "input", "debounce-us": 20000})
    assert pinbus.bus.line("GPIO17", "DebounceUs") == 20000


@pytest.mark.parametrize("value", [dbus.UInt32(1500), dbus.Int64(1500), dbus.UInt16(1500), dbus.Byte(200)],
                         ids=["u", "x", "q", "y"])
def test_debounce_integer_types(pinbus, value):
    pinbus.bus.claim("GPIO17", {"direction": "input", "debounce-us": value})
    assert pinbus.bus.line("GPIO17", "DebounceUs") == int(value)


def test_claim_emits_property_changes(pinbus):
    c = pinbus.bus
    rec = pinbus.recorder(c).watch_properties(line_path("GPIO17"))
    c.claim("GPIO17", {"direction": "input", "edge": "both"})
    rec.sync()
    assert rec.values(line_path("GPIO17"), LINE, "Owner") == [c.unique_name]
    assert rec.values(line_path("GPIO17"), LINE, "Used") == [True]
    assert rec.values(line_path("GPIO17"), LINE, "Edge") == ["both"]
    c.release("GPIO17")
    rec.sync()
    assert rec.values(line_path("GPIO17"), LINE, "Owner") == [c.unique_name, ""]
    assert rec.values(line_path("GPIO17"), LINE, "Used") == [True, False]


# --- settings errors ------------------------------------------------------------------


@pytest.mark.parametrize("settings, mentions", [
    ({"colour": "red"}, ["colour"]),
    ({"Direction": "input"}, ["Direction"]),
    ({"active-low": "yes"}, ["active-low"]),
    ({"bias": True}, ["bias"]),
    ({"direction": dbus.Int32(1)}, ["direction"]),
    ({"edge": dbus.UInt32(3)}, ["edge"]),
    ({"debounce-us": "20ms"}, ["debounce-us"]),
    ({"debounce-us": dbus.Double(20.0)}, ["debounce-us"]),
    ({"debounce-us": True}, ["debounce-us"]),
    ({"value": dbus.Int32(1), "direction": "output"}, ["value"]),
    ({"persist": "no"}, ["persist"]),
    ({"direction": "sideways"}, ["direction", "sideways"]),
    ({"direction": "as-is"}, ["direction", "as-is"]),
    ({"bias": "pull-sideways"}, ["bias", "pull-sideways"]),
    ({"drive": "open-collector", "direction": "output"}, ["drive", "open-collector"]),
    ({"edge": "up"}, ["edge", "up"]),
    ({"direction": "output", "edge": "both"}, ["edge"]),
    ({"direction": "output", "debounce-us": dbus.UInt64(1000)}, ["debounce-us"]),
    ({"direction": "input", "value": True}, ["value"]),
    ({"value": True}, ["value"]),
    ({"direction": "input", "drive": "open-drain"}, ["drive"]),
    ({"debounce-us": dbus.Int32(-5)}, ["debounce-us"]),
    ({"debounce-us": dbus.Int64(-1)}, ["debounce-us"]),
    ({"debounce-us": dbus.UInt64(2**32)}, ["debounce-us"]),
], ids=lambda v: ",".join(f"{k}={val!r}" for k, val in v.items()) if isinstance(v, dict) else "")
def test_claim_bad_settings(pinbus, settings, mentions):
    with dbus_error(E_INVALID_ARGS, "GPIO17", *mentions):
        pinbus.bus.claim("GPIO17", settings)
    # A refused claim leaves nothing behind.
    assert_free(pinbus.bus, "GPIO17")


def test_claim_key_given_twice(pinbus):
    settings = DuplicateKeys([("direction", "input"), ("direction", "output")])
    with dbus_error(E_INVALID_ARGS, "GPIO17", "direction", "twice"):
        pinbus.bus.call(ROOT, MANAGER, "ClaimLine", "sa{sv}", "GPIO17", settings)
    assert_free(pinbus.bus, "GPIO17")


def test_bad_reclaim_keeps_the_claim(pinbus):
    c = pinbus.bus
    c.claim("GPIO17", {"direction": "input", "edge": "both"})
    with dbus_error(E_INVALID_ARGS, "GPIO17", "bias"):
        c.claim("GPIO17", {"bias": "upwards"})
    props = c.line_props("GPIO17")
    assert props["Owner"] == c.unique_name
    assert props["Edge"] == "both"


# --- ownership -------------------------------------------------------------------


def test_two_clients_competing(pinbus):
    a, b = pinbus.client(), pinbus.client()
    a.claim("GPIO17", {"direction": "input"})
    with dbus_error(E_LINE_BUSY, "GPIO17", a.unique_name):
        b.claim("GPIO17", {"direction": "input"})
    with dbus_error(E_LINE_BUSY, "GPIO17", a.unique_name):
        b.claim("gpiochip0:17", {"direction": "output", "value": True})
    props = b.line_props("GPIO17")
    assert props["Owner"] == a.unique_name
    assert props["Direction"] == "input"


def test_owner_reclaim_reconfigures(pinbus):
    c = pinbus.bus
    rec = pinbus.recorder(c).watch_properties(line_path("GPIO17"))
    c.claim("GPIO17", {"direction": "input", "edge": "both", "bias": "pull-up"})
    c.claim("GPIO17", {"direction": "output", "value": True})
    props = c.line_props("GPIO17")
    assert props["Owner"] == c.unique_name
    assert props["Direction"] == "output"
    assert props["Edge"] == "none"
    assert props["Bias"] == "as-is"
    assert props["Value"]
    rec.sync()
    # Still one claim by the same owner: Owner changed once only.
    assert rec.values(line_path("GPIO17"), LINE, "Owner") == [c.unique_name]


def test_reclaim_output_without_value_keeps_value(pinbus):
    c = pinbus.bus
    c.claim("GPIO18", {"direction": "output", "value": True})
    c.claim("GPIO18", {"direction": "output", "drive": "open-source"})
    assert c.line("GPIO18", "Drive") == "open-source"
    assert c.line_get("GPIO18") is True


def test_release_by_owner(pinbus):
    c = pinbus.bus
    c.claim("GPIO17", {"direction": "output", "value": True})
    c.release("GPIO17")
    assert_free(c, "GPIO17")
    # Free again: another client can claim it.
    other = pinbus.client()
    other.claim("GPIO17", {"direction": "input"})
    assert other.line("GPIO17", "Owner") == other.unique_name


def test_release_by_spec_forms(pinbus):
    c = pinbus.bus
    c.claim("GPIO17", {})
    c.release("pinctrl-bcm2711:17")
    assert_free(c, "GPIO17")


def test_release_by_non_owner_is_busy(pinbus):
    a, b = pinbus.client(), pinbus.client()
    a.claim("GPIO17", {"direction": "input"})
    with dbus_error(E_LINE_BUSY, "GPIO17", a.unique_name):
        b.release("GPIO17")
    assert b.line("GPIO17", "Owner") == a.unique_name


def test_release_free_line_succeeds(pinbus):
    pinbus.bus.release("GPIO17")
    assert_free(pinbus.bus, "GPIO17")


def test_disconnect_releases_claims(pinbus):
    a, observer = pinbus.client(), pinbus.client()
    a.claim("GPIO17", {"direction": "input", "edge": "both"})
    a.claim("GPIO18", {"direction": "output", "value": True})
    assert observer.line("GPIO17", "Owner") == a.unique_name
    assert observer.line("GPIO18", "Owner") == a.unique_name

    rec = pinbus.recorder(observer)
    rec.watch_properties(line_path("GPIO17")).watch_properties(line_path("GPIO18"))
    a.close()
    wait_until(lambda: (False in rec.values(line_path("GPIO17"), LINE, "Used")
                        and False in rec.values(line_path("GPIO18"), LINE, "Used")),
               5, "GPIO17 and GPIO18 to be released after their owner disconnected")
    assert_free(observer, "GPIO17")
    assert_free(observer, "GPIO18")
    assert "" in rec.values(line_path("GPIO17"), LINE, "Owner")
    # Anyone may claim them now.
    observer.claim("GPIO17", {"direction": "input"})


def test_disconnect_keeps_other_clients_claims(pinbus):
    a, b = pinbus.client(), pinbus.client()
    a.claim("GPIO17", {})
    b.claim("GPIO18", {})
    rec = pinbus.recorder(b).watch_properties(line_path("GPIO17"))
    a.close()
    wait_until(lambda: False in rec.values(line_path("GPIO17"), LINE, "Used"), 5, "GPIO17 to be released")
    assert b.line("GPIO18", "Owner") == b.unique_name
    assert b.line("GPIO18", "Used")


def test_persist_survives_disconnect(pinbus):
    a, b = pinbus.client(), pinbus.client()
    a.claim("GPIO19", {"direction": "output", "value": True, "persist": True})
    a.claim("GPIO20", {"direction": "output", "value": True})
    rec = pinbus.recorder(b)
    rec.watch_properties(line_path("GPIO19")).watch_properties(line_path("GPIO20"))
    a.close()
    # GPIO20 (not persistent) being released shows the disconnect was processed.
    wait_until(lambda: "" in rec.values(line_path("GPIO19"), LINE, "Owner")
               and False in rec.values(line_path("GPIO20"), LINE, "Used"),
               5, "the daemon to take over GPIO19 and release GPIO20")
    props = b.line_props("GPIO19")
    assert props["Used"]
    assert props["Owner"] == ""
    assert props["Consumer"] == "pinbusd"
    assert props["Direction"] == "output"
    assert props["Value"]
    assert b.line_get("GPIO19") is True
    assert False not in rec.values(line_path("GPIO19"), LINE, "Used")

    # Held by the daemon now: anyone may release it.
    b.release("GPIO19")
    assert_free(b, "GPIO19")


def test_persist_line_can_be_reclaimed_by_anyone(pinbus):
    a, b = pinbus.client(), pinbus.client()
    a.claim("GPIO19", {"direction": "output", "value": True, "persist": True})
    rec = pinbus.recorder(b).watch_properties(line_path("GPIO19"))
    a.close()
    wait_until(lambda: "" in rec.values(line_path("GPIO19"), LINE, "Owner"), 5, "GPIO19 to lose its owner")
    b.claim("GPIO19", {"direction": "output"})
    props = b.line_props("GPIO19")
    assert props["Owner"] == b.unique_name
    assert props["Value"], "re-claiming an output without 'value' keeps its value"


def test_persist_claim_while_connected_is_still_owned(pinbus):
    a, b = pinbus.client(), pinbus.client()
    a.claim("GPIO19", {"direction": "input", "persist": True})
    with dbus_error(E_LINE_BUSY, "GPIO19", a.unique_name):
        b.release("GPIO19")
    with dbus_error(E_LINE_BUSY, "GPIO19", a.unique_name):
        b.claim("GPIO19", {})


def test_reclaim_without_persist_is_released_on_disconnect(pinbus):
    a, b = pinbus.client(), pinbus.client()
    a.claim("GPIO19", {"direction": "input", "persist": True})
    a.claim("GPIO19", {"direction": "input", "persist": False})
    rec = pinbus.recorder(b).watch_properties(line_path("GPIO19"))
    a.close()
    wait_until(lambda: False in rec.values(line_path("GPIO19"), LINE, "Used"), 5, "GPIO19 to be released")
    assert_free(b, "GPIO19")


def test_many_claims_one_client(pinbus):
    c = pinbus.bus
    names = [f"GPIO{i}" for i in range(2, 28)]
    for n in names:
        c.claim(n, {"direction": "input"})
    for n in names:
        assert c.line(n, "Owner") == c.unique_name
    for n in names:
        c.release(n)
    for n in names:
        assert_free(c, n)


def test_other_client_sees_no_change_on_refused_claim(pinbus):
    a, b = pinbus.client(), pinbus.client()
    a.claim("GPIO17", {"direction": "input"})
    rec = pinbus.recorder(a).watch_properties(line_path("GPIO17"))
    with pytest.raises(dbus.exceptions.DBusException):
        b.claim("GPIO17", {"direction": "output"})
    rec.sync()
    settle(0.05)  # fixed wait: nothing is expected, so there is no event to wait for
    assert rec.of("PropertiesChanged") == []


def test_disconnect_during_blink(pinbus):
    a, b = pinbus.client(), pinbus.client()
    a.claim("GPIO20", {"direction": "output"})
    a.line_blink("GPIO20", 10000, 10000, 0)
    rec = pinbus.recorder(b).watch_properties(line_path("GPIO20"))
    a.close()
    wait_until(lambda: False in rec.values(line_path("GPIO20"), LINE, "Used"), 5, "GPIO20 to be released")
    n = len(rec.values(line_path("GPIO20"), LINE, "Value"))
    settle(0.1)  # fixed wait (5 periods): the blink must have stopped with the claim
    assert len(rec.values(line_path("GPIO20"), LINE, "Value")) == n
    assert_free(b, "GPIO20")


def test_release_during_blink(pinbus):
    c = pinbus.bus
    c.claim("GPIO20", {"direction": "output"})
    c.line_blink("GPIO20", 10000, 10000, 0)
    rec = pinbus.recorder(c).watch_properties(line_path("GPIO20"))
    c.release("GPIO20")
    rec.sync()
    n = len(rec.values(line_path("GPIO20"), LINE, "Value"))
    settle(0.1)  # fixed wait (5 periods): the blink must have stopped with the release
    assert len(rec.values(line_path("GPIO20"), LINE, "Value")) == n
    assert_free(c, "GPIO20")


def test_claim_as_input_stops_daemon_blink(pinbus):
    c = pinbus.bus
    c.line_blink("GPIO20", 10000, 10000, 0)  # a free line: the daemon holds it
    c.claim("GPIO20", {"direction": "input", "edge": "both"})
    rec = pinbus.recorder(c).watch_properties(line_path("GPIO20"))
    rec.watch(LINE, "Edge", line_path("GPIO20"))
    settle(0.1)  # fixed wait (5 periods): the blink must not drive the input line
    assert rec.values(line_path("GPIO20"), LINE, "Value") == []
    assert rec.edges("GPIO20") == []
    props = c.line_props("GPIO20")
    assert props["Direction"] == "input"
    assert props["Owner"] == c.unique_name


def test_reclaim_without_edges_stops_edges(pinbus):
    c = pinbus.bus
    c.claim("GPIO22", {"direction": "input", "edge": "both"})
    c.claim("GPIO22", {"direction": "input", "edge": "none"})
    rec = pinbus.recorder(c).watch(LINE, "Edge", line_path("GPIO22"))
    c.set_input("GPIO22", True)
    settle(0.1)  # fixed wait: no Edge may come
    assert rec.edges("GPIO22") == []
    assert c.line("GPIO22", "Edge") == "none"


def test_persist_line_keeps_reporting_edges(pinbus):
    a, b = pinbus.client(), pinbus.client()
    a.claim("GPIO22", {"direction": "input", "edge": "both", "persist": True})
    rec = pinbus.recorder(b).watch_properties(line_path("GPIO22"))
    rec.watch(LINE, "Edge", line_path("GPIO22"))
    a.close()
    wait_until(lambda: "" in rec.values(line_path("GPIO22"), LINE, "Owner"), 5, "GPIO22 to lose its owner")
    b.set_input("GPIO22", True)
    wait_until(lambda: rec.edges("GPIO22"), 5, "an Edge on the daemon-held line")
    assert [(v, s) for v, _, s in rec.edges("GPIO22")] == [(True, 1)]
