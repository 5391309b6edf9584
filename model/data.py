"""Load and validate the 2022 baseline from assets/data/baseline.

The baseline is three CSV files, each with a ``<stem>.meta.json`` provenance
sidecar written by ``assets/data/baseline/build.py``: ``flows.csv`` (exporter,
importer, sector, value_usd_bn, quality, source_ids), ``regions.csv`` (region,
name, gdp_usd_bn, source_ids) and ``elasticities.csv`` (sector, theta, low, high,
source_ids).

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
    Path(__file__).resolve().parents[1] / "assets/data/baseline"
)
"""Folder of the shipped baseline: ``<repo>/assets/data/baseline``."""

CLOSURE_RTOL: float = 1e-4
"""Allowed relative gap between a region's total sales and its GDP."""

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
}
_NUMERIC: dict[str, tuple[str, ...]] = {
    "regions": ("gdp_usd_bn",),
    "elasticities": ("theta", "low", "high"),
    "flows": ("value_usd_bn",),
}
_OTHER: dict[str, tuple[str, ...]] = {
    "regions": ("name", "source_ids"),
    "elasticities": ("source_ids",),
    "flows": ("source_ids",),
}


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
    gamma : FloatArray
        Input-output shares gamma[i, s, k], the share of input sector k in the
        gross output of sector s in region i, shape (N, S, S) [share]; zeros for a
        baseline without an input-output table. Read-only.
    provenance : Mapping[str, dict]
        File stem (``"flows"``, ``"regions"``, ``"elasticities"``) -> parsed sidecar.
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
    gamma: FloatArray  # (N, S, S) input-output shares gamma[i, s, k] [share]

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


def _read_table(folder: Path, stem: str) -> tuple[pd.DataFrame, dict]:
    """Read one CSV and its sidecar; check sha256, columns, codes, numbers, ids."""
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
    for column in (*_CODES[stem], *_NUMERIC[stem], *_OTHER[stem]):
        if column not in table.columns:
            raise _fail(file, None, column, "required column missing")
    for column, allowed in _CODES[stem].items():
        problem = "must be one of " + ", ".join(allowed)
        _check_rows(file, table, column, table[column].isin(allowed), problem)
    for column in _NUMERIC[stem]:
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


def _frozen(values: npt.ArrayLike) -> FloatArray:
    array = np.array(values, dtype=np.float64)
    array.setflags(write=False)
    return array


def load_baseline(folder: Path | str | None = None) -> Baseline:
    """Load, validate and return the baseline.

    Parameters
    ----------
    folder : Path or str, optional
        Folder holding ``flows.csv``, ``regions.csv``, ``elasticities.csv`` and
        their ``.meta.json`` sidecars. Defaults to :data:`DEFAULT_BASELINE_DIR`.

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
        i within relative :data:`CLOSURE_RTOL`.
    """
    folder = Path(folder) if folder is not None else DEFAULT_BASELINE_DIR
    tables, provenance = {}, {}
    for stem in ("regions", "elasticities", "flows"):
        tables[stem], provenance[stem] = _read_table(folder, stem)
    reg, ela, flows = tables["regions"], tables["elasticities"], tables["flows"]

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
    for i, region in enumerate(_REG):
        gap = abs(sales[i] - gdp[i]) / gdp[i]
        if gap > CLOSURE_RTOL:
            line = int(np.flatnonzero(reg["region"] == region)[0]) + 2
            problem = (
                f"region {region} has GDP {gdp[i]:.3f} but its total sales in "
                f"flows.csv sum to {sales[i]:.3f} (relative gap {gap:.1e} > "
                f"{CLOSURE_RTOL:.0e})"
            )
            raise _fail("regions.csv", line, "gdp_usd_bn", problem)

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
        gamma=_frozen(np.zeros((len(_REG), len(_SEC), len(_SEC)))),
    )
