"""Faults: the preset folder read-only, missing, full or locked; a crash in the
middle of a save; files changed under a running session; the solver failing.

What is checked each time: the old file is intact, no partial file is ever
listed, the user is told in words that name the problem, and the session goes
on without losing its lever values. Where the operating system can produce the
fault for real (``chattr +i`` makes a folder read-only even for root, a file-size
rlimit makes writes fail, SIGKILL crashes a saving process) it does; otherwise
the failing system call is replaced by one that raises the real errno.

Covered elsewhere, not repeated here: the store's own behaviour for a failing
temp file, fsync or replace (EROFS, ENOSPC, EACCES), a failed delete, a half
rename, a crash raised before replace and a lock timeout, each at the
PresetStore level, and many processes saving at once: tests/test_store.py. The
command line's exit status 3 for a solver that does not converge:
tests/test_cli.py. The solver converging over the whole lever space:
tests/test_fuzz.py.
"""

from __future__ import annotations

import errno
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
import streamlit as st
from filelock import FileLock
from streamlit.testing.v1 import AppTest

from helpers import APP, ROOT
from model import simulation
from model.levers import LEVERS
from scenarios import store as store_module
from scenarios.schema import scenario_from_dict
from scenarios.store import PresetStore

HEADLINE_COUNT = 6
CHATTR = shutil.which("chattr")


# --- helpers --------------------------------------------------------------------------


@pytest.fixture
def presets_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "presets"
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(folder))
    return folder


@pytest.fixture
def at(presets_dir: Path) -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=60)


