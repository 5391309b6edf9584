"""Shared test helpers: Plotly specs from AppTest, the system Chromium, opening the app.

Import them in tests as ``from helpers import ...`` (pytest puts ``tests/`` on
``sys.path`` because ``tests/`` has no ``__init__.py``).
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.support.browser import MISSING_HINT, chromium_path

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page
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


def require_chromium() -> str:
    """The system Chromium (:func:`tests.support.browser.chromium_path`); skip if
    it is missing, fail instead when REQUIRE_BROWSER=1 (.ci/run)."""
    exe = chromium_path()
    if exe is None:
        msg = f"chromium not found ({MISSING_HINT})"
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


# --- Browser: locating Streamlit elements (streamlit 1.67 DOM) ----------------------
#
# Every keyed element's container carries the class ``st-key-<key>`` (widgets and
# charts alike), so ``page.locator(".st-key-fence_pct")`` finds the lever's slider.
# Always use locators (re-resolved on each call), never element handles: a rerun
# may re-mount elements, and stale ones stay in the DOM with data-stale="true".


def keyed(page: Page, key: str) -> Locator:
    """The element container of the element with Streamlit key ``key``."""
    return page.locator(f".st-key-{key}")


def slider(page: Page, key: str) -> Locator:
    """The react-aria ``<input type=range role=slider>`` of slider ``key``.

    Its ``value`` is the raw number ("105"), ``aria-valuetext`` the shown text
    ("105.00"). Sliders in a collapsed expander are ``inert`` and not found by role.
    """
    return keyed(page, key).get_by_role("slider")


def metric(page: Page, label: str) -> Locator:
    """The value of the ``st.metric`` whose label is exactly ``label``."""
    card = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return card.get_by_test_id("stMetricValue")


def sidebar_expander(page: Page, title: str) -> Locator:
    """A sidebar expander by its title; see :func:`open_sidebar_expander`."""
    return (
        page.get_by_test_id("stSidebar")
        .get_by_test_id("stExpander")
        .filter(has=page.locator("summary", has_text=title))
    )


def open_sidebar_expander(page: Page, title: str) -> Locator:
    """Expand a sidebar expander (no-op if open) and return it. Its content is
    ``inert`` while collapsed, so open it before locating widgets by role."""
    expander = sidebar_expander(page, title)
    if expander.locator("details").get_attribute("open") is None:
        expander.locator("summary").click()
    expander.locator('[data-testid="stExpanderDetails"]:not([inert])').wait_for(
        state="visible"
    )
    return expander


def choose(page: Page, combobox: Locator, option: str) -> None:
    """Pick ``option`` (its shown label) in a react-aria selectbox.

    A click on the text input does not always open the list (e.g. right after an
    expander opened), so use the combobox's "Open" button, then ArrowDown. The
    list is a fixed popover below the box that Playwright cannot scroll into view,
    so the box is centred first; if the option still lies outside the viewport (the
    sidebar may shift while the list opens), it gets a "virtual" click (react-aria
    treats a click event with ``detail == 0`` as a press, like a screen reader's).
    Callers check the selectbox's value afterwards.
    """
    wanted = page.get_by_role("option", name=option, exact=True)
    combobox.evaluate("e => e.scrollIntoView({block: 'center'})")
    combobox.locator("xpath=..").get_by_role("button", name="Open").click()
    try:
        wanted.wait_for(state="visible", timeout=3_000)
    except PlaywrightTimeoutError:
        combobox.press("ArrowDown")
    try:
        wanted.click(timeout=5_000)
    except PlaywrightTimeoutError:
        wanted.dispatch_event("click")


# JS function: the decoded data of trace ``trace`` of the plotly graph inside the
# keyed element ``key``, or null until plotly has drawn it. ``_fullData`` holds
# decoded arrays even when the spec used plotly>=6 typed arrays (bdata).
_TRACE_FN = """(key, trace) => {
    const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
    if (!gd || !gd._fullData || !gd._fullData[trace]) return null;
    const t = gd._fullData[trace];
    const arr = v => (v == null ? null : Array.from(v));
    return {x: arr(t.x), y: arr(t.y), title: gd._fullLayout.title.text};
}"""


def chart_trace(page: Page, key: str, trace: int = 0) -> dict | None:
    """``{"x", "y", "title"}`` of one trace of the plotly chart keyed ``key``."""
    return page.evaluate(f"([k, t]) => ({_TRACE_FN})(k, t)", [key, trace])


def wait_for_chart_value(
    page: Page,
    key: str,
    trace: int,
    axis: str,
    expected: float,
    *,
    rel: float = 1e-9,
    timeout: float = 20_000,
) -> None:
    """Wait (rAF polling) until ``trace``'s first ``axis`` value is ``expected``."""
    page.wait_for_function(
        f"""([key, trace, axis, expected, rel]) => {{
            const t = ({_TRACE_FN})(key, trace);
            if (!t || !t[axis] || !t[axis].length) return false;
            const v = t[axis][0];
            return Math.abs(v - expected) <= rel * Math.max(1, Math.abs(expected));
        }}""",
        arg=[key, trace, axis, expected, rel],
        polling="raf",
        timeout=timeout,
    )


def wait_until_idle(page: Page, timeout: float = 20_000) -> None:
    """No rerun in flight: the app's script state (``data-test-script-state`` on
    ``stApp``: initial, rerunRequested, running, notRunning...) is ``notRunning``,
    with no "Running..." icon and no stale element.

    The state turns ``rerunRequested`` as soon as a widget asks for a rerun, but
    prefer waiting for the expected *content*; use this as an extra guard (the
    "Running..." icon alone shows ~0.5 s late, after fast reruns never).
    """
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.dataset.testScriptState === 'notRunning'
                && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
                && !document.querySelector('[data-stale="true"]');
        }""",
        polling="raf",
        timeout=timeout,
    )


def wait_for_visible_charts(
    page: Page, minimum: int = 1, timeout: float = 30_000
) -> int:
    """Wait until every visible plotly chart has drawn data (at least ``minimum``
    of them) and return how many there are."""
    return page.wait_for_function(
        """minimum => {
            const plots = [...document.querySelectorAll('.js-plotly-plot')]
                .filter(gd => gd.checkVisibility() && gd.offsetWidth > 0);
            const drawn = plots.every(gd => gd._fullData && gd._fullData.length > 0
                && gd.querySelector('.main-svg'));
            // an object: a bare count of 0 would be falsy and never end the wait
            return plots.length >= minimum && drawn ? {count: plots.length} : false;
        }""",
        arg=minimum,
        polling="raf",
        timeout=timeout,
    ).json_value()["count"]
