"""Tests of the preset store (scenarios.store): files, ids, atomic writes, locking."""

from __future__ import annotations

import errno
import json
import os
import random
import re
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from filelock import FileLock
from hypothesis import given
from hypothesis import strategies as st

from scenarios import store as store_module
from scenarios.schema import ID_PATTERN, Scenario, ScenarioError, scenario_from_dict
from scenarios.store import (
    BUILTIN_DIR,
    MAX_PRESET_BYTES,
    PresetError,
    PresetExists,
    PresetStore,
    check_id,
    default_user_dir,
    slugify,
)


def make(preset_id: str, name: str | None = None, **values: object) -> Scenario:
    data = {"id": preset_id, "name": name or preset_id.replace("_", " ").title()}
    return scenario_from_dict(data | values)


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(".tmp-*"))


@pytest.fixture
def builtin_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "builtin"
    folder.mkdir()
    for scenario in (
        make("zeta_builtin", "Zeta built-in", fence_pct=10.0),
        make("alpha_builtin", "Alpha built-in", evasion=0.2),
    ):
        (folder / f"{scenario.id}.json").write_text(scenario.to_json(), "utf-8")
    return folder


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    return tmp_path / "user" / "presets"


@pytest.fixture
def store(user_dir: Path, builtin_dir: Path) -> PresetStore:
    return PresetStore(user_dir, builtin_dir)


# --- round trips ----------------------------------------------------------------------


def test_builtins_list_without_a_user_folder(store: PresetStore, user_dir: Path):
    entries, broken = store.list()
    assert [(e.id, e.origin) for e in entries] == [
        ("alpha_builtin", "built-in"),
        ("zeta_builtin", "built-in"),
    ]
    assert broken == []
    assert not user_dir.exists()  # created on the first save, not by reading


def test_save_load_export_round_trip(store: PresetStore, user_dir: Path):
    scenario = make("my_plan", "My plan", fence_pct=75.0, prohibitive=True)
    entry = store.save(scenario)
    assert (entry.id, entry.name, entry.origin) == ("my_plan", "My plan", "user")
    assert entry.path == user_dir / "my_plan.json"
    assert store.load("my_plan") == scenario
    assert store.export_json("my_plan") == scenario.to_json()
    assert entry.path.read_text("utf-8") == scenario.to_json()
    assert store.origin("my_plan") == "user"
    assert store.origin("alpha_builtin") == "built-in"
    assert store.origin("nothing_here") is None
    assert temp_files(user_dir) == []


def test_list_builtin_first_then_user_each_by_name(store: PresetStore):
    for preset_id, name in [("b1", "beta"), ("a1", "Gamma"), ("c1", "alpha")]:
        store.save(make(preset_id, name))
    entries, broken = store.list()
    assert [e.name for e in entries] == [
        "Alpha built-in",
        "Zeta built-in",
        "alpha",
        "beta",
        "Gamma",
    ]
    assert broken == []


def test_load_unknown_id(store: PresetStore):
    with pytest.raises(PresetError, match="no preset 'nothing_here'"):
        store.load("nothing_here")


def test_user_folder_from_environment_at_call_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, builtin_dir: Path
):
    store = PresetStore(builtin_dir=builtin_dir)
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(tmp_path / "first"))
    store.save(make("one"))
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(tmp_path / "second"))
    store.save(make("two"))
    assert (tmp_path / "first" / "one.json").is_file()
    assert (tmp_path / "second" / "two.json").is_file()
    assert [e.id for e in store.list()[0] if e.origin == "user"] == ["two"]


