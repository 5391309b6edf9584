"""Seminar steps: which preset each step shows, what it says and which numbers it
reveals. Pure: no streamlit, no plotly (the view is :mod:`dashboard.views.seminar`).

A storyline is an ordered list of :class:`Step`: by default the real policy
timeline and then the contrasting designs, from ``content/storyline.json``, each
with the one big chart its reveal shows (:data:`CHARTS`). Each built-in step's
narrative and question are in the language files (``seminar.narratives.<id>``,
``seminar.questions.<id>``); its citations are the preset's own. A presenter's
own list of ids, and the saved one, are read and checked by
:mod:`scenarios.storylines`.

Steps are numbered from 1. A step asked for by the link (``?step=3``) that is not
a number or is out of range is step 1 (:func:`parse_step`). A reveal shows the
three numbers of :data:`KPIS`, each with its change from the previous step
(:func:`kpi_texts`). Before the reveal the room may guess one of them
(:func:`guess_for`: the ``guess`` of the step in ``content/storyline.json``, else
:data:`DEFAULT_GUESS`); the model's answer is that number under the step's preset
(:func:`model_answer`), and a guess has the direction right when it moves from the
previous step's answer the same way as the model's (:func:`direction_right`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.format import plain
from dashboard.i18n import (
    format_date,
    format_percent,
    format_pp,
    format_usd_bn,
    has,
    preset_text,
    t,
)
from model.simulation import Simulation
from scenarios.schema import Scenario
from scenarios.storylines import split_ids
from scenarios.votes import Question

STORYLINE_CONTENT = Path(__file__).resolve().parent / "content" / "storyline.json"
CHARTS: tuple[str, ...] = ("map", "welfare", "reality")
DEFAULT_CHART = "map"
MAX_SHOWN_ID = 40
MAX_LISTED_IDS = 10

KPIS: tuple[tuple[str, str], ...] = (
    ("china_prices", "china_tech_price_change_pct"),
    ("coalition_welfare", "coalition_welfare_change_usd_bn"),
    ("backfill", "backfill_share"),
)
"""The three numbers a step reveals: (seminar.kpi key, metric)."""
GUESS_SCALE = {"backfill": 100.0}
"""Metric -> the number the room guesses: backfill is guessed in % (share x 100);
the others as the metric is (China's prices in %, coalition welfare in USD bn)."""
DEFAULT_GUESS = Question("china_prices", -5.0, 50.0, 0.5)
"""The guess of a step the default storyline does not describe."""


@dataclass(frozen=True)
class Step:
    """One step of a storyline: a preset and the chart its reveal shows."""

    preset: str
    chart: str = DEFAULT_CHART
    text: str | None = None
    """The id of the step's own title, narrative and question
    (``seminar.titles.<text>``, ...) when they are not its preset's: the Reality
    check step shows a preset's numbers but tells its own story."""


# --- storylines ---------------------------------------------------------------------


def default_storyline() -> list[Step]:
    """The policy timeline and the contrasts, from content/storyline.json."""
    data = json.loads(STORYLINE_CONTENT.read_text(encoding="utf-8"))
    return [
        Step(item["preset"], item.get("chart", DEFAULT_CHART), item.get("text"))
        for item in data["steps"]
    ]


def guess_for(preset_id: str) -> Question:
    """What the room guesses at a preset's step: the default storyline's ``guess``,
    else :data:`DEFAULT_GUESS`."""
    data = json.loads(STORYLINE_CONTENT.read_text(encoding="utf-8"))
    for item in data["steps"]:
        if item["preset"] == preset_id and "guess" in item:
            g = item["guess"]
            return Question(
                g["kpi"], float(g["low"]), float(g["high"]), float(g["increment"])
            )
    return DEFAULT_GUESS


def chart_for(preset_id: str) -> str:
    """The chart of a preset's step: as in the default storyline, else the map."""
    charts = {s.preset: s.chart for s in default_storyline() if s.text is None}
    return charts.get(preset_id, DEFAULT_CHART)


def steps_for(ids: Iterable[str]) -> list[Step]:
    """A storyline of these preset ids, each with its chart (:func:`chart_for`)."""
    return [Step(i, chart_for(i)) for i in ids]


def default_steps(presets: Mapping[str, object]) -> list[Step]:
    """The default storyline without the steps whose preset is not in ``presets``."""
    return [s for s in default_storyline() if s.preset in presets]


def opening_storyline(
    presets: Mapping[str, object], saved: Sequence[str] | None
) -> tuple[list[Step], list[str]]:
    """The storyline a session opens with, and the unknown ids of ``saved``.

    The saved storyline's known ids if it has any, else the default storyline;
    if no preset of that exists either, every preset in order.
    """
    steps = default_steps(presets)
    unknown: list[str] = []
    if saved is not None:
        known, unknown = split_ids(saved, presets)
        if known:
            steps = steps_for(known)
    if not steps:  # no storyline preset exists at all: every preset, in order
        steps = steps_for(presets)
    return steps, unknown


def playable_steps(
    storyline: Iterable[Step], presets: Mapping[str, Scenario]
) -> list[Step]:
    """The steps whose preset exists; the first preset alone if there are none."""
    return [s for s in storyline if s.preset in presets] or [Step(next(iter(presets)))]


# --- the step on screen -------------------------------------------------------------


def parse_step(raw: object, total: int) -> tuple[int, bool]:
    """The 1-based step a URL asks for -> (step, valid); junk or out of range ->
    (1, False)."""
    text = str(raw).strip()
    if re.fullmatch(r"\d{1,6}", text) and 1 <= int(text) <= total:
        return int(text), True
    return 1, False


def clamp_step(step: int, total: int) -> int:
    """``step`` moved into 1..``total``."""
    return min(max(step, 1), total)


def left_behind(previous: Sequence[Any] | None, shown: tuple[int, str]) -> str | None:
    """The preset of the step on screen before ``shown`` (step, preset), if the
    step on screen changed; the replay shows it as "before". None otherwise."""
    if previous is not None and tuple(previous) != shown:
        return previous[1]
    return None


# --- texts --------------------------------------------------------------------------


def shown_text(text: object) -> str:
    """User text quoted in a message: shortened and Markdown-escaped."""
    short = str(text)
    if len(short) > MAX_SHOWN_ID:
        short = short[:MAX_SHOWN_ID] + "..."
    return plain(short)


def unknown_ids_message(unknown: Sequence[str], lang: str) -> str:
    """The notice for storyline ids that name no preset (the first ten)."""
    shown = ", ".join(shown_text(i) for i in unknown[:MAX_LISTED_IDS])
    if len(unknown) > MAX_LISTED_IDS:
        shown += ", ..."
    return t("seminar.storyline.unknown", lang, ids=shown)


def preset_name(preset_id: str, presets: Mapping[str, Scenario], lang: str) -> str:
    """A preset's name in ``lang`` (not Markdown-escaped)."""
    scenario = presets.get(preset_id)
    default = scenario.name if scenario is not None else preset_id
    return preset_text(preset_id, "name", lang, default)


def step_title(step: Step, scenario: Scenario, lang: str) -> str:
    """The step's heading (not Markdown-escaped): its own title, else its
    preset's name."""
    if step.text is not None:
        return t(f"seminar.titles.{step.text}", lang)
    return preset_name(step.preset, {step.preset: scenario}, lang)


def step_caption(step_no: int, total: int, scenario: Scenario, lang: str) -> str:
    """ "Step 3 of 11 · as of <date>" (Markdown)."""
    when = (
        t("seminar.as_of", lang, date=format_date(scenario.as_of, lang))
        if scenario.as_of is not None
        else t("seminar.undated", lang)
    )
    return f"{t('seminar.step_of', lang, step=step_no, total=total)} · {when}"


def step_narrative(step: Step, scenario: Scenario, lang: str) -> str | None:
    """The step's narrative (Markdown): ours, else the preset's description."""
    narrative = f"seminar.narratives.{step.text or step.preset}"
    if has(narrative):
        return t(narrative, lang)
    if scenario.description:
        return plain(scenario.description)
    return None


def step_question(step: Step, lang: str) -> str:
    """The question to the room before the reveal."""
    key = f"seminar.questions.{step.text or step.preset}"
    return t(key, lang) if has(key) else t("seminar.default_question", lang)


# --- the numbers a step reveals -----------------------------------------------------


def kpi_texts(
    sim: Simulation, previous: Simulation | None, lang: str
) -> list[tuple[str, str, str | None]]:
    """(label, value, change from the previous step or None) of the three KPIs."""
    out = []
    for key, metric in KPIS:
        value = sim.metrics.scalar(metric)
        if metric == "coalition_welfare_change_usd_bn":
            shown = format_usd_bn(value, lang, 2)
            change = format_usd_bn
        elif metric == "backfill_share":
            shown = format_percent(value, lang, 0, signed=False, share=True)
            change = _backfill_change
        else:
            shown = format_percent(value, lang, 2)
            change = _price_change
        delta = None
        if previous is not None:
            diff = value - previous.metrics.scalar(metric)
            if math.isfinite(diff):
                delta = t("seminar.delta_previous", lang, value=change(diff, lang))
        out.append((t(f"seminar.kpi.{key}", lang), shown, delta))
    return out


def _backfill_change(diff: float, lang: str) -> str:
    return format_pp(100 * diff, lang, 0)


def _price_change(diff: float, lang: str) -> str:
    return format_pp(diff, lang, 2)


# --- the room's guesses -------------------------------------------------------------


def model_answer(sim: Simulation | None, question: Question) -> float:
    """The model's value of the guessed number (NaN if ``sim`` is None or the
    metric is undefined, e.g. backfill when the fence stops nothing)."""
    if sim is None:
        return math.nan
    metric = dict(KPIS)[question.id]
    return sim.metrics.scalar(metric) * GUESS_SCALE.get(question.id, 1.0)


def direction_right(
    guesses: Sequence[float], answer: float, before: float, increment: float
) -> int:
    """How many guesses move from ``before`` (the previous step's answer, 0 at the
    first step) the same way as ``answer``: up, down, or (within half an
    ``increment``) not at all. 0 when the answer or ``before`` is undefined."""
    if not (math.isfinite(answer) and math.isfinite(before)):
        return 0

    def way(value: float) -> int:
        if abs(value - before) < increment / 2:
            return 0
        return 1 if value > before else -1

    truth = way(answer)
    return sum(1 for g in guesses if way(g) == truth)
