"""Load and validate the 2022 baseline from assets/data/baseline.

The baseline is three CSV files, each with a ``<stem>.meta.json`` provenance
sidecar written by ``assets/data/baseline/build.py``: ``flows.csv`` (exporter,
importer, sector, value_usd_bn, quality, source_ids), ``regions.csv`` (region,
name, gdp_usd_bn, source_ids) and ``elasticities.csv`` (sector, theta, low, high,
source_ids).

A folder with input-output linkages (``assets/data/baseline_icio2022``, written by
its ``build.py`` from OECD ICIO 2022) adds ``io_shares.csv`` (region, sector,
input_sector, share, quality, source_ids): the Caliendo-Parro shares
``gamma[i, s, k]`` of input k in the gross output of sector s of region i; its
``regions.csv`` also has ``gross_output_usd_bn`` and ``value_added_usd_bn``. Then
flows are gross sales (intermediate plus final use) and close on gross output, not
GDP. Without ``io_shares.csv``, ``gamma`` is zero and nothing else changes.

:func:`load_baseline` checks them and returns arrays in the order of
:data:`model.names.REGIONS` and :data:`model.names.SECTORS`, with the index
convention ``flows_usd_bn[i, j, s]`` = exporter ``i``, importer ``j``, sector ``s``.
Every problem raises a ``ValueError`` naming the file, the CSV line (header =
line 1) where there is one, the field and what is wrong.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from model import names

FloatArray = npt.NDArray[np.float64]

DEFAULT_BASELINE_DIR: Path = (
    Path(__file__).resolve().parents[1] / "assets/data/baseline_icio2022"
)
"""Folder of the shipped baseline: ``<repo>/assets/data/baseline_icio2022``, measured
from OECD ICIO 2022 (``assets/data/baseline`` is the first, hand-built vintage)."""

CLOSURE_RTOL: float = 1e-4
"""Allowed relative gap between a region's total sales and its GDP (its gross
output with input-output shares), and between its value added and
``sum_s beta_is Y_is``."""

FINAL_USE_RTOL: float = 1e-9
"""Round-off allowed below zero in final use, relative to the market's absorption."""

_REG, _SEC = names.REGIONS, names.SECTORS
_CODES: dict[str, dict[str, tuple[str, ...]]] = {  # code columns -> allowed values
    "regions": {"region": _REG},
    "elasticities": {"sector": _SEC},
    "flows": {
        "exporter": _REG,
        "importer": _REG,
        "sector": _SEC,
        "quality": names.QUALITY_TAGS,
    },
    "io_shares": {
        "region": _REG,
        "sector": _SEC,
        "input_sector": _SEC,
        "quality": names.QUALITY_TAGS,
    },
}
_NUMERIC: dict[str, tuple[str, ...]] = {
    "regions": ("gdp_usd_bn",),
    "elasticities": ("theta", "low", "high"),
    "flows": ("value_usd_bn",),
    "io_shares": ("share",),
}
_OTHER: dict[str, tuple[str, ...]] = {
    "regions": ("name", "source_ids"),
    "elasticities": ("source_ids",),
    "flows": ("source_ids",),
    "io_shares": ("source_ids",),
}
_IO_REGION_COLUMNS: tuple[str, ...] = ("gross_output_usd_bn", "value_added_usd_bn")
"""Numeric columns regions.csv must have when the folder has io_shares.csv."""


@dataclass(frozen=True, eq=False)
class Baseline:
    """The calibrated 2022 baseline: 8 regions x 7 sectors.

    Attributes
    ----------
    regions, sectors : tuple of str
        Codes in array order (:data:`model.names.REGIONS`, ``SECTORS``).
    flows_usd_bn : FloatArray
        Sales of exporter ``i`` to importer ``j`` in sector ``s``, shape (N, N, S)
        [current USD bn, 2022]; the diagonal is home sales. Read-only.
    gdp_usd_bn : FloatArray
        GDP by region, shape (N,) [current USD bn, 2022]. Read-only.
    theta, theta_low, theta_high : FloatArray
        Central trade elasticity by sector and the ends of its plausible range,
        shape (S,) [unitless]. Read-only.
    flows : pandas.DataFrame
        The tidy flows table as read, including ``quality`` and ``source_ids``.
    provenance : Mapping[str, dict]
        File stem (``"flows"``, ``"regions"``, ``"elasticities"`` and, when
        present, ``"io_shares"``) -> parsed sidecar.
    gamma : FloatArray
        Input-output shares, shape (N, S, S): ``gamma[i, s, k]`` is the share of
        input sector k (bought from all origins) in the gross output of sector s
        in region i [share]; ``beta = 1 - gamma.sum(axis=2)`` > 0 is the factor
        (value-added) share. Zeros when the folder has no ``io_shares.csv``.
        Read-only.
    gross_output_usd_bn : FloatArray
        Gross output by region, shape (N,) [current USD bn, 2022]: total sales
        ``sum_{j,s} X[i, j, s]``, as in regions.csv when it has the column.
        Read-only.
    value_added_usd_bn : FloatArray
        Value added by region, shape (N,) [current USD bn, 2022]:
        ``sum_s beta_is Y_is``; equal to the total sales when gamma is zero.
        Read-only.
    """

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    flows_usd_bn: FloatArray
    gdp_usd_bn: FloatArray
    theta: FloatArray
    theta_low: FloatArray
    theta_high: FloatArray
    flows: pd.DataFrame
    provenance: Mapping[str, dict]
    gamma: FloatArray
    gross_output_usd_bn: FloatArray
    value_added_usd_bn: FloatArray

    @property
    def theta_sets(self) -> dict[str, FloatArray]:
        """The calibrated elasticity sets by name: ``"central"``, ``"low"``,
        ``"high"``, each (S,) [unitless]; the one table the model reads."""
        return {"central": self.theta, "low": self.theta_low, "high": self.theta_high}


