"""The audience page: a phone's guess of the step on the presenter's screen.

URL: ``?view=vote&room=CODE`` (the presenter's seminar page shows it as a link
and a QR code). Every :data:`POLL_S` seconds the page reads the room
(:class:`scenarios.votes.VoteStore`): the step on screen, its question (a slider
over the question's range) and whether it is revealed. One guess per session,
step and preset, changeable until the reveal; the store validates it and limits
the rate (:meth:`~scenarios.votes.VoteStore.vote`). The page writes nothing but
this session's vote; it reads no preset and solves nothing. Laid out for a
narrow screen: one column, large touch targets.

The phone's id is random (128 bits) and kept in the link (``&me=``), so a reload
keeps the phone's guess; a new tab from the QR code is a new phone. Session
keys: ``vote_session`` (that id) and ``vote_*``.
"""

from __future__ import annotations

import streamlit as st

from dashboard.format import plain
from dashboard.i18n import format_number, preset_text, t
from scenarios.votes import (
    SESSION_PATTERN,
    Room,
    VoteRefused,
    VoteStore,
    check_code,
    new_session_id,
)

VIEW_VALUE = "vote"
ROOM_PARAM = "room"
ME_PARAM = "me"
SESSION_KEY = "vote_session"
MESSAGE_KEY = "vote_message"
POLL_S = 3.0

AUDIENCE_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 40rem; padding: 1rem 1rem 2rem; }
.stButton button, .stButton button p { font-size: 1.2rem; min-height: 3rem; }
[data-testid="stMarkdownContainer"] p { font-size: 1.1rem; }
</style>
"""
"""The audience page's style: one narrow column. A constant."""


def _session() -> str:
    """This phone's id: from the link (``&me=``, so that a reload keeps it), else
    a new random one, written into the link."""
    if SESSION_KEY not in st.session_state:
        given = str(st.query_params.get(ME_PARAM, ""))
        me = given if SESSION_PATTERN.fullmatch(given) else new_session_id()
        st.session_state[SESSION_KEY] = me
    st.query_params[ME_PARAM] = st.session_state[SESSION_KEY]
    return str(st.session_state[SESSION_KEY])


def _slider_key(room: Room) -> str:
    return f"vote_{room.code}_{room.step}_{room.preset}"


def _send(room: Room, lang: str) -> None:
    """on_click of "Send my guess"."""
    value = st.session_state.get(_slider_key(room))
    try:
        VoteStore().vote(room.code, _session(), room.step, room.preset, value)
    except VoteRefused as refused:
        st.session_state[MESSAGE_KEY] = (
            "warning",
            t(f"vote.refused.{refused.reason}", lang),
        )
        return
    st.session_state[MESSAGE_KEY] = ("success", t("vote.counted", lang))


def render(lang: str) -> None:
    """Draw the audience page of the room named by the link."""
    st.markdown(AUDIENCE_CSS, unsafe_allow_html=True)
    st.title(t("vote.title", lang), anchor=False)
    code = check_code(st.query_params.get(ROOM_PARAM))
    if code is None:
        st.error(t("vote.bad_room", lang))
        return
    _session()
    _live(code, lang)


@st.fragment(run_every=POLL_S)
def _live(code: str, lang: str) -> None:
    """The room's current step: its question, or the notice that it is revealed."""
    room = VoteStore().room(code)
    if room is None:
        st.error(t("vote.no_room", lang, code=code))
        return
    if not room.is_open:
        st.info(t("vote.closed", lang))
        return
    if room.step < 1:
        st.info(t("vote.waiting", lang))
        return
    name = preset_text(room.preset, "name", lang, room.preset)
    st.caption(t("vote.step", lang, step=room.step))
    st.subheader(plain(name), anchor=False)
    question = room.question
    mine = VoteStore().my_guess(code, room.step, room.preset, _session())
    if room.revealed:
        st.info(t("vote.revealed", lang))
        if mine is not None:
            st.markdown(t("vote.yours", lang, value=format_number(mine, lang, 2)))
        return
    key = _slider_key(room)
    if key not in st.session_state:
        middle = (question.low + question.high) / 2
        grid = round((middle - question.low) / question.increment)
        st.session_state[key] = (
            mine if mine is not None else (question.low + grid * question.increment)
        )
    st.slider(
        t(f"seminar.room.ask.{question.id}", lang),
        min_value=question.low,
        max_value=question.high,
        step=question.increment,
        key=key,
    )
    st.button(
        t("vote.send" if mine is None else "vote.change", lang),
        key="vote_send",
        type="primary",
        on_click=_send,
        args=(room, lang),
        width="stretch",
    )
    if MESSAGE_KEY in st.session_state:
        kind, text = st.session_state.pop(MESSAGE_KEY)
        getattr(st, kind)(text)
    if mine is not None:
        st.caption(t("vote.yours_open", lang, value=format_number(mine, lang, 2)))
