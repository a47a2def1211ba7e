# SPDX-License-Identifier: LGPL-2.1-or-later
"""The `pinbus` command's additions of issue 12: --version, --json on every command that prints,
configured outputs and buttons by name, and `pinbus wait` with gpiomon-like exit statuses.

`wait` tests start the command, wait until the daemon shows its claim (so the edge cannot come
before it listens), then play edges with Simulator.Schedule: the edges and their timestamps are
the daemon's, however slowly the command runs. Only the timeout is host time, asserted as a
lower bound."""

import json
import threading
import time

import pytest
from pbharness import scaled
from pbharness.client import poll_until

import pinbus
from pinbus.cli import EXIT_TIMEOUT

CONFIG = """\
[output porch]
line = GPIO27

[button doorbell]
line = GPIO17
bias = pull-up
active-low = yes
debounce = 5ms
"""


def start_wait(cli, pb, line, *args, edge="both"):
    proc = cli.popen("wait", line, "--edge", edge, *args)
    l = pb.line(line)
    poll_until(lambda: proc.poll() is not None or (l.owner and l.edge == edge), 10, f"`pinbus wait` to claim {line}")
    assert proc.poll() is None, proc.communicate()
    return proc


def finish(proc):
    out, err = proc.communicate(timeout=scaled(30))
    assert "Traceback" not in err, err
    return proc.returncode, out, err


def test_version(cli):
    r = cli("--version", bus_args=[])
    assert r.stdout.strip() == f"pinbus {pinbus.__version__}"


def test_wait_rising_edge(cli, pb, sim):
    proc = start_wait(cli, pb, "GPIO22", "--timeout", "20s", edge="rising")
    start = sim.schedule("GPIO22", [(1000, True, 0, 1000)])
    status, out, _ = finish(proc)
    assert status == 0
    stamp, seqno, value = out.split()
    s, ns = stamp.split(".")
    assert int(s) * 1_000_000_000 + int(ns) == start + 2_000_000 and value == "1"
    assert not pb.line("GPIO22").used, "released on the way out"


def test_wait_timeout(cli, pb):
    """The issue's command: non-zero (124) after 2 s without a rising edge."""
    t0 = time.monotonic()
    r = cli("wait", "GPIO22", "--edge", "rising", "--timeout", "2s", check_status=EXIT_TIMEOUT)
    assert time.monotonic() - t0 >= 2
    assert r.stdout == ""
    assert not pb.line("GPIO22").used


def test_wait_falling_edge_ignores_rising(cli, pb, sim):
    proc = start_wait(cli, pb, "GPIO22", "--timeout", "20s", edge="falling")
    start = sim.schedule("GPIO22", [(1000, True, 0, 1000), (5000, False, 0, 1000)])
    status, out, _ = finish(proc)
    assert status == 0
    doc = json.loads(out) if out.startswith("{") else None
    assert doc is None
    stamp, _, value = out.split()
    assert value == "0" and int(stamp.replace(".", "")) == start + 6_000_000


def test_wait_count_json(cli, pb, sim):
    proc = cli.popen("--json", "wait", "GPIO22", "--count", "3")
    line = pb.line("GPIO22")
    poll_until(lambda: line.owner and line.edge == "both", 10, "the claim")
    start = sim.schedule("GPIO22", [(1000, True, 0, 1000), (5000, False, 0, 1000), (9000, True, 0, 1000),
                                    (13000, False, 0, 1000)])
    status, out, _ = finish(proc)
    assert status == 0
    docs = [json.loads(x) for x in out.splitlines()]
    assert [(d["line"], d["value"], d["timestamp_ns"] - start) for d in docs] == [
        ("GPIO22", True, 2_000_000), ("GPIO22", False, 6_000_000), ("GPIO22", True, 10_000_000)]
    assert [d["seqno"] for d in docs] == [docs[0]["seqno"] + i for i in range(3)]


def test_wait_errors(cli, other):
    r = cli("wait", "NOPE", check_status=1)
    assert "NOPE" in r.stderr
    other.claim("GPIO22")
    r = cli("wait", "GPIO22", "--timeout", "1s", check_status=1)
    assert "GPIO22" in r.stderr
    for bad in (["--count", "0"], ["--timeout", "soon"], ["--edge", "up"]):
        r = cli("wait", "GPIO23", *bad, check_status=2)
        assert "usage:" in r.stderr


@pytest.mark.pinbus_config(CONFIG)
def test_outputs_and_buttons_by_name(cli, pb):
    cli("set", "porch", "on")
    assert pb.output("porch").value is True and pb.line("GPIO27").value is True
    assert cli("get", "porch").stdout == "1\n"
    cli("toggle", "porch")
    assert pb.output("porch").value is False
    cli("pulse", "porch", "on", "1h")
    assert pb.output("porch").value is True
    cli("set", "porch", "off")
    cli("blink", "porch", "1h", "1h", "1")
    assert pb.output("porch").value is True
    assert cli("get", "doorbell").stdout == "0\n"
    assert json.loads(cli("get", "doorbell", "--json").stdout) == {"button": "doorbell", "value": False}
    # The output's line by its own name still works.
    cli("set", "GPIO27", "off")
    assert pb.output("porch").value is False


