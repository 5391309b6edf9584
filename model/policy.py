"""How lever states become trade-cost and capacity shocks.

The levers themselves (the table, defaults and the validated :class:`Levers`
state) are :mod:`model.levers`. Tariff levers are levels of ad valorem tariffs
whose revenue goes to the importer (:func:`baseline_tariffs` are the 2022 ones);
the fence, friend-shoring and Belt and Road are trade costs that earn nobody
anything.

Controls (the yard and the fence) act on sales *into China* in the six technology
sectors. The covered share of the flow from exporter i in sector s is::

    c[i, s] = scope[s] * (1 - evasion) * reach[i]
    reach   = 1 for the USA; a_i + (1 - a_i) * fdpr_reach for other exporters,
              a_i the ally's participation (0 for ROW, which never joins)

Covered products face their sector's fence ``1 + fence_s / 100``, the rest
nothing. Under CES with elasticity theta the aggregate iceberg shock is exact::

    tau_hat = [(1 - c) + c (1 + fence_s)^(-theta)]^(-1/theta)
    tau_hat = (1 - c)^(-1/theta)                (denied; inf when c = 1)

The fence of sector s (:func:`sector_fences`) is the master fence (``fence_pct``,
denied when ``prohibitive``) unless the sector's rule ``fence_rule_<s>`` says
otherwise: "height" gives it its own height ``fence_pct_<s>`` (never denied),
"denied" denies its covered trade whatever the master says. At the default rule
"master" every sector has the master fence, as before there were sector rules.

References
----------
Covered-share aggregation: the CES price index over covered and uncovered
varieties (Costinot and Rodriguez-Clare 2014, section 3). Tariff equivalents of
licensing regimes and suggested scopes: shared/calibration/FACTS.md section 7.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from model.levers import (
    BASELINE_CHINA_TARIFF_PCT,
    BASELINE_US_TARIFF_PCT,
    LEVERS_BY_NAME,
    SHORT_RUN_THETA,
    Levers,
)
from model.names import ALLIES, CONTROLLER, TARGET, TECH_SECTORS

FloatArray = npt.NDArray[np.float64]

CHIPS_ACT_SECTORS: tuple[str, ...] = ("ai_chips", "sme", "chips")
"""Sectors where ``chips_act_capacity_pct`` adds U.S. capacity."""


@dataclass(frozen=True)
class Shocks:
    """Model inputs for a batch of scenarios."""

    tau_hat: FloatArray  # (B, N, N, S) iceberg trade-cost change [ratio; inf = denied]
    tariff: FloatArray  # (N, N, S) baseline ad valorem tariff t [ratio]
    new_tariff: FloatArray  # (B, N, N, S) the scenario's tariff t' [ratio]
    supply_chains: npt.NDArray[np.bool_]  # (B,) input-output links on
    q_hat: FloatArray  # (B, N, S) capacity change [ratio]
    theta: FloatArray  # (B, S) trade elasticity [unitless]
    coalition_weight: FloatArray  # (B, N) 1 USA, a_k allies, 0 otherwise [share]
    covered_share: FloatArray  # (B, N, S) c[i, s] on sales into China [share]


def stack_levers(scenarios: Sequence[Levers]) -> dict[str, np.ndarray]:
    """Stack lever states into one array (B,) per lever."""
    return {name: np.array([s[name] for s in scenarios]) for name in LEVERS_BY_NAME}


def build_shocks(
    levers: Mapping[str, np.ndarray],
    regions: Sequence[str],
    sectors: Sequence[str],
    theta: Mapping[str, FloatArray],
) -> Shocks:
    """Turn stacked lever values into trade-cost and capacity shocks.

    Parameters
    ----------
    levers : mapping of lever name to array (B,)
        As returned by :func:`stack_levers`.
    regions, sectors : sequence of str
        The baseline's region and sector codes, in array order.
    theta : mapping with keys "central", "low", "high" to arrays (S,)
        Calibrated trade elasticities.
    """
    n_batch = len(levers["fence_pct"])
    n, s = len(regions), len(sectors)
    region = {code: k for k, code in enumerate(regions)}
    usa, chn = region[CONTROLLER], region[TARGET]
    tech = np.isin(sectors, TECH_SECTORS)

    theta_b = _theta(levers["elasticities"], theta, s)

    weight = np.zeros((n_batch, n))
    weight[:, usa] = 1.0
    for ally in ALLIES:
        weight[:, region[ally]] = levers[f"participation_{ally.lower()}"]
    reach = weight + (1 - weight) * levers["fdpr_reach"][:, None]
    reach[:, chn] = 0.0

    scope = np.zeros((n_batch, s))
    for k, sector in enumerate(sectors):
        if sector in TECH_SECTORS:
            scope[:, k] = levers[f"scope_{sector}"]
    covered = (
        scope[:, None, :] * (1 - levers["evasion"])[:, None, None] * reach[:, :, None]
    )
    height, denied = sector_fences(levers, sectors)
    tau = np.ones((n_batch, n, n, s))
    tau[:, :, chn, :] *= fence_tau(covered, height, denied, theta_b)
    tariff = baseline_tariffs(regions, sectors)
    new_tariff = np.repeat(tariff[None], n_batch, axis=0)
    new_tariff[:, chn, usa, :] = levers["us_tariff_pct"][:, None] / 100
    new_tariff[:, usa, chn, :] = levers["china_retaliation_pct"][:, None] / 100
    friends = (
        levers["friendshoring_pct"][:, None, None]
        / 100
        * (weight[:, :, None] * weight[:, None, :])
    )
    friends[:, np.arange(n), np.arange(n)] = 0.0
    tau[..., tech] *= (1 - friends)[..., None]
    if "ROW" in region:
        belt_road = 1 - levers["belt_road_pct"][:, None] / 100
        tau[:, chn, region["ROW"], :] *= belt_road
        tau[:, region["ROW"], chn, :] *= belt_road

    q_hat = np.ones((n_batch, n, s))
    chips_act = np.isin(sectors, CHIPS_ACT_SECTORS)
    q_hat[:, usa, chips_act] *= 1 + levers["chips_act_capacity_pct"][:, None] / 100
    q_hat[:, chn, tech] *= 1 + levers["china_rd_push_pct"][:, None] / 100
    return Shocks(
        tau_hat=tau,
        tariff=tariff,
        new_tariff=new_tariff,
        supply_chains=levers["supply_chains"].astype(bool),
        q_hat=q_hat,
        theta=theta_b,
        coalition_weight=weight,
        covered_share=covered,
    )


def sector_fences(
    levers: Mapping[str, np.ndarray], sectors: Sequence[str]
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """The fence of every scenario and sector: height (B, S) [%] and denial (B, S).

    A technology sector follows its rule ``fence_rule_<sector>``: "master" takes
    ``fence_pct`` and ``prohibitive``, "height" its own ``fence_pct_<sector>`` and
    no denial, "denied" denial. Sectors outside the yard (``rest``) keep the master
    fence; they have no covered trade, so it never acts there.
    """
    master = np.asarray(levers["fence_pct"], dtype=float)
    n_batch = len(master)
    height = np.repeat(master[:, None], len(sectors), axis=1)
    denied = np.repeat(
        np.asarray(levers["prohibitive"], dtype=bool)[:, None], len(sectors), axis=1
    )
    for k, sector in enumerate(sectors):
        if sector not in TECH_SECTORS:
            continue
        rule = np.asarray(levers[f"fence_rule_{sector}"]).reshape(n_batch)
        own = rule == "height"
        height[:, k] = np.where(own, levers[f"fence_pct_{sector}"], height[:, k])
        denied[:, k] = (rule == "denied") | (denied[:, k] & ~own)
    return height, denied


def fence_tau(
    covered: FloatArray,
    fence_pct: FloatArray,
    prohibitive: npt.NDArray[np.bool_],
    theta: FloatArray,
) -> FloatArray:
    """Iceberg shock of the fence on sales into China, exact under CES::

        tau_hat = [(1 - c) + c (1 + fence)^(-theta)]^(-1/theta)
        tau_hat = (1 - c)^(-1/theta)          (denied; inf where c = 1)

    Parameters
    ----------
    covered : array (B or 1, N, S)
        Covered share c of each exporter's sales into China [share].
    fence_pct : array (B or 1, S), or (B or 1,) for one height in every sector
        Tariff equivalent of the licensing regime on each sector's covered trade
        [%] (:func:`sector_fences`).
    prohibitive : array (B or 1, S), or (B or 1,), of bool
        Covered trade of the sector denied outright (its height is then ignored).
    theta : array (B, S)
        Trade elasticity of each scenario and sector [unitless].

    Returns
    -------
    FloatArray
        tau_hat (B, N, S) [ratio; inf = denied].
    """
    height = np.asarray(fence_pct, dtype=float)
    denied = np.asarray(prohibitive, dtype=bool)
    if height.ndim == 1:
        height = height[:, None]
    if denied.ndim == 1:
        denied = denied[:, None]
    fence = (1 + height / 100) ** -theta  # (B, S)
    fence = np.where(denied, 0.0, fence)
    passing = (1 - covered) + covered * fence[:, None, :]
    with np.errstate(divide="ignore"):
        return np.where(passing > 0, passing, 0.0) ** (-1 / theta[:, None, :])


def baseline_tariffs(regions: Sequence[str], sectors: Sequence[str]) -> FloatArray:
    """The 2022 ad valorem tariffs t[i, j, s] that raise revenue in the model
    (N, N, S) [ratio]: the trade-war averages on U.S. imports from China
    (:data:`model.levers.BASELINE_US_TARIFF_PCT`) and on Chinese imports from the
    USA (:data:`model.levers.BASELINE_CHINA_TARIFF_PCT`), every sector; 0 on
    every other pair, whose tariffs stay inside the baseline's trade costs."""
    n, s = len(regions), len(sectors)
    usa, chn = list(regions).index(CONTROLLER), list(regions).index(TARGET)
    tariff = np.zeros((n, n, s))
    tariff[chn, usa, :] = BASELINE_US_TARIFF_PCT / 100
    tariff[usa, chn, :] = BASELINE_CHINA_TARIFF_PCT / 100
    return tariff


def _theta(
    choice: np.ndarray, theta: Mapping[str, FloatArray], n_sectors: int
) -> FloatArray:
    """Elasticities (B, S) for the chosen set of each scenario."""
    table = {
        "central": theta["central"],
        "low": theta["low"],
        "high": theta["high"],
        "short_run": np.full(n_sectors, SHORT_RUN_THETA),
    }
    return np.stack([table[str(c)] for c in choice])
