"""Labels of scatter points that do not collide: each label takes the first of
eight places around its point where its box overlaps no other label, no marker
(the star of the scenario on screen included) and stays on the plot.

Geometry is in pixels of the plot area: a point at ``x`` on an axis spanning
``[x0, x1]`` over ``W`` pixels sits at ``(x - x0) / (x1 - x0) * W``. A label's box
is estimated from its text: ``0.55 em`` per Latin character, ``1 em`` per Chinese
one, ``1.25 em`` per line (``em`` the font size in pixels). The place is chosen
greedily, point by point; when none of the eight is free, the label moves
further out (rings 15 px apart from 30 to 300 px, 48 directions) as an
annotation with a thin leader line, and the point's own text is made
transparent (its hover keeps the name). If even that finds no room, the least
overlapping of the eight wins.
Plotly only, never streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard.i18n import has_cjk

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in plot pixels, y up
POSITIONS = (
    "middle right",
    "middle left",
    "top center",
    "bottom center",
    "top right",
    "top left",
    "bottom right",
    "bottom left",
)
PLOT_PX = (740.0, 400.0)
"""The Overview's and Trade-offs' plot area at 1280 x 720 (the smallest screen)."""
RINGS_PX = tuple(15.0 * k for k in range(2, 21))
DIRECTIONS = 48
TEXT_COLOR = "#1e2530"  # the theme's font colour
NOTE_NAME = "point-label"
"""The name of the annotations that carry moved labels."""
HIDDEN = "rgba(0,0,0,0)"
"""The colour of a point's own text whose label moved to an annotation."""
PAD_PX = 3.0
"""Free space kept around every label box (the width estimate is rough)."""
MOST_OBSTACLE_POINTS = 40
"""Marker traces with more points (the faint grid cloud) are not obstacles."""


def text_size(text: str, font_px: float) -> tuple[float, float]:
    """Estimated width and height [px] of ``text`` (``<br>`` breaks lines)."""
    lines = str(text).split("<br>") or [""]
    width = max(
        sum(font_px * (1.0 if has_cjk(c) else 0.55) for c in line) for line in lines
    )
    return width, 1.25 * font_px * len(lines)


def _box(
    px: float, py: float, size: tuple[float, float], position: str, gap: float
) -> Box:
    vertical, horizontal = position.split()
    w, h = size
    x0 = {"left": px - gap - w, "right": px + gap, "center": px - w / 2}[horizontal]
    y0 = {"bottom": py - gap - h, "top": py + gap, "middle": py - h / 2}[vertical]
    return (x0 - PAD_PX, y0 - PAD_PX, x0 + w + PAD_PX, y0 + h + PAD_PX)


def _overlap(a: Box, b: Box) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(width, 0.0) * max(height, 0.0)


def _outside(box: Box, plot_px: tuple[float, float]) -> float:
    inside = _overlap(box, (0.0, 0.0, *plot_px))
    return (box[2] - box[0]) * (box[3] - box[1]) - inside


def _to_pixels(fig: go.Figure, plot_px: tuple[float, float]):
    """Data -> plot pixels, from the axes' ranges (read once)."""
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    width, height = plot_px[0] / (x1 - x0), plot_px[1] / (y1 - y0)
    return lambda x, y: ((x - x0) * width, (y - y0) * height)


def _labelled(trace: go.Scatter) -> bool:
    return "text" in (trace.mode or "") and trace.text is not None


def _points(fig: go.Figure, plot_px: tuple[float, float]):
    """(trace, index, px, py, half marker size, label or None) of every point of
    the figure's small scatter traces (the faint grid cloud is left out)."""
    pixels = _to_pixels(fig, plot_px)
    for trace in fig.data:
        xs = trace.x if trace.type == "scatter" else None
        if xs is None or len(xs) > MOST_OBSTACLE_POINTS:
            continue
        size = trace.marker.size if trace.marker.size is not None else 6
        texts = trace.text if _labelled(trace) else None
        for k, (x, y) in enumerate(zip(xs, trace.y, strict=True)):
            px, py = pixels(x, y)
            half = float(size[k] if isinstance(size, Sequence) else size) / 2
            yield trace, k, px, py, half, None if texts is None else texts[k] or ""


def label_boxes(
    fig: go.Figure, plot_px: tuple[float, float] = PLOT_PX, font_px: float = 13
) -> tuple[list[Box], list[Box]]:
    """The boxes of the figure's point labels where they are now, and of its
    markers, in plot pixels."""
    labels: list[Box] = []
    markers: list[Box] = []
    for trace, k, px, py, half, text in _points(fig, plot_px):
        markers.append((px - half, py - half, px + half, py + half))
        if text and not _hidden(trace, k):
            where = trace.textposition
            where = where if isinstance(where, str) else where[k]
            size = text_size(text, font_px)
            labels.append(_box(px, py, size, where or "middle center", half + 2))
    pixels = _to_pixels(fig, plot_px)
    for note in fig.layout.annotations:
        if note.showarrow and note.xref in (None, "x") and note.ax is not None:
            px, py = pixels(note.x, note.y)
            labels.append(
                _centred(px + note.ax, py - note.ay, text_size(note.text, font_px))
            )
    return labels, markers


