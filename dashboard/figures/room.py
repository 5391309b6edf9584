"""The room's guesses at the reveal: a histogram with the model's answer marked.

The bars count the audience's guesses of the step's number (the question's
unit: % or USD bn), in at most :data:`MAX_BINS` equal bins over the question's
range; a solid line marks the model's answer, a dotted one the previous step's
answer (the point from which "the direction" is judged). Imports plotly, never
streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

from dashboard.i18n import format_number, t
from dashboard.theme import layout
from scenarios.votes import Question

MAX_BINS = 20
GUESS_COLOUR = "#6c8ebf"
ANSWER_COLOUR = "#c0392b"
BEFORE_COLOUR = "#555555"


def bin_size(question: Question) -> float:
    """A bin width: a whole number of slider steps, at most :data:`MAX_BINS` bins."""
    steps = (question.high - question.low) / question.increment
    return question.increment * max(1, math.ceil(steps / MAX_BINS))


def guesses_figure(
    guesses: Sequence[float],
    question: Question,
    answer: float,
    before: float,
    right: int,
    lang: str,
) -> go.Figure:
    """The histogram of ``guesses``; the title says how many guessed and how many
    had the direction right (``right``)."""
    size = bin_size(question)
    fig = go.Figure(
        go.Histogram(
            x=list(guesses),
            xbins={"start": question.low - size / 2, "end": question.high + size / 2}
            | {"size": size},
            marker_color=GUESS_COLOUR,
            name=t("seminar.room.guesses", lang),
            hovertemplate=t("seminar.room.hover", lang),
        )
    )
    unit = t(f"seminar.room.unit.{question.id}", lang)
    fig.update_layout(
        **layout(
            t("seminar.room.title", lang, n=len(guesses))
            + "<br>"
            + t("seminar.room.title_right", lang, right=right),
            xaxis_title_text=unit,
            yaxis_title_text=t("seminar.room.count", lang),
            showlegend=False,
            bargap=0.05,
        )
    )
    fig.update_xaxes(range=[question.low - size, question.high + size])
    fig.update_yaxes(rangemode="tozero", dtick=1 if len(guesses) < 10 else None)
    if math.isfinite(before):
        fig.add_vline(x=before, line_dash="dot", line_color=BEFORE_COLOUR)
    if math.isfinite(answer):
        fig.add_vline(
            x=answer,
            line_width=4,
            line_color=ANSWER_COLOUR,
            annotation_text=t(
                "seminar.room.model", lang, value=format_number(answer, lang, 2)
            ),
            annotation_font_color=ANSWER_COLOUR,
            annotation_position="top",
        )
    return fig
