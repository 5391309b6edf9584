"""Trade-offs tab: yard x fence maps, the efficient frontier, allied participation.

The grid varies only the yard (the six scopes, through the yard-size axis of
:mod:`model.sweeps`) and the fence around a base scenario: the scenario on screen
or a preset. It is solved in one batched call and cached per base scenario and
grid size for every session (each session reads its own copy), so moving the yard
or fence sliders only moves the star; changing any other lever of a "this
scenario" base solves a new grid.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cache
from dashboard.context import ViewContext
from dashboard.figures import tradeoffs as figs
from dashboard.figures import tradeoffs_frontier
from dashboard.format import plain
from dashboard.i18n import region, scenario_text, t
from dashboard.theme import PLOTLY_CONFIG
from dashboard.widget_state import keep, restore
from model import sweeps
from model.levers import DEFAULTS, Levers
from model.names import ALLIES

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


def grid_base(levers: Levers) -> Levers:
    """The levers a grid depends on: ``levers`` with the yard and fence at their
    defaults (the grid sets them cell by cell), so moving them reuses the grid."""
    return levers | {name: DEFAULTS[name] for name in sweeps.GRID_LEVERS}


# st.cache_data, not cache_resource: every session gets its own copy of the
# frames, so no session can change what another one reads.
@st.cache_data(max_entries=32, show_spinner=False)
def _grid(base: Levers, n: int) -> sweeps.Grid:
    return sweeps.solve_grid(base, n, baseline=cache.baseline())


@st.cache_data(max_entries=32)
def _frontier(base: Levers, n: int) -> pd.DataFrame:
    return sweeps.efficient_frontier(_grid(base, n).frame)


@st.cache_data(max_entries=256, show_spinner=False)
def _participation(levers: Levers, ally: str) -> pd.DataFrame:
    return sweeps.participation_sweep(
        levers, ally, PARTICIPATION_POINTS, baseline=cache.baseline()
    )


def _ally_label(code: str, lang: str = "en") -> str:
    if code == sweeps.ALL_ALLIES:
        return t("views.tradeoffs.all_allies", lang)
    return region(code, lang)


def current_participation(levers: Levers, ally: str) -> float:
    """The scenario's participation for the sweep: the ally's share, or the mean
    over all five allies for the all-allies sweep [0-1]."""
    names = sweeps.participation_levers(ally)
    return sum(float(levers[name]) for name in names) / len(names)


def render(ctx: ViewContext) -> None:
    """Draw the tab from ``ctx``: the scenario on screen (``levers``, ``sim``), the
    built-in and saved presets (each can be the base of the grid) and the built-in
    presets on the security-cost plane (``preset_points()``, names in ``lang``).
    """
    levers, presets, lang = ctx.levers, ctx.presets, ctx.lang
    points = ctx.preset_points()
    st.markdown(t("views.tradeoffs.intro", lang))
    options = [CURRENT, *presets]
    restore(BASE_KEY, CURRENT)
    restore(SIZE_KEY, DEFAULT_GRID)
    restore(ALLY_KEY, sweeps.ALL_ALLIES)
    if st.session_state[BASE_KEY] not in options:  # a saved preset was deleted
        st.session_state[BASE_KEY] = CURRENT
    left, right = st.columns([2, 1])
    base_id = left.selectbox(
        t("views.tradeoffs.grid_around", lang),
        options,
        key=BASE_KEY,
        format_func=lambda k: (
            t("charts.common.this_scenario", lang)
            if k == CURRENT
            else scenario_text(presets[k], "name", lang)
        ),
        help=t("views.tradeoffs.grid_around_help", lang),
    )
    n = right.select_slider(
        t("views.tradeoffs.grid_size", lang),
        GRID_SIZES,
        key=SIZE_KEY,
        format_func=lambda k: t("views.tradeoffs.grid_size_option", lang, n=k),
    )
    keep(BASE_KEY)
    keep(SIZE_KEY)
    base = levers if base_id == CURRENT else presets[base_id].levers()
    around = grid_base(base)
    with st.spinner(t("views.tradeoffs.solving_grid", lang)):
        grid = _grid(around, n)
        frontier = _frontier(around, n)
    st.caption(
        t(
            "views.tradeoffs.grid_caption",
            lang,
            n=n,
            cells=n * n,
            seconds=f"{grid.seconds:.2f}",
        )
    )
    if grid.not_converged:
        st.warning(
            t(
                "views.tradeoffs.not_converged",
                lang,
                failed=grid.not_converged,
                cells=n * n,
            )
        )
    if base_id != CURRENT:
        name = scenario_text(presets[base_id], "name", lang)
        st.info(t("views.tradeoffs.base_info", lang, name=plain(name)))
    current = figs.current_point(levers, ctx.sim)
    for column, kind in zip(st.columns(len(figs.HEATMAPS)), figs.HEATMAPS, strict=True):
        column.plotly_chart(
            figs.grid_heatmap(grid, kind, current, lang),
            config=PLOTLY_CONFIG,
            key=f"tradeoffs_{kind}",
        )
    st.plotly_chart(
        tradeoffs_frontier.frontier_plane(grid, frontier, points, current, lang),
        config=PLOTLY_CONFIG,
        key="tradeoffs_frontier",
    )
    st.caption(t("views.tradeoffs.frontier_caption", lang))

    st.subheader(t("views.tradeoffs.allies_header", lang))
    ally = st.columns([2, 1])[0].selectbox(
        t("views.tradeoffs.who_joins", lang),
        [sweeps.ALL_ALLIES, *ALLIES],
        key=ALLY_KEY,
        format_func=lambda code: _ally_label(code, lang),
        help=t("views.tradeoffs.who_joins_help", lang),
    )
    keep(ALLY_KEY)
    with st.spinner(t("views.tradeoffs.solving_sweep", lang)):
        sweep = _participation(levers, ally)
    st.plotly_chart(
        tradeoffs_frontier.participation_curve(
            sweep,
            who=_ally_label(ally, lang),
            current_share=current_participation(levers, ally),
            lang=lang,
        ),
        config=PLOTLY_CONFIG,
        key="tradeoffs_participation",
    )
    st.caption(t("views.tradeoffs.backfill_caption", lang))
