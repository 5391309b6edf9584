"""Read and check a user's own data for ``python -m model counterfactual`` and ``run``.

Three small CSV formats (UTF-8, comma-separated, a header line, blank lines
ignored) and one JSON format (the tariff and input-output formats, read with the
same helpers, are in :mod:`model.userdata_io`):

flows
    ``exporter,importer[,sector],value``: baseline flow from exporter ``i`` to
    importer ``j`` (in sector ``s``), every pair including home sales ``i == j``;
    a pair that is not listed is 0 [any currency unit]. Flows are at producer
    prices, net of the baseline tariff (:mod:`model.userdata_io`): the importer
    pays ``value x (1 + tariff)``, the exporter receives ``value``. Without a
    sector column there is one sector, named ``"all"``. Regions are every code in
    the exporter and importer columns, in order of first appearance (row by row,
    exporter before importer); sectors likewise.
shock
    ``exporter,importer[,sector],cost_change_factor``: the iceberg trade-cost
    factor ``tau_hat[i, j, s] > 0`` [ratio]; the text ``inf`` prohibits the
    flow; a pair that is not listed keeps 1. Without a sector column the factor
    applies to every sector of the flows.
theta
    ``sector,theta``: the trade elasticity of every sector, > 0 [unitless].
scenario
    One JSON object of lever values (see :data:`model.levers.LEVERS`).

Arrays follow ``[i, j, s]`` = exporter, importer, sector. Every problem raises a
``ValueError`` whose one-line message names the file, the line (1-based, header
= line 1) where there is one, and what is wrong, e.g.
``flows.csv line 5: value must be a finite number >= 0, got 'abc'``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from model.jsonio import reject_duplicate_keys

FloatArray = npt.NDArray[np.float64]

ONE_SECTOR = "all"
"""Sector name used when the flows file has no sector column."""

FLOWS_HEADER = "exporter,importer[,sector],value"
SHOCK_HEADER = "exporter,importer[,sector],cost_change_factor"
THETA_HEADER = "sector,theta"

INLINE = "scenario (inline JSON)"
"""How error messages name a scenario given as inline JSON text."""


@dataclass(frozen=True)
class UserFlows:
    """A user's baseline flows, checked.

    Attributes
    ----------
    file : str
        The path as given, for messages.
    regions, sectors : tuple of str
        Codes in array order (order of first appearance in the file).
    has_sector : bool
        Whether the file had a sector column.
    value : FloatArray
        Baseline flows X[i, j, s] >= 0, shape (N, N, S) [the file's unit].
    """

    file: str
    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    has_sector: bool
    value: FloatArray


@dataclass(frozen=True)
class _Table:
    """A CSV file as text cells: column names and (line number, row) pairs."""

    file: str
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


def _read_text(path: str | Path) -> str:
    """The UTF-8 text of a file (a BOM is dropped); ValueError on any failure."""
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise ValueError(f"{file}: cannot read ({err.strerror or err})") from err
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise ValueError(
            f"{file} line {line}: not UTF-8 text (byte 0x{raw[err.start]:02x})"
        ) from err


def _read_table(
    path: str | Path, required: Sequence[str], optional: Sequence[str], expected: str
) -> _Table:
    """Parse a CSV file with all ``required`` and some ``optional`` columns.

    ``expected`` describes the header for messages, e.g. ``"sector,theta"``.
    """
    file = str(path)
    text = _read_text(path)
    if not text.strip():
        raise ValueError(f"{file}: empty file, expected a header line {expected}")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    columns: tuple[str, ...] = ()
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if len(cells) <= 1 and not "".join(cells).strip():
                continue  # a blank line
            if not columns:
                columns = tuple(c.strip() for c in cells)
                _check_header(file, start, columns, required, optional, expected)
                continue
            if len(cells) != len(columns):
                raise ValueError(
                    f"{file} line {start}: expected {len(columns)} fields "
                    f"({','.join(columns)}), got {len(cells)}"
                )
            rows.append(
                (start, {c: v.strip() for c, v in zip(columns, cells, strict=True)})
            )
    except csv.Error as err:
        raise ValueError(
            f"{file} line {reader.line_num}: not valid CSV ({err})"
        ) from err
    return _Table(file, columns, tuple(rows))


def _check_header(
    file: str,
    line: int,
    columns: tuple[str, ...],
    required: Sequence[str],
    optional: Sequence[str],
    expected: str,
) -> None:
    for column in columns:
        if columns.count(column) > 1:
            raise ValueError(f"{file} line {line}: duplicate column {column!r}")
        if column not in required and column not in optional:
            raise ValueError(
                f"{file} line {line}: unknown column {column!r} (expected {expected})"
            )
    for column in required:
        if column not in columns:
            raise ValueError(
                f"{file} line {line}: missing column {column!r} (expected {expected})"
            )


def _code(table: _Table, line: int, row: dict[str, str], column: str) -> str:
    if not row[column]:
        raise ValueError(f"{table.file} line {line}: {column} must not be empty")
    return row[column]


def _number(text: str) -> float | None:
    """``float(text)``, or None if the text is not a number."""
    try:
        return float(text)
    except ValueError:
        return None


def read_flows(path: str | Path) -> UserFlows:
    """Read and check a flows file ``exporter,importer[,sector],value``.

    Parameters
    ----------
    path : str or Path
        The CSV file (format in the module docstring).

    Returns
    -------
    UserFlows
        Codes and the flow array X[i, j, s] [the file's unit].

    Raises
    ------
    ValueError
        Unreadable or non-UTF-8 file, not CSV, missing or unknown columns, an empty
        code, a value that is missing, non-numeric, NaN, infinite or negative, a
        pair listed twice, no data rows, or a region whose total spending
        ``sum_{i,s} X[i, j, s]`` is zero.
    """
    table = _read_table(
        path, ("exporter", "importer", "value"), ("sector",), FLOWS_HEADER
    )
    file, has_sector = table.file, "sector" in table.columns
    if not table.rows:
        raise ValueError(f"{file}: no data rows")
    regions: dict[str, int] = {}
    sectors: dict[str, int] = {} if has_sector else {ONE_SECTOR: 0}
    entries: list[tuple[str, str, str, float]] = []
    claimed = _Claims(file, has_sector)
    for line, row in table.rows:
        exporter = _code(table, line, row, "exporter")
        importer = _code(table, line, row, "importer")
        sector = _code(table, line, row, "sector") if has_sector else ONE_SECTOR
        value = _number(row["value"])
        if value is None or not (math.isfinite(value) and value >= 0):
            raise ValueError(
                f"{file} line {line}: value must be a finite number >= 0, "
                f"got {row['value']!r}"
            )
        key = (exporter, importer, sector)
        claimed.claim(line, key)
        for code in (exporter, importer):
            regions.setdefault(code, len(regions))
        sectors.setdefault(sector, len(sectors))
        entries.append((*key, value))

    flows = np.zeros((len(regions), len(regions), len(sectors)))
    for exporter, importer, sector, value in entries:
        flows[regions[exporter], regions[importer], sectors[sector]] = value
    spending = flows.sum(axis=(0, 2))
    for j in np.flatnonzero(spending <= 0):
        raise ValueError(
            f"{file}: region {list(regions)[j]!r} has zero total spending (the sum "
            "of its imports incl. home sales is 0), so its welfare is undefined"
        )
    flows.setflags(write=False)
    return UserFlows(file, tuple(regions), tuple(sectors), has_sector, flows)


PairKey = tuple[str, str, str]
PairIndex = tuple[int, int, "int | slice"]


def pair_rows(
    table: _Table, flows: UserFlows
) -> Iterator[tuple[int, dict[str, str], PairIndex, PairKey]]:
    """The rows of a file keyed by ``exporter,importer[,sector]``, each with its
    line, its index (i, j, k) into the flows (k = every sector when the file has
    no sector column) and its key as written. ValueError at once for a sector
    column the flows lack, and while iterating for a region or sector not in the
    flows."""
    if "sector" in table.columns and not flows.has_sector:
        raise ValueError(
            f"{table.file} line 1: has a sector column but {flows.file} has none "
            f"(its only sector is {ONE_SECTOR!r}); drop the column"
        )
    return _pairs(table, flows)


def _pairs(
    table: _Table, flows: UserFlows
) -> Iterator[tuple[int, dict[str, str], PairIndex, PairKey]]:
    region = {code: k for k, code in enumerate(flows.regions)}
    sector_pos = {code: k for k, code in enumerate(flows.sectors)}
    for line, row in table.rows:
        i, j = (
            _known(table, line, row, column, region, flows.file)
            for column in ("exporter", "importer")
        )
        k: int | slice = (
            _known(table, line, row, "sector", sector_pos, flows.file)
            if "sector" in table.columns
            else slice(None)
        )
        key = (row["exporter"], row["importer"], row.get("sector", ""))
        yield line, row, (i, j, k), key


class _Claims:
    """The pairs a file has listed so far: a pair listed twice is an error."""

    def __init__(self, file: str, has_sector: bool) -> None:
        self.file, self.has_sector = file, has_sector
        self.seen: dict[tuple[str, str, str], int] = {}

    def claim(self, line: int, key: PairKey) -> None:
        """Record the pair ``key``; ValueError naming both lines if it is a repeat."""
        if key in self.seen:
            exporter, importer, sector = key
            pair = f"{exporter}->{importer}" + (
                f" ({sector})" if self.has_sector else ""
            )
            raise ValueError(
                f"{self.file} line {line}: duplicate pair {pair}, "
                f"first at line {self.seen[key]}"
            )
        self.seen[key] = line


def read_shock(path: str | Path, flows: UserFlows) -> FloatArray:
    """Read and check a shock file ``exporter,importer[,sector],cost_change_factor``.

    Parameters
    ----------
    path : str or Path
        The CSV file (format in the module docstring).
    flows : UserFlows
        The baseline the shock applies to (its regions and sectors).

    Returns
    -------
    FloatArray
        Iceberg factors tau_hat[i, j, s] > 0, shape (N, N, S), ``inf`` where
        prohibited [ratio].

    Raises
    ------
    ValueError
        Unreadable file, not CSV, missing or unknown columns, a sector column when
        the flows have none, a region or sector not in the flows, a factor that is
        not a number > 0 (``inf`` allowed), a pair listed twice, or prohibitions
        that leave a market with spending but without any supplier.
    """
    table = _read_table(
        path, ("exporter", "importer", "cost_change_factor"), ("sector",), SHOCK_HEADER
    )
    file = table.file
    n, s = len(flows.regions), len(flows.sectors)
    tau = np.ones((n, n, s))
    set_at = np.zeros((n, n, s), dtype=np.int64)  # line that set each factor
    claimed = _Claims(file, "sector" in table.columns)
    for line, row, (i, j, k), key in pair_rows(table, flows):
        factor = _number(row["cost_change_factor"])
        if factor is None or not factor > 0:  # also NaN
            raise ValueError(
                f"{file} line {line}: cost_change_factor must be a number > 0 or inf, "
                f"got {row['cost_change_factor']!r}"
            )
        claimed.claim(line, key)
        tau[i, j, k] = factor
        set_at[i, j, k] = line
    _check_supplied(file, flows, tau, set_at)
    return tau


def _known(
    table: _Table,
    line: int,
    row: dict[str, str],
    column: str,
    codes: dict[str, int],
    flows_file: str,
) -> int:
    code = _code(table, line, row, column)
    if code not in codes:
        kind = "sector" if column.endswith("sector") else "region"
        raise ValueError(
            f"{table.file} line {line}: {column} {code!r} is not a {kind} of "
            f"{flows_file} ({_listing(codes)})"
        )
    return codes[code]


def _listing(codes: Iterable[str], most: int = 10) -> str:
    """Codes joined by commas, at most ``most`` of them."""
    listed = list(codes)
    shown = ", ".join(listed[:most])
    return shown + (f", ... ({len(listed)} in all)" if len(listed) > most else "")


def _check_supplied(
    file: str, flows: UserFlows, tau: FloatArray, set_at: npt.NDArray[np.int64]
) -> None:
    """Every market (j, s) with spending keeps at least one allowed supplier."""
    allowed = (flows.value > 0) & np.isfinite(tau)
    cut_off = (flows.value.sum(axis=0) > 0) & ~allowed.any(axis=0)
    for j, s in np.argwhere(cut_off):
        suppliers = flows.value[:, j, s] > 0
        line = int(set_at[suppliers, j, s].max())  # the row removing the last one
        market = flows.regions[j] + (
            f" ({flows.sectors[s]})" if flows.has_sector else ""
        )
        raise ValueError(
            f"{file} line {line}: prohibiting this pair leaves the market of "
            f"{market} without any supplier, so it has no equilibrium price"
        )


def read_theta(spec: str, sectors: Sequence[str]) -> FloatArray:
    """Trade elasticities from a number or a ``sector,theta`` CSV file.

    Parameters
    ----------
    spec : str
        A number > 0 (used for every sector) or the path of a CSV file with a
        row for every sector. Text that parses as a number is a number.
    sectors : sequence of str
        The sectors of the flows, in array order.

    Returns
    -------
    FloatArray
        theta[s] > 0, shape (S,) [unitless].

    Raises
    ------
    ValueError
        A number <= 0 or not finite; for a file: the problems of
        :func:`read_flows` plus a sector that is unknown, listed twice or missing.
    """
    number = _number(spec)
    if number is not None:
        if not (math.isfinite(number) and number > 0):
            raise ValueError(f"--theta must be a finite number > 0, got {spec!r}")
        return np.full(len(sectors), number)
    table = _read_table(spec, ("sector", "theta"), (), THETA_HEADER)
    file = table.file
    position = {code: k for k, code in enumerate(sectors)}
    theta = np.full(len(sectors), np.nan)
    seen: dict[str, int] = {}
    for line, row in table.rows:
        sector = _code(table, line, row, "sector")
        if sector not in position:
            raise ValueError(
                f"{file} line {line}: sector {sector!r} is not a sector of the flows "
                f"({_listing(sectors)})"
            )
        if sector in seen:
            raise ValueError(
                f"{file} line {line}: duplicate sector {sector!r}, first at line "
                f"{seen[sector]}"
            )
        seen[sector] = line
        value = _number(row["theta"])
        if value is None or not (math.isfinite(value) and value > 0):
            raise ValueError(
                f"{file} line {line}: theta must be a finite number > 0, "
                f"got {row['theta']!r}"
            )
        theta[position[sector]] = value
    missing = [code for code in sectors if code not in seen]
    if missing:
        raise ValueError(f"{file}: no theta for sector(s) {', '.join(missing)}")
    return theta


def read_scenario(spec: str) -> tuple[str, dict[str, object]]:
    """Lever values from a JSON file or inline JSON text starting with ``{``.

    Parameters
    ----------
    spec : str
        Inline JSON (first non-blank character ``{``) or the path of a JSON file.

    Returns
    -------
    tuple of (str, dict)
        The name to use in messages (the path, or :data:`INLINE`) and the object.
        The levers themselves are checked by :class:`model.levers.Levers`.

    Raises
    ------
    ValueError
        Unreadable or non-UTF-8 file, invalid JSON, a key given twice, or JSON
        that is not one object.
    """
    if spec.lstrip().startswith("{"):
        name, text = INLINE, spec
    else:
        if not Path(spec).is_file():
            raise ValueError(
                f"{spec}: no such file (SCENARIO must be a JSON file or inline JSON "
                "starting with '{')"
            )
        name, text = spec, _read_text(spec)
    try:
        value = json.loads(text, object_pairs_hook=reject_duplicate_keys)
    except json.JSONDecodeError as err:
        raise ValueError(
            f"{name} line {err.lineno}: not valid JSON ({err.msg}, column {err.colno})"
        ) from err
    except ValueError as err:  # a key given twice, an integer too long, ...
        raise ValueError(f"{name}: {err}") from err
    except RecursionError:
        raise ValueError(f"{name}: not valid JSON (nested too deeply)") from None
    if not isinstance(value, dict):
        raise ValueError(
            f"{name}: must hold one JSON object of lever values, got "
            f"{type(value).__name__}"
        )
    return name, value
