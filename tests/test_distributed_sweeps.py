"""Dask sweeps: a 2-worker local cluster gives exactly the rows solved in process.

The cluster's workers start from a fork server (dask's default start method,
spawn, re-imports numpy and the model in every worker: about 10 s more on a busy
2-core machine; a plain fork of the test process, which by then runs threads of
earlier tests, can deadlock). The command line keeps the default.
"""

from __future__ import annotations

from pathlib import Path

import dask
import numpy as np
import pandas as pd
import pytest

from model import distributed_sweeps as ds
from model.cli import main
from model.levers import DEFAULT_LEVERS, Levers

BASE = Levers(
    DEFAULT_LEVERS | {"scope_ai_chips": 1.0, "scope_sme": 0.3, "fence_pct": 100}
)


def _in_process(sweep: ds.Sweep) -> np.ndarray:
    """The same chunks solved here, one after the other."""
    size = ds.CHUNK[sweep.table]
    return np.concatenate(
        [
            ds.solve_chunk(
                sweep.table,
                sweep.scenarios[a : a + size],
                sweep.theta[a : a + size],
            )
            for a in range(0, len(sweep.scenarios), size)
        ]
    )


def test_monte_carlo_on_two_workers_matches_in_process_rows() -> None:
    sweep = ds.monte_carlo_sweep("baseline", BASE, draws=120, seed=11)
    with dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"}):
        result = ds.run(sweep, workers=2, show_progress=False)
    assert result.workers == 2
    frame = result.frame
    assert list(frame["draw"]) == list(range(120))
    assert frame["converged"].all()
    expected = _in_process(sweep)
    metrics = frame[
        [
            "china_yard_imports_change_pct",
            *(c for c in frame if c.startswith("welfare_")),
        ]
    ]
    np.testing.assert_allclose(metrics.to_numpy(), expected[:, 1:], rtol=0, atol=1e-12)
    assert frame["welfare_CHN_pct"].lt(0).all()  # the controls cost China in every draw


def test_draws_depend_on_seed_and_index_only() -> None:
    table = ds.load_table("baseline")
    first = ds.monte_carlo_sweep("baseline", BASE, draws=6, seed=3).theta
    longer = ds.monte_carlo_sweep("baseline", BASE, draws=9, seed=3).theta
    np.testing.assert_array_equal(first, longer[:6])
    low, _, high = table.theta
    assert ((first >= low) & (first <= high)).all()
    assert not np.array_equal(first, ds.monte_carlo_sweep("baseline", BASE, 6, 4).theta)


def test_grid_sweep_cells() -> None:
    sweep = ds.grid_sweep("baseline", BASE, 3)
    assert len(sweep.scenarios) == 9
    assert sweep.varied["prohibitive"].tolist() == [False, False, True] * 3
    zero = ds.solve_chunk("baseline", sweep.scenarios[:1], sweep.theta[:1])
    np.testing.assert_array_equal(zero[0, 1:], 0.0)  # no yard: the baseline


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--draws", "0"], "--draws must be between"),
        (["--grid", "1"], "--grid must be between"),
        (["--grid", "3", "--seed", "1"], "--seed needs --draws"),
        (["--draws", "3", "--workers", "0"], "--workers must be between"),
    ],
)
def test_bad_arguments_exit_2(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.csv"
    assert main(["sweep", *argv, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_cli_writes_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line's own work (arguments, CSV, summary); the cluster is the
    test above's, so the sweep is solved in process here."""

    def in_process(sweep: ds.Sweep, **_: object) -> ds.SweepResult:
        values = _in_process(sweep)
        frame = sweep.varied.assign(converged=values[:, 0] == 1)
        return ds.SweepResult(frame, seconds=0.5, workers=1)

    monkeypatch.setattr(ds, "run", in_process)
    out = tmp_path / "grid.csv"
    assert main(["sweep", "--grid", "2", "--workers", "1", "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    assert len(frame) == 4 and frame["converged"].all()
    assert "solved 4 scenarios on baseline" in capsys.readouterr().err
