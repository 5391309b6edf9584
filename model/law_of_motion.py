"""The law of motion of technology capacities: from one year to the next.

Units and notation: ``b`` a batch element, ``i`` a region, ``c`` = China, ``s`` a
sector (capacities move in the technology sectors :data:`model.names.TECH_SECTORS`
only). ``k[b, i, s]`` is the capacity of region ``i`` in sector ``s`` relative to
the no-policy path [ratio]. Flows are USD bn at 2022 prices.

Drivers
-------
Each year the policy equilibrium (flows ``X'``, producer prices ``p_hat``, trade
costs ``tau_hat``) is compared with the *counterfactual*: the equilibrium without
the trade policy (``tau_hat = 1``) at the same capacities (:func:`measure_drivers`)::

    r[b, i, s] = R[b, i, s] / R_cf[b, i, s]   R = sum_j X'[b, i, j, s], sales revenue
                                              of i in s to all destinations [USD bn];
                                              r = 1 where R_cf = 0
    w[b, s]    = M[b, s] / M_cf[b, s]         M = sum_{i != c} X'[b, i, c, s]
                                              / (p_hat[b, i, s] tau_hat[b, i, c, s]),
                                              China's technology import VOLUME from all
                                              foreign suppliers [USD bn at 2022 prices];
                                              w = 1 where M_cf = 0

Law of motion
-------------
:func:`advance_capacities`, for every technology sector ``s``::

    k[b, i, s] <- k[b, i, s] * exp(rho * (r[b, i, s] - 1))                  i != c
    k[b, c, s] <- k[b, c, s] * (1 + china_rd_push_pct / 100)
                             * exp(kappa * max(1 - w[b, s], 0) - delta * (1 - w[b, s]))

and ``k`` stays where it is in every other sector. DESIGN.md section 4 states the
law as power laws: a frontier supplier's growth factor is its revenue relative to
the no-policy level to the power ``rho``, ``r^rho``; China's is its technology
imports relative to the no-policy level to the power ``delta - kappa``,
``w^(delta - kappa)``, times its R&D push. The forms above are those power laws to
first order in the gap (``exp(rho (r - 1)) ~ r^rho``; under controls, ``w <= 1``,
``exp((kappa - delta) (1 - w)) ~ w^(delta - kappa)``) and stay bounded: the power
law makes a sector whose imports are cut entirely (``w = 0``, e.g. the
full-decoupling preset) grow infinitely fast in a year.

* ``rho`` [per year]: revenue funds R&D; a supplier whose sales are 10% lower
  because of the policy grows ``0.1 rho`` (log points) slower that year: the
  industry's argument that lost China sales cut R&D.
* ``delta`` [per year]: learning through imports; China's capacity grows
  ``delta`` slower in a year in which it gets none of the imports it would get
  without the policy (``w = 0``), in proportion for a partial cut.
* ``kappa`` [per year]: induced indigenisation (guaranteed home demand, state
  funds such as the Big Fund); China grows ``kappa`` faster for the same cut.
  Where a policy makes imports cheaper (``w > 1``: the Belt and Road lever, lower
  tariffs) China learns more through them, but its own effort does not slacken:
  kappa responds to denied imports only (ASSUMPTION).
* ``china_rd_push_pct`` [% per year]: China's R&D push. It compounds: the year's
  solve applies one year of it to the capacities in force, and this law carries it
  into the state, so year ``n`` of a push has ``(1 + push)^n`` and the first year
  equals the static solve. Nothing is counted twice.

Indigenisation is paid for
--------------------------
The capacity China owes to induced indigenisation and to its R&D push is not a
free gain: it draws real resources out of China's final spending every year it
is held (:func:`indigenisation_cost`). ``I[b, s]`` [log points] is the part of
China's log capacity they made, ``I <- I + kappa max(1 - w, 0) + log(1 + push)``
(:func:`paid_log_growth`); in year t the capacity used in the solve is ``q[b, c,
s]`` (with the year's own push), of which ``q (1 - exp(-I_t))`` was paid for,
``I_t`` including the year's push. The year's cost [USD bn]::

    C[b] = phi[b] sum_{s in T} VA_t[c, s] q[b, c, s] (1 - exp(-I_t[b, s]))

``VA_t[c, s] = beta[c, s] R_t[c, s]`` China's value added in s on the year's
trend [USD bn]: the added capacity costs ``phi`` times the factor income it would
earn at trend prices. Spent on China's final basket, the resources leave every
price and flow of the equilibrium unchanged (final demand is the same; only its
use changes from consumption to R&D) and lower China's real consumption:
``W_hat[c] <- W_hat[c] - C / F_t[c]`` (:mod:`model.decade_outputs`). With ``phi
= 1`` the added capacity is worth more than it costs only where the policy makes
it scarcer than on the trend (China's factor price above its trend, ``r_hat >
1``), a stated mechanism, not a free lunch. Learning lost through ``delta`` saves
nothing and costs nothing.

Design choices (ASSUMPTIONS, with the reason):

* "Relative to the no-policy level" is the counterfactual at the *same*
  capacities, not the 2022 baseline: against the baseline, China's own growth
  (which displaces imports) would count as "imports denied" and speed its growth
  further, a loop with no policy in it. At the corners of the parameter ranges
  that loop made the path explode (capacities of 10^5 and solver failures by
  2035). The price: a supplier's revenue lost to China's growth in third markets
  does not feed back into its R&D; only what the policy takes directly does.
* Suppliers are every region but China, allies and outsiders alike: a supplier
  that backfills gains revenue and grows. A policy lifted later leaves capacities
  where they are (no catch-up): the drivers are 1 again.

References
----------
DESIGN.md section 4. R&D and output: Griliches (1992); Hall, Mairesse and Mohnen
(2010), Handbook of the Economics of Innovation ch. 24. Imports and technology
diffusion: Coe and Helpman (1995), EER 39(5).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def measure_drivers(
    flows: FloatArray,
    p_hat: FloatArray,
    tau_hat: FloatArray,
    flows_cf: FloatArray,
    p_hat_cf: FloatArray,
    china: int,
) -> tuple[FloatArray, FloatArray]:
    """The drivers of the law of motion: policy equilibrium over counterfactual.

    Parameters
    ----------
    flows : FloatArray
        Policy equilibrium flows ``X'[b, i, j, s]``, exporter x importer
        [USD bn at 2022 prices].
    p_hat : FloatArray
        Policy equilibrium producer price changes ``(b, N, S)`` [ratio].
    tau_hat : FloatArray
        The policy's trade-cost shocks ``(b, N, N, S)`` [ratio].
    flows_cf, p_hat_cf : FloatArray
        The same for the counterfactual without the trade policy at the same
        capacities (``tau_hat = 1``).
    china : int
        Index of China among the regions.

    Returns
    -------
    revenue_ratio : FloatArray
        ``r[b, i, s]``, sales revenue over its counterfactual; 1 where that is 0
        [unitless].
    import_ratio : FloatArray
        ``w[b, s]``, China's import volume from foreign suppliers over its
        counterfactual; 1 where that is 0 [unitless].
    """
    foreign = np.arange(flows.shape[1]) != china
    revenue = _ratio_or_one(flows.sum(axis=2), flows_cf.sum(axis=2))
    imports = _ratio_or_one(
        _import_volume(flows[:, :, china], p_hat, tau_hat[:, :, china], foreign),
        _import_volume(flows_cf[:, :, china], p_hat_cf, 1.0, foreign),
    )
    return revenue, imports


def advance_capacities(
    capacity: FloatArray,
    revenue_ratio: FloatArray,
    import_ratio: FloatArray,
    rho: FloatArray | float,
    delta: FloatArray | float,
    kappa: FloatArray | float,
    china_rd_push_pct: float,
    *,
    china: int,
    technology: BoolArray,
) -> FloatArray:
    """Next year's capacities from this year's (the law of the module docstring).

    Parameters
    ----------
    capacity : FloatArray
        This year's capacities ``k[b, i, s]`` (B, N, S) [ratio to the no-policy
        path].
    revenue_ratio : FloatArray
        ``r[b, i, s]`` (B, N, S), sales revenue over the counterfactual [unitless].
    import_ratio : FloatArray
        ``w[b, s]`` (B, S), China's technology import volume over the
        counterfactual [unitless].
    rho, delta, kappa : FloatArray or float
        (B,) or scalar: revenue-funded R&D, learning through imports, induced
        indigenisation [per year].
    china_rd_push_pct : float
        China's R&D push, extra capacity growth a year in the technology sectors
        [% per year].
    china : int
        Index of China among the regions.
    technology : BoolArray
        (S,) True for the technology sectors, the only ones whose capacities move.

    Returns
    -------
    FloatArray
        Next year's capacities ``k[b, i, s]`` (B, N, S) [ratio to the no-policy
        path].

    Examples
    --------
    One supplier with 10% less revenue, China with half its imports denied,
    ``rho = 0.2``, ``delta = 0.1``, ``kappa = 0.15``, a push of 5%:

    >>> k = advance_capacities(
    ...     np.ones((1, 2, 1)), np.array([[[0.9], [1.0]]]), np.array([[0.5]]),
    ...     0.2, 0.1, 0.15, 5.0, china=1, technology=np.array([True]),
    ... )
    >>> np.allclose(k[0, :, 0], [np.exp(-0.02), 1.05 * np.exp(0.025)])
    True
    """
    rho = np.asarray(rho, dtype=float).reshape(-1, 1, 1)
    delta = np.asarray(delta, dtype=float).reshape(-1, 1)
    kappa = np.asarray(kappa, dtype=float).reshape(-1, 1)
    supplier = np.arange(capacity.shape[1]) != china
    moves = supplier[:, None] & technology[None, :]
    growth = np.where(moves[None], np.exp(rho * (revenue_ratio - 1)), 1.0)
    gap = 1 - import_ratio[:, technology]  # share of imports the policy denies
    growth[:, china, technology] = np.exp(kappa * np.maximum(gap, 0) - delta * gap)
    growth[:, china, technology] *= 1 + china_rd_push_pct / 100
    return capacity * growth


def paid_log_growth(
    import_ratio: FloatArray,
    kappa: FloatArray | float,
    china_rd_push_pct: float,
    technology: BoolArray,
) -> FloatArray:
    """The year's log growth of China's capacity that induced indigenisation and
    the R&D push make, ``kappa max(1 - w, 0) + log(1 + push / 100)`` (B, T) [log
    points], over the technology sectors ``technology`` (S,) of ``w`` (B, S)."""
    kappa = np.asarray(kappa, dtype=float).reshape(-1, 1)
    gap = 1 - import_ratio[:, technology]
    return kappa * np.maximum(gap, 0) + np.log1p(china_rd_push_pct / 100)


def indigenisation_cost(
    capacity: FloatArray,
    paid_log: FloatArray,
    value_added: FloatArray,
    phi: FloatArray,
) -> FloatArray:
    """The year's cost of the capacity China paid for, ``C[b]`` (B,) [USD bn].

    Parameters
    ----------
    capacity : FloatArray
        ``q[b, c, s]`` (B, T), China's capacities in the year's solve [ratio to
        the trend].
    paid_log : FloatArray
        ``I_t[b, s]`` (B, T), the part of their log made by indigenisation and the
        push, the year's push included [log points].
    value_added : FloatArray
        ``VA_t[c, s]`` (T,), China's value added on the year's trend [USD bn].
    phi : FloatArray
        (B,) cost of indigenisation [ratio].

    Examples
    --------
    Capacity 1.1 of which log(1.1) was paid for, value added 50, phi 1: the
    0.1 x 50 = 5 USD bn of factor income the added capacity would earn.

    >>> cost = indigenisation_cost(
    ...     np.array([[1.1]]), np.log([[1.1]]), np.array([50.0]), np.array([1.0])
    ... )
    >>> round(float(cost[0]), 9)
    5.0
    """
    added = capacity * -np.expm1(-paid_log)  # q (1 - exp(-I))
    return phi * (added @ value_added)


def _import_volume(
    flows: FloatArray, p_hat: FloatArray, tau_c: FloatArray | float, foreign: BoolArray
) -> FloatArray:
    """China's import volume by sector (b, S): sum over foreign i of
    X'[i, c, s] / (p_hat[i, s] tau_hat[i, c, s]), 0 where the flow is 0."""
    price = p_hat * tau_c  # (b, N, S)
    positive = flows > 0
    volume = np.where(positive, flows / np.where(positive, price, 1.0), 0.0)
    return volume[:, foreign].sum(axis=1)


def _ratio_or_one(new: FloatArray, old: FloatArray) -> FloatArray:
    """new / old, 1 where old is not positive."""
    defined = old > 0
    return np.where(defined, new / np.where(defined, old, 1.0), 1.0)