def _fail(file: str, line: int | None, field: str, problem: str) -> ValueError:
    at = f"{file} line {line}" if line is not None else file
    return ValueError(f"{at}: field {field}: {problem}")


def _check_rows(
    file: str, table: pd.DataFrame, field: str, ok: pd.Series, problem: str
) -> None:
    """Raise for the first row where ``ok`` is False (data row k = line k + 2)."""
    bad = np.flatnonzero(~ok.to_numpy(dtype=bool))
    if bad.size:
        k = int(bad[0])
        got = table[field].to_list()[k]  # a Python value, for a clean repr
        raise _fail(file, k + 2, field, f"{problem}, got {got!r}")


def _check_one_each(
    file: str, table: pd.DataFrame, keys: list[str], expected: list[tuple]
) -> None:
    """Each key tuple in ``expected`` occurs exactly once in ``table[keys]``."""
    seen: dict[tuple, int] = {}
    for k, key in enumerate(table[keys].itertuples(index=False, name=None)):
        if key in seen:
            problem = f"duplicate key {key}, first at line {seen[key]}"
            raise _fail(file, k + 2, "/".join(keys), problem)
        seen[key] = k + 2
    missing = [key for key in expected if key not in seen]
    if missing:
        problem = f"missing key {missing[0]} ({len(missing)} missing in all)"
        raise _fail(file, None, "/".join(keys), problem)


def _read_table(
    folder: Path, stem: str, numeric: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, dict]:
    """Read one CSV and its sidecar; check sha256, columns, codes, numbers, ids.

    ``numeric`` names numeric columns required on top of :data:`_NUMERIC`.
    """
    file, meta_file = f"{stem}.csv", f"{stem}.meta.json"
    for name in (file, meta_file):
        if not (folder / name).is_file():
            raise ValueError(f"{name}: file not found in {folder}")
    try:
        meta = json.loads((folder / meta_file).read_text(encoding="utf-8"))
        known_ids = {entry["id"] for entry in meta["sources"]}
        expected_sha = meta["sha256"]
    except (ValueError, KeyError, TypeError) as err:
        raise ValueError(f"{meta_file}: not a valid sidecar ({err!r})") from err
    actual_sha = hashlib.sha256((folder / file).read_bytes()).hexdigest()
    if actual_sha != expected_sha:
        raise ValueError(
            f"{file}: sha256 {actual_sha} differs from {expected_sha} "
            f"in {meta_file}: edited without updating its sidecar"
        )

    table = pd.read_csv(
        folder / file, dtype=str, keep_default_na=False, skip_blank_lines=False
    )
    numeric = (*_NUMERIC[stem], *numeric)
    for column in (*_CODES[stem], *numeric, *_OTHER[stem]):
        if column not in table.columns:
            raise _fail(file, None, column, "required column missing")
    for column, allowed in _CODES[stem].items():
        problem = "must be one of " + ", ".join(allowed)
        _check_rows(file, table, column, table[column].isin(allowed), problem)
    for column in numeric:
        values = pd.to_numeric(table[column], errors="coerce").astype(float)
        finite = pd.Series(np.isfinite(values), index=table.index)
        _check_rows(file, table, column, finite, "must be a finite number")
        table[column] = values
    for k, cell in enumerate(table["source_ids"]):
        ids = [sid.strip() for sid in cell.split(";") if sid.strip()]
        if not ids:
            raise _fail(file, k + 2, "source_ids", "must list at least one id")
        for sid in ids:
            if sid not in known_ids:
                problem = f"id {sid!r} is not listed in the sources of {meta_file}"
                raise _fail(file, k + 2, "source_ids", problem)
    return table, meta


