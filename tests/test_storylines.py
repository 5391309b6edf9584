"""Tests of the saved seminar storyline (scenarios.storylines): it takes the preset
store's lock, and saves running at once never leave a partial or lost file."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from filelock import FileLock

from scenarios import store as store_module
from scenarios.schema import scenario_from_dict
from scenarios.store import LOCK_NAME, FolderLocked, PresetStore
from scenarios.storylines import STORYLINE_FILE, load_storyline, save_storyline

WORKERS = 4
SAVES = 25
IDS_PER_SAVE = 300  # a file of several kB: a torn write would show


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    user_dir = tmp_path / "presets"
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(user_dir))
    return user_dir


def test_a_save_waits_while_another_program_holds_the_store_lock(folder: Path):
    save_storyline(["old"])
    path = folder / STORYLINE_FILE
    old = path.read_bytes()
    done = threading.Event()
    errors: list[BaseException] = []

    def save() -> None:
        try:
            save_storyline(["new"])
        except BaseException as error:  # reported by the test thread
            errors.append(error)
        finally:
            done.set()

    with FileLock(folder / LOCK_NAME):  # the lock of PresetStore
        worker = threading.Thread(target=save)
        worker.start()
        assert not done.wait(0.5), "the save did not wait for the store's lock"
        assert path.read_bytes() == old
    worker.join(timeout=10)
    assert done.is_set() and errors == []
    assert load_storyline() == ["new"]
    assert not list(folder.glob(".tmp-*"))


def test_a_lock_held_too_long_is_a_clear_error_and_keeps_the_old_file(
    folder: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(store_module, "LOCK_TIMEOUT_S", 0.2)
    save_storyline(["old"])
    with FileLock(folder / LOCK_NAME):
        with pytest.raises(FolderLocked, match="stayed locked") as raised:
            save_storyline(["new"])
    assert isinstance(raised.value, OSError)  # the seminar view reports OSError
    assert load_storyline() == ["old"]
    assert not list(folder.glob(".tmp-*"))


def storyline_of(worker: int, save: int) -> list[str]:
    return [f"w{worker}_s{save}_{k}" for k in range(IDS_PER_SAVE)]


def churn(folder: str, worker: int, go: str) -> None:
    """One process of the concurrency test: storyline saves and preset saves in
    turn, into the same folder; all processes start once ``go`` exists."""
    deadline = time.monotonic() + 60
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    store = PresetStore(Path(folder), Path(folder) / "no_builtins")
    for save in range(SAVES):
        save_storyline(storyline_of(worker, save), Path(folder) / STORYLINE_FILE)
        preset_id = f"w{worker}_{save}"
        store.save(scenario_from_dict({"id": preset_id, "name": preset_id}))


def test_concurrent_saves_never_leave_a_partial_or_lost_file(tmp_path: Path):
    folder = tmp_path / "shared_presets"
    go = tmp_path / "go"
    path = folder / STORYLINE_FILE
    # separate interpreters, as in test_store: AppTest replaces __main__
    code = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; "
        "from test_storylines import churn; "
        "churn(sys.argv[3], int(sys.argv[4]), sys.argv[5])"
    )
    here = Path(__file__).resolve().parent
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(here), str(here.parent), str(folder)]
            + [str(k), str(go)]
        )
        for k in range(WORKERS)
    ]
    go.touch()
    seen = 0
    while any(p.poll() is None for p in processes):
        steps = load_storyline(path)  # ValueError for a partial file
        if steps is not None:
            worker, save = steps[0].split("_")[:2]
            assert steps == storyline_of(int(worker[1:]), int(save[1:]))
            seen += 1
        time.sleep(0.002)  # the machine is shared: no busy loop
    assert [p.wait(timeout=120) for p in processes] == [0] * WORKERS
    assert seen > 0

    final = load_storyline(path)
    assert final in [storyline_of(k, SAVES - 1) for k in range(WORKERS)]
    assert json.loads(path.read_text("utf-8"))["version"] == 1
    entries, broken = PresetStore(folder, tmp_path / "no_builtins").list()
    assert broken == []  # the storyline is not listed as a (broken) preset
    assert {e.id for e in entries} == {
        f"w{k}_{s}" for k in range(WORKERS) for s in range(SAVES)
    }
    assert not list(folder.glob(".tmp-*"))
