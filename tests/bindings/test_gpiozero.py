# SPDX-License-Identifier: LGPL-2.1-or-later
"""pinbus.gpiozero, the `pinbus` gpiozero pin factory, against Debian's gpiozero (1.6) and
`pinbusd --simulate`: a tutorial script run unchanged, and every Pin feature in loopback (an
LED on one line, a Button on another, joined by Simulator.Connect as a bench test's wire).

Times asserted are the daemon's: edge ticks against Simulator.Schedule's start. Waits are
polls with scaled timeouts; the script test checks the order of what it prints, never how
fast it prints it.
"""

import subprocess
import sys
import threading
import time

import pytest
from pbharness import scaled
from pbharness.cli import OutputLines
from pbharness.client import poll_until

gpiozero = pytest.importorskip("gpiozero", reason="python3-gpiozero is not installed")
from gpiozero import LED, PWMLED, Button  # noqa: E402
from gpiozero.exc import (  # noqa: E402
    BadPinFactory,
    GPIOPinInUse,
    PinFixedPull,
    PinInvalidFunction,
    PinInvalidPin,
    PinPWMUnsupported,
    PinSetInput,
)

import pinbus  # noqa: E402
from pinbus.gpiozero import PinbusFactory  # noqa: E402

TUTORIAL_BUTTON = """\
from gpiozero import Button
from time import sleep
the_button = Button(2)
while True:
    if the_button.is_pressed:
        print("Button Pressed")
    else:
        print("Button Released")
    sleep(1)
"""


@pytest.fixture
def factory(daemon):
    f = PinbusFactory(address=daemon.address)
    yield f
    f.close()


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


def line_props(client, name):
    return client.line(name).properties()


def test_tutorial_button_script_unchanged(daemon, sim, tmp_path, script_env):
    """The tutorial's script, run as a user would with GPIOZERO_PIN_FACTORY=pinbus, prints
    "Button Pressed" exactly while the test holds GPIO2 down (bouncing, as a real contact)."""
    script = tmp_path / "button.py"
    script.write_text(TUTORIAL_BUTTON)
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**script_env, "GPIOZERO_PIN_FACTORY": "pinbus"})
    out = OutputLines(proc)
    try:
        out.wait(lambda ls: len(ls) >= 2, 20, "two lines before the press")
        # Every line printed so far was evaluated before the press.
        before_press = len(out.lines)
        sim.bounce("GPIO2", False, 6, 20000)  # pressed: GPIO2 (pulled up) to ground
        out.wait(lambda ls: ls[before_press:].count("Button Pressed") >= 2, 20, "two 'Button Pressed'")
        sim.bounce("GPIO2", True, 6, 20000)  # released
        n = len(out.lines)
        out.wait(lambda ls: ls[n:].count("Button Released") >= 2, 20, "two 'Button Released' after")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=scaled(10))
    lines = out.lines
    assert set(lines) == {"Button Pressed", "Button Released"}, lines
    assert lines[:before_press] == ["Button Released"] * before_press
    # One block of presses, between the press and the release: R... P P... R R...
    first = lines.index("Button Pressed")
    last = len(lines) - 1 - lines[::-1].index("Button Pressed")
    assert lines[first:last + 1] == ["Button Pressed"] * (last - first + 1), lines
    assert last - first + 1 >= 2
    assert "Traceback" not in err, err


