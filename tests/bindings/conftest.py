# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixtures of the bindings tests: a private dbus-daemon per test module and a `pinbusd --simulate`
per test (tests/pbharness), Pinbus clients of the package under test, the simulator and the CLI.

The `pinbus` package is the source tree's (bindings/python): meson puts it on PYTHONPATH, and
importing pbharness puts it first on sys.path for a run by hand.
"""

import os

import pytest

import pinbus
from pbharness import BINDINGS_PYTHON
from pbharness.bus import Pinbusd, PrivateBus
from pbharness.cli import Cli, cli_env
from pbharness.client import Client
from pbharness.env import keep_log, report_logs


@pytest.fixture(scope="module")
def bus(tmp_path_factory):
    """A private dbus-daemon shared by the tests of a module."""
    b = PrivateBus(tmp_path_factory.mktemp("bus"))
    yield b
    b.stop()


@pytest.fixture
def daemon(bus, tmp_path, request):
    """A fresh `pinbusd --simulate` for the test; its config comes from a
    pinbus_config("...") mark, else it is an empty file. At the end it must exit with status 0."""
    mark = request.node.get_closest_marker("pinbus_config")
    d = Pinbusd(bus.address, tmp_path / "daemon", mark.args[0] if mark else None)
    keep_log(request, "dbus-daemon log", bus.log)
    keep_log(request, "pinbusd log", d.log)
    try:
        d.start()
        yield d
    finally:
        d.finish()


@pytest.fixture
def pb(daemon):
    """A Pinbus client connected to the test's daemon."""
    with pinbus.Pinbus(address=daemon.address) as p:
        yield p


@pytest.fixture
def other(daemon):
    """A second, independent client (another bus connection)."""
    with pinbus.Pinbus(address=daemon.address) as p:
        yield p


@pytest.fixture
def sim(daemon):
    """io.pinbus1.Simulator, called on a raw dbus-python connection (no main loop)."""
    s = Client(daemon.address, main_loop=False)
    yield s
    s.close()


@pytest.fixture
def cli(daemon):
    return Cli(daemon.address)


pytest_runtest_makereport = report_logs


@pytest.fixture(scope="session")
def package_metadata(tmp_path_factory):
    """A directory holding the package's metadata (name, version, entry points) as pip or
    meson install it (bindings/python/write-metadata.py, from pyproject.toml): with it and the
    source tree on PYTHONPATH, gpiozero finds the `pinbus` pin factory."""
    import importlib.util
    import tomllib

    spec = importlib.util.spec_from_file_location("write_metadata", BINDINGS_PYTHON / "write-metadata.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    version = tomllib.loads((BINDINGS_PYTHON / "pyproject.toml").read_text())["project"]["version"]
    d = tmp_path_factory.mktemp("metadata")
    module.write(BINDINGS_PYTHON / "pyproject.toml", d / f"pinbus-{version}.dist-info")
    return d


@pytest.fixture
def script_env(daemon, package_metadata) -> dict:
    """The environment of a user's script run against the test's daemon: the package and its
    metadata on PYTHONPATH (after PINBUS_TEST_PYTHONPATH, if set), the daemon's bus in
    PINBUS_ADDRESS."""
    extra = os.environ.get("PINBUS_TEST_PYTHONPATH")  # e.g. a gpiozero 2.x checkout to test against
    return cli_env(PYTHONPATH=os.pathsep.join(filter(None, [extra, str(BINDINGS_PYTHON), str(package_metadata)])),
                   PINBUS_ADDRESS=daemon.address,
                   PYTHONUNBUFFERED="1")  # a script's print() reaches the test's pipe at once
