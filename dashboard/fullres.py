"""Full resolution (80 economies) on the Trade flows and Winners tabs.

A switch at the top of each tab; when on, the sidebar's levers are solved on the
80-economy x 50-industry OECD ICIO 2022 table (:func:`model.fullres.solve_full`,
the mapping in ``assets/fullres/lever_map.json``, stated in the Method tab) and
the tab shows a world map: welfare by economy (Winners) or the change of China's
purchases from each supplier in the industries that hold controlled goods (Trade
flows). The 8-region model stays the default.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.context import ViewContext
from dashboard.figures import world_map
from dashboard.format import plain
from dashboard.i18n import region, sector, t
from dashboard.theme import PLOTLY_CONFIG
from model.fullres import FullResult, load_lever_map, solve_full
from model.levers import Levers
from model.simulation import ConvergenceError


@st.cache_resource(max_entries=256, show_spinner=False)
def _solved(levers: Levers) -> FullResult:
    """The full-table result of a lever state, shared by all sessions."""
    return solve_full(levers)


def switch(key: str, lang: str) -> bool:
    """The "Full resolution (80 economies)" switch of a tab (off by default)."""
    return st.toggle(
        t("views.fullres.switch", lang),
        key=key,
        help=t("views.fullres.switch_help", lang),
    )


def _result(ctx: ViewContext) -> FullResult | None:
    try:
        with st.spinner(t("views.fullres.solving", ctx.lang)):
            return _solved(ctx.levers)
    except ConvergenceError as error:
        st.error(t("messages.no_equilibrium", ctx.lang, error=plain(str(error))))
        return None


def _labels(result: FullResult, lang: str) -> dict[str, str]:
    group_of = load_lever_map().group_of
    return {e: f"{e} ({region(group_of(e), lang)})" for e in result.economies}


def _extremes(values: dict[str, float]) -> tuple[str, str]:
    finite = {k: v for k, v in values.items() if np.isfinite(v)}
    return min(finite, key=finite.__getitem__), max(finite, key=finite.__getitem__)


def _draw_map(
    ctx: ViewContext,
    result: FullResult,
    values: dict[str, float],
    *,
    title: str,
    colorbar_key: str,
    key: str,
) -> None:
    """One economy-level world map of ``values`` [%], then the solve's caption."""
    st.plotly_chart(
        world_map.world_map(
            values,
            _labels(result, ctx.lang),
            title=title,
            colorbar_title=t(colorbar_key, ctx.lang),
        ),
        config=PLOTLY_CONFIG,
        key=key,
    )
    _caption(result, ctx.lang)


def render_welfare(ctx: ViewContext) -> None:
    """Winners tab, full resolution: welfare change of every economy on the map."""
    result = _result(ctx)
    if result is None:
        return
    values = dict(
        zip(result.economies, result.welfare_change_pct.tolist(), strict=True)
    )
    loser, winner = _extremes(values)
    title = t(
        "views.fullres.welfare_title",
        ctx.lang,
        loser=loser,
        loss=f"{values[loser]:+.3f}",
        winner=winner,
        gain=f"{values[winner]:+.3f}",
    )
    _draw_map(
        ctx,
        result,
        values,
        title=title,
        colorbar_key="views.winners.map_colorbar",
        key="fullres_welfare_map",
    )


def render_imports(ctx: ViewContext) -> None:
    """Trade flows tab, full resolution: China's yard-industry purchases by supplier."""
    result = _result(ctx)
    if result is None:
        return
    values = dict(
        zip(result.economies, result.china_imports_change_pct.tolist(), strict=True)
    )
    fallen, _ = _extremes(values)
    title = t(
        "views.fullres.imports_title",
        ctx.lang,
        supplier=fallen,
        change=f"{values[fallen]:+.2f}",
    )
    _draw_map(
        ctx,
        result,
        values,
        title=title,
        colorbar_key="views.fullres.imports_colorbar",
        key="fullres_imports_map",
    )
    st.dataframe(supplier_table(result, ctx.lang), hide_index=True, width="stretch")


def supplier_table(result: FullResult, lang: str, rows: int = 15) -> pd.DataFrame:
    """China's biggest suppliers of the controlled-goods industries: baseline
    purchases [USD bn] and their change [%], largest first."""
    group_of = load_lever_map().group_of
    frame = pd.DataFrame(
        {
            t("views.fullres.col_supplier", lang): result.economies,
            t("views.fullres.col_group", lang): [
                region(group_of(e), lang) for e in result.economies
            ],
            t("views.fullres.col_baseline", lang): np.round(
                result.china_imports_baseline / 1000, 2
            ),
            t("views.fullres.col_change", lang): np.round(
                result.china_imports_change_pct, 3
            ),
        }
    )
    order = np.argsort(-np.nan_to_num(result.china_imports_baseline, nan=-1.0))
    order = [i for i in order if np.isfinite(result.china_imports_change_pct[i])]
    return frame.iloc[order[:rows]]


def _caption(result: FullResult, lang: str) -> None:
    st.caption(
        t(
            "views.fullres.caption",
            lang,
            economies=len(result.economies),
            seconds=f"{result.seconds:.2f}",
        )
    )


def mapping_tables(lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lever map as two tables: the industries that hold controlled goods
    (industry, model sector, its weight for each exporter group) and the
    economies of each 8-region group."""
    lmap = load_lever_map()
    rows = []
    for industry, by_group in lmap.industries.items():
        sectors = sorted({s for weights in by_group.values() for s in weights})
        for code in sectors:
            row: dict[str, object] = {
                t("views.fullres.col_industry", lang): industry,
                t("views.fullres.col_sector", lang): sector(code, lang),
            }
            for group, weights in by_group.items():
                row[group] = round(weights.get(code, 0.0), 3)
            rows.append(row)
    industries = pd.DataFrame(rows)
    groups: dict[str, list[str]] = {}
    for economy, group in sorted(lmap.economies.items()):
        groups.setdefault(group, []).append(economy)
    economies = pd.DataFrame(
        {
            t("views.fullres.col_group", lang): [region(g, lang) for g in groups],
            t("views.fullres.col_economies", lang): [
                " ".join(v) for v in groups.values()
            ],
        }
    )
    return industries, economies


def render_mapping(lang: str) -> None:
    """Method tab: how the levers reach the 80 economies and 50 industries."""
    st.subheader(t("views.fullres.method_title", lang))
    st.markdown(t("views.fullres.method_text", lang))
    industries, economies = mapping_tables(lang)
    st.dataframe(industries, hide_index=True, width="stretch")
    st.dataframe(economies, hide_index=True, width="stretch")
