"""The presenter key: only the presenter may write once strangers join.

With a key configured (the environment variable :data:`ENV_VAR`, else
``presenter_key`` in ``.streamlit/secrets.toml``), the actions that write shared
files (save, rename, delete and import presets, save a storyline, open and close
a room) are refused until this session has entered the key once
(:func:`unlock_field`); the check is in each action's callback
(:func:`allowed`), so a click on a button that should not be there is refused
too. Without a key every session may write, as on one's own machine (SECURITY.md).

The comparison is constant-time (:func:`hmac.compare_digest`); after
:data:`MAX_ATTEMPTS` wrong keys a session is refused for good.
"""

from __future__ import annotations

import hmac
import os

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.errors import StreamlitSecretNotFoundError

from dashboard.i18n import normalise, t

ENV_VAR = "DECOUPLING_PRESENTER_KEY"
SECRET_NAME = "presenter_key"
UNLOCKED_KEY = "presenter_unlocked"
INPUT_KEY = "presenter_key_input"
ATTEMPTS_KEY = "presenter_attempts"
NOTICE_KEY = "presenter_notice"
MAX_ATTEMPTS = 10


def configured_key() -> str | None:
    """The presenter key, or None when none is configured."""
    key = os.environ.get(ENV_VAR, "").strip()
    if key:
        return key
    try:
        secret = st.secrets.get(SECRET_NAME)
    except (StreamlitSecretNotFoundError, FileNotFoundError, KeyError):
        return None
    return str(secret).strip() or None if secret is not None else None


def is_presenter() -> bool:
    """Whether this session may write: no key configured, or it entered the key."""
    return configured_key() is None or bool(st.session_state.get(UNLOCKED_KEY))


def allowed() -> bool:
    """For a writing action's callback: whether it may run. If not, the next
    :func:`unlock_field` says that the key is needed."""
    if is_presenter():
        return True
    st.session_state[NOTICE_KEY] = True
    return False


def _check(field: str) -> None:
    """on_change of the key field ``field``: unlock this session if the key is
    right; the field is emptied either way."""
    typed = str(st.session_state.get(field, ""))
    st.session_state[field] = ""
    key = configured_key()
    attempts = int(st.session_state.get(ATTEMPTS_KEY, 0))
    if key is None or attempts >= MAX_ATTEMPTS or not typed:
        return
    if hmac.compare_digest(typed.encode(), key.encode()):
        st.session_state[UNLOCKED_KEY] = True
        st.session_state.pop(NOTICE_KEY, None)
    else:
        st.session_state[ATTEMPTS_KEY] = attempts + 1


def unlock_field(container: DeltaGenerator, where: str) -> None:
    """The key field, in ``container``, when a key is configured and this session
    has not entered it; ``where`` makes its widget key unique on the page."""
    if is_presenter():
        return
    lang = normalise(st.session_state.get("lang"))
    if st.session_state.get(NOTICE_KEY):
        container.warning(t("presenter.refused", lang))
    attempts = int(st.session_state.get(ATTEMPTS_KEY, 0))
    if attempts >= MAX_ATTEMPTS:
        container.error(t("presenter.locked", lang))
        return
    if attempts:
        container.caption(t("presenter.wrong", lang))
    container.text_input(
        t("presenter.field", lang),
        type="password",
        key=f"{INPUT_KEY}_{where}",
        on_change=_check,
        args=(f"{INPUT_KEY}_{where}",),
        help=t("presenter.help", lang),
        max_chars=200,
    )
