"""``python -m model counterfactual``: the model on anyone's flows, shock,
tariffs and input-output shares, or on a built-in dataset (help text in
:data:`model.cli_help.COUNTERFACTUAL_HELP`)."""

from __future__ import annotations

import argparse
import time

from model import counterfactual, datasets, equilibrium, userdata, userdata_io
from model.cli_output import output_kind, to_json, write_output
from model.commandline import EXIT_NOT_CONVERGED, EXIT_OK, fail


def run(args: argparse.Namespace) -> int:
    """``counterfactual``: solve the user's flows or a built-in dataset under a
    shock and tariffs and write the report (:func:`model.counterfactual.report`)."""
    output_kind(args.out, (".json",))
    dataset = None if args.dataset is None else datasets.load(args.dataset)
    if dataset is not None and args.io is not None:
        raise ValueError(f"--io: the dataset {dataset.name} has its own IO shares")
    flows = userdata.read_flows(args.flows) if dataset is None else dataset.flows
    tau_hat = None if args.shock is None else userdata.read_shock(args.shock, flows)
    tariffs = (
        userdata_io.no_tariffs(flows)
        if args.tariff is None
        else userdata_io.read_tariffs(args.tariff, flows)
    )
    gamma = (
        dataset.gamma
        if dataset is not None
        else None
        if args.io is None
        else userdata_io.read_io(args.io, flows, tariffs.baseline)
    )
    theta = userdata.read_theta(args.theta, flows.sectors)
    start = time.perf_counter()
    solved = equilibrium.solve(
        flows.value,
        theta,
        tau_hat,
        gamma=gamma,
        tariff=tariffs.baseline,
        new_tariff=tariffs.new,
        region_names=flows.regions,
        sector_names=flows.sectors,
    )
    seconds = time.perf_counter() - start
    if not solved.converged[0]:
        return fail(
            f"the solver did not converge (max residual "
            f"{solved.max_residual[0]:.2e} after {solved.iterations[0]} iterations); "
            "nothing written",
            EXIT_NOT_CONVERGED,
        )
    report = counterfactual.report(
        flows, solved, seconds, gamma=gamma, tariff=tariffs.baseline
    )
    write_output(args.out, to_json(report))
    return EXIT_OK
