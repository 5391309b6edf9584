"""Chinese versions of the data-derived texts (``content/i18n/zh_data.json``).

The English texts in the data sidecars (assets/data/baseline_icio2022/*.meta.json)
and the built-in presets (scenarios/presets/*.json) are the single truth; the
table maps each to its Chinese version, per kind. Every text the Method tab can
show, and the Decade tab's market-trend sources, must have one (a new caveat,
source note or preset rationale without a translation fails here, naming it),
and no entry may be stale (an English key that no longer matches any source text:
the source was edited, so the translation must be redone).
"""

from __future__ import annotations

import json
import re
from functools import cache

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import i18n
from dashboard.format import plain
from dashboard.i18n import I18N_DIR, data_text, has_cjk
from helpers import APP, ROOT
from model.data import load_baseline
from model.market_trend import load_trend

PRESETS = sorted((ROOT / "scenarios/presets").glob("*.json"))

IDS = re.compile(r"\b(?:S\d{2}|A-[a-z0-9]+)\b|\b[a-z]+_[a-z_]+\b")
"""Source and assumption ids (S35, A-fd) and code names (ai_chips): kept as is."""


@cache
def shown() -> dict[str, tuple[str, ...]]:
    """Every English data text the Method and Decade tabs can show, by kind."""
    provenance = load_baseline().provenance
    entries = [e for meta in provenance.values() for e in meta.get("sources", [])]
    notes = [e.get("figures_used") or e.get("why", "") for e in entries]
    assumptions = [e.get("text", "") for e in entries if not e.get("citation")]
    texts = {
        "caveats": [c for meta in provenance.values() for c in meta.get("caveats", [])],
        "quality": list(provenance["flows"]["quality_tags"]["definitions"].values()),
        "sources": [*assumptions, *notes],
        "rationale": [
            text
            for path in PRESETS
            for text in json.loads(path.read_text("utf-8"))
            .get("rationale", {})
            .values()
        ],
        "trend_sources": [  # the Decade tab's market-trend sources
            text
            for source in load_trend().sources
            for text in (
                source["citation"] if source.get("kind") != "source" else "",
                source["figures_used"],
            )
        ],
    }
    return {
        kind: tuple(dict.fromkeys(t for t in ts if t)) for kind, ts in texts.items()
    }


def table() -> dict[str, dict[str, str]]:
    data = json.loads((I18N_DIR / "zh_data.json").read_text(encoding="utf-8"))
    return {kind: entries for kind, entries in data.items() if kind != "_about"}


@pytest.mark.parametrize(
    "kind", ["caveats", "quality", "sources", "rationale", "trend_sources"]
)
def test_every_data_text_has_a_chinese_version(kind):
    texts = shown()[kind]
    assert texts
    missing = [
        text
        for text in texts
        if data_text(kind, text, "zh") == text
        or not has_cjk(data_text(kind, text, "zh"))
    ]
    assert not missing, f"no Chinese version in zh_data.json[{kind!r}] for: {missing}"


def test_no_translation_is_stale():
    stale = {
        kind: sorted(set(entries) - set(shown().get(kind, ())))
        for kind, entries in table().items()
    }
    stale = {kind: keys for kind, keys in stale.items() if keys}
    assert not stale, f"zh_data.json entries whose English source is gone: {stale}"


def test_translations_keep_ids_and_code_names():
    for kind, entries in table().items():
        for english, chinese in entries.items():
            lost = set(IDS.findall(english)) - set(IDS.findall(chinese))
            assert not lost, (kind, english, lost)


def test_english_stays_the_source():
    text = shown()["sources"][0]
    assert data_text("sources", text, "en") == text
    assert data_text("sources", "a text nobody translated", "zh") == (
        "a text nobody translated"
    )


def _method_tab_in_chinese(preset_path: str) -> None:
    import json
    from pathlib import Path

    from dashboard import cache, context
    from dashboard.views import method
    from scenarios.schema import scenario_from_dict

    preset = scenario_from_dict(json.loads(Path(preset_path).read_text("utf-8")))
    page = context.PageContext(
        lang="zh",
        presets={preset.id: preset},
        builtin_presets=cache.builtin_presets(),
        baseline=cache.baseline(),
        solve=cache.solve,
        points=cache.preset_points,
    )
    method.render(context.view_context(page, preset.levers(), preset))


def test_method_tab_in_chinese_shows_the_chinese_versions():
    path = ROOT / "scenarios/presets/oct_2023_update.json"
    at = AppTest.from_function(
        _method_tab_in_chinese, args=(str(path),), default_timeout=60
    )
    at.run()
    assert not at.exception
    lines = {el.value for el in at.text}
    cells = {
        str(value)
        for frame in [*at.dataframe, *at.table]  # the tab's own tables are st.table
        for value in frame.value.to_numpy().ravel()
    }
    rationale = json.loads(path.read_text("utf-8"))["rationale"]
    for name, text in rationale.items():
        line = i18n.t(
            "views.method.rationale_line",
            "zh",
            label=i18n.lever_label(name, "zh"),
            name=name,
            text=data_text("rationale", text, "zh"),
        )
        assert f"• {line}" in lines, name
    for caveat in shown()["caveats"]:
        assert f"• {data_text('caveats', caveat, 'zh')}" in lines, caveat
    for kind in ("sources", "quality"):
        for text in shown()[kind]:
            assert data_text(kind, text, "zh") in cells, text
            assert text not in cells, text


def test_decade_trend_sources_in_chinese_keep_the_citations():
    from dashboard.views import decade

    for english, chinese in zip(
        load_trend().sources, decade._trend_sources("zh"), strict=True
    ):
        assert chinese["id"] == english["id"]
        assert has_cjk(chinese["figures_used"]), english["figures_used"]
        if english["kind"] == "source":
            assert chinese["citation"] == english["citation"]
        else:
            assert has_cjk(chinese["citation"]), english["citation"]
    assert decade._trend_sources("en") == [dict(s) for s in load_trend().sources]


def _bad_values() -> list[tuple[str, object]]:
    """One invalid value of each lever (a wrong type, and out of range)."""
    from model.levers import LEVERS

    cases: list[tuple[str, object]] = []
    for lever in LEVERS:
        cases.append((lever.name, "nonsense"))
        if lever.kind not in ("bool", "choice"):
            cases.append((lever.name, float(lever.bounds[1]) + 1.0))
    return cases


@pytest.mark.parametrize(("name", "value"), _bad_values())
def test_every_lever_problem_reads_in_chinese(name, value):
    from model.levers import LEVERS_BY_NAME

    with pytest.raises(ValueError) as raised:
        LEVERS_BY_NAME[name].validate(value)
    # as scenarios.links quotes it in a share link's warning
    problem = str(raised.value).removeprefix(name).removeprefix(" = ").strip()
    assert i18n.lever_problem(problem, "en") == problem
    chinese = i18n.lever_problem(problem, "zh")
    assert chinese != problem and has_cjk(chinese), problem
    assert repr(value) in chinese


def test_share_link_warning_in_chinese_names_the_problem_in_chinese(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(tmp_path / "presets"))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["lang"] = "zh"
    at.query_params["scope_sme"] = "5"
    at.run()
    assert not at.exception
    problem = i18n.t(
        "messages.lever_range",
        "zh",
        got="5.0",
        low="0",
        high="1",
        unit=i18n.unit("share of sales to China", "zh"),
    )
    warnings = [el.value for el in at.warning]
    assert any(plain(problem) in text for text in warnings), warnings
    assert not any("outside" in text for text in warnings), warnings
