# SPDX-License-Identifier: LGPL-2.1-or-later
"""bindings/python/pyproject.toml: the package installs with pip into a fresh venv (offline:
no index, the build backend and dbus-python from Debian through --system-site-packages) and
works there: the `pinbus` command, the gpiozero entry point, the version meson gives."""

import os
import re
import shutil
import subprocess
import sys

import pytest
from pbharness import BINDINGS_PYTHON as PYTHON_DIR, scaled

# Debian's venv module makes no venv without ensurepip (python3-venv).
pytest.importorskip("ensurepip", reason="python3-venv is not installed")

ROOT = PYTHON_DIR.parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A venv with the package pip-installed from a copy of bindings/python."""
    base = tmp_path_factory.mktemp("package")
    src = base / "src"
    shutil.copytree(PYTHON_DIR, src, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    env_dir = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(env_dir)], check=True,
                   timeout=scaled(120))
    r = subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "--no-index",
                        "--no-build-isolation", "--disable-pip-version-check", str(src)],
                       capture_output=True, text=True, timeout=scaled(300))
    assert r.returncode == 0, f"pip install failed:\n{r.stdout}\n{r.stderr}"
    return env_dir


def clean_env(**extra):
    """This environment without the source tree on PYTHONPATH (meson puts it there)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(extra)
    return env


def run(env_dir, *args, env=None):
    return subprocess.run([str(env_dir / "bin" / "python"), *args], capture_output=True, text=True,
                          timeout=scaled(60), cwd="/", env=env or clean_env())


def test_version_matches_meson():
    meson = (ROOT / "meson.build").read_text()
    version = re.search(r"version:\s*'([^']+)'", meson).group(1)
    pyproject = (PYTHON_DIR / "pyproject.toml").read_text()
    assert re.search(r'^version = "([^"]+)"', pyproject, re.M).group(1) == version
    init = (PYTHON_DIR / "pinbus" / "__init__.py").read_text()
    assert re.search(r'^__version__ = "([^"]+)"', init, re.M).group(1) == version


def test_installed_package_works(installed):
    code = ("import importlib.metadata as m, pinbus, pinbus.machine\n"
            "eps = [e for e in m.entry_points(group='gpiozero_pin_factories') if e.name == 'pinbus']\n"
            "print(m.version('pinbus'), eps[0].value, pinbus.__file__)\n")
    r = run(installed, "-c", code)
    assert r.returncode == 0, r.stderr
    version, factory, path = r.stdout.split()
    assert factory == "pinbus.gpiozero:PinbusFactory"
    assert path.startswith(str(installed)), "the venv's copy, not the source tree"
    r = subprocess.run([str(installed / "bin" / "pinbus"), "--help"], capture_output=True, text=True,
                       timeout=scaled(60), env=clean_env())
    assert r.returncode == 0 and "usage: pinbus" in r.stdout, r.stderr


def test_installed_factory_runs_a_script(installed, daemon, tmp_path):
    script = tmp_path / "led.py"
    script.write_text("from gpiozero import LED\nled = LED(17)\nled.on()\nprint(led.value)\n")
    r = run(installed, str(script), env=clean_env(GPIOZERO_PIN_FACTORY="pinbus",
                                                  PINBUS_ADDRESS=daemon.address))
    assert r.returncode == 0 and r.stdout.strip() == "1", r.stderr
