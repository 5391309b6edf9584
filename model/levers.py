"""The lever table and the validated lever state that travels through the model.

:data:`LEVERS` is the one table of every policy lever and economic assumption: its
name, label, group, unit, range, default and meaning. The dashboard's sliders, the
preset schema (:mod:`scenarios.schema`), share links and the command line all read
it; nothing else defines a lever. Defaults describe the policy in force in the 2022
baseline data: the 2018-2019 tariffs at their 2022 levels and no export controls
beyond those in the data, so the default scenario reproduces the baseline exactly.

:class:`Levers` is a complete lever state (every lever, defaults filled in),
validated once when it is built (from the sidebar, a preset, a link or a file),
immutable and hashable, so that caches key on it directly and nothing downstream
validates again. How levers become trade-cost and capacity shocks is
:mod:`model.policy`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

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

GROUPS: dict[str, str] = {
    "yard": "The yard: what is controlled",
    "fence": "The fence: how tightly",
    "fence_by_sector": "The fence by sector (advanced)",
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
        low, high = self.bounds
        if not low <= number <= high:  # also rejects NaN
            raise ValueError(
                f"{self.name} = {value!r} is outside its range "
                f"[{low:g}, {high:g}] ({self.unit})"
            )
        return number

    @property
    def bounds(self) -> tuple[float, float]:
        """(minimum, maximum) of a number lever; TypeError for other kinds."""
        if self.minimum is None or self.maximum is None:
            raise TypeError(f"{self.name} is a {self.kind} lever without a range")
        return self.minimum, self.maximum


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


FENCE_RULES: tuple[str, ...] = ("master", "height", "denied")
"""Choices of a sector's fence rule: follow the master fence (``fence_pct`` and
``prohibitive``), the sector's own height ``fence_pct_<sector>``, or denied."""


def _fence_rule(sector: str, label: str, example: str = "") -> Lever:
    example = f", {example}" if example else ""
    return Lever(
        name=f"fence_rule_{sector}",
        label=f"Fence rule: {label}",
        group="fence_by_sector",
        unit="rule",
        default="master",
        choices=FENCE_RULES,
        meaning="Which fence the sector's covered trade faces: master follows the "
        "fence height and presumption of denial; height uses the sector's own fence "
        f"height; denied refuses it outright (this sector only{example}).",
    )


def _fence_height(sector: str, label: str) -> Lever:
    return Lever(
        name=f"fence_pct_{sector}",
        label=f"Fence height: {label}",
        group="fence_by_sector",
        unit="% tariff equivalent",
        default=0.0,
        minimum=0.0,
        maximum=500.0,
        step=5.0,
        meaning="Tariff equivalent of the licensing regime on this sector's covered "
        "trade; used only when its fence rule is height.",
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
        meaning="Tariff equivalent of the licensing regime on covered trade, in every "
        "sector whose fence rule is master: 2-10% presumption of approval, 20-60% "
        "case by case (assumed ranges).",
    ),
    Lever(
        name="prohibitive",
        label="Presumption of denial",
        group="fence",
        unit="on/off",
        default=False,
        meaning="Covered trade is denied outright in every sector whose fence rule is "
        "master; the fence height is then ignored.",
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
    _fence_rule("ai_chips", "AI accelerators", "e.g. 3A090 chips to China"),
    _fence_height("ai_chips", "AI accelerators"),
    _fence_rule("sme", "chip-making tools"),
    _fence_height("sme", "chip-making tools"),
    _fence_rule("chips", "other chips"),
    _fence_height("chips", "other chips"),
    _fence_rule("telecom", "telecom equipment"),
    _fence_height("telecom", "telecom equipment"),
    _fence_rule("ict_hw", "ICT hardware"),
    _fence_height("ict_hw", "ICT hardware"),
    _fence_rule("frontier", "aerospace, instruments"),
    _fence_height("frontier", "aerospace, instruments"),
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
        "Its revenue goes to U.S. final spending.",
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
        f"{BASELINE_CHINA_TARIFF_PCT}% (PIIE, Bown). Its revenue goes to China's "
        "final spending.",
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
    Lever(
        name="supply_chains",
        label="Supply chains",
        group="assumptions",
        unit="on/off",
        default=True,
        meaning="Sectors buy inputs from each other (input-output shares of the "
        "baseline): a dearer chip raises the cost of the hardware made with it. "
        "Off: every sector sells final goods only, the textbook contrast.",
    ),
    Lever(
        name="market_growth",
        label="Markets grow (decade)",
        group="assumptions",
        unit="on/off",
        default=True,
        meaning="Decade tab only: each year's markets follow the documented trend "
        "(AI accelerators from USD 12bn in 2022 to 78bn in 2024 and on). Off: the "
        "2022 market held fixed, the contrast. The static scenario is 2022 either "
        "way.",
    ),
)

