"""Seminar mode: a storyline of presets on a projector, predict first, then reveal.

One step at a time: the preset's name and date, a short narrative in our own
words, the question to the room and the preset's citations. The numbers stay
hidden until the presenter clicks "Reveal": then one big chart and three big KPI
numbers appear. "Replay the last change" shows the step shown before next to this
one, same chart, side by side. This module is the wiring (widgets, layout, session
state): the steps and their texts are :mod:`dashboard.seminar_steps`, the charts
:mod:`dashboard.figures.seminar`, the projector theme (large type, high
contrast, no sidebar) :data:`dashboard.theme.PROJECTOR_CSS` and the saved
storyline :mod:`scenarios.storylines`. Once revealed, the step fits one screen and
a clicker drives it (:mod:`dashboard.seminar_screen`); with a room open, the
audience guesses on their phones and the reveal shows their guesses
(:mod:`dashboard.seminar_room`). Saving a storyline and the room need the
presenter key when one is set (:mod:`dashboard.presenter`).

URL: ``?view=seminar&step=3`` (1-based). A step that is not a number or is out of
range opens step 1 with a visible notice. This module reads and writes only the
``step`` parameter; ``view`` and ``lang`` belong to the app.

Session keys: the ``*_KEY`` constants, all prefixed ``seminar_``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from dashboard import presenter, seminar_room, seminar_screen
from dashboard.context import PageContext
from dashboard.explain import seminar_waterfalls
from dashboard.figures.seminar import (
    CHART_HEIGHT,
    PAIR_HEIGHT,
    SMALL_FONT_SIZE,
    fit_map_labels,
    projector_layout,
    replay_figure,
    step_figure,
)
from dashboard.format import plain
from dashboard.i18n import t
from dashboard.seminar_steps import (
    KPIS,
    Step,
    clamp_step,
    default_steps,
    guess_for,
    kpi_texts,
    left_behind,
    model_answer,
    opening_storyline,
    parse_step,
    playable_steps,
    preset_name,
    shown_text,
    step_caption,
    step_narrative,
    step_question,
    step_title,
    steps_for,
    unknown_ids_message,
)
from dashboard.theme import PLOTLY_CONFIG, PROJECTOR_CSS
from model.levers import Levers
from model.simulation import ConvergenceError, Simulation
from scenarios.schema import Scenario
from scenarios.storylines import load_storyline, parse_ids, save_storyline

VIEW_PARAM = "view"
VIEW_VALUE = "seminar"
STEP_PARAM = "step"

STEP_KEY = "seminar_step"
REVEALED_KEY = "seminar_revealed"
REPLAY_KEY = "seminar_replay"
SHOWN_KEY = "seminar_shown"
BEFORE_KEY = "seminar_before"
STORYLINE_KEY = "seminar_storyline"
INPUT_KEY = "seminar_storyline_input"
MESSAGES_KEY = "seminar_messages"

CHART_KEY = "seminar_chart"
BEFORE_CHART_KEY = "seminar_chart_before"
AFTER_CHART_KEY = "seminar_chart_after"


# --- session state ------------------------------------------------------------------


def _say(kind: str, text: str) -> None:
    st.session_state.setdefault(MESSAGES_KEY, []).append((kind, text))


def _initialise(presets: Mapping[str, Scenario], lang: str) -> None:
    """Once per session: the saved storyline if there is one, else the default."""
    if STORYLINE_KEY in st.session_state:
        return
    try:
        saved = load_storyline()
    except ValueError as error:
        _say("warning", t("seminar.storyline.broken", lang, error=plain(str(error))))
        saved = None
    steps, unknown = opening_storyline(presets, saved)
    if unknown:
        _say("warning", unknown_ids_message(unknown, lang))
    st.session_state[STORYLINE_KEY] = steps
    st.session_state[INPUT_KEY] = ", ".join(s.preset for s in steps)


def _go_to(step: int) -> None:
    st.session_state[STEP_KEY] = step
    st.session_state[REVEALED_KEY] = None
    st.session_state[REPLAY_KEY] = False
    st.query_params[STEP_PARAM] = str(step)


def _move(delta: int, total: int) -> None:
    """on_click of Previous / Next."""
    _go_to(clamp_step(int(st.session_state.get(STEP_KEY, 1)) + delta, total))


def _reveal(token: tuple[int, str] | None) -> None:
    """on_click of Reveal / Hide: ``token`` is (step, preset) or None to hide."""
    st.session_state[REVEALED_KEY] = token
    if token is None:
        st.session_state[REPLAY_KEY] = False


def _toggle_replay() -> None:
    st.session_state[REPLAY_KEY] = not st.session_state.get(REPLAY_KEY, False)


def _apply(presets: Mapping[str, Scenario], lang: str, save: bool) -> None:
    """on_click of "Use this storyline" and "Save this storyline"."""
    known, unknown = parse_ids(st.session_state.get(INPUT_KEY, ""), presets)
    if unknown:
        _say("warning", unknown_ids_message(unknown, lang))
    if not known:
        _say("error", t("seminar.storyline.empty", lang))
        return
    st.session_state[STORYLINE_KEY] = steps_for(known)
    st.session_state[INPUT_KEY] = ", ".join(known)
    st.session_state[SHOWN_KEY] = None
    st.session_state[BEFORE_KEY] = None
    _go_to(1)
    if not save:
        _say("success", t("seminar.storyline.applied", lang, n=len(known)))
        return
    if not presenter.allowed():  # saving writes a shared file: the presenter only
        return
    try:
        save_storyline(known)
    except OSError as error:
        detail = plain(error.strerror or str(error))
        _say("error", t("seminar.storyline.save_failed", lang, error=detail))
        return
    _say("success", t("seminar.storyline.saved", lang, n=len(known)))


def _reset(presets: Mapping[str, Scenario], lang: str) -> None:
    """on_click of "Back to the policy timeline" (this session only)."""
    steps = default_steps(presets)
    if not steps:
        return
    st.session_state[STORYLINE_KEY] = steps
    st.session_state[INPUT_KEY] = ", ".join(s.preset for s in steps)
    st.session_state[SHOWN_KEY] = None
    st.session_state[BEFORE_KEY] = None
    _go_to(1)
    _say("info", t("seminar.storyline.reset_done", lang, n=len(steps)))


def _current_step(total: int, lang: str) -> int:
    """The step from the URL (clamped with a notice), else the session's."""
    raw = st.query_params.get(STEP_PARAM)
    if raw is None:
        step = clamp_step(int(st.session_state.get(STEP_KEY, 1)), total)
    else:
        step, valid = parse_step(raw, total)
        if not valid:
            st.warning(
                t("seminar.step_clamped", lang, given=shown_text(raw), total=total),
                icon="⚠️",
            )
    if st.session_state.get(STEP_KEY) != step:
        st.session_state[STEP_KEY] = step
        st.session_state[REVEALED_KEY] = None
        st.session_state[REPLAY_KEY] = False
    if st.query_params.get(STEP_PARAM) != str(step):
        st.query_params[STEP_PARAM] = str(step)
    return step


