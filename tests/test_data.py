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

BASELINE_DIR = data.DEFAULT_BASELINE_DIR.parent / "baseline"
"""The first, hand-built vintage (final sales, no input-output table), kept so that
its results stay reproducible; the app runs on :data:`ICIO_DIR`."""
STEMS = ("flows", "regions", "elasticities")


@pytest.fixture(scope="module")
def baseline() -> data.Baseline:
    return data.load_baseline(BASELINE_DIR)


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


# --- the measured ICIO 2022 baseline (assets/data/baseline_icio2022) -------------

ICIO_DIR = data.DEFAULT_BASELINE_DIR
ICIO_STEMS = ("flows", "regions", "elasticities", "io_shares")
VENDOR_SECTORS = ("ai_chips", "sme", "chips", "telecom")
REPO = BASELINE_DIR.parents[2]


@pytest.fixture(scope="module")
def icio() -> data.Baseline:
    return data.load_baseline(ICIO_DIR)


@pytest.fixture
def icio_folder(tmp_path: Path) -> Path:
    """A private copy of the ICIO baseline folder (data and sidecars only)."""
    target = tmp_path / "baseline_icio2022"
    ignore = shutil.ignore_patterns("*.py", "*.md", "*.txt")
    shutil.copytree(ICIO_DIR, target, ignore=ignore)
    return target


def test_loads_icio_baseline(icio: data.Baseline) -> None:
    assert icio.flows_usd_bn.shape == (8, 8, 7)
    assert icio.gamma.shape == (8, 7, 7)
    assert set(icio.provenance) == set(ICIO_STEMS)
    beta = 1.0 - icio.gamma.sum(axis=2)
    assert np.all(beta > 0) and np.all(beta < 1)
    assert np.all(icio.gamma >= 0)


@pytest.mark.parametrize(
    "field", ["gamma", "gross_output_usd_bn", "value_added_usd_bn"]
)
def test_icio_arrays_are_read_only(icio: data.Baseline, field: str) -> None:
    array = getattr(icio, field)
    assert array.dtype == np.float64
    assert not array.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        array[0] = 1.0


def test_folder_without_io_shares_has_zero_gamma(baseline: data.Baseline) -> None:
    assert baseline.gamma.shape == (8, 7, 7)
    assert not baseline.gamma.any()
    assert not baseline.gamma.flags.writeable
    sales = baseline.flows_usd_bn.sum(axis=(1, 2))
    assert_allclose(baseline.gross_output_usd_bn, sales, rtol=0)
    assert_allclose(baseline.value_added_usd_bn, sales, rtol=0)


def test_icio_gamma_follows_the_table(icio: data.Baseline) -> None:
    table = pd.read_csv(ICIO_DIR / "io_shares.csv")
    for rec in table.sample(25, random_state=1).itertuples():
        i = names.REGIONS.index(rec.region)
        s, k = names.SECTORS.index(rec.sector), names.SECTORS.index(rec.input_sector)
        assert icio.gamma[i, s, k] == rec.share


def test_icio_consistency_the_model_needs(icio: data.Baseline) -> None:
    x, gamma = icio.flows_usd_bn, icio.gamma
    output, absorption = x.sum(axis=1), x.sum(axis=0)  # Y[i, s], E[j, s]
    final = absorption - np.einsum("jks,jk->js", gamma, output)
    assert np.all(final >= 0)
    assert_allclose(x.sum(axis=(1, 2)), icio.gross_output_usd_bn, rtol=1e-6)
    beta = 1.0 - gamma.sum(axis=2)
    assert_allclose((beta * output).sum(axis=1), icio.value_added_usd_bn, rtol=1e-4)
    # world value added = world final use: ICIO without its rest-of-world row is closed
    assert_allclose(final.sum(), icio.value_added_usd_bn.sum(), rtol=1e-4)


def test_icio_keeps_the_vendor_cells_of_today() -> None:
    new = read_csv(ICIO_DIR, "flows").set_index(["exporter", "importer", "sector"])
    old = read_csv(BASELINE_DIR, "flows").set_index(["exporter", "importer", "sector"])
    keys = [key for key in old.index if key[2] in VENDOR_SECTORS]
    assert len(keys) == 256
    got, want = new.loc[keys], old.loc[keys]
    assert_allclose(
        got["value_usd_bn"].astype(float), want["value_usd_bn"].astype(float)
    )
    assert (got["quality"] == want["quality"]).all()
    assert (got["source_ids"] == want["source_ids"]).all()


def test_icio_elasticities_are_todays() -> None:
    for name in ("elasticities.csv", "elasticities.meta.json"):
        assert (ICIO_DIR / name).read_bytes() == (BASELINE_DIR / name).read_bytes()


@pytest.mark.parametrize("stem", ICIO_STEMS)
def test_icio_sidecar_sha256_matches_csv(stem: str) -> None:
    digest = hashlib.sha256((ICIO_DIR / f"{stem}.csv").read_bytes()).hexdigest()
    assert read_meta(ICIO_DIR, stem)["sha256"] == digest


