"""Sweeps: yard x fence grid, efficient frontier, allied participation, the CLI.

Monotone properties tested here, exactly (checked numerically before being stated):

* Fence. With no evasion and every ally in full, along every yard row of the grid
  China's access cost (``china_tech_price_change_pct``) never falls as the fence
  rises from 0 to 500% and then to "denied", whatever the other levers.
* Participation, China's cost. With no friend-shoring, raising one ally's
  participation (others fixed) or all allies' together from 0 to 1 never lowers
  China's access cost, for any yard and fence.
* Participation, backfill. With no friend-shoring and a yard inside AI accelerators
  (only ``scope_ai_chips`` > 0), raising one ally's participation (others fixed at
  any value) or all allies' together never raises ``backfill_share``, whatever the
  fence, evasion, FDPR reach, elasticities and other levers.
  It does NOT hold in general, also with backfill weighted by participation (a
  partly participating ally's losses count in the fenced loss with weight w_i,
  its gains in backfill with 1 - w_i): once the yard takes in other sectors (chip
  tools, other chips, ...), the share falls at first and then rises again, by up
  to ~0.4 percentage points a 5% step, once an ally's participation passes
  roughly 20-85% (most often 30-65%), even with the FDPR reach at 0. The rise is
  mostly economics: past that point the ally's net deliveries fall, and of what
  its joining stops, more than the average share goes to suppliers still outside
  (the marginal backfill exceeds the average one). The weights apply to each
  supplier's net change, so inside a partly participating ally the losses of its
  covered trade and the gains of the rest still offset. With the FDPR reach at 0 a
  full single-ally join still ends lower in all but 1 of 3,000 random settings of
  the fence levers tried (15 with the old, unweighted gains); with the reach
  above 0 it can end slightly higher.
  :func:`test_backfill_can_rise_beyond_ai_accelerators` pins a counterexample, so
  the restriction above stays documented.
"""

from __future__ import annotations

import csv
import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from helpers import ROOT
from model import sweeps
from model.__main__ import main
from model.data import load_baseline
from model.levers import DEFAULTS
from model.names import ALLIES, TECH_SECTORS, YARD_ORDER
from model.simulation import simulate
from scenarios.store import PresetStore

RTOL, ATOL = 1e-10, 1e-12
ALL_IN = {f"participation_{a.lower()}": 1.0 for a in ALLIES}
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def base():
    return load_baseline()


@pytest.fixture(scope="module")
def oct_2022():
    return PresetStore().load("oct_2022_rule").levers()


@pytest.fixture(scope="module")
def grid(base, oct_2022):
    return sweeps.solve_grid(oct_2022, 7, baseline=base)


def metric_columns(regions: tuple[str, ...]) -> list[str]:
    columns = sweeps.grid_columns(regions)
    return columns[columns.index("converged") + 1 :]


def one_by_one(levers: dict, base) -> dict[str, float]:
    """Every grid metric of one scenario solved on its own."""
    sim = simulate(levers, base)
    row = {name: sim.metrics.scalar(name) for name in sweeps.SCALAR_METRICS}
    for name in sweeps.REGION_METRICS:
        for k, region in enumerate(sim.metrics.regions):
            row[f"{region}_{name}"] = float(sim.metrics.values[name].change[0, k])
    return row


# --- the axes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yard", "expected"),
    [
        (0.0, [0, 0, 0, 0, 0, 0]),
        (1 / 6, [1, 0, 0, 0, 0, 0]),
        (0.25, [1, 0.5, 0, 0, 0, 0]),
        (0.5, [1, 1, 1, 0, 0, 0]),
        (1.0, [1, 1, 1, 1, 1, 1]),
    ],
)
def test_yard_fills_sectors_in_design_order(yard, expected):
    scopes = sweeps.yard_scopes(yard)
    assert list(scopes) == [f"scope_{s}" for s in YARD_ORDER]
    assert YARD_ORDER == ("ai_chips", "sme", "chips", "telecom", "frontier", "ict_hw")
    assert_allclose(list(scopes.values()), expected, atol=1e-15)


