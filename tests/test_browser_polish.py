"""Issue 16 in a real browser: nothing is cut at a projector's width, and a
session without the presenter key may not write."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from dashboard import presenter
from dashboard.i18n import t
from helpers import APP, keyed, open_app, open_sidebar_expander
from scenarios.schema import scenario_from_dict
from scenarios.store import PresetStore
from tests.support.server import StreamlitServer, start_streamlit

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


KEY = "correct horse battery staple"


@pytest.fixture(scope="module")
def keyed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """A server with a presenter key and one saved user preset, ``mine``."""
    server = start_streamlit(
        APP, tmp_path_factory.mktemp("keyed"), env={presenter.ENV_VAR: KEY}
    )
    mine = PresetStore().load("oct_2022_rule").to_dict() | {"id": "mine"}
    PresetStore(server.presets_dir).save(scenario_from_dict(mine | {"name": "Mine"}))
    try:
        yield server
    finally:
        server.stop()


def test_a_session_without_the_presenter_key_may_not_save_or_delete(
    page: Page, keyed_server: StreamlitServer
) -> None:
    folder = keyed_server.presets_dir
    open_app(page, keyed_server)
    open_sidebar_expander(page, t("presets_panel.expander", "en"))
    keyed(page, "save_name").locator("input").fill("Stranger")
    keyed(page, "save_name").locator("input").press("Enter")
    keyed(page, "save_preset").get_by_role("button").click()
    refused = page.get_by_text(t("presenter.refused", "en"), exact=True)
    expect(refused).to_be_visible()
    keyed(page, "delete_preset").get_by_role("button").click()
    keyed(page, "delete_preset_yes").get_by_role("button").click()
    expect(refused).to_be_visible()
    assert (folder / "mine.json").exists() and not (folder / "stranger.json").exists()

    field = keyed(page, f"{presenter.INPUT_KEY}_presets").locator("input")
    field.fill(KEY)
    field.press("Enter")
    expect(field).to_have_count(0)
    keyed(page, "save_preset").get_by_role("button").click()
    saved = t("messages.preset_saved", "en", name="'Stranger'")
    expect(page.get_by_text(saved)).to_be_visible()
    assert (folder / "stranger.json").exists()


def test_every_cell_of_the_method_tables_is_read_whole_at_1280_px(
    page: Page, streamlit_server
) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{streamlit_server.url}/?tab=method")
    tables = page.locator('[class*="st-key-method_table_"]')
    expect(tables).to_have_count(5, timeout=60_000)
    cells = '[class*="st-key-method_table_"] :is(th, td, [data-testid=stTable])'
    assert page.evaluate(CUT_TEXT, cells) == []


PLOT_TEXT_OUT = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .flatMap((plot) => {
  const box = plot.getBoundingClientRect();
  return [...plot.querySelectorAll('.gtitle, .cbtitle text')]
    .filter((e) => { const r = e.getBoundingClientRect();
      return r.left < box.left - 1 || r.right > box.right + 1; })
    .map((e) => e.textContent);
})"""
"""The chart titles and colour-bar titles that stick out of their chart."""


def test_the_chinese_trade_off_maps_titles_fit_their_charts_at_1280_px(
    page: Page, streamlit_server
) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{streamlit_server.url}/?lang=zh&tab=tradeoffs")
    expect(page.locator(".js-plotly-plot .cbtitle")).to_have_count(3, timeout=60_000)
    assert page.evaluate(PLOT_TEXT_OUT) == []
