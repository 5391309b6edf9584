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

from dashboard.format import plain
from dashboard.i18n import (
    choice,
    group_title,
    lever_help,
    lever_label,
    lever_problem,
    lever_unit,
    preset_text,
    t,
)
from model.levers import GROUPS, LEVERS, Lever, Levers, LeverValue
from scenarios import links
from scenarios.schema import Scenario
from scenarios.store import PresetEntry

PRESET_KEY = "preset"
WARNINGS_KEY = "link_warnings"
CODES_KEY = "link_codes"
LINK_MESSAGES = {
    "link_version": "messages.link_version",
    "link_unknown_preset": "messages.link_unknown_preset",
    "link_unknown_parameter": "messages.link_unknown_parameter",
    "link_too_long": "messages.link_too_long",
    "link_bad_value": "messages.link_bad_value",
}
"""The text of each structured warning of :class:`scenarios.links.DecodedLink`."""
START_PRESET = "oct_2022_rule"
"""What a session opens with when the link names no preset."""


@dataclass(frozen=True)
class Controls:
    """What the sidebar says: the lever values and the preset they started from."""

    levers: Levers  # validated once here, from the widgets
    preset: Scenario
    changed_from_preset: tuple[str, ...]


def apply_preset(presets: Mapping[str, Scenario]) -> None:
    """on_change of the preset picker (and the reset button): copy its levers."""
    scenario = presets[st.session_state[PRESET_KEY]]
    for name, value in scenario.levers().items():
        st.session_state[name] = value


def defaults_preset(presets: Mapping[str, Scenario]) -> str | None:
    """The preset that sets no lever (the lever defaults, the 2022 baseline), if any."""
    defaults = Levers()
    return next((k for k, s in presets.items() if s.levers() == defaults), None)


def _initialise(presets: Mapping[str, Scenario]) -> None:
    """Once per session: levers and preset from the share link, else the start.

    The picker always names the levers' base: a link whose preset is missing or
    unknown reads its levers from the defaults preset (else the start preset).
    """
    if PRESET_KEY in st.session_state:
        return
    start = START_PRESET if START_PRESET in presets else next(iter(presets))
    decoded = links.decode(
        st.query_params.to_dict(),
        {k: s.levers() for k, s in presets.items()},
        fallback=defaults_preset(presets) or start,
    )
    # A link with only page keys (?lang=zh, ?tab=...) names no scenario: open
    # the start preset, not the lever defaults.
    names_scenario = any(k not in links.UI_KEYS for k in st.query_params)
    preset = decoded.preset if names_scenario and decoded.preset else start
    st.session_state[PRESET_KEY] = preset
    levers = decoded.levers if names_scenario else presets[start].levers()
    for name, value in levers.items():
        st.session_state[name] = value
    st.session_state[WARNINGS_KEY] = decoded.warnings
    st.session_state[CODES_KEY] = decoded.codes


def _lever_widget(
    lever: Lever, lang: str = "en", *, disabled: bool = False
) -> LeverValue:
    """One widget, labelled and explained from the lever table (no value=: the
    session state set by presets and links is the single source). A disabled
    widget still returns its value."""
    label = lever_label(lever.name, lang)
    unit = lever_unit(lever.name, lang)
    help_text = t(
        "sidebar.lever_help", lang, meaning=lever_help(lever.name, lang), unit=unit
    )
    if lever.kind == "bool":
        return st.toggle(label, key=lever.name, help=help_text, disabled=disabled)
    if lever.kind == "choice":
        return st.selectbox(
            label,
            lever.choices,
            key=lever.name,
            help=help_text,
            format_func=lambda value: choice(lever.name, value, lang),
            disabled=disabled,
        )
    return st.slider(
        t("sidebar.slider_label", lang, label=label, unit=unit),
        min_value=lever.minimum,
        max_value=lever.maximum,
        step=lever.step,
        key=lever.name,
        help=help_text,
        disabled=disabled,
    )


def unused_height(name: str, values: Mapping[str, LeverValue]) -> bool:
    """Is ``name`` a sector's own fence height whose rule (drawn just before it)
    does not use it? Its slider is then greyed out (it keeps its value)."""
    sector = name.removeprefix("fence_pct_")
    rule = values.get(f"fence_rule_{sector}")
    return sector != name and rule is not None and rule != "height"


def _preset_label(
    entries: Mapping[str, PresetEntry], preset_id: str, lang: str = "en"
) -> str:
    entry = entries[preset_id]
    if entry.origin == "built-in":
        return preset_text(preset_id, "name", lang, entry.name)
    return t("sidebar.saved_suffix", lang, name=entry.name)


def _link_warnings(entries: Mapping[str, PresetEntry], lang: str) -> list[str]:
    """The share link's warnings in ``lang`` (structured codes when there are;
    a ``start`` field, the preset a link fell back to, shown by its name)."""
    codes = st.session_state.get(CODES_KEY)
    if codes is None:
        return list(st.session_state.get(WARNINGS_KEY, []))
    texts = []
    for code, fields in codes:
        if fields.get("start") in entries:
            fields = fields | {"start": _preset_label(entries, fields["start"], lang)}
        if code == "link_bad_value":
            fields = fields | {"problem": lever_problem(fields["problem"], lang)}
        texts.append(t(LINK_MESSAGES[code], lang, **fields))
    return texts


def render(
    presets: Mapping[str, Scenario],
    entries: Mapping[str, PresetEntry],
    lang: str = "en",
) -> Controls:
    """Draw the sidebar and return the current lever values."""
    _initialise(presets)
    if st.session_state[PRESET_KEY] not in presets:  # deleted meanwhile
        st.session_state[PRESET_KEY] = next(iter(presets))
    with st.sidebar:
        st.header(t("sidebar.header", lang))
        st.selectbox(
            t("sidebar.preset", lang),
            list(presets),
            key=PRESET_KEY,
            format_func=lambda k: _preset_label(entries, k, lang),
            on_change=apply_preset,
            args=(presets,),
            help=t("sidebar.preset_help", lang),
        )
        for warning in _link_warnings(entries, lang):
            st.warning(t("messages.share_link", lang, warning=plain(warning)), icon="⚠️")
        values: dict[str, LeverValue] = {}
        for group in GROUPS:
            with st.expander(
                group_title(group, lang), expanded=group in ("yard", "fence", "allies")
            ):
                for lever in LEVERS:
                    if lever.group == group:
                        values[lever.name] = _lever_widget(
                            lever, lang, disabled=unused_height(lever.name, values)
                        )
        st.button(
            t("sidebar.reset", lang),
            on_click=apply_preset,
            args=(presets,),
            use_container_width=True,
        )
    levers = Levers(values)
    preset = presets[st.session_state[PRESET_KEY]]
    base = preset.levers()
    changed = tuple(name for name, value in levers.items() if value != base[name])
    _write_link(levers, preset)
    return Controls(levers=levers, preset=preset, changed_from_preset=changed)


def _write_link(levers: Levers, preset: Scenario) -> None:
    """Mirror the view into the URL: base preset plus the changed levers."""
    params = links.encode(levers, preset.id, preset.levers())
    page = {k: v for k, v in st.query_params.to_dict().items() if k in links.UI_KEYS}
    wanted = params | page
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
