"""Widget values that survive the runs in which their widget is not drawn.

Streamlit drops a keyed widget's session state in a run that does not draw it
(e.g. while another lazy tab is open). A view calls :func:`restore` before it
draws the widget and :func:`keep` after, so the user's choice comes back.
"""

from __future__ import annotations

import streamlit as st


def _kept(key: str) -> str:
    return f"{key}_kept"


def restore(key: str, default: object) -> None:
    """Give widget ``key`` its kept value (or ``default``) if Streamlit dropped it."""
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(_kept(key), default)


def keep(key: str) -> None:
    """Remember widget ``key``'s current value for the runs that do not draw it."""
    st.session_state[_kept(key)] = st.session_state[key]
