"""The "Method and sources" tab: reproduce snippets, definitions, glossary, render."""

from __future__ import annotations

import ast
import dataclasses
import json
import math
import re
import shlex
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import i18n
from dashboard.views import method
from helpers import ROOT
from model.chip_channel import chip_channel
from model.data import DEFAULT_BASELINE_DIR, Baseline, load_baseline
from model.levers import DEFAULTS, Levers
from model.metrics import METRICS
from model.simulation import simulate
from scenarios.schema import scenario_from_dict

PRESET = ROOT / "scenarios/presets/oct_2023_update.json"
METHOD = "views.method."
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
        r"\hat c_{is} = \hat r_{is}^{\,\beta_{is}} \prod_k",
        r"E'_{js} = \alpha_{js}\,F'_j + \sum_k \gamma_{jks}\,R'_{jk}",
        r"F'_j = \sum_s \beta_{js}\,R'_{js} + T'_j + D_j",
        r"\frac{t'_{ijs}}{1 + t'_{ijs}}",
        r"\sum_{i,s} \beta_{is}\,R'_{is} = \sum_{i,s} \beta_{is}\,R_{is}",
        r"\hat W_j = \frac{F'_j / F_j}",
        r"^{-1/(\theta\,\beta_j)}",
        r"\hat t_{ijs} = \frac{1 + t'_{ijs}}{1 + t_{ijs}}",
        r"(1 + f_s)^{-\theta_s}\right]^{-1/\theta_s}",
        r"\mathrm{fdpr\_reach}",
        r"\mathrm{fence\_pct}_s / 100 & \text{rule}_s = \text{height}",
        r"\gamma_{\mathrm{CHN},\mathrm{ict\_hw},k}",
    ):
        assert piece in latex, piece
    assert r"\hat p_{is}" not in latex and "Y'_i" not in latex  # the endowment model


def test_no_text_says_tariffs_earn_nothing():
    """Tariffs raise revenue now: no Method-tab text may say otherwise, and the
    revenue point is cited in both languages."""
    texts = {
        lang: " ".join(
            [
                *(v for i in i18n.limitations(lang) for v in i.values()),
                *(v for i in i18n.glossary(lang) for v in i.values()),
                *(v for k, v in i18n.catalog(lang).items() if k.startswith(METHOD)),
            ]
        )
        for lang in ("en", "zh")
    }
    for stale in ("tariffs the same way", "no tariff revenue", "no input-output links"):
        assert stale not in texts["en"], stale
    assert "关税也按同样方式处理" not in texts["zh"]
    for lang in ("en", "zh"):
        for name in ("Caliendo", "Parro", "Fajgelbaum", "Khandelwal"):
            assert name in texts[lang], (lang, name)
    glossary_terms = [t["term"] for t in method.load_content("glossary")["terms"]]
    assert {"Tariff revenue", "Input-output shares (supply chains)"} <= set(
        glossary_terms
    )


HAND_BUILT = DEFAULT_BASELINE_DIR.parent / "baseline"
"""The first vintage: final sales only, so a made-up table of shares fits it."""


def _with_io(baseline: Baseline) -> Baseline:
    """``baseline`` with made-up input-output shares for China's ICT hardware
    (a test fixture, not data): chips 0.2, AI accelerators 0.004, the rest 0.3."""
    gamma = np.zeros_like(baseline.gamma)
    chn, ict = baseline.regions.index("CHN"), baseline.sectors.index("ict_hw")
    for sector, share in (("chips", 0.2), ("ai_chips", 0.004), ("rest", 0.3)):
        gamma[chn, ict, baseline.sectors.index(sector)] = share
    return dataclasses.replace(baseline, gamma=gamma)


CHIP_CONTROL = {"scope_chips": 0.5, "scope_ai_chips": 1.0, "fence_pct": 100.0}


@pytest.mark.parametrize("on", [True, False])
def test_chip_channel_is_the_model_s_own_unit_cost(on):
    """The tab's numbers are the baseline's shares and the solved prices, and the
    unit-cost equation it shows holds in the solved model."""
    baseline = _with_io(load_baseline(HAND_BUILT))
    sim = simulate({**CHIP_CONTROL, "supply_chains": on}, baseline)
    eq = sim.equilibrium
    facts = chip_channel(baseline, eq.sector_price_hat[0], on)
    chn, ict = baseline.regions.index("CHN"), baseline.sectors.index("ict_hw")
    chips, ai = baseline.sectors.index("chips"), baseline.sectors.index("ai_chips")
    assert facts.has_table
    assert (facts.gamma_chips, facts.gamma_ai) == (0.2, 0.004)
    assert facts.beta == pytest.approx(1 - 0.504)
    paid = baseline.flows_usd_bn[:, chn, ict] * (1 + sim.shocks.tariff[:, chn, ict])
    assert facts.home_share == pytest.approx(paid[chn] / paid.sum())
    gamma = baseline.gamma[chn, ict] if on else np.zeros(len(baseline.sectors))
    log_p = np.log(eq.sector_price_hat[0, chn])
    assert np.log(eq.p_hat[0, chn, ict]) == pytest.approx(
        (1 - gamma.sum()) * np.log(eq.r_hat[0, chn, ict]) + gamma @ log_p, abs=1e-12
    )
    chip_terms = gamma[chips] * log_p[chips] + gamma[ai] * log_p[ai]
    assert facts.channel_pct == pytest.approx(100 * np.expm1(chip_terms))
    assert (facts.channel_pct > 0) == on
    assert facts.chips_change_pct > 0
    assert facts.cost_pass_pct == pytest.approx(100 * (1.01**0.2 - 1))


