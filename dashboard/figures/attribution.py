"""Why this number: a waterfall from the reference to the scenario, one step per
lever group. Plotly only, never streamlit.

The steps are the Shapley contributions of :mod:`model.attribution`: the first bar
is the metric in the reference (the no-controls preset on the Overview, the
no-policy path on the Decade tab), each group adds its contribution, and the last
bar is the scenario's value, which the steps reach exactly. Groups that contribute
exactly nothing are left out (:func:`drawn_groups`). Nothing is computed here but
the bars' positions.
"""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from dashboard.figures.common import figure
from dashboard.i18n import format_pp, format_usd_bn, has_cjk, t
from dashboard.theme import NEUTRAL_COLOR
from model.attribution import Attribution

UP_COLOR = "#0072B2"
DOWN_COLOR = "#D55E00"
"""Steps that raise or lower the number (Okabe-Ito blue and vermilion): direction,
not good or bad, which depends on who is reading."""


AXIS_LABEL_WIDTH = 11
"""Characters per line of a bar's label before it wraps (Chinese characters,
twice as wide and without spaces, wrap at half that): a narrow popover still has
room for eight bars."""


def group_label(group: str, lang: str = "en") -> str:
    """The short name of a lever group on a waterfall's axis."""
    return t(f"attribution.groups.{group}", lang)


def _wrapped(label: str) -> str:
    if has_cjk(label):
        width = AXIS_LABEL_WIDTH // 2
        lines = [label[k : k + width] for k in range(0, len(label), width)]
    else:
        lines = textwrap.wrap(label, AXIS_LABEL_WIDTH)
    return "<br>".join(lines) or label


def drawn_groups(explained: Attribution, m: int, t_index: int = 0) -> list[str]:
    """The groups whose contribution to item ``m`` in year ``t_index`` is not 0."""
    return [
        g
        for k, g in enumerate(explained.groups)
        if explained.contributions[k, t_index, m] != 0.0
    ]


def amount(value: float, unit: str, lang: str = "en", *, signed: bool = True) -> str:
    """A level or a step in the metric's unit: pp for percentages and shares
    (a share of 0.25 is 25%), USD bn, otherwise a plain number."""
    if unit == "%":
        text = format_pp(value, lang, 2)
        return text if signed else f"{value:.2f}%"
    if unit == "share":
        return format_pp(100 * value, lang, 1) if signed else f"{100 * value:.1f}%"
    if unit == "USD bn":
        return format_usd_bn(value, lang, 2, signed=signed)
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def waterfall(
    explained: Attribution,
    name: str,
    unit: str,
    *,
    key: str = "",
    t_index: int = 0,
    title: str = "",
    base_label: str = "",
    scenario_label: str = "",
    lang: str = "en",
    height: int = 320,
) -> go.Figure:
    """The waterfall of one metric (and key) in year index ``t_index``.

    Parameters
    ----------
    explained : Attribution
        Contributions of every group; the metric must be defined in every
        coalition (``explained.defined``), else ValueError.
    name, key : str
        The metric and its region or sector ("" for a scalar).
    unit : str
        The metric's unit (%, share, USD bn, ratio...).
    title, base_label, scenario_label : str
        The chart's title and the names of the first and last bars.
    """
    m = explained.item_index(name, key)
    if not explained.defined[t_index, m]:
        raise ValueError(f"{name} has no attribution: undefined in some coalition")
    scale = 100.0 if unit == "share" else 1.0
    base = float(explained.base[t_index, m])
    scenario = float(explained.scenario[t_index, m])
    groups = drawn_groups(explained, m, t_index)
    steps = [
        float(explained.contributions[explained.groups.index(g), t_index, m])
        for g in groups
    ]
    labels = [
        base_label or t("attribution.reference", lang),
        *(group_label(g, lang) for g in groups),
        scenario_label or t("attribution.scenario", lang),
    ]
    texts = [
        amount(base, unit, lang, signed=False),
        *(amount(s, unit, lang) for s in steps),
        amount(scenario, unit, lang, signed=False),
    ]
    trace = go.Waterfall(
        x=[_wrapped(label) for label in labels],
        y=[scale * base, *(scale * s for s in steps), scale * scenario],
        measure=["absolute", *(["relative"] * len(steps)), "total"],
        text=texts,
        textposition="outside",
        cliponaxis=False,
        hovertext=texts,
        hoverinfo="x+text",
        increasing={"marker": {"color": UP_COLOR}},
        decreasing={"marker": {"color": DOWN_COLOR}},
        totals={"marker": {"color": NEUTRAL_COLOR}},
        connector={"line": {"color": "#9aa3b2", "width": 1}},
    )
    return figure(
        [trace],
        title,
        height=height,
        showlegend=False,
        margin={"l": 10, "r": 10, "t": 80 if title else 20, "b": 10},
        yaxis={"title": {"text": ""}, "automargin": True},
        xaxis={"automargin": True, "tickangle": 0},
        font={"size": 13},
    )
