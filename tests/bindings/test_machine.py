# SPDX-License-Identifier: LGPL-2.1-or-later
"""pinbus.machine, MicroPython's machine.Pin and Signal: the MicroPython-style blink script run
unchanged through `python3 -m pinbus.machine` (its toggles seen as Edges by another client
through a Simulator.Connect wire), and every Pin feature in loopback."""

import signal
import subprocess
import sys
import threading
import time

import pytest
from pbharness import scaled
from pbharness.client import poll_until

import pinbus
from pinbus import machine
from pinbus.machine import Pin, Signal

BLINK = """\
from machine import Pin                # MicroPython style
import time
ledPin = Pin(2, Pin.OUT)
while True:
    ledPin.on(); time.sleep(1); ledPin.off(); time.sleep(1)
"""


@pytest.fixture
def reader(daemon):
    """A client for the test's own calls, without a main loop: the event thread under test runs
    GLib's default context, which a client attached to it must not share across threads."""
    with pinbus.Pinbus(address=daemon.address, main_loop=False) as p:
        yield p


@pytest.fixture
def holder(daemon):
    """Another program's client (no main loop, as `reader`)."""
    with pinbus.Pinbus(address=daemon.address, main_loop=False) as p:
        yield p


@pytest.fixture
def mp(daemon):
    """pinbus.machine on the test's daemon."""
    machine.connect(daemon.address)
    yield machine
    machine.connect(daemon.address)  # drops the test's pins: their lines are released


def test_blink_script_unchanged(daemon, pb, sim, tmp_path, script_env):
    script = tmp_path / "blink.py"
    script.write_text(BLINK)
    # Another client watches GPIO2 through a wire to GPIO3: Edges carry the daemon's times.
    sim.connect("GPIO2", "GPIO3")
    edges = []

    def on_edge(value, timestamp_ns, seqno):
        edges.append((value, timestamp_ns))
        if len(edges) >= 4:
            pb.stop()

    sub = pb.line("GPIO3").on_edge(on_edge)
    pb.claim("GPIO3", edge="both")
    proc = subprocess.Popen([sys.executable, "-m", "pinbus.machine", str(script)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=script_env)
    try:
        pb.run(timeout=scaled(30))
        owner = pb.line("GPIO2").owner
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=scaled(10))
        sub.remove()
    assert len(edges) >= 4, f"edges {edges}; the script said {out} {err}"
    assert [v for v, _ in edges[:4]] == [True, False, True, False]
    intervals = [(b - a) / 1e9 for (_, a), (_, b) in zip(edges, edges[1:])]
    print(f"blink intervals (daemon time): {['%.3f s' % i for i in intervals]}")
    # sleep(1) separates the calls by at least 1 s; the daemon handles each a little later,
    # by however long the bus takes: half a second of slack for a loaded host.
    assert all(i > 0.5 for i in intervals), intervals
    assert owner and owner != pb.unique_name, "the script holds GPIO2 as its own client"
    assert proc.returncode == 130 and "Traceback" not in err, err


def test_runner_usage(script_env):
    r = subprocess.run([sys.executable, "-m", "pinbus.machine"], capture_output=True, text=True,
                       env=script_env, timeout=scaled(30))
    assert r.returncode == 2 and "usage: python3 -m pinbus.machine SCRIPT" in r.stderr


def test_runner_time_extras_and_exit(daemon, tmp_path, script_env):
    script = tmp_path / "t.py"
    script.write_text("import sys, time, utime, machine\n"
                      "t = time.ticks_ms(); time.sleep_ms(1); time.sleep_us(1)\n"
                      "assert time.ticks_diff(time.ticks_ms(), t) >= 1\n"
                      "print(machine.__name__, utime is time, sys.argv[1:])\n"
                      "sys.exit(3)\n")
    r = subprocess.run([sys.executable, "-m", "pinbus.machine", str(script), "a", "b"], capture_output=True,
                       text=True, env=script_env, timeout=scaled(30))
    assert r.returncode == 3, r.stderr
    assert r.stdout.split() == ["pinbus.machine", "True", "['a',", "'b']"]


def test_output(mp, reader):
    led = Pin(17, Pin.OUT, value=1)
    p = reader.line("GPIO17").properties()
    assert (p["Direction"], p["Value"], p["Drive"]) == ("output", True, "push-pull")
    led.off()
    assert led.value() == 0 and reader.line("GPIO17").value is False
    led.on()
    assert led() == 1
    led(0)
    led.toggle()
    assert led.value() == 1
    led.low()
    assert led.value() == 0
    assert led.mode() == Pin.OUT
    Pin("GPIO18", Pin.OPEN_DRAIN)
    assert reader.line("GPIO18").drive == "open-drain"


def test_input_pull_and_loopback(mp, reader, sim):
    sim.connect("GPIO17", "GPIO27")
    led = Pin(17, Pin.OUT, value=0)
    button = Pin(27, Pin.IN, Pin.PULL_UP)
    assert reader.line("GPIO27").bias == "pull-up" and button.pull() == Pin.PULL_UP
    assert button.value() == 0, "the wire beats the pull-up"
    led.on()
    assert button.value() == 1
    button.init(pull=Pin.PULL_DOWN)
    assert reader.line("GPIO27").bias == "pull-down"
    with pytest.raises(OSError, match="GPIO27"):
        button.value(1)


def test_irq(mp, sim):
    sim.connect("GPIO17", "GPIO27")  # GPIO17 free: the schedule drives the wire
    button = Pin(27, Pin.IN)
    calls = []
    irq = button.irq(lambda pin: calls.append((pin, threading.current_thread().name)), Pin.IRQ_RISING)
    assert irq.trigger() == Pin.IRQ_RISING
    sim.schedule("GPIO17", [(1000, True, 0, 1000), (10000, False, 0, 1000), (20000, True, 0, 1000)])
    poll_until(lambda: len(calls) >= 2, 10, "two rising edges")
    time.sleep(0.1)  # fixed wait: the falling edge must not call the handler
    assert [p for p, _ in calls] == [button, button]
    assert threading.main_thread().name not in {t for _, t in calls}
    button.irq(None)
    calls.clear()
    sim.set_input("GPIO17", False)
    sim.set_input("GPIO17", True)
    time.sleep(0.1)  # fixed wait: a disabled irq calls nothing
    assert calls == []
    with pytest.raises(ValueError):
        button.irq(lambda p: None, 4)


def test_signal(mp, reader):
    relay = Signal(Pin(22, Pin.OUT), invert=True)
    relay.on()
    assert reader.line("GPIO22").value is False and relay.value() == 1
    relay.off()
    assert reader.line("GPIO22").value is True
    plain = Signal(23, Pin.OUT)
    plain.on()
    assert reader.line("GPIO23").value is True


def test_errors(mp, holder):
    with pytest.raises(OSError, match="NoSuchLine"):
        Pin(99, Pin.OUT)
    with pytest.raises(ValueError):
        Pin(17, 7)
    holder.claim("GPIO22", direction="input")
    with pytest.raises(OSError) as e:
        Pin(22, Pin.OUT)
    assert "GPIO22" in str(e.value) and holder.unique_name in str(e.value)


def test_pins_released_with_the_connection(daemon, reader):
    machine.connect(daemon.address)
    Pin(17, Pin.OUT)
    assert reader.line("GPIO17").used
    machine.connect(daemon.address)
    poll_until(lambda: not reader.line("GPIO17").used, 5, "GPIO17 to be released")
    assert isinstance(pinbus.machine, type(machine))