def test_supply_chains_make_a_chip_control_raise_china_s_hardware_prices():
    baseline = _with_io(load_baseline(HAND_BUILT))
    ict = {}
    for on in (True, False):
        eq = simulate({**CHIP_CONTROL, "supply_chains": on}, baseline).equilibrium
        ict[on] = chip_channel(baseline, eq.sector_price_hat[0], on)
    assert ict[True].ict_change_pct > ict[False].ict_change_pct
    assert ict[True].ict_change_pct > 0


def test_chip_channel_without_an_input_output_table():
    baseline = load_baseline()
    baseline = dataclasses.replace(baseline, gamma=np.zeros_like(baseline.gamma))
    prices = np.full((len(baseline.regions), len(baseline.sectors)), 1.1)
    facts = chip_channel(baseline, prices, supply_chains=True)
    assert not facts.has_table and facts.beta == 1 and facts.gamma_chips == 0
    assert facts.channel_pct == 0 and facts.cost_pass_pct == 0
    assert facts.chips_change_pct == pytest.approx(10)


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
    assert "S60" in set(sources["id"])  # the OECD ICIO tables, in every sidecar
    icio = sources.set_index("id").loc["S60", "used in"]
    assert "flows.csv" in icio and "regions.csv" in icio and "io_shares.csv" in icio
    assert set(sources["kind"]) == {"source", "assumption"}
    assert (sources["citation or assumption"] != "").all()
    quality = method.quality_table(baseline).set_index("quality")["flows"]
    assert quality.sum() == len(baseline.flows) and quality["measured"] == 0
    assert len(method.caveats(baseline.provenance)) == len(
        set(method.caveats(baseline.provenance))
    )


def _method_tab(preset_path: str, chips_share: float | None = None) -> None:
    import dataclasses
    import json
    from pathlib import Path

    import numpy as np

    from dashboard import cache, context
    from dashboard.views import method
    from model.data import DEFAULT_BASELINE_DIR, load_baseline
    from model.simulation import simulate
    from scenarios.schema import scenario_from_dict

    preset = scenario_from_dict(json.loads(Path(preset_path).read_text("utf-8")))
    levers = preset.levers() | {"fence_pct": 150.0}
    baseline, solve = load_baseline(), cache.solve
    if chips_share is not None:  # a made-up table: chips in China's ICT hardware
        baseline = load_baseline(DEFAULT_BASELINE_DIR.parent / "baseline")
        gamma = np.zeros_like(baseline.gamma)
        chn, sectors = baseline.regions.index("CHN"), baseline.sectors
        gamma[chn, sectors.index("ict_hw"), sectors.index("chips")] = chips_share
        baseline = dataclasses.replace(baseline, gamma=gamma)

        def solve(levers):
            return simulate(levers, baseline)

    page = context.PageContext(
        lang="en",
        presets={preset.id: preset},
        builtin_presets=cache.builtin_presets(),
        baseline=baseline,
        solve=solve,
        points=cache.preset_points,
    )
    method.render(context.view_context(page, levers, preset))


def test_render_draws_the_tab():
    at = AppTest.from_function(_method_tab, args=(str(PRESET),), default_timeout=30)
    at.run()
    assert not at.exception
    assert len(at.get("latex")) >= 8
    assert len(at.table) >= 5
    codes = [c.value for c in at.code]
    assert any("simulate(" in c for c in codes)
    assert any('"fence_pct": 150.0' in c for c in codes)
    subheaders = [s.value for s in at.subheader]
    for title in ("The model", "Limitations, plainly", "Glossary"):
        assert title in subheaders
    assert "October 2023 update (oct_2023_update)" in [t.value for t in at.text]
    markdown = " ".join(m.value for m in at.markdown)
    assert "Why a chip control raises the price of ICT hardware in China" in markdown


def test_render_says_when_the_baseline_has_no_input_output_table():
    at = AppTest.from_function(_method_tab, args=(str(PRESET), 0.0), default_timeout=60)
    at.run()
    assert not at.exception
    markdown = " ".join(m.value for m in at.markdown)
    assert "This baseline has no input-output table" in markdown
    assert "`γ[CHN, ict_hw, chips]` is" not in markdown


def test_render_states_the_baseline_s_input_output_numbers():
    at = AppTest.from_function(
        _method_tab, args=(str(PRESET), 0.25), default_timeout=60
    )
    at.run()
    assert not at.exception
    markdown = " ".join(m.value for m in at.markdown)
    assert "This baseline has no input-output table" not in markdown
    assert "`γ[CHN, ict_hw, chips]` is 0.250" in markdown
    assert "the factor share `β[CHN, ict_hw]` is 0.750" in markdown
    assert "(supply chains: on)" in markdown


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
