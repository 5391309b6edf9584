"""Numbers as people read them: units, signs, and 'n/a' for what is undefined."""

from __future__ import annotations

import math

from model.metrics import METRICS_BY_NAME

MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~$"


def metric_value(name: str, value: float | None) -> str:
    """A metric's value with its unit; 'n/a' when undefined (NaN or None)."""
    if value is None or not math.isfinite(value):
        return "n/a"
    unit = METRICS_BY_NAME[name].unit
    if unit == "share":
        return f"{100 * value:.1f}%"
    if unit == "%":
        return f"{_number(value)}%"
    if unit == "USD bn":
        return f"{value:+.2f} USD bn"
    return f"{value:.3g} {unit.replace(' per ', '/')}"


def _number(value: float) -> str:
    """Signed, with three decimals below 1 so that small welfare changes show."""
    return f"{value:+.2f}" if abs(value) >= 1 else f"{value:+.3f}"


def metric_delta(name: str, value: float | None, reference: float | None) -> str | None:
    """Difference from the reference in the metric's unit (pp for percentages)."""
    if value is None or reference is None:
        return None
    if not (math.isfinite(value) and math.isfinite(reference)):
        return None
    unit = METRICS_BY_NAME[name].unit
    diff = value - reference
    if unit == "share":
        return f"{100 * diff:+.1f} pp vs reference"
    if unit == "%":
        return f"{_number(diff)} pp vs reference"
    if unit == "USD bn":
        return f"{diff:+.2f} USD bn vs reference"
    return f"{diff:+.3g} vs reference"


def plain(text: str) -> str:
    """Escape Markdown so that user-supplied text is shown, never interpreted."""
    return "".join("\\" + c if c in MARKDOWN_SPECIAL else c for c in text)
