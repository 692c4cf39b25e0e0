"""Debian's Chromium as the tests and benchmarks start it: headless, and quiet on a machine with no internet.

Without the background-networking flags Chromium tries Google's hosts at every start (refused here, many at once).
"""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("LLMS101_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
