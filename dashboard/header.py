"""The page header: the title, and a caption naming the scenario on screen and the
levers changed from its preset."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard import i18n
from dashboard.format import plain
from dashboard.sidebar import Controls


def caption(controls: Controls, lang: str = "en") -> str:
    """Which preset, which levers differ from it (by their labels, never their
    code names), and what the model is."""
    changed = controls.changed_from_preset
    return (
        i18n.t(
            "ui.caption_scenario",
            lang,
            name=plain(i18n.scenario_text(controls.preset, "name", lang)),
        )
        + (
            i18n.t(
                "ui.caption_changed",
                lang,
                levers=i18n.t("ui.list_separator", lang).join(
                    i18n.lever_label(name, lang) for name in changed
                ),
            )
            if changed
            else ""
        )
        + i18n.t("ui.caption_model", lang)
    )


def render(title: DeltaGenerator, controls: Controls, lang: str = "en") -> None:
    """The title in ``title`` (the page's top-left column), then the caption."""
    title.title(i18n.t("ui.title", lang))
    st.caption(caption(controls, lang))
