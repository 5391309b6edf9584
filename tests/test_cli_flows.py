"""``python -m model run SCENARIO --flows-out FLOWS.csv``: every bilateral flow."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model.__main__ import main
from model.names import REGIONS, SECTORS, TECH_SECTORS
from model.simulation import FLOW_COLUMNS

COLUMNS = (
    "exporter,importer,sector,baseline_usd_bn,scenario_usd_bn,change_pct,"
    "baseline_volume,scenario_volume,volume_change_pct"
)


def run(tmp_path: Path, scenario: str) -> tuple[pd.DataFrame, dict, str]:
    flows, out = tmp_path / "flows.csv", tmp_path / "out.json"
    assert main(["run", scenario, "--out", str(out), "--flows-out", str(flows)]) == 0
    text = flows.read_text(encoding="utf-8")
    return pd.read_csv(flows), json.loads(out.read_text(encoding="utf-8")), text


@pytest.fixture(scope="module")
def oct_2023(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, dict]:
    frame, payload, _ = run(tmp_path_factory.mktemp("flows"), "oct_2023_update")
    return frame, payload


def test_columns_and_one_row_per_pair_and_sector(tmp_path: Path, oct_2023):
    frame, _ = oct_2023
    assert ",".join(FLOW_COLUMNS) == COLUMNS
    assert list(frame.columns) == COLUMNS.split(",")
    n, s = len(REGIONS), len(SECTORS)
    assert len(frame) == n * n * s
    assert not frame.duplicated(["exporter", "importer", "sector"]).any()
    assert set(frame["sector"]) == set(SECTORS)


def test_baseline_scenario_changes_nothing(tmp_path: Path):
    frame, _, text = run(tmp_path, "{}")
    assert text.splitlines()[0] == COLUMNS
    np.testing.assert_allclose(frame["scenario_usd_bn"], frame["baseline_usd_bn"])
    np.testing.assert_allclose(frame["scenario_volume"], frame["baseline_volume"])
    np.testing.assert_allclose(frame["baseline_volume"], frame["baseline_usd_bn"])
    changed = frame[["change_pct", "volume_change_pct"]].dropna().abs()
    assert (changed < 1e-8).all().all()
    zero = frame["baseline_usd_bn"] == 0
    assert frame.loc[zero, "change_pct"].isna().all()


def test_flows_add_up_to_the_model_totals(oct_2023):
    """China's tech imports from foreign suppliers, in value and in volume, and
    the U.S. tech sales: summed from the table, they give the headline metrics."""
    frame, payload = oct_2023
    metrics = payload["metrics"]
    to_china = frame[
        (frame.importer == "CHN")
        & (frame.exporter != "CHN")
        & frame.sector.isin(TECH_SECTORS)
    ]
    for value, old, metric in (
        ("scenario_usd_bn", "baseline_usd_bn", "china_tech_imports_change_pct"),
        ("scenario_volume", "baseline_volume", "china_tech_import_volume_change_pct"),
    ):
        change = 100 * (to_china[value].sum() / to_china[old].sum() - 1)
        assert change == pytest.approx(metrics[metric], abs=1e-9)
    us = frame[(frame.exporter == "USA") & frame.sector.isin(TECH_SECTORS)]
    change = 100 * (us.scenario_usd_bn.sum() / us.baseline_usd_bn.sum() - 1)
    assert change == pytest.approx(metrics["us_tech_revenue_change_pct"], abs=1e-9)
    # a prohibited flow is zero in value and volume; volumes are never negative
    assert (frame["scenario_volume"] >= 0).all()


def test_flows_out_must_be_a_csv_file(tmp_path: Path, capsys: pytest.CaptureFixture):
    out = str(tmp_path / "out.json")
    for bad in ("-", str(tmp_path / "flows.json")):
        assert main(["run", "{}", "--out", out, "--flows-out", bad]) == 2
        assert "--flows-out" in capsys.readouterr().err
    assert not Path(out).exists()


def test_help_states_which_price_deflates(capsys: pytest.CaptureFixture):
    assert main(["run", "--help"]) == 0
    text = capsys.readouterr().out
    assert "--flows-out" in text and "DELIVERED price" in text
