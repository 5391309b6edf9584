"""Issue 16 in a real browser, at a projector's width: nothing is cut."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from helpers import open_app

pytestmark = pytest.mark.browser

CUT_TEXT = """(selector) => [...document.querySelectorAll(selector)]
  .filter((e) => e.scrollWidth > e.clientWidth + 1)
  .map((e) => e.innerText)"""
"""The texts of the elements under ``selector`` that are wider than their box."""


def test_overview_kpis_in_chinese_shrink_or_wrap_never_cut(
    page: Page, streamlit_server
) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app(page, streamlit_server, "?lang=zh&tab=overview")
    kpis = ":is([data-testid=stMetricLabel], [data-testid=stMetricValue]) *"
    assert page.evaluate(CUT_TEXT, kpis) == []
