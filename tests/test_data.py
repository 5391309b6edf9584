"""Tests of the baseline data, its provenance sidecars and model.data's validation."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from model import data, names

BASELINE_DIR = data.DEFAULT_BASELINE_DIR
STEMS = ("flows", "regions", "elasticities")


@pytest.fixture(scope="module")
def baseline() -> data.Baseline:
    return data.load_baseline()


def read_csv(folder: Path, stem: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{stem}.csv", dtype=str, keep_default_na=False)


def read_meta(folder: Path, stem: str) -> dict:
    return json.loads((folder / f"{stem}.meta.json").read_text(encoding="utf-8"))


def write_csv(folder: Path, stem: str, table: pd.DataFrame, *, update_sha: bool = True):
    """Write an edited table and, unless told not to, re-sign its sidecar."""
    path = folder / f"{stem}.csv"
    table.to_csv(path, index=False, lineterminator="\n")
    if update_sha:
        meta = read_meta(folder, stem)
        meta["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
        text = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
        (folder / f"{stem}.meta.json").write_text(text, encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A private copy of the shipped baseline folder."""
    target = tmp_path / "baseline"
    shutil.copytree(BASELINE_DIR, target, ignore=shutil.ignore_patterns("*.py"))
    return target


def edit(folder: Path, stem: str, change: Callable[[pd.DataFrame], pd.DataFrame]):
    """Apply ``change`` to a copied CSV and update the sidecar's sha256."""
    write_csv(folder, stem, change(read_csv(folder, stem)))


def row(table: pd.DataFrame, **key: str) -> int:
    """Index of the one row matching ``key`` (CSV line = index + 2)."""
    mask = np.logical_and.reduce([table[k] == v for k, v in key.items()])
    (index,) = np.flatnonzero(mask)
    return int(index)


# --- the shipped baseline -------------------------------------------------------


def test_loads_real_baseline(baseline: data.Baseline) -> None:
    assert baseline.regions == names.REGIONS
    assert baseline.sectors == names.SECTORS
    assert baseline.flows_usd_bn.shape == (8, 8, 7)
    assert baseline.gdp_usd_bn.shape == (8,)
    assert len(baseline.flows) == 448
    assert set(baseline.provenance) == set(STEMS)


def test_loads_from_str_path() -> None:
    assert data.load_baseline(str(BASELINE_DIR)).flows_usd_bn.shape == (8, 8, 7)


def test_arrays_follow_the_tables(baseline: data.Baseline) -> None:
    ela = pd.read_csv(BASELINE_DIR / "elasticities.csv").set_index("sector")
    assert_allclose(baseline.theta, ela.loc[list(names.SECTORS), "theta"], rtol=0)
    assert_allclose(baseline.theta_low, ela.loc[list(names.SECTORS), "low"], rtol=0)
    assert_allclose(baseline.theta_high, ela.loc[list(names.SECTORS), "high"], rtol=0)
    reg = pd.read_csv(BASELINE_DIR / "regions.csv").set_index("region")
    assert_allclose(baseline.gdp_usd_bn, reg.loc[list(names.REGIONS), "gdp_usd_bn"])
    flows = pd.read_csv(BASELINE_DIR / "flows.csv")
    for rec in flows.sample(20, random_state=0).itertuples():
        i, j = names.REGIONS.index(rec.exporter), names.REGIONS.index(rec.importer)
        s = names.SECTORS.index(rec.sector)
        assert baseline.flows_usd_bn[i, j, s] == rec.value_usd_bn
    # USA -> CHN ai_chips is 2.453 in the calibration (FACTS.md 4.1).
    assert_allclose(baseline.flows_usd_bn[0, 1, 0], 2.453, rtol=1e-12)


def test_sales_equal_gdp(baseline: data.Baseline) -> None:
    sales = baseline.flows_usd_bn.sum(axis=(1, 2))
    assert_allclose(sales, baseline.gdp_usd_bn, rtol=data.CLOSURE_RTOL)


