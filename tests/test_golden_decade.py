"""The decade path along the real policy timeline matches its golden file.

``tests/golden/decade_real_timeline.csv`` pins every yearly output of the path
2022-2035 (central dynamic parameters, the dated built-in presets in force from
their years, elasticities "central"), the capacities of every region, convergence
and the timeline entry in force. If a change to the model, the data or a preset is
intended, regenerate it deliberately with ``python tests/golden/regenerate.py`` and
review the diff.
"""

from __future__ import annotations

import numpy as np

from model.dynamics import simulate_path
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


BEFORE_TREND = GOLDEN_DIR / "decade_before_market_trend.csv"
"""The real timeline's path as it was before the market trend and the cost of
indigenisation (commit 04d2992): the 2022 market held fixed with ``phi = 0``
must give it back. Not rewritten by ``regenerate.py``."""


def test_without_the_trend_and_its_cost_the_path_is_the_one_before() -> None:
    path = simulate_path(
        load_regenerate().real_timeline(), 2035, phi=0.0, market_growth=False
    )
    stored = read_golden(BEFORE_TREND)
    got, want = [], []
    for row in stored:
        t, output, key = path.years.index(int(row["year"])), row["output"], row["key"]
        if output == "capacity":
            region, sector = key.split("/")
            i, s = path.regions.index(region), path.tech_sectors.index(sector)
            value = path.capacity[0, t, i, s]
        elif output == "converged":
            value = float(path.converged[0, t])
        elif output == "timeline_entry":
            value = float(path.state[t])
        else:
            value = path.series(output, key or None)[0, t]
        got.append(value)
        want.append(float(row["value"]))
    assert len(stored) > 1000
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, equal_nan=True)
