"""The Reality check tab (``?tab=reality``) renders in both languages, and what it
shows is the model's scorecard."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import seminar_steps
from dashboard.format import plain
from dashboard.i18n import t
from helpers import APP, plotly_spec
from scenarios import reality


@pytest.fixture(scope="module")
def check() -> reality.RealityCheck:
    return reality.evaluate()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_tab_renders_in_both_languages(lang: str, check: reality.RealityCheck):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["tab"] = "reality"
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    keys = {chart.key for chart in at.get("plotly_chart")}
    assert keys == {"reality_comparisons", "reality_literature"}
    score = {m.label: m.value for m in at.metric}[t("views.reality.score_label", lang)]
    assert score == t(
        "views.reality.score_value",
        lang,
        right=check.directions_right,
        total=check.compared,
    )
    subheaders = [s.value for s in at.subheader]
    assert t("views.reality.misses_title", lang, count=len(check.misses)) in subheaders
    notes = " ".join(m.value for m in at.markdown)
    for _, miss in check.misses.iterrows():  # a cited note for every miss
        label = t("views.reality.labels." + miss["id"], lang)
        assert f"**{label}**" in notes
        for mechanism in miss["lacks"]:
            assert t(f"views.reality.lacks.{mechanism}", lang) in notes
    spec = plotly_spec(at, 0)
    assert str(check.directions_right) in spec["layout"]["title"]["text"]


SEMINAR_SCRIPT = """\
import streamlit as st

from dashboard import cache, context
from dashboard.views import seminar

seminar.render(
    context.page_context(cache.builtin_presets(), st.query_params.get("lang", "en"))
)
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_seminar_ends_with_the_reality_check(
    tmp_path, lang: str, check: reality.RealityCheck
):
    script = tmp_path / "seminar_app.py"
    script.write_text(SEMINAR_SCRIPT, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=90)
    at.query_params["lang"] = lang
    at.query_params["step"] = str(len(seminar_steps.default_storyline()))
    at.run()
    assert at.header[0].value == plain(t("seminar.titles.reality_check", lang))
    at.button(key="seminar_reveal").click().run()
    assert not at.exception
    title = plotly_spec(at, 0)["layout"]["title"]["text"]
    assert str(check.compared) in title and str(check.directions_right) in title
