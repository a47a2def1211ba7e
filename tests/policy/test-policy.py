#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Proves the installed D-Bus policy (systemd/io.pinbus1.conf).

Starts a dbus-daemon with a system-bus-like configuration (deny by default,
as Debian's system.conf: tests/pbharness/bus.py's "system" policy) that
includes the project's policy, runs
`pinbusd --simulate` on it as root, and then calls the daemon as unprivileged
users (setpriv to nobody, with and without group gpio) to check that reading is
open to everyone, that changing lines is AccessDenied to others, and that
group gpio may change lines. The policy's `pinbus` user is replaced by an
existing system user (`daemon`) so that its right to own io.pinbus1 is tested
too; nothing else in the file is changed.

Needs root (to become other users): otherwise prints "SKIP: ..." and exits 77,
as it does when setpriv, dbus-daemon or python3-dbus are missing, except under
CI=true, where a missing tool is a failure.

The policy matches the group by name: if there is no group `gpio`, one is
created for the run (groupadd --system) and deleted afterwards.

Usage: test-policy.py POLICY_FILE   (PINBUSD=path of the daemon; optional
PINBUSD_WRAPPER, PINBUS_TEST_TIMEOUT_SCALE)
"""

import grp
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile

# tests/pbharness, the tests' shared harness (standard library only, as used here).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pbharness import scaled  # noqa: E402
from pbharness.bus import Pinbusd, PrivateBus  # noqa: E402
from pbharness.names import BUS_NAME, E_ACCESS_DENIED, PROPERTIES, ROOT  # noqa: E402

STAND_IN_OWNER = "daemon"  # plays the policy's "pinbus" user

# A configured output and sensor, so that the io.pinbus1.Output and Sensor methods are covered.
PINBUS_CONFIG = """[output led]
line = GPIO26

[sensor room]
model = bme280
bus = 1
address = 0x76
"""

# Runs as the unprivileged user: performs each call and prints, as JSON, "ok"
# or the D-Bus error name for each. Passed with -c, so the user needs no access
# to the source tree.
CLIENT = r"""
import json, sys
import dbus
bus = dbus.bus.BusConnection(sys.argv[1])
results = []
for dest, path, iface, member, sig, args in json.loads(sys.argv[2]):
    try:
        r = bus.call_blocking(dest, path, iface, member, sig, args, timeout=30)
        results.append(["ok", repr(r)])
    except dbus.exceptions.DBusException as e:
        results.append([e.get_dbus_name(), e.get_dbus_message()])
