"""The "Method and sources" tab: reproduce snippets, definitions, glossary, render."""

from __future__ import annotations

import ast
import json
import math
import re
import shlex
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.views import method
from helpers import ROOT
from model.data import load_baseline
from model.levers import DEFAULTS, Levers
from model.metrics import METRICS
from model.simulation import simulate
from scenarios.schema import scenario_from_dict

PRESET = ROOT / "scenarios/presets/oct_2023_update.json"
PAPER = ROOT.parent / "shared/seed/000_d7f6700375136dd0.txt"

GLOSSARY_TERMS = (
    "Entity List",
    "ECCN 3A090",
    "FDPR",
    "total processing performance",
    "TPP",
    "performance density",
    "small yard, high fence",
    "friend-shoring",
    "backfill",
    "leakage",
    "iceberg trade cost",
    "exact hat algebra",
)

LEVER_CASES = [
    Levers(values)
    for values in (
        {},
        dict(DEFAULTS),
        {"scope_ai_chips": 1.0, "fence_pct": 110.0},
        {"scope_sme": 0.4, "prohibitive": True, "evasion": 0.1, "fdpr_reach": 0.5},
        {"us_tariff_pct": 3.1, "china_retaliation_pct": 8, "elasticities": "short_run"},
        {**DEFAULTS, "participation_nld": 0.7, "friendshoring_pct": 0.1 + 0.2},
    )
]