@given(st.floats(0, 1))
def test_yard_size_is_the_mean_scope(yard):
    assert sweeps.yard_size(sweeps.yard_scopes(yard)) == pytest.approx(yard, abs=1e-12)


@pytest.mark.parametrize("yard", [-0.1, 1.01, float("nan")])
def test_yard_out_of_range(yard):
    with pytest.raises(ValueError, match="yard size"):
        sweeps.yard_scopes(yard)


def test_fence_axis_ends_with_denied():
    fence, denied = sweeps.fence_axis(25)
    assert fence.shape == denied.shape == (25,)
    assert_allclose(fence[:-1], np.linspace(0, 500, 24))
    assert denied.tolist() == [False] * 24 + [True]
    assert sweeps.fence_labels(fence, denied)[-1] == "denied"
    assert sweeps.fence_axis(2)[1].tolist() == [False, True]


@pytest.mark.parametrize("n", [1, 0, 102, 2.5, True])
def test_grid_size_out_of_range(n):
    with pytest.raises(ValueError, match="grid size"):
        sweeps.solve_grid({}, n)


# --- the grid -------------------------------------------------------------------------


def test_grid_shape_and_columns(grid):
    assert grid.shape == (7, 7)
    assert list(grid.frame.columns) == sweeps.grid_columns(
        ("USA", "CHN", "NLD", "JPN", "KOR", "TWN", "EUR", "ROW")
    )
    assert len(grid.frame) == 49 and grid.not_converged == 0
    assert grid.frame["converged"].all()
    assert_allclose(grid.surface("yard")[:, 0], np.linspace(0, 1, 7))
    assert grid.frame["prohibitive"].to_numpy().reshape(7, 7)[:, -1].all()


@pytest.mark.parametrize("cell", [0, 8, 17, 24, 30, 41, 48])  # corners, middle, denied
def test_grid_equals_one_by_one_solves(grid, base, oct_2022, cell):
    row = grid.frame.iloc[cell]
    levers = oct_2022 | sweeps.yard_scopes(float(row["yard"]))
    levers |= {
        "fence_pct": float(row["fence_pct"]),
        "prohibitive": bool(row["prohibitive"]),
    }
    expected = one_by_one(levers, base)
    got = row[list(expected)].to_numpy(dtype=float)
    assert_allclose(got, list(expected.values()), rtol=RTOL, atol=ATOL)
    for name in sweeps.YARD_LEVERS:  # the scopes the cell used are in the frame
        assert row[name] == levers[name]


def test_grid_keeps_every_other_base_lever(base):
    """A base lever the grid does not set (here evasion and tariffs) is kept: the
    cell equals the same scenario solved alone, not the defaults."""
    start = {"evasion": 0.4, "us_tariff_pct": 60.0, "participation_jpn": 0.5}
    got = sweeps.solve_grid(start | {"fence_pct": 300.0}, 3, baseline=base)
    cell = got.frame.iloc[4]  # yard 0.5, fence 500 (columns 0, 500, denied)
    levers = start | sweeps.yard_scopes(0.5) | {"fence_pct": 500.0}
    expected = one_by_one(levers, base)
    assert_allclose(
        cell[list(expected)].to_numpy(dtype=float),
        list(expected.values()),
        rtol=RTOL,
        atol=ATOL,
    )


def test_not_converged_cells_are_nan_and_counted(base, monkeypatch):
    real = sweeps.simulate_batch

    def one_fails(scenarios, baseline=None):
        sim = real(scenarios, baseline)
        converged = sim.equilibrium.converged.copy()
        converged[3] = False
        eq = dataclasses.replace(sim.equilibrium, converged=converged)
        return dataclasses.replace(sim, equilibrium=eq)

    monkeypatch.setattr(sweeps, "simulate_batch", one_fails)
    got = sweeps.solve_grid({}, 3, baseline=base)
    assert got.not_converged == 1
    row = got.frame.iloc[3]
    assert not row["converged"]
    assert row[metric_columns(base.regions)].isna().all()
    assert got.frame.drop(index=3)[metric_columns(base.regions)[:1]].notna().all().all()
    assert 3 not in sweeps.efficient_frontier(got.frame)["cell"].to_list()


