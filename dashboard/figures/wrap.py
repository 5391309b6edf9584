"""Chart titles broken into lines that fit a known width, so that Plotly never
cuts one at the figure's edge (it does not wrap titles itself).

A line's width is estimated as in :mod:`dashboard.figures.labels`: ``0.55 em``
per Latin character, ``1 em`` per Chinese one (``em`` the font size in px).
Lines break after a space or a comma, semicolon or colon, or between two Chinese
characters (never before closing punctuation); a line with no such place breaks
where it is full. ``<sup>`` text is
drawn at 70 % of the font size (Plotly's ratio).
Plotly only, never streamlit.
"""

from __future__ import annotations

import re

from dashboard.i18n import has_cjk

SUP_SCALE = 0.7
"""Plotly draws ``<sup>`` text at 70 % of the font size."""
_BREAK_AFTER = frozenset(" ,;:，；：、。")
_NO_BREAK_BEFORE = frozenset(",;:.)%，；：、。）」")
_SUP = re.compile(r"^<sup>(?P<text>.*)</sup>$")


def _px(char: str, font_px: float) -> float:
    return font_px * (1.0 if has_cjk(char) else 0.55)


def wrap_text(text: str, max_px: float, font_px: float) -> list[str]:
    """``text`` (one line, no tags) as lines each at most ``max_px`` wide."""
    lines: list[str] = []
    line, width, cut = "", 0.0, 0  # cut: the last place in ``line`` to break at
    for char in text:
        if width + _px(char, font_px) > max_px and line:
            head = line[:cut] if cut else line
            lines.append(head.rstrip())
            line = line[len(head) :].lstrip()
            width, cut = sum(_px(c, font_px) for c in line), 0
        if (
            has_cjk(char)
            and line
            and has_cjk(line[-1])
            and char not in _NO_BREAK_BEFORE
        ):
            cut = len(line)
        line += char
        width += _px(char, font_px)
        if char in _BREAK_AFTER:
            cut = len(line)
    return [*lines, line.rstrip()] if line.strip() or not lines else lines


def wrap_title(title: str, max_px: float, font_px: float) -> str:
    """A Plotly title (lines split by ``<br>``, a line possibly wrapped whole in
    ``<sup>``) with each line broken to fit ``max_px`` at ``font_px``."""
    out: list[str] = []
    for line in title.split("<br>"):
        sup = _SUP.match(line)
        if sup:
            parts = wrap_text(sup["text"], max_px, SUP_SCALE * font_px)
            out.extend(f"<sup>{part}</sup>" for part in parts)
        else:
            out.extend(wrap_text(line, max_px, font_px))
    return "<br>".join(out)
