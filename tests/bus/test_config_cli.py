# SPDX-License-Identifier: LGPL-2.1-or-later
"""pinbusd's command line and configuration checking (--check-config, drop-ins, refusal to start)."""

import os
import select
import socket
import subprocess

import pytest

from pbharness import scaled
from pbharness.bus import pinbusd_command, short_tempdir
from pbharness.names import OUTPUT, output_path

GOOD = """\
# The porch light.
[output porch]
line = GPIO27
initial = on
restore = yes

; a relay
[output relay-1]
line = gpiochip0:5     # chip:offset
initial = off
active-low = yes
drive = open-drain
restore = no

[output lamp.2]
line = pinctrl-bcm2711:6
initial = true
active-low = 0
drive = push-pull
"""


def run(*args, env=None, timeout=20):
    p = subprocess.run(pinbusd_command() + list(args), capture_output=True, text=True, env=env,
                       stdin=subprocess.DEVNULL, timeout=scaled(timeout))
    return p


def check(tmp_path, text, name="pinbus.conf"):
    path = tmp_path / name
    path.write_text(text)
    return str(path), run("--check-config", f"--config={path}")


def assert_rejected(p, path, lineno, *mentions):
    assert p.returncode != 0, f"should be rejected:\n{p.stdout}{p.stderr}"
    lines = p.stderr.splitlines()
    prefix = f"{path}:{lineno}: "
    hits = [ln for ln in lines if ln.startswith(prefix)]
    assert hits, f"no '{prefix}...' message on stderr:\n{p.stderr}"
    for m in mentions:
        assert any(m in h for h in hits), f"'{prefix}...' should mention {m!r}:\n{p.stderr}"


def test_good_config(tmp_path):
    path, p = check(tmp_path, GOOD)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    assert "error" not in p.stdout.lower() and "warning" not in p.stdout.lower(), p.stdout


def test_empty_config(tmp_path):
    path, p = check(tmp_path, "")
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""


def test_check_config_touches_no_hardware(tmp_path):
    # Lines are resolved when the daemon starts, not when the file is checked.
    path, p = check(tmp_path, "[output x]\nline = NOPE\n\n[output y]\nline = nochip:99\n")
    assert p.returncode == 0, p.stderr


def test_malformed_line(tmp_path):
    path, p = check(tmp_path, "[output porch]\nline = GPIO27\nthis line has no equals sign\n")
    assert_rejected(p, path, 3)


def test_unknown_section_type(tmp_path):
    path, p = check(tmp_path, "[output porch]\nline = GPIO27\n\n[widget w]\nline = GPIO26\n")
    assert_rejected(p, path, 4, "widget")


def test_unknown_key(tmp_path):
    path, p = check(tmp_path, "[output porch]\nline = GPIO27\ncolour = red\n")
    assert_rejected(p, path, 3, "colour")


@pytest.mark.parametrize("key", ["initial", "restore", "active-low"])
def test_bad_boolean(tmp_path, key):
    path, p = check(tmp_path, f"[output porch]\nline = GPIO27\n{key} = maybe\n")
    assert_rejected(p, path, 3, key, "maybe")


def test_bad_drive(tmp_path):
    path, p = check(tmp_path, "[output porch]\nline = GPIO27\ndrive = open-collector\n")
    assert_rejected(p, path, 3, "drive", "open-collector")


def test_bad_line_spec(tmp_path):
    path, p = check(tmp_path, "[output porch]\nline = :3\n")
    assert_rejected(p, path, 2, ":3")


def test_duplicate_output_names(tmp_path):
    path, p = check(tmp_path, "[output porch]\nline = GPIO27\n\n[output porch]\nline = GPIO26\n")
    assert_rejected(p, path, 4, "porch", f"{path}:1")


def test_line_used_by_two_outputs(tmp_path):
    path, p = check(tmp_path, "[output porch]\nline = GPIO27\n\n[output lamp]\nline = GPIO27\n")
    assert_rejected(p, path, 4, "GPIO27", "porch", "lamp")


def test_missing_line_key(tmp_path):
    path, p = check(tmp_path, "[output porch]\ninitial = on\n")
    assert_rejected(p, path, 1, "porch", "line")


def test_key_outside_section(tmp_path):
    path, p = check(tmp_path, "line = GPIO27\n[output porch]\nline = GPIO26\n")
    assert_rejected(p, path, 1, "line")


def test_indented_key(tmp_path):
    path, p = check(tmp_path, "[output porch]\n  line = GPIO27\n")
    assert_rejected(p, path, 2)


def test_indented_key_after_key(tmp_path):
    # inih would take it as a continuation of 'line': it must be refused, not merged.
    path, p = check(tmp_path, "[output porch]\nline = GPIO27\n  initial = on\n")
    assert_rejected(p, path, 3)


def test_empty_value(tmp_path):
    path, p = check(tmp_path, "[output porch]\nline = GPIO27\ninitial =\n")
    assert_rejected(p, path, 3, "initial")


def test_section_without_name(tmp_path):
    path, p = check(tmp_path, "[output]\nline = GPIO27\n")
    assert_rejected(p, path, 1, "output")


def test_every_error_is_reported(tmp_path):
    path, p = check(tmp_path, "[output porch]\nline = GPIO27\ncolour = red\ninitial = maybe\n"
                              "\n[output lamp]\nline = GPIO27\n")
    assert_rejected(p, path, 3, "colour")
    assert_rejected(p, path, 4, "maybe")
    assert_rejected(p, path, 6, "GPIO27")


def test_missing_config_file(tmp_path):
    path = str(tmp_path / "absent.conf")
    p = run("--check-config", f"--config={path}")
    assert p.returncode != 0
    assert path in p.stderr


