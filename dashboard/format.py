"""Numbers as people read them: units, signs, and 'n/a' for what is undefined."""

from __future__ import annotations

import math
import unicodedata

from dashboard.i18n import format_usd_bn, t
from dashboard.i18n import unit as unit_text
from model.metrics import METRICS_BY_NAME

MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~$"
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Invisible characters that reorder the text around them."""


def metric_value(name: str, value: float | None, lang: str = "en") -> str:
    """A metric's value with its unit; 'n/a' when undefined (NaN or None)."""
    if value is None or not math.isfinite(value):
        return t("format.na", lang)
    unit = METRICS_BY_NAME[name].unit
    if unit == "share":
        return f"{100 * value:.1f}%"
    if unit == "%":
        return f"{_number(value)}%"
    if unit == "USD bn":
        return format_usd_bn(value, lang)
    return f"{value:.3g} {unit_text(unit, lang).replace(' per ', '/')}"


def _number(value: float) -> str:
    """Signed, with three decimals below 1 so that small welfare changes show."""
    return f"{value:+.2f}" if abs(value) >= 1 else f"{value:+.3f}"


def metric_delta(
    name: str,
    value: float | None,
    reference: float | None,
    lang: str = "en",
    versus: str = "format.vs_reference",
) -> str | None:
    """Difference from the reference in the metric's unit (pp for percentages);
    ``versus`` is the text that names the base (the 2022 baseline or the
    no-controls reference)."""
    if value is None or reference is None:
        return None
    if not (math.isfinite(value) and math.isfinite(reference)):
        return None
    unit = METRICS_BY_NAME[name].unit
    diff = value - reference
    if unit == "share":
        text = t("format.pp", lang, value=f"{100 * diff:+.1f}")
    elif unit == "%":
        text = t("format.pp", lang, value=_number(diff))
    elif unit == "USD bn":
        text = format_usd_bn(diff, lang)
    else:
        text = f"{diff:+.3g}"
    return t(versus, lang, value=text)


def plain(text: str) -> str:
    """Escape Markdown so that user-supplied text is shown, never interpreted.

    Control characters (a newline, an escape sequence) and bidi overrides are
    shown as their escape, e.g. ``\\x1b``, so they cannot break the text into
    blocks, hide or reorder it.
    """
    return "".join(_plain_char(c) for c in text)


def _plain_char(char: str) -> str:
    if char in MARKDOWN_SPECIAL:
        return "\\" + char
    if unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS:
        # repr gives backslash-x1b; the backslash itself is escaped for Markdown
        return "\\" + repr(char)[1:-1]
    return char