def test_default_user_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("DECOUPLING_PRESETS_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_user_dir() == tmp_path / "xdg" / "decoupling-dashboard" / "presets"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = tmp_path / "home" / ".local" / "share" / "decoupling-dashboard"
    assert default_user_dir() == expected / "presets"
    assert BUILTIN_DIR.parent == Path(store_module.__file__).resolve().parent


# --- overwrite and built-in protection ------------------------------------------------


def test_save_refuses_to_overwrite_unless_asked(store: PresetStore, user_dir: Path):
    store.save(make("plan", fence_pct=1.0))
    before = (user_dir / "plan.json").read_bytes()
    with pytest.raises(PresetExists, match="'plan' already exists.*overwrite") as err:
        store.save(make("plan", fence_pct=2.0))
    assert err.value.preset_id == "plan"
    assert (user_dir / "plan.json").read_bytes() == before
    store.save(make("plan", fence_pct=2.0), overwrite=True)
    assert store.load("plan").fence_pct == 2.0


def test_builtin_presets_are_protected(
    store: PresetStore, builtin_dir: Path, user_dir: Path
):
    before = files(builtin_dir)
    store.save(make("mine"))
    message = "'alpha_builtin' is a built-in preset; save under another name"
    with pytest.raises(PresetError, match=message):
        store.save(make("alpha_builtin"), overwrite=True)
    with pytest.raises(PresetError, match="built-in"):
        store.delete("alpha_builtin")
    with pytest.raises(PresetError, match="built-in"):
        store.rename("alpha_builtin", "copy")
    with pytest.raises(PresetError, match="built-in"):
        store.rename("mine", "zeta_builtin")
    with pytest.raises(PresetError, match="built-in"):
        store.import_json(make("zeta_builtin").to_json(), overwrite=True)
    assert files(builtin_dir) == before
    assert sorted(p.name for p in user_dir.glob("*.json")) == ["mine.json"]


# --- rename and delete ----------------------------------------------------------------


def test_rename_rewrites_id_and_name(store: PresetStore, user_dir: Path):
    store.save(make("old_plan", "Old plan", fence_pct=30.0))
    entry = store.rename("old_plan", "new_plan", "New plan")
    assert (entry.id, entry.name, entry.path) == (
        "new_plan",
        "New plan",
        user_dir / "new_plan.json",
    )
    assert not (user_dir / "old_plan.json").exists()
    renamed = store.load("new_plan")
    assert (renamed.id, renamed.name, renamed.fence_pct) == (
        "new_plan",
        "New plan",
        30.0,
    )
    assert store.rename("new_plan", "third").name == "New plan"  # name kept
    assert store.rename("third", "third", "Renamed in place").id == "third"
    assert store.load("third").name == "Renamed in place"
    assert [e.id for e in store.list()[0] if e.origin == "user"] == ["third"]


def test_rename_refuses_to_clobber(store: PresetStore, user_dir: Path):
    store.save(make("first", fence_pct=1.0))
    store.save(make("second", fence_pct=2.0))
    before = files(user_dir)
    with pytest.raises(PresetExists, match="'second' already exists"):
        store.rename("first", "second")
    with pytest.raises(PresetError, match="no user preset 'missing'"):
        store.rename("missing", "other")
    with pytest.raises(PresetError, match="name"):
        store.rename("first", "other", "x" * 200)  # name longer than allowed
    assert files(user_dir) == before


def test_delete(store: PresetStore, user_dir: Path):
    store.save(make("doomed"))
    store.delete("doomed")
    assert not (user_dir / "doomed.json").exists()
    with pytest.raises(PresetError, match="no user preset 'doomed'"):
        store.delete("doomed")


# --- import and export ----------------------------------------------------------------


def test_import_json_text_bytes_and_file(store: PresetStore, tmp_path: Path):
    text = make("imported", evasion=0.4).to_json()
    assert store.import_json(text).evasion == 0.4
    with pytest.raises(PresetExists, match="already exists"):
        store.import_json(text.encode("utf-8"))
    newer = make("imported", evasion=0.5).to_json().encode("utf-8")
    assert store.import_json(newer, overwrite=True).evasion == 0.5
    path = tmp_path / "elsewhere.json"
    path.write_text(make("from_file").to_json(), "utf-8")
    assert store.import_file(path).id == "from_file"
    assert store.export_json("from_file") == make("from_file").to_json()
    with pytest.raises(PresetError, match="cannot read"):
        store.import_file(tmp_path / "missing.json")


def test_import_rejects_invalid_presets(store: PresetStore, user_dir: Path):
    with pytest.raises(ScenarioError, match="fence_pct"):
        store.import_json('{"id": "bad", "name": "Bad", "fence_pct": 900}')
    with pytest.raises(ScenarioError, match="fence_pct: the key is given twice"):
        store.import_json('{"id": "x", "name": "X", "fence_pct": 1, "fence_pct": 2}')
    with pytest.raises(ScenarioError, match="nested too deeply"):
        store.import_json("[" * 50_000)
    assert not list(user_dir.glob("*.json"))


def test_import_size_limit_checked_before_parsing(
    store: PresetStore, monkeypatch: pytest.MonkeyPatch
):
    padded = make("big").to_json()[:-2] + " " * MAX_PRESET_BYTES + "}\n"
    assert json.loads(padded)["id"] == "big"  # valid JSON, only too large

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed a text over the size limit")

    monkeypatch.setattr(store_module, "scenario_from_json", never)
    for text in (padded, padded.encode("utf-8"), "é" * (MAX_PRESET_BYTES // 2 + 1)):
        with pytest.raises(ScenarioError, match=f"larger than {MAX_PRESET_BYTES}"):
            store.import_json(text)


def test_save_refuses_a_preset_too_large_to_read_back(store: PresetStore):
    huge = make("huge", rationale={"fence_pct": "x" * MAX_PRESET_BYTES})
    with pytest.raises(PresetError, match="larger than"):
        store.save(huge)


# --- ids and names --------------------------------------------------------------------

BAD_IDS = ["../x", "a/b", "..", ".", "x\x00", "con", "LPT1", "", "/etc/passwd",
           "a\\b", "x\n", ".hidden", "Upper", "a" * 65, "com9"]  # fmt: skip


@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_bad_ids_rejected_before_touching_the_disk(
    store: PresetStore, tmp_path: Path, bad_id: str, monkeypatch: pytest.MonkeyPatch
):
    outside = tmp_path / "x.json"
    outside.write_text(make("x").to_json(), "utf-8")
    before = files(tmp_path)

    def no_disk(*args: object, **kwargs: object) -> None:
        raise AssertionError("touched the disk")

    with pytest.raises(PresetError, match="invalid preset id"):
        check_id(bad_id)
    forged = Scenario.model_construct(id=bad_id, name="forged")  # skips validation
    operations = {
        "load": lambda: store.load(bad_id),
        "origin": lambda: store.origin(bad_id),
        "export": lambda: store.export_json(bad_id),
        "delete": lambda: store.delete(bad_id),
        "rename from": lambda: store.rename(bad_id, "fine"),
        "rename to": lambda: store.rename("fine", bad_id),
        "save": lambda: store.save(forged, overwrite=True),
    }
    errors = {}
    with monkeypatch.context() as patch:
        for method in ("exists", "is_file", "mkdir", "open", "unlink"):
            patch.setattr(Path, method, no_disk)
        for name, operation in operations.items():
            try:
                operation()
            except Exception as err:  # noqa: BLE001 - checked below
                errors[name] = err
    for name in operations:
        assert isinstance(errors.get(name), PresetError), (name, errors.get(name))
        assert "invalid preset id" in str(errors[name])
    assert files(tmp_path) == before


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("US tariff +25pp on CHN", "us_tariff_25pp_on_chn"),
        ("Ça va, 2023!", "ca_va_2023"),
        ("Straße", "strasse"),
        ("  Dutch & Japanese — alignment  ", "dutch_japanese_alignment"),
        ("already_a_slug", "already_a_slug"),
        ("__x__y__", "x_y"),
        ("Ｆｕｌｌ ｗｉｄｔｈ", "full_width"),
        ("CON", "con_preset"),
        ("a" * 63 + " b", "a" * 63),
        ("z" * 200, "z" * 64),
    ],
)
def test_slugify(name: str, slug: str):
    assert slugify(name) == slug
    assert re.fullmatch(ID_PATTERN, slug)


@pytest.mark.parametrize("name", ["", "   ", "!!!", "日本", "—"])
def test_slugify_without_letters(name: str):
    with pytest.raises(PresetError, match="no letter or digit"):
        slugify(name)


@given(st.text())
def test_slugify_gives_a_safe_id_or_a_clear_error(name: str):
    try:
        slug = slugify(name)
    except PresetError as err:
        assert "no letter or digit" in str(err)
    else:
        assert check_id(slug) == slug


# --- broken files ---------------------------------------------------------------------

BROKEN = {
    # file name: (content, fragments of the problem)
    "truncated.json": (b'{"id": "truncated", "name": "T', ["not valid JSON"]),
    "latin1.json": ('{"id": "latin1", "name": "Caf\xe9"}'.encode("latin-1"),
                    ["not UTF-8"]),
    "huge.json": (b" " * (MAX_PRESET_BYTES + 1), [f"larger than {MAX_PRESET_BYTES}"]),
    "version.json": (b'{"schema_version": 2, "id": "version", "name": "V"}',
                     ["schema_version"]),
    "unknown.json": (b'{"id": "unknown", "name": "U", "warp_pct": 1}',
                     ["warp_pct: unknown field"]),
    "range.json": (b'{"id": "range", "name": "R", "fence_pct": 900}',
                   ["fence_pct", "900"]),
    "wrong_type.json": (b'{"id": "wrong_type", "name": "W", "prohibitive": 1}',
                        ["prohibitive"]),
    "not_object.json": (b"[1, 2]", ["expected one JSON object"]),
    "mismatch.json": (b'{"id": "other", "name": "M"}',
                      ["file name does not match id 'other'"]),
    "Bad Name.json": (b'{"id": "bad_name", "name": "B"}', ["file name"]),
    "con.json": (b'{"id": "con", "name": "C"}', ["reserved"]),
    "zeta_builtin.json": (b'{"id": "zeta_builtin", "name": "Z"}', ["built-in"]),
}  # fmt: skip


def test_broken_files_are_reported_and_skipped(store: PresetStore, user_dir: Path):
    store.save(make("good_one"))
    for name, (content, _) in BROKEN.items():
        (user_dir / name).write_bytes(content)
    (user_dir / ".tmp-abcd.json").write_bytes(b'{"id": "tmp')  # a crashed write
    (user_dir / "folder.json").mkdir()
    entries, broken = store.list()
    assert [e.id for e in entries if e.origin == "user"] == ["good_one"]
    problems = {Path(b.file).name: b.problem for b in broken}
    assert set(problems) == set(BROKEN) | {"folder.json"}
    for name, (_, fragments) in BROKEN.items():
        assert str(user_dir / name) in [b.file for b in broken]
        for fragment in fragments:
            assert fragment in problems[name], (name, problems[name])
        assert "\n" not in problems[name]
    assert problems["folder.json"] == "not a regular file"
    with pytest.raises(PresetError, match="truncated.json: not valid JSON"):
        store.load("truncated")


def test_broken_builtin_is_reported(store: PresetStore, builtin_dir: Path):
    (builtin_dir / "broken_builtin.json").write_text("{", "utf-8")
    entries, broken = store.list()
    assert [e.id for e in entries] == ["alpha_builtin", "zeta_builtin"]
    assert [Path(b.file).name for b in broken] == ["broken_builtin.json"]


def test_real_builtin_presets_list_cleanly(tmp_path: Path):
    assert list(BUILTIN_DIR.glob("*.json")), f"no built-in presets in {BUILTIN_DIR}"
    store = PresetStore(tmp_path / "user")
    entries, broken = store.list()
    assert broken == [], broken
    assert entries and all(e.origin == "built-in" for e in entries)
    for entry in entries:
        assert entry.path.stem == entry.id
        assert store.load(entry.id).id == entry.id


# --- write failures and crashes -------------------------------------------------------


def _raise(code: int):
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    return fail


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ((tempfile, "NamedTemporaryFile"), errno.EROFS),  # read-only folder
        ((os, "fsync"), errno.ENOSPC),  # disk full when the data is flushed
        ((os, "replace"), errno.EROFS),
        ((os, "replace"), errno.EACCES),
    ],
    ids=["temp-file-erofs", "fsync-enospc", "replace-erofs", "replace-eacces"],
)
def test_failed_write_keeps_the_old_file(
    store: PresetStore,
    user_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    target: tuple[object, str],
    code: int,
):
    store.save(make("plan", fence_pct=1.0))
    before = files(user_dir)
    monkeypatch.setattr(*target, _raise(code))
    with pytest.raises(PresetError) as caught:
        store.save(make("plan", fence_pct=2.0), overwrite=True)
    with pytest.raises(PresetError):
        store.rename("plan", "moved")
    monkeypatch.undo()
    message = str(caught.value)
    assert str(user_dir / "plan.json") in message
    assert os.strerror(code) in message
    assert files(user_dir) == before
    assert temp_files(user_dir) == []
    assert store.list()[1] == []
    assert store.load("plan").fence_pct == 1.0


