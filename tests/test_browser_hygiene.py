"""Issue 16 in a real browser: a link without a known preset opens with a picker
label that matches the levers."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from dashboard.i18n import preset_text
from helpers import keyed, open_app, slider
from scenarios.store import PresetStore

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("query", ["?lang=zh", "?tab=decade", "?p=nope", "?fence=300"])
def test_a_link_without_a_known_preset_opens_with_label_and_levers_agreeing(
    page: Page, streamlit_server, query: str
) -> None:
    open_app(page, streamlit_server, query)
    expect(page).to_have_url(re.compile(r"[?&]p="))
    chosen = parse_qs(urlsplit(page.url).query)["p"][-1]
    lang = "zh" if "zh" in query else "en"
    name = preset_text(chosen, "name", lang, PresetStore().load(chosen).name)
    expect(keyed(page, "preset").get_by_role("combobox")).to_have_value(name)
    levers = PresetStore().load(chosen).levers()
    fence = 300.0 if "fence=300" in query else levers["fence_pct"]
    expect(slider(page, "fence_pct")).to_have_value(f"{fence:g}")
    expect(slider(page, "scope_sme")).to_have_value(f"{levers['scope_sme']:g}")
