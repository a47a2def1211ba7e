# SPDX-License-Identifier: LGPL-2.1-or-later
"""Configured outputs through the pinbus API and CLI."""

import time

import pytest
from pbharness import scaled
from pbharness.client import poll_until

import pinbus

pytestmark = pytest.mark.pinbus_config("""\
[output porch]
line = GPIO27
initial = on
restore = yes

[output relay.1]
line = GPIO22
active-low = yes

[output ghost]
line = GPIO99
""")


def test_outputs_list(pb):
    outputs = pb.outputs
    assert [o.name for o in outputs] == ["porch", "relay.1", "ghost"]
    assert all(isinstance(o, pinbus.Output) for o in outputs)
    assert outputs[1].path == "/io/pinbus1/output/relay_2e1"
    assert pb.output("relay.1") == outputs[1]
    assert repr(outputs[1]) == "<pinbus.Output relay.1>"


def test_output_properties(pb):
    porch = pb.output("porch")
    assert porch.name == "porch"
    assert porch.line == pb.line("GPIO27")
    assert porch.value is True
    assert porch.restore is True
    relay = pb.output("relay.1")
    assert relay.value is False
    assert relay.restore is False
    assert relay.line.active_low is True
    assert relay.properties()["Name"] == "relay.1"


def test_output_set_toggle(pb):
    porch = pb.output("porch")
    line = porch.line
    porch.set(False)
    assert porch.value is False
    assert line.value is False
    porch.toggle()
    assert porch.value is True
    assert line.get() is True
    # The line is held for the output: it cannot be claimed or released, but driven.
    with pytest.raises(pinbus.LineBusy, match="porch"):
        pb.claim("GPIO27")
    with pytest.raises(pinbus.LineBusy, match="GPIO27"):
        pb.release("GPIO27")
    line.set(False)
    assert porch.value is False


def test_output_pulse_blink(pb):
    relay = pb.output("relay.1")
    relay.pulse(True, 0.1)
    assert relay.value is True
    poll_until(lambda: relay.value is False, what="the pulse to end")
    relay.blink(0.02, 0.02, 2)
    assert relay.value is True
    poll_until(lambda: relay.value is False, what="the blink to end")
    with pytest.raises(pinbus.InvalidArgs, match="GPIO22"):
        relay.blink(0, 0.02)


def test_output_without_line(pb):
    ghost = pb.output("ghost")
    assert ghost.line is None
    with pytest.raises(pinbus.NoSuchLine, match="ghost") as e:
        ghost.set(True)
    assert e.value.name == "io.pinbus1.Error.NoSuchLine"
    with pytest.raises(pinbus.NoSuchLine):
        ghost.toggle()


def test_no_such_output(pb):
    with pytest.raises(pinbus.NoSuchDevice, match="garage"):
        pb.output("garage")


def test_restore_across_restart(daemon, pb):
    pb.output("porch").set(False)
    pb.output("relay.1").set(True)
    pb.close()
    daemon.restart()
    with pinbus.Pinbus(address=daemon.address) as p:
        assert p.output("porch").value is False  # restored
        assert p.output("relay.1").value is False  # not restored: initial


def test_cli_info_lists_outputs(cli):
    out = cli("info").stdout
    assert "outputs:\n" in out
    assert "  porch GPIO27 on restore\n" in out
    assert "  relay.1 GPIO22 off\n" in out
    assert "  ghost (no line) off\n" in out


def test_cli_drives_an_output_line(cli, pb):
    cli("set", "GPIO27", "off")
    assert pb.output("porch").value is False
    r = cli("release", "GPIO27", check_status=1)
    assert r.stderr.startswith("pinbus: ") and "GPIO27" in r.stderr and "porch" in r.stderr
    cli("pulse", "GPIO27", "on", "50ms")
    time.sleep(scaled(0.01))
    poll_until(lambda: pb.output("porch").value is False, what="the pulse to end")
