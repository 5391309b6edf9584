"""Trade-offs tab: yard x fence maps, the efficient frontier, allied participation.

The grid varies only the yard (the six scopes, through the yard-size axis of
:mod:`model.sweeps`) and the fence around a base scenario: the scenario on screen
or a preset. It is solved in one batched call and cached per base scenario and
grid size for every session, so moving the yard or fence sliders only moves the
star; changing any other lever of a "this scenario" base solves a new grid.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from dashboard import cache
from dashboard import figures_tradeoffs as figs
from dashboard.format import plain
from dashboard.theme import PLOTLY_CONFIG, region_label
from model import policy, sweeps
from model.names import ALLIES
from scenarios.schema import Scenario

BASE_KEY = "tradeoffs_base"
SIZE_KEY = "tradeoffs_grid"
ALLY_KEY = "tradeoffs_ally"
CURRENT = "current"
GRID_SIZES: tuple[int, ...] = (11, 25, 41)
DEFAULT_GRID = 25
PARTICIPATION_POINTS = 21

CHART_KEYS: tuple[str, ...] = (
    *(f"tradeoffs_{kind}" for kind in figs.HEATMAPS),
    "tradeoffs_frontier",
    "tradeoffs_participation",
)
"""Streamlit keys of this tab's charts."""


def _kept(key: str) -> str:
    return f"{key}_kept"


def _restore(key: str, default: object) -> None:
    """Give widget ``key`` its kept value if Streamlit dropped its state (it does in
    a run that does not draw the widget, e.g. while another lazy tab is open)."""
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(_kept(key), default)


def _keep(key: str) -> None:
    st.session_state[_kept(key)] = st.session_state[key]


def grid_base(levers: Mapping[str, policy.LeverValue]) -> dict[str, policy.LeverValue]:
    """The levers a grid depends on: ``levers`` with the yard and fence at their
    defaults (the grid sets them cell by cell), so moving them reuses the grid."""
    full = policy.validate_levers(levers)
    return full | {name: policy.DEFAULTS[name] for name in sweeps.GRID_LEVERS}


@st.cache_resource(
    max_entries=32, show_spinner="Solving the yard x fence grid in one batch..."
)
def _grid(key: cache.LeverKey, n: int) -> sweeps.Grid:
    return sweeps.solve_grid(dict(key), n, baseline=cache.baseline())


@st.cache_resource(max_entries=32)
def _frontier(key: cache.LeverKey, n: int) -> pd.DataFrame:
    return sweeps.efficient_frontier(_grid(key, n).frame)


@st.cache_resource(
    max_entries=256, show_spinner="Solving the allied-participation sweep..."
)
def _participation(key: cache.LeverKey, ally: str) -> pd.DataFrame:
    return sweeps.participation_sweep(
        dict(key), ally, PARTICIPATION_POINTS, baseline=cache.baseline()
    )


def _ally_label(code: str) -> str:
    return "All allies together" if code == sweeps.ALL_ALLIES else region_label(code)


def current_participation(levers: Mapping[str, policy.LeverValue], ally: str) -> float:
    """The scenario's participation for the sweep: the ally's share, or the mean
    over all five allies for the all-allies sweep [0-1]."""
    names = sweeps.participation_levers(ally)
    return sum(float(levers[name]) for name in names) / len(names)


