"""Regenerate the golden metrics of the built-in presets.

Run from the repository root, and only when a change to the model, the data or a
preset is intended::

    python tests/golden/regenerate.py

It solves every built-in preset (``scenarios/presets/*.json``, in file-name order)
with ``simulate(scenario.levers())`` and writes ``tests/golden/presets_metrics.csv``
with the columns ``preset,metric,region,value``: one row per scalar headline metric
(``region`` empty) and one row per region for ``welfare_change_pct`` and
``welfare_change_usd_bn``. Values are written with ``repr`` precision ("nan" for an
undefined metric), so the file round-trips exactly. ``tests/test_presets.py``
compares fresh solves against this file; review the diff before committing it.
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

from model.metrics import METRICS  # noqa: E402
from model.simulation import simulate  # noqa: E402
from scenarios.schema import scenario_from_json  # noqa: E402

PRESETS_DIR = ROOT / "scenarios" / "presets"
GOLDEN = Path(__file__).resolve().parent / "presets_metrics.csv"
COLUMNS = ("preset", "metric", "region", "value")
REGION_METRICS = ("welfare_change_pct", "welfare_change_usd_bn")


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


def format_value(value: float) -> str:
    return "nan" if math.isnan(value) else repr(value)


def main() -> None:
    rows = golden_rows()
    with GOLDEN.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for preset, metric, region, value in rows:
            writer.writerow((preset, metric, region, format_value(value)))
    presets = len({row[0] for row in rows})
    print(f"wrote {len(rows)} rows for {presets} presets to {GOLDEN.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
