# SPDX-License-Identifier: LGPL-2.1-or-later
"""``python3 -m pinbus``: the pinbus command line tool (see pinbus.cli)."""

import sys

from .cli import main

sys.exit(main())
