"""The 8-region levers on the 80-economy x 50-industry ICIO 2022 table.

The mapping is data, in one reviewable file, ``assets/fullres/lever_map.json``
(written by ``assets/fullres/build_lever_map.py``, explained in its README):

* every ICIO economy follows the levers of its 8-region group: the USA, China, the
  Netherlands, Japan, Korea and Taiwan their own; every other EU member the EU
  lever (``participation_eur``), member by member; every other economy is ROW;
* the yard acts on the ICIO industries that hold controlled goods: C26 (AI chips,
  other chips, telecom and ICT hardware), C28 (chip-making tools) and C302T309
  (frontier), each model sector with its weight ``w[g, k, s]`` in what exporter
  group g sells to China in industry k.

The fence on exporter i's sales into China in industry k is the CES aggregate over
the model sectors inside k (:func:`model.policy.fence_tau` for one sector)::

    c[i, s]        = scope_s (1 - evasion) reach_i       (0 for s = rest)
    tau_hat^(-th)  = sum_s w[g(i), k, s] [(1 - c) + c (1 + fence_s)^(-th)]
                                                          (0 in place of the
                                                           fence term if denied)

with ``th`` the industry's elasticity (``theta`` in the map). Friend-shoring cuts
the technology part of C26, C28 and C302T309 among the USA and participating
allies by the same aggregation; Belt and Road cuts every industry's trade costs
between China and the ROW economies; the tariffs are the 8-region model's U.S.-China
averages on every industry. The CHIPS Act raises U.S. C26 and C28 capacity by its
percentage times the weight of its sectors there; China's R&D push raises China's
C26 and C302T309 capacity (C28 holds almost no Chinese tools).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from model import datasets, equilibrium
from model.levers import (
    BASELINE_CHINA_TARIFF_PCT,
    BASELINE_US_TARIFF_PCT,
    SHORT_RUN_THETA,
    Levers,
)
from model.names import ALLIES, CONTROLLER, TARGET, TECH_SECTORS
from model.policy import CHIPS_ACT_SECTORS, sector_fences, stack_levers
from model.simulation import ConvergenceError

FloatArray = npt.NDArray[np.float64]

LEVER_MAP_PATH = (
    Path(__file__).resolve().parents[1] / "assets" / "fullres" / "lever_map.json"
)


@dataclass(frozen=True)
class LeverMap:
    """The contents of ``lever_map.json``.

    Attributes
    ----------
    economies : mapping ISO3 -> group code (USA, CHN, NLD, JPN, KOR, TWN, EUR, ROW)
    industries : mapping ICIO industry -> group -> model sector -> weight [share]
    theta : mapping "central"/"low"/"high" -> ICIO industry (or "default") -> theta
    """

    economies: Mapping[str, str]
    industries: Mapping[str, Mapping[str, Mapping[str, float]]]
    theta: Mapping[str, Mapping[str, float]]

    def group_of(self, economy: str) -> str:
        """The 8-region group of an economy; ROW for any not in the map."""
        return self.economies.get(economy, "ROW")

    def industry_theta(self, industries: Sequence[str], choice: str) -> FloatArray:
        """Elasticities (S,) of the ICIO industries for one ``elasticities`` choice."""
        if choice == "short_run":
            return np.full(len(industries), SHORT_RUN_THETA)
        table = self.theta[choice]
        return np.array([table.get(k, table["default"]) for k in industries])


@cache
def load_lever_map(path: Path = LEVER_MAP_PATH) -> LeverMap:
    """Read and check the lever map. The weights of each group sum to 1 within
    the file's rounding (1e-5) and are rescaled to sum to 1 exactly, so that a
    zero shock is exactly 1."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    industries: dict[str, dict[str, dict[str, float]]] = {}
    for industry, groups in raw["industries"].items():
        industries[industry] = {}
        for group, weights in groups.items():
            total = sum(weights.values())
            if abs(total - 1) > 1e-5:
                raise ValueError(f"{path.name}: weights of {industry}/{group} != 1")
            industries[industry][group] = {s: w / total for s, w in weights.items()}
    return LeverMap(raw["economies"], industries, raw["theta"])