def _remember(step: int, preset_id: str) -> None:
    """Track the step on screen; when it changes, the old one becomes 'before'."""
    shown = (step, preset_id)
    before = left_behind(st.session_state.get(SHOWN_KEY), shown)
    if before is not None:
        st.session_state[BEFORE_KEY] = before
    st.session_state[SHOWN_KEY] = shown


# --- drawing ------------------------------------------------------------------------


def _kpis(sim: Simulation, previous: Simulation | None, lang: str) -> None:
    """The three big numbers, with the change from the previous step."""
    columns = st.columns(len(KPIS))
    texts = kpi_texts(sim, previous, lang)
    for column, (key, _), (label, value, delta) in zip(
        columns, KPIS, texts, strict=True
    ):
        column.metric(
            label,
            value,
            delta=delta,
            delta_color="off",
            help=t(f"seminar.kpi_help.{key}", lang),
            border=True,
        )


def _header(
    step_no: int, total: int, step: Step, scenario: Scenario, lang: str, brief: bool
) -> None:
    """Caption and title; the narrative too unless ``brief`` (once revealed)."""
    name = step_title(step, scenario, lang)
    st.caption(step_caption(step_no, total, scenario, lang))
    st.header(plain(name), anchor=False)
    narrative = step_narrative(step, scenario, lang)
    if narrative is not None and not brief:
        st.markdown(narrative)


