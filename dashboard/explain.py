"""'Why this number?': the lever groups' contributions, drawn next to the numbers
they explain (Overview KPIs, the Decade tab's end year, seminar mode).

The contributions are Shapley values over the lever groups
(:mod:`model.attribution`), solved once per lever state (or timeline) and cached
(:func:`dashboard.cache.explain`, :func:`dashboard.cache.explain_path`). The
views call one function each; the waterfalls are
:func:`dashboard.figures.attribution.waterfall`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from dashboard import cache
from dashboard.figures.attribution import amount, drawn_groups, waterfall
from dashboard.i18n import metric_label, t
from dashboard.theme import PLOTLY_CONFIG
from model.attribution import Attribution
from model.decade_outputs import OUTPUTS_BY_NAME
from model.levers import Levers
from model.metrics import METRICS_BY_NAME
from model.simulation import ConvergenceError


def attribution_or_none(
    explain: Callable[[Levers], Attribution], levers: Levers
) -> Attribution | None:
    """``explain(levers)``, or None when a mix of the groups has no equilibrium."""
    try:
        return explain(levers)
    except ConvergenceError:
        return None


def draw(
    explained: Attribution | None,
    name: str,
    *,
    label: str,
    unit: str,
    lang: str,
    chart_key: str,
    t_index: int = 0,
    year: int | None = None,
    base_label: str = "",
    scenario_label: str = "",
    title_key: str = "attribution.title_reference",
) -> None:
    """One waterfall with its caption, or the reason there is none."""
    if explained is None:
        st.caption(t("attribution.failed", lang))
        return
    m = explained.item_index(name)
    if not explained.defined[t_index, m]:
        st.caption(t("attribution.undefined", lang, label=label))
        return
    if not drawn_groups(explained, m, t_index):
        st.caption(t("attribution.nothing", lang))
        return
    change = amount(float(explained.change[t_index, m]), unit, lang)
    title = (
        t(title_key, lang, label=label, change=change)
        if year is None
        else t("attribution.title_year", lang, label=label, year=year, change=change)
    )
    st.plotly_chart(
        waterfall(
            explained,
            name,
            unit,
            t_index=t_index,
            title=title,
            base_label=base_label,
            scenario_label=scenario_label,
            lang=lang,
        ),
        config=PLOTLY_CONFIG,
        key=chart_key,
    )


def kpi_popover(
    explain: Callable[[Levers], Attribution],
    levers: Levers,
    name: str,
    lang: str,
    base: str = "reference",
) -> None:
    """A 'Why this number?' button under a KPI card opening its waterfall from
    ``base`` (the KPI deltas' base: ``"reference"`` or ``"baseline"``, which
    ``explain`` must already measure from). The attribution is solved only while
    the popover is open (a slider move stays as fast as before), then cached per
    lever state."""
    popover = st.popover(
        t("attribution.why", lang),
        use_container_width=True,
        key=f"why_open_{name}",
        on_change="rerun",
    )
    with popover:
        if not popover.open:
            return
        explained = attribution_or_none(explain, levers)
        draw(
            explained,
            name,
            label=t(f"kpi.{name}.label", lang),
            unit=METRICS_BY_NAME[name].unit,
            lang=lang,
            chart_key=f"why_{name}",
            base_label=t(f"attribution.{base}", lang),
            title_key=f"attribution.title_{base}",
        )
        st.caption(t("attribution.help", lang))
        if explained is not None:
            st.caption(
                t(
                    "attribution.solved",
                    lang,
                    n=explained.solved,
                    ms=f"{1000 * explained.seconds:.0f}",
                )
            )


def seminar_waterfalls(
    explain: Callable[[Levers], Attribution],
    levers: Levers,
    names: Sequence[str],
    lang: str,
) -> None:
    """After a seminar reveal: the waterfalls of the step's numbers, in a folded
    section solved only when it is opened."""
    expander = st.expander(
        t("attribution.seminar", lang),
        expanded=False,
        key="seminar_why_open",
        on_change="rerun",
    )
    with expander:
        if not expander.open:
            return
        explained = attribution_or_none(explain, levers)
        columns = st.columns(len(names))
        for column, name in zip(columns, names, strict=True):
            with column:
                draw(
                    explained,
                    name,
                    label=metric_label(name, lang),
                    unit=METRICS_BY_NAME[name].unit,
                    lang=lang,
                    chart_key=f"seminar_why_{name}",
                )
        st.caption(t("attribution.help", lang))


def decade_year(
    timeline: tuple[tuple[int, Levers], ...],
    end: int,
    year: int,
    names: Sequence[str],
    lang: str,
    market_growth: bool = True,
) -> None:
    """On request (a toggle: it solves up to 128 paths), the Decade tab's numbers
    in ``year`` (the end year unless the year slider moved) as waterfalls from the
    no-policy path, in the market the tab shows (grown, or 2022 held fixed)."""
    if not st.toggle(
        t("attribution.decade_toggle", lang),
        key="decade_explain",
        help=t("attribution.decade_toggle_help", lang),
    ):
        return
    try:
        with st.spinner(t("attribution.decade_solving", lang)):
            explained: Attribution | None = cache.explain_path(
                timeline, end, market_growth
            )
    except ConvergenceError:
        explained = None
    except ValueError as error:  # a timeline the decade cannot solve
        st.caption(str(error))
        return
    t_index = 0 if explained is None else explained.years.index(year)
    columns = st.columns(2)
    for k, name in enumerate(names):
        with columns[k % 2]:
            draw(
                explained,
                name,
                label=t(f"views.decade.readouts.{name}", lang),
                unit=_unit(name),
                lang=lang,
                chart_key=f"decade_why_{name}",
                t_index=t_index,
                year=year,
                base_label=t("attribution.no_policy", lang),
                scenario_label=str(year),
            )
    st.caption(t("attribution.help", lang))


def _unit(name: str) -> str:
    unit = OUTPUTS_BY_NAME[name].unit
    return "ratio" if unit.startswith("ratio") else unit