print(json.dumps(results))
"""

LINE = "/io/pinbus1/line/"
MGR = (ROOT, "io.pinbus1.Manager")
PROPS = PROPERTIES

# (description, expectation, call). Expectation: "ok" (must succeed), "denied"
# (must be AccessDenied), "allowed" (the policy lets it through: any reply but
# AccessDenied, e.g. UnknownObject for a sensor that does not exist).
READS = [
    ("Manager.FindLine", "ok", (BUS_NAME, *MGR, "FindLine", "s", ["GPIO17"])),
    ("Line.Get", "ok", (BUS_NAME, LINE + "GPIO17", "io.pinbus1.Line", "Get", "", [])),
    ("Properties.Get of a line", "ok",
     (BUS_NAME, LINE + "GPIO17", PROPS, "Get", "ss", ["io.pinbus1.Line", "Value"])),
    ("Properties.GetAll of a line", "ok",
     (BUS_NAME, LINE + "GPIO17", PROPS, "GetAll", "s", ["io.pinbus1.Line"])),
    ("Properties.GetAll of the manager", "ok",
     (BUS_NAME, "/io/pinbus1", PROPS, "GetAll", "s", ["io.pinbus1.Manager"])),
    ("Properties.GetAll of an output", "ok",
     (BUS_NAME, "/io/pinbus1/output/led", PROPS, "GetAll", "s", ["io.pinbus1.Output"])),
    ("Introspectable.Introspect", "ok",
     (BUS_NAME, "/io/pinbus1", "org.freedesktop.DBus.Introspectable", "Introspect", "", [])),
    ("Peer.Ping", "ok", (BUS_NAME, "/io/pinbus1", "org.freedesktop.DBus.Peer", "Ping", "", [])),
    ("ObjectManager.GetManagedObjects", "ok",
     (BUS_NAME, "/io/pinbus1", "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", "", [])),
    ("Sensor.Read", "ok", (BUS_NAME, "/io/pinbus1/sensor/room", "io.pinbus1.Sensor", "Read", "", [])),
    ("Properties.GetAll of a sensor", "ok",
     (BUS_NAME, "/io/pinbus1/sensor/room", PROPS, "GetAll", "s", ["io.pinbus1.Sensor"])),
]

WRITES = [
    ("Manager.ClaimLine", (BUS_NAME, *MGR, "ClaimLine", "sa{sv}", ["GPIO22", {"direction": "input"}])),
    ("Manager.ReleaseLine", (BUS_NAME, *MGR, "ReleaseLine", "s", ["GPIO22"])),
    ("Line.Set", (BUS_NAME, LINE + "GPIO27", "io.pinbus1.Line", "Set", "b", [True])),
    ("Line.Toggle", (BUS_NAME, LINE + "GPIO27", "io.pinbus1.Line", "Toggle", "", [])),
    ("Line.Pulse", (BUS_NAME, LINE + "GPIO27", "io.pinbus1.Line", "Pulse", "bt", [True, 1000])),
    ("Line.Blink", (BUS_NAME, LINE + "GPIO27", "io.pinbus1.Line", "Blink", "ttu", [1000, 1000, 1])),
    ("Output.Set", (BUS_NAME, "/io/pinbus1/output/led", "io.pinbus1.Output", "Set", "b", [True])),
    ("Output.Toggle", (BUS_NAME, "/io/pinbus1/output/led", "io.pinbus1.Output", "Toggle", "", [])),
    ("Output.Pulse", (BUS_NAME, "/io/pinbus1/output/led", "io.pinbus1.Output", "Pulse", "bt", [True, 1000])),
    ("Output.Blink", (BUS_NAME, "/io/pinbus1/output/led", "io.pinbus1.Output", "Blink", "ttu", [1000, 1000, 1])),
    ("Simulator.SetInput", (BUS_NAME, "/io/pinbus1", "io.pinbus1.Simulator", "SetInput", "sb", ["GPIO22", True])),
    ("Simulator.Bounce", (BUS_NAME, "/io/pinbus1", "io.pinbus1.Simulator", "Bounce", "sbut", ["GPIO22", False, 3, 1000])),
    ("Properties.Set", (BUS_NAME, LINE + "GPIO27", PROPS, "Set", "ssv", ["io.pinbus1.Line", "Value", True])),
    ("Line.Set without an interface field", (BUS_NAME, LINE + "GPIO27", None, "Set", "b", [True])),
    ("Simulator.SetDeviceNak", (BUS_NAME, "/io/pinbus1", "io.pinbus1.Simulator", "SetDeviceNak", "uqb", [1, 0x48, False])),
    ("Simulator.AddI2cDevice", (BUS_NAME, "/io/pinbus1", "io.pinbus1.Simulator", "AddI2cDevice", "uqs", [1, 0x49, "tmp102"])),
    ("Simulator.SetDeviceRaw", (BUS_NAME, "/io/pinbus1", "io.pinbus1.Simulator", "SetDeviceRaw", "uqsu", [1, 0x48, "temperature", 0x1900])),
    ("Simulator.SetDeviceBusy", (BUS_NAME, "/io/pinbus1", "io.pinbus1.Simulator", "SetDeviceBusy", "uqu", [1, 0x48, 0])),
    ("Simulator.GetDeviceConversions", (BUS_NAME, "/io/pinbus1", "io.pinbus1.Simulator", "GetDeviceConversions", "uq", [1, 0x48])),
    ("Simulator.SetAdapterFuncs", (BUS_NAME, "/io/pinbus1", "io.pinbus1.Simulator", "SetAdapterFuncs", "uas", [1, ["i2c", "smbus-byte", "smbus-byte-data", "smbus-word-data", "smbus-i2c-block"]])),
]

OWN = ("RequestName io.pinbus1",
       ("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "RequestName", "su",
        [BUS_NAME, 4]))  # DBUS_NAME_FLAG_DO_NOT_QUEUE


def ci():
    return os.environ.get("CI") == "true"


def missing(what):
    print(f"SKIP: {what}")
    sys.exit(1 if ci() else 77)


class Failure(Exception):
    pass


class Run:
    def __init__(self, policy_path, pinbusd):
        self.policy_path = policy_path
        self.pinbusd = pinbusd
        self.tmp = tempfile.mkdtemp(prefix="pinbus-policy-")
        os.chmod(self.tmp, 0o755)  # the unprivileged clients must reach the socket
        self.address = None
        self.bus = None
        self.daemon = None
        self.created_group = False
        self.failures = 0

    # --- set-up -----------------------------------------------------------
    def ensure_gpio_group(self):
        try:
            return grp.getgrnam("gpio").gr_gid
        except KeyError:
            pass
        subprocess.run(["groupadd", "--system", "gpio"], check=True)
        self.created_group = True
        print("created group gpio for this run (deleted at the end)")
        return grp.getgrnam("gpio").gr_gid

    def write_policy(self):
        with open(self.policy_path) as f:
            text = f.read()
        if 'user="pinbus"' not in text:
            raise Failure(f"{self.policy_path} has no <policy user=\"pinbus\">")
        self.stand_in = None
        try:
            pwd.getpwnam(STAND_IN_OWNER)
            self.stand_in = STAND_IN_OWNER
            text = text.replace('user="pinbus"', f'user="{STAND_IN_OWNER}"')
        except KeyError:
            print(f"note: no user '{STAND_IN_OWNER}' to stand in for pinbus; not testing its ownership right")
        path = os.path.join(self.tmp, "io.pinbus1.conf")
        with open(path, "w") as f:
            f.write(text)
        return path

    def start_bus(self):
        # The socket in self.tmp, which the unprivileged clients can reach.
        try:
            self.bus = PrivateBus(self.tmp, policy="system", includes=[self.write_policy()],
                                  socket_dir=self.tmp)
        except AssertionError as e:
            raise Failure(str(e))
        self.address = self.bus.address

    def start_pinbusd(self):
        # PINBUSD (self.pinbusd) and PINBUSD_WRAPPER from the environment.
        self.daemon = Pinbusd(self.address, self.tmp, PINBUS_CONFIG)
        try:
            self.daemon.start(timeout=20)
        except AssertionError as e:
            raise Failure(f"{e}:\n" + self.daemon.log_text())

        import dbus
        conn = dbus.bus.BusConnection(self.address)
        try:
            if not conn.name_has_owner(BUS_NAME):
                raise Failure("pinbusd is ready but does not own io.pinbus1:\n" + self.daemon.log_text())
        finally:
            conn.close()

    # --- checks -----------------------------------------------------------
    def call_as(self, who, setpriv_args, calls):
        cmd = ["setpriv", *setpriv_args, "--", "/usr/bin/python3", "-c", CLIENT, self.address,
               json.dumps([c for c in calls])]
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": self.tmp, "LANG": "C.UTF-8"}
        p = subprocess.run(cmd, cwd=self.tmp, env=env, capture_output=True, text=True,
                           timeout=scaled(60))
        if p.returncode != 0:
            raise Failure(f"client as {who} failed (status {p.returncode}):\n{p.stdout}{p.stderr}")
        return json.loads(p.stdout)

    def expect(self, who, setpriv_args, checks):
        """checks: list of (description, expectation, call)."""
        results = self.call_as(who, setpriv_args, [c[2] for c in checks])
        for (desc, want, _), (got, detail) in zip(checks, results):
            if want == "ok":
                good = got == "ok"
            elif want == "denied":
                good = got == E_ACCESS_DENIED
            else:  # "allowed"
                good = got != E_ACCESS_DENIED
            if got == "ok":
                shown = "success"
            elif good:
                shown = got  # the expected error: its name says it all
            else:
                shown = f"{got}: {detail}"
            print(f"{'ok  ' if good else 'FAIL'} {who}: {desc}: expected {want}, got {shown}")
            if not good:
                self.failures += 1

    def run(self):
        nobody = pwd.getpwnam("nobody")
        gpio_gid = self.ensure_gpio_group()
        self.start_bus()
        self.start_pinbusd()

        plain = [f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
        in_gpio = [f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", f"--groups={gpio_gid}"]

        # Anyone may read; nothing else.
        self.expect("nobody", plain,
                    READS + [(d, "denied", c) for d, c in WRITES] + [(OWN[0], "denied", OWN[1])])

        # Group gpio may change lines (and still not own the name).
        gpio_checks = [
            ("Line.Set", "ok", WRITES[2][1]),
            ("Line.Get of the line it set", "ok",
             (BUS_NAME, LINE + "GPIO27", "io.pinbus1.Line", "Get", "", [])),
            ("Line.Toggle", "ok", WRITES[3][1]),
            ("Manager.ClaimLine", "ok", WRITES[0][1]),
            ("Simulator.SetInput", "ok", WRITES[10][1]),
            ("Simulator.Bounce", "ok", WRITES[11][1]),
            ("Simulator.SetDeviceNak", "ok", WRITES[14][1]),
            ("Output.Toggle", "ok", WRITES[7][1]),
            ("Output.Pulse", "ok", WRITES[8][1]),
            ("Manager.ReleaseLine of a line it does not hold", "ok",
             (BUS_NAME, *MGR, "ReleaseLine", "s", ["GPIO5"])),
            ("Properties.Set (read-only property: any error but AccessDenied)", "allowed", WRITES[12][1]),
            (OWN[0], "denied", OWN[1]),
        ]
        self.expect("nobody+gpio", in_gpio, gpio_checks)

        # The daemon's user may own the name (it exists: EXISTS, not AccessDenied).
        if self.stand_in:
            u = pwd.getpwnam(self.stand_in)
            self.expect(f"{self.stand_in} (as pinbus)",
                        [f"--reuid={u.pw_uid}", f"--regid={u.pw_gid}", "--clear-groups"],
                        [(OWN[0], "ok", OWN[1]), ("Line.Set", "denied", WRITES[2][1])])

        # pinbusd must still be serving, and exit cleanly (sanitizers, valgrind).
        if not self.daemon.running:
            raise Failure(f"pinbusd died (status {self.daemon.proc.returncode}):\n" + self.daemon.log_text())
        try:
            status = self.daemon.stop(signal.SIGTERM, timeout=30)
        except AssertionError:
            raise Failure("pinbusd did not exit on SIGTERM")
        if status != 0:
            raise Failure(f"pinbusd exited with status {status}:\n" + self.daemon.log_text())

    # --- tear-down --------------------------------------------------------
    def cleanup(self):
        if self.daemon:
            self.daemon.close()
        if self.bus:
            self.bus.stop()
        if self.created_group:
            subprocess.run(["groupdel", "gpio"], check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} POLICY_FILE", file=sys.stderr)
        return 2
    pinbusd = os.environ.get("PINBUSD", "")
    if os.geteuid() != 0:
        # Not a missing tool: being root is the caller's choice, even in CI.
        print("SKIP: needs root, to run clients as other users (sudo meson test --suite policy)")
        return 77
    for tool in ("dbus-daemon", "setpriv", "groupadd", "groupdel"):
        if not shutil.which(tool):
            missing(f"{tool} not installed")
    try:
        import dbus  # noqa: F401
    except ImportError:
        missing("python3-dbus not installed")
    if not (pinbusd and os.access(pinbusd, os.X_OK)):
        missing(f"pinbusd binary '{pinbusd}' not built")
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        missing("no user 'nobody'")

    # meson sends SIGTERM on timeout: still clean up (the group above all).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    run = Run(argv[1], pinbusd)
    try:
        run.run()
    except Failure as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        run.cleanup()
    if run.failures:
        print(f"FAIL: {run.failures} check(s) failed")
        return 1
    print("PASS: the D-Bus policy lets everyone read and only root and group gpio change lines")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
