"""Shared test helpers: Plotly specs from AppTest, the system Chromium, opening the app.

Import them in tests as ``from helpers import ...`` (pytest puts ``tests/`` on
``sys.path`` because ``tests/`` has no ``__init__.py``).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from streamlit.testing.v1 import AppTest

# Repo root and the Streamlit entry point. AppTest resolves relative paths against
# the *calling test file*, not the CWD, so always pass this absolute path.
ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"

METRIC_VALUE = '[data-testid="stMetricValue"]'


# --- Plotly specs (AppTest has no typed accessor for plotly charts) ----------------


def decode_plotly_array(v: Any) -> Any:
    """Decode plotly>=6 typed-array encoding ``{"dtype", "bdata", "shape"?}``.

    Anything else is returned unchanged, so this is safe on plain lists too.
    """
    if isinstance(v, dict) and "bdata" in v:
        arr = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        if "shape" in v:
            arr = arr.reshape([int(s) for s in str(v["shape"]).split(",")])
        return arr.tolist()
    return v


def plotly_spec(at: AppTest, index: int = 0) -> dict:
    """The figure dict (``data``, ``layout``) of the ``index``-th Plotly chart."""
    charts = at.get("plotly_chart")  # an UnknownElement: there is no at.plotly_chart
    assert len(charts) > index, f"only {len(charts)} plotly charts rendered"
    return json.loads(charts[index].proto.spec)


# --- System Chromium (Debian package `chromium`; never `playwright install`) -------


def chromium_path() -> str | None:
    """The system Chromium (``CHROMIUM_PATH`` overrides it), or None if absent."""
    cand = (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or "/usr/bin/chromium"
    )
    return cand if Path(cand).exists() else None


def require_chromium() -> str:
    """Skip if Chromium is missing; fail instead when REQUIRE_BROWSER=1 (.ci/run)."""
    exe = chromium_path()
    if exe is None:
        msg = "chromium not found (apt-get install chromium, or set CHROMIUM_PATH)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    return exe


# --- Browser ------------------------------------------------------------------------


def open_app(page: Page, server: Any, query: str = "") -> None:
    """Navigate to the app (``query`` like ``"?preset=x"``) and wait until the first
    metric value is visible, i.e. the script has run once and rendered.

    Health of the server says nothing about the page: JS still has to load, the
    websocket to open and the script to run (generous 60 s on a cold first load).
    """
    if query and not query.startswith("?"):
        query = "?" + query
    page.goto(f"{server.url}/{query}", wait_until="domcontentloaded")
    page.locator(METRIC_VALUE).first.wait_for(state="visible", timeout=60_000)