def _citations(scenario: Scenario, lang: str) -> None:
    st.caption(f"**{t('seminar.sources', lang)}**")
    for citation in scenario.citations or [t("seminar.no_sources", lang)]:
        st.caption(plain(citation))


def _nav(step_no: int, total: int, token: tuple[int, str], lang: str) -> None:
    revealed = st.session_state.get(REVEALED_KEY) == token
    has_before = st.session_state.get(BEFORE_KEY) is not None
    prev, nxt, reveal, replay = st.columns([1, 1, 1.4, 1.6])
    prev.button(
        t("seminar.previous", lang),
        key="seminar_previous",
        icon=":material/arrow_back:",
        on_click=_move,
        args=(-1, total),
        disabled=step_no <= 1,
        width="stretch",
    )
    nxt.button(
        t("seminar.next", lang),
        key="seminar_next",
        icon=":material/arrow_forward:",
        on_click=_move,
        args=(1, total),
        disabled=step_no >= total,
        width="stretch",
    )
    reveal.button(
        t("seminar.hide" if revealed else "seminar.reveal", lang),
        key="seminar_reveal",
        type="secondary" if revealed else "primary",
        on_click=_reveal,
        args=(None if revealed else token,),
        width="stretch",
    )
    replaying = bool(st.session_state.get(REPLAY_KEY))
    replay.button(
        t("seminar.replay_hide" if replaying else "seminar.replay", lang),
        key="seminar_replay_button",
        icon=":material/replay:",
        on_click=_toggle_replay,
        disabled=not (revealed and has_before),
        help=None if has_before else t("seminar.replay_none", lang),
        width="stretch",
    )


