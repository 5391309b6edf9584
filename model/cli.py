"""Command line: ``python -m model run`` and ``python -m model counterfactual``.

``run SCENARIO --out FILE``
    Solve one policy scenario on the shipped 2022 baseline. SCENARIO is a JSON
    file holding one object of lever values, inline JSON text starting with
    ``{``, a preset file (an object with ``schema_version``, checked by
    :mod:`scenarios.schema`) or the id of a built-in or user preset; levers not
    given keep their defaults. FILE ending ``.json`` gets
    ``{"levers", "metrics", "by_sector", "units", "solver"}``, ``.csv`` the tidy
    table (metric, region, sector, baseline, scenario, change); ``-`` writes the
    JSON to stdout.
``counterfactual --flows F.csv --shock S.csv --theta T --out R.json``
    Solve the same model on the user's own flows and trade-cost shock (formats in
    :mod:`model.userdata`) and write welfare, price-index and income changes by
    region and the change of every pair with a baseline flow.

Exit status: 0 success; 2 bad input (one line on stderr naming the file, the
line where there is one, and the problem; nothing written); 3 the solver did not
converge (one line on stderr; nothing written).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import numpy as np

from model import equilibrium, userdata
from model.data import load_baseline
from model.simulation import ConvergenceError, simulate

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_NOT_CONVERGED = 3

RUN_HELP = """\
SCENARIO: a JSON file holding one object of lever values, e.g.
  {"scope_ai_chips": 1.0, "fence_pct": 50, "participation_nld": 0.5}
or the same text inline (it must start with '{'); or a preset file (a JSON
object with "schema_version", as written by python -m scenarios export); or
the id of a built-in or user preset (see python -m scenarios list). Levers not
given keep their defaults (no new policy). Unknown levers and values out of
range are errors.

--out FILE.json  {"levers": all lever values, "metrics", "by_sector", "units",
                  "solver": {"iterations", "max_residual", "converged", "seconds"}}
--out FILE.csv   tidy table: metric,region,sector,baseline,scenario,change
--out -          the JSON to stdout

Exit status: 0 ok, 2 bad input (one line on stderr), 3 solver did not converge."""

COUNTERFACTUAL_HELP = """\
Input files are UTF-8 CSV with a header line (header = line 1):
  flows  exporter,importer[,sector],value   baseline flows >= 0, every pair
         incl. home sales (exporter == importer); a pair not listed is 0.
         Without a sector column there is one sector, "all". Regions are all
         codes in the file, in order of first appearance.
  shock  exporter,importer[,sector],cost_change_factor   iceberg trade-cost
         factor > 0, or inf (prohibited); a pair not listed keeps 1. Without a
         sector column a factor applies to every sector.
  theta  a number > 0 for every sector, or a CSV file sector,theta.

--out R.json (or - for stdout) gets
  {"regions": {R: {"welfare_change_pct", "price_index_change_pct",
                   "income_change_pct"}},
   "pairs": [{"exporter", "importer", "sector", "trade_change_pct",
              "import_share_change_pct"}],   (pairs with a baseline flow > 0)
   "solver": {"iterations", "max_residual", "converged", "seconds"}}
All changes are in percent (a prohibited pair: -100); null where undefined
(income change of a region with no baseline output). Deficits stay at their
baseline value and world GDP is the numeraire.

Exit status: 0 ok, 2 bad input (one line on stderr), 3 solver did not converge."""


class _UsageError(Exception):
    """A command-line usage error, reported as one line (argparse prints more)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: {message} (see --help)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m model``."""
    parser = _Parser(
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
    run.set_defaults(handler=_run)

    cf = commands.add_parser(
        "counterfactual",
        help="solve the model on your own flows and shock",
        description="Solve the model on your own flows, shock and elasticities.",
        epilog=COUNTERFACTUAL_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cf.add_argument("--flows", required=True, metavar="F.csv", help="baseline flows")
    cf.add_argument("--shock", required=True, metavar="S.csv", help="cost factors")
    cf.add_argument(
        "--theta", required=True, metavar="T", help="number > 0 or sector,theta CSV"
    )
    cf.add_argument("--out", required=True, metavar="R.json", help=".json or -")
    cf.set_defaults(handler=_counterfactual)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (never raises for bad input).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 success, 2 bad input, 3 the solver did not converge.
    """
    try:
        args = build_parser().parse_args(argv)
    except _UsageError as err:
        return _fail(str(err), EXIT_BAD_INPUT)
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else EXIT_BAD_INPUT
    try:
        return args.handler(args)
    except ConvergenceError as err:
        return _fail(str(err), EXIT_NOT_CONVERGED)
    except (ValueError, OSError, csv.Error) as err:
        # ValueError includes json, Unicode and pandas parser errors
        return _fail(str(err), EXIT_BAD_INPUT)


def _fail(message: str, status: int) -> int:
    print(" ".join(message.splitlines()), file=sys.stderr)
    return status


def _output_kind(out: str, allowed: tuple[str, ...]) -> str:
    """``"-"`` or the extension of ``out``; ValueError for any other extension."""
    if out == "-":
        return out
    suffix = Path(out).suffix.lower()
    if suffix not in allowed:
        raise ValueError(
            f"{out}: --out must end with {' or '.join(allowed)} (or be - for "
            f"stdout), got {suffix or 'no extension'!r}"
        )
    return suffix


def _write(out: str, text: str) -> None:
    if out == "-":
        sys.stdout.write(text)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as err:
        raise ValueError(f"{out}: cannot write ({err.strerror or err})") from err


