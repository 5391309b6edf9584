"""Presenter-only writes (dashboard/presenter.py) in AppTest: with
DECOUPLING_PRESENTER_KEY set, every write a stranger could try is refused until
the key is entered once; the audience page writes nothing but its own vote."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import presenter
from dashboard.i18n import t
from helpers import APP
from scenarios.schema import scenario_from_dict
from scenarios.store import PresetStore
from scenarios.storylines import STORYLINE_FILE
from scenarios.votes import SESSION_PATTERN, VOTES_FILE, Question, VoteStore

KEY = "correct horse battery staple"


@pytest.fixture
def presets_dir(tmp_path, monkeypatch):
    folder = tmp_path / "presets"
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(folder))
    monkeypatch.setenv(presenter.ENV_VAR, KEY)
    return folder


@pytest.fixture
def mine(presets_dir):
    """A saved user preset, written before the app starts (as the presenter did)."""
    base = PresetStore().load("oct_2022_rule").to_dict() | {"id": "mine"}
    PresetStore().save(scenario_from_dict(base | {"name": "Mine"}))
    return presets_dir / "mine.json"


def refusal_shown(at: AppTest) -> bool:
    return t("presenter.refused", "en") in [w.value for w in at.warning]


def unlock(at: AppTest, where: str, key: str = KEY) -> AppTest:
    return at.text_input(key=f"{presenter.INPUT_KEY}_{where}").input(key).run()


def app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at.run()


def test_saving_a_preset_is_refused_without_the_key_and_works_with_it(presets_dir):
    at = app()
    at.text_input(key="save_name").input("Stranger's case").run()
    at.button(key="save_preset").click().run()
    assert not at.exception and refusal_shown(at)
    assert not (presets_dir / "stranger_s_case.json").exists()

    unlock(at, "presets", "wrong key")
    assert t("presenter.wrong", "en") in [c.value for c in at.caption]
    unlock(at, "presets")
    at.button(key="save_preset").click().run()
    assert (presets_dir / "stranger_s_case.json").exists()
    assert f"{presenter.INPUT_KEY}_presets" not in {w.key for w in at.text_input}


def test_renaming_and_deleting_a_preset_are_refused_without_the_key(mine):
    at = app()
    at.selectbox(key="manage_preset").select("mine").run()
    at.text_input(key="rename_to").input("Taken over").run()
    at.button(key="rename_preset").click().run()
    assert refusal_shown(at) and mine.exists()
    assert not (mine.parent / "taken_over.json").exists()
    at.button(key="delete_preset").click().run()
    assert refusal_shown(at) and mine.exists()


def test_saving_a_storyline_and_opening_a_room_are_refused_without_the_key(
    presets_dir,
):
    at = app({"view": "seminar"})
    at.text_input(key="seminar_storyline_input").input("cooperation").run()
    at.button(key="seminar_storyline_save").click().run()
    assert not at.exception and refusal_shown(at)
    assert not (presets_dir / STORYLINE_FILE).exists()
    at.button(key="room_open").click().run()
    assert "seminar_room_code" not in at.session_state
    assert not (presets_dir / VOTES_FILE).exists()

    unlock(at, "room")
    at.button(key="room_open").click().run()
    code = at.session_state["seminar_room_code"]
    room = VoteStore().room(code)
    assert room is not None and room.is_open and room.step == 1
    at.button(key="room_close").click().run()
    assert not VoteStore().room(code).is_open


def test_the_audience_page_writes_only_its_vote(presets_dir):
    store = VoteStore()
    code = store.open_room()
    store.show_step(
        code, 3, "oct_2022_rule", Question("china_prices", -1, 3, 0.05), False
    )
    before = sorted(p.name for p in presets_dir.iterdir())
    at = app({"view": "vote", "room": code})
    assert not at.exception
    assert "save_preset" not in {b.key for b in at.button}  # no sidebar, no panel
    at.slider(key=f"vote_{code}_3_oct_2022_rule").set_value(0.5).run()
    at.button(key="vote_send").click().run()
    assert store.guesses(code, 3, "oct_2022_rule") == [0.5]
    assert sorted(p.name for p in presets_dir.iterdir()) == before  # the db only
    at.button(key="vote_send").click().run()  # within a second: refused
    assert t("vote.refused.too_fast", "en") in [w.value for w in at.warning]
    assert store.guesses(code, 3, "oct_2022_rule") == [0.5]
    me = at.session_state["vote_session"]
    assert SESSION_PATTERN.fullmatch(me) and at.query_params["me"] == me
    reloaded = app({"view": "vote", "room": code, "me": me})  # the same phone
    assert reloaded.button(key="vote_send").label == t("vote.change", "en")


def test_without_a_key_everyone_may_write(presets_dir, monkeypatch):
    monkeypatch.delenv(presenter.ENV_VAR)
    at = app({"view": "seminar"})
    at.button(key="room_open").click().run()
    assert VoteStore().room(at.session_state["seminar_room_code"]).is_open


def test_the_votes_of_a_room_download_after_it_closed(presets_dir, monkeypatch):
    monkeypatch.delenv(presenter.ENV_VAR)
    at = app({"view": "seminar"})
    at.button(key="room_open").click().run()
    code = at.session_state["seminar_room_code"]
    at.button(key="room_close").click().run()
    assert at.selectbox(key="room_csv_choice").value == code
    assert VoteStore().csv(code).startswith("room,step,preset,question,session")


IMPORT_SCRIPT = """\
import streamlit as st
from dashboard import presets_panel
from scenarios.store import PresetStore


class Upload:  # what st.file_uploader hands the callback
    name = "theirs.json"

    def getvalue(self) -> bytes:
        return PresetStore().export_json("oct_2022_rule").replace(
            '"oct_2022_rule"', '"theirs"'
        ).encode()


if st.button("import", key="do_import"):
    st.session_state["import_file"] = Upload()
    presets_panel._import(PresetStore())
    st.write(st.session_state.get(presets_panel.MESSAGE_KEY, ("none", ""))[0])
"""


def test_importing_a_preset_is_refused_without_the_key(presets_dir, tmp_path):
    script = tmp_path / "import_app.py"
    script.write_text(IMPORT_SCRIPT, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=30).run()
    at.button(key="do_import").click().run()
    assert not at.exception
    assert not (presets_dir / "theirs.json").exists()
    assert at.session_state[presenter.NOTICE_KEY]  # the key field will say why
    at.session_state[presenter.UNLOCKED_KEY] = True  # as after the right key
    at.button(key="do_import").click().run()
    assert (presets_dir / "theirs.json").exists()