@pytest.mark.pinbus_config(CONFIG + "\n[sensor room]\nmodel = bme280\nbus = 1\naddress = 0x76\n")
def test_json_everywhere(cli, pb):
    info = json.loads(cli("--json", "info").stdout)
    assert info["backend"] == "simulator" and info["chips"][0]["label"] == "pinctrl-bcm2711"
    assert info["outputs"] == [{"name": "porch", "line": "GPIO27", "value": False, "restore": False}]
    assert info["buttons"][0]["name"] == "doorbell" and info["sensors"][0]["model"] == "bme280"
    lines = json.loads(cli("lines", "--json").stdout)
    assert len(lines) == 58 and lines[27]["name"] == "GPIO27" and lines[27]["used"] is True
    assert json.loads(cli("find", "GPIO17", "--json").stdout) == {
        "name": "GPIO17", "chip": "gpiochip0", "offset": 17, "path": "/io/pinbus1/line/GPIO17"}
    assert json.loads(cli("get", "GPIO5", "--json").stdout) == {"line": "GPIO5", "value": False}
    assert json.loads(cli("get", "porch", "--json").stdout) == {"output": "porch", "value": False}
    poll_until(lambda: pb.sensor("room").online, 10, "the sensor's first sample")
    got = json.loads(cli("get", "room", "--json").stdout)
    assert got["sensor"] == "room" and set(got["values"]) == {"temperature", "pressure", "humidity"}
    assert cli("get", "room").stdout.splitlines()[0].startswith("temperature ")
    read = json.loads(cli("read", "room", "--json").stdout)
    assert read["sensor"] == "room" and set(read["values"]) == {"temperature", "pressure", "humidity"}
    sensors = json.loads(cli("sensors", "--json").stdout)
    assert sensors[0]["name"] == "room" and sensors[0]["address"] == 0x76
    # Commands that print nothing take --json too.
    assert cli("set", "GPIO5", "on", "--json").stdout == ""


@pytest.mark.pinbus_config(CONFIG)
def test_wait_for_a_button(cli, pb, sim):
    """`pinbus wait doorbell`: the debounced press (GPIO17 pulled up, pressed low), not the bounces."""
    sim.set_input("GPIO17", True)
    proc = cli.popen("--json", "wait", "doorbell", "--timeout", "20s")
    sim.wait_subscribed("Pressed", "/io/pinbus1/button/doorbell")
    start = sim.schedule("GPIO17", [(1000, False, 6, 3000)])
    status, out, _ = finish(proc)
    assert status == 0
    doc = json.loads(out)
    # Stable from 4 ms, counted once the 5 ms debounce period has passed.
    assert (doc["button"], doc["event"], doc["timestamp_ns"] - start) == ("doorbell", "pressed", 9_000_000)
    r = cli("wait", "doorbell", "--timeout", "300ms", check_status=EXIT_TIMEOUT)
    assert r.stdout == ""


@pytest.mark.pinbus_config(CONFIG)
def test_streaming_commands_json(cli, pb, sim):
    """monitor and button print one JSON object per line with --json."""
    mon = cli.popen("monitor", "GPIO22", "--json")
    line = pb.line("GPIO22")
    poll_until(lambda: line.owner and line.edge == "both", 10, "monitor's claim")
    btn = cli.popen("--json", "button", "doorbell")
    sim.wait_subscribed("Pressed", "/io/pinbus1/button/doorbell")
    sim.set_input("GPIO17", True)
    start = sim.schedule(["GPIO22", "GPIO17"], [(1000, True, 0, 1000), (20000, False, 0, 1000)])
    # GPIO17 is the doorbell (pulled up, pressed low): pressed at 21 ms, counted at 26 ms.
    printed = {mon: [], btn: []}
    readers = [threading.Thread(target=lambda p=proc: printed[p].extend(iter(p.stdout.readline, "")))
               for proc in (mon, btn)]
    for r in readers:
        r.start()
    poll_until(lambda: len(printed[mon]) >= 2 and printed[btn], 10, "two edges and the press printed")
    for proc in (mon, btn):
        proc.terminate()
        assert proc.wait(timeout=scaled(30)) == 0
        assert "Traceback" not in proc.stderr.read()
    for r in readers:
        r.join(timeout=scaled(10))
    m_out, b_out = "".join(printed[mon]), "".join(printed[btn])
    edges = [json.loads(x) for x in m_out.splitlines()]
    assert [(e["value"], e["timestamp_ns"] - start) for e in edges] == [(True, 2_000_000), (False, 21_000_000)]
    events = [json.loads(x) for x in b_out.splitlines()]
    assert events[0] == {"button": "doorbell", "event": "pressed", "timestamp_ns": start + 26_000_000}