def _to_array(flows: pd.DataFrame) -> FloatArray:
    """Complete flows table -> array [exporter i, importer j, sector s] [USD bn]."""
    x = np.zeros((len(_REG), len(_REG), len(_SEC)))
    r_pos = {r: k for k, r in enumerate(_REG)}
    s_pos = {s: k for k, s in enumerate(_SEC)}
    i = flows["exporter"].map(r_pos).to_numpy()
    j = flows["importer"].map(r_pos).to_numpy()
    s = flows["sector"].map(s_pos).to_numpy()
    x[i, j, s] = flows["value_usd_bn"].to_numpy()
    return x


def _line_of(table: pd.DataFrame, **key: str) -> int:
    """CSV line of the first row matching ``key`` (header = line 1)."""
    mask = np.logical_and.reduce([table[k] == v for k, v in key.items()])
    return int(np.flatnonzero(mask)[0]) + 2


def _check_closure(
    reg: pd.DataFrame, field: str, what: str, target: FloatArray, got: FloatArray
) -> None:
    """``got`` (from flows.csv) equals regions.csv ``field`` within CLOSURE_RTOL."""
    for i, region in enumerate(_REG):
        gap = abs(got[i] - target[i]) / target[i]
        if gap > CLOSURE_RTOL:
            problem = (
                f"region {region} has {what} {target[i]:.3f} but "
                + (
                    "its total sales in flows.csv sum to"
                    if what in ("GDP", "gross output")
                    else "sum_s beta Y from flows.csv and io_shares.csv is"
                )
                + f" {got[i]:.3f} (relative gap {gap:.1e} > {CLOSURE_RTOL:.0e})"
            )
            raise _fail("regions.csv", _line_of(reg, region=region), field, problem)


def _check_io(io: pd.DataFrame, x: FloatArray) -> FloatArray:
    """Validate io_shares.csv against the flows; return gamma[i, s, k]."""
    file = "io_shares.csv"
    _check_rows(file, io, "share", io["share"] >= 0, "must be finite and >= 0")
    keys = [(i, s, k) for i in _REG for s in _SEC for k in _SEC]
    _check_one_each(file, io, ["region", "sector", "input_sector"], keys)
    r_pos = {r: n for n, r in enumerate(_REG)}
    s_pos = {s: n for n, s in enumerate(_SEC)}
    gamma = np.zeros((len(_REG), len(_SEC), len(_SEC)))
    gamma[
        io["region"].map(r_pos).to_numpy(),
        io["sector"].map(s_pos).to_numpy(),
        io["input_sector"].map(s_pos).to_numpy(),
    ] = io["share"].to_numpy()
    total = gamma.sum(axis=2)
    for i, s in np.argwhere(total >= 1):
        region, sector = _REG[i], _SEC[s]
        problem = (
            f"shares of region {region}, sector {sector} sum to {total[i, s]:.6f}; "
            "must be < 1 (beta = 1 - sum_k gamma > 0)"
        )
        raise _fail(file, _line_of(io, region=region, sector=sector), "share", problem)
    output = x.sum(axis=1)  # Y[j, k]
    absorption = x.sum(axis=0)  # E[j, s]
    intermediate = np.einsum("jks,jk->js", gamma, output)
    final = absorption - intermediate
    for j, s in np.argwhere(final < -FINAL_USE_RTOL * absorption):
        region, sector = _REG[j], _SEC[s]
        problem = (
            f"region {region} buys {intermediate[j, s]:.3f} of {sector} as inputs "
            f"(sum_k gamma[{region}, k, {sector}] * Y[{region}, k]) but absorbs "
            f"only {absorption[j, s]:.3f} of it in flows.csv: final use "
            f"{final[j, s]:.3f} < 0"
        )
        line = _line_of(io, region=region, input_sector=sector)
        raise _fail(file, line, "share", problem)
    return gamma