@dataclass(frozen=True)
class FullShocks:
    """Model inputs of a batch of scenarios on the full table (shapes as in
    :class:`model.policy.Shocks`, over economies and ICIO industries)."""

    tau_hat: FloatArray  # (B, N, N, S) [ratio; inf = denied]
    tariff: FloatArray  # (N, N, S) [ratio]
    new_tariff: FloatArray  # (B, N, N, S) [ratio]
    q_hat: FloatArray  # (B, N, S) [ratio]
    theta: FloatArray  # (B, S) [unitless]
    supply_chains: npt.NDArray[np.bool_]  # (B,)


def build_full_shocks(
    levers: Mapping[str, np.ndarray],
    economies: Sequence[str],
    industries: Sequence[str],
    lever_map: LeverMap | None = None,
    theta: FloatArray | None = None,
) -> FullShocks:
    """Trade-cost, tariff and capacity shocks on the full table.

    Parameters
    ----------
    levers : mapping lever name -> array (B,)
        As from :func:`model.policy.stack_levers`.
    economies, industries : sequence of str
        ISO3 codes and ICIO industry codes, in array order.
    lever_map : LeverMap, optional
        Default :func:`load_lever_map`.
    theta : array (B, S), optional
        Elasticities of each scenario and industry in place of the
        ``elasticities`` lever's (a Monte Carlo draw) [unitless].
    """
    lmap = lever_map or load_lever_map()
    n_batch = len(levers["fence_pct"])
    n, s = len(economies), len(industries)
    index = {code: k for k, code in enumerate(economies)}
    usa, chn = index[CONTROLLER], index[TARGET]
    groups = [lmap.group_of(e) for e in economies]
    if theta is None:
        choices = [str(c) for c in levers["elasticities"]]
        theta = np.stack([lmap.industry_theta(industries, c) for c in choices])

    weight = np.zeros((n_batch, n))
    weight[:, usa] = 1.0
    for ally in ALLIES:
        members = [i for i, g in enumerate(groups) if g == ally]
        weight[:, members] = np.asarray(levers[f"participation_{ally.lower()}"])[
            :, None
        ]
    reach = weight + (1 - weight) * np.asarray(levers["fdpr_reach"])[:, None]
    reach[:, chn] = 0.0
    evasion = np.asarray(levers["evasion"], dtype=float)
    height, denied = sector_fences(levers, TECH_SECTORS)  # (B, 6)

    tau = np.ones((n_batch, n, n, s))
    friends_pct = np.asarray(levers["friendshoring_pct"], dtype=float) / 100
    pair = weight[:, :, None] * weight[:, None, :]
    pair[:, np.arange(n), np.arange(n)] = 0.0
    for industry, by_group in lmap.industries.items():
        if industry not in industries:
            continue
        k = industries.index(industry)
        th = theta[:, k]
        passing = np.zeros((n_batch, n))
        tech_weight = np.zeros(n)
        for i, group in enumerate(groups):
            for sector, w in by_group.get(group, {}).items():
                if sector not in TECH_SECTORS:
                    passing[:, i] += w
                    continue
                tech_weight[i] += w
                m = TECH_SECTORS.index(sector)
                c = np.asarray(levers[f"scope_{sector}"]) * (1 - evasion) * reach[:, i]
                fence = np.where(denied[:, m], 0.0, (1 + height[:, m] / 100) ** -th)
                passing[:, i] += w * ((1 - c) + c * fence)
        passing[:, chn] = 1.0
        with np.errstate(divide="ignore"):
            tau[:, :, chn, k] = np.where(passing > 0, passing, 0.0) ** (
                -1 / th[:, None]
            )
        cut = (1 - friends_pct[:, None, None] * pair) ** -th[:, None, None]
        mix = (1 - tech_weight)[None, :, None] + tech_weight[None, :, None] * cut
        tau[:, :, :, k] *= mix ** (-1 / th[:, None, None])

    row = [i for i, g in enumerate(groups) if g == "ROW"]
    belt_road = 1 - np.asarray(levers["belt_road_pct"], dtype=float) / 100
    tau[:, chn, row, :] *= belt_road[:, None, None]
    tau[:, row, chn, :] *= belt_road[:, None, None]

    tariff = np.zeros((n, n, s))
    tariff[chn, usa, :] = BASELINE_US_TARIFF_PCT / 100
    tariff[usa, chn, :] = BASELINE_CHINA_TARIFF_PCT / 100
    new_tariff = np.repeat(tariff[None], n_batch, axis=0)
    new_tariff[:, chn, usa, :] = np.asarray(levers["us_tariff_pct"])[:, None] / 100
    new_tariff[:, usa, chn, :] = (
        np.asarray(levers["china_retaliation_pct"])[:, None] / 100
    )

    q_hat = np.ones((n_batch, n, s))
    chips_act = np.asarray(levers["chips_act_capacity_pct"], dtype=float) / 100
    for industry in ("C26", "C28"):
        if industry in industries and industry in lmap.industries:
            share = sum(
                w
                for sector, w in lmap.industries[industry].get("USA", {}).items()
                if sector in CHIPS_ACT_SECTORS
            )
            q_hat[:, usa, industries.index(industry)] *= 1 + chips_act * share
    rd_push = np.asarray(levers["china_rd_push_pct"], dtype=float) / 100
    for industry in ("C26", "C302T309"):
        if industry in industries:
            q_hat[:, chn, industries.index(industry)] *= 1 + rd_push
    return FullShocks(
        tau_hat=tau,
        tariff=tariff,
        new_tariff=new_tariff,
        q_hat=q_hat,
        theta=theta,
        supply_chains=np.asarray(levers["supply_chains"]).astype(bool),
    )


