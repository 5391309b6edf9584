"""How chips reach the price of ICT hardware in China: the numbers behind the
Method tab's supply-chain paragraph, from the baseline's input-output shares and a
solved scenario's price changes. With supply chains on, China's ICT-hardware unit
cost is ``c = r^beta prod_k P_k^gamma_k`` (:mod:`model.equilibrium`), so a chip
price index 1% higher raises it by ``1.01^gamma[CHN, ict_hw, chips] - 1``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from model import names
from model.data import Baseline
from model.policy import baseline_tariffs

CHIP_PRICE_STEP = 0.01
"""The chip price rise the Method tab passes through to ICT hardware [ratio - 1]."""


@dataclass(frozen=True)
class ChipChannel:
    """How chips reach the price of ICT hardware in China: the baseline's numbers
    and the scenario on screen (every change is 100 (hat - 1) [%]).

    ``gamma_chips`` and ``gamma_ai`` are gamma[CHN, ict_hw, k] for k = chips and
    ai_chips, ``beta`` is beta[CHN, ict_hw] (all from the baseline's input-output
    shares), ``home_share`` is China's own makers' share of China's spending on ICT
    hardware in the baseline, at the prices buyers pay [share]. ``channel_pct`` is
    the chip terms alone, 100 (prod_k P_hat[CHN, k]^gamma - 1) over the two chip
    sectors, with the gamma the scenario was solved with (0 with supply chains off).
    """

    has_table: bool  # any gamma > 0 in the baseline
    gamma_chips: float
    gamma_ai: float
    beta: float
    home_share: float
    supply_chains: bool
    chips_change_pct: float
    ai_change_pct: float
    ict_change_pct: float
    channel_pct: float

    @property
    def cost_pass_pct(self) -> float:
        """Unit-cost rise of China's ICT hardware for a chip price index
        CHIP_PRICE_STEP higher, every other price held [%]."""
        return 100 * ((1 + CHIP_PRICE_STEP) ** self.gamma_chips - 1)

    @property
    def index_pass_pct(self) -> float:
        """The same in China's ICT-hardware price index, to first order [%]."""
        return self.home_share * self.cost_pass_pct


def chip_channel(
    baseline: Baseline,
    sector_price_hat: npt.ArrayLike,
    supply_chains: bool,
) -> ChipChannel:
    """The numbers of the Method tab's supply-chain paragraph: ``baseline``'s shares
    and China's sector price changes ``sector_price_hat`` (N, S) [ratio] of a
    scenario solved with supply chains ``supply_chains`` on or off."""
    region = {code: k for k, code in enumerate(baseline.regions)}
    sector_at = {code: k for k, code in enumerate(baseline.sectors)}
    chn, ict = region[names.TARGET], sector_at["ict_hw"]
    chips, ai = sector_at["chips"], sector_at["ai_chips"]
    gamma = np.asarray(baseline.gamma, dtype=float)
    flows = np.asarray(baseline.flows_usd_bn, dtype=float)
    tariff = baseline_tariffs(baseline.regions, baseline.sectors)
    paid = flows[:, chn, ict] * (1 + tariff[:, chn, ict])
    price = np.asarray(sector_price_hat, dtype=float)[chn]
    used = gamma[chn, ict] if supply_chains else np.zeros_like(gamma[chn, ict])
    with np.errstate(divide="ignore", invalid="ignore"):
        chip_log = used[chips] * np.log(price[chips]) + used[ai] * np.log(price[ai])
    return ChipChannel(
        has_table=bool(np.any(gamma > 0)),
        gamma_chips=float(gamma[chn, ict, chips]),
        gamma_ai=float(gamma[chn, ict, ai]),
        beta=float(1 - gamma[chn, ict].sum()),
        home_share=float(paid[chn] / paid.sum()) if paid.sum() > 0 else math.nan,
        supply_chains=bool(supply_chains),
        chips_change_pct=float(100 * (price[chips] - 1)),
        ai_change_pct=float(100 * (price[ai] - 1)),
        ict_change_pct=float(100 * (price[ict] - 1)),
        channel_pct=float(100 * np.expm1(chip_log)),
    )
