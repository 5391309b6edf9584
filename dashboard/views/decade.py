"""Decade tab: where the decisive decade heads, and how sure we can be.

Yearly paths of :mod:`model.dynamics` from 2022 to a chosen end year against the
market trend (:mod:`model.market_trend`; the sidebar's ``market_growth`` off: the
2022 market held fixed), with Monte Carlo bands (:mod:`model.uncertainty`; draws,
seed and failures reported), a "controls only" line (China's answers at their
defaults), the dated policy events of the built-in presets, a year slider that
moves every chart's cursor and readouts, a tornado chart of any output in the
chosen year, and the trend with its sources. Solves are cached per server
(``st.cache_resource``) keyed by the timeline's lever values and the end year: in
"follow the real timeline" mode the key does not depend on the sidebar (only on
its elasticity set), so every session shares one solve.

Widget keys: ``decade_mode``, ``decade_start``, ``decade_end``, ``decade_bands``,
``decade_year``, ``decade_metric``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.context import ViewContext
from dashboard.explain import decade_year
from dashboard.figures import decade as fd
from dashboard.figures import decade_text, decade_tornado, decade_trend
from dashboard.format import plain
from dashboard.i18n import (
    data_text,
    dynamic_parameter,
    format_usd_bn,
    lever_label,
    scenario_text,
    t,
    unit,
)
from dashboard.theme import PLOTLY_CONFIG
from model import dynamics, uncertainty
from model.data import Baseline
from model.decade_outputs import OUTPUTS, OUTPUTS_BY_NAME, DecadePath
from model.dynamic_parameters import DYNAMIC_PARAMETERS
from model.levers import Levers, LeverValue
from model.market_trend import load_trend
from model.timeline import (
    BASE_YEAR,
    DEFAULT_END_YEAR,
    LAST_YEAR,
    scenario_timeline,
    without_group,
)
from scenarios.schema import Scenario

REAL = "real"
SCENARIO = "scenario"
MODES = {REAL: "Follow the real timeline", SCENARIO: "This scenario from a start year"}

EVENT_LABELS: dict[str, str] = {
    "no_controls": "Before the trade war",
    "trade_war_2018_2020": "Trade-war tariffs, phase one",
    "oct_2022_rule": "Oct 2022: AI chips and advanced tools",
    "allied_alignment_2023": "Jul 2023: Japan, Netherlands join",
    "oct_2023_update": "Oct 2023: thresholds tightened",
    "dec_2024_hbm": "Dec 2024: HBM, more tools",
    "china_answers": "Dec 2024: China answers (Big Fund III)",
}
"""Short event labels in our own words; the presets hold the citations."""

READOUTS: dict[str, str] = {
    "china_tech_capability_ratio": "China's capability",
    "cumulative_coalition_revenue_lost_usd_bn": "Coalition sales lost",
    "coalition_tech_revenue_change_usd_bn": "Coalition sales",
    "world_welfare_change_pct": "World welfare",
}
"""Per-year readouts above the charts: output and short label."""
MODE_KEYS = {REAL: "views.decade.mode_real", SCENARIO: "views.decade.mode_scenario"}
"""The texts of :data:`MODES`, by key."""
TORNADO_CHOICES = tuple(o.name for o in OUTPUTS if o.by == "scalar") + tuple(
    f"welfare_change_pct:{r}" for r in ("USA", "CHN")
)

BANDS_BY_DEFAULT = True
"""Whether the Monte Carlo bands are on when a session opens. With supply chains
they cost about 6 s (200 draws, measured December 2026; 1.5 s without) once per
server in the real-timeline mode (then cached for every session), and on every
lever change in this-scenario mode, where a presenter may want them off."""

LeverTimeline = tuple[tuple[int, Levers], ...]
"""A timeline as the caches key it: (entry year, lever state) pairs."""


def _event_year(scenario: Scenario) -> int | None:
    as_of = scenario.as_of
    if isinstance(as_of, dt.date):
        return as_of.year
    return int(as_of) if as_of is not None else None


def _as_of(scenario: Scenario) -> str:
    return str(scenario.as_of)


def real_timeline(
    presets: Mapping[str, Scenario],
    elasticities: LeverValue = "central",
    lang: str = "en",
) -> tuple[LeverTimeline, list[fd.PolicyEvent]]:
    """The dated built-in presets as a timeline (by date) and as chart events.

    Each state keeps the sidebar's elasticity set, an assumption, not a policy.
    """
    dated = sorted(
        (s for s in presets.values() if _event_year(s) is not None), key=_as_of
    )
    timeline = tuple(
        (_event_year(s), s.levers() | {"elasticities": elasticities}) for s in dated
    )
    events = [
        fd.PolicyEvent(
            year=_event_year(s),
            preset_id=s.id,
            label=_event_label(s, lang),
            name=scenario_text(s, "name", lang),
        )
        for s in dated
    ]
    return timeline, events


def _event_label(scenario: Scenario, lang: str) -> str:
    if scenario.id in EVENT_LABELS:
        return t(f"views.decade.events_labels.{scenario.id}", lang)
    return scenario_text(scenario, "name", lang)


@st.cache_resource(max_entries=64, show_spinner=False)
def _path(
    timeline: LeverTimeline, end: int, grow: bool, _baseline: Baseline
) -> DecadePath:
    return dynamics.simulate_path(timeline, end, baseline=_baseline, market_growth=grow)


@st.cache_resource(max_entries=16, show_spinner=False)
def _bands(
    timeline: LeverTimeline, end: int, draws: int, grow: bool, _baseline: Baseline
) -> uncertainty.Bands:
    return uncertainty.monte_carlo(
        timeline,
        end,
        draws,
        uncertainty.DEFAULT_SEED,
        baseline=_baseline,
        market_growth=grow,
    )


@st.cache_resource(max_entries=32, show_spinner=False)
def _tornado(
    timeline: LeverTimeline, end: int, grow: bool, _baseline: Baseline
) -> uncertainty.TornadoPaths:
    return uncertainty.tornado_paths(
        timeline, end, baseline=_baseline, market_growth=grow
    )


def _controls(lang: str = "en") -> tuple[str, int, int, bool]:
    """Mode, start year, end year, bands on: the tab's own widgets."""
    st.session_state.setdefault("decade_mode", REAL)
    st.session_state.setdefault("decade_end", DEFAULT_END_YEAR)
    st.session_state.setdefault("decade_start", BASE_YEAR)
    st.session_state.setdefault("decade_bands", BANDS_BY_DEFAULT)
    left, middle, right, last = st.columns([3, 1.2, 1.2, 1.6])
    mode = left.segmented_control(
        t("views.decade.mode", lang),
        list(MODES),
        format_func=lambda mode: t(MODE_KEYS[mode], lang),
        key="decade_mode",
        help=t("views.decade.mode_help", lang),
    )
    mode = mode or REAL
    end = int(
        right.number_input(
            t("views.decade.end_year", lang),
            min_value=BASE_YEAR + 1,
            max_value=LAST_YEAR,
            step=1,
            key="decade_end",
        )
    )
    if st.session_state["decade_start"] > end:
        st.session_state["decade_start"] = end
    start = int(
        middle.number_input(
            t("views.decade.start_year", lang),
            min_value=BASE_YEAR,
            max_value=end,
            step=1,
            key="decade_start",
            disabled=mode == REAL,
            help=t("views.decade.start_year_help", lang),
        )
    )
    bands = last.toggle(
        t("views.decade.bands", lang),
        key="decade_bands",
        help=t("views.decade.bands_help", lang, n=uncertainty.DEFAULT_DRAWS),
    )
    return mode, start, end, bands


