"""The Reality check's data and arithmetic: evidence files, the comparison file,
and a scorecard that follows the model (scenarios.reality, model.evidence)."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from model.evidence import DEFAULT_EVIDENCE_DIR, load_evidence
from model.simulation import simulate
from scenarios import reality


@functools.cache
def checked() -> reality.RealityCheck:
    return reality.evaluate()


def test_evidence_loads_with_provenance():
    evidence = load_evidence()
    assert len(evidence.observations) == 15 and len(evidence.literature) == 12
    for stem in ("observations", "literature"):
        meta = evidence.provenance[stem]
        for key in ("title", "gathered_from", "columns", "units", "sha256"):
            assert meta[key], (stem, key)


def test_edited_evidence_without_its_sidecar_is_refused(tmp_path: Path):
    folder = tmp_path / "evidence"
    shutil.copytree(DEFAULT_EVIDENCE_DIR, folder)
    path = folder / "observations.csv"
    path.write_text(path.read_text("utf-8").replace("415.6", "415.7"), "utf-8")
    with pytest.raises(ValueError, match="sha256"):
        load_evidence(folder)


def test_a_row_without_a_source_is_refused(tmp_path: Path):
    folder = tmp_path / "evidence"
    shutil.copytree(DEFAULT_EVIDENCE_DIR, folder)
    path = folder / "literature.csv"
    text = path.read_text("utf-8").replace(',"ifo Institute (secondary report)",', ",,")
    path.write_text(text, "utf-8")
    meta_path = folder / "literature.meta.json"
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    meta_path.write_text(json.dumps(meta), "utf-8")
    with pytest.raises(ValueError, match=r"literature.csv: line 9: source"):
        load_evidence(folder)


def test_every_comparison_has_a_sourced_observation_and_a_model_quantity():
    file = reality.load_comparisons()
    evidence = load_evidence()
    for c in file.comparisons:
        row = evidence.observations[c.observation]
        assert row.source and row.date, c.id
        assert isinstance(c.quantity, reality.Quantity)
    result = checked().comparisons
    assert result["model"].notna().all() and result["source"].str.len().gt(0).all()


def test_observed_numbers_are_transcribed_from_their_row():
    """Each observed number is in its row's value or comparison text, unless the
    reading says how it was read from words."""
    evidence = load_evidence()
    for c in reality.load_comparisons().comparisons:
        row = evidence.observations[c.observation]
        text = f"{row.value} {row.compare_with}"
        if c.observation == "O09":  # the 2022 level is ASML's 2022 row, O08
            text += " " + evidence.observations["O08"].value
        numbers = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}
        given = [c.observed_change, c.observed_before, c.observed_after]
        for number in (abs(v) for v in given if v is not None):
            assert number in numbers or "read as" in c.reading, (c.id, number)


def test_presets_are_those_in_force_in_the_periods():
    """No preset is picked to fit: each is the dated built-in preset in force in
    the middle of the observed period, and the reference in the middle of the
    period the source compares with."""
    presets = reality.builtin_presets()
    for c in reality.load_comparisons().comparisons:
        assert c.preset == reality.preset_in_force(c.period, presets), c.id
        assert c.reference == reality.preset_in_force(c.reference_period, presets)
    for p in reality.load_comparisons().literature:
        assert p.reference in presets and (p.preset is None or p.preset in presets)


def test_every_observation_is_compared_or_explained():
    file = reality.load_comparisons()
    compared = {c.observation for c in file.comparisons}
    assert compared | set(file.context) == set(load_evidence().observations)
    for mechanism, rows in file.mechanisms.items():
        assert rows, mechanism


def test_scorecard_is_computed_from_the_model():
    """One comparison recomputed from the raw flows; the counts add up."""
    result = checked()
    table = result.comparisons.set_index("id")
    sims = {
        p: simulate(reality.builtin_presets()[p].levers())
        for p in ("oct_2022_rule", "trade_war_2018_2020")
    }

    def chip_imports(preset: str) -> float:
        flows = sims[preset].flows_frame()
        rows = (
            (flows.importer == "CHN")
            & (flows.exporter != "CHN")
            & flows.sector.isin(["ai_chips", "chips"])
        )
        return float(flows.loc[rows, "scenario_usd_bn"].sum())

    change = 100 * (
        chip_imports("oct_2022_rule") / chip_imports("trade_war_2018_2020") - 1
    )
    assert table.loc["china_chip_imports_2023", "model"] == pytest.approx(change)
    right = (table["model"] * table["observed"] > 0).sum()
    assert result.directions_right == right
    assert result.compared == len(table) == result.directions_right + len(result.misses)


def test_scorecard_follows_a_changed_model_input():
    """Swap the October 2022 preset's levers for 'no new policy' (the 2022
    baseline): the predictions that used it become 0, a change with no direction,
    and the scorecard follows, with no number written down."""
    presets = dict(reality.builtin_presets())
    before = checked()
    presets["oct_2022_rule"] = presets["trade_war_2018_2020"]
    after = reality.evaluate(presets=presets)
    moved = (
        after.comparisons.set_index("id")["model"]
        - before.comparisons.set_index("id")["model"]
    )
    assert moved["china_chip_imports_2023"] != pytest.approx(0)
    assert (
        after.comparisons.set_index("id").loc["china_chip_imports_2023", "model"] == 0
    )
    assert after.directions_right < before.directions_right


def test_every_miss_names_a_mechanism_with_evidence():
    result = checked()
    for _, miss in result.misses.iterrows():
        assert miss["lacks"], miss["id"]
        for mechanism in miss["lacks"]:
            assert result.file.mechanisms[mechanism]


def test_literature_rail_has_model_types_and_sources():
    rail = checked().literature
    assert set(rail["preset"].dropna()) >= {"full_decoupling", "trade_war_2018_2020"}
    assert rail["model_type"].str.len().gt(0).all()
    assert rail["source"].str.len().gt(0).all()
    assert rail["model"].notna().all()


def test_a_comparison_of_an_unknown_observation_is_refused(tmp_path: Path):
    data = json.loads(reality.COMPARISONS_FILE.read_text("utf-8"))
    data["comparisons"][0]["observation"] = "O99"
    path = tmp_path / "comparisons.json"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ValueError, match="O99"):
        reality.load_comparisons(path)
