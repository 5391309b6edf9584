"""The decade tab's outputs in words: labels with units, values as people read
them, the subject of a chart's title, tornado parameters. Text only: used by the
decade figures and by the view's readouts alike.
"""

from __future__ import annotations

import numpy as np

from dashboard import i18n
from dashboard.i18n import dynamic_parameter, region, sector, t
from model.decade_outputs import OUTPUTS_BY_NAME

AXIS_TITLE_KEYS: dict[str, str] = {
    "china_tech_capability_ratio": "charts.decade.axis_capability",
    "cumulative_coalition_revenue_lost_usd_bn": "charts.decade.axis_cumulative",
}
"""Shorter axis titles than :func:`output_label` gives, by translation key."""


def axis_title(name: str, key: str | None = None, lang: str = "en") -> str:
    """A short axis title: the output's label and unit."""
    if name in AXIS_TITLE_KEYS:
        return t(AXIS_TITLE_KEYS[name], lang)
    return output_label(name, key, lang)


def _part(name: str, key: str, lang: str) -> str:
    """The sector or region an output is shown for, by name."""
    if OUTPUTS_BY_NAME[name].by == "sector":
        return sector(key, lang)
    return region(key, lang)


def output_label(name: str, key: str | None = None, lang: str = "en") -> str:
    """A readable label of an output (and its sector or region) with its unit."""
    info = OUTPUTS_BY_NAME[name]
    label = i18n.output_label(name, lang) if lang != "en" else info.label
    unit = i18n.unit(info.unit, lang)
    if key is None:
        return t("views.decade.output_label", lang, label=label, unit=unit)
    return t(
        "views.decade.output_label_part",
        lang,
        label=label,
        part=_part(name, key, lang),
        unit=unit,
    )


def format_value(name: str, value: float, lang: str = "en") -> str:
    """A value in its output's unit, as people read it; 'n/a' when undefined."""
    if not np.isfinite(value):
        return t("format.na", lang)
    unit = OUTPUTS_BY_NAME[name].unit
    if unit.startswith("ratio"):
        return t("format.times", lang, value=f"{value:.3f}")
    if unit == "share":
        return f"{100 * value:.1f}%"
    if unit == "%":
        return f"{value:+.3f}%" if abs(value) < 1 else f"{value:+.2f}%"
    if unit == "USD bn" and name.startswith("cumulative"):
        return i18n.format_usd_bn(value, lang, 1, signed=False)
    if unit == "USD bn":
        return i18n.format_usd_bn(value, lang, 2)
    return f"{value:.3g} {i18n.unit(unit, lang)}"


HEADLINE_KEYS: dict[str, str] = {
    "china_tech_capability_ratio": "charts.decade.headline_capability",
    "cumulative_coalition_revenue_lost_usd_bn": "charts.decade.headline_cumulative",
    "coalition_tech_revenue_change_usd_bn": "charts.decade.headline_revenue",
}
"""Path titles that read better than "<subject> is", by translation key."""


def headline(name: str, key: str | None, lang: str = "en") -> str:
    """The start of a path chart's title: what the output is, in ``lang``."""
    if name in HEADLINE_KEYS:
        return t(HEADLINE_KEYS[name], lang)
    return t("charts.decade.subject", lang, subject=subject(name, key, lang))


def subject(name: str, key: str | None, lang: str = "en") -> str:
    """The output as the subject of a sentence: 'China's technology capability'."""
    info = OUTPUTS_BY_NAME[name]
    label = i18n.output_label(name, lang) if lang != "en" else info.label
    if key is None:
        return label
    return label + t("ui.list_separator", lang) + _part(name, key, lang)


def parameter_label(parameter: str, label: str, lang: str = "en") -> str:
    """A tornado parameter's label in ``lang``: "theta_<sector>" (by the sector's
    name, never its code) or a dynamic parameter of
    :mod:`model.dynamic_parameters`; anything else keeps ``label``."""
    if parameter.startswith("theta_"):
        code = parameter.removeprefix("theta_")
        return t("charts.decade.theta_label", lang, sector=sector(code, lang))
    if lang == "en":
        return label
    return dynamic_parameter(parameter, "label", lang) or label