def render(ctx: ViewContext) -> None:
    """The decade tab.

    Reads from ``ctx`` the sidebar's ``levers`` (this-scenario mode; the real
    timeline takes only their ``elasticities``), the ``builtin_presets`` (the dated
    ones form the real timeline) and the 2022 ``baseline``.
    """
    levers, presets, baseline = ctx.levers, ctx.builtin_presets, ctx.baseline
    lang = ctx.lang
    st.subheader(t("views.decade.header", lang))
    mode, start, end, show_bands = _controls(lang)
    if mode == REAL:
        timeline, events = real_timeline(presets, levers["elasticities"], lang)
    else:
        timeline = tuple(scenario_timeline(levers, start))
        events = [
            fd.PolicyEvent(
                start, "this_scenario", t("views.decade.scenario_starts", lang)
            )
        ]
    grow = bool(levers["market_growth"])
    if not grow:
        lever = lever_label("market_growth", lang)
        st.info(t("views.decade.market_fixed_note", lang, lever=lever))
    draws = uncertainty.DEFAULT_DRAWS
    try:
        with st.spinner(t("views.decade.solving_path", lang)):
            path = _path(timeline, end, grow, baseline)
            tornado = _tornado(timeline, end, grow, baseline)
            contrast_timeline = tuple(without_group(timeline, "china"))
            contrast = None
            if contrast_timeline != timeline:
                contrast = _path(contrast_timeline, end, grow, baseline)
        bands = None
        if show_bands:
            with st.spinner(t("views.decade.solving_bands", lang, n=draws)):
                bands = _bands(timeline, end, draws, grow, baseline)
    except ValueError as error:
        st.error(t("views.decade.no_path", lang, error=plain(str(error))))
        return
    _report_failures(path, bands, lang)

    years = path.years
    st.session_state.setdefault("decade_year", years[-1])
    if not years[0] <= st.session_state["decade_year"] <= years[-1]:
        st.session_state["decade_year"] = years[-1]
    year = st.slider(
        t("views.decade.year", lang),
        min_value=years[0],
        max_value=years[-1],
        step=1,
        key="decade_year",
        help=t("views.decade.year_help", lang),
    )
    _readouts(path, bands, year, lang)
    decade_year(timeline, end, year, tuple(READOUTS), lang, market_growth=grow)

    st.plotly_chart(
        fd.path_figure(
            path,
            "china_tech_capability_ratio",
            year=year,
            events=events,
            bands=bands,
            contrast=contrast,
            contrast_label=t("views.decade.answers_line", lang),
            lang=lang,
        ),
        config=PLOTLY_CONFIG,
        key="decade_capability",
    )
    if contrast is not None:
        _answers_caption(path, contrast, year, lang)
    st.plotly_chart(
        fd.path_figure(
            path,
            "cumulative_coalition_revenue_lost_usd_bn",
            year=year,
            events=events,
            bands=bands,
            color=fd.COALITION_COLOR,
            lang=lang,
        ),
        config=PLOTLY_CONFIG,
        key="decade_revenue",
    )
    left, right = st.columns(2)
    left.plotly_chart(
        fd.self_sufficiency_figure(path, year=year, events=events, lang=lang),
        config=PLOTLY_CONFIG,
        key="decade_self_sufficiency",
    )
    right.plotly_chart(
        fd.welfare_figure(path, year=year, events=events, lang=lang),
        config=PLOTLY_CONFIG,
        key="decade_welfare",
    )

    st.session_state.setdefault("decade_metric", "china_tech_capability_ratio")
    choice = st.selectbox(
        t("views.decade.tornado", lang),
        TORNADO_CHOICES,
        format_func=lambda choice: _choice_label(choice, lang),
        key="decade_metric",
    )
    name, _, region = choice.partition(":")
    region = region or None
    st.plotly_chart(
        decade_tornado.tornado_figure(
            tornado.table(name, year, region),
            name=name,
            year=year,
            key=region,
            lang=lang,
        ),
        config=PLOTLY_CONFIG,
        key="decade_tornado",
    )
    _events_table(events, years, lang)
    _trend(baseline, years, lang)
    _method(lang)