def _check_io_closure(
    reg: pd.DataFrame, x: FloatArray, gamma: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Sales = gross output, sum_s beta Y = value added; both (N,) [USD bn]."""
    table = reg.set_index("region").reindex(_REG)
    for field in _IO_REGION_COLUMNS:
        ok = reg[field] > 0
        _check_rows("regions.csv", reg, field, ok, "must be > 0")
    gross_output = table["gross_output_usd_bn"].to_numpy()
    value_added = table["value_added_usd_bn"].to_numpy()
    sales = x.sum(axis=(1, 2))
    _check_closure(reg, "gross_output_usd_bn", "gross output", gross_output, sales)
    beta_y = ((1.0 - gamma.sum(axis=2)) * x.sum(axis=1)).sum(axis=1)
    _check_closure(reg, "value_added_usd_bn", "value added", value_added, beta_y)
    return gross_output, value_added


def _frozen(values: npt.ArrayLike) -> FloatArray:
    array = np.array(values, dtype=np.float64)
    array.setflags(write=False)
    return array


def load_baseline(folder: Path | str | None = None) -> Baseline:
    """Load, validate and return the baseline.

    Parameters
    ----------
    folder : Path or str, optional
        Folder holding ``flows.csv``, ``regions.csv``, ``elasticities.csv``,
        optionally ``io_shares.csv``, and their ``.meta.json`` sidecars. Defaults
        to :data:`DEFAULT_BASELINE_DIR`.

    Returns
    -------
    Baseline
        Arrays in :data:`model.names.REGIONS` / ``SECTORS`` order; flows and GDP
        in [current USD bn, 2022], elasticities [unitless].

    Raises
    ------
    ValueError
        If a file or sidecar is missing, a CSV does not match its sidecar's
        sha256, or the data break a rule: required columns, finite numbers,
        flows >= 0, known quality tags and source ids, exactly the model's
        regions and sectors, one row per exporter x importer x sector, GDP > 0,
        0 < low <= theta <= high, absorption ``sum_i X[i, j, s] > 0`` in every
        market (j, s), and total sales ``sum_{j,s} X[i, j, s]`` equal to GDP of
        i within relative :data:`CLOSURE_RTOL`. With ``io_shares.csv``: one
        share >= 0 per region x sector x input sector, ``sum_k gamma[i, s, k] <
        1``, final use ``E[j, s] - sum_k gamma[j, k, s] Y[j, k] >= 0`` in every
        market (round-off :data:`FINAL_USE_RTOL`), and total sales equal to gross
        output and ``sum_s beta_is Y_is`` to value added within
        :data:`CLOSURE_RTOL` (instead of sales = GDP).
    """
    folder = Path(folder) if folder is not None else DEFAULT_BASELINE_DIR
    has_io = (folder / "io_shares.csv").exists()
    tables, provenance = {}, {}
    for stem in ("regions", "elasticities", "flows", "io_shares"):
        if stem == "io_shares" and not has_io:
            continue
        extra = _IO_REGION_COLUMNS if stem == "regions" and has_io else ()
        tables[stem], provenance[stem] = _read_table(folder, stem, extra)
    reg, ela, flows = tables["regions"], tables["elasticities"], tables["flows"]
    io = tables.get("io_shares")

    _check_one_each("regions.csv", reg, ["region"], [(r,) for r in _REG])
    _check_rows("regions.csv", reg, "gdp_usd_bn", reg["gdp_usd_bn"] > 0, "must be > 0")
    _check_one_each("elasticities.csv", ela, ["sector"], [(s,) for s in _SEC])
    for field, ok, problem in (
        ("low", ela["low"] > 0, "must be > 0"),
        ("theta", ela["theta"] >= ela["low"], "must be >= low"),
        ("high", ela["high"] >= ela["theta"], "must be >= theta"),
    ):
        _check_rows("elasticities.csv", ela, field, ok, problem)
    ok = flows["value_usd_bn"] >= 0
    _check_rows("flows.csv", flows, "value_usd_bn", ok, "must be finite and >= 0")
    keys = [(i, j, s) for i in _REG for j in _REG for s in _SEC]
    _check_one_each("flows.csv", flows, ["exporter", "importer", "sector"], keys)

    x = _to_array(flows)
    empty = [f"{_REG[j]}/{_SEC[s]}" for j, s in np.argwhere(x.sum(axis=0) <= 0)]
    if empty:
        problem = "zero total absorption (no supplier) in importer/sector market(s) "
        raise _fail("flows.csv", None, "value_usd_bn", problem + ", ".join(empty))

    gdp = reg.set_index("region")["gdp_usd_bn"].reindex(_REG).to_numpy()
    sales = x.sum(axis=(1, 2))
    if io is None:
        _check_closure(reg, "gdp_usd_bn", "GDP", gdp, sales)
        gamma = np.zeros((len(_REG), len(_SEC), len(_SEC)))
        gross_output, value_added = sales, sales
    else:
        gamma = _check_io(io, x)
        gross_output, value_added = _check_io_closure(reg, x, gamma)

    ela = ela.set_index("sector").reindex(_SEC)
    return Baseline(
        regions=_REG,
        sectors=_SEC,
        flows_usd_bn=_frozen(x),
        gdp_usd_bn=_frozen(gdp),
        theta=_frozen(ela["theta"].to_numpy()),
        theta_low=_frozen(ela["low"].to_numpy()),
        theta_high=_frozen(ela["high"].to_numpy()),
        flows=flows,
        provenance=provenance,
        gamma=_frozen(gamma),
        gross_output_usd_bn=_frozen(gross_output),
        value_added_usd_bn=_frozen(value_added),
    )
