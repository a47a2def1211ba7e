# SPDX-License-Identifier: LGPL-2.1-or-later
"""Start-up and shutdown: sd_notify readiness, SIGTERM and SIGINT, the bus name."""

import signal
import subprocess
import time

import pytest

from pbharness import scaled
from pbharness.bus import pinbusd_command
from pbharness.client import wait_until
from pbharness.names import BUS_NAME

CONFIG = "[output porch]\nline = GPIO27\ninitial = on\nrestore = yes\n"


@pytest.mark.pinbusd(start=False)
def test_ready_after_name_is_owned(pinbus):
    watcher = pinbus.client()
    assert not watcher.name_has_owner(BUS_NAME)
    pinbus.daemon.start()  # returns as soon as READY=1 arrives
    assert watcher.name_has_owner(BUS_NAME), "READY=1 came before io.pinbus1 was owned"
    # And it answers at once.
    assert watcher.manager("Backend") == "simulator"


def test_ready_notification_has_status(pinbus):
    status = [n for n in pinbus.daemon.notifications if n.startswith(b"STATUS=")]
    assert status, pinbus.daemon.notifications


def hold_some_lines(pinbus):
    c = pinbus.bus
    c.claim("GPIO17", {"direction": "input", "edge": "both"})
    c.claim("GPIO18", {"direction": "output", "value": True, "persist": True})
    c.line_set("GPIO19", True)
    c.line_blink("GPIO20", 10000, 10000, 0)
    c.line_pulse("GPIO21", True, 10 * 1000000)
    return c


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.pinbusd(config=CONFIG)
def test_signal_exits_cleanly(pinbus, sig):
    c = hold_some_lines(pinbus)
    owner = c.call("/org/freedesktop/DBus", "org.freedesktop.DBus", "GetNameOwner", "s", BUS_NAME,
                   dest="org.freedesktop.DBus")
    rec = pinbus.recorder(c).watch("org.freedesktop.DBus", "NameOwnerChanged")
    start = time.monotonic()
    status = pinbus.daemon.stop(sig, timeout=5)
    elapsed = time.monotonic() - start
    assert status == 0, f"exit status {status} after {sig.name}"
    assert elapsed < scaled(2), f"took {elapsed:.2f} s to exit after {sig.name}"
    assert b"STOPPING=1" in pinbus.daemon.notifications
    wait_until(lambda: any(s.args[0] == BUS_NAME and s.args[1] == owner and s.args[2] == ""
                           for s in rec.signals),
               5, "io.pinbus1 to be released")
    assert not c.name_has_owner(BUS_NAME)


@pytest.mark.pinbusd(config=CONFIG)
def test_restart_serves_again(pinbus):
    c = hold_some_lines(pinbus)
    pinbus.daemon.restart()
    # A new daemon: no claim survives it, the output is back.
    for name in ("GPIO17", "GPIO18", "GPIO19", "GPIO20", "GPIO21"):
        assert not c.line(name, "Used"), name
    assert c.line("GPIO27", "Used")
    assert c.line_get("GPIO27") is True


def test_client_disconnect_storm(pinbus):
    """Many clients that claim and vanish leave the daemon healthy."""
    for i in range(20):
        cl = pinbus.client()
        cl.claim(f"GPIO{2 + i}", {"direction": "input", "edge": "both"})
        cl.close()
    c = pinbus.bus
    wait_until(lambda: not any(c.line(f"GPIO{2 + i}", "Used") for i in range(20)), 5,
               "all claims of disconnected clients to be released")


def test_second_daemon_cannot_take_the_name(pinbus):
    p = subprocess.run(pinbusd_command() + [
        "--simulate", f"--bus-address={pinbus.address}", f"--config={pinbus.daemon.config_path}",
        f"--state-dir={pinbus.daemon.state_dir}2"], capture_output=True, text=True, timeout=scaled(20),
        stdin=subprocess.DEVNULL)
    assert p.returncode != 0
    assert BUS_NAME in p.stderr
    # The first one still serves.
    assert pinbus.bus.manager("Backend") == "simulator"


def test_bus_going_away_ends_daemon(pinbus):
    """When the bus disappears the daemon exits instead of running deaf."""
    pinbus.bus_daemon.stop()
    try:
        status = pinbus.daemon.wait(10)
    except Exception:
        pytest.fail("pinbusd kept running after its bus went away")
    # EXIT_FAILURE, so that Restart=on-failure brings it back; not a signal, nor the
    # sanitizers' (97, 98) or valgrind's (99) statuses.
    assert status == 1, status
