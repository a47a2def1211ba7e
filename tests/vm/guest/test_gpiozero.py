# SPDX-License-Identifier: LGPL-2.1-or-later
"""The issue's two tutorial scripts, unchanged, against the kernel's gpio-sim: gpiozero's Button
through the `pinbus` pin factory (GPIOZERO_PIN_FACTORY=pinbus), MicroPython's machine.Pin through
`python3 -m pinbus.machine`, with pinbusd on its libgpiod backend.

The test presses GPIO2 from the kernel's side (sim_gpio2/pull) and reads what the blink script
drives there (sim_gpio2/value, and the Value changes another client sees). The order of what
the scripts print is checked, never how fast they print it.
"""

import importlib.util
import os
import signal
import subprocess
import sys
import time

import pytest

from pbharness import BINDINGS_PYTHON, scaled
from pbharness.cli import OutputLines
from pbharness.client import pump
from pbharness.names import LINE, line_path

PYTHON_DIR = str(BINDINGS_PYTHON)

pytest.importorskip("gpiozero", reason="python3-gpiozero is not installed")

BUTTON = """\
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

BLINK = """\
from machine import Pin                # MicroPython style
import time
ledPin = Pin(2, Pin.OUT)
while True:
    ledPin.on(); time.sleep(1); ledPin.off(); time.sleep(1)
"""


@pytest.fixture
def script_env(pinbus, tmp_path):
    """The package from the source tree, its metadata (so gpiozero finds the factory), the bus."""
    spec = importlib.util.spec_from_file_location("write_metadata", os.path.join(PYTHON_DIR, "write-metadata.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    meta = tmp_path / "metadata"
    module.write(__import__("pathlib").Path(PYTHON_DIR, "pyproject.toml"), meta / "pinbus-0.dist-info")
    env = dict(os.environ)
    env.update(PYTHONPATH=os.pathsep.join([PYTHON_DIR, str(meta)]), PINBUS_ADDRESS=pinbus.address,
               PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1")  # print() reaches the pipe at once
    return env


def test_gpiozero_button_script(pinbus, gpio_sim, tmp_path, script_env):
    sim = gpio_sim("bcm2711")
    script = tmp_path / "button.py"
    script.write_text(BUTTON)
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**script_env, "GPIOZERO_PIN_FACTORY": "pinbus"})
    out = OutputLines(proc)
    try:
        out.wait(lambda ls: len(ls) >= 2, 60, "two lines before the press")
        assert sim.get_pull(2) == "pull-up", "Button(2) asked the kernel for the pull-up"
        before = len(out.lines)
        sim.pull(2, False)  # pressed: to ground
        out.wait(lambda ls: ls[before:].count("Button Pressed") >= 2, 60, "two 'Button Pressed'")
        sim.pull(2, True)
        n = len(out.lines)
        out.wait(lambda ls: ls[n:].count("Button Released") >= 2, 60, "two 'Button Released' after")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=scaled(30))
    lines = out.lines
    assert lines[:before] == ["Button Released"] * before
    first = lines.index("Button Pressed")
    last = len(lines) - 1 - lines[::-1].index("Button Pressed")
    assert lines[first:last + 1] == ["Button Pressed"] * (last - first + 1) and last > first, lines
    assert "Traceback" not in err, err


def test_machine_blink_script(pinbus, gpio_sim, tmp_path, script_env):
    sim = gpio_sim("bcm2711")
    script = tmp_path / "blink.py"
    script.write_text(BLINK)
    rec = pinbus.recorder().watch_properties(line_path("GPIO2"))
    proc = subprocess.Popen([sys.executable, "-m", "pinbus.machine", str(script)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=script_env)
    levels = []
    try:
        deadline = time.monotonic() + scaled(60)
        # The kernel's side: what the pin carries, sampled until it changed four times.
        while time.monotonic() < deadline and len(levels) < 5:
            v = sim.value(2)
            if not levels or levels[-1] != v:
                levels.append(v)
            pump()
            time.sleep(0.05)
        values = rec.values(line_path("GPIO2"), LINE, "Value")
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=scaled(30))
    assert len(levels) >= 5, f"GPIO2 levels {levels}; stderr: {err}"
    assert levels[1:5] in ([True, False, True, False], [False, True, False, True]), levels
    # Another client sees the toggles as Value changes.
    assert [True, False, True] == [v for v in values if v is not None][:3] or \
        [False, True, False] == [v for v in values if v is not None][:3], values
    assert "Traceback" not in err, err