def render(
    levers: Mapping[str, policy.LeverValue],
    presets: Mapping[str, Scenario],
    points: pd.DataFrame,
) -> None:
    """Draw the tab.

    Parameters
    ----------
    levers : mapping
        The scenario on screen (the sidebar's lever values).
    presets : mapping of id to Scenario
        Built-in and saved presets: each can be the base of the grid.
    points : DataFrame
        The built-in presets on the security-cost plane
        (``dashboard.cache.preset_points()``).
    """
    st.markdown(
        "A wider yard and a higher fence deny China more technology but cost the "
        "coalition more. Each map shows one number for every yard size and fence "
        "height, with everything else as in the base scenario; the star is the "
        "scenario on screen."
    )
    options = [CURRENT, *presets]
    _restore(BASE_KEY, CURRENT)
    _restore(SIZE_KEY, DEFAULT_GRID)
    _restore(ALLY_KEY, sweeps.ALL_ALLIES)
    if st.session_state[BASE_KEY] not in options:  # a saved preset was deleted
        st.session_state[BASE_KEY] = CURRENT
    left, right = st.columns([2, 1])
    base_id = left.selectbox(
        "Grid around",
        options,
        key=BASE_KEY,
        format_func=lambda k: "This scenario" if k == CURRENT else presets[k].name,
        help="The grid keeps every other lever (allies, evasion, tariffs, ...) of "
        "this scenario or of a preset, and varies only the yard and the fence.",
    )
    n = right.select_slider(
        "Grid size (yard sizes x fence heights)",
        GRID_SIZES,
        key=SIZE_KEY,
        format_func=lambda k: f"{k} x {k}",
    )
    _keep(BASE_KEY)
    _keep(SIZE_KEY)
    base = levers if base_id == CURRENT else presets[base_id].levers()
    key = cache.lever_key(grid_base(base))
    grid = _grid(key, n)
    frontier = _frontier(key, n)
    st.caption(
        f"{n} x {n} = {n * n} scenarios solved in one batch in {grid.seconds:.2f} s, "
        "cached for every session. Yard size fills the technology sectors in order "
        "(AI accelerators, chip tools, other chips, telecom, aerospace, ICT "
        "hardware); the star sits at this scenario's mean scope. The last fence "
        "column is a presumption of denial."
    )
    if grid.not_converged:
        st.warning(
            f"{grid.not_converged} of {n * n} cells found no equilibrium: they are "
            "left blank, not filled in."
        )
    if base_id != CURRENT:
        st.info(
            f"The maps vary yard and fence around **{plain(presets[base_id].name)}**; "
            "the star marks this scenario's yard and fence, and its value in the "
            "titles is this scenario's own."
        )
    current = figs.current_point(levers, cache.solve(levers))
    for column, kind in zip(st.columns(len(figs.HEATMAPS)), figs.HEATMAPS, strict=True):
        column.plotly_chart(
            figs.grid_heatmap(grid, kind, current),
            config=PLOTLY_CONFIG,
            key=f"tradeoffs_{kind}",
        )
    st.plotly_chart(
        figs.frontier_plane(grid, frontier, points, current),
        config=PLOTLY_CONFIG,
        key="tradeoffs_frontier",
    )
    st.caption(
        "The frontier (steps): for each coalition cost, the highest rise in "
        "China's technology prices any yard and fence on the grid reaches at that "
        "cost or less. Presets differ from the grid's base in other levers (allies, "
        "evasion, tariffs), so they can lie beyond the frontier or below it."
    )

    st.subheader("Allies who stay out undo part of the fence")
    ally = st.columns([2, 1])[0].selectbox(
        "Who joins",
        [sweeps.ALL_ALLIES, *ALLIES],
        key=ALLY_KEY,
        format_func=_ally_label,
        help="Participation moves from 0 to 100% for this ally (the others keep "
        "their values) or for all allies together; yard, fence and every other "
        "lever stay as in this scenario.",
    )
    _keep(ALLY_KEY)
    sweep = _participation(cache.lever_key(levers), ally)
    st.plotly_chart(
        figs.participation_curve(
            sweep,
            who=_ally_label(ally),
            current_share=current_participation(levers, ally),
        ),
        config=PLOTLY_CONFIG,
        key="tradeoffs_participation",
    )
    st.caption(
        "Backfill: of the technology deliveries to China the fence stops, the part "
        "other foreign suppliers deliver instead (volumes at 2022 prices)."
    )
