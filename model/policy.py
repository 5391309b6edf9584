"""Policy levers and how they become trade-cost and capacity shocks.

:data:`LEVERS` is the one table of every lever: its name, label, group, unit,
range, default and meaning. The dashboard's sliders and the preset schema read it;
nothing else defines a lever. Defaults describe the policy in force in the 2022
baseline data: the 2018-2019 tariffs at their 2022 levels and no export controls
beyond those in the data, so the default scenario reproduces the baseline exactly.
Tariff levers are levels; the model applies their change from 2022,
(1 + t) / (1 + t_2022).

Controls (the yard and the fence) act on sales *into China* in the six technology
sectors. The covered share of the flow from exporter i in sector s is::

    c[i, s] = scope[s] * (1 - evasion) * reach[i]
    reach   = 1 for the USA; a_i + (1 - a_i) * fdpr_reach for other exporters,
              a_i the ally's participation (0 for ROW, which never joins)

Covered products face the fence ``1 + fence_pct / 100``, the rest nothing. Under
CES with elasticity theta the aggregate iceberg shock is exact::

    tau_hat = [(1 - c) + c (1 + fence)^(-theta)]^(-1/theta)
    tau_hat = (1 - c)^(-1/theta)                (prohibitive; inf when c = 1)

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

from model.names import ALLIES, CONTROLLER, TARGET, TECH_SECTORS

FloatArray = npt.NDArray[np.float64]
LeverValue = float | bool | str

SHORT_RUN_THETA = 0.76
"""One-year trade elasticity, every sector: Boehm, Levchenko and Pandalai-Nayar
(2023), AER 113(4) [calibration source S37]."""

BASELINE_US_TARIFF_PCT = 19.3
"""Average U.S. tariff on imports from China in the 2022 baseline: 19.3% after the
phase one deal took effect in February 2020 and through 2022. Bown, C. P., "US-China
Trade War Tariffs: An Up-to-Date Chart", PIIE (2020, updated 2023)."""

BASELINE_CHINA_TARIFF_PCT = 21.1
"""Average Chinese tariff on imports from the USA in the 2022 baseline (same source).
"""

CHIPS_ACT_SECTORS: tuple[str, ...] = ("ai_chips", "sme", "chips")

GROUPS: dict[str, str] = {
    "yard": "The yard: what is controlled",
    "fence": "The fence: how tightly",
    "allies": "Allies and reach",
    "trade_war": "Trade war and industrial policy",
    "china": "China's answers",
    "assumptions": "Economic assumptions",
}


