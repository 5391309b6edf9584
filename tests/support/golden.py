"""The golden files (``tests/golden/*.csv``): how tests read them, compare fresh
results with them and check they are written at full precision. The files are
written by ``tests/golden/regenerate.py``, which :func:`load_regenerate` loads."""

from __future__ import annotations

import csv
import importlib.util
import math
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_DIR = ROOT / "tests" / "golden"
REGENERATE = "python tests/golden/regenerate.py"


def load_regenerate() -> ModuleType:
    """``tests/golden/regenerate.py`` as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location(
        "golden_regenerate", GOLDEN_DIR / "regenerate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_golden(path: Path) -> list[dict[str, str]]:
    """The rows of a golden CSV as written (strings)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def assert_matches_golden(
    fresh: Sequence[tuple[object, ...]], path: Path, keys: Sequence[str], what: str
) -> None:
    """``fresh`` rows (the key columns ``keys``, then the value) equal the golden
    file's: the same keys in the same order, values to rtol 1e-9 (NaN = NaN).

    The absolute tolerance, 1e-10, is rounding: a USD bn welfare change is
    ``(W_hat - 1) F`` with ``F`` up to 3e4 USD bn, so two solvers that agree to
    machine precision in ``W_hat`` can differ by a few 1e-12 in it."""
    stored = read_golden(path)
    hint = (
        f"{what} differs from {path.relative_to(ROOT)}; if the change is "
        f"intended, run `{REGENERATE}` deliberately and review the diff"
    )
    fresh_keys = [tuple(str(v) for v in row[:-1]) for row in fresh]
    stored_keys = [tuple(row[k] for k in keys) for row in stored]
    assert fresh_keys == stored_keys, f"rows differ: {hint}"
    np.testing.assert_allclose(
        np.array([row[-1] for row in fresh], dtype=float),
        np.array([float(row["value"]) for row in stored]),
        rtol=1e-9,
        atol=1e-10,
        equal_nan=True,
        err_msg=hint,
    )


def assert_full_precision(rows: Sequence[dict[str, str]]) -> None:
    """Every value is written as ``repr`` of its float (or ``nan``)."""
    for row in rows:
        value = float(row["value"])
        assert row["value"] == ("nan" if math.isnan(value) else repr(value))