@pytest.mark.parametrize(
    "field", ["flows_usd_bn", "gdp_usd_bn", "theta", "theta_low", "theta_high"]
)
def test_arrays_are_read_only(baseline: data.Baseline, field: str) -> None:
    array = getattr(baseline, field)
    assert array.dtype == np.float64
    assert not array.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        array[0] = 1.0


# --- provenance ------------------------------------------------------------------


@pytest.mark.parametrize("stem", STEMS)
def test_sidecar_sha256_matches_csv(stem: str) -> None:
    digest = hashlib.sha256((BASELINE_DIR / f"{stem}.csv").read_bytes()).hexdigest()
    assert read_meta(BASELINE_DIR, stem)["sha256"] == digest


@pytest.mark.parametrize("stem", STEMS)
def test_every_source_id_is_documented(stem: str) -> None:
    ids = {
        sid
        for cell in read_csv(BASELINE_DIR, stem)["source_ids"]
        for sid in cell.split(";")
    }
    sources = {entry["id"]: entry for entry in read_meta(BASELINE_DIR, stem)["sources"]}
    assert ids <= set(sources)
    for sid in ids:
        entry = sources[sid]
        assert entry["kind"] == ("source" if sid.startswith("S") else "assumption")
        described = entry["citation"] if entry["kind"] == "source" else entry["text"]
        assert described.strip(), sid


@pytest.mark.parametrize("stem", STEMS)
def test_sidecar_units_and_columns_name_real_columns(stem: str) -> None:
    meta = read_meta(BASELINE_DIR, stem)
    columns = list(read_csv(BASELINE_DIR, stem).columns)
    assert meta["units"] and set(meta["units"]) <= set(columns)
    assert list(meta["columns"]) == columns
    assert meta["file"] == f"{stem}.csv"
    assert meta["year"] == 2022


def test_flows_quality_counts_match_sidecar() -> None:
    counts = Counter(read_csv(BASELINE_DIR, "flows")["quality"])
    declared = read_meta(BASELINE_DIR, "flows")["quality_tags"]["counts"]
    assert {tag: counts.get(tag, 0) for tag in names.QUALITY_TAGS} == declared


# --- validation: each rule broken once in a copy ---------------------------------


def test_copy_of_baseline_loads(folder: Path) -> None:
    edit(folder, "flows", lambda t: t)  # the test helpers round-trip cleanly
    assert data.load_baseline(folder).flows_usd_bn.shape == (8, 8, 7)


def test_edited_csv_without_sidecar_update(folder: Path) -> None:
    table = read_csv(folder, "flows")
    table.loc[3, "value_usd_bn"] = "0.5"
    write_csv(folder, "flows", table, update_sha=False)
    with pytest.raises(ValueError, match="flows.csv: sha256 .*without updating"):
        data.load_baseline(folder)


@pytest.mark.parametrize("name", ["regions.meta.json", "elasticities.csv"])
def test_missing_file(folder: Path, name: str) -> None:
    (folder / name).unlink()
    with pytest.raises(ValueError, match=f"{name}: file not found"):
        data.load_baseline(folder)


def test_missing_column(folder: Path) -> None:
    edit(folder, "elasticities", lambda t: t.drop(columns="high"))
    with pytest.raises(ValueError, match="elasticities.csv: field high: required"):
        data.load_baseline(folder)


def test_negative_flow(folder: Path) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[15, "value_usd_bn"] = "-3.0"
        return t

    edit(folder, "flows", change)
    match = r"flows.csv line 17: field value_usd_bn: must be finite and >= 0, got -3.0"
    with pytest.raises(ValueError, match=match):
        data.load_baseline(folder)


@pytest.mark.parametrize("bad", ["NaN", "", "inf", "1,5"])
def test_flow_not_a_finite_number(folder: Path, bad: str) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[40, "value_usd_bn"] = bad
        return t

    edit(folder, "flows", change)
    with pytest.raises(
        ValueError,
        match="flows.csv line 42: field value_usd_bn: must be a finite number",
    ):
        data.load_baseline(folder)


def test_missing_row(folder: Path) -> None:
    table = read_csv(folder, "flows")
    k = row(table, exporter="KOR", importer="TWN", sector="sme")
    edit(folder, "flows", lambda t: t.drop(index=k))
    with pytest.raises(
        ValueError,
        match=r"flows.csv: field exporter/importer/sector:"
        r" missing key \('KOR', 'TWN', 'sme'\)",
    ):
        data.load_baseline(folder)