@dataclass(frozen=True)
class Lever:
    """One policy lever or assumption: the single definition the UI and presets use."""

    name: str
    label: str
    group: str
    unit: str
    default: LeverValue
    meaning: str
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """ "bool", "choice" or "number"."""
        if isinstance(self.default, bool):
            return "bool"
        return "choice" if self.choices else "number"

    def validate(self, value: object) -> LeverValue:
        """The value, checked; ``ValueError`` names the lever, value and range."""
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"{self.name} must be true or false, got {value!r}")
            return value
        if self.kind == "choice":
            if value not in self.choices:
                raise ValueError(
                    f"{self.name} must be one of {', '.join(self.choices)}; "
                    f"got {value!r}"
                )
            return str(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{self.name} must be a number, got {value!r}")
        number = float(value)
        if not self.minimum <= number <= self.maximum:  # also rejects NaN
            raise ValueError(
                f"{self.name} = {value!r} is outside its range "
                f"[{self.minimum:g}, {self.maximum:g}] ({self.unit})"
            )
        return number


def _scope(sector: str, label: str, example: str) -> Lever:
    return Lever(
        name=f"scope_{sector}",
        label=f"Yard: {label}",
        group="yard",
        unit="share of sales to China",
        default=0.0,
        minimum=0.0,
        maximum=1.0,
        step=0.01,
        meaning=f"Share of the sector's sales to China that the controls cover "
        f"({example}).",
    )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _participation(region: str, label: str, example: str) -> Lever:
    return Lever(
        name=f"participation_{region.lower()}",
        label=_capitalised(label.removeprefix("the ")) + " joins",
        group="allies",
        unit="share",
        default=0.0,
        minimum=0.0,
        maximum=1.0,
        step=0.05,
        meaning=f"How far {label} applies the same controls to its own firms "
        f"({example}).",
    )


LEVERS: tuple[Lever, ...] = (
    _scope("ai_chips", "AI accelerators", "3A090/4A090-class parts: about 1.0"),
    _scope("sme", "chip-making tools", "advanced-node tools: about 0.2-0.4 in 2022"),
    _scope("chips", "other chips", "advanced logic and HBM: about 0.03-0.10"),
    _scope("telecom", "telecom equipment", "inputs for Chinese vendors; small"),
    _scope("ict_hw", "ICT hardware", "high-end servers under end-use rules: ~0.05"),
    _scope("frontier", "aerospace, instruments", "engines, avionics: ~0.1-0.3"),
    Lever(
        name="fence_pct",
        label="Fence height",
        group="fence",
        unit="% tariff equivalent",
        default=0.0,
        minimum=0.0,
        maximum=500.0,
        step=5.0,
        meaning="Tariff equivalent of the licensing regime on covered trade: "
        "2-10% presumption of approval, 20-60% case by case (assumed ranges).",
    ),
    Lever(
        name="prohibitive",
        label="Presumption of denial",
        group="fence",
        unit="on/off",
        default=False,
        meaning="Covered trade is denied outright; the fence height is then ignored.",
    ),
    Lever(
        name="evasion",
        label="Evasion",
        group="fence",
        unit="share of covered trade",
        default=0.0,
        minimum=0.0,
        maximum=1.0,
        step=0.01,
        meaning="Share of covered trade that still gets through by transshipment, "
        "smuggling or redesigned compliant products.",
    ),
    _participation("NLD", "the Netherlands", "ASML's DUV immersion tools, 2023"),
    _participation("JPN", "Japan", "23 tool categories from July 2023"),
    _participation("KOR", "Korea", "memory and equipment makers"),
    _participation("TWN", "Taiwan", "foundry and chip design"),
    _participation("EUR", "the rest of the EU", "equipment and instruments"),
    Lever(
        name="fdpr_reach",
        label="Foreign direct product rule reach",
        group="allies",
        unit="share",
        default=0.0,
        minimum=0.0,
        maximum=1.0,
        step=0.05,
        meaning="Share of non-participating suppliers' covered sales that U.S. "
        "extraterritorial rules still reach.",
    ),
    Lever(
        name="friendshoring_pct",
        label="Friend-shoring",
        group="allies",
        unit="% trade-cost cut",
        default=0.0,
        minimum=0.0,
        maximum=30.0,
        step=1.0,
        meaning="Cut in technology trade costs between the USA and participating "
        "allies, scaled by both sides' participation.",
    ),
    Lever(
        name="us_tariff_pct",
        label="U.S. tariff on China",
        group="trade_war",
        unit="% ad valorem, trade-weighted average",
        default=BASELINE_US_TARIFF_PCT,
        minimum=0.0,
        maximum=150.0,
        step=0.1,
        meaning="Average U.S. tariff on all goods from China: 3.1% in January 2017, "
        f"{BASELINE_US_TARIFF_PCT}% from February 2020 through 2022 (PIIE, Bown). "
        "Modelled as a cost with no tariff revenue.",
    ),
    Lever(
        name="china_retaliation_pct",
        label="China's tariff on the USA",
        group="trade_war",
        unit="% ad valorem, trade-weighted average",
        default=BASELINE_CHINA_TARIFF_PCT,
        minimum=0.0,
        maximum=150.0,
        step=0.1,
        meaning="Average Chinese tariff on all goods from the USA, raised in "
        "retaliation from 7.2% (mid-2018) to "
        f"{BASELINE_CHINA_TARIFF_PCT}% (PIIE, Bown).",
    ),
    Lever(
        name="chips_act_capacity_pct",
        label="CHIPS Act capacity",
        group="trade_war",
        unit="% added U.S. capacity",
        default=0.0,
        minimum=0.0,
        maximum=50.0,
        step=1.0,
        meaning="Capacity added in the USA in AI chips, other chips and chip-making "
        "tools by subsidies.",
    ),
    Lever(
        name="china_rd_push_pct",
        label="China's R&D push",
        group="china",
        unit="% extra capacity per year",
        default=0.0,
        minimum=0.0,
        maximum=20.0,
        step=0.5,
        meaning="Extra yearly growth of China's technology capacity (e.g. the Big "
        "Fund); a static solve applies one year of it.",
    ),
    Lever(
        name="belt_road_pct",
        label="Belt and Road",
        group="china",
        unit="% trade-cost cut",
        default=0.0,
        minimum=0.0,
        maximum=30.0,
        step=1.0,
        meaning="Cut in trade costs between China and the rest of the world, all "
        "sectors.",
    ),
    Lever(
        name="elasticities",
        label="Trade elasticities",
        group="assumptions",
        unit="set",
        default="central",
        choices=("central", "low", "high", "short_run"),
        meaning="Sector trade elasticities theta: the calibration's central, low or "
        f"high values, or the one-year value {SHORT_RUN_THETA} in every sector.",
    ),
)

LEVERS_BY_NAME: dict[str, Lever] = {lever.name: lever for lever in LEVERS}
DEFAULTS: dict[str, LeverValue] = {lever.name: lever.default for lever in LEVERS}


def validate_levers(values: Mapping[str, object]) -> dict[str, LeverValue]:
    """Check lever values and fill in defaults for the levers not given.

    Raises
    ------
    ValueError
        An unknown lever name, a value of the wrong type, or one out of range; the
        message names the lever, the value and the allowed range.
    """
    unknown = sorted(set(values) - set(LEVERS_BY_NAME))
    if unknown:
        raise ValueError(
            f"unknown lever {unknown[0]!r}; known levers: {', '.join(LEVERS_BY_NAME)}"
        )
    return {
        lever.name: lever.validate(values[lever.name])
        if lever.name in values
        else lever.default
        for lever in LEVERS
    }


@dataclass(frozen=True)
class Shocks:
    """Model inputs for a batch of scenarios."""

    tau_hat: FloatArray  # (B, N, N, S) iceberg trade-cost change [ratio; inf = denied]
    q_hat: FloatArray  # (B, N, S) capacity change [ratio]
    theta: FloatArray  # (B, S) trade elasticity [unitless]
    coalition_weight: FloatArray  # (B, N) 1 USA, a_k allies, 0 otherwise [share]
    covered_share: FloatArray  # (B, N, S) c[i, s] on sales into China [share]


def stack_levers(
    scenarios: Sequence[Mapping[str, LeverValue]],
) -> dict[str, np.ndarray]:
    """Stack complete, validated lever mappings into one array (B,) per lever."""
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
    fence = (1 + levers["fence_pct"][:, None] / 100) ** -theta_b  # (B, S)
    fence = np.where(levers["prohibitive"][:, None], 0.0, fence)
    passing = (1 - covered) + covered * fence[:, None, :]
    with np.errstate(divide="ignore"):
        control = np.where(passing > 0, passing, 0.0) ** (-1 / theta_b[:, None, :])

    tau = np.ones((n_batch, n, n, s))
    tau[:, :, chn, :] *= control
    tau[:, chn, usa, :] *= _tariff_change(
        levers["us_tariff_pct"], BASELINE_US_TARIFF_PCT
    )
    tau[:, usa, chn, :] *= _tariff_change(
        levers["china_retaliation_pct"], BASELINE_CHINA_TARIFF_PCT
    )
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
        q_hat=q_hat,
        theta=theta_b,
        coalition_weight=weight,
        covered_share=covered,
    )


def _tariff_change(tariff_pct: np.ndarray, baseline_pct: float) -> FloatArray:
    """Gross-tariff ratio (1 + t') / (1 + t_2022), as an iceberg factor (B, 1)."""
    return ((1 + tariff_pct / 100) / (1 + baseline_pct / 100))[:, None]


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
