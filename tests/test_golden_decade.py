"""The decade path along the real policy timeline matches its golden file.

``tests/golden/decade_real_timeline.csv`` pins every yearly output of the path
2022-2035 (central dynamic parameters, the dated built-in presets in force from
their years, elasticities "central"), the capacities of every region, convergence
and the timeline entry in force. If a change to the model, the data or a preset is
intended, regenerate it deliberately with ``python tests/golden/regenerate.py`` and
review the diff.
"""

from __future__ import annotations

from tests.support.golden import (
    GOLDEN_DIR,
    assert_full_precision,
    assert_matches_golden,
    load_regenerate,
    read_golden,
)

GOLDEN = GOLDEN_DIR / "decade_real_timeline.csv"


def test_the_real_timeline_is_the_dated_presets_in_date_order() -> None:
    timeline = load_regenerate().real_timeline()
    years = [year for year, _ in timeline]
    assert years == sorted(years) and years[0] < 2022 < years[-1]
    assert all(levers["elasticities"] == "central" for _, levers in timeline)


def test_decade_path_matches_the_golden_file() -> None:
    fresh = load_regenerate().decade_rows()
    assert_matches_golden(fresh, GOLDEN, ("year", "output", "key"), "the decade path")


def test_decade_golden_file_is_written_at_full_precision_and_converged() -> None:
    stored = read_golden(GOLDEN)
    assert_full_precision(stored)
    converged = [float(r["value"]) for r in stored if r["output"] == "converged"]
    assert converged and all(v == 1.0 for v in converged)
