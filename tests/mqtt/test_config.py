# SPDX-License-Identifier: LGPL-2.1-or-later
"""pinbus-mqtt's command line and configuration errors, as a user sees them."""

import os
import subprocess

import pytest
from conftest import scaled, wrapper


def run(*args):
    return subprocess.run(wrapper() + [os.environ["PINBUS_MQTT"], *args], capture_output=True, text=True,
                          timeout=scaled(30))


def test_bad_config_names_file_and_line(tmp_path):
    conf = tmp_path / "mqtt.conf"
    conf.write_text("[broker]\nuri = http://broker\nqos = 5\n\n[publish]\nbase-topic = a/#\n[nonsense]\nx = 1\n")
    r = run(f"--config={conf}", "--check-config")
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        f"{conf}:2: 'uri': 'http://broker': the broker URI must start with mqtt:// or mqtts://",
        f"{conf}:3: 'qos': '5' is not 0, 1 or 2",
        f"{conf}:6: 'base-topic': 'a/#' must not contain the MQTT wildcards '+' or '#'",
        f"{conf}:8: unknown section [nonsense] (known: [broker], [publish], [homeassistant])",
    ]


def test_bad_config_at_start(tmp_path):
    """Not only --check-config: starting with a bad file fails the same way, before connecting."""
    conf = tmp_path / "mqtt.conf"
    conf.write_text("[broker]\nkeepalive = forever\n")
    r = run(f"--config={conf}", "--bus-address=unix:path=/nonexistent")
    assert r.returncode == 1
    assert r.stderr == f"{conf}:2: 'keepalive': 'forever' is not a duration (e.g. 30s, 500ms, 2min)\n"


def test_missing_config(tmp_path):
    r = run(f"--config={tmp_path}/none.conf", "--check-config")
    assert r.returncode == 1
    assert r.stderr == f"{tmp_path}/none.conf: cannot open: No such file or directory\n"


def test_check_config_ok(tmp_path):
    conf = tmp_path / "mqtt.conf"
    conf.write_text("[broker]\nuri = mqtts://broker.lan\nclient-id = kitchen\n[publish]\nbase-topic = house/k\n")
    r = run(f"--config={conf}", "--check-config")
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"{conf}: OK: broker mqtts://broker.lan, client id kitchen, base topic house/k\n"


def test_bad_arguments():
    r = run("--frobnicate")
    assert r.returncode == 2
    r = run("--help")
    assert r.returncode == 0 and "--config=PATH" in r.stdout
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("pinbus-mqtt ")
