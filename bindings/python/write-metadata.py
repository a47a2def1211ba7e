#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the package's installed metadata, as pip would, from pyproject.toml:

    write-metadata.py pyproject.toml OUTDIR     -> OUTDIR/METADATA, OUTDIR/entry_points.txt

meson install puts them in site-packages/pinbus-VERSION.dist-info, so that a meson-installed
package is found by gpiozero (GPIOZERO_PIN_FACTORY=pinbus: the `gpiozero_pin_factories` entry
point) and importlib.metadata; tests/bindings uses them to run scripts from the source tree.
"""

import sys
import tomllib
from pathlib import Path


def write(pyproject: Path, outdir: Path) -> None:
    project = tomllib.loads(pyproject.read_text())["project"]
    outdir.mkdir(parents=True, exist_ok=True)
    meta = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project['description']}",
        f"License: {project['license']['text']}",
        f"Requires-Python: {project['requires-python']}",
    ]
    meta += [f"Requires-Dist: {d}" for d in project.get("dependencies", [])]
    (outdir / "METADATA").write_text("\n".join(meta) + "\n")
    groups = dict(project.get("entry-points", {}))
    if "scripts" in project:
        groups = {"console_scripts": project["scripts"], **groups}
    lines = []
    for group, entries in groups.items():
        lines.append(f"[{group}]")
        lines += [f"{name} = {value}" for name, value in entries.items()]
        lines.append("")
    (outdir / "entry_points.txt").write_text("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: write-metadata.py pyproject.toml OUTDIR")
    write(Path(sys.argv[1]), Path(sys.argv[2]))