def preset_json(preset_id: str, **values: object) -> str:
    data = {"id": preset_id, "name": preset_id.replace("_", " ").title()}
    return scenario_from_dict(data | values).to_json()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` (hidden ones too) -> its bytes."""
    if not folder.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def levers_of(at: AppTest) -> dict[str, object]:
    return {lever.name: at.session_state[lever.name] for lever in LEVERS}


def messages(at: AppTest, kind: str) -> list[str]:
    """The sidebar's messages of one kind, as shown (Markdown escapes removed)."""
    return [unescape(element.value) for element in getattr(at.sidebar, kind)]


def unescape(markdown: str) -> str:
    """Text escaped by dashboard.format.plain, as Markdown shows it."""
    out, k = [], 0
    while k < len(markdown):
        if markdown[k] == "\\" and k + 1 < len(markdown):
            k += 1
        out.append(markdown[k])
        k += 1
    return "".join(out)


def user_options(at: AppTest) -> list[str]:
    return [k for k in at.selectbox(key="preset").options if k.endswith("(saved)")]


def assert_session_goes_on(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert len(at.metric) == HEADLINE_COUNT
    fence = at.slider(key="fence_pct")
    fence.set_value(400.0 if fence.value != 400.0 else 40.0).run()
    assert not at.exception, at.exception
    assert len(at.metric) == HEADLINE_COUNT


def save_through_ui(at: AppTest, name: str, *, overwrite: bool = False) -> None:
    at.text_input(key="save_name").input(name).run()
    at.button(key="save_preset").click().run()
    if overwrite:
        at.button(key="overwrite_preset").click().run()


@pytest.fixture
def immutable():
    """``chattr +i`` a path (undone at teardown); skip where it is not possible."""
    marked: list[Path] = []

    def mark(path: Path) -> None:
        if CHATTR is None:
            pytest.skip("chattr is not installed")
        done = subprocess.run(
            [CHATTR, "+i", str(path)], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            pytest.skip(f"chattr +i not possible here: {done.stderr.strip()}")
        marked.append(path)

    yield mark
    for path in marked:
        subprocess.run([CHATTR, "-i", str(path)], check=False)


# --- a read-only preset folder --------------------------------------------------------


def test_read_only_folder_for_real(at: AppTest, presets_dir: Path, immutable) -> None:
    """chattr +i: even root cannot create, replace or remove files in the folder."""
    at.run()
    at.slider(key="fence_pct").set_value(120.0).run()
    save_through_ui(at, "Plan")
    assert (presets_dir / "plan.json").is_file()
    before = snapshot(presets_dir)
    immutable(presets_dir)

    at.slider(key="fence_pct").set_value(340.0).run()
    levers = levers_of(at)
    save_through_ui(at, "Plan", overwrite=True)
    (error,) = messages(at, "error")
    assert "cannot write" in error and "plan" in error
    assert "Operation not permitted" in error or "Read-only" in error, error
    assert snapshot(presets_dir) == before  # the old file, byte for byte
    assert PresetStore().load("plan").fence_pct == 120.0
    assert levers_of(at) == levers  # the session keeps what the user set

    save_through_ui(at, "Another plan")
    (error,) = messages(at, "error")
    assert "another_plan" in error and "Operation not permitted" in error, error

    at.selectbox(key="manage_preset").select("plan").run()
    at.button(key="delete_preset").click().run()
    at.button(key="delete_preset_yes").click().run()
    (error,) = messages(at, "error")
    assert "cannot remove" in error and "Operation not permitted" in error, error
    assert snapshot(presets_dir) == before
    assert user_options(at) == ["Plan (saved)"]
    assert_session_goes_on(at)


@pytest.mark.parametrize(
    "code", [errno.EROFS, errno.EACCES, errno.ENOSPC, errno.EDQUOT, errno.EIO]
)
def test_write_failures_keep_the_old_file_and_say_why(
    at: AppTest,
    presets_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    code: int,
) -> None:
    """Read-only, no permission, disk full, quota, I/O error: through the UI."""
    at.run()
    at.slider(key="fence_pct").set_value(120.0).run()
    save_through_ui(at, "Plan")
    before = snapshot(presets_dir)

    def fail(fd: int) -> None:  # the data is written; flushing it to disk fails
        raise OSError(code, os.strerror(code))

    at.slider(key="fence_pct").set_value(340.0).run()
    with monkeypatch.context() as patch:
        patch.setattr(store_module.os, "fsync", fail)
        save_through_ui(at, "Plan", overwrite=True)
    (error,) = messages(at, "error")
    assert f"cannot write {presets_dir / 'plan.json'}" in error
    assert os.strerror(code) in error
    assert snapshot(presets_dir) == before  # no temp file left, old file intact
    assert PresetStore().load("plan").fence_pct == 120.0
    assert at.session_state["fence_pct"] == 340.0  # nothing lost in the session
    assert_session_goes_on(at)


# --- a missing or unusable preset folder ----------------------------------------------


def test_missing_folder_is_created_on_the_first_save(
    at: AppTest, presets_dir: Path
) -> None:
    assert not presets_dir.exists()
    at.run()
    assert not at.exception
    assert messages(at, "warning") == []  # no folder is not a problem
    assert user_options(at) == []
    save_through_ui(at, "First")
    assert (presets_dir / "first.json").is_file()
    assert "Saved" in messages(at, "success")[0]


def test_folder_removed_under_a_running_session(at: AppTest, presets_dir: Path) -> None:
    at.run()
    at.slider(key="fence_pct").set_value(260.0).run()
    save_through_ui(at, "Mine")
    assert at.session_state["preset"] == "mine"
    levers = levers_of(at)
    shutil.rmtree(presets_dir)
    at.run()
    assert not at.exception
    assert user_options(at) == []
    assert at.session_state["preset"] != "mine"
    assert levers_of(at) == levers  # the view is kept
    save_through_ui(at, "Mine again")  # the folder comes back
    assert (presets_dir / "mine_again.json").is_file()
    assert_session_goes_on(at)


def test_folder_path_is_a_file(at: AppTest, presets_dir: Path) -> None:
    presets_dir.parent.mkdir(parents=True, exist_ok=True)
    presets_dir.write_text("not a folder")
    at.run()
    assert not at.exception
    save_through_ui(at, "Plan")
    (error,) = messages(at, "error")
    assert f"cannot use {presets_dir}" in error
    assert "File exists" in error or "Not a directory" in error, error
    assert presets_dir.read_text() == "not a folder"
    assert_session_goes_on(at)


def test_folder_locked_by_another_program(
    at: AppTest, presets_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "LOCK_TIMEOUT_S", 0.3)
    presets_dir.mkdir(parents=True)
    at.run()
    with FileLock(presets_dir / ".lock"):
        save_through_ui(at, "Blocked")
    (error,) = messages(at, "error")
    assert "stayed locked" in error and "try again" in error
    assert not (presets_dir / "blocked.json").exists()
    save_through_ui(at, "Blocked")  # the lock is gone: it works now
    assert (presets_dir / "blocked.json").is_file()


# --- files changed under a running session --------------------------------------------


def test_preset_truncated_while_the_session_runs(
    at: AppTest, presets_dir: Path
) -> None:
    """A laptop sleeps in the middle of a copy: the preset file is cut short."""
    at.run()
    at.slider(key="fence_pct").set_value(180.0).run()
    save_through_ui(at, "Seminar case")
    levers = levers_of(at)
    path = presets_dir / "seminar_case.json"
    text = path.read_bytes()
    path.write_bytes(text[: len(text) // 2])
    at.run()
    assert not at.exception
    (warning,) = [w for w in messages(at, "warning") if "broken preset" in w]
    assert "seminar_case.json: not valid JSON" in warning
    assert user_options(at) == []
    assert levers_of(at) == levers  # what the user set survives
    path.write_bytes(text)  # repaired: back in the list
    at.run()
    assert user_options(at) == ["Seminar case (saved)"]
    assert_session_goes_on(at)


# --- a process killed in the middle of a save -----------------------------------------

CRASH_CHILD = textwrap.dedent(
    """
    import os, signal, sys, tempfile
    from scenarios.schema import scenario_from_dict
    from scenarios.store import PresetStore

    where = sys.argv[1]
    store = PresetStore()
    scenario = scenario_from_dict(
        {"id": sys.argv[2], "name": "Crashed", "description": "x" * 1_900,
         "fence_pct": 444.0}
    )
    real = tempfile.NamedTemporaryFile

    class HalfWritten:  # writes half of the payload, then the power goes
        def __init__(self, *args, **kwargs):
            self._file = real(*args, **kwargs)
            self.name = self._file.name
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            return False
        def write(self, data):
            self._file.write(data[: len(data) // 2])
            self._file.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        def fileno(self):
            return self._file.fileno()
        def flush(self):
            self._file.flush()

    if where == "write":
        tempfile.NamedTemporaryFile = HalfWritten
    elif where == "fsync":
        os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)
    elif where == "replace":
        os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
    elif where == "rename-remove":
        store_unlink = __import__("pathlib").Path.unlink
        __import__("pathlib").Path.unlink = (
            lambda self, missing_ok=False: os.kill(os.getpid(), signal.SIGKILL)
        )
        store.rename(sys.argv[2], "renamed")
    store.save(scenario, overwrite=True)
    """
)


@pytest.mark.parametrize("where", ["write", "fsync", "replace", "rename-remove"])
def test_crash_in_the_middle_of_a_save_lists_no_partial_file(
    at: AppTest, presets_dir: Path, where: str
) -> None:
    presets_dir.mkdir(parents=True)
    (presets_dir / "kept.json").write_text(preset_json("kept", fence_pct=10.0))
    target = "kept" if where != "write" else "fresh"
    old = snapshot(presets_dir)
    env = {**os.environ, "DECOUPLING_PRESETS_DIR": str(presets_dir)}
    done = subprocess.run(
        [sys.executable, "-c", CRASH_CHILD, where, target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    leftovers = sorted(set(snapshot(presets_dir)) - set(old) - {".lock"})
    entries, broken = PresetStore().list()
    users = {e.id: e for e in entries if e.origin == "user"}
    assert broken == []  # nothing half-written is ever read
    if where == "rename-remove":  # the new copy is complete; the old one too
        assert sorted(users) == ["kept", "renamed"]
        assert leftovers == ["renamed.json"]
    else:
        assert sorted(users) == ["kept"]
        assert all(name.startswith(".tmp-") for name in leftovers), leftovers
    assert (presets_dir / "kept.json").read_bytes() == old["kept.json"]

    at.run()  # the app shows complete presets only, and no warning
    assert not at.exception
    assert messages(at, "warning") == []
    options = user_options(at)
    assert "Crashed (saved)" not in options and "Kept (saved)" in options
    save_through_ui(at, "After the crash")  # no stale lock blocks the next save
    assert (presets_dir / "after_the_crash.json").is_file()
    assert_session_goes_on(at)


# --- a full disk, for real: a file-size limit -----------------------------------------

FULL_CHILD = textwrap.dedent(
    """
    import resource, signal, sys
    from scenarios.schema import scenario_from_dict
    from scenarios.store import PresetError, PresetStore

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG, not a signal
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
    big = scenario_from_dict(
        {"id": "plan", "name": "Plan", "description": "y" * 1800, "fence_pct": 9.0}
    )
    try:
        PresetStore().save(big, overwrite=True)
    except PresetError as error:
        print(error)
        sys.exit(0)
    sys.exit("saved despite the limit")
    """
)


def test_disk_full_for_real_keeps_the_old_file(presets_dir: Path) -> None:
    presets_dir.mkdir(parents=True)
    (presets_dir / "plan.json").write_text(preset_json("plan", fence_pct=1.0))
    before = snapshot(presets_dir)
    env = {**os.environ, "DECOUPLING_PRESETS_DIR": str(presets_dir)}
    done = subprocess.run(
        [sys.executable, "-c", FULL_CHILD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"cannot write {presets_dir / 'plan.json'}" in done.stdout
    assert os.strerror(errno.EFBIG) in done.stdout
    after = snapshot(presets_dir)
    after.pop(".lock", None)
    assert after == before
    assert PresetStore().load("plan").fence_pct == 1.0


# --- the solver does not converge -----------------------------------------------------


@pytest.fixture
def crippled_solver():
    """The solver gets no iterations: every non-trivial scenario fails to converge.

    AppTest runs the script in this process, so patching the module works; the
    shared caches are cleared before (a cached result would hide the failure)
    and after (nothing computed meanwhile may leak into other tests). Yields a
    function that gives the solver back.
    """
    st.cache_resource.clear()
    st.cache_data.clear()
    patch = pytest.MonkeyPatch()
    no_iterations = functools.partial(simulation.equilibrium.solve, max_iterations=0)
    patch.setattr(simulation.equilibrium, "solve", no_iterations)
    yield patch.undo
    patch.undo()
    st.cache_resource.clear()
    st.cache_data.clear()


EXTREME = {
    "v": "1",
    "ai": "1", "sme": "1", "chips": "1", "telecom": "1", "ict": "1",
    "frontier": "1", "fence": "500", "deny": "1", "nld": "1", "jpn": "1",
    "kor": "1", "twn": "1", "eur": "1", "fdpr": "1", "friends": "30",
    "ustariff": "150", "cntariff": "150", "chipsact": "50", "rd": "20",
    "bri": "30", "theta": "short_run",
}  # fmt: skip


def test_no_equilibrium_shows_no_numbers(at: AppTest, crippled_solver) -> None:
    for key, value in EXTREME.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    (error,) = [e.value for e in at.error]
    assert "found no equilibrium for these levers, so no numbers are shown" in error
    assert "did not converge" in error and "residual" in error
    assert len(at.metric) == 0  # no KPI
    assert at.get("plotly_chart") == []  # no chart
    assert len(at.tabs) == 0
    assert all("Solved in" not in c.value for c in at.caption)
    levers = levers_of(at)
    assert levers["fence_pct"] == 500.0 and levers["prohibitive"] is True


def test_after_a_failed_solve_the_session_goes_on(at: AppTest, crippled_solver) -> None:
    at.query_params["fence"] = "333"
    at.run()
    assert len(at.metric) == 0 and len(at.error) == 1
    crippled_solver()  # the solver works again
    at.slider(key="fence_pct").set_value(335.0).run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    assert len(at.metric) == HEADLINE_COUNT
    assert at.session_state["fence_pct"] == 335.0


def test_scratch_dirs_are_not_the_users(presets_dir: Path) -> None:
    """Guard: these tests never touch a real preset folder."""
    assert str(presets_dir).startswith(tempfile.gettempdir())