def test_duplicated_row(folder: Path) -> None:
    table = read_csv(folder, "flows")
    edit(folder, "flows", lambda t: pd.concat([t, t.iloc[[5]]], ignore_index=True))
    key = tuple(table.loc[5, ["exporter", "importer", "sector"]])
    with pytest.raises(
        ValueError,
        match=r"flows.csv line 450: field exporter/"
        rf"importer/sector: duplicate key \('{key[0]}', '{key[1]}', "
        rf"'{key[2]}'\), first at line 7",
    ):
        data.load_baseline(folder)


def test_unknown_region_in_flows(folder: Path) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[100, "importer"] = "HKG"
        return t

    edit(folder, "flows", change)
    with pytest.raises(
        ValueError,
        match="flows.csv line 102: field importer: must be one of USA, .*got 'HKG'",
    ):
        data.load_baseline(folder)


def test_unknown_region_in_regions(folder: Path) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[7, "region"] = "RoW"
        return t

    edit(folder, "regions", change)
    with pytest.raises(ValueError, match="regions.csv line 9: field region: .*'RoW'"):
        data.load_baseline(folder)


def test_missing_sector_in_elasticities(folder: Path) -> None:
    edit(folder, "elasticities", lambda t: t[t["sector"] != "telecom"])
    with pytest.raises(
        ValueError,
        match=r"elasticities.csv: field sector: "
        r"missing key \('telecom',\)",
    ):
        data.load_baseline(folder)


def test_unknown_quality_tag(folder: Path) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[200, "quality"] = "guess"
        return t

    edit(folder, "flows", change)
    with pytest.raises(
        ValueError,
        match="flows.csv line 202: field quality: "
        "must be one of measured, derived, assumed, got 'guess'",
    ):
        data.load_baseline(folder)


@pytest.mark.parametrize(
    ("ids", "problem"),
    [("", "must list at least one id"), ("S01;S99", "id 'S99' is not listed")],
)
def test_bad_source_ids(folder: Path, ids: str, problem: str) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[2, "source_ids"] = ids
        return t

    edit(folder, "regions", change)
    with pytest.raises(
        ValueError, match=f"regions.csv line 4: field source_ids: {problem}"
    ):
        data.load_baseline(folder)


def test_gdp_must_be_positive(folder: Path) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[1, "gdp_usd_bn"] = "0"
        return t

    edit(folder, "regions", change)
    with pytest.raises(
        ValueError, match="regions.csv line 3: field gdp_usd_bn: must be > 0"
    ):
        data.load_baseline(folder)


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("low", "0", "must be > 0"),
        ("theta", "0.5", "must be >= low"),
        ("high", "1.5", "must be >= theta"),
    ],
)
def test_elasticity_order(folder: Path, field: str, value: str, problem: str) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[0, field] = value  # ai_chips: theta 2.0, low 1.0, high 4.0
        return t

    edit(folder, "elasticities", change)
    with pytest.raises(
        ValueError,
        match=f"elasticities.csv line 2: field {field}: "
        f"{problem}, got {float(value)!r}",
    ):
        data.load_baseline(folder)


def test_market_without_supplier(folder: Path) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        market = (t["importer"] == "NLD") & (t["sector"] == "ai_chips")
        t.loc[market, "value_usd_bn"] = "0.0"
        return t

    edit(folder, "flows", change)
    with pytest.raises(
        ValueError,
        match="flows.csv: field value_usd_bn: zero total absorption .*NLD/ai_chips",
    ):
        data.load_baseline(folder)


def test_sales_do_not_match_gdp(folder: Path) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[row(t, region="JPN"), "gdp_usd_bn"] = "4300.0"
        return t

    edit(folder, "regions", change)
    with pytest.raises(
        ValueError,
        match=r"regions.csv line 5: field gdp_usd_bn: "
        r"region JPN has GDP 4300.000 but its total sales in "
        r"flows.csv sum to 4256.4",
    ):
        data.load_baseline(folder)
