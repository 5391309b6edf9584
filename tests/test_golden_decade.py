"""The decade path along the real policy timeline matches its golden file.

``tests/golden/decade_real_timeline.csv`` pins every yearly output of the path
2022-2035 (central dynamic parameters, the dated built-in presets in force from
their years, elasticities "central"), the capacities of every region, convergence
and the timeline entry in force. If a change to the model, the data or a preset is
intended, regenerate it deliberately with ``python tests/golden/regenerate.py`` and
review the diff.
"""

from __future__ import annotations

import csv
import importlib.util
import math

import numpy as np

from helpers import ROOT

GOLDEN = ROOT / "tests" / "golden" / "decade_real_timeline.csv"
REGENERATE = "python tests/golden/regenerate.py"


def _load_regenerate():
    spec = importlib.util.spec_from_file_location(
        "golden_regenerate", ROOT / "tests" / "golden" / "regenerate.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stored() -> list[dict[str, str]]:
    with GOLDEN.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_real_timeline_is_the_dated_presets_in_date_order() -> None:
    timeline = _load_regenerate().real_timeline()
    years = [year for year, _ in timeline]
    assert years == sorted(years) and years[0] < 2022 < years[-1]
    assert all(levers["elasticities"] == "central" for _, levers in timeline)


def test_decade_path_matches_the_golden_file() -> None:
    fresh = _load_regenerate().decade_rows()
    stored = _stored()
    hint = (
        f"the decade path differs from {GOLDEN.relative_to(ROOT)}; if the change is "
        f"intended, run `{REGENERATE}` deliberately and review the diff"
    )
    fresh_keys = [(str(y), o, k) for y, o, k, _ in fresh]
    stored_keys = [(row["year"], row["output"], row["key"]) for row in stored]
    assert fresh_keys == stored_keys, f"rows differ: {hint}"
    np.testing.assert_allclose(
        np.array([v for *_, v in fresh]),
        np.array([float(row["value"]) for row in stored]),
        rtol=1e-9,
        atol=1e-12,
        equal_nan=True,
        err_msg=hint,
    )


def test_decade_golden_file_is_written_at_full_precision_and_converged() -> None:
    stored = _stored()
    for row in stored:
        value = float(row["value"])
        assert row["value"] == ("nan" if math.isnan(value) else repr(value))
    converged = [float(r["value"]) for r in stored if r["output"] == "converged"]
    assert converged and all(v == 1.0 for v in converged)
