"""Command line: ``python -m model run`` and ``python -m model counterfactual``.

``run SCENARIO --out FILE``
    Solve one policy scenario on the shipped 2022 baseline. SCENARIO is a JSON
    file holding one object of lever values, inline JSON text starting with
    ``{``, a preset file (an object with ``schema_version``, checked by
    :mod:`scenarios.schema`) or the id of a built-in or user preset; levers not
    given keep their defaults. FILE ending ``.json`` gets
    ``{"levers", "metrics", "by_sector", "units", "solver"}``, ``.csv`` the tidy
    table (metric, region, sector, baseline, scenario, change); ``-`` writes the
    JSON to stdout. ``--years FIRST-LAST`` (JSON only) adds the yearly decade path
    of :mod:`model.dynamics` with the scenario in force from 2022: ``"years"`` and
    ``"paths"``; ``--draws N [--seed S]`` adds Monte Carlo ``"bands"`` (p10, p50,
    p90). ``--flows-out FLOWS.csv`` also writes every bilateral flow
    (:meth:`model.simulation.Simulation.bilateral_flows`): values at producer
    prices and volumes at 2022 prices, deflated by the delivered price.
``counterfactual --flows F.csv | --dataset NAME [--shock S.csv] [--tariff T.csv]
[--io IO.csv] --theta T --out R.json``
    Solve the same model on the user's own flows (at producer prices, net of the
    baseline tariff) or a built-in dataset (:mod:`model.datasets`: ``icio2022``,
    OECD ICIO 2022 at 80 economies x 50 industries with its input-output shares;
    ISO3 and ISIC codes in the shock and tariff files), trade-cost shock, tariffs
    and input-output shares (formats in :mod:`model.userdata` and
    :mod:`model.userdata_io`) and write welfare,
    final-goods price-index, value-added and tariff-revenue changes by region and
    the change of every pair with a baseline flow.
``explain SCENARIO [--base SCENARIO] [--years FIRST-LAST] --out FILE``
    Split the change of every metric, from the no-controls reference preset (or
    ``--base``) to SCENARIO, into contributions of the lever groups by Shapley
    values (:mod:`model.attribution`); with ``--years`` every year of the decade
    path, from the no-policy path. ``.json`` or ``.csv`` (one row per metric, key
    and year, a column per group).
``sweep (--draws N | --grid N) [--dataset NAME] ... --out F.csv``
    Monte Carlo or yard x fence sweep on Dask (:mod:`model.cli_sweep`).
``frontier [--grid N] [--base SCENARIO] --out F.csv``
    Solve the yard x fence grid (:mod:`model.sweeps`) around a base scenario in
    one batched call, write one row per cell with every headline metric and
    whether the cell is on the efficient frontier, and print the solve seconds.

Exit status: 0 success; 2 bad input (one line on stderr naming the file, the
line where there is one, and the problem; nothing written); 3 the solver did not
converge (one line on stderr; nothing written).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np

from model import (
    attribution,
    cli_counterfactual,
    cli_sweep,
    datasets,
    dynamics,
    sweeps,
    uncertainty,
    userdata,
)
from model.cli_help import COUNTERFACTUAL_HELP, EXPLAIN_HELP, FRONTIER_HELP, RUN_HELP
from model.cli_output import output_kind, to_json, write_output
from model.commandline import (
    EXIT_BAD_INPUT,
    EXIT_NOT_CONVERGED,
    EXIT_OK,
    OneLineParser,
    fail,
    parse,
)
from model.data import load_baseline
from model.dynamic_parameters import DYNAMIC_DEFAULTS
from model.levers import DEFAULT_LEVERS, Levers
from model.simulation import ConvergenceError, simulate
from model.timeline import (
    BASE_YEAR,
    DEFAULT_END_YEAR,
    check_year_range,
    scenario_timeline,
)


@dataclass(frozen=True)
class PresetSource:
    """Where ``SCENARIO`` finds presets; the entry point (``python -m model``)
    supplies it from :mod:`scenarios`, so the model never imports that package.

    Attributes
    ----------
    find : callable str -> Levers or None
        The levers of the built-in or user preset with this id; None if there is
        none (including ids that are not of the preset id form).
    parse : callable mapping -> Levers
        The levers of a preset file's JSON object (one with ``schema_version``);
        ValueError listing its problems.
    """

    find: Callable[[str], Levers | None]
    parse: Callable[[Mapping[str, object]], Levers]


NO_PRESETS = PresetSource(find=lambda spec: None, parse=lambda values: _no_presets())


def _no_presets() -> NoReturn:
    raise ValueError(
        "preset files need the preset schema: run python -m model, not model.cli"
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m model``."""
    parser = OneLineParser(
        prog="python -m model",
        description="Solve the trade model from the command line.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "run",
        help="solve a policy scenario on the 2022 baseline",
        description="Solve one policy scenario on the shipped 2022 baseline.",
        epilog=RUN_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "scenario", metavar="SCENARIO", help="JSON file, inline JSON or preset id"
    )
    run.add_argument("--out", required=True, metavar="FILE", help=".json, .csv or -")
    run.add_argument("--years", metavar="FIRST-LAST", help="add the yearly path")
    run.add_argument("--draws", type=int, metavar="N", help="add Monte Carlo bands")
    run.add_argument("--seed", type=int, metavar="S", help="seed of the draws")
    run.add_argument(
        "--flows-out",
        metavar="FLOWS.csv",
        help="also write every bilateral flow (values and volumes at 2022 prices)",
    )
    run.set_defaults(handler=_run)

    cf = commands.add_parser(
        "counterfactual",
        help="solve the model on your own flows, shock, tariffs and IO shares",
        description=(
            "Solve the model on your own flows, trade-cost shock, tariffs, "
            "input-output shares and elasticities."
        ),
        epilog=COUNTERFACTUAL_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = cf.add_mutually_exclusive_group(required=True)
    source.add_argument("--flows", metavar="F.csv", help="baseline flows")
    source.add_argument(
        "--dataset",
        choices=datasets.NAMES,
        help="built-in flows and IO shares instead of --flows",
    )
    cf.add_argument("--shock", metavar="S.csv", help="trade-cost factors")
    cf.add_argument("--tariff", metavar="TARIFF.csv", help="baseline and new tariffs")
    cf.add_argument("--io", metavar="IO.csv", help="input-output shares")
    cf.add_argument(
        "--theta", required=True, metavar="T", help="number > 0 or sector,theta CSV"
    )
    cf.add_argument("--out", required=True, metavar="R.json", help=".json or -")
    cf.set_defaults(handler=cli_counterfactual.run)

    ex = commands.add_parser(
        "explain",
        help="split every metric's change into the lever groups' contributions",
        description="Shapley attribution of every metric over the lever groups.",
        epilog=EXPLAIN_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ex.add_argument(
        "scenario", metavar="SCENARIO", help="JSON file, inline JSON or preset id"
    )
    ex.add_argument("--base", metavar="SCENARIO", help="what the change is from")
    ex.add_argument("--years", metavar="FIRST-LAST", help="explain every year")
    ex.add_argument("--out", required=True, metavar="FILE", help=".json, .csv or -")
    ex.set_defaults(handler=_explain)

    fr = commands.add_parser(
        "frontier",
        help="solve the yard x fence grid and its efficient frontier",
        description="Solve the yard x fence grid around a base scenario.",
        epilog=FRONTIER_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fr.add_argument(
        "--grid", type=int, default=25, metavar="N", help="N x N cells (default 25)"
    )
    fr.add_argument(
        "--base", metavar="SCENARIO", help="preset id, JSON file or inline JSON"
    )
    fr.add_argument("--out", required=True, metavar="F.csv", help="a .csv file")
    fr.set_defaults(handler=_frontier)
    cli_sweep.add_parser(commands, read_levers)
    return parser


def main(argv: Sequence[str] | None = None, presets: PresetSource = NO_PRESETS) -> int:
    """Run the command line; returns the exit status (never raises for bad input).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.
    presets : PresetSource
        How SCENARIO finds preset ids and reads preset files; ``python -m model``
        passes the preset store's (:mod:`model.__main__`).

    Returns
    -------
    int
        0 success, 2 bad input, 3 the solver did not converge.
    """
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    args.presets = presets
    try:
        return args.handler(args)
    except ConvergenceError as err:
        return fail(str(err), EXIT_NOT_CONVERGED)
    except (ValueError, OSError, csv.Error) as err:
        # ValueError includes json, Unicode and pandas parser errors
        return fail(str(err), EXIT_BAD_INPUT)


def _run(args: argparse.Namespace) -> int:
    kind = output_kind(args.out, (".json", ".csv"))
    years = _decade_years(args, kind)
    if args.flows_out is not None and (
        args.flows_out == "-" or Path(args.flows_out).suffix.lower() != ".csv"
    ):
        raise ValueError(f"{args.flows_out}: --flows-out must be a file ending .csv")
    name, levers = read_levers(args.scenario, args.presets)
    baseline = load_baseline()
    try:
        sim = simulate(levers, baseline)
    except ValueError as err:
        raise ValueError(f"{name}: {err}") from err
    if kind == ".csv":
        text = sim.metrics.to_frame().to_csv(index=False, lineterminator="\n")
    else:
        payload = {
            "levers": sim.levers[0].to_dict(),
            **sim.metrics.to_dict(),
            "solver": sim.solver_info(),
        }
        if years:
            payload.update(_decade(sim.levers[0], years, args.draws, args.seed))
        text = to_json(payload)
    if args.flows_out is not None:
        flows = sim.bilateral_flows().to_csv(index=False, lineterminator="\n")
        write_output(args.flows_out, flows)
    write_output(args.out, text)
    return EXIT_OK


MAX_DRAWS = 10_000


def parse_year_range(text: str) -> tuple[int, int]:
    """``"2022-2035"`` -> (2022, 2035); ValueError naming the problem otherwise.

    Both years must lie in [BASE_YEAR, LAST_YEAR] of :mod:`model.timeline` and the
    first must not come after the last. A single year ``"2030"`` means 2030-2030.
    """
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", text)
    if not match:
        raise ValueError(
            f"--years must look like {BASE_YEAR}-{DEFAULT_END_YEAR}, got {text!r}"
        )
    first = int(match.group(1))
    last = int(match.group(2) or first)
    check_year_range(first, last)
    return first, last


def _decade_years(args: argparse.Namespace, kind: str) -> tuple[int, int] | None:
    """The checked ``--years`` of ``run`` (None without it); ValueError for bad
    --years, --draws or --seed, or --years with CSV output."""
    if args.years is None:
        if args.draws is not None or args.seed is not None:
            raise ValueError("--draws and --seed need --years FIRST-LAST")
        return None
    if kind == ".csv":
        raise ValueError(
            f"{args.out}: --years needs JSON output (--out FILE.json or -); the CSV "
            "table has no years"
        )
    years = parse_year_range(args.years)
    if args.draws is not None and not 1 <= args.draws <= MAX_DRAWS:
        raise ValueError(f"--draws must be between 1 and {MAX_DRAWS}, got {args.draws}")
    if args.seed is not None and args.draws is None:
        raise ValueError("--seed needs --draws N")
    if args.seed is not None and args.seed < 0:
        raise ValueError(f"--seed must be >= 0, got {args.seed}")
    return years


def _decade(
    levers: Levers,
    years: tuple[int, int],
    draws: int | None,
    seed: int | None,
) -> dict[str, object]:
    """The decade path (and bands) of ``run --years`` as JSON-ready entries.

    Raises ConvergenceError when the central path finds no equilibrium in a year.
    """
    first, last = years
    timeline = scenario_timeline(levers, BASE_YEAR)
    grow = bool(levers["market_growth"])
    path = dynamics.simulate_path(timeline, last, market_growth=grow)
    failed = np.flatnonzero(~path.converged[0])
    if failed.size:
        year = path.years[failed[0]]
        raise ConvergenceError(
            f"the decade path found no equilibrium in {year} (max residual "
            f"{path.max_residual[0, failed[0]]:.2e}); nothing written"
        )
    shown = path.window(first, last).to_dict()
    payload: dict[str, object] = {
        "years": shown["years"],
        "paths": shown["paths"],
        "dynamics": {
            "start_year": BASE_YEAR,
            "parameters": dict(DYNAMIC_DEFAULTS),
            "market_growth": grow,
            "units": shown["units"],
            "converged": shown["converged"],
            "seconds": path.seconds,
        },
    }
    if draws is not None:
        seed = uncertainty.DEFAULT_SEED if seed is None else seed
        bands = uncertainty.monte_carlo(
            timeline, last, draws, seed, market_growth=grow
        ).window(first, last)
        payload.update(bands.to_dict())
    return payload


def read_levers(spec: str, presets: PresetSource = NO_PRESETS) -> tuple[str, Levers]:
    """Lever values from inline JSON, a JSON file, a preset file or a preset id.

    Parameters
    ----------
    spec : str
        Inline JSON (starting with ``{``), the path of a file holding an object
        of lever values or a preset (an object with ``schema_version``), or the
        id of a built-in or user preset.
    presets : PresetSource
        How preset ids and preset files are read.

    Returns
    -------
    tuple of (str, Levers)
        The name to use in messages and the validated lever state.

    Raises
    ------
    ValueError
        No such file or preset, or a file or preset that is not valid.
    """
    if not spec.lstrip().startswith("{") and not Path(spec).is_file():
        levers = presets.find(spec)
        if levers is None:
            raise ValueError(
                f"{spec}: no such file or preset (SCENARIO must be a JSON file, "
                "inline JSON starting with '{', or a preset id: see python -m "
                "scenarios list)"
            )
        return f"preset {spec}", levers
    name, values = userdata.read_scenario(spec)
    try:
        if "schema_version" in values:
            return name, presets.parse(values)
        return name, Levers(values)
    except ValueError as err:
        raise ValueError(f"{name}: {err}") from None


REFERENCE_PRESET = "no_controls"
"""The base of ``explain`` without ``--base`` or ``--years``: the reference the
dashboard's KPIs compare with (the lever defaults when no preset store is wired)."""


def _explain(args: argparse.Namespace) -> int:
    kind = output_kind(args.out, (".json", ".csv"))
    years = None if args.years is None else parse_year_range(args.years)
    name, levers = read_levers(args.scenario, args.presets)
    if args.base is not None:
        base_name, base = read_levers(args.base, args.presets)
    elif years is None and (found := args.presets.find(REFERENCE_PRESET)):
        base_name, base = f"preset {REFERENCE_PRESET}", found
    else:
        base_name, base = "defaults (the no-policy path)", DEFAULT_LEVERS
    try:
        if years is None:
            explained = attribution.attribute(levers, base)
        else:
            timeline = scenario_timeline(levers, BASE_YEAR)
            full = attribution.attribute_path(
                timeline, years[1], base, market_growth=bool(levers["market_growth"])
            )
            explained = full.window(*years)
    except ValueError as err:
        raise ValueError(f"{name}: {err}") from err
    if kind == ".csv":
        text = explained.frame().to_csv(index=False, lineterminator="\n")
    else:
        text = to_json({"scenario": name, "base": base_name, **explained.to_dict()})
    write_output(args.out, text)
    return EXIT_OK


def _frontier(args: argparse.Namespace) -> int:
    if args.out == "-" or Path(args.out).suffix.lower() != ".csv":
        raise ValueError(f"{args.out}: --out must be a file ending with .csv")
    if not sweeps.MIN_GRID <= args.grid <= sweeps.MAX_GRID:
        raise ValueError(
            f"--grid must be between {sweeps.MIN_GRID} and {sweeps.MAX_GRID}, "
            f"got {args.grid}"
        )
    name, levers = (
        ("defaults", DEFAULT_LEVERS)
        if args.base is None
        else read_levers(args.base, args.presets)
    )
    try:
        grid = sweeps.solve_grid(levers, args.grid)
    except ValueError as err:
        raise ValueError(f"{name}: {err}") from err
    frame = grid.frame.copy()
    frame["on_frontier"] = frame.index.isin(sweeps.efficient_frontier(frame)["cell"])
    write_output(args.out, frame.to_csv(index=False, lineterminator="\n"))
    print(
        f"solved the {args.grid} x {args.grid} grid ({len(frame)} scenarios, base: "
        f"{name}) in {grid.seconds:.3f} s; wrote {args.out}"
    )
    if grid.not_converged:
        print(
            f"{grid.not_converged} of {len(frame)} cells did not converge: their "
            "metrics are empty",
            file=sys.stderr,
        )
    return EXIT_OK
