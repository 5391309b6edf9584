"""Helpers shared by the figure modules: the theme's layout, signed numbers, labels
that stay on the plot.

The template, colours and fonts themselves are in :mod:`dashboard.theme`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.theme import layout as theme_layout


def styled(fig: go.Figure, title: str, **layout: object) -> go.Figure:
    """``fig`` with the theme's layout, ``title`` and ``layout`` applied."""
    fig.update_layout(**theme_layout(title, **layout))
    return fig


def figure(data: list, title: str, **layout: object) -> go.Figure:
    """A figure with its layout given at construction: several times faster than
    ``update_layout`` (the tabs redraw these on every rerun)."""
    return go.Figure(
        data=data,
        layout=theme_layout(title, **layout),
    )


def signed(value: float, unit: str = "%", digits: int = 2) -> str:
    """``value`` with its sign and ``digits`` decimals, then ``unit``: '+1.25%'."""
    return f"{value:+.{digits}f}{unit}"


def signed_cells(values: np.ndarray, digits: int = 2, suffix: str = "") -> np.ndarray:
    """Cell texts of a heat map: signed with ``digits`` decimals, but a value that
    rounds to zero is written "0.00", never "-0.00" or "+0.00"."""
    rounded = np.round(np.nan_to_num(values), digits) + 0.0
    texts = np.char.mod(f"%+.{digits}f", rounded)
    zero = f"{0:.{digits}f}"
    return np.char.add(np.where(rounded == 0, zero, texts), suffix)


def label_sides(x: np.ndarray, x_range: tuple[float, float]) -> list[str]:
    """Labels point inward: left of points in the right half, right of the others,
    so that no label runs off the plot."""
    middle = (x_range[0] + x_range[1]) / 2
    return ["middle left" if v > middle else "middle right" for v in x]


def finite_list(values: np.ndarray) -> list[float | None]:
    """``values`` as a list for a trace, NaN and inf as None (a gap in the line)."""
    return [float(v) if np.isfinite(v) else None for v in values]