@pytest.mark.parametrize("stem", ICIO_STEMS)
def test_icio_source_ids_units_and_columns(stem: str) -> None:
    meta, table = read_meta(ICIO_DIR, stem), read_csv(ICIO_DIR, stem)
    assert list(meta["columns"]) == list(table.columns)
    assert meta["units"] and set(meta["units"]) <= set(table.columns)
    assert meta["file"] == f"{stem}.csv" and meta["year"] == 2022
    ids = {sid for cell in table["source_ids"] for sid in cell.split(";")}
    sources = {entry["id"]: entry for entry in meta["sources"]}
    assert ids <= set(sources)
    for sid in ids:
        entry = sources[sid]
        assert entry["kind"] == ("source" if sid.startswith("S") else "assumption")
        assert (entry.get("citation") or entry.get("text", "")).strip(), sid


@pytest.mark.parametrize("stem", ["flows", "io_shares", "regions"])
def test_icio_sidecar_names_oecd_package_and_maps(stem: str) -> None:
    meta = read_meta(ICIO_DIR, stem)
    assert meta["producer"].startswith("OECD")
    assert "terms" in meta["terms"].lower() and "CC BY 4.0" in meta["terms"]
    package = meta["package"]
    assert (package["package"], package["version"]) == ("sanction-simulator", "0.1.4")
    assert package["file"] == "sanction_simulator/data/bench_cache.npz"
    assert len(package["sha256"]) == 64 and int(package["sha256"], 16) >= 0
    maps = meta["aggregation"]
    countries = [c for members in maps["country_to_region"].values() for c in members]
    assert len(countries) == len(set(countries)) == 80
    assert set(maps["country_to_region"]) == set(names.REGIONS)
    assert "HKG" in maps["country_to_region"]["ROW"]
    assert "NLD" not in maps["country_to_region"]["EUR"]
    assert len(maps["country_to_region"]["EUR"]) == 26
    assert len(maps["industry_to_sector"]) == 50
    used = {s for sectors in maps["industry_to_sector"].values() for s in sectors}
    assert used == set(names.SECTORS)


@pytest.mark.parametrize("stem", ["flows", "io_shares"])
def test_icio_quality_counts_match_sidecar(stem: str) -> None:
    counts = Counter(read_csv(ICIO_DIR, stem)["quality"])
    declared = read_meta(ICIO_DIR, stem)["quality_tags"]["counts"]
    assert {tag: counts.get(tag, 0) for tag in names.QUALITY_TAGS} == declared


def test_the_app_runs_on_the_measured_baseline() -> None:
    assert ICIO_DIR.name == "baseline_icio2022"
    assert data.load_baseline().gamma.any()


def test_icio_has_fewer_assumed_flows_than_today() -> None:
    new = Counter(read_csv(ICIO_DIR, "flows")["quality"])
    old = Counter(read_csv(BASELINE_DIR, "flows")["quality"])
    assert new["assumed"] < 0.5 * old["assumed"]
    # the vendor sectors keep today's tags (65 assumed, 63 of them ai_chips); of
    # the 192 ICIO-based cells at most 15% rest mainly on the final-demand split
    flows = read_csv(ICIO_DIR, "flows")
    measured_sectors = flows[~flows["sector"].isin(VENDOR_SECTORS)]
    assert (measured_sectors["quality"] == "assumed").mean() <= 0.15