def test_drop_in_directory_is_read(tmp_path):
    path = tmp_path / "pinbus.conf"
    path.write_text("[output porch]\nline = GPIO27\n")
    d = tmp_path / "pinbus.conf.d"
    d.mkdir()
    (d / "10-lamp.conf").write_text("[output lamp]\nline = GPIO26\ncolour = red\n")
    (d / "README").write_text("not a config file = ignored [\n")
    p = run("--check-config", f"--config={path}")
    assert_rejected(p, str(d / "10-lamp.conf"), 3, "colour")
    assert "README" not in p.stderr


def test_drop_in_conflicts_with_main_file(tmp_path):
    path = tmp_path / "pinbus.conf"
    path.write_text("[output porch]\nline = GPIO27\n")
    d = tmp_path / "pinbus.conf.d"
    d.mkdir()
    (d / "20-dup.conf").write_text("[output porch]\nline = GPIO26\n")
    p = run("--check-config", f"--config={path}")
    assert_rejected(p, str(d / "20-dup.conf"), 1, "porch", f"{path}:1")


def test_drop_in_directory_without_main_file_is_an_error(tmp_path):
    path = tmp_path / "pinbus.conf"
    d = tmp_path / "pinbus.conf.d"
    d.mkdir()
    (d / "10-lamp.conf").write_text("[output lamp]\nline = GPIO26\n")
    p = run("--check-config", f"--config={path}")
    assert p.returncode != 0, "an explicit --config that does not exist is an error"


@pytest.mark.pinbusd(config="[output porch]\nline = GPIO27\n", start=False)
def test_drop_in_outputs_are_served(pinbus):
    d = pinbus.daemon.config_path + ".d"
    os.mkdir(d)
    with open(os.path.join(d, "20-lamp.conf"), "w") as f:
        f.write("[output lamp]\nline = GPIO26\ninitial = on\n")
    with open(os.path.join(d, "10-fan.conf"), "w") as f:
        f.write("[output fan]\nline = GPIO25\n")
    with open(os.path.join(d, "30-off.conf.disabled"), "w") as f:
        f.write("[output off]\nline = GPIO24\n")
    pinbus.daemon.start()
    assert list(pinbus.bus.manager("Outputs")) == [output_path(n) for n in ("porch", "fan", "lamp")]
    assert pinbus.bus.get(output_path("lamp"), OUTPUT, "Value")


def test_help(tmp_path):
    p = run("--help")
    assert p.returncode == 0
    assert "--check-config" in p.stdout
    assert "--simulate" in p.stdout
    p = run("-h")
    assert p.returncode == 0


def test_version(tmp_path):
    p = run("--version")
    assert p.returncode == 0
    assert "pinbusd" in p.stdout


def test_unknown_option(tmp_path):
    p = run("--no-such-option")
    assert p.returncode != 0
    assert "no-such-option" in p.stderr


def test_unexpected_argument(tmp_path):
    p = run("stray")
    assert p.returncode != 0
    assert "stray" in p.stderr


def test_option_missing_argument(tmp_path):
    p = run("--config")
    assert p.returncode != 0


class FakeBus:
    """A listening unix socket standing in for a bus: shows whether anyone connected."""

    def __init__(self):
        self.dir = short_tempdir()
        self.path = os.path.join(self.dir, "bus")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        self.sock.listen(4)

    def connected(self, timeout=0.0):
        return bool(select.select([self.sock], [], [], timeout)[0])

    def close(self):
        self.sock.close()
        os.unlink(self.path)
        os.rmdir(self.dir)


def test_bad_config_refuses_to_start(tmp_path):
    conf = tmp_path / "pinbus.conf"
    conf.write_text("[output porch]\nline = GPIO27\ncolour = red\n")
    bus = FakeBus()
    try:
        p = run("--simulate", f"--bus-address=unix:path={bus.path}", f"--config={conf}",
                f"--state-dir={tmp_path / 'state'}")
        assert p.returncode != 0
        assert f"{conf}:3: " in p.stderr
        assert not bus.connected(), "pinbusd connected to the bus despite a bad configuration"
    finally:
        bus.close()


def test_good_config_does_connect(tmp_path):
    """The control for test_bad_config_refuses_to_start: the fake bus does see a daemon connect."""
    conf = tmp_path / "pinbus.conf"
    conf.write_text(GOOD)
    bus = FakeBus()
    proc = subprocess.Popen(pinbusd_command() + [
        "--simulate", f"--bus-address=unix:path={bus.path}", f"--config={conf}",
        f"--state-dir={tmp_path / 'state'}"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        assert bus.connected(scaled(10))
    finally:
        proc.kill()
        proc.wait()
        bus.close()


def test_fifo_config_is_refused_not_waited_for(tmp_path):
    """A FIFO as the configuration would block the reader until a writer comes: refused at once."""
    path = tmp_path / "pinbus.conf"
    os.mkfifo(path)
    for args in (["--check-config"], ["--simulate", "--bus-address=unix:path=/nonexistent"]):
        p = run(*args, f"--config={path}", timeout=10)
        assert p.returncode != 0
        assert f"{path}: not a regular file (a FIFO)" in p.stderr, p.stderr


def test_fifo_drop_in_is_refused(tmp_path):
    path = tmp_path / "pinbus.conf"
    path.write_text("[output porch]\nline = GPIO27\n")
    d = tmp_path / "pinbus.conf.d"
    d.mkdir()
    os.mkfifo(d / "10-fifo.conf")
    os.symlink("/dev/zero", d / "20-zero.conf")
    p = run("--check-config", f"--config={path}", timeout=10)
    assert p.returncode != 0
    assert f"{d}/10-fifo.conf: not a regular file (a FIFO)" in p.stderr, p.stderr
    assert f"{d}/20-zero.conf: not a regular file (a character device)" in p.stderr, p.stderr
