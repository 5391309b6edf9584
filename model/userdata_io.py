"""Read and check a user's input-output shares and tariffs for
``python -m model counterfactual --io IO.csv --tariff TARIFF.csv``.

Two CSV formats, read like the files of :mod:`model.userdata` (UTF-8, a header
line, blank lines ignored) and against the regions and sectors of its flows:

io
    ``region,sector,input_sector,share``: ``gamma[i, s, k]``, the share of input
    ``k`` (bought from every origin, at the buyer's prices) in the gross output of
    sector ``s`` in region ``i`` [0-1]; a row that is not listed is 0. The shares
    of one region and sector must sum to less than 1: the rest is value added.
    With a one-sector flows file both sector columns hold ``"all"``.
tariff
    ``exporter,importer[,sector],tariff_pct,new_tariff_pct``: the ad valorem
    tariff importer ``j`` levies on exporter ``i`` in the baseline and in the
    counterfactual [%, 25 = 25%], its revenue going to the importer; a pair that
    is not listed has no tariff in either. Without a sector column a row applies
    to every sector of the pair.

The flows are at producer prices, *net* of the baseline tariff: the importer pays
``value x (1 + tariff_pct / 100)``, the exporter receives ``value``.

Every problem raises a ``ValueError`` whose one-line message names the file, the
line (1-based, header = line 1) and what is wrong, e.g.
``io.csv line 4: share must be a finite number >= 0, got '-0.1'``. The CSV
helpers are those of :mod:`model.userdata`; this module holds only the two formats
and the checks of the accounts they imply (value added and final demand >= 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from model.userdata import (
    UserFlows,
    _Claims,
    _known,
    _number,
    _read_table,
    _Table,
    pair_rows,
)

FloatArray = npt.NDArray[np.float64]
Lines = npt.NDArray[np.int64]

IO_HEADER = "region,sector,input_sector,share"
TARIFF_HEADER = "exporter,importer[,sector],tariff_pct,new_tariff_pct"

NEGATIVE_TOLERANCE = 1e-9
"""Final demand down to ``-1e-9 max(E, 1)`` is rounding, not an error (as in
:func:`model.equilibrium.solve`)."""


@dataclass(frozen=True)
class UserTariffs:
    """A user's tariffs, checked.

    Attributes
    ----------
    baseline, new : FloatArray
        Ad valorem tariffs t[i, j, s] >= 0 in the baseline and the counterfactual,
        shape (N, N, S) [ratio, 0.25 = 25%].
    """

    baseline: FloatArray
    new: FloatArray


def no_tariffs(flows: UserFlows) -> UserTariffs:
    """Zero tariffs in the baseline and the counterfactual (no ``--tariff``)."""
    zero = np.zeros(flows.value.shape)
    zero.setflags(write=False)
    return UserTariffs(zero, zero)


def read_tariffs(path: str | Path, flows: UserFlows) -> UserTariffs:
    """Read and check a tariff file
    ``exporter,importer[,sector],tariff_pct,new_tariff_pct``.

    Parameters
    ----------
    path : str or Path
        The CSV file (format in the module docstring).
    flows : UserFlows
        The baseline the tariffs apply to (its regions and sectors).

    Returns
    -------
    UserTariffs
        Baseline and counterfactual tariffs [ratio].

    Raises
    ------
    ValueError
        Unreadable file, not CSV, missing or unknown columns, a sector column when
        the flows have none, a region or sector not in the flows, a tariff on home
        sales (exporter == importer), a tariff that is not a finite number >= 0,
        or a pair listed twice.
    """
    table = _read_table(
        path,
        ("exporter", "importer", "tariff_pct", "new_tariff_pct"),
        ("sector",),
        TARIFF_HEADER,
    )
    file = table.file
    baseline = np.zeros(flows.value.shape)
    new = np.zeros(flows.value.shape)
    claimed = _Claims(file, "sector" in table.columns)
    for line, row, (i, j, k), key in pair_rows(table, flows):
        if i == j:
            raise ValueError(
                f"{file} line {line}: exporter and importer are both "
                f"{flows.regions[i]!r}; a tariff applies to imports only"
            )
        claimed.claim(line, key)
        baseline[i, j, k] = _percent(table, line, row, "tariff_pct")
        new[i, j, k] = _percent(table, line, row, "new_tariff_pct")
    baseline.setflags(write=False)
    new.setflags(write=False)
    return UserTariffs(baseline, new)


def _percent(table: _Table, line: int, row: dict[str, str], column: str) -> float:
    """The tariff in ``column`` as a ratio; ValueError unless a finite number >= 0."""
    value = _number(row[column])
    if value is None or not (math.isfinite(value) and value >= 0):
        raise ValueError(
            f"{table.file} line {line}: {column} must be a finite number >= 0 "
            f"[%], got {row[column]!r}"
        )
    return value / 100


def read_io(
    path: str | Path, flows: UserFlows, tariff: FloatArray | None = None
) -> FloatArray:
    """Read and check an input-output file ``region,sector,input_sector,share``.

    Parameters
    ----------
    path : str or Path
        The CSV file (format in the module docstring).
    flows : UserFlows
        The baseline the shares apply to (its regions, sectors and flows).
    tariff : FloatArray, optional
        Baseline tariffs t[i, j, s] [ratio], shape (N, N, S); they raise what
        importers spend, so they enter the final-demand check. Default 0.

    Returns
    -------
    FloatArray
        Input shares gamma[i, s, k] >= 0, shape (N, S, S) [0-1].

    Raises
    ------
    ValueError
        Unreadable file, not CSV, missing or unknown columns, a region or sector
        not in the flows, a share that is not a finite number >= 0, a row listed
        twice, the shares of a region and sector summing to 1 or more, or final
        demand that would be negative in a region and sector (its sectors'
        intermediate purchases of the good exceed what the region spends on it)
        or zero in all of a region's sectors.
    """
    table = _read_table(
        path, ("region", "sector", "input_sector", "share"), (), IO_HEADER
    )
    file = table.file
    region = {code: k for k, code in enumerate(flows.regions)}
    sector = {code: k for k, code in enumerate(flows.sectors)}
    n, s = len(flows.regions), len(flows.sectors)
    gamma = np.zeros((n, s, s))
    set_at = np.zeros((n, s, s), dtype=np.int64)  # line that set each share
    for line, row in table.rows:
        i = _known(table, line, row, "region", region, flows.file)
        k, m = (
            _known(table, line, row, column, sector, flows.file)
            for column in ("sector", "input_sector")
        )
        if set_at[i, k, m]:
            raise ValueError(
                f"{file} line {line}: duplicate row {row['region']} "
                f"{row['sector']} <- {row['input_sector']}, first at line "
                f"{set_at[i, k, m]}"
            )
        share = _number(row["share"])
        if share is None or not (math.isfinite(share) and share >= 0):
            raise ValueError(
                f"{file} line {line}: share must be a finite number >= 0, "
                f"got {row['share']!r}"
            )
        gamma[i, k, m] = share
        set_at[i, k, m] = line
    _check_value_added(file, flows, gamma, set_at)
    _check_final_demand(file, flows, gamma, set_at, tariff)
    gamma.setflags(write=False)
    return gamma


def _check_value_added(
    file: str, flows: UserFlows, gamma: FloatArray, set_at: Lines
) -> None:
    """Every region and sector keeps a share of value added > 0."""
    beta = 1 - gamma.sum(axis=2)  # as the solver computes it
    for i, k in np.argwhere(beta <= 0):
        line = int(set_at[i, k].max())  # the group's last row
        raise ValueError(
            f"{file} line {line}: the input shares of {_market(flows, i, k)} sum to "
            f"{gamma[i, k].sum():.6g}, 1 or more (must be < 1): no value added is "
            "left"
        )


def _check_final_demand(
    file: str,
    flows: UserFlows,
    gamma: FloatArray,
    set_at: Lines,
    tariff: FloatArray | None,
) -> None:
    """Final demand ``E[j, s] - M[j, s]`` is >= 0 in every region and sector and
    > 0 in some sector of every region (the accounts of :mod:`model.equilibrium`).
    """
    gross = flows.value if tariff is None else flows.value * (1 + tariff)
    spending = gross.sum(axis=0)  # E[j, s], what region j spends on good s
    intermediate = np.einsum("jks,jk->js", gamma, flows.value.sum(axis=1))  # M[j, s]
    final = spending - intermediate
    negative = final < -NEGATIVE_TOLERANCE * np.maximum(spending, 1.0)
    for j, m in np.argwhere(negative):
        line = int(set_at[j, :, m].max())  # the last row buying input m in j
        raise ValueError(
            f"{file} line {line}: final demand of {_market(flows, j, m)} would be "
            f"negative ({final[j, m]:.6g}): as inputs its sectors buy "
            f"{intermediate[j, m]:.6g} of {flows.sectors[m]} (share x gross "
            f"output), more than it spends on it ({spending[j, m]:.6g}, tariffs "
            "included)"
        )
    for j in np.flatnonzero(np.maximum(final, 0.0).sum(axis=1) <= 0):
        raise ValueError(
            f"{file} line {int(set_at[j].max())}: {flows.regions[j]!r} would have no "
            "final demand (intermediate purchases take all it spends), so its "
            "welfare is undefined"
        )


def _market(flows: UserFlows, region: int, sector: int) -> str:
    """``"a (x)"``; just ``"a"`` when the flows have one sector."""
    name = repr(flows.regions[region])
    return name + (f" ({flows.sectors[sector]})" if flows.has_sector else "")
