"""The built-in presets: valid, canonical, cited, solvable and stable.

The golden file ``tests/golden/presets_metrics.csv`` pins every preset's headline
metrics. If a change to the model, the data or a preset is intended, regenerate it
deliberately with ``python tests/golden/regenerate.py`` and review the diff.

The last tests check the claims the presets' descriptions make about the model's
results ("China's costs rise further", "backfill nearly vanishes"), so that a
description cannot silently go stale.
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import numpy as np
import pytest

from model.levers import LEVERS
from model.names import TECH_SECTORS
from model.simulation import simulate_batch
from scenarios.schema import Scenario, scenario_from_json
from tests.support.golden import (
    GOLDEN_DIR,
    assert_full_precision,
    assert_matches_golden,
    load_regenerate,
    read_golden,
)

ROOT = Path(__file__).resolve().parents[1]
PRESETS_DIR = ROOT / "scenarios" / "presets"
PATHS = sorted(PRESETS_DIR.glob("*.json"))
GOLDEN = GOLDEN_DIR / "presets_metrics.csv"

TIMELINE = (
    "no_controls",
    "trade_war_2018_2020",
    "oct_2022_rule",
    "allied_alignment_2023",
    "oct_2023_update",
    "dec_2024_hbm",
    "china_answers",
)
IDEALISED = (
    "full_decoupling",
    "cooperation",
    "large_yard_low_fence",
    "small_yard_high_fence_ideal",
)
"""Designs rather than dated policy states: they may omit ``as_of``."""

ABBREVIATIONS = ("U.S.", "e.g.", "i.e.", "cf.", "vs.", "No.")


def _scenario(path: Path) -> Scenario:
    return scenario_from_json(path.read_bytes())


def count_sentences(text: str) -> int:
    """Sentences ending in . ! or ? before a capital, digit or the end of text."""
    count = 0
    for match in re.finditer(r"[.!?](?=\s+[A-Z0-9\"'(\[]|\s*$)", text):
        last_word = text[: match.end()].split()[-1]
        if last_word not in ABBREVIATIONS:
            count += 1
    return count


@pytest.fixture(scope="module")
def presets() -> dict[str, Scenario]:
    return {path.stem: _scenario(path) for path in PATHS}


@pytest.fixture(scope="module")
def solved(presets: dict[str, Scenario]) -> dict[str, dict[str, object]]:
    """Every preset solved in one batch: {id: {metric: value or {region: value}}}."""
    ids = list(presets)
    sim = simulate_batch([presets[i].levers() for i in ids])
    assert sim.equilibrium.converged.all(), [
        i for i, ok in zip(ids, sim.equilibrium.converged, strict=True) if not ok
    ]
    result = {}
    for b, preset_id in enumerate(ids):
        values = {}
        for name, measure in sim.metrics.values.items():
            change = measure.change[b]
            values[name] = (
                float(change)
                if np.ndim(change) == 0
                else dict(zip(sim.metrics.regions, map(float, change), strict=True))
            )
        result[preset_id] = values
    return result


def test_sentence_counter() -> None:
    assert count_sentences("One. Two, at 3.1% in the U.S. market. Three?") == 3
    assert count_sentences("Sales to the U.S. fall, e.g. chips.") == 1


def test_the_timeline_and_contrasts_exist() -> None:
    stems = {path.stem for path in PATHS}
    assert set(TIMELINE + IDEALISED) <= stems


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_preset_validates_in_canonical_form(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    scenario = scenario_from_json(text)
    assert scenario.id == path.stem, "the file name must be the preset id"
    assert text == scenario.to_json(), (
        f"{path.name} is not in canonical form; rewrite it from Scenario.to_json()"
    )


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_every_set_lever_has_a_rationale(path: Path) -> None:
    scenario = _scenario(path)
    missing = sorted(set(scenario.changed_levers()) - set(scenario.rationale))
    assert not missing, f"{path.stem}: no rationale for {', '.join(missing)}"
    for lever, reason in scenario.rationale.items():
        assert reason.strip(), f"{path.stem}: empty rationale for {lever}"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_preset_is_described_cited_and_dated(path: Path) -> None:
    scenario = _scenario(path)
    sentences = count_sentences(scenario.description)
    assert 2 <= sentences <= 4, f"{path.stem}: {sentences} sentences in description"
    assert scenario.name.strip()
    assert scenario.citations, f"{path.stem}: no citation"
    assert all(c.strip() for c in scenario.citations)
    if path.stem not in IDEALISED:
        assert scenario.as_of is not None, f"{path.stem}: no as_of date"


def test_the_timeline_is_in_date_order(presets: dict[str, Scenario]) -> None:
    dates = [presets[i].as_of for i in TIMELINE]
    assert dates == sorted(dates)


def test_trade_war_preset_is_the_baseline(presets: dict[str, Scenario]) -> None:
    """The 2018-2020 tariffs are the lever defaults: nothing to set."""
    assert presets["trade_war_2018_2020"].changed_levers() == {}


def test_every_preset_solves_and_matches_the_golden_file() -> None:
    fresh = load_regenerate().golden_rows()  # simulate() raises if a preset fails
    assert_matches_golden(
        fresh, GOLDEN, ("preset", "metric", "region"), "preset metrics"
    )


def test_golden_file_is_written_at_full_precision() -> None:
    assert_full_precision(read_golden(GOLDEN))


# --- orderings that follow from the design of the presets ---------------------------


CHINAS_ANSWERS = tuple(
    lever.name for lever in LEVERS if lever.group == "china"
)  # the R&D push and the Belt and Road


def _has_chinas_answers(preset_id: str) -> bool:
    levers = _scenario(PRESETS_DIR / f"{preset_id}.json").changed_levers()
    return any(name in levers for name in CHINAS_ANSWERS)


def _price(solved: dict, preset_id: str) -> float:
    return solved[preset_id]["china_tech_price_change_pct"]


def test_controls_tighten_along_the_timeline(
    solved: dict, presets: dict[str, Scenario]
) -> None:
    """Each step raises (weakly) every scope, the fence, participation and reach and
    lowers evasion, so China's technology costs rise at every step."""
    steps = (
        "oct_2022_rule",
        "allied_alignment_2023",
        "oct_2023_update",
        "dec_2024_hbm",
    )
    for earlier, later in itertools.pairwise(steps):
        a, b = presets[earlier].levers(), presets[later].levers()
        tighter = [n for n in a if n.startswith(("scope_", "participation_"))]
        for name in (*tighter, "fence_pct", "fdpr_reach"):
            assert b[name] >= a[name], (later, name)
        assert b["evasion"] <= a["evasion"], later
        for sector in TECH_SECTORS:  # a sector denied once stays denied
            rule = f"fence_rule_{sector}"
            assert a[rule] != "denied" or b[rule] == "denied", (later, rule)
    prices = [_price(solved, i) for i in steps]
    assert prices == sorted(prices) and len(set(prices)) == len(prices), prices
    assert _price(solved, "oct_2023_update") > _price(solved, "oct_2022_rule")


