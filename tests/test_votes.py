"""The room's votes (scenarios/votes.py): validation, rate limits, persistence, CSV,
and 200 audience sessions voting at once on one SQLite file."""

from __future__ import annotations

import csv
import io
import math
import sqlite3
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

from scenarios.votes import (
    MAX_CHANGES,
    MIN_INTERVAL_S,
    Question,
    VoteRefused,
    VoteStore,
    check_code,
    new_session_id,
    votes_path,
)

QUESTION = Question("china_prices", -1.0, 3.0, 0.05)


@pytest.fixture
def store(tmp_path) -> VoteStore:
    return VoteStore(tmp_path / "votes.sqlite3")


def room_at(store: VoteStore, step: int = 3, preset: str = "oct_2022_rule") -> str:
    code = store.open_room()
    store.show_step(code, step, preset, QUESTION, revealed=False)
    return code


def refused(store: VoteStore, *args, **kwargs) -> str:
    with pytest.raises(VoteRefused) as caught:
        store.vote(*args, **kwargs)
    return caught.value.reason


def test_the_file_is_next_to_the_presets_in_wal_mode(tmp_path, monkeypatch):
    presets_dir = tmp_path / "presets"
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(presets_dir))
    store = VoteStore()
    code = room_at(store)
    assert votes_path() == presets_dir / "votes.sqlite3"
    assert store.path.exists() and check_code(code.lower()) == code
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_vote_is_counted_changed_and_survives_a_restart(store, tmp_path):
    code, me = room_at(store), new_session_id()
    store.vote(code, me, 3, "oct_2022_rule", 0.5, now=100.0)
    store.vote(code, me, 3, "oct_2022_rule", 0.8, now=102.0)  # changed, not added
    store.vote(code, new_session_id(), 3, "oct_2022_rule", 2.0, now=100.0)
    again = VoteStore(tmp_path / "votes.sqlite3")  # a new process would see this
    assert sorted(again.guesses(code, 3, "oct_2022_rule")) == [0.8, 2.0]
    assert again.my_guess(code, 3, "oct_2022_rule", me) == 0.8
    rows = sorted(
        csv.DictReader(io.StringIO(again.csv(code))), key=lambda r: r["value"]
    )
    assert [r["value"] for r in rows] == ["0.8", "2.0"]
    assert rows[0]["changes"] == "2" and rows[0]["question"] == "china_prices"
    assert rows[0]["first_at_utc"].startswith("1970-01-01T00:01:40")


def test_every_bad_vote_is_refused_with_its_reason(store):
    code, me = room_at(store), new_session_id()
    args = (code, me, 3, "oct_2022_rule")
    assert refused(store, "ZZZZZ", me, 3, "oct_2022_rule", 1.0) == "no_room"
    assert refused(store, code, "not-a-session", 3, "oct_2022_rule", 1.0) == (
        "bad_session"
    )
    assert refused(store, *args, math.nan) == "not_a_number"
    assert refused(store, *args, math.inf) == "not_a_number"
    assert refused(store, *args, "1.0") == "not_a_number"
    assert refused(store, *args, 3.5) == "out_of_range"
    assert refused(store, code, me, 4, "oct_2022_rule", 1.0) == "wrong_step"
    assert refused(store, code, me, 3, "cooperation", 1.0) == "wrong_step"
    store.show_step(code, 3, "oct_2022_rule", QUESTION, revealed=True)
    assert refused(store, *args, 1.0) == "revealed"
    store.show_step(code, 3, "oct_2022_rule", QUESTION, revealed=False)
    store.close_room(code)
    assert refused(store, *args, 1.0) == "closed"
    assert store.guesses(code, 3, "oct_2022_rule") == []


def test_votes_are_rate_limited_per_session(store):
    code, me = room_at(store), new_session_id()
    args = (code, me, 3, "oct_2022_rule")
    store.vote(*args, 1.0, now=1000.0)
    assert refused(store, *args, 1.5, now=1000.0 + MIN_INTERVAL_S / 2) == "too_fast"
    store.vote(code, new_session_id(), 3, "oct_2022_rule", 1.0, now=1000.1)  # others
    for k in range(1, MAX_CHANGES):
        store.vote(*args, 1.0, now=1000.0 + 2 * k)
    assert refused(store, *args, 1.0, now=5000.0) == "too_many"
    assert store.my_guess(code, 3, "oct_2022_rule", me) == 1.0


def test_two_hundred_phones_within_ten_seconds_lose_no_vote(store):
    """The load test: 200 audience sessions, each with its own connection, vote
    at once (40 threads); then the store counts exactly the votes it accepted."""
    code = room_at(store)
    sessions = [new_session_id() for _ in range(200)]
    values = [round(-1 + 0.05 * (i % 80), 2) for i in range(200)]
    start = threading.Barrier(40)

    def phone(batch: list[int]) -> int:
        start.wait()
        sent = 0
        for i in batch:
            store.vote(code, sessions[i], 3, "oct_2022_rule", values[i])
            sent += 1
        return sent

    batches = [list(range(k, 200, 40)) for k in range(40)]
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=40) as pool:
        sent = sum(pool.map(phone, batches))
    elapsed = time.monotonic() - began
    counted = store.guesses(code, 3, "oct_2022_rule")
    print(f"votes sent {sent}, votes counted {len(counted)}, in {elapsed:.2f} s")
    assert sent == len(counted) == 200
    assert sorted(counted) == sorted(values)
    assert elapsed < 10


def _one_server(path: str, code: str, sessions: list[str]) -> int:
    """One server process's share of the room's phones (run in a child process)."""
    store = VoteStore(Path(path))
    for i, me in enumerate(sessions):
        store.vote(code, me, 3, "oct_2022_rule", round(0.05 * (i % 60), 2))
    return len(sessions)


def test_four_server_processes_share_the_file_without_losing_a_vote(store):
    """Several ``streamlit run`` processes on one folder (SECURITY.md): four
    processes write 50 votes each into the same file at once."""
    code = room_at(store)
    shares = [[new_session_id() for _ in range(50)] for _ in range(4)]
    with ProcessPoolExecutor(4, mp_context=get_context("spawn")) as pool:
        sent = sum(pool.map(_one_server, [str(store.path)] * 4, [code] * 4, shares))
    assert sent == len(store.guesses(code, 3, "oct_2022_rule")) == 200