def test_entry_point_selects_factory(daemon, script_env):
    code = ("from gpiozero import Device, LED\n"
            "led = LED(17)\n"
            "print(type(Device.pin_factory).__module__, type(Device.pin_factory).__name__)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=scaled(30),
                       env={**script_env, "GPIOZERO_PIN_FACTORY": "pinbus"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["pinbus.gpiozero", "PinbusFactory"]


def test_pin_names(factory):
    """gpiozero's names of GPIO2 all give the one pin, resolved by the daemon's line name."""
    pin = factory.pin(2)
    for spec in ("2", "GPIO2", "gpio2", "BCM2", "BOARD3", "J8:3", b"GPIO2"):
        assert factory.pin(spec) is pin, spec
    assert repr(pin) == "GPIO2" and pin.number == 2
    # Any other string is a line spec for the daemon.
    assert factory.pin("gpiochip0:17") is factory.pin(17)
    assert factory.pin("pinctrl-bcm2711:17") is factory.pin("BOARD11")
    assert repr(factory.pin("ID_SDA")) == "ID_SDA"
    for bad in ("NOPE", "BOARD1", "J8:99", "gpiochip0:999", 99, -1):
        with pytest.raises(PinInvalidPin):
            factory.pin(bad)


def test_board_info(factory):
    info = factory.pi_info
    assert info.model == "4B"
    pin3 = info.headers["J8"].pins[3]
    assert (pin3.name if hasattr(pin3, "names") else pin3.function) == "GPIO2"  # gpiozero 2.x, 1.x
    assert factory.backend == "simulator"
    t = factory.ticks()
    assert factory.ticks_diff(t + 1, t) == 1 and factory.ticks_diff(t, t + 1) == 0
    assert abs(t - time.clock_gettime(time.CLOCK_MONOTONIC)) < scaled(5), "the kernel's clock"


def test_led_drives_wired_button(factory, sim, reader):
    sim.connect("GPIO17", "GPIO27")
    led = LED(17, pin_factory=factory)
    button = Button(27, pin_factory=factory)  # pulled up, pressed when low
    try:
        assert led.pin.function == "output" and button.pin.function == "input"
        p = line_props(reader, "GPIO17")
        assert (p["Direction"], p["Owner"], p["Value"]) == ("output", factory.pinbus.unique_name, False)
        assert button.is_pressed  # the LED drives the wire low
        led.on()
        assert line_props(reader, "GPIO17")["Value"] is True
        assert not button.is_pressed and button.pin.state == 1 and led.pin.state == 1
        led.toggle()
        assert button.is_pressed
    finally:
        led.close()
        button.close()


def test_when_changed_ticks_are_kernel_timestamps(factory, sim):
    """when_changed runs on the factory's thread with the edge's kernel timestamp as ticks."""
    sim.connect("GPIO17", "GPIO27")  # GPIO17 free: the schedule drives the wire
    pin = factory.pin(27)
    pin.function = "input"
    events = []

    def changed(ticks, state):
        events.append((ticks, state, threading.current_thread().name))

    pin.when_changed = changed
    assert pin.when_changed is changed and pin.edges == "both"
    start = sim.schedule("GPIO17", [(1000, True, 0, 1000), (10000, False, 0, 1000)])
    poll_until(lambda: len(events) >= 2, 10, "two when_changed calls")
    assert [s for _, s, _ in events] == [1, 0]
    assert threading.main_thread().name not in {t for _, _, t in events}
    offsets = [round(factory.ticks_diff(t, start / 1e9) * 1e6) for t, _, _ in events]
    assert offsets == [2000, 11000], "µs after the schedule's start, exactly as scripted"

    pin.edges = "rising"
    events.clear()
    start = sim.schedule("GPIO17", [(1000, True, 0, 1000), (10000, False, 0, 1000),
                                    (20000, True, 0, 1000)])
    poll_until(lambda: len(events) >= 2, 10, "two rising edges")
    time.sleep(0.1)  # fixed wait: no falling edge may come
    assert [(round(factory.ticks_diff(t, start / 1e9) * 1e6), s) for t, s, _ in events] == [(2000, 1), (21000, 1)]

    pin.when_changed = None
    pin.close()


def test_bounce_is_the_line_debounce(factory, sim, reader):
    sim.connect("GPIO17", "GPIO27")
    button = Button(27, pull_up=False, bounce_time=0.005, pin_factory=factory)
    try:
        assert button.pin.bounce == 0.005
        assert line_props(reader, "GPIO27")["DebounceUs"] == 5000
        presses = []
        button.when_pressed = lambda: presses.append(threading.current_thread().name)
        # A 1 ms glitch (filtered), then a clean press at 11 ms, counted 5 ms later.
        sim.schedule("GPIO17", [(0, True, 0, 1000), (1000, False, 0, 1000), (10000, True, 0, 1000)])
        poll_until(lambda: presses, 10, "the press")
        time.sleep(0.1)  # fixed wait: the glitch must not count
        assert len(presses) == 1
        assert button.is_pressed
        button.pin.bounce = None
        assert line_props(reader, "GPIO27")["DebounceUs"] == 0
    finally:
        button.close()


def test_pull(factory, reader):
    down = Button(27, pull_up=False, pin_factory=factory)
    up = Button(22, pin_factory=factory)
    try:
        assert (down.pin.pull, line_props(reader, "GPIO27")["Bias"]) == ("down", "pull-down")
        assert (up.pin.pull, line_props(reader, "GPIO22")["Bias"]) == ("up", "pull-up")
        up.pin.pull = "floating"
        assert line_props(reader, "GPIO22")["Bias"] == "disabled"
        # A pull-up makes the simulated pin high; pull-down low.
        assert up.pin.state == 1 and down.pin.state == 0
    finally:
        down.close()
        up.close()
    # GPIO2 has the board's fixed pull-up, as gpiozero's own factories know.
    with pytest.raises(PinFixedPull):
        Button(2, pull_up=False, pin_factory=factory)


def test_function_and_state(factory, reader):
    pin = factory.pin(23)
    pin.output_with_state(1)
    assert line_props(reader, "GPIO23")["Value"] is True and pin.function == "output"
    pin.state = 0
    assert line_props(reader, "GPIO23")["Value"] is False
    pin.function = "input"
    assert line_props(reader, "GPIO23")["Direction"] == "input"
    with pytest.raises(PinSetInput):
        pin.state = 1
    with pytest.raises(PinInvalidFunction):
        pin.function = "alt0"
    pin.close()
    assert line_props(reader, "GPIO23")["Used"] is False


def test_pin_held_by_another_program(factory, holder):
    holder.claim("GPIO22", direction="input")
    with pytest.raises(GPIOPinInUse) as e:
        Button(22, pin_factory=factory)
    msg = str(e.value)
    assert "GPIO22" in msg and holder.unique_name in msg, msg
    assert "pid " in msg, msg  # the holder's process, where the bus tells it
    # Within the process, gpiozero's own reservations.
    led = LED(17, pin_factory=factory)
    with pytest.raises(GPIOPinInUse):
        LED("BOARD11", pin_factory=factory)
    led.close()
    LED(17, pin_factory=factory).close()


@pytest.mark.pinbus_config("[output porch]\nline = GPIO24\n")
def test_configured_output_is_in_use(factory):
    with pytest.raises(GPIOPinInUse) as e:
        LED(24, pin_factory=factory)
    assert "GPIO24" in str(e.value) and "porch" in str(e.value)


def test_pwm_unsupported(factory, reader):
    with pytest.raises(PinPWMUnsupported):
        PWMLED(18, pin_factory=factory)
    pin = factory.pin(18)
    pin.frequency = None
    assert pin.frequency is None


def test_close_releases_every_line(daemon, reader):
    f = PinbusFactory(address=daemon.address)
    led = LED(17, pin_factory=f)  # kept in a variable: a device that is collected closes itself
    b = Button(27, pin_factory=f)
    b.when_pressed = lambda: None
    assert line_props(reader, "GPIO17")["Used"] and line_props(reader, "GPIO27")["Edge"] == "both"
    assert not led.closed
    f.close()
    poll_until(lambda: not line_props(reader, "GPIO17")["Used"] and not line_props(reader, "GPIO27")["Used"], 5,
             "the lines to be released")


def test_no_daemon(bus):
    with pytest.raises(BadPinFactory) as e:
        PinbusFactory(address=bus.address)
    assert "io.pinbus1" in str(e.value)


def test_threads_share_the_factory(factory, sim):
    """gpiozero's own blink thread drives the LED, the factory's thread delivers the Button's
    events, and the main thread reads: all at once, on one factory (no crash, no lost event)."""
    sim.connect("GPIO20", "GPIO21")
    led = LED(20, pin_factory=factory)
    button = Button(21, pull_up=False, pin_factory=factory)
    counts = {"pressed": 0, "released": 0}

    def count(what):
        counts[what] += 1

    button.when_pressed = lambda: count("pressed")
    button.when_released = lambda: count("released")
    try:
        led.blink(on_time=0.02, off_time=0.02, n=10, background=True)
        reads = 0

        def read_until_done():
            nonlocal reads
            button.is_pressed  # the main thread's calls, between the other threads' ones
            reads += 1
            return counts["released"] >= 10

        poll_until(read_until_done, 20, "ten presses and releases")
        assert counts == {"pressed": 10, "released": 10}, counts
        print(f"main-thread reads during the blinks: {reads}")
    finally:
        led.close()
        button.close()
