# SPDX-License-Identifier: LGPL-2.1-or-later
"""A line another process holds (gpioset) shows Used and its Consumer, and pinbusd refuses it with LineBusy;
once that process lets go, the line is free again."""

import subprocess

import pytest

from pbharness.client import dbus_error, wait_until
from pbharness.gpiosim import gpioinfo
from pbharness.names import E_LINE_BUSY, E_NO_SUCH_LINE, LINE, line_path


@pytest.fixture
def gpioset(gpio_sim):
    procs = []

    def start(device, offset, consumer="other-app"):
        chip = gpio_sim(device).chip_name
        p = subprocess.Popen(["gpioset", "--chip", chip, "--consumer", consumer, f"{offset}=1"],
                             stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append(p)
        wait_until(lambda: p.poll() is not None or any(f'consumer="{consumer}"' in x
                                                             for x in gpioinfo(chip, offset)),
                       10, f"gpioset to hold {chip} line {offset}")
        assert p.poll() is None, f"gpioset exited: {p.stderr.read().decode(errors='replace')}"
        return p

    yield start
    for p in procs:
        p.kill()
        p.wait()


def stop(p):
    p.terminate()
    p.wait(timeout=10)


@pytest.mark.parametrize("device,name,offset", [("bcm2711", "GPIO21", 21), ("exp", "SD_PWR_ON", 6)])
def test_used_and_consumer(pinbus, gpioset, device, name, offset):
    c = pinbus.bus
    path = line_path(name)
    rec = pinbus.recorder().watch_properties(path)
    assert not c.line(name, "Used")
    p = gpioset(device, offset)
    wait_until(lambda: True in rec.values(path, LINE, "Used"), 10, f"Used=true emitted for {name}")
    assert c.line(name, "Used")
    assert c.line(name, "Consumer") == "other-app"
    assert c.line(name, "Owner") == ""
    stop(p)
    wait_until(lambda: False in rec.values(path, LINE, "Used"), 10, f"Used=false emitted for {name}")
    assert c.line(name, "Consumer") == ""


def test_claim_refused(pinbus, gpioset):
    c = pinbus.bus
    p = gpioset("bcm2711", 20)
    with dbus_error(E_LINE_BUSY, "GPIO20", "other-app"):
        c.claim("GPIO20", {"direction": "input"})
    with dbus_error(E_LINE_BUSY, "GPIO20", "other-app"):
        c.line_set("GPIO20", False)
    with dbus_error(E_LINE_BUSY, "GPIO20"):
        c.line_get("GPIO20")
    stop(p)
    wait_until(lambda: not c.line("GPIO20", "Used"), 10, "GPIO20 to be free")
    c.claim("GPIO20", {"direction": "output", "value": True})
    assert c.line("GPIO20", "Consumer") == "pinbusd"


@pytest.mark.pinbusd(config="[output fan]\nline = GPIO19\ninitial = on\n", start=False)
def test_configured_output_on_a_taken_line(pinbus, gpioset):
    """The daemon starts anyway; the output has no line, and says why when driven."""
    gpioset("bcm2711", 19)
    pinbus.daemon.start()
    c = pinbus.bus
    assert c.output("fan", "Line") == "/"
    with dbus_error(E_NO_SUCH_LINE, "fan"):
        c.output_call("fan", "Set", "b", True)
    assert "GPIO19" in pinbus.daemon.log_text()