def full_levers(draw_values: dict) -> dict:
    return {name: draw_values.get(name, DEFAULTS[name]) for name in DEFAULTS}


OTHER_LEVERS = st.fixed_dictionaries(
    {
        "fdpr_reach": st.floats(0, 1),
        "friendshoring_pct": st.floats(0, 30),
        "us_tariff_pct": st.floats(0, 150),
        "china_retaliation_pct": st.floats(0, 150),
        "chips_act_capacity_pct": st.floats(0, 50),
        "china_rd_push_pct": st.floats(0, 20),
        "belt_road_pct": st.floats(0, 30),
        "elasticities": st.sampled_from(["central", "low", "high", "short_run"]),
    }
)


@PROPERTY
@given(others=OTHER_LEVERS)
def test_higher_fence_never_lowers_china_cost(base, others):
    """No evasion, every ally in full: along each yard row, China's access cost
    never falls as the fence rises (0 ... 500%, then denied)."""
    start = others | ALL_IN | {"evasion": 0.0}
    got = sweeps.solve_grid(start, 9, baseline=base)
    assert got.not_converged == 0
    cost = got.surface(sweeps.CHINA_COST)
    assert np.all(np.diff(cost, axis=1) >= -ATOL)
    assert np.all(np.diff(cost[1:], axis=1) > 0)  # with a yard it rises strictly
    assert np.ptp(cost[0]) <= ATOL  # no yard: the fence has nothing to act on


# --- the frontier ---------------------------------------------------------------------


def test_frontier_is_rising_and_made_of_grid_cells(grid):
    frontier = sweeps.efficient_frontier(grid.frame)
    assert len(frontier) >= 2
    assert np.all(np.diff(frontier[sweeps.COALITION_COST]) > 0)
    assert np.all(np.diff(frontier[sweeps.CHINA_COST]) > 0)
    cells = grid.frame.loc[frontier["cell"]]
    assert_allclose(
        frontier[sweeps.COALITION_COST], -cells["coalition_welfare_change_usd_bn"]
    )
    assert_allclose(frontier[sweeps.CHINA_COST], cells[sweeps.CHINA_COST])
    assert_allclose(frontier["yard"], cells["yard"])
    assert_allclose(frontier["fence_pct"], cells["fence_pct"])


def test_frontier_dominates_every_cell(grid):
    """For every cell some frontier point costs no more and reaches at least as
    much, and no cell reaches more at a frontier point's cost or less."""
    frontier = sweeps.efficient_frontier(grid.frame)
    cost = -grid.frame["coalition_welfare_change_usd_bn"].to_numpy()
    gain = grid.frame[sweeps.CHINA_COST].to_numpy()
    f_cost = frontier[sweeps.COALITION_COST].to_numpy()
    f_gain = frontier[sweeps.CHINA_COST].to_numpy()
    for c, g in zip(cost, gain, strict=True):
        assert np.any((f_cost <= c) & (f_gain >= g))
    for c, g in zip(f_cost, f_gain, strict=True):
        assert not np.any((cost <= c) & (gain > g))


def test_frontier_by_hand():
    frame = pd.DataFrame(
        {
            "coalition_welfare_change_usd_bn": [-0.0, -1, -1, -2, -3, -4, np.nan],
            sweeps.CHINA_COST: [0.0, 2, 3, 2.5, 5, 5, 9],
        }
    )
    frontier = sweeps.efficient_frontier(frame)
    assert frontier["cell"].tolist() == [0, 2, 4]
    assert frontier[sweeps.COALITION_COST].tolist() == [0.0, 1.0, 3.0]
    assert not np.signbit(frontier[sweeps.COALITION_COST]).any()


# --- allied participation -------------------------------------------------------------


