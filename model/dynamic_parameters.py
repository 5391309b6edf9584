"""The uncertain inputs of the decade path: rho, delta, kappa, phi and theta.

The law of motion (:mod:`model.law_of_motion`) has three parameters, all in log
points of capacity growth per year [per year]:

* ``rho``: revenue-funded R&D, the growth a supplier loses per unit of revenue
  gap (a 10% gap costs ``0.1 rho``);
* ``delta``: learning through imports, the growth China loses in a year with its
  technology imports cut entirely;
* ``kappa``: induced indigenisation, the growth China gains in such a year.

and the capacity China adds by indigenisation (kappa) and by its R&D push is paid
for (:func:`model.law_of_motion.indigenisation_cost`):

* ``phi`` [ratio]: the real resources a year that the added capacity takes, per
  USD of the value added it would earn at trend prices.

:data:`DYNAMIC_PARAMETERS` gives each its central value, plausible range and
reasoning (ASSUMPTIONS, with the evidence they lean on); the ranges are what
:mod:`model.uncertainty` draws from and swings over. A batch of B paths has
one set of these per element (:class:`Inputs`), and optionally a trade
elasticity theta by sector [unitless] per element, which then replaces the
``elasticities`` lever.

References
----------
DESIGN.md section 4. The scale of dynamic losses with technology diffusion:
Cerdeiro et al. (2021), IMF WP/21/69; Goes and Bekkers (2022), WTO ERSD-2022-09
(FACTS.md section 7, S46, S47). Imports and technology diffusion: Coe and Helpman
(1995), EER 39(5). Evidence rows L01, L04, L06 and O15 are
``../shared/evidence/literature_ranges.csv`` and ``observed_2022_2025.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class DynamicParameter:
    """A parameter of the law of motion: default, plausible range, reasoning.

    ``default``, ``low`` and ``high`` are in ``unit`` (log points of capacity
    growth per year; phi a ratio); ``label`` is what the UI shows.
    """

    name: str
    label: str
    unit: str
    default: float
    low: float
    high: float
    reasoning: str


DYNAMIC_PARAMETERS: tuple[DynamicParameter, ...] = (
    DynamicParameter(
        name="rho",
        label="R&D funded by revenue (rho)",
        unit="log points of capacity growth per year, per unit revenue gap",
        default=0.2,
        low=0.0,
        high=0.4,
        reasoning="ASSUMPTION. Chip firms spend a roughly fixed 15-20% of revenue on "
        "R&D, so a revenue gap is an R&D gap of the same size; capacity (cost per "
        "function) in these sectors has improved by about 20% a year, driven by "
        "R&D. A gap of 10% in R&D then costs about 0.2 x 10% = 2% of growth a year: "
        "rho = 0.2. Low 0: R&D funded from elsewhere (subsidies, capital markets). "
        "High 0.4: the industry's argument that fixed costs of each new node make "
        "R&D fall more than revenue (the SIA/BCG study, evidence L01: a full ban "
        "cuts US chip revenue 37% and with it R&D). Crosignani et al. (evidence "
        "O15) find the suppliers hit by the 2022-23 controls lost market value and "
        "profits, the channel rho stands for; no study measures rho itself.",
    ),
    DynamicParameter(
        name="delta",
        label="Learning through imports (delta)",
        unit="log points of China's capacity growth per year at a full import cut",
        default=0.1,
        low=0.0,
        high=0.2,
        reasoning="ASSUMPTION. Imported tools and chips carry know-how (learning "
        "by using, reverse engineering; Coe and Helpman 1995). With China's "
        "technology capacity growing 10-20% a year, losing every import is taken "
        "to cost up to 0.2 of that a year, half of it centrally: delta = 0.1. Over "
        "a decade a full cut then costs about a third of the capacity level, the "
        "order of the diffusion losses of IMF S46 and WTO S47 for the technology "
        "sectors (evidence L04, L06: long-run losses of about 5% of GDP with "
        "technology diffusion). Low 0: no learning from imports. High 0.2: a full "
        "cut halves a 20%-a-year growth of capability before indigenisation.",
    ),
    DynamicParameter(
        name="kappa",
        label="Induced indigenisation (kappa)",
        unit="log points of China's capacity growth per year at a full import cut",
        default=0.15,
        low=0.0,
        high=0.3,
        reasoning="ASSUMPTION. Denied imports give China's own suppliers a "
        "guaranteed market and state funds (Big Fund I-III); Chinese toolmakers "
        "grew much faster than the world market after 2019 (S52); China's imports "
        "of chip-making tools rose 14% in 2023 as it stocked up (evidence O04). "
        "Taken as up to 0.3 extra growth a year at a full cut, 0.15 centrally: "
        "slightly above delta, so centrally the controls speed China's capacity a "
        "little; the ranges let either effect win. Low 0: no induced effort. The "
        "effort is paid for (phi), so it is not a free gain.",
    ),
    DynamicParameter(
        name="phi",
        label="Cost of indigenisation (phi)",
        unit="USD of resources a year per USD of value added the capacity earns",
        default=1.0,
        low=0.5,
        high=1.5,
        reasoning="ASSUMPTION. The capacity China adds by induced indigenisation "
        "(kappa) and by its R&D push draws real resources out of China's final "
        "spending, every year the capacity is held: phi times the value added it "
        "would earn at trend prices. phi = 1: the factors are moved from other uses "
        "at their market value, so the capacity is worth no more than it costs "
        "unless the policy makes it scarcer (no free lunch). Low 0.5: half of it is "
        "a genuine gain (learning, scale). High 1.5: state-directed investment "
        "wastes a third of what it spends (failed fab projects, the Big Fund's "
        "write-offs). No study measures phi.",
    ),
)
DYNAMIC_BY_NAME: dict[str, DynamicParameter] = {p.name: p for p in DYNAMIC_PARAMETERS}
DYNAMIC_DEFAULTS: dict[str, float] = {p.name: p.default for p in DYNAMIC_PARAMETERS}


@dataclass(frozen=True)
class Inputs:
    """The uncertain inputs of a batch of B paths, one set per element.

    Attributes
    ----------
    rho, delta, kappa : FloatArray
        (B,) parameters of the law of motion [per year].
    theta : FloatArray or None
        (B, S) trade elasticities by sector [unitless]. None means each year's
        ``elasticities`` lever decides (one path, or paths that differ only in
        rho, delta, kappa, phi).
    phi : FloatArray or None
        (B,) cost of indigenisation [ratio]; None: its central value for every
        element.
    """

    rho: FloatArray  # (B,) [per year]
    delta: FloatArray  # (B,) [per year]
    kappa: FloatArray  # (B,) [per year]
    theta: FloatArray | None = None  # (B, S) trade elasticities [unitless]
    phi: FloatArray | None = None  # (B,) cost of indigenisation [ratio]

    @property
    def size(self) -> int:
        return len(self.rho)

    @property
    def cost(self) -> FloatArray:
        """(B,) phi, its central value where not given [ratio]."""
        if self.phi is None:
            return np.full(self.size, DYNAMIC_BY_NAME["phi"].default)
        return self.phi


def central_inputs(
    rho: float | None = None,
    delta: float | None = None,
    kappa: float | None = None,
    phi: float | None = None,
) -> Inputs:
    """The inputs of one path with the given (default: central) parameters.

    Parameters
    ----------
    rho, delta, kappa, phi : float, optional
        The parameters [per year; phi a ratio]; None takes the default of
        :data:`DYNAMIC_PARAMETERS`.

    Returns
    -------
    Inputs
        A batch of one, with ``theta`` None (the ``elasticities`` lever decides).

    Raises
    ------
    ValueError
        A parameter that is not a finite number >= 0 (the message names it).
    """
    values = {"rho": rho, "delta": delta, "kappa": kappa, "phi": phi}
    arrays = {}
    for name, value in values.items():
        p = DYNAMIC_BY_NAME[name]
        v = p.default if value is None else float(value)
        if not np.isfinite(v) or v < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        arrays[name] = np.array([v])
    return Inputs(**arrays)