def test_full_decoupling_is_the_bound(solved: dict) -> None:
    full = _price(solved, "full_decoupling")
    others = {i: _price(solved, i) for i in solved if i != "full_decoupling"}
    assert full > max(others.values()), others
    # every foreign technology sale into China is denied
    assert solved["full_decoupling"]["china_tech_imports_change_pct"] == pytest.approx(
        -100.0, abs=1e-9
    )


def test_trade_war_preset_changes_nothing(solved: dict) -> None:
    for name, value in solved["trade_war_2018_2020"].items():
        values = value.values() if isinstance(value, dict) else [value]
        for v in values:
            assert math.isnan(v) or abs(v) < 1e-9, (name, v)


# --- the claims the descriptions make -----------------------------------------------


def test_no_controls_claims(solved: dict, presets: dict[str, Scenario]) -> None:
    assert "Entity List" in presets["no_controls"].description
    result = solved["no_controls"]
    welfare = result["welfare_change_pct"]
    assert welfare["USA"] > 0 and welfare["CHN"] > 0
    assert all(v < 0 for region, v in welfare.items() if region not in ("USA", "CHN"))
    assert abs(result["china_tech_price_change_pct"]) < 0.25  # "barely move"


def test_oct_2022_claims(solved: dict) -> None:
    assert 0 < _price(solved, "oct_2022_rule") < 1
    assert solved["oct_2022_rule"]["backfill_share"] > 0