def test_failed_delete_and_half_rename_change_nothing(
    store: PresetStore, user_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    store.save(make("plan"))
    before = files(user_dir)
    real_unlink = Path.unlink

    def unlink(path: Path, missing_ok: bool = False) -> None:
        if path.name == "plan.json":
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        real_unlink(path, missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    with pytest.raises(PresetError, match="plan.json: Read-only file system"):
        store.delete("plan")
    with pytest.raises(PresetError, match="cannot remove"):
        store.rename("plan", "moved")  # new file written, old one stuck: undone
    monkeypatch.undo()
    assert files(user_dir) == before


def test_crash_before_replace_leaves_no_partial_file(
    store: PresetStore, user_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    class Crash(BaseException):
        pass

    def crash(*args: object) -> None:
        raise Crash

    store.save(make("kept"))
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(Crash):
        store.save(make("lost"))
    monkeypatch.undo()
    # a hard crash (power cut) could not clean up: leave a partial temp file behind
    (user_dir / ".tmp-crashed.json").write_bytes(make("lost").to_json()[:20].encode())
    entries, broken = store.list()
    assert [e.id for e in entries if e.origin == "user"] == ["kept"]
    assert broken == []
    with pytest.raises(PresetError, match="no preset 'lost'"):
        store.load("lost")


def test_lock_timeout_is_a_clear_error(
    store: PresetStore, user_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(store_module, "LOCK_TIMEOUT_S", 0.2)
    user_dir.mkdir(parents=True)
    with FileLock(user_dir / ".lock"):
        with pytest.raises(PresetError, match="locked"):
            store.save(make("blocked"))
    assert not (user_dir / "blocked.json").exists()


# --- concurrency ----------------------------------------------------------------------

WORKERS = 6
OPERATIONS = 40
SHARED_IDS = ("shared_0", "shared_1", "shared_2")  # saved with overwrite by all


def _payload(rng: random.Random, tag: str) -> str:
    return tag + "".join(rng.choices(string.ascii_letters, k=rng.randint(0, 1500)))


def churn(folder: str, worker: int, seed: int, go: str, result: str) -> None:
    """One process of the concurrency test: mixed operations, then its record.

    All processes start together once the file ``go`` exists.
    """
    rng = random.Random(seed * 1000 + worker)
    store = PresetStore(Path(folder), Path(folder) / "no_builtins")
    mine: dict[str, str] = {}  # own id -> description last written
    shared: list[str] = []
    claimed: dict[str, str] = {}  # claim id -> description, if this process won
    deadline = time.monotonic() + 60
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    for step in range(OPERATIONS):
        tag = f"w{worker}s{step}:"
        operation = rng.choice(
            ["save", "save", "shared", "claim", "claim", "delete", "rename", "list"]
        )
        if operation in ("delete", "rename") and not mine:
            operation = "save"
        if operation == "save":
            preset_id = f"w{worker}_{rng.randint(0, 4)}"
            description = _payload(rng, tag)
            scenario = make(preset_id, description=description, evasion=rng.random())
            store.save(scenario, overwrite=preset_id in mine)
            mine[preset_id] = description
        elif operation == "shared":
            description = _payload(rng, tag)
            scenario = make(rng.choice(SHARED_IDS), description=description)
            store.save(scenario, overwrite=True)
            shared.append(description)
        elif operation == "claim":
            # saved without overwrite: at most one process may win each claim id;
            # by step, so that processes running in step race for the same id
            preset_id, description = f"claim_{step}", _payload(rng, tag)
            try:
                store.save(make(preset_id, description=description))
            except PresetExists:
                pass
            else:
                claimed[preset_id] = description
        elif operation == "delete":
            preset_id = rng.choice(sorted(mine))
            store.delete(preset_id)
            del mine[preset_id]
        elif operation == "rename":
            old = rng.choice(sorted(mine))
            new = rng.choice([f"w{worker}_{k}" for k in range(10) if f"w{worker}_{k}"
                              not in mine])  # fmt: skip
            store.rename(old, new)
            mine[new] = mine.pop(old)
        else:
            assert store.list()[1] == []  # readers never see a partial file
    Path(result).write_text(
        json.dumps({"mine": mine, "shared": shared, "claimed": claimed}), "utf-8"
    )


def test_concurrent_processes_keep_the_folder_consistent(tmp_path: Path):
    folder = tmp_path / "shared_presets"
    go = tmp_path / "go"
    seed = random.randrange(1_000_000)
    results = [tmp_path / f"result_{k}.json" for k in range(WORKERS)]
    # Separate interpreters (not multiprocessing): a worker must not depend on
    # what the test process's __main__ happens to be (AppTest replaces it).
    code = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; "
        "from test_store import churn; "
        "churn(sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], "
        "sys.argv[7])"
    )
    here = Path(__file__).resolve().parent
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                code,
                str(here),
                str(here.parent),
                str(folder),
                str(k),
                str(seed),
                str(go),
                str(out),
            ]  # fmt: skip
        )
        for k, out in enumerate(results)
    ]
    began = time.monotonic()
    go.touch()
    codes = [process.wait(timeout=120) for process in processes]
    assert codes == [0] * WORKERS, f"seed {seed}"
    assert time.monotonic() - began < 60

    store = PresetStore(folder, tmp_path / "no_builtins")
    entries, broken = store.list()
    assert broken == [], f"seed {seed}"
    assert temp_files(folder) == []
    for path in folder.glob("*.json"):
        assert store.load(path.stem).id == path.stem
    found = {e.id: store.load(e.id).description for e in entries}
    expected: dict[str, str] = {}
    shared_written: set[str] = set()
    claims: list[tuple[str, str]] = []
    for out in results:
        record = json.loads(out.read_text("utf-8"))
        expected |= record["mine"]
        shared_written |= set(record["shared"])
        claims += record["claimed"].items()
    own = {k: v for k, v in found.items() if k.startswith("w")}
    assert own == expected, f"seed {seed}"
    for preset_id in SHARED_IDS:
        assert found.get(preset_id, "") in shared_written | {""}, f"seed {seed}"
    # overwrite protection holds across processes: each claim id won at most once
    assert sorted(k for k, _ in claims) == sorted(set(k for k, _ in claims))
    assert {k: v for k, v in found.items() if k.startswith("claim_")} == dict(claims)


def test_listing_parses_each_file_version_once(tmp_path, monkeypatch):
    """Every rerun lists the presets: unchanged files are not parsed again, a
    rewritten one is."""
    from scenarios import store as store_module

    calls = []
    real = store_module.parse_preset
    monkeypatch.setattr(
        store_module, "parse_preset", lambda data: calls.append(1) or real(data)
    )
    store_module._parse_file.cache_clear()
    presets = store_module.PresetStore(tmp_path)
    builtin = presets.load("oct_2022_rule")
    presets.save(builtin.model_copy(update={"id": "mine", "name": "Mine"}))
    presets.list()
    first = len(calls)
    assert first >= 2
    presets.list()
    assert len(calls) == first  # nothing re-read
    presets.save(
        builtin.model_copy(update={"id": "mine", "name": "Mine 2"}), overwrite=True
    )
    entries, _ = presets.list()
    assert len(calls) == first + 1
    assert "Mine 2" in [e.name for e in entries]
