"""The page language: English or Chinese, chosen by a switch and kept in the link.

The choice lives in ``st.session_state["lang"]`` (the switch's key) and is mirrored
into ``?lang=`` (absent for English), so a share link opens in its language.
"""

from __future__ import annotations

import streamlit as st

from dashboard import i18n

LANG_KEY = "lang"
"""The switch's widget key, and the query parameter that mirrors it."""


def requested() -> str:
    """The language of this run before the switch is drawn (for the page title):
    the session's choice, else the link's ``?lang=``, else English."""
    return st.session_state.get(LANG_KEY) or i18n.normalise(
        st.query_params.get(LANG_KEY)
    )


def switch() -> str:
    """Draw the English / Chinese switch, keep it in the link; return the language."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = i18n.normalise(st.query_params.get(LANG_KEY))
    lang = (
        st.segmented_control(
            i18n.t("ui.language", st.session_state[LANG_KEY]),
            i18n.LANGUAGES,
            format_func=lambda code: i18n.language_name(code),
            help=i18n.t("ui.language_help", st.session_state[LANG_KEY]),
            key=LANG_KEY,
            label_visibility="collapsed",
        )
        or i18n.DEFAULT_LANGUAGE
    )
    if lang == i18n.DEFAULT_LANGUAGE:
        st.query_params.pop(LANG_KEY, None)
    else:
        st.query_params[LANG_KEY] = lang
    return lang