def test_participation_sweep_equals_one_by_one(base, oct_2022):
    sweep = sweeps.participation_sweep(oct_2022, "JPN", 5, baseline=base)
    assert sweep["participation"].tolist() == [0, 0.25, 0.5, 0.75, 1]
    for k in (0, 2, 4):
        levers = oct_2022 | {"participation_jpn": float(sweep["participation"][k])}
        expected = one_by_one(levers, base)
        assert_allclose(
            sweep.loc[k, list(expected)].to_numpy(dtype=float),
            list(expected.values()),
            rtol=RTOL,
            atol=ATOL,
        )


def test_all_allies_sweep_moves_every_ally(base, oct_2022):
    sweep = sweeps.participation_sweep(oct_2022, "all", 3, baseline=base)
    levers = oct_2022 | {f"participation_{a.lower()}": 0.5 for a in ALLIES}
    assert sweep.loc[1, sweeps.CHINA_COST] == pytest.approx(
        simulate(levers, base).metrics.scalar(sweeps.CHINA_COST), rel=RTOL
    )


@pytest.mark.parametrize(("ally", "n"), [("USA", 5), ("jpn", 5), ("all", 1)])
def test_participation_sweep_bad_input(ally, n):
    with pytest.raises(ValueError):
        sweeps.participation_sweep({}, ally, n)


def _sweep_settings(draw, *, ai_only: bool) -> dict:
    if ai_only:
        yard = {"scope_ai_chips": draw(st.floats(0.05, 1))}
    else:
        yard = {f"scope_{s}": draw(st.floats(0, 1)) for s in TECH_SECTORS}
    return (
        yard
        | {
            "fence_pct": draw(st.floats(0, 500)),
            "prohibitive": draw(st.booleans()),
            "evasion": draw(st.sampled_from([0.0, 0.3, 0.9])),
            "fdpr_reach": draw(st.floats(0, 1)),
            "elasticities": draw(
                st.sampled_from(["central", "low", "high", "short_run"])
            ),
            "us_tariff_pct": draw(st.floats(0, 150)),
            "china_rd_push_pct": draw(st.floats(0, 20)),
            "belt_road_pct": draw(st.floats(0, 30)),
        }
        | {
            f"participation_{a.lower()}": draw(st.sampled_from([0.0, 0.4, 1.0]))
            for a in ALLIES
        }
    )


@PROPERTY
@given(data=st.data(), ally=st.sampled_from([*ALLIES, "all"]))
def test_participation_never_raises_backfill_in_an_ai_chip_yard(base, data, ally):
    """No friend-shoring, a yard inside AI accelerators: more participation (one
    ally, others fixed; or all allies) never raises the backfill share."""
    start = _sweep_settings(data.draw, ai_only=True)
    sweep = sweeps.participation_sweep(start, ally, 11, baseline=base)
    assert sweep["converged"].all()
    backfill = sweep["backfill_share"].to_numpy()
    step = np.diff(backfill)  # NaN where the fence stops nothing (e.g. fence 0)
    assert np.all(step[np.isfinite(step)] <= ATOL)


@PROPERTY
@given(data=st.data(), ally=st.sampled_from([*ALLIES, "all"]))
def test_participation_never_lowers_china_cost(base, data, ally):
    """No friend-shoring, any yard and fence: more participation never lowers
    China's access cost."""
    start = _sweep_settings(data.draw, ai_only=False)
    sweep = sweeps.participation_sweep(start, ally, 11, baseline=base)
    assert np.all(np.diff(sweep[sweeps.CHINA_COST]) >= -ATOL)


