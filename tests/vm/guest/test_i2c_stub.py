# SPDX-License-Identifier: LGPL-2.1-or-later
"""The rig's i2c-stub (run-vm.sh --i2c-stub=0x76,0x48): an SMBus adapter with chips at the requested
addresses, reachable through i2c-dev with i2c-tools, as the sensor tests will use it."""

import glob
import subprocess

import pytest

from pbharness import scaled


def adapter():
    for path in sorted(glob.glob("/sys/class/i2c-dev/i2c-*/name")):
        with open(path) as f:
            if "SMBus stub" in f.read():
                return int(path.split("/")[-2].split("-")[1])
    pytest.fail("no i2c-stub adapter in /sys/class/i2c-dev (run-vm.sh --i2c-stub=... loads it)")


def i2c(*args):
    return subprocess.run(list(args), check=True, capture_output=True, text=True,
                          timeout=scaled(10)).stdout.strip()


@pytest.mark.parametrize("address", [0x76, 0x48])
def test_register_round_trip(address):
    n = adapter()
    i2c("i2cset", "-y", str(n), hex(address), "0xd0", "0x60", "b")
    assert i2c("i2cget", "-y", str(n), hex(address), "0xd0", "b") == "0x60"


def test_only_the_requested_addresses():
    n = adapter()
    out = i2c("i2cdetect", "-y", "-r", str(n))
    found = {int(x, 16) for row in out.splitlines()[1:] for x in row.split()[1:] if x not in ("--", "UU")}
    assert found == {0x76, 0x48}, out
