"""Translations: both languages have every key, every table entry, the same fields;
Chinese is Chinese; numbers and dates read right; missing texts behave."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import defaultdict
from pathlib import Path

import pytest

from dashboard import i18n
from dashboard.i18n import (
    LANGUAGES,
    format_date,
    format_number,
    format_percent,
    format_pp,
    format_usd_bn,
    t,
)
from model import decade_outputs, dynamic_parameters
from model.levers import GROUPS, LEVERS
from model.metrics import METRICS
from model.names import REGION_LABELS, REGIONS, SECTOR_LABELS, SECTORS
from scenarios.store import BUILTIN_DIR
from tests.support.i18n_keys import HELPER_FAMILIES, used_keys

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "dashboard" / "content"

LATIN_IN_ZH = {
    "charts.compare.difference",  # "{name} − {reference}"
    "charts.compare.hover_bar",  # "{name}<br>%{y:.3f}": a hover template
    "views.tradeoffs.grid_size_option",  # "{n} × {n}"
}
"""Chinese texts that may be Latin only: placeholders, symbols and units."""


def tree(lang: str) -> dict:
    data = json.loads((i18n.I18N_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    data.pop("about", None)
    return data


def shape(node: object) -> object:
    """The nested keys of a text tree, without the texts."""
    if isinstance(node, dict):
        return {k: shape(v) for k, v in node.items()}
    return None


def builtin_presets() -> dict[str, dict]:
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(BUILTIN_DIR.glob("*.json"))
    }


def unescape(text: str) -> str:
    """A text as it reads once filled (doubled braces undone)."""
    return text.replace("{{", "{").replace("}}", "}")


class Anything(defaultdict):
    def __missing__(self, key: str) -> str:
        return "1"


# --- the files ----------------------------------------------------------------------


def test_both_languages_have_exactly_the_same_keys():
    assert shape(tree("en")) == shape(tree("zh"))
    assert i18n.keys("en") == i18n.keys("zh")
    assert len(i18n.keys("en")) > 500


def test_files_are_valid_utf8_json_with_text_leaves_only():
    for lang in LANGUAGES:
        catalog = i18n.catalog(lang)
        assert all(isinstance(v, str) and v.strip() for v in catalog.values())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_template_parses_and_fills(lang):
    for key, text in i18n.catalog(lang).items():
        names = i18n.fields(text)  # raises on a stray brace
        filled = text.format_map(Anything(str))
        assert "{" not in filled.replace("%{", "") or "{{" in text, key
        assert all(re.fullmatch(r"[a-z_][a-z0-9_]*", n) for n in names), (key, names)


def test_template_fields_match_between_languages():
    en, zh = i18n.catalog("en"), i18n.catalog("zh")
    mismatched = {
        k: (i18n.fields(en[k]), i18n.fields(zh[k]))
        for k in en
        if i18n.fields(en[k]) != i18n.fields(zh[k])
    }
    assert not mismatched


def test_plotly_placeholders_match_between_languages():
    en, zh = i18n.catalog("en"), i18n.catalog("zh")
    for key in en:
        plotly = re.compile(r"%\{\{[^}]*\}\}")
        assert sorted(plotly.findall(en[key])) == sorted(plotly.findall(zh[key])), key


def test_chinese_texts_are_chinese():
    latin = {
        k: v for k, v in i18n.catalog("zh").items() if not i18n.has_cjk(v)
    }.keys() - LATIN_IN_ZH
    assert not latin, sorted(latin)


def test_english_texts_have_no_chinese():
    assert not [k for k, v in i18n.catalog("en").items() if i18n.has_cjk(v)]


def test_markup_is_kept_in_translation():
    """Line breaks, sub-titles, bold and code spans survive the translation."""
    en, zh = i18n.catalog("en"), i18n.catalog("zh")
    for key in en:
        for mark in ("<br>", "<sup>", "<extra></extra>", "**", "`"):
            assert en[key].count(mark) == zh[key].count(mark), (key, mark)


# --- every table entry in both languages, English as in the source -------------------


def test_levers():
    en, zh = i18n.catalog("en"), i18n.catalog("zh")
    for lever in LEVERS:
        assert unescape(en[f"levers.{lever.name}.label"]) == lever.label
        assert unescape(en[f"levers.{lever.name}.help"]) == lever.meaning
        for lang in LANGUAGES:
            assert i18n.lever_label(lever.name, lang)
            assert i18n.lever_help(lever.name, lang)
            assert i18n.lever_unit(lever.name, lang)
        assert i18n.lever_label(lever.name, "zh") == zh[f"levers.{lever.name}.label"]
    names = {k.split(".")[1] for k in en if k.startswith("levers.")}
    assert names == {lever.name for lever in LEVERS}


def test_units_and_choices():
    units = [lever.unit for lever in LEVERS] + [m.unit for m in METRICS]
    units += [o.unit for o in decade_outputs.OUTPUTS]
    units += [p.unit for p in dynamic_parameters.DYNAMIC_PARAMETERS]
    for text in units:
        assert unescape(t(f"units.{i18n.slug(text)}", "en")) == text
        assert i18n.has_cjk(i18n.unit(text, "zh"))
    for lever in LEVERS:
        for value in lever.choices:
            assert t(f"choices.{lever.name}.{value}", "en") == value
            assert i18n.has_cjk(i18n.choice(lever.name, value, "zh"))


def test_groups():
    for group, title in GROUPS.items():
        assert i18n.group_title(group, "en") == title
        assert i18n.has_cjk(i18n.group_title(group, "zh"))
    assert {k.split(".")[1] for k in i18n.keys() if k.startswith("groups.")} == set(
        GROUPS
    )


def test_metrics():
    from dashboard.views import method

    definitions = getattr(method, "METRIC_DEFINITIONS", {})
    for metric in METRICS:
        assert i18n.metric_label(metric.name, "en") == metric.label
        assert i18n.has_cjk(i18n.metric_label(metric.name, "zh"))
        assert i18n.has_cjk(i18n.metric_definition(metric.name, "zh"))
        if metric.name in definitions:
            assert (
                i18n.metric_definition(metric.name, "en") == (definitions[metric.name])
            )
    names = {k.split(".")[1] for k in i18n.keys() if k.startswith("metrics.")}
    assert names == {m.name for m in METRICS}


def test_dynamic_outputs_and_parameters():
    metric_names = {m.name for m in METRICS}
    for output in decade_outputs.OUTPUTS:
        assert i18n.output_label(output.name, "en") == output.label
        assert i18n.has_cjk(i18n.output_label(output.name, "zh"))
    outputs = {k.split(".")[1] for k in i18n.keys() if k.startswith("outputs.")}
    assert outputs == {o.name for o in decade_outputs.OUTPUTS} - metric_names
    for parameter in dynamic_parameters.DYNAMIC_PARAMETERS:
        for field in ("label", "reasoning"):
            text = i18n.dynamic_parameter(parameter.name, field, "en")
            assert text == getattr(parameter, field)
            assert i18n.has_cjk(i18n.dynamic_parameter(parameter.name, field, "zh"))


def test_regions_and_sectors():
    for code in REGIONS:
        assert i18n.region(code, "en") == REGION_LABELS[code]
        assert i18n.has_cjk(i18n.region(code, "zh"))
    for code in SECTORS:
        assert i18n.sector(code, "en") == SECTOR_LABELS[code]
        assert i18n.has_cjk(i18n.sector(code, "zh"))
    assert i18n.region("XYZ", "zh") == "XYZ"  # unknown codes stay as they are
    assert i18n.sector("nope", "en") == "nope"


def test_builtin_presets():
    presets = builtin_presets()
    for preset_id, data in presets.items():
        for field in ("name", "description"):
            assert i18n.preset_text(preset_id, field, "en", "?") == data[field]
            assert i18n.has_cjk(i18n.preset_text(preset_id, field, "zh", "?"))
    ids = {k.split(".")[1] for k in i18n.keys() if k.startswith("presets.")}
    assert ids == set(presets)


def test_user_presets_keep_their_own_text():
    assert i18n.preset_text("my_case", "name", "zh", "My case") == "My case"
    assert i18n.preset_text("my_case", "description", "en", "") == ""


def test_glossary_and_limitations_follow_the_content_files():
    glossary = json.loads((CONTENT / "glossary.json").read_text(encoding="utf-8"))
    assert i18n.glossary("en") == [
        {f: item.get(f, "") for f in ("term", "meaning", "model")}
        for item in glossary["terms"]
    ]
    zh = i18n.glossary("zh")
    assert len(zh) == len(glossary["terms"])
    assert all(i18n.has_cjk(v) for item in zh for v in item.values())
    limitations = json.loads((CONTENT / "limitations.json").read_text("utf-8"))
    assert i18n.limitations("en") == [
        {f: item[f] for f in ("title", "text")} for item in limitations["items"]
    ]
    assert all(
        i18n.has_cjk(v) for item in i18n.limitations("zh") for v in item.values()
    )
    for family, count in (
        ("glossary.", 3 * len(glossary["terms"])),
        ("limitations.", 2 * len(limitations["items"])),
    ):
        assert sum(k.startswith(family) for k in i18n.keys()) == count


def test_equation_captions():
    equations = json.loads((CONTENT / "equations.json").read_text(encoding="utf-8"))
    for part, rows in equations.items():
        if part == "about":
            continue
        for index, (caption, _) in enumerate(rows):
            assert i18n.equation_caption(part, index, "en") == caption
            assert i18n.has_cjk(i18n.equation_caption(part, index, "zh"))


def test_headline_kpis_of_the_overview():
    from dashboard.views import overview

    for name in overview.HEADLINE:
        for lang in ("en", "zh"):
            assert t(f"kpi.{name}.label", lang) and t(f"kpi.{name}.help", lang)


def test_storyline_steps_have_a_narrative_and_question_in_both_languages():
    steps = json.loads((CONTENT / "storyline.json").read_text(encoding="utf-8"))
    for step in steps["steps"]:
        for kind in ("narratives", "questions"):
            key = f"seminar.{kind}.{step.get('text', step['preset'])}"
            assert i18n.has(key, "en") and i18n.has(key, "zh")
            assert i18n.has_cjk(t(key, "zh"))
    ids = {k.split(".")[2] for k in i18n.keys() if k.startswith("seminar.narratives.")}
    assert ids == {s.get("text", s["preset"]) for s in steps["steps"]}


# --- t() and its fallbacks ----------------------------------------------------------


def test_t_fills_fields():
    assert t("seminar.step_of", "en", step=3, total=11) == "Step 3 of 11"
    assert t("seminar.step_of", "zh", step=3, total=11) == "第 3 步，共 11 步"
    assert t("charts.bilateral.hover", "en") == "%{y} to %{x}: %{text}<extra></extra>"


def test_language_codes_are_normalised():
    assert i18n.normalise("zh-CN") == "zh"
    assert i18n.normalise("ZH_hans") == "zh"
    assert i18n.normalise("fr") == "en"
    assert i18n.normalise(None) == "en"
    assert t("tabs.overview", "zh-CN") == "概览"
    assert i18n.language_name("zh") == "简体中文"
    assert i18n.language_name("en") == "English"


def test_missing_key_raises_in_strict_mode(monkeypatch):
    monkeypatch.setenv(i18n.STRICT_ENV, "1")
    with pytest.raises(KeyError):
        t("no.such.key", "en")
    with pytest.raises(KeyError):
        t("seminar.step_of", "zh", step=1)  # a field is missing


def test_strict_mode_is_off_unless_switched_on(monkeypatch):
    monkeypatch.delenv(i18n.STRICT_ENV, raising=False)
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "x")  # running under pytest: no matter
    assert not i18n.strict()
    assert t("no.such.key", "zh") == "no.such.key"


def test_tests_run_in_strict_mode():
    """tests/conftest.py switches strict mode on, unless the caller chose."""
    setting = os.environ.get(i18n.STRICT_ENV)
    if setting != "1":
        pytest.skip(f"the caller set {i18n.STRICT_ENV}={setting!r}")
    assert i18n.strict()
    with pytest.raises(KeyError):
        t("no.such.key", "zh")


def test_missing_texts_never_crash_at_run_time(monkeypatch):
    monkeypatch.setenv(i18n.STRICT_ENV, "0")
    assert not i18n.strict()
    assert t("no.such.key", "zh") == "no.such.key"
    # a field left out: the template is shown unfilled rather than crashing
    assert t("seminar.step_of", "en", step=1) == "Step {step} of {total}"
    # a key only in English falls back to English
    monkeypatch.setitem(i18n.catalog("en"), "test.only_english", "Only {x}")
    assert t("test.only_english", "zh", x="here") == "Only here"


# --- numbers and dates --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (1234.567, "en", "1,234.57"),
        (1234.567, "zh", "1,234.57"),
        (-0.0001, "en", "0.00"),
        (float("nan"), "en", "n/a"),
        (None, "zh", "不适用"),
        ("junk", "en", "n/a"),
    ],
)
def test_format_number(value, lang, expected):
    assert format_number(value, lang) == expected


def test_format_percent_pp_and_money():
    assert format_percent(0.633, "en", 2) == "+0.63%"
    assert format_percent(-2.2449, "zh", 1) == "-2.2%"
    assert format_percent(0.148, "en", 0, signed=False, share=True) == "15%"
    assert format_percent(float("nan"), "zh") == "不适用"
    assert format_pp(1.5, "en") == "+1.5 pp"
    assert format_pp(-0.25, "zh", 2) == "-0.25个百分点"
    assert format_usd_bn(-0.719, "en") == "-0.72 USD bn"
    assert format_usd_bn(-0.719, "zh") == "-7.2亿美元"  # 亿 = 10^8: times ten
    assert format_usd_bn(81.96, "en", 1, signed=False) == "82.0 USD bn"
    assert format_number(1e6, "en", 0, signed=True) == "+1,000,000"


@pytest.mark.parametrize(
    ("date", "en", "zh"),
    [
        (dt.date(2023, 10, 17), "17 October 2023", "2023年10月17日"),
        ("2022-10-07", "7 October 2022", "2022年10月7日"),
        (dt.datetime(2024, 12, 2, 9, 30), "2 December 2024", "2024年12月2日"),
        ("2023-07", "July 2023", "2023年7月"),
        (2020, "2020", "2020年"),
        (None, "not dated", "无日期"),
    ],
)
def test_format_date(date, en, zh):
    assert format_date(date, "en") == en
    assert format_date(date, "zh") == zh


def test_format_date_keeps_what_it_cannot_read():
    assert format_date("soon", "zh") == "soon"
    assert format_date("2023-13-01", "en") == "2023-13-01"


# --- which keys are used ------------------------------------------------------------


def test_used_keys_rules(tmp_path):
    source = tmp_path / "view.py"
    source.write_text(
        "from dashboard import i18n as tr\n"
        "from dashboard.i18n import region, t\n"
        "LABELS = {'a': 'kpi.world_welfare_change_pct.label'}\n"
        "def sector(code):\n"
        "    return code\n"
        "def f(lang, name):\n"
        "    t('tabs.overview', lang)\n"
        "    t(f'views.flows.{name}', lang)\n"
        "    tr.group_title('yard', lang)\n"
        "    sector('sme')  # a local function of the same name: not the helper\n"
        "    return region('USA', lang)\n",
        encoding="utf-8",
    )
    used = used_keys([source])
    assert "kpi.world_welfare_change_pct.label" in used
    assert "tabs.overview" in used and "tabs.flows" not in used
    assert "views.flows.change_in" in used
    assert {f"regions.{code}" for code in REGIONS} <= used
    assert {f"groups.{group}" for group in GROUPS} <= used
    assert not any(k.startswith("sectors.") for k in used)


def test_helper_families_name_real_helpers():
    """The scanner's table of helpers follows dashboard.i18n: a renamed helper
    would otherwise leave its key family unused."""
    missing = [
        name for name in HELPER_FAMILIES if not callable(getattr(i18n, name, None))
    ]
    assert not missing, missing
    for families in HELPER_FAMILIES.values():
        for family in families:
            assert any(k == family or k.startswith(family) for k in i18n.keys()), family


def test_every_seminar_key_is_used():
    used = used_keys()
    seminar = {k for k in i18n.keys() if k.startswith("seminar.")}
    assert seminar - used == set()


def test_every_key_is_used():
    """No text in the catalogues may sit unused."""
    unused = i18n.keys() - used_keys()
    assert not unused, sorted(unused)
