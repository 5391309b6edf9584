"""``python -m model sweep``: Monte Carlo and yard x fence sweeps on Dask.

``sweep [--dataset NAME] (--draws N [--seed S] | --grid N) [--base SCENARIO]
[--workers K | --scheduler tcp://HOST:PORT] --out FILE.csv``
    Solve the sweep of :mod:`model.distributed_sweeps` on a local Dask cluster of
    K worker processes (default 1) or on an existing scheduler, with a progress
    bar on the terminal, and write one CSV row per scenario. The rows are the same
    whatever the number of workers (seeded per draw, chunks of fixed size).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from model import distributed_sweeps
from model.commandline import EXIT_OK
from model.levers import DEFAULT_LEVERS, Levers
from model.sweeps import MAX_GRID, MIN_GRID
from model.uncertainty import DEFAULT_SEED

MAX_DRAWS = 100_000
MAX_WORKERS = 256

SWEEP_HELP = """\
examples:
  python -m model sweep --dataset icio2022 --draws 200 --workers 2 --out mc.csv
  python -m model sweep --grid 11 --base oct_2023_update --out grid.csv
  python -m model sweep --dataset icio2022 --draws 1000 \\
      --scheduler tcp://10.0.0.5:8786 --out mc.csv

Monte Carlo: draw d takes every sector's theta from a triangular distribution on
the table's [low, high] (mode: central) with numpy.random.default_rng([S, d]).
Grid: N yard sizes x (N - 1 fence heights from 0 to 500 % and "denied").
Columns: the varied inputs, converged, china_yard_imports_change_pct (China's
imports from other suppliers in the industries holding controlled goods, %),
welfare_<REGION>_pct for every region or economy. A scheduler's workers need this
project importable: start the scheduler and the workers from the same checkout and
venv with PYTHONPATH=$PWD (PYTHONPATH=$PWD dask worker tcp://HOST:PORT).
"""

ReadLevers = Callable[[str, Any], tuple[str, Levers]]


def add_parser(commands: Any, read_levers: ReadLevers) -> None:
    """Add the ``sweep`` subcommand to ``python -m model``'s subparsers."""
    sweep = commands.add_parser(
        "sweep",
        help="Monte Carlo or yard x fence sweep on Dask (local cluster or scheduler)",
        description="Monte Carlo or yard x fence sweep, solved on Dask.",
        epilog=SWEEP_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sweep.add_argument(
        "--dataset",
        choices=distributed_sweeps.TABLES,
        default="baseline",
        help="table to solve on (default: the 8-region baseline)",
    )
    kind = sweep.add_mutually_exclusive_group(required=True)
    kind.add_argument("--draws", type=int, metavar="N", help="Monte Carlo draws")
    kind.add_argument("--grid", type=int, metavar="N", help="N x N yard x fence grid")
    sweep.add_argument("--seed", type=int, metavar="S", help="seed of the draws")
    sweep.add_argument("--base", metavar="SCENARIO", help="preset id or JSON")
    where = sweep.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=int, default=1, metavar="K", help="local worker processes"
    )
    where.add_argument(
        "--scheduler", metavar="tcp://HOST:PORT", help="an existing Dask scheduler"
    )
    sweep.add_argument("--out", required=True, metavar="FILE.csv")
    sweep.set_defaults(handler=lambda args: _sweep(args, read_levers))


def _sweep(args: argparse.Namespace, read_levers: ReadLevers) -> int:
    if Path(args.out).suffix.lower() != ".csv":
        raise ValueError(f"{args.out}: --out must be a file ending with .csv")
    if args.draws is not None and not 1 <= args.draws <= MAX_DRAWS:
        raise ValueError(f"--draws must be between 1 and {MAX_DRAWS}, got {args.draws}")
    if args.grid is not None and not MIN_GRID <= args.grid <= MAX_GRID:
        raise ValueError(f"--grid must be between {MIN_GRID} and {MAX_GRID}")
    if args.seed is not None and (args.draws is None or args.seed < 0):
        raise ValueError("--seed needs --draws and must be >= 0")
    if not 1 <= args.workers <= MAX_WORKERS:
        raise ValueError(f"--workers must be between 1 and {MAX_WORKERS}")
    name, base = (
        ("defaults", DEFAULT_LEVERS)
        if args.base is None
        else read_levers(args.base, args.presets)
    )
    if args.draws is not None:
        seed = DEFAULT_SEED if args.seed is None else args.seed
        sweep = distributed_sweeps.monte_carlo_sweep(
            args.dataset, base, args.draws, seed
        )
    else:
        sweep = distributed_sweeps.grid_sweep(args.dataset, base, args.grid)
    result = distributed_sweeps.run(
        sweep, workers=args.workers, scheduler=args.scheduler
    )
    try:
        result.frame.to_csv(args.out, index=False, lineterminator="\n")
    except OSError as err:
        raise ValueError(f"{args.out}: cannot write ({err.strerror or err})") from err
    rows = len(result.frame)
    print(
        f"solved {rows} scenarios on {args.dataset} (base: {name}) with "
        f"{result.workers} worker(s) in {result.seconds:.2f} s "
        f"({rows / result.seconds:.1f} scenarios/s); wrote {args.out}",
        file=sys.stderr,
    )
    failed = int((~result.frame.converged).sum())
    if failed:
        print(
            f"{failed} scenarios did not converge: their metrics are empty",
            file=sys.stderr,
        )
    return EXIT_OK
