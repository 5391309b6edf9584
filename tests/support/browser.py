"""The system Chromium (Debian package ``chromium``; never ``playwright install``)
and the arguments every headless launch uses, for the browser tests and the
benchmarks alike."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",  # required as root
    "--disable-gpu",
    "--disable-dev-shm-usage",  # small /dev/shm in containers
    "--disable-background-networking",  # offline: avoid refused background calls
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
"""Launch arguments for headless Chromium on this machine (TESTING.md §9)."""

MISSING_HINT = "apt-get install chromium, or set CHROMIUM_PATH"


def chromium_candidate() -> str:
    """Where Chromium should be: ``CHROMIUM_PATH``, else ``chromium`` on ``PATH``,
    else ``/usr/bin/chromium`` (whether or not it exists)."""
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or "/usr/bin/chromium"
    )


def chromium_path() -> str | None:
    """The system Chromium (``CHROMIUM_PATH`` overrides it), or None if absent."""
    cand = chromium_candidate()
    return cand if Path(cand).exists() else None
