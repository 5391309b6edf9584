"""The presenter's side of the room: open and close it, invite, show the guesses.

A presenter opens a room (:class:`scenarios.votes.VoteStore`, presenter key
permitting, :mod:`dashboard.presenter`); its code is kept in this session
(:data:`ROOM_KEY`). While it is open, every run tells the room the step on screen
(:func:`sync`, written only when it changed); before the reveal the page shows
the audience link (``?view=vote&room=CODE``) and its QR code (made here, by
``segno``, no web service), after the reveal the room's guesses
(:func:`results`). The link's address is ``DECOUPLING_PUBLIC_URL`` if set (the
address phones reach, e.g. ``http://192.168.1.20:8501``), else the one the
presenter's browser used. :func:`panel` has the buttons and the CSV download.
"""

from __future__ import annotations

import io
import os
from urllib.parse import urlsplit

import segno
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard import presenter
from dashboard.figures.room import guesses_figure
from dashboard.figures.seminar import projector_layout
from dashboard.i18n import t
from dashboard.seminar_steps import direction_right
from dashboard.theme import PLOTLY_CONFIG
from scenarios.votes import Question, VoteStore

ROOM_KEY = "seminar_room_code"
SYNCED_KEY = "seminar_room_synced"
PUBLIC_URL_ENV = "DECOUPLING_PUBLIC_URL"
GUESSES_KEY = "seminar_guesses"
QR_SCALE = 6
QR_WIDTH_PX = 180


def current() -> str | None:
    """The code of the room this session opened, if it is open."""
    return st.session_state.get(ROOM_KEY)


def audience_link(code: str) -> str:
    """The audience page of room ``code``: the public address, else this page's."""
    base = os.environ.get(PUBLIC_URL_ENV, "").strip()
    if not base:
        here = urlsplit(str(st.context.url or ""))
        base = f"{here.scheme}://{here.netloc}{here.path}" if here.netloc else ""
    return f"{base.rstrip('/')}/?view=vote&room={code}"


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as PNG (error correction M, a 4-module border)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=QR_SCALE, border=4)
    return out.getvalue()


def _open() -> None:
    if not presenter.allowed():
        return
    st.session_state[ROOM_KEY] = VoteStore().open_room()
    st.session_state.pop(SYNCED_KEY, None)


def _close() -> None:
    if not presenter.allowed():
        return
    code = st.session_state.pop(ROOM_KEY, None)
    if code is not None:
        VoteStore().close_room(code)


def sync(step_no: int, preset: str, question: Question, revealed: bool) -> None:
    """Tell the open room the step on screen (only when it changed)."""
    code = current()
    state = (code, step_no, preset, question, revealed)
    if code is None or st.session_state.get(SYNCED_KEY) == state:
        return
    VoteStore().show_step(code, step_no, preset, question, revealed)
    st.session_state[SYNCED_KEY] = state


def invite(container: DeltaGenerator, lang: str, step_no: int, preset: str) -> None:
    """The audience link, its QR code and how many have guessed so far."""
    code = current()
    if code is None:
        return
    link = audience_link(code)
    container.markdown(f"**{t('seminar.room.code', lang, code=code)}**")
    container.image(qr_png(link), width=QR_WIDTH_PX)
    container.caption(f"{t('seminar.room.scan', lang)}: {link}")
    n = len(VoteStore().guesses(code, step_no, preset))
    container.caption(t("seminar.room.so_far", lang, n=n))


def results(
    container: DeltaGenerator,
    lang: str,
    step: tuple[int, str],
    question: Question,
    answers: tuple[float, float],
    height: int,
) -> None:
    """The room's guesses of ``step`` (number, preset), the model's answer and the
    previous step's (``answers``) marked; ``height`` in px."""
    code = current()
    if code is None:
        return
    answer, before = answers
    guesses = VoteStore().guesses(code, *step)
    right = direction_right(guesses, answer, before, question.increment)
    fig = guesses_figure(guesses, question, answer, before, right, lang)
    fig = projector_layout(fig, font_size=18, height=height)
    fig.update_layout(margin_t=130)  # a two-line title over the answer's label
    container.plotly_chart(
        fig,
        config=PLOTLY_CONFIG,
        key=GUESSES_KEY,
    )


def panel(lang: str) -> None:
    """The room's expander: key field, open or close, any room's votes as CSV
    (the presenter's, after the talk too, e.g. after a restart)."""
    code = current()
    with st.expander(t("seminar.room.expander", lang), key="seminar_room_panel"):
        presenter.unlock_field(st.container(), "room")
        if code is None:
            st.button(t("seminar.room.open", lang), key="room_open", on_click=_open)
        else:
            st.caption(t("seminar.room.is_open", lang, code=code))
            st.button(t("seminar.room.close", lang), key="room_close", on_click=_close)
        rooms = VoteStore().rooms() if presenter.is_presenter() else []
        if not rooms:
            return
        left, right = st.columns(2)
        chosen = left.selectbox(
            t("seminar.room.past", lang), rooms, key="room_csv_choice"
        )
        right.download_button(
            t("seminar.room.csv", lang),
            data=lambda: VoteStore().csv(chosen),
            file_name=f"votes-{chosen}.csv",
            mime="text/csv",
            key="room_csv",
            on_click="ignore",
        )