def _storyline_editor(presets: Mapping[str, Scenario], lang: str) -> None:
    with st.expander(t("seminar.storyline.editor", lang), expanded=False):
        presenter.unlock_field(st.container(), "storyline")
        st.text_input(
            t("seminar.storyline.ids", lang),
            key=INPUT_KEY,
            max_chars=4000,
            help=t("seminar.storyline.ids_help", lang),
        )
        apply, save, reset = st.columns(3)
        apply.button(
            t("seminar.storyline.apply", lang),
            key="seminar_storyline_apply",
            on_click=_apply,
            args=(presets, lang, False),
            width="stretch",
        )
        save.button(
            t("seminar.storyline.save", lang),
            key="seminar_storyline_save",
            on_click=_apply,
            args=(presets, lang, True),
            width="stretch",
        )
        reset.button(
            t("seminar.storyline.reset", lang),
            key="seminar_storyline_reset",
            on_click=_reset,
            args=(presets, lang),
            width="stretch",
        )
        st.caption(t("seminar.storyline.available", lang))
        st.dataframe(
            pd.DataFrame(
                {
                    t("seminar.storyline.col_id", lang): list(presets),
                    t("seminar.storyline.col_name", lang): [
                        preset_name(i, presets, lang) for i in presets
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
            key="seminar_presets_table",
        )


def _solve(
    solve: Callable[[Levers], Simulation],
    scenario: Scenario | None,
) -> Simulation | None:
    if scenario is None:
        return None
    try:
        return solve(scenario.levers())
    except ConvergenceError:
        return None


def render(page: PageContext) -> None:
    """Draw the seminar view.

    Reads from ``page`` the built-in and saved ``presets`` (a storyline may use any
    of them), ``solve`` (Levers -> Simulation, may raise ConvergenceError), the
    language of every text and the built-in presets on the security-cost plane
    (``preset_points()``).
    """
    presets, solve, lang = page.presets, page.solve, page.lang
    points = page.preset_points()
    st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)
    if not presets:
        return
    _initialise(presets, lang)
    for kind, text in st.session_state.pop(MESSAGES_KEY, []):
        getattr(st, kind)(text)
    steps = playable_steps(st.session_state[STORYLINE_KEY], presets)
    total = len(steps)
    step_no = _current_step(total, lang)
    step = steps[step_no - 1]
    scenario = presets[step.preset]
    token = (step_no, step.preset)
    _remember(step_no, step.preset)

    revealed = st.session_state.get(REVEALED_KEY) == token
    seminar_screen.install(revealed, lang)
    question = guess_for(step.preset)
    seminar_room.sync(step_no, step.preset, question, revealed)
    _header(step_no, total, step, scenario, lang, brief=revealed)
    if not revealed:
        ask = st.container()
        if seminar_room.current() is not None:
            ask, invite = st.columns([3, 1])
            seminar_room.invite(invite, lang, step_no, step.preset)
        ask.subheader(t("seminar.prediction", lang), anchor=False)
        ask.markdown(f"### {step_question(step, lang)}")
        ask.caption(t("seminar.think", lang))
        if seminar_room.current() is not None:  # what the phones guess
            ask.markdown(f"**{t(f'seminar.room.ask.{question.id}', lang)}**")
    _nav(step_no, total, token, lang)

    if revealed:
        sim = _solve(solve, scenario)
        if sim is None:
            st.error(t("seminar.no_equilibrium", lang))
        else:
            previous = (
                _solve(solve, presets.get(steps[step_no - 2].preset))
                if step_no > 1
                else None
            )
            _kpis(sim, previous, lang)
            seminar_waterfalls(page.explain, sim.levers[0], [m for _, m in KPIS], lang)
            if st.session_state.get(REPLAY_KEY) and st.session_state.get(BEFORE_KEY):
                _replay(step, sim, points, presets, solve, lang)
            else:
                height = seminar_screen.chart_height(CHART_HEIGHT)
                chart, width_share = st.container(), 1.0
                if seminar_room.current() is not None:
                    (chart, guesses), width_share = st.columns([3, 2]), 0.6
                    before = model_answer(previous, question) if step_no > 1 else 0.0
                    answer = model_answer(sim, question)
                    seminar_room.results(
                        guesses,
                        lang,
                        (step_no, step.preset),
                        question,
                        (answer, before),
                        height,
                    )
                fig = step_figure(step, sim, points, lang)
                if step.chart == "map":  # its labels for the chart's real size
                    fit_map_labels(
                        fig,
                        width_share=width_share,
                        height=height,
                        font_size=_font(height),
                    )
                chart.plotly_chart(
                    projector_layout(fig, height=height, font_size=_font(height)),
                    config=PLOTLY_CONFIG,
                    key=CHART_KEY,
                )
    _citations(scenario, lang)
    st.divider()
    seminar_room.panel(lang)
    _storyline_editor(presets, lang)


def _replay(
    step: Step,
    sim: Simulation,
    points: pd.DataFrame,
    presets: Mapping[str, Scenario],
    solve: Callable[[Levers], Simulation],
    lang: str,
) -> None:
    """The step shown before and this one, side by side, same chart."""
    before_id = st.session_state[BEFORE_KEY]
    before_sim = _solve(solve, presets.get(before_id))
    if before_sim is None:
        st.info(t("seminar.replay_none", lang))
        return
    left, right = st.columns(2)
    for column, (label, preset_id, result, key) in zip(
        (left, right),
        (
            ("seminar.before", before_id, before_sim, BEFORE_CHART_KEY),
            ("seminar.after", step.preset, sim, AFTER_CHART_KEY),
        ),
        strict=True,
    ):
        fig = replay_figure(
            step,
            result,
            points,
            presets,
            lang,
            label=label,
            preset_id=preset_id,
            height=seminar_screen.chart_height(PAIR_HEIGHT),
        )
        column.plotly_chart(fig, config=PLOTLY_CONFIG, key=key)


def _font(height: int) -> int | None:
    """The chart's base font: the projector's, smaller on a short chart."""
    return SMALL_FONT_SIZE if height < CHART_HEIGHT * 3 // 4 else None
