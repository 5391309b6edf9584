"""Regenerate the golden files: the built-in presets' metrics and the decade path.

Run from the repository root, and only when a change to the model, the data or a
preset is intended::

    python tests/golden/regenerate.py

It writes two files; review the diff of both before committing them.

**Static** (``presets_metrics.csv``). It solves every built-in preset
(``scenarios/presets/*.json``, in file-name order) with
``simulate(scenario.levers())`` and writes ``tests/golden/presets_metrics.csv`` with
the columns ``preset,metric,region,value``: one row per scalar headline metric
(``region`` empty) and one row per region for ``welfare_change_pct`` and
``welfare_change_usd_bn``. Values are written with ``repr`` precision ("nan" for an
undefined metric), so the file round-trips exactly. ``tests/test_presets.py``
compares fresh solves against this file.

**Decade** (``decade_real_timeline.csv``). The yearly path of
:func:`model.dynamics.simulate_path` from 2022 to 2035 with the central dynamic
parameters along the real policy timeline, built as the Decade tab builds it:
every dated built-in preset (``as_of`` set) in date order, its levers in force
from the year of its date, with ``elasticities`` "central". The columns are
``year,output,key,value``: one row per year for every output of
:data:`model.decade_outputs.OUTPUTS` (``key`` empty for a scalar, the technology sector
or the region for a breakdown), then ``capacity`` (``key`` ``REGION/sector``: the
capacities of every region used in the year's solve), ``converged`` (1 or 0) and
``timeline_entry`` (the position in the timeline of the entry in force, -1 for
none). ``tests/test_golden_decade.py`` compares a fresh path against this file.
"""

from __future__ import annotations

import csv
import math
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from the repository root
    sys.path.insert(0, str(ROOT))

from model.decade_outputs import OUTPUTS  # noqa: E402
from model.dynamics import simulate_path  # noqa: E402
from model.levers import Levers  # noqa: E402
from model.metrics import METRICS  # noqa: E402
from model.simulation import simulate  # noqa: E402
from scenarios.schema import Scenario, scenario_from_json  # noqa: E402
from scenarios.store import PresetStore  # noqa: E402

PRESETS_DIR = ROOT / "scenarios" / "presets"
GOLDEN = Path(__file__).resolve().parent / "presets_metrics.csv"
COLUMNS = ("preset", "metric", "region", "value")
REGION_METRICS = ("welfare_change_pct", "welfare_change_usd_bn")
DECADE_GOLDEN = Path(__file__).resolve().parent / "decade_real_timeline.csv"
DECADE_COLUMNS = ("year", "output", "key", "value")
DECADE_END_YEAR = 2035


def preset_paths() -> list[Path]:
    """The built-in preset files, in a fixed (file-name) order."""
    return sorted(PRESETS_DIR.glob("*.json"))


def metric_rows(preset_id: str, levers: dict) -> Iterator[tuple[str, str, str, float]]:
    """(preset, metric, region, value) for one solved preset, in METRICS order."""
    measured = simulate(levers).metrics
    for info in METRICS:
        change = measured.values[info.name].change[0]
        if info.by == "scalar":
            yield preset_id, info.name, "", float(change)
        elif info.name in REGION_METRICS:
            for k, region in enumerate(measured.regions):
                yield preset_id, info.name, region, float(change[k])


def golden_rows() -> list[tuple[str, str, str, float]]:
    """Rows for every built-in preset."""
    rows = []
    for path in preset_paths():
        scenario = scenario_from_json(path.read_bytes())
        rows += metric_rows(scenario.id, scenario.levers())
    return rows


def _event_year(scenario: Scenario) -> int:
    as_of = scenario.as_of
    return int(as_of) if isinstance(as_of, int) else as_of.year


def real_timeline() -> list[tuple[int, Levers]]:
    """The dated built-in presets as a timeline: by date, elasticities "central".

    The same construction as the Decade tab's (``dashboard.views.decade``), made
    here from the preset store so that the golden file does not depend on the UI.
    """
    store = PresetStore()
    entries, _ = store.list()
    builtin = [store.load(e.id) for e in entries if e.origin == "built-in"]
    dated = sorted(
        (s for s in builtin if s.as_of is not None), key=lambda s: str(s.as_of)
    )
    return [(_event_year(s), s.levers() | {"elasticities": "central"}) for s in dated]


def decade_rows() -> list[tuple[int, str, str, float]]:
    """(year, output, key, value) of the real timeline's path, central parameters."""
    path = simulate_path(real_timeline(), DECADE_END_YEAR)
    rows: list[tuple[int, str, str, float]] = []
    for info in OUTPUTS:
        values = path.values[info.name][0]
        keys = path.keys(info.name)
        for t, year in enumerate(path.years):
            if info.by == "scalar":
                rows.append((year, info.name, "", float(values[t])))
            else:
                rows += [
                    (year, info.name, k, float(values[t, n]))
                    for n, k in enumerate(keys)
                ]
    for t, year in enumerate(path.years):
        for i, region in enumerate(path.regions):
            for s, sector in enumerate(path.tech_sectors):
                value = float(path.capacity[0, t, i, s])
                rows.append((year, "capacity", f"{region}/{sector}", value))
    for t, year in enumerate(path.years):
        rows.append((year, "converged", "", float(path.converged[0, t])))
    for t, year in enumerate(path.years):
        rows.append((year, "timeline_entry", "", float(path.state[t])))
    return rows


def format_value(value: float) -> str:
    return "nan" if math.isnan(value) else repr(value)


def write_rows(target: Path, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Write ``rows`` under ``columns``; the last column at full precision."""
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for *labels, value in rows:
            writer.writerow((*labels, format_value(value)))


def main() -> None:
    rows = golden_rows()
    write_rows(GOLDEN, COLUMNS, rows)
    presets = len({row[0] for row in rows})
    print(f"wrote {len(rows)} rows for {presets} presets to {GOLDEN.relative_to(ROOT)}")
    decade = decade_rows()
    write_rows(DECADE_GOLDEN, DECADE_COLUMNS, decade)
    years = len({row[0] for row in decade})
    print(
        f"wrote {len(decade)} rows for {years} years to "
        f"{DECADE_GOLDEN.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
