"""What a page is drawn from: one frozen context per run, handed to every view.

app.py builds a :class:`PageContext` (language, presets, the caches' accessors)
once per run, then, after the sidebar and the solve, a :class:`ViewContext` (that
plus the scenario on screen and its results). Every tab's ``render`` takes the
:class:`ViewContext`; the seminar page, which has no sidebar and so no lever state,
takes the :class:`PageContext`. Views read what they need from it instead of
reaching into :mod:`dashboard.cache` or the sidebar, so a test can draw a view with
any presets, solver or baseline.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields

import pandas as pd

from dashboard import cache
from model.attribution import Attribution
from model.data import Baseline
from model.levers import Levers
from model.simulation import Simulation
from scenarios.schema import Scenario


@dataclass(frozen=True, eq=False)  # one per run: compared and hashed by identity
class PageContext:
    """What any page needs, whatever the levers.

    Attributes
    ----------
    lang : str
        The language of every text ("en" or "zh").
    presets : mapping of preset id to Scenario
        Built-in and this user's saved presets, in picker order.
    builtin_presets : mapping of preset id to Scenario
        The read-only built-in presets, in timeline order.
    baseline : Baseline
        The validated 2022 baseline.
    solve : callable
        Levers -> solved Simulation (``dashboard.cache.solve``); may raise
        ConvergenceError.
    points : callable
        Language -> the built-in presets on the security-cost plane
        (``dashboard.cache.preset_points``); see :meth:`preset_points`.
    explain : callable
        Levers -> every metric's change from the reference preset split by lever
        group (``dashboard.cache.explain``); may raise ConvergenceError.
    """

    lang: str
    presets: Mapping[str, Scenario]
    builtin_presets: Mapping[str, Scenario]
    baseline: Baseline
    solve: Callable[[Levers], Simulation]
    points: Callable[[str], pd.DataFrame]
    explain: Callable[..., Attribution] = field(default=cache.explain, kw_only=True)

    def preset_points(self) -> pd.DataFrame:
        """The built-in presets on the security-cost plane, names in :attr:`lang`
        (a fresh copy on each call: ``id``, ``name``, ``coalition_cost_usd_bn``,
        ``china_cost_pct``)."""
        return self.points(self.lang)


@dataclass(frozen=True, eq=False)
class ViewContext(PageContext):
    """A :class:`PageContext` plus the scenario on screen, solved.

    Attributes
    ----------
    levers : Levers
        The sidebar's lever values.
    preset : Scenario
        The preset those levers started from.
    sim : Simulation
        The results of :attr:`levers`.
    reference : Simulation
        The results of the no-controls reference preset
        (``dashboard.cache.REFERENCE_PRESET``), which KPI deltas compare against.
    """

    levers: Levers
    preset: Scenario
    sim: Simulation
    reference: Simulation


def page_context(presets: Mapping[str, Scenario], lang: str = "en") -> PageContext:
    """The context backed by the shared caches of :mod:`dashboard.cache`."""
    return PageContext(
        lang=lang,
        presets=presets,
        builtin_presets=cache.builtin_presets(),
        baseline=cache.baseline(),
        solve=cache.solve,
        points=cache.preset_points,
    )


def view_context(page: PageContext, levers: Levers, preset: Scenario) -> ViewContext:
    """``page`` plus ``levers`` (from ``preset``), solved with ``page.solve``, and the
    reference scenario. Raises ConvergenceError if either has no equilibrium."""
    sim = page.solve(levers)
    reference = page.solve(page.builtin_presets[cache.REFERENCE_PRESET].levers())
    return ViewContext(
        **{field.name: getattr(page, field.name) for field in fields(page)},
        levers=levers,
        preset=preset,
        sim=sim,
        reference=reference,
    )
