"""The room's guesses: one SQLite file of rooms and votes, safe for many sessions.

A presenter opens a *room* (a short code, :data:`CODE_ALPHABET`); the room knows
the step on screen, its question (a number between ``low`` and ``high``, on a
grid of ``increment``) and whether the answer is revealed. Each audience session
(a random 32-hex-digit id) holds at most one guess per room, step and preset; it
may change it until the reveal. :meth:`VoteStore.vote` checks everything in one
transaction and raises :class:`VoteRefused` with a reason code otherwise:

* the room exists and is open, the step and preset are the room's current ones
  and not yet revealed;
* the value is a finite number in ``[low, high]``;
* rate limits per session and room: at least :data:`MIN_INTERVAL_S` seconds
  between two accepted writes, at most :data:`MAX_CHANGES` writes per step.

The file is ``votes.sqlite3`` in the user data folder, next to the presets
(:func:`scenarios.store.default_user_dir`, read at each call); it survives a
restart. It uses Python's ``sqlite3`` in WAL mode (readers never block the
writer) with ``synchronous=NORMAL`` (a commit survives a crash of the app; a
power cut may lose the last commits) and a busy timeout of :data:`BUSY_TIMEOUT_S`:
one short connection per call, so threads and processes can share it.
:meth:`VoteStore.csv` is the room's votes for download after the talk.
"""

from __future__ import annotations

import csv
import io
import math
import re
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from scenarios.store import default_user_dir

VOTES_FILE = "votes.sqlite3"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Room codes: upper-case letters and digits without the look-alikes I L O 0 1."""
CODE_LENGTH = 5
CODE_PATTERN = re.compile(rf"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
SESSION_PATTERN = re.compile(r"[0-9a-f]{32}")
MIN_INTERVAL_S = 1.0
MAX_CHANGES = 20
BUSY_TIMEOUT_S = 15.0
MAX_PRESET_LENGTH = 64

SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    room TEXT PRIMARY KEY,
    opened_at REAL NOT NULL,
    closed_at REAL,
    step INTEGER NOT NULL DEFAULT 0,
    preset TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL DEFAULT '',
    low REAL NOT NULL DEFAULT 0,
    high REAL NOT NULL DEFAULT 0,
    increment REAL NOT NULL DEFAULT 1,
    revealed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS votes (
    room TEXT NOT NULL,
    step INTEGER NOT NULL,
    preset TEXT NOT NULL,
    session TEXT NOT NULL,
    question TEXT NOT NULL,
    value REAL NOT NULL,
    first_at REAL NOT NULL,
    last_at REAL NOT NULL,
    changes INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (room, step, preset, session)
);
CREATE INDEX IF NOT EXISTS votes_by_session ON votes (room, session, last_at);
"""


