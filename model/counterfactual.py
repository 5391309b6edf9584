"""Results of ``python -m model counterfactual``: the model solved on a user's own
flows and trade-cost shock (formats in :mod:`model.userdata`), as JSON-ready
changes by region and by trading pair.
"""

from __future__ import annotations

import numpy as np

from model import equilibrium, userdata


def report(
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
