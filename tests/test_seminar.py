"""Seminar mode (dashboard.views.seminar) in AppTest, in English and Chinese: the step
from the URL, previous/next, predict-then-reveal, replay, clamping, storylines.

The view runs from a tiny script written to ``tmp_path`` (not
``AppTest.from_function``): it renders only dashboard.views.seminar, with the app's
cached solver and preset points, in the language of ``?lang=``.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import i18n, seminar_steps
from dashboard.format import plain
from dashboard.i18n import t
from dashboard.seminar_room import qr_png
from dashboard.views import seminar
from helpers import ROOT
from model.simulation import simulate
from scenarios import storylines
from scenarios.store import PresetStore

SCRIPT = """\
import streamlit as st

from dashboard import cache, context
from dashboard.views import seminar

seminar.render(
    context.page_context(cache.builtin_presets(), st.query_params.get("lang", "en"))
)
"""

TIMELINE = [
    "no_controls",
    "trade_war_2018_2020",
    "oct_2022_rule",
    "allied_alignment_2023",
    "oct_2023_update",
    "dec_2024_hbm",
    "china_answers",
    "small_yard_high_fence_ideal",
    "large_yard_low_fence",
    "full_decoupling",
    "cooperation",
    "dec_2024_hbm",  # the Reality check step: its own title, text and chart
]


@pytest.fixture
def presets_dir(tmp_path, monkeypatch):
    folder = tmp_path / "presets"
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(folder))
    return folder


@pytest.fixture
def script(tmp_path, presets_dir):
    path = tmp_path / "seminar_app.py"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def open_at(script, lang="en", step=None) -> AppTest:
    at = AppTest.from_file(str(script), default_timeout=90)
    at.query_params["lang"] = lang
    if step is not None:
        at.query_params["step"] = str(step)
    return at.run()


def charts(at: AppTest) -> list:
    return list(at.get("plotly_chart"))


def spec(at: AppTest, index: int = 0) -> dict:
    return json.loads(charts(at)[index].proto.spec)


def step_caption(at: AppTest) -> str:
    return next(c.value for c in at.caption if "·" in c.value)


def texts(at: AppTest) -> list[str]:
    """The visible prose of the page (the theme's CSS element left out)."""
    return [m.value for m in at.markdown if not m.value.lstrip().startswith("<style>")]


def name(preset_id: str, lang: str) -> str:
    return i18n.preset_text(preset_id, "name", lang, preset_id)


def heading(preset_id: str, lang: str) -> str:
    """A preset's name as the step's header (Markdown-escaped)."""
    return plain(name(preset_id, lang))


def query_step(at: AppTest) -> str:
    value = at.query_params["step"]
    return value[-1] if isinstance(value, list) else value


# --- the storyline and the URL ------------------------------------------------------


def test_default_storyline_is_the_timeline_then_the_contrasts():
    steps = seminar_steps.default_storyline()
    assert [s.preset for s in steps] == TIMELINE
    assert {s.chart for s in steps} <= set(seminar_steps.CHARTS)
    builtin = {e.id for e in PresetStore().list()[0] if e.origin == "built-in"}
    assert set(TIMELINE) <= builtin


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_opens_at_the_step_of_the_link(script, lang):
    at = open_at(script, lang, step=3)
    assert not at.exception
    assert query_step(at) == "3"
    assert at.session_state[seminar.STEP_KEY] == 3
    assert [h.value for h in at.header] == [heading("oct_2022_rule", lang)]
    assert t("seminar.step_of", lang, step=3, total=12) in step_caption(at)
    assert t("seminar.narratives.oct_2022_rule", lang) in texts(at)
    assert f"### {t('seminar.questions.oct_2022_rule', lang)}" in texts(at)
    assert not at.warning


def test_without_a_step_it_opens_at_step_one(script):
    at = open_at(script)
    assert at.session_state[seminar.STEP_KEY] == 1
    assert query_step(at) == "1"
    assert at.header[0].value == heading("no_controls", "en")
    assert at.button(key="seminar_previous").disabled


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_next_and_previous_change_the_step_and_the_url(script, lang):
    at = open_at(script, lang, step=3)
    at.button(key="seminar_next").click().run()
    assert not at.exception
    assert query_step(at) == "4"
    assert at.header[0].value == heading("allied_alignment_2023", lang)
    at.button(key="seminar_previous").click().run()
    at.button(key="seminar_previous").click().run()
    assert query_step(at) == "2"
    assert at.header[0].value == heading("trade_war_2018_2020", lang)


def test_next_stops_at_the_last_step(script):
    at = open_at(script, step=12)
    assert at.header[0].value == plain(t("seminar.titles.reality_check", "en"))
    assert at.button(key="seminar_next").disabled
    assert not at.button(key="seminar_previous").disabled


@pytest.mark.parametrize("raw", ["0", "13", "99", "abc", "-1", "2.5", "<b>x</b>"])
def test_a_bad_step_opens_step_one_with_a_notice(script, raw):
    at = open_at(script, step=raw)
    assert not at.exception
    assert at.session_state[seminar.STEP_KEY] == 1
    assert query_step(at) == "1"
    assert len(at.warning) == 1
    assert "12" in at.warning[0].value
    assert "<b>" not in at.warning[0].value  # the raw value is escaped


def test_a_bad_step_in_chinese_is_explained_in_chinese(script):
    at = open_at(script, "zh", step=42)
    assert i18n.has_cjk(at.warning[0].value)
    assert "42" in at.warning[0].value


def test_parse_step():
    assert seminar_steps.parse_step("3", 11) == (3, True)
    assert seminar_steps.parse_step(" 11 ", 11) == (11, True)
    for raw in ("0", "12", "x", "", "1e3", "03a"):
        assert seminar_steps.parse_step(raw, 11) == (1, False)


# --- predict, then reveal -----------------------------------------------------------


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_before_the_reveal_no_chart_and_no_numbers(script, lang):
    at = open_at(script, lang, step=5)
    assert charts(at) == []
    assert len(at.metric) == 0
    assert at.button(key="seminar_reveal").label == t("seminar.reveal", lang)
    assert at.button(key="seminar_replay_button").disabled
    assert t("seminar.prediction", lang) in [s.value for s in at.subheader]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_reveal_shows_one_big_chart_and_three_numbers(script, lang):
    at = open_at(script, lang, step=3)
    at.button(key="seminar_reveal").click().run()
    assert not at.exception
    assert [c.key for c in charts(at)] == [seminar.CHART_KEY]
    figure = spec(at)
    assert figure["layout"]["font"]["size"] >= 24
    assert figure["layout"]["title"]["font"]["size"] >= 30
    for font in (figure["layout"]["font"], figure["layout"]["title"]["font"]):
        assert "Noto Sans CJK SC" in font["family"]  # not Japanese glyph forms
    title = figure["layout"]["title"]["text"]
    assert i18n.has_cjk(title) == (lang == "zh")

    sim = simulate(PresetStore().load("oct_2022_rule").levers())
    before = simulate(PresetStore().load("trade_war_2018_2020").levers())
    expected = seminar_steps.kpi_texts(sim, before, lang)
    shown = [(m.label, m.value) for m in at.metric]
    assert shown == [(label, value) for label, value, _ in expected]
    price = sim.metrics.scalar("china_tech_price_change_pct")
    assert at.metric[0].value == i18n.format_percent(price, lang, 2)

    at.button(key="seminar_reveal").click().run()  # hide again
    assert charts(at) == [] and len(at.metric) == 0


def test_welfare_steps_show_the_welfare_bars_with_translated_titles(script):
    at = open_at(script, "zh", step=1)
    at.button(key="seminar_reveal").click().run()
    figure = spec(at)
    assert figure["data"][0]["type"] == "bar"
    assert "中国大陆" in figure["layout"]["title"]["text"]
    assert figure["layout"]["yaxis"]["title"]["text"] == t(
        "charts.axes.welfare_pct", "zh"
    )


def test_map_steps_show_the_security_cost_map_in_chinese(script):
    at = open_at(script, "zh", step=10)
    at.button(key="seminar_reveal").click().run()
    figure = spec(at)
    labels = " ".join(figure["data"][0]["text"])
    assert "小院高墙（理想化）" in labels
    assert "off scale" not in labels and "超出坐标范围" in labels
    assert figure["data"][1]["name"] == "本情景"
    assert figure["layout"]["xaxis"]["title"]["text"] == t(
        "charts.axes.coalition_cost", "zh"
    )


def test_moving_on_hides_the_answer_again(script):
    at = open_at(script, step=3)
    at.button(key="seminar_reveal").click().run()
    at.button(key="seminar_next").click().run()
    assert charts(at) == [] and len(at.metric) == 0


def test_replay_shows_the_step_before_and_this_one(script):
    at = open_at(script, step=3)
    at.button(key="seminar_next").click().run()
    at.button(key="seminar_reveal").click().run()
    assert not at.button(key="seminar_replay_button").disabled
    at.button(key="seminar_replay_button").click().run()
    assert not at.exception
    assert [c.key for c in charts(at)] == [
        seminar.BEFORE_CHART_KEY,
        seminar.AFTER_CHART_KEY,
    ]
    before, after = spec(at, 0), spec(at, 1)
    assert name("oct_2022_rule", "en") in before["layout"]["title"]["text"]
    assert name("allied_alignment_2023", "en") in after["layout"]["title"]["text"]
    at.button(key="seminar_replay_button").click().run()
    assert [c.key for c in charts(at)] == [seminar.CHART_KEY]


def test_citations_are_shown_with_every_step(script):
    at = open_at(script, "zh", step=3)
    captions = " ".join(c.value for c in at.caption)
    assert t("seminar.sources", "zh") in captions
    assert "Rhodium" in captions  # one of the preset's citations, as published


def test_chinese_view_is_chinese(script):
    at = open_at(script, "zh", step=4)
    at.button(key="seminar_reveal").click().run()
    at.button(key="seminar_next").click().run()
    at.button(key="seminar_reveal").click().run()
    assert not at.exception
    shown = texts(at) + [b.label for b in at.button] + [m.label for m in at.metric]
    shown += [h.value for h in at.header] + [h.value for h in at.subheader]
    shown += [e.label for e in at.expander] + [i.label for i in at.text_input]
    for text in shown:
        assert i18n.has_cjk(text), text


def test_kpi_changes_are_given_against_the_previous_step():
    sim = simulate(PresetStore().load("oct_2023_update").levers())
    before = simulate(PresetStore().load("allied_alignment_2023").levers())
    texts_en = seminar_steps.kpi_texts(sim, before, "en")
    assert [delta is not None for _, _, delta in texts_en] == [True, True, True]
    assert texts_en[0][2].endswith("pp vs the previous step")
    assert seminar_steps.kpi_texts(sim, None, "zh")[0][2] is None
    no_fence = simulate(PresetStore().load("no_controls").levers())
    assert math.isnan(no_fence.metrics.scalar("backfill_share"))
    _, value, delta = seminar_steps.kpi_texts(no_fence, None, "zh")[2]
    assert value == "不适用" and delta is None


# --- the presenter's storyline ------------------------------------------------------


def test_parse_ids():
    presets = dict.fromkeys(TIMELINE)
    known, unknown = storylines.parse_ids(
        "oct_2022_rule, nope，cooperation、x y", presets
    )
    assert known == ["oct_2022_rule", "cooperation"]
    assert unknown == ["nope", "x", "y"]
    assert storylines.parse_ids("", presets) == ([], [])


def test_saving_a_storyline_writes_the_file_and_it_opens_next_time(script, presets_dir):
    at = open_at(script, step=5)
    at.text_input(key=seminar.INPUT_KEY).input(
        "oct_2023_update, not_a_preset, cooperation"
    ).run()
    at.button(key="seminar_storyline_save").click().run()
    assert not at.exception
    saved = presets_dir / storylines.STORYLINE_FILE
    assert json.loads(saved.read_text(encoding="utf-8")) == {
        "version": storylines.STORYLINE_VERSION,
        "steps": ["oct_2023_update", "cooperation"],
    }
    assert any("not\\_a\\_preset" in w.value for w in at.warning)
    assert at.success
    assert query_step(at) == "1"
    assert t("seminar.step_of", "en", step=1, total=2) in step_caption(at)
    assert at.header[0].value == heading("oct_2023_update", "en")
    assert not list(presets_dir.glob(".tmp-*"))
    # the preset store does not see it as a (broken) preset
    entries, broken = PresetStore().list()
    assert broken == [] and all(e.origin == "built-in" for e in entries)

    again = open_at(script, "zh")
    assert t("seminar.step_of", "zh", step=1, total=2) in step_caption(again)
    again.button(key="seminar_next").click().run()
    assert again.header[0].value == heading("cooperation", "zh")
    assert again.button(key="seminar_next").disabled


def test_using_a_storyline_without_saving_and_going_back(script, presets_dir):
    at = open_at(script)
    at.text_input(key=seminar.INPUT_KEY).input("cooperation, no_controls").run()
    at.button(key="seminar_storyline_apply").click().run()
    assert t("seminar.step_of", "en", step=1, total=2) in step_caption(at)
    assert not (presets_dir / storylines.STORYLINE_FILE).exists()
    at.button(key="seminar_storyline_reset").click().run()
    assert t("seminar.step_of", "en", step=1, total=12) in step_caption(at)


def test_a_storyline_of_unknown_ids_changes_nothing(script):
    at = open_at(script, "zh", step=2)
    at.text_input(key=seminar.INPUT_KEY).input("foo, bar").run()
    at.button(key="seminar_storyline_apply").click().run()
    assert at.error and i18n.has_cjk(at.error[0].value)
    assert t("seminar.step_of", "zh", step=2, total=12) in step_caption(at)


def test_a_broken_saved_storyline_is_reported_and_ignored(script, presets_dir):
    presets_dir.mkdir(parents=True)
    (presets_dir / storylines.STORYLINE_FILE).write_text("{not json", encoding="utf-8")
    at = open_at(script)
    assert not at.exception
    assert at.warning
    assert t("seminar.step_of", "en", step=1, total=12) in step_caption(at)


def test_save_and_load_round_trip(tmp_path):
    path = tmp_path / "deep" / "storyline.json"
    storylines.save_storyline(["a", "b"], path)
    assert storylines.load_storyline(path) == ["a", "b"]
    assert storylines.load_storyline(tmp_path / "missing.json") is None
    (tmp_path / "bad.json").write_text('{"steps": [1, 2]}', encoding="utf-8")
    with pytest.raises(ValueError):
        storylines.load_storyline(tmp_path / "bad.json")


# --- layering -----------------------------------------------------------------------


def test_step_logic_never_imports_streamlit_or_plotly():
    """The step logic is pure (neither streamlit nor plotly); the storyline file
    knows nothing of dashboard. (That no figure module, the projector's included,
    imports streamlit is tests/test_layering.py's.)"""
    code = (
        "import sys\n"
        "def loaded(*names):\n"
        "    return [n for n in sys.modules if n.split('.')[0] in names]\n"
        "import scenarios.storylines\n"
        "assert not loaded('streamlit', 'plotly', 'dashboard'), loaded('dashboard')\n"
        "import dashboard.seminar_steps\n"
        "assert not loaded('streamlit', 'plotly'), loaded('streamlit', 'plotly')\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# --- the room's guesses -------------------------------------------------------------


def test_every_step_asks_a_number_whose_model_answer_is_on_its_slider():
    for step in seminar_steps.default_storyline():
        question = seminar_steps.guess_for(step.preset)
        assert question != seminar_steps.DEFAULT_GUESS, step.preset
        sim = simulate(PresetStore().load(step.preset).levers())
        answer = seminar_steps.model_answer(sim, question)
        if math.isnan(answer):  # backfill is undefined when the fence stops nothing
            continue
        assert question.low <= answer <= question.high, (step.preset, answer)
    assert seminar_steps.guess_for("someone_elses") == seminar_steps.DEFAULT_GUESS


def test_the_direction_is_judged_from_the_previous_steps_answer():
    right = seminar_steps.direction_right
    assert right([0.5, 2.0, -0.3, 0.0], answer=0.27, before=0.0, increment=0.05) == 2
    assert right([0.5, 0.01], answer=0.0, before=0.0, increment=0.05) == 1  # flat
    assert right([1.0], answer=math.nan, before=0.0, increment=0.05) == 0


def test_the_qr_code_is_a_png_made_here():
    png = qr_png("http://192.168.1.20:8501/?view=vote&room=ABCDE")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
