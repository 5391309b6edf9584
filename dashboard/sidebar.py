"""The sidebar: preset picker, grouped levers, share link; widgets -> lever values.

State lives in ``st.session_state`` under each lever's name (the widget keys) and
``"preset"`` (the selected preset id). The first run of a session reads the share
link (``st.query_params``); every run writes the current levers back into it, so
the URL always reproduces the view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from model import policy
from scenarios import links
from scenarios.schema import Scenario
from scenarios.store import PresetEntry

PRESET_KEY = "preset"
WARNINGS_KEY = "link_warnings"
START_PRESET = "oct_2022_rule"
"""What a session opens with when the link names no preset."""


@dataclass(frozen=True)
class Controls:
    """What the sidebar says: the lever values and the preset they started from."""

    levers: dict[str, policy.LeverValue]
    preset: Scenario
    changed_from_preset: tuple[str, ...]


def apply_preset(presets: Mapping[str, Scenario]) -> None:
    """on_change of the preset picker (and the reset button): copy its levers."""
    scenario = presets[st.session_state[PRESET_KEY]]
    for name, value in scenario.levers().items():
        st.session_state[name] = value


def _initialise(presets: Mapping[str, Scenario]) -> None:
    """Once per session: levers and preset from the share link, else the start."""
    if PRESET_KEY in st.session_state:
        return
    decoded = links.decode(
        st.query_params.to_dict(), {k: s.levers() for k, s in presets.items()}
    )
    start = START_PRESET if START_PRESET in presets else next(iter(presets))
    st.session_state[PRESET_KEY] = decoded.preset or start
    levers = decoded.levers if st.query_params else presets[start].levers()
    for name, value in levers.items():
        st.session_state[name] = value
    st.session_state[WARNINGS_KEY] = decoded.warnings


def _lever_widget(lever: policy.Lever) -> policy.LeverValue:
    """One widget, labelled and explained from the lever table (no value=: the
    session state set by presets and links is the single source)."""
    help_text = f"{lever.meaning} Unit: {lever.unit}."
    if lever.kind == "bool":
        return st.toggle(lever.label, key=lever.name, help=help_text)
    if lever.kind == "choice":
        return st.selectbox(lever.label, lever.choices, key=lever.name, help=help_text)
    return st.slider(
        f"{lever.label} ({lever.unit})",
        min_value=lever.minimum,
        max_value=lever.maximum,
        step=lever.step,
        key=lever.name,
        help=help_text,
    )


def _preset_label(entries: Mapping[str, PresetEntry], preset_id: str) -> str:
    entry = entries[preset_id]
    return entry.name if entry.origin == "built-in" else f"{entry.name} (saved)"


def render(
    presets: Mapping[str, Scenario], entries: Mapping[str, PresetEntry]
) -> Controls:
    """Draw the sidebar and return the current lever values."""
    _initialise(presets)
    if st.session_state[PRESET_KEY] not in presets:  # deleted meanwhile
        st.session_state[PRESET_KEY] = next(iter(presets))
    with st.sidebar:
        st.header("Scenario")
        st.selectbox(
            "Preset",
            list(presets),
            key=PRESET_KEY,
            format_func=lambda k: _preset_label(entries, k),
            on_change=apply_preset,
            args=(presets,),
            help="Built-in presets trace the policy timeline; saved ones are yours.",
        )
        for warning in st.session_state.get(WARNINGS_KEY, []):
            st.warning(f"Share link: {warning}", icon="⚠️")
        levers: dict[str, policy.LeverValue] = {}
        for group, title in policy.GROUPS.items():
            with st.expander(title, expanded=group in ("yard", "fence", "allies")):
                for lever in policy.LEVERS:
                    if lever.group == group:
                        levers[lever.name] = _lever_widget(lever)
        st.button(
            "Reset to preset",
            on_click=apply_preset,
            args=(presets,),
            use_container_width=True,
        )
    preset = presets[st.session_state[PRESET_KEY]]
    base = preset.levers()
    changed = tuple(name for name, value in levers.items() if value != base[name])
    _write_link(levers, preset)
    return Controls(levers=levers, preset=preset, changed_from_preset=changed)


def _write_link(levers: Mapping[str, policy.LeverValue], preset: Scenario) -> None:
    """Mirror the view into the URL: base preset plus the changed levers."""
    params = links.encode(levers, preset.id, preset.levers())
    page = {k: v for k, v in st.query_params.to_dict().items() if k in links.UI_KEYS}
    wanted = params | page
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