def assert_same_metrics(got: object, want: object) -> None:
    """Equal nested metric dicts; None (undefined) and NaN count as equal."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys()
        for key in want:
            assert_same_metrics(got[key], want[key])
    elif want is None or (isinstance(want, float) and math.isnan(want)):
        assert got is None or (isinstance(got, float) and math.isnan(got))
    else:
        assert got == pytest.approx(want, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("levers", LEVER_CASES)
def test_snippet_reproduces_the_scenario(levers):
    snippet = method.reproduce_snippet(levers)
    namespace: dict[str, object] = {}
    exec("\n".join(snippet.splitlines()[:2]), namespace)
    got = namespace["sim"].metrics.to_dict()["metrics"]
    assert_same_metrics(got, simulate(levers).metrics.to_dict()["metrics"])


@pytest.mark.parametrize("levers", LEVER_CASES)
def test_snippet_and_command_list_only_changed_levers(levers):
    changed = {k: v for k, v in levers.items() if v != DEFAULTS[k]}
    snippet = method.reproduce_snippet(levers)
    assert set(re.findall(r'"(\w+)":', snippet)) == set(changed)
    assert snippet.splitlines()[2] == 'print(sim.metrics.to_dict()["metrics"])'
    args = shlex.split(method.reproduce_command(levers))
    assert args[:3] == ["python", "-m", "model"] and args[3] == "run"
    assert args[-2:] == ["--out", "results.json"]
    assert json.loads(args[4]) == pytest.approx(changed)


def test_default_levers_give_an_empty_scenario():
    assert method.reproduce_snippet(Levers()).splitlines()[1] == "sim = simulate({})"
    assert (
        method.reproduce_command(Levers())
        == "python -m model run '{}' --out results.json\n"
    )


def test_every_metric_has_a_one_line_definition():
    names = {m.name for m in METRICS}
    assert set(method.METRIC_DEFINITIONS) == names
    assert all("\n" not in d and d for d in method.METRIC_DEFINITIONS.values())
    assert len(method.metric_table()) == len(METRICS)


@pytest.mark.parametrize("term", GLOSSARY_TERMS)
def test_glossary_has_the_term(term):
    terms = [t["term"].lower() for t in method.load_content("glossary")["terms"]]
    assert any(term.lower() in t for t in terms), term


def test_content_is_markdown_safe_and_complete():
    for name in ("equations", "glossary", "limitations"):
        text = (method.CONTENT_DIR / f"{name}.json").read_text(encoding="utf-8")
        assert "$" not in text  # Streamlit would read it as LaTeX
    limits = " ".join(i["text"] for i in method.load_content("limitations")["items"])
    for fact in ("WP/21/69", "ERSD-2022-09", "Hong Kong", "deficit", "Entity List"):
        assert fact in limits


def test_equations_include_the_model_and_the_coverage_aggregation():
    equations = method.load_content("equations")
    latex = " ".join(
        tex for part in equations.values() if isinstance(part, list) for _, tex in part
    )
    for piece in (
        r"\hat W_j",
        r"\sum_i Y'_i = \sum_i Y_i",
        "E'_j = Y'_j + D_j",
        r"(1 + f_s)^{-\theta_s}\right]^{-1/\theta_s}",
        r"\mathrm{fdpr\_reach}",
        r"\mathrm{fence\_pct}_s / 100 & \text{rule}_s = \text{height}",
    ):
        assert piece in latex, piece


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@pytest.mark.skipif(not PAPER.is_file(), reason="seminar paper not available")
def test_glossary_is_in_our_own_words():
    paper = _words(PAPER.read_text(encoding="utf-8"))
    n = 10  # ten words in a row: a copied phrase, not a shared proper name
    shingles = {tuple(paper[k : k + n]) for k in range(len(paper) - n + 1)}
    for item in method.load_content("glossary")["terms"]:
        words = _words(item["meaning"])
        copied = {tuple(words[k : k + n]) for k in range(len(words) - n + 1)}
        assert not shingles.intersection(copied), item["term"]


def test_lever_table_marks_changes_from_the_preset():
    preset = scenario_from_dict(json.loads(PRESET.read_text(encoding="utf-8")))
    levers = preset.levers() | {"fence_pct": 150.0}
    table = method.lever_table(levers, preset).set_index("name")
    assert list(table.index[table["differs from preset"]]) == ["fence_pct"]
    assert table.loc["fence_pct", ["current", "preset"]].tolist() == ["150", "110"]
    assert table.loc["prohibitive", "range or choices"] == "on / off"


def test_sources_are_merged_and_deduplicated():
    baseline = load_baseline()
    sources = method.source_table(baseline.provenance)
    assert sources["id"].is_unique
    assert "S01" in set(sources["id"])  # in both flows and regions sidecars
    s01 = sources.set_index("id").loc["S01", "used in"]
    assert "flows.csv" in s01 and "regions.csv" in s01
    assert set(sources["kind"]) == {"source", "assumption"}
    assert (sources["citation or assumption"] != "").all()
    quality = method.quality_table(baseline).set_index("quality")["flows"]
    assert quality.sum() == len(baseline.flows) and quality["measured"] == 0
    assert len(method.caveats(baseline.provenance)) == len(
        set(method.caveats(baseline.provenance))
    )


def _method_tab(preset_path: str) -> None:
    import json
    from pathlib import Path

    from dashboard import cache, context
    from dashboard.views import method
    from model.data import load_baseline
    from scenarios.schema import scenario_from_dict

    preset = scenario_from_dict(json.loads(Path(preset_path).read_text("utf-8")))
    levers = preset.levers() | {"fence_pct": 150.0}
    page = context.PageContext(
        lang="en",
        presets={preset.id: preset},
        builtin_presets=cache.builtin_presets(),
        baseline=load_baseline(),
        solve=cache.solve,
        points=cache.preset_points,
    )
    method.render(context.view_context(page, levers, preset))


def test_render_draws_the_tab():
    at = AppTest.from_function(_method_tab, args=(str(PRESET),), default_timeout=30)
    at.run()
    assert not at.exception
    assert len(at.get("latex")) >= 8
    assert len(at.dataframe) >= 3
    codes = [c.value for c in at.code]
    assert any("simulate(" in c for c in codes)
    assert any('"fence_pct": 150.0' in c for c in codes)
    subheaders = [s.value for s in at.subheader]
    for title in ("The model", "Limitations, plainly", "Glossary"):
        assert title in subheaders
    assert "October 2023 update (oct_2023_update)" in [t.value for t in at.text]


def test_view_is_pure_display():
    """The tab never solves the model: it does not import the solver entry points."""
    tree = ast.parse(Path(method.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert not {m for m, _ in imported} & {"model.simulation", "model.sweeps"}
    assert ("model.equilibrium", "solve") not in imported