def _hidden(trace: go.Scatter, k: int) -> bool:
    colors = trace.textfont.color
    return not isinstance(colors, str) and colors is not None and colors[k] == HIDDEN


def _centred(cx: float, cy: float, size: tuple[float, float]) -> Box:
    w, h = size[0] / 2 + PAD_PX, size[1] / 2 + PAD_PX
    return (cx - w, cy - h, cx + w, cy + h)


def _far_place(
    px: float, py: float, size: tuple[float, float], taken: list[Box], plot_px
) -> tuple[float, float] | None:
    """The nearest offset (dx, dy) [px] of :data:`_OFFSETS` from the point where
    the label's box is on the plot and overlaps none of ``taken``."""
    w, h = size[0] / 2 + PAD_PX, size[1] / 2 + PAD_PX
    cx, cy = px + _OFFSETS[:, 0], py + _OFFSETS[:, 1]
    boxes = np.column_stack([cx - w, cy - h, cx + w, cy + h])
    ok = (
        (boxes[:, 0] >= 0)
        & (boxes[:, 1] >= 0)
        & (boxes[:, 2] <= plot_px[0])
        & (boxes[:, 3] <= plot_px[1])
    )
    if taken:
        other = np.asarray(taken)
        apart = (
            (boxes[:, None, 2] <= other[None, :, 0])
            | (boxes[:, None, 0] >= other[None, :, 2])
            | (boxes[:, None, 3] <= other[None, :, 1])
            | (boxes[:, None, 1] >= other[None, :, 3])
        )
        ok &= apart.all(axis=1)
    free = np.flatnonzero(ok)
    return None if free.size == 0 else tuple(_OFFSETS[free[0]])


def place_labels(
    fig: go.Figure, plot_px: tuple[float, float] = PLOT_PX, font_px: float = 13
) -> go.Figure:
    """Set ``textposition`` of every labelled scatter trace of ``fig`` (its axes
    must have explicit ranges) so that labels avoid each other and the markers.
    Placing again (other texts, another size) first undoes the last placement."""
    if any(a.name == NOTE_NAME for a in fig.layout.annotations):
        kept = [a for a in fig.layout.annotations if a.name != NOTE_NAME]
        fig.layout.annotations = kept
    for trace in fig.data:
        if trace.type == "scatter" and _labelled(trace) and trace.textfont.color:
            own = trace.textfont.color
            if not isinstance(own, str):
                trace.textfont.color = next((c for c in own if c != HIDDEN), None)
    points = list(_points(fig, plot_px))
    markers = [(px - h, py - h, px + h, py + h) for _, _, px, py, h, _ in points]
    placed: list[Box] = []
    chosen: dict[int, list[str]] = {}
    hidden: dict[int, list[int]] = {}
    notes = []
    for n, (trace, k, px, py, half, text) in enumerate(points):
        if text is None:
            continue
        size = text_size(text, font_px)
        others = markers[:n] + markers[n + 1 :]

        order = POSITIONS if px < plot_px[0] / 2 else _MIRRORED
        boxes = {p: _box(px, py, size, p, half + 2) for p in order}
        costs = {
            p: sum(_overlap(box, b) for b in (*others, *placed))
            + _outside(box, plot_px)
            for p, box in boxes.items()
        }
        free = [p for p in order if costs[p] == 0]
        best = free[0] if free else min(order, key=costs.__getitem__)
        chosen.setdefault(id(trace), []).append(best)
        if not text:
            continue
        far = None if free else _far_place(px, py, size, [*others, *placed], plot_px)
        if far is None:
            placed.append(boxes[best])
            continue
        placed.append(_centred(px + far[0], py + far[1], size))
        hidden.setdefault(id(trace), []).append(k)
        notes.append(
            {
                "x": trace.x[k],
                "y": trace.y[k],
                "ax": far[0],
                "ay": -far[1],  # plotly's ay points down
                "text": text,
                "showarrow": True,
                "arrowhead": 0,
                "arrowwidth": 1,
                "arrowcolor": "#888888",
                "font": {"size": font_px, "color": TEXT_COLOR},
                "name": NOTE_NAME,
            }
        )
    for trace in fig.data:
        if id(trace) in chosen:
            trace.textposition = chosen[id(trace)]
        if id(trace) in hidden:
            own = trace.textfont.color
            color = own if isinstance(own, str) else TEXT_COLOR
            trace.textfont.color = [
                HIDDEN if k in hidden[id(trace)] else color for k in range(len(trace.x))
            ]
    if notes:
        fig.layout.annotations = [*fig.layout.annotations, *notes]
    return fig


_OFFSETS = np.array(
    [
        (
            r * math.cos(2 * math.pi * k / DIRECTIONS),
            r * math.sin(2 * math.pi * k / DIRECTIONS),
        )
        for r in RINGS_PX
        for k in range(DIRECTIONS)
    ]
)
"""Where a label that fits none of the eight places may go, nearest first."""
_SWAP = {"left": "right", "right": "left", "center": "center"}
_MIRRORED = tuple(f"{p.split()[0]} {_SWAP[p.split()[1]]}" for p in POSITIONS)
"""The places in preference order for a point in the right half of the plot."""