def test_backfill_can_rise_beyond_ai_accelerators(base):
    """Why the backfill property is restricted: with chip tools in the yard (fence
    100%, no evasion, no FDPR reach, no other ally in) the share falls until the
    Netherlands' participation reaches about 40%, then rises again. Past that
    point the Dutch deliveries of chip tools fall, and Japan, still outside,
    delivers more of what the Dutch joining stops than the average share: the
    marginal backfill exceeds the average one, whatever the weights."""
    start = sweeps.yard_scopes(0.25) | {"fence_pct": 100.0}
    sweep = sweeps.participation_sweep(start, "NLD", 21, baseline=base)
    backfill = sweep["backfill_share"].to_numpy()
    rises = np.flatnonzero(np.diff(backfill) > 0)
    low = int(rises[0])  # the first local minimum
    assert sweep["participation"][low] == pytest.approx(0.4)
    assert np.all(np.diff(backfill[: low + 1]) < 0)  # falls at first
    assert np.diff(backfill).max() > 1e-3  # then rises, 0.18 pp at one 5% step
    assert backfill[low:].max() - backfill[low] > 5e-3
    assert backfill[-1] < backfill[0]  # joining in full still cuts it overall

    def delivered(participation: float, exporter: str) -> float:
        levers = start | {"participation_nld": participation}
        frame = simulate(levers, base).flows_frame()
        to_china = frame.query("exporter == @exporter and importer == 'CHN'")
        return float(to_china.set_index("sector").at["sme", "scenario_volume_usd_bn"])

    assert delivered(1.0, "NLD") < delivered(0.4, "NLD")  # the Dutch lose ...
    assert delivered(1.0, "JPN") > delivered(0.4, "JPN")  # ... and Japan gains


# --- command line ---------------------------------------------------------------------


def test_cli_writes_the_grid(tmp_path: Path, capsys, base, oct_2022):
    out = tmp_path / "grid.csv"
    assert (
        main(["frontier", "--grid", "4", "--base", "oct_2022_rule", "--out", str(out)])
        == 0
    )
    printed = capsys.readouterr()
    assert "4 x 4 grid" in printed.out and " s; wrote " in printed.out
    assert printed.err == ""
    with out.open(newline="") as handle:
        header = next(csv.reader(handle))
    assert header == [*sweeps.grid_columns(base.regions), "on_frontier"]
    frame = pd.read_csv(out)
    assert len(frame) == 16
    expected = sweeps.solve_grid(oct_2022, 4, baseline=base).frame
    assert_allclose(
        frame[sweeps.CHINA_COST], expected[sweeps.CHINA_COST], rtol=1e-12, atol=ATOL
    )
    on = frame.index[frame["on_frontier"]].tolist()
    assert on == sweeps.efficient_frontier(expected)["cell"].tolist()


def test_cli_default_base_and_inline_json(tmp_path: Path, capsys):
    out = tmp_path / "g.csv"
    assert main(["frontier", "--grid", "2", "--out", str(out)]) == 0
    assert "base: defaults" in capsys.readouterr().out
    assert len(pd.read_csv(out)) == 4
    assert (
        main(
            ["frontier", "--grid", "2", "--base", '{"evasion": 0.5}', "--out", str(out)]
        )
        == 0
    )


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--base", "no_such_preset"], "no_such_preset: no such file or preset"),
        (["--grid", "1"], "--grid must be between 2 and 101, got 1"),
        (["--grid", "500"], "--grid must be between 2 and 101"),
        (["--grid", "x"], "invalid int value"),
        (["--base", '{"fence_pct": 900}'], "fence_pct"),
        (["--base", '{"nope": 1}'], "unknown lever"),
    ],
)
def test_cli_bad_input_exits_2(tmp_path: Path, capsys, args, fragment):
    out = tmp_path / "g.csv"
    assert main(["frontier", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert fragment in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("out", ["g.json", "g", "-"])
def test_cli_bad_extension_exits_2(tmp_path: Path, capsys, out):
    target = out if out == "-" else str(tmp_path / out)
    assert main(["frontier", "--grid", "2", "--out", target]) == 2
    assert "--out must be a file ending with .csv" in capsys.readouterr().err


def test_cli_as_a_module(tmp_path: Path, capsys):
    out = tmp_path / "g.csv"
    done = subprocess.run(
        [sys.executable, "-m", "model", "frontier", "--grid", "3", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "solved the 3 x 3 grid" in done.stdout
    assert len(pd.read_csv(out)) == 9
    assert main(["frontier", "--help"]) == 0
    help_text = capsys.readouterr().out
    for words in ("ai_chips, sme, chips, telecom", "denied", "on_frontier", "--grid N"):
        assert words in help_text
