"""Results of ``python -m model counterfactual``: the model solved on a user's own
flows, trade-cost shock, tariffs and input-output shares (formats in
:mod:`model.userdata` and :mod:`model.userdata_io`), as JSON-ready changes by
region and by trading pair.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from model import equilibrium, userdata

FloatArray = npt.NDArray[np.float64]


def report(
    flows: userdata.UserFlows,
    solved: equilibrium.Equilibrium,
    seconds: float,
    *,
    gamma: FloatArray | None = None,
    tariff: FloatArray | None = None,
) -> dict[str, object]:
    """JSON-ready results of a counterfactual (batch element 0).

    Parameters
    ----------
    flows : UserFlows
        The baseline that was solved (flows at producer prices).
    solved : Equilibrium
        Its solution (batch of one).
    seconds : float
        Wall-clock time of the solve [s].
    gamma : FloatArray, optional
        The input-output shares gamma[i, s, k] it was solved with; default 0.
    tariff : FloatArray, optional
        The baseline tariffs t[i, j, s] it was solved with [ratio]; default 0.

    Returns
    -------
    dict
        ``regions``: welfare change 100 (W_hat - 1), change of the final-goods
        price index 100 (P_hat - 1) and of value added 100 (VA'/VA - 1) [%], and
        tariff revenue in the baseline and the counterfactual [the flows' unit],
        by region; ``pairs``: for every (i, j, s) with X[i, j, s] > 0, the change
        of the flow at producer prices 100 (X'/X - 1) and of the import share
        (at the importer's prices) 100 (pi'/pi - 1) [%]; ``solver``. Undefined
        values (a region with zero baseline value added) are None.
    """
    x = flows.value
    # the solver's own baseline accounts: exactly 0 change at no shock
    base = equilibrium.accounts(x, gamma, tariff)
    gross = x if tariff is None else x * (1 + tariff)
    spending_js = gross.sum(axis=0)
    regions = {
        region: {
            "welfare_change_pct": _number(solved.welfare_change_pct[0, k]),
            "price_index_change_pct": _number(100 * (solved.price_hat[0, k] - 1)),
            "income_change_pct": _pct(solved.income[0, k], base.value_added[k]),
            "baseline_tariff_revenue": float(base.tariff_revenue[k]),
            "tariff_revenue": _number(solved.tariff_revenue[0, k]),
        }
        for k, region in enumerate(flows.regions)
    }
    i, j, s = np.nonzero(x > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        trade = 100 * (solved.flows[0, i, j, s] / x[i, j, s] - 1)
        base_share = gross[i, j, s] / spending_js[j, s]
        share = 100 * (solved.shares[0, i, j, s] / base_share - 1)
    share = np.where(base_share > 0, share, np.nan)
    pairs = [
        {
            "exporter": flows.regions[a],
            "importer": flows.regions[b],
            "sector": flows.sectors[c],
            "trade_change_pct": _number(d),
            "import_share_change_pct": _number(e),
        }
        for a, b, c, d, e in zip(
            i.tolist(),
            j.tolist(),
            s.tolist(),
            trade.tolist(),
            share.tolist(),
            strict=True,
        )
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
    return float(value) if math.isfinite(value) else None


def _pct(new: float, old: float) -> float | None:
    """Percent change 100 (new / old - 1), None where old is 0 or a value is NaN."""
    return _number(100 * (new / old - 1)) if old > 0 else None