YARD_INDUSTRIES: tuple[str, ...] = ("C26", "C28", "C302T309")
"""The ICIO industries that hold controlled goods."""


@dataclass(frozen=True)
class FullResult:
    """One scenario solved on the full table.

    Attributes
    ----------
    economies : tuple of ISO3 codes, in array order
    welfare_change_pct : array (N,) [%]
    china_imports_change_pct : array (N,)
        Change of China's purchases from each supplier in the yard industries
        (:data:`YARD_INDUSTRIES`, at producer prices) [%]; NaN for China itself
        and for suppliers that sold China none of them in the baseline.
    china_imports_baseline : array (N,)
        Those purchases in the baseline [the dataset's unit, USD million].
    seconds : float
        Wall time of the solve [s].
    iterations : int
    """

    economies: tuple[str, ...]
    welfare_change_pct: FloatArray
    china_imports_change_pct: FloatArray
    china_imports_baseline: FloatArray
    seconds: float
    iterations: int


def solve_full(levers: Levers, dataset: str = "icio2022") -> FullResult:
    """Solve one lever state on the full table ``dataset`` (:mod:`model.datasets`).

    Raises
    ------
    model.simulation.ConvergenceError
        The solver found no equilibrium.
    """
    data = datasets.load(dataset)
    shocks = build_full_shocks(stack_levers([levers]), data.regions, data.sectors)
    start = time.perf_counter()
    solved = equilibrium.solve(
        data.flows.value,
        shocks.theta,
        shocks.tau_hat,
        shocks.q_hat,
        gamma=data.gamma if shocks.supply_chains[0] else None,
        tariff=shocks.tariff,
        new_tariff=shocks.new_tariff,
        region_names=data.regions,
        sector_names=data.sectors,
    )
    seconds = time.perf_counter() - start
    if not solved.converged[0]:
        raise ConvergenceError(
            f"no equilibrium on {dataset} (max residual {solved.max_residual[0]:.2e})"
        )
    chn = data.regions.index(TARGET)
    yard = [data.sectors.index(k) for k in YARD_INDUSTRIES]
    before = np.asarray(data.flows.value)[:, chn, yard].sum(axis=1)
    after = solved.flows[0][:, chn, yard].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(before > 0, 100 * (after / before - 1), np.nan)
    change[chn] = np.nan
    return FullResult(
        economies=data.regions,
        welfare_change_pct=solved.welfare_change_pct[0],
        china_imports_change_pct=change,
        china_imports_baseline=before,
        seconds=seconds,
        iterations=int(solved.iterations[0]),
    )