def test_build_is_pinned_and_separate() -> None:
    pins = dict(
        line.split("==")
        for line in (REPO / "requirements-data.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    app = dict(
        line.split("==")
        for line in (REPO / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    assert pins["sanction-simulator"] == "0.1.4"
    assert pins["numpy"] == app["numpy"] and pins["pandas"] == app["pandas"]
    assert "sanction-simulator" not in (REPO / "requirements-dev.txt").read_text()
    assert "sanction" not in (REPO / "requirements.txt").read_text()
    assert "\ndata:" in (REPO / "Makefile").read_text()


# --- validation of io_shares.csv: each rule broken once in a copy ----------------


def test_copy_of_icio_baseline_loads(icio_folder: Path) -> None:
    edit(icio_folder, "io_shares", lambda t: t)
    assert data.load_baseline(icio_folder).gamma.shape == (8, 7, 7)


def test_icio_flows_close_on_gross_output_not_gdp(icio_folder: Path) -> None:
    # regions.csv keeps GDP for reference; with io_shares the closure is gross output
    reg = read_csv(icio_folder, "regions")
    assert (
        reg["gdp_usd_bn"].astype(float) < reg["gross_output_usd_bn"].astype(float)
    ).all()


def test_edited_io_shares_without_sidecar_update(icio_folder: Path) -> None:
    table = read_csv(icio_folder, "io_shares")
    table.loc[3, "share"] = "0.5"
    write_csv(icio_folder, "io_shares", table, update_sha=False)
    with pytest.raises(ValueError, match="io_shares.csv: sha256 .*without updating"):
        data.load_baseline(icio_folder)


def test_io_shares_without_sidecar(icio_folder: Path) -> None:
    (icio_folder / "io_shares.meta.json").unlink()
    with pytest.raises(ValueError, match="io_shares.meta.json: file not found"):
        data.load_baseline(icio_folder)


@pytest.mark.parametrize("column", ["gross_output_usd_bn", "value_added_usd_bn"])
def test_io_folder_needs_output_columns(icio_folder: Path, column: str) -> None:
    edit(icio_folder, "regions", lambda t: t.drop(columns=column))
    with pytest.raises(
        ValueError, match=f"regions.csv: field {column}: required column missing"
    ):
        data.load_baseline(icio_folder)


def test_negative_share(icio_folder: Path) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[10, "share"] = "-0.01"
        return t

    edit(icio_folder, "io_shares", change)
    with pytest.raises(
        ValueError,
        match=r"io_shares.csv line 12: field share: must be finite and >= 0, "
        r"got -0.01",
    ):
        data.load_baseline(icio_folder)


@pytest.mark.parametrize("bad", ["NaN", "", "inf", "x"])
def test_share_not_a_finite_number(icio_folder: Path, bad: str) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[7, "share"] = bad
        return t

    edit(icio_folder, "io_shares", change)
    with pytest.raises(
        ValueError, match="io_shares.csv line 9: field share: must be a finite number"
    ):
        data.load_baseline(icio_folder)


def test_unknown_input_sector(icio_folder: Path) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[20, "input_sector"] = "foundry"
        return t

    edit(icio_folder, "io_shares", change)
    with pytest.raises(
        ValueError,
        match="io_shares.csv line 22: field input_sector: must be one of .*'foundry'",
    ):
        data.load_baseline(icio_folder)


def test_missing_share_row(icio_folder: Path) -> None:
    table = read_csv(icio_folder, "io_shares")
    k = row(table, region="TWN", sector="chips", input_sector="sme")
    edit(icio_folder, "io_shares", lambda t: t.drop(index=k))
    with pytest.raises(
        ValueError,
        match=r"io_shares.csv: field region/sector/input_sector: "
        r"missing key \('TWN', 'chips', 'sme'\)",
    ):
        data.load_baseline(icio_folder)


def test_duplicated_share_row(icio_folder: Path) -> None:
    edit(
        icio_folder,
        "io_shares",
        lambda t: pd.concat([t, t.iloc[[4]]], ignore_index=True),
    )
    with pytest.raises(
        ValueError,
        match=r"io_shares.csv line 394: field region/sector/input_sector: "
        r"duplicate key \('USA', 'ai_chips', 'ict_hw'\), first at line 6",
    ):
        data.load_baseline(icio_folder)


def test_shares_must_sum_below_one(icio_folder: Path) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[row(t, region="KOR", sector="rest", input_sector="rest"), "share"] = (
            "0.99"
        )
        return t

    edit(icio_folder, "io_shares", change)
    first = row(
        read_csv(icio_folder, "io_shares"),
        region="KOR",
        sector="rest",
        input_sector="ai_chips",
    )
    with pytest.raises(
        ValueError,
        match=rf"io_shares.csv line {first + 2}: field share: shares of region KOR, "
        r"sector rest sum to 1\.\d+; must be < 1",
    ):
        data.load_baseline(icio_folder)


def test_intermediate_use_above_absorption(icio_folder: Path) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        # China's ict_hw would buy ~0.2 x 1,900 of chips; China absorbs 177.4
        k = row(t, region="CHN", sector="ict_hw", input_sector="chips")
        t.loc[k, "share"] = "0.2"
        return t

    edit(icio_folder, "io_shares", change)
    first = row(
        read_csv(icio_folder, "io_shares"),
        region="CHN",
        sector="ai_chips",
        input_sector="chips",
    )
    with pytest.raises(
        ValueError,
        match=rf"io_shares.csv line {first + 2}: field share: region CHN buys "
        r"[\d.]+ of chips as inputs .* but absorbs only 177\.446 of it in flows.csv: "
        r"final use -[\d.]+ < 0",
    ):
        data.load_baseline(icio_folder)


@pytest.mark.parametrize(
    ("field", "what"),
    [("gross_output_usd_bn", "gross output"), ("value_added_usd_bn", "value added")],
)
def test_icio_closure(icio_folder: Path, field: str, what: str) -> None:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        k = row(t, region="JPN")
        t.loc[k, field] = str(float(t.loc[k, field]) * 1.01)
        return t

    edit(icio_folder, "regions", change)
    with pytest.raises(
        ValueError,
        match=rf"regions.csv line 5: field {field}: region JPN has {what} [\d.]+ but",
    ):
        data.load_baseline(icio_folder)


def test_build_script_not_needed_by_the_model() -> None:
    for path in (REPO / "model").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert (
            "sanction_simulator" not in text and "baseline_icio2022/build" not in text
        )