LEVERS_BY_NAME: dict[str, Lever] = {lever.name: lever for lever in LEVERS}
DEFAULTS: dict[str, LeverValue] = {lever.name: lever.default for lever in LEVERS}
_POSITION: dict[str, int] = {lever.name: k for k, lever in enumerate(LEVERS)}


class Levers(Mapping[str, LeverValue]):
    """A complete, validated, immutable lever state: every lever of :data:`LEVERS`.

    Build it from any mapping of lever names to values; levers not given keep
    their defaults. It reads like a read-only ``dict`` (``levers["fence_pct"]``,
    ``levers.items()``, ``{**levers}``), compares equal to any mapping with the same
    items, and hashes by value, so ``st.cache_*`` and ``functools.cache`` can key
    on it. ``levers | {"fence_pct": 150.0}`` (or :meth:`replace`) returns a new,
    validated state.

    Raises
    ------
    ValueError
        An unknown lever name, a value of the wrong type, or one out of range; the
        message names the lever, the value and the allowed range.
    """

    __slots__ = ("_values",)
    _values: tuple[LeverValue, ...]  # in the order of LEVERS

    def __init__(self, values: Mapping[str, object] | None = None) -> None:
        if isinstance(values, Levers):
            checked = values._values
        else:
            given = {} if values is None else values
            _check_names(given)
            checked = tuple(
                lever.validate(given[lever.name])
                if lever.name in given
                else lever.default
                for lever in LEVERS
            )
        object.__setattr__(self, "_values", checked)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Levers is immutable; use levers | {name: value}")

    def __getitem__(self, name: str) -> LeverValue:
        return self._values[_POSITION[name]]

    def __iter__(self) -> Iterator[str]:
        return iter(LEVERS_BY_NAME)

    def __len__(self) -> int:
        return len(self._values)

    def __hash__(self) -> int:
        return hash(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Levers):
            return self._values == other._values
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        changed = ", ".join(f"{k}={v!r}" for k, v in self.changed().items())
        return f"Levers({changed})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Levers, (self.to_dict(),))

    def __or__(self, changes: Mapping[str, object]) -> Levers:
        return self.replace(changes)

    def replace(
        self, changes: Mapping[str, object] | None = None, **more: object
    ) -> Levers:
        """A new state with ``changes`` applied; only the changed values are checked
        (the rest are valid already)."""
        merged = {**(changes or {}), **more}
        _check_names(merged)
        values = list(self._values)
        for name, value in merged.items():
            values[_POSITION[name]] = LEVERS_BY_NAME[name].validate(value)
        new = object.__new__(Levers)
        object.__setattr__(new, "_values", tuple(values))
        return new

    def to_dict(self) -> dict[str, LeverValue]:
        """Every lever's value as a plain ``dict`` in lever-table order (JSON-ready)."""
        return dict(zip(LEVERS_BY_NAME, self._values, strict=True))

    def changed(self) -> dict[str, LeverValue]:
        """Only the levers that differ from their defaults, in lever-table order."""
        return {k: v for k, v in self.items() if v != DEFAULTS[k]}


def _check_names(values: Mapping[str, object]) -> None:
    """ValueError naming the first unknown lever in ``values``."""
    unknown = sorted(set(values) - set(LEVERS_BY_NAME))
    if unknown:
        raise ValueError(
            f"unknown lever {unknown[0]!r}; known levers: {', '.join(LEVERS_BY_NAME)}"
        )


DEFAULT_LEVERS = Levers()
"""The default state: the policy in force in the 2022 baseline."""