def _choice_label(choice: str, lang: str = "en") -> str:
    name, _, region = choice.partition(":")
    return decade_text.output_label(name, region or None, lang)


def _report_failures(
    path: DecadePath, bands: uncertainty.Bands | None, lang: str = "en"
) -> None:
    failed = np.flatnonzero(~path.converged[0])
    if failed.size:
        st.error(t("views.decade.path_failed", lang, year=path.years[failed[0]]))
    if bands is None:
        return
    failed = int(bands.failed.max())
    draws, seed = bands.paths.size, bands.seed
    st.caption(
        t("views.decade.draws_report", lang, draws=draws, seed=seed, failed=failed)
    )
    if failed:
        st.warning(t("views.decade.draws_failed", lang, failed=failed, draws=draws))


def _answers_caption(
    path: DecadePath, contrast: DecadePath, year: int, lang: str = "en"
) -> None:
    """The controls' effect apart from China's own answers, in ``year``."""
    now = path.year_index(year)

    def value(p: DecadePath, name: str) -> str:
        return decade_text.format_value(name, p.values[name][0, now], lang)

    capability, welfare = "china_tech_capability_ratio", "world_welfare_change_pct"
    st.caption(
        t(
            "views.decade.answers_caption",
            lang,
            year=year,
            controls=value(contrast, capability),
            answers=value(path, capability),
            w_controls=value(contrast, welfare),
            w_answers=value(path, welfare),
        )
    )


def _trend(baseline: Baseline, years: Sequence[int], lang: str = "en") -> None:
    """The market trend every year is solved against, and its sources."""
    with st.expander(t("views.decade.trend", lang), expanded=False):
        st.plotly_chart(
            decade_trend.trend_figure(baseline, tuple(years), lang),
            config=PLOTLY_CONFIG,
            key="decade_trend",
        )
        st.caption(t("views.decade.trend_caption", lang))
        st.markdown(f"**{t('views.decade.trend_sources', lang)}**")
        headers = {
            "id": "views.decade.columns.source_id",
            "citation": "views.decade.columns.citation",
            "figures_used": "views.decade.columns.figures_used",
        }
        st.dataframe(
            pd.DataFrame(_trend_sources(lang))[list(headers)],
            hide_index=True,
            key="decade_trend_sources",
            column_config={
                c: st.column_config.Column(t(k, lang)) for c, k in headers.items()
            },
        )