def test_allied_alignment_claims(solved: dict) -> None:
    before, after = solved["oct_2022_rule"], solved["allied_alignment_2023"]
    assert after["backfill_share"] < before["backfill_share"]
    assert _price(solved, "allied_alignment_2023") > _price(solved, "oct_2022_rule")
    assert before["welfare_change_pct"]["NLD"] > 0 > after["welfare_change_pct"]["NLD"]


def test_oct_2023_claims(solved: dict) -> None:
    before, after = solved["oct_2022_rule"], solved["oct_2023_update"]
    ratio = _price(solved, "oct_2023_update") / _price(solved, "oct_2022_rule")
    assert 1.5 < ratio < 3, ratio  # "roughly doubles"
    assert after["backfill_share"] < before["backfill_share"]
    assert after["us_tech_revenue_change_pct"] < before["us_tech_revenue_change_pct"]


def test_dec_2024_claims(solved: dict) -> None:
    before, after = solved["oct_2023_update"], solved["dec_2024_hbm"]
    assert _price(solved, "dec_2024_hbm") > _price(solved, "oct_2023_update")
    assert 0 <= after["backfill_share"] < 0.01  # "nearly vanishes"
    loss_before = -before["coalition_tech_revenue_change_usd_bn"]
    loss_after = -after["coalition_tech_revenue_change_usd_bn"]
    assert loss_before < loss_after < 1.5 * loss_before  # "grows only modestly"


def test_china_answers_claims(solved: dict, presets: dict[str, Scenario]) -> None:
    assert "gallium" in presets["china_answers"].description
    assert _price(solved, "china_answers") < 0 < _price(solved, "dec_2024_hbm")
    assert solved["china_answers"]["welfare_change_pct"]["CHN"] > 0


def test_full_decoupling_claims(solved: dict) -> None:
    loss = -solved["full_decoupling"]["coalition_tech_revenue_change_usd_bn"]
    for targeted in ("oct_2023_update", "dec_2024_hbm"):
        assert loss > 100 * -solved[targeted]["coalition_tech_revenue_change_usd_bn"]


def test_cooperation_claims(solved: dict) -> None:
    result = solved["cooperation"]
    assert result["welfare_change_pct"]["USA"] > 0
    assert result["welfare_change_pct"]["CHN"] > 0
    assert _price(solved, "cooperation") == pytest.approx(
        _price(solved, "no_controls"), abs=0.1
    )


def test_large_yard_claims(solved: dict) -> None:
    large, rule = solved["large_yard_low_fence"], solved["oct_2022_rule"]
    assert _price(solved, "large_yard_low_fence") > _price(solved, "oct_2022_rule")
    assert large["us_tech_revenue_change_pct"] < rule["us_tech_revenue_change_pct"]
    assert large["backfill_share"] > rule["backfill_share"]
    assert large["cost_effectiveness"] < rule["cost_effectiveness"]


def test_small_yard_ideal_claims(solved: dict) -> None:
    ideal = "small_yard_high_fence_ideal"
    latest = max(_price(solved, i) for i in TIMELINE)  # "nearly as much as"
    assert 0.8 * latest < _price(solved, ideal) <= latest
    assert (
        solved[ideal]["coalition_tech_revenue_change_usd_bn"]
        > solved["large_yard_low_fence"]["coalition_tech_revenue_change_usd_bn"]
    )
    # "the best cost-effectiveness of the presets without China's answers": where
    # China's own levers also move the coalition's welfare, the ratio no longer
    # measures what the controls cost the coalition
    effectiveness = {
        i: r["cost_effectiveness"]
        for i, r in solved.items()
        if not math.isnan(r["cost_effectiveness"]) and not _has_chinas_answers(i)
    }
    assert "china_answers" not in effectiveness
    assert max(effectiveness, key=effectiveness.get) == ideal, effectiveness
