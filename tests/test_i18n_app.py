"""AppTest in both languages: every tab and seminar mode, no English left in Chinese.

The whole app runs from ``app.py`` (AppTest.from_file) with ``?lang=zh``; every
visible text is collected (titles, captions, Markdown, messages, metric labels
and values, widget labels, help and options, tab and expander labels, Plotly
titles, axes, legends, annotations and category labels) and must hold no English
word of four letters or more, apart from proper names and units. Data shown as
tables, code, formulas and plain ``st.text`` lines (preset citations and
rationale, the data files' caveats) are not prose of the dashboard and are left
out, as are CSS ``<style>`` blocks; tests/test_zh_data.py checks that every
data-derived text among them has its Chinese version.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import i18n
from dashboard.cache import builtin_presets
from dashboard.format import plain
from dashboard.views import reality as reality_view
from dashboard.views import seminar
from helpers import APP
from model.data import load_baseline
from scenarios import reality

TAB_IDS = (
    "overview",
    "flows",
    "winners",
    "tradeoffs",
    "compare",
    "decade",
    "reality",
    "method",
)

ALLOWED = {
    # regions, currencies, companies, rules and technical abbreviations
    *("USA", "CHN", "NLD", "JPN", "KOR", "TWN", "EUR", "ROW", "USD"),
    *("ASML", "NVIDIA", "FDPR", "ECCN", "TPP", "HBM", "CHIPS", "SMIC", "TSMC"),
    *("Huawei", "Armington", "Newton", "Jacobian", "Dekle", "Eaton", "Kortum"),
    *("Costinot", "Rodriguez", "Clare", "Cobb", "Douglas", "Monte", "Carlo"),
    *("Python", "JSON", "HTML", "Plotly", "English"),
    *("PIIE", "Bown", "WSTS", "ERSD", "Cerdeiro"),  # sources and authors
    *("DSGE", "BOFIT"),
    *("Caliendo", "Parro", "Arkolakis"),
    *("Fajgelbaum", "Goldberg", "Kennedy", "Khandelwal"),
    *("theta", "delta", "kappa"),  # the model's symbols, spelled out
    *("ICIO", "ISIC", "Natural", "Earth"),  # OECD tables, industry codes, map data
}
"""Proper names and units that stay as they are in Chinese."""

WORD = re.compile(r"[A-Za-z]{4,}")
NOT_PROSE = (
    re.compile(r"<style.*?</style>", re.S),  # CSS
    re.compile(r"%\{[^}]*\}"),  # Plotly hover fields
    re.compile(r"<[^>]+>"),  # HTML tags (<br>, <sup>, <extra>)
    re.compile(r"\?\w+=\w+"),  # link parameters: ?lang=zh, ?view=seminar
    re.compile(r"（[A-Za-z][A-Za-z \-]*）"),  # the original term after a translation
    re.compile(r"`[^`]*`"),  # inline code: lever and metric names, formulas
    re.compile(r"\b\w*_\w*\b"),  # identifiers: preset ids, lever names
    re.compile(r"\b\d+[A-Za-z]\d+\b"),  # export control numbers like 3A090
)


def english_words(text: str) -> list[str]:
    for pattern in NOT_PROSE:
        text = pattern.sub(" ", text)
    return [w for w in WORD.findall(text) if w not in ALLOWED]


def _figure_texts(spec: dict) -> Iterator[str]:
    layout = spec.get("layout", {})
    title = layout.get("title", {})
    yield title.get("text", "") if isinstance(title, dict) else str(title)
    for name, value in layout.items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(value, dict):
            axis_title = value.get("title", {})
            if isinstance(axis_title, dict):
                yield axis_title.get("text", "")
            yield from (str(v) for v in value.get("ticktext", []) or [])
    for annotation in layout.get("annotations", []) or []:
        yield annotation.get("text", "")
        yield annotation.get("hovertext", "") or ""
    for trace in spec.get("data", []):
        yield trace.get("name", "") or ""
        yield trace.get("hovertemplate", "") or ""
        colorbar = trace.get("colorbar", {}) or trace.get("marker", {}).get(
            "colorbar", {}
        )
        if isinstance(colorbar, dict):
            bar_title = colorbar.get("title", {})
            if isinstance(bar_title, dict):
                yield bar_title.get("text", "") or ""
        node = trace.get("node", {})
        if isinstance(node, dict):
            yield from (str(v) for v in node.get("label", []) or [])
        for axis in ("x", "y", "text"):
            values = trace.get(axis)
            if isinstance(values, list):
                flat = [
                    v
                    for item in values
                    for v in (item if isinstance(item, list) else [item])
                ]
                yield from (v for v in flat if isinstance(v, str))
            elif isinstance(values, str):
                yield values


def visible_texts(at: AppTest) -> list[str]:
    """Every text a reader sees, in order of the element lists."""
    texts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "caption",
        "markdown",
        "info",
        "warning",
        "error",
        "success",
    ):
        texts += [str(el.value) for el in getattr(at, kind)]
    for metric in at.metric:
        texts += [metric.label, str(metric.value), metric.proto.help or ""]
    for kind in (
        "button",
        "slider",
        "select_slider",
        "selectbox",
        "multiselect",
        "toggle",
        "checkbox",
        "number_input",
        "text_input",
        "text_area",
        "radio",
    ):
        for widget in getattr(at, kind):
            texts += [widget.label, widget.proto.help or ""]
            options = getattr(widget, "options", None)
            if options:
                texts += [str(option) for option in options]
    for widget in at.get("button_group"):
        texts += [widget.proto.label, widget.proto.help or ""]
    for kind in ("download_button", "file_uploader"):
        texts += [el.proto.label for el in at.get(kind)]
    texts += [tab.label for tab in at.tabs]
    texts += [expander.label for expander in at.expander]
    for chart in at.get("plotly_chart"):
        texts += list(_figure_texts(json.loads(chart.proto.spec)))
    return [text for text in texts if text]


@cache
def citations() -> frozenset[str]:
    """The built-in presets' citations, as the app shows them (exempt: sources
    are cited in their own language)."""
    check = reality.evaluate_once(load_baseline())
    return frozenset(
        plain(c) for preset in builtin_presets().values() for c in preset.citations
    ) | {reality_view.citation(check, i) for i in check.evidence.observations}


def english_left(at: AppTest) -> dict[str, list[str]]:
    found = {}
    for text in visible_texts(at):
        if text in citations():
            continue
        words = english_words(text)
        if words:
            found[text[:160]] = words
    return found


@pytest.fixture
def at(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(tmp_path / "presets"))
    return AppTest.from_file(str(APP), default_timeout=120)


def test_english_words_ignores_names_units_and_code():
    assert english_words("USA 的 USD 十亿美元 `china_tech_price_change_pct`") == []
    assert english_words("%{y:.2f}<extra></extra> (oct_2022_rule)") == []
    assert english_words("This scenario 本情景") == ["This", "scenario"]


def test_every_tab_in_chinese_has_no_english_left(at: AppTest):
    at.query_params["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["lang"] == "zh"
    assert [tab.label for tab in at.tabs] == [
        i18n.t(f"tabs.{tab_id}", "zh") for tab_id in TAB_IDS
    ]
    for tab_id in TAB_IDS:
        at.session_state["tab"] = i18n.t(f"tabs.{tab_id}", "zh")
        at.run()
        assert not at.exception, (tab_id, at.exception)
        if tab_id != "overview":
            assert at.query_params["tab"] in (tab_id, [tab_id])
        assert english_left(at) == {}, tab_id


def test_seminar_mode_in_chinese_has_no_english_left(at: AppTest):
    at.query_params["lang"] = "zh"
    at.query_params[seminar.VIEW_PARAM] = seminar.VIEW_VALUE
    at.run()
    assert not at.exception, at.exception
    assert english_left(at) == {}


def test_switching_language_keeps_the_open_tab(at: AppTest):
    at.query_params["tab"] = "winners"
    at.run()
    assert at.session_state["tab"] == "Winners and losers"
    assert at.get("plotly_chart")[0].key == "welfare_bars"
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.session_state["tab"] == i18n.t("tabs.winners", "zh")
    assert [tab.label for tab in at.tabs][2] == i18n.t("tabs.winners", "zh")
    assert at.get("plotly_chart")[0].key == "welfare_bars"
    assert at.query_params["tab"] in ("winners", ["winners"])
    assert at.query_params["lang"] in ("zh", ["zh"])


@pytest.mark.parametrize("tab_id", ["overview", "flows"])
def test_lang_en_renders_like_no_parameter(tmp_path, monkeypatch, tab_id):
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(tmp_path / "presets"))
    shown = []
    for params in ({}, {"lang": "en"}):
        at = AppTest.from_file(str(APP), default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        at.query_params["tab"] = tab_id
        at.run()
        assert not at.exception
        texts = visible_texts(at)
        # "Solved in x ms" differs from run to run
        shown.append([re.sub(r"\d+\.\d ms", "ms", text) for text in texts])
    assert shown[0] == shown[1]
    assert any("Small yard, high fence" in text for text in shown[0])