def _trend_sources(lang: str) -> list[dict[str, str]]:
    """The trend's sources in ``lang``: notes and assumptions translated where the
    data translation table has them, a source's citation as published."""
    return [
        source
        | {
            "citation": source["citation"]
            if source.get("kind") == "source"
            else data_text("trend_sources", source["citation"], lang),
            "figures_used": data_text("trend_sources", source["figures_used"], lang),
        }
        for source in load_trend().sources
    ]


def _readouts(
    path: DecadePath,
    bands: uncertainty.Bands | None,
    year: int,
    lang: str = "en",
) -> None:
    now = path.year_index(year)
    columns = st.columns(len(READOUTS))
    for column, name in zip(columns, READOUTS, strict=True):
        value = path.values[name][0, now]
        help_text = t(
            "charts.decade.in_year",
            lang,
            name=decade_text.output_label(name, None, lang),
            year=year,
        )
        if bands is not None:
            q = bands.band(name)
            help_text += t(
                "views.decade.readout_band",
                lang,
                low=decade_text.format_value(name, q[0, now], lang),
                high=decade_text.format_value(name, q[2, now], lang),
            )
        column.metric(
            t(
                "views.decade.readout_label",
                lang,
                label=t(f"views.decade.readouts.{name}", lang),
                year=year,
            ),
            _compact(name, value, lang),
            help=help_text,
            border=True,
        )


def _compact(name: str, value: float, lang: str = "en") -> str:
    """A readout short enough for a metric card."""
    if np.isfinite(value) and OUTPUTS_BY_NAME[name].unit == "USD bn":
        sign = "" if name.startswith("cumulative") else "+"
        if abs(value) >= 1000:  # a 2030s market: USD tn fits the card
            return t("format.usd_tn", lang, value=f"{value / 1000:{sign}.2f}")
        digits = 0 if abs(value) >= 10 else 1
        return format_usd_bn(value, lang, digits, signed=bool(sign))
    return decade_text.format_value(name, value, lang)


def _events_table(
    events: Sequence[fd.PolicyEvent], years: Sequence[int], lang: str = "en"
) -> None:
    with st.expander(t("views.decade.events", lang), expanded=False):
        frame = pd.DataFrame(
            {
                "year": [e.year for e in events],
                "event": [e.label for e in events],
                "preset": [e.preset_id for e in events],
                "preset name": [e.name for e in events],
                "on the chart": [years[0] <= e.year <= years[-1] for e in events],
            }
        )
        headers = {
            "year": "views.decade.columns.year",
            "event": "views.decade.columns.event",
            "preset": "views.decade.columns.preset",
            "preset name": "views.decade.columns.preset_name",
            "on the chart": "views.decade.columns.on_chart",
        }
        st.dataframe(
            frame,
            hide_index=True,
            key="decade_events",
            column_config={
                c: st.column_config.Column(t(k, lang)) for c, k in headers.items()
            },
        )
        st.caption(t("views.decade.events_caption", lang))


def _method(lang: str = "en") -> None:
    with st.expander(t("views.decade.method", lang), expanded=False):
        st.markdown(t("views.decade.method_text", lang))
        parameters = DYNAMIC_PARAMETERS
        headers = {
            "parameter": "views.decade.columns.parameter",
            "default": "views.decade.columns.default",
            "range": "views.decade.columns.range",
            "unit": "views.decade.columns.unit",
            "reasoning": "views.decade.columns.reasoning",
        }
        st.dataframe(
            pd.DataFrame(
                {
                    "parameter": [
                        dynamic_parameter(p.name, "label", lang) or p.label
                        for p in parameters
                    ],
                    "default": [p.default for p in parameters],
                    "range": [
                        t("format.range", lang, low=f"{p.low:g}", high=f"{p.high:g}")
                        for p in parameters
                    ],
                    "unit": [unit(p.unit, lang) for p in parameters],
                    "reasoning": [
                        dynamic_parameter(p.name, "reasoning", lang) or p.reasoning
                        for p in parameters
                    ],
                }
            ),
            hide_index=True,
            key="decade_parameters",
            column_config={
                c: st.column_config.Column(t(k, lang)) for c, k in headers.items()
            },
        )