class VoteRefused(ValueError):
    """A vote that is not counted; ``reason`` is a code for the message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Question:
    """The number the room guesses: an id (e.g. ``china_prices``) and its range."""

    id: str
    low: float
    high: float
    increment: float


@dataclass(frozen=True)
class Room:
    """A room as stored: its code, whether it is open, and the step on screen."""

    code: str
    is_open: bool
    step: int
    preset: str
    question: Question
    revealed: bool


def votes_path() -> Path:
    """Where the votes live: the user data folder, read at each call."""
    return default_user_dir() / VOTES_FILE


def check_code(code: object) -> str | None:
    """The room code in upper case if it is well formed, else None."""
    text = str(code or "").strip().upper()
    return text if CODE_PATTERN.fullmatch(text) else None


def new_session_id() -> str:
    """A random audience session id (128 bits, hex)."""
    return secrets.token_hex(16)


class VoteStore:
    """Rooms and votes in one SQLite file (:func:`votes_path` unless ``path``)."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path

    @property
    def path(self) -> Path:
        return self._path if self._path is not None else votes_path()

    @contextmanager
    def _connect(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection in WAL mode; with ``write``, one IMMEDIATE transaction."""
        path = self.path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(
            sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        ) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
            if not write:
                yield db
                return
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # --- the presenter -----------------------------------------------------------

    def open_room(self) -> str:
        """Open a new room; its code."""
        with self._connect(write=True) as db:
            while True:
                code = "".join(
                    secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)
                )
                taken = db.execute("SELECT 1 FROM rooms WHERE room = ?", (code,))
                if taken.fetchone() is None:
                    break
            db.execute(
                "INSERT INTO rooms (room, opened_at) VALUES (?, ?)", (code, time.time())
            )
        return code

    def close_room(self, code: str) -> None:
        """Close a room: it takes no more votes; its votes stay."""
        with self._connect(write=True) as db:
            db.execute(
                "UPDATE rooms SET closed_at = ? WHERE room = ? AND closed_at IS NULL",
                (time.time(), code),
            )

    def show_step(
        self, code: str, step: int, preset: str, question: Question, revealed: bool
    ) -> None:
        """Tell the room which step is on screen and whether it is revealed."""
        with self._connect(write=True) as db:
            db.execute(
                "UPDATE rooms SET step = ?, preset = ?, question = ?, low = ?,"
                " high = ?, increment = ?, revealed = ? WHERE room = ?",
                (
                    step,
                    preset,
                    question.id,
                    question.low,
                    question.high,
                    question.increment,
                    int(revealed),
                    code,
                ),
            )

    # --- reading -----------------------------------------------------------------

    def room(self, code: str) -> Room | None:
        """The room with this code, or None."""
        with self._connect() as db:
            row = db.execute(
                "SELECT room, closed_at IS NULL, step, preset, question, low, high,"
                " increment, revealed FROM rooms WHERE room = ?",
                (code,),
            ).fetchone()
        if row is None:
            return None
        return Room(
            code=row[0],
            is_open=bool(row[1]),
            step=int(row[2]),
            preset=str(row[3]),
            question=Question(str(row[4]), float(row[5]), float(row[6]), float(row[7])),
            revealed=bool(row[8]),
        )

    def rooms(self) -> list[str]:
        """Every room's code, the newest first."""
        with self._connect() as db:
            rows = db.execute("SELECT room FROM rooms ORDER BY opened_at DESC")
            return [str(r[0]) for r in rows.fetchall()]

    def guesses(self, code: str, step: int, preset: str) -> list[float]:
        """Every session's guess for this step of the room."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT value FROM votes WHERE room = ? AND step = ? AND preset = ?",
                (code, step, preset),
            ).fetchall()
        return [float(r[0]) for r in rows]

    def my_guess(self, code: str, step: int, preset: str, session: str) -> float | None:
        """This session's guess for the step, if any."""
        with self._connect() as db:
            row = db.execute(
                "SELECT value FROM votes WHERE room = ? AND step = ? AND preset = ?"
                " AND session = ?",
                (code, step, preset, session),
            ).fetchone()
        return None if row is None else float(row[0])

    def csv(self, code: str) -> str:
        """The room's votes as CSV: room, step, preset, question, session, value,
        first and last time (UTC, ISO 8601), number of writes."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT room, step, preset, question, session, value, first_at,"
                " last_at, changes FROM votes WHERE room = ? ORDER BY step, first_at",
                (code,),
            ).fetchall()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["room", "step", "preset", "question", "session", "value"]
            + ["first_at_utc", "last_at_utc", "changes"]
        )
        for *head, first, last, changes in rows:
            writer.writerow([*head, _iso(first), _iso(last), changes])
        return out.getvalue()

    # --- the audience ------------------------------------------------------------

    def vote(
        self,
        code: str,
        session: str,
        step: int,
        preset: str,
        value: float,
        *,
        now: float | None = None,
    ) -> None:
        """Count (or change) this session's guess; :class:`VoteRefused` if not."""
        if not SESSION_PATTERN.fullmatch(str(session)):
            raise VoteRefused("bad_session")
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise VoteRefused("not_a_number")
        if len(str(preset)) > MAX_PRESET_LENGTH:
            raise VoteRefused("wrong_step")
        at = time.time() if now is None else now
        with self._connect(write=True) as db:
            room = db.execute(
                "SELECT closed_at IS NULL, step, preset, question, low, high, revealed"
                " FROM rooms WHERE room = ?",
                (code,),
            ).fetchone()
            if room is None:
                raise VoteRefused("no_room")
            is_open, room_step, room_preset, question, low, high, revealed = room
            if not is_open:
                raise VoteRefused("closed")
            if (room_step, room_preset) != (step, preset):
                raise VoteRefused("wrong_step")
            if revealed:
                raise VoteRefused("revealed")
            if not low <= value <= high:
                raise VoteRefused("out_of_range")
            last = db.execute(
                "SELECT MAX(last_at) FROM votes WHERE room = ? AND session = ?",
                (code, session),
            ).fetchone()[0]
            if last is not None and at - float(last) < MIN_INTERVAL_S:
                raise VoteRefused("too_fast")
            mine = db.execute(
                "SELECT changes FROM votes WHERE room = ? AND step = ? AND preset = ?"
                " AND session = ?",
                (code, step, preset, session),
            ).fetchone()
            if mine is None:
                db.execute(
                    "INSERT INTO votes (room, step, preset, session, question, value,"
                    " first_at, last_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (code, step, preset, session, question, float(value), at, at),
                )
            elif mine[0] >= MAX_CHANGES:
                raise VoteRefused("too_many")
            else:
                db.execute(
                    "UPDATE votes SET value = ?, last_at = ?, changes = changes + 1"
                    " WHERE room = ? AND step = ? AND preset = ? AND session = ?",
                    (float(value), at, code, step, preset, session),
                )


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")
