"""Sidebar panel: save the current levers as a preset, rename, delete, import, export;
and :func:`load`, the presets the picker offers (built-in and saved).

Every action is a button callback, so it runs before the next rerun draws the
widgets and may switch the preset picker. Results are shown as a message kept in
session state; nothing saved is overwritten without a second, explicit click.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import streamlit as st

from dashboard import cache, presenter
from dashboard.format import plain
from dashboard.i18n import normalise, t
from dashboard.sidebar import PRESET_KEY, Controls, apply_preset
from scenarios.schema import Scenario, ScenarioError, scenario_from_dict
from scenarios.store import (
    PresetEntry,
    PresetError,
    PresetExists,
    PresetStore,
    slugify,
)

MESSAGE_KEY = "preset_message"
IMPORT_MESSAGE_KEY = "import_message"
PENDING_OVERWRITE_KEY = "pending_overwrite"
PENDING_DELETE_KEY = "pending_delete"
"""The saved preset whose Delete was clicked once (awaiting "Yes, delete")."""
PENDING_IMPORT_KEY = "pending_import"
"""(file name, bytes) of an import whose id exists (awaiting "Overwrite")."""


def _lang() -> str:
    """The language of the session (callbacks run before the app reads it)."""
    return normalise(st.session_state.get("lang"))


def _say(kind: str, text: str) -> None:
    st.session_state[MESSAGE_KEY] = (kind, text)


def _slug_or_none(name: str) -> str | None:
    try:
        return slugify(name)
    except PresetError:
        return None


def _scenario_to_save(controls: Controls) -> Scenario:
    """The current levers as a user preset named from the text inputs."""
    name = st.session_state.get("save_name", "").strip()
    description = st.session_state.get("save_description", "").strip()
    base = controls.preset
    lang = _lang()
    kept = {
        k: v for k, v in base.rationale.items() if k not in controls.changed_from_preset
    }
    return scenario_from_dict(
        {
            "id": slugify(name),
            "name": name,
            "description": description
            or (
                t(
                    "presets_panel.saved_from_changed",
                    lang,
                    name=base.name,
                    levers=t("ui.list_separator", lang).join(
                        controls.changed_from_preset
                    ),
                )
                if controls.changed_from_preset
                else t("presets_panel.saved_from", lang, name=base.name)
            ),
            "as_of": base.as_of,
            "citations": list(base.citations),
            "rationale": kept,
            **controls.levers,
        }
    )


def _save(store: PresetStore, controls: Controls, overwrite: bool) -> None:
    if not presenter.allowed():  # only the presenter writes
        return
    try:
        scenario = _scenario_to_save(controls)
    except (PresetError, ScenarioError) as error:
        problems = getattr(error, "problems", [str(error)])
        _say("error", plain("; ".join(problems)))
        return
    # Overwrite only what the user was warned about, not a name typed since.
    overwrite = overwrite and st.session_state.get(PENDING_OVERWRITE_KEY) == scenario.id
    try:
        store.save(scenario, overwrite=overwrite)
    except PresetExists:
        st.session_state[PENDING_OVERWRITE_KEY] = scenario.id
        _say(
            "warning",
            t("messages.preset_exists", _lang(), name=plain(repr(scenario.name))),
        )
        return
    except PresetError as error:
        _say("error", plain(str(error)))
        return
    st.session_state.pop(PENDING_OVERWRITE_KEY, None)
    st.session_state[PRESET_KEY] = scenario.id
    _say(
        "success", t("messages.preset_saved", _lang(), name=plain(repr(scenario.name)))
    )


def _rename(store: PresetStore) -> None:
    if not presenter.allowed():  # only the presenter writes
        return
    old = st.session_state.get("manage_preset")
    new_name = st.session_state.get("rename_to", "").strip()
    try:
        entry = store.rename(old, slugify(new_name), new_name)
    except (PresetError, ScenarioError) as error:
        _say("error", plain(str(error)))
        return
    if st.session_state.get(PRESET_KEY) == old:
        st.session_state[PRESET_KEY] = entry.id
    _say("success", t("messages.preset_renamed", _lang(), name=plain(repr(entry.name))))


def _ask_delete() -> None:
    """First click on Delete: ask to confirm (nothing is deleted yet)."""
    st.session_state[PENDING_DELETE_KEY] = st.session_state.get("manage_preset")


def _cancel_delete() -> None:
    st.session_state.pop(PENDING_DELETE_KEY, None)


def _delete(store: PresetStore, presets: Mapping[str, Scenario]) -> None:
    """Confirmed: delete the preset the user was asked about."""
    if not presenter.allowed():  # only the presenter writes
        return
    target = st.session_state.pop(PENDING_DELETE_KEY, None)
    if target is None or target != st.session_state.get("manage_preset"):
        return  # the selection changed since the question
    try:
        store.delete(target)
    except PresetError as error:
        _say("error", plain(str(error)))
        return
    if st.session_state.get(PRESET_KEY) == target:
        st.session_state[PRESET_KEY] = next(iter(presets))
        apply_preset(presets)
    _say("success", t("messages.preset_deleted", _lang(), name=plain(repr(target))))


def _say_import(kind: str, text: str) -> None:
    """A message about the import, shown under the uploader."""
    st.session_state[IMPORT_MESSAGE_KEY] = (kind, text)


def _import(store: PresetStore) -> None:
    """on_change of the uploader: import the file (never over a saved preset)."""
    if not presenter.allowed():  # only the presenter writes
        return
    st.session_state.pop(PENDING_IMPORT_KEY, None)
    upload = st.session_state.get("import_file")
    if upload is not None:
        _import_bytes(store, upload.name, upload.getvalue(), overwrite=False)


def _import_over(store: PresetStore) -> None:
    """The Overwrite button: import the file the user was warned about."""
    if not presenter.allowed():  # only the presenter writes
        return
    pending = st.session_state.pop(PENDING_IMPORT_KEY, None)
    if pending is not None:
        _import_bytes(store, *pending, overwrite=True)


def _import_bytes(
    store: PresetStore, name: str, data: bytes, *, overwrite: bool
) -> None:
    """Import ``data`` (file ``name``); select the imported preset, or say why not
    (an existing id: keep the file and offer the Overwrite button)."""
    lang = _lang()
    try:
        scenario = store.import_json(data, overwrite=overwrite)
    except PresetExists as error:
        st.session_state[PENDING_IMPORT_KEY] = (name, data)
        _say_import(
            "warning",
            t("messages.import_exists", lang, id=plain(repr(error.preset_id))),
        )
        return
    except (ScenarioError, PresetError) as error:
        problems = getattr(error, "problems", None) or [str(error)]
        _say_import(
            "error",
            t(
                "messages.preset_file_problem",
                lang,
                file=plain(name),
                problems=plain("; ".join(problems)),
            ),
        )
        return
    st.session_state[PRESET_KEY] = scenario.id
    for lever, value in scenario.levers().items():
        st.session_state[lever] = value
    _say_import(
        "success", t("messages.preset_imported", lang, name=plain(repr(scenario.name)))
    )


def load(
    store: PresetStore, lang: str = "en"
) -> tuple[dict[str, Scenario], dict[str, PresetEntry]]:
    """Built-in presets (cached) and this user's saved ones, with their entries; a
    warning in the sidebar for each preset that cannot be read."""
    entries, broken = store.list()
    presets = dict(cache.builtin_presets())
    for entry in entries:
        if entry.origin == "user":
            try:
                presets[entry.id] = store.load(entry.id)
            except PresetError as error:
                broken.append(error)
    for problem in broken:
        st.sidebar.warning(
            t("messages.broken_preset", lang, problem=plain(str(problem)))
        )
    return presets, {e.id: e for e in entries}


def render(
    store: PresetStore,
    controls: Controls,
    presets: Mapping[str, Scenario],
    entries: Mapping[str, PresetEntry],
    lang: str = "en",
) -> None:
    """The panel; messages from the last action are shown at its top."""
    with st.sidebar.expander(t("presets_panel.expander", lang), expanded=False):
        if MESSAGE_KEY in st.session_state:
            kind, text = st.session_state.pop(MESSAGE_KEY)
            getattr(st, kind)(text)
        presenter.unlock_field(st.container(), "presets")
        st.text_input(t("presets_panel.name", lang), key="save_name", max_chars=120)
        st.text_area(
            t("presets_panel.description", lang),
            key="save_description",
            max_chars=2000,
        )
        st.button(
            t("presets_panel.save", lang),
            key="save_preset",
            on_click=_save,
            args=(store, controls, False),
            disabled=not st.session_state.get("save_name", "").strip(),
        )
        pending = st.session_state.get(PENDING_OVERWRITE_KEY)
        if pending and pending == _slug_or_none(st.session_state.get("save_name", "")):
            st.button(
                t("presets_panel.overwrite", lang),
                key="overwrite_preset",
                type="primary",
                on_click=_save,
                args=(store, controls, True),
            )
        user = [k for k, e in entries.items() if e.origin == "user"]
        if user:
            st.divider()
            st.selectbox(
                t("presets_panel.saved_preset", lang),
                user,
                key="manage_preset",
                format_func=lambda k: entries[k].name,
            )
            st.text_input(
                t("presets_panel.new_name", lang), key="rename_to", max_chars=120
            )
            left, right = st.columns(2)
            left.button(
                t("presets_panel.rename", lang),
                key="rename_preset",
                on_click=_rename,
                args=(store,),
            )
            right.button(
                t("presets_panel.delete", lang),
                key="delete_preset",
                on_click=_ask_delete,
            )
            _confirm_delete(store, presets, entries, lang)
        st.divider()
        st.file_uploader(
            t("presets_panel.import", lang),
            type=["json"],
            key="import_file",
            on_change=_import,
            args=(store,),
        )
        _import_feedback(store, lang)
        st.download_button(
            t("presets_panel.export", lang),
            data=partial(store.export_json, controls.preset.id),  # read on click
            file_name=f"{controls.preset.id}.json",
            mime="application/json",
            key="export_preset",
            on_click="ignore",
        )


def _confirm_delete(
    store: PresetStore,
    presets: Mapping[str, Scenario],
    entries: Mapping[str, PresetEntry],
    lang: str,
) -> None:
    """After a first click on Delete: the question and its two buttons."""
    target = st.session_state.get(PENDING_DELETE_KEY)
    if target is None or target != st.session_state.get("manage_preset"):
        return
    name = entries[target].name if target in entries else target
    st.warning(t("presets_panel.confirm_delete", lang, name=plain(repr(name))))
    yes, no = st.columns(2)
    yes.button(
        t("presets_panel.delete_yes", lang),
        key="delete_preset_yes",
        type="primary",
        on_click=_delete,
        args=(store, presets),
    )
    no.button(
        t("presets_panel.cancel", lang), key="delete_preset_no", on_click=_cancel_delete
    )


def _import_feedback(store: PresetStore, lang: str) -> None:
    """Under the uploader: the last import's message, and Overwrite when the
    file's id exists."""
    if IMPORT_MESSAGE_KEY in st.session_state:
        kind, text = st.session_state.pop(IMPORT_MESSAGE_KEY)
        getattr(st, kind)(text)
    if PENDING_IMPORT_KEY in st.session_state:
        st.button(
            t("presets_panel.overwrite", lang),
            key="overwrite_import",
            type="primary",
            on_click=_import_over,
            args=(store,),
        )