def _to_json(payload: dict[str, object]) -> str:
    return json.dumps(payload, indent=2, allow_nan=False) + "\n"


def _run(args: argparse.Namespace) -> int:
    kind = _output_kind(args.out, (".json", ".csv"))
    name, levers = read_levers(args.scenario)
    baseline = load_baseline()
    try:
        sim = simulate(levers, baseline)
    except ValueError as err:
        raise ValueError(f"{name}: {err}") from err
    if kind == ".csv":
        text = sim.metrics.to_frame().to_csv(index=False, lineterminator="\n")
    else:
        payload = {
            "levers": sim.levers[0],
            **sim.metrics.to_dict(),
            "solver": sim.solver_info(),
        }
        text = _to_json(payload)
    _write(args.out, text)
    return EXIT_OK


def read_levers(spec: str) -> tuple[str, dict[str, object]]:
    """Lever values from inline JSON, a JSON file, a preset file or a preset id.

    Parameters
    ----------
    spec : str
        Inline JSON (starting with ``{``), the path of a file holding an object
        of lever values or a preset (an object with ``schema_version``), or the
        id of a built-in or user preset.

    Returns
    -------
    tuple of (str, dict)
        The name to use in messages and the lever values (not yet checked by
        :func:`model.policy.validate_levers`).

    Raises
    ------
    ValueError
        No such file or preset, or a file or preset that is not valid.
    """
    # scenarios is imported here, not at the top: the model package must not
    # depend on scenarios (scenarios -> model, never the reverse), so importing any
    # model module never loads it. Only these two SCENARIO forms need it.
    if not spec.lstrip().startswith("{") and not Path(spec).is_file():
        from scenarios.schema import ID_PATTERN
        from scenarios.store import PresetStore

        store = PresetStore()
        if not re.fullmatch(ID_PATTERN, spec) or store.origin(spec) is None:
            raise ValueError(
                f"{spec}: no such file or preset (SCENARIO must be a JSON file, "
                "inline JSON starting with '{', or a preset id: see python -m "
                "scenarios list)"
            )
        return f"preset {spec}", store.load(spec).levers()
    name, values = userdata.read_scenario(spec)
    if "schema_version" in values:
        from scenarios.schema import ScenarioError, scenario_from_dict

        try:
            return name, scenario_from_dict(values).levers()
        except ScenarioError as err:
            raise ValueError(f"{name}: {err}") from None
    return name, values


def _counterfactual(args: argparse.Namespace) -> int:
    _output_kind(args.out, (".json",))
    flows = userdata.read_flows(args.flows)
    tau_hat = userdata.read_shock(args.shock, flows)
    theta = userdata.read_theta(args.theta, flows.sectors)
    start = time.perf_counter()
    solved = equilibrium.solve(
        flows.value,
        theta,
        tau_hat,
        region_names=flows.regions,
        sector_names=flows.sectors,
    )
    seconds = time.perf_counter() - start
    if not solved.converged[0]:
        return _fail(
            f"the solver did not converge (max residual "
            f"{solved.max_residual[0]:.2e} after {solved.iterations[0]} iterations); "
            "nothing written",
            EXIT_NOT_CONVERGED,
        )
    _write(args.out, _to_json(counterfactual_report(flows, solved, seconds)))
    return EXIT_OK


def counterfactual_report(
    flows: userdata.UserFlows, solved: equilibrium.Equilibrium, seconds: float
) -> dict[str, object]:
    """JSON-ready results of a counterfactual (batch element 0).

    Parameters
    ----------
    flows : UserFlows
        The baseline that was solved.
    solved : Equilibrium
        Its solution (batch of one).
    seconds : float
        Wall-clock time of the solve [s].

    Returns
    -------
    dict
        ``regions``: welfare change 100 (W_hat - 1), price-index change
        100 (P_hat - 1) and income (GDP) change 100 (Y'/Y - 1) [%] by region;
        ``pairs``: for every (i, j, s) with X[i, j, s] > 0, the change of the flow
        100 (X'/X - 1) and of the import share 100 (pi'/pi - 1) [%]; ``solver``.
        Undefined values (a region with zero baseline income) are None.
    """
    x = flows.value
    income = x.sum(axis=1).sum(axis=1)  # summed as the solver does: exact at no shock
    spending_js = x.sum(axis=0)
    regions = {
        region: {
            "welfare_change_pct": _number(solved.welfare_change_pct[0, k]),
            "price_index_change_pct": _number(100 * (solved.price_hat[0, k] - 1)),
            "income_change_pct": _pct(solved.income[0, k], income[k]),
        }
        for k, region in enumerate(flows.regions)
    }
    pairs = [
        {
            "exporter": flows.regions[i],
            "importer": flows.regions[j],
            "sector": flows.sectors[s],
            "trade_change_pct": _pct(solved.flows[0, i, j, s], x[i, j, s]),
            "import_share_change_pct": _pct(
                solved.shares[0, i, j, s], x[i, j, s] / spending_js[j, s]
            ),
        }
        for i, j, s in np.argwhere(x > 0)
    ]
    return {
        "regions": regions,
        "pairs": pairs,
        "solver": {
            "iterations": int(solved.iterations[0]),
            "max_residual": float(solved.max_residual[0]),
            "converged": bool(solved.converged[0]),
            "seconds": seconds,
        },
    }


def _number(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _pct(new: float, old: float) -> float | None:
    """Percent change 100 (new / old - 1), None where old is 0 or a value is NaN."""
    return _number(100 * (new / old - 1)) if old > 0 else None
