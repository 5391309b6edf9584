"""Built-in and user presets: list, load, save, rename, delete, import, export.

Built-in presets are read-only files in :data:`BUILTIN_DIR`. User presets live in
the folder named by the environment variable ``DECOUPLING_PRESETS_DIR`` (read at
each call), by default ``$XDG_DATA_HOME/decoupling-dashboard/presets`` or
``~/.local/share/decoupling-dashboard/presets``; it is created on the first save.
Each preset is one UTF-8 JSON file named ``<id>.json``.

Ids are checked by :func:`check_id` before any path is built, so a path separator,
``..``, a NUL or a control character never reaches the file system. Every change
to the user folder holds a lock file (``.lock``) and writes a temporary file
(``.tmp-*.json``) in the same folder, which is fsynced and then moved onto its
target with :func:`os.replace`: readers see the old file or the new one, never a
partial one. A broken file is reported by :meth:`PresetStore.list` and skipped.
The lock and the atomic write are :func:`folder_lock` and :func:`write_atomic`,
shared with the other file of that folder (:mod:`scenarios.storylines`).
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from filelock import FileLock, Timeout

from scenarios.schema import (
    ID_PATTERN,
    Scenario,
    ScenarioError,
    scenario_from_dict,
    scenario_from_json,
)

BUILTIN_DIR = Path(__file__).resolve().parent / "presets"
ENV_VAR = "DECOUPLING_PRESETS_DIR"
APP_FOLDER = "decoupling-dashboard"
MAX_PRESET_BYTES = 64 * 1024
MAX_ID_LENGTH = 64
LOCK_NAME = ".lock"
LOCK_TIMEOUT_S = 10
PARSED_CACHE_SIZE = 512
"""Parsed preset files kept in memory (scenarios are frozen, so shared)."""
RESERVED_IDS = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"{device}{n}" for device in ("com", "lpt") for n in range(1, 10)]
)  # Windows device names: "con.json" cannot be a file there
ID_RULE = (
    "1-64 lower-case letters, digits or underscores, starting with a letter or digit"
)

Origin = Literal["built-in", "user"]
ORIGINS: tuple[Origin, Origin] = ("built-in", "user")


class PresetError(ValueError):
    """A preset operation that cannot be done; the message says why in one line."""


class PresetExists(PresetError):
    """A user preset with this id exists already; ``preset_id`` names it."""

    def __init__(self, preset_id: str, message: str) -> None:
        super().__init__(message)
        self.preset_id = preset_id


class FolderLocked(TimeoutError):
    """Another program held a folder's lock file for :data:`LOCK_TIMEOUT_S`."""


@dataclass(frozen=True)
class PresetEntry:
    """A preset found in a folder."""

    id: str
    name: str
    origin: Origin
    path: Path


@dataclass(frozen=True)
class BrokenPreset:
    """A preset file that cannot be used: its path and what is wrong with it."""

    file: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.problem}"


def default_user_dir() -> Path:
    """The user preset folder: ``$DECOUPLING_PRESETS_DIR`` or the XDG data folder."""
    if folder := os.environ.get(ENV_VAR):
        return Path(folder).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / APP_FOLDER / "presets"


def check_id(preset_id: object) -> str:
    """Return ``preset_id`` if it is a safe preset id, else raise PresetError."""
    if not isinstance(preset_id, str) or not re.fullmatch(ID_PATTERN, preset_id):
        raise PresetError(f"invalid preset id {preset_id!r}: must be {ID_RULE}")
    if preset_id in RESERVED_IDS:
        raise PresetError(
            f"invalid preset id {preset_id!r}: a reserved device name on Windows"
        )
    return preset_id


def slugify(name: str) -> str:
    """A preset id made from a display name, e.g. ``"Ça va, 2023!"`` -> ``ca_va_2023``.

    Accents are dropped (NFKD), other characters than ASCII letters and digits
    become ``_`` (one per run), and the result is trimmed to 64 characters. A
    reserved device name gets the suffix ``_preset``.

    Raises
    ------
    PresetError
        The name has no ASCII letter or digit.
    """
    ascii_text = (
        unicodedata.normalize("NFKD", name.casefold())
        .encode("ascii", "ignore")
        .decode()
    )
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    slug = slug[:MAX_ID_LENGTH].rstrip("_")
    if not slug:
        raise PresetError(f"cannot make a preset id from {name!r}: no letter or digit")
    return check_id(f"{slug}_preset" if slug in RESERVED_IDS else slug)


def parse_preset(data: str | bytes) -> Scenario:
    """Validate the text of a preset file (at most :data:`MAX_PRESET_BYTES`).

    Raises
    ------
    ScenarioError
        One ``field: problem`` line per problem, or one line for the whole file:
        too large, not UTF-8, not valid JSON, a key twice, not one JSON object.
    """
    if len(data) > MAX_PRESET_BYTES or (
        isinstance(data, str)
        and len(data.encode("utf-8", "replace")) > MAX_PRESET_BYTES
    ):
        raise ScenarioError([f"file larger than {MAX_PRESET_BYTES} bytes"])
    return scenario_from_json(data)


def read_preset_file(path: str | Path) -> Scenario:
    """Read and validate one preset file; ScenarioError names every problem."""
    try:
        data = _read_bytes(path)
    except OSError as err:
        raise ScenarioError([f"cannot read the file ({err.strerror or err})"]) from None
    return parse_preset(data)


class PresetStore:
    """The built-in presets and one user's presets.

    Parameters
    ----------
    user_dir : Path, optional
        The user preset folder; default :func:`default_user_dir` at each call.
    builtin_dir : Path
        The read-only built-in presets.
    """

    def __init__(
        self, user_dir: Path | None = None, builtin_dir: Path = BUILTIN_DIR
    ) -> None:
        self._user_dir = None if user_dir is None else Path(user_dir)
        self.builtin_dir = Path(builtin_dir)

    @property
    def user_dir(self) -> Path:
        return self._user_dir if self._user_dir is not None else default_user_dir()

    # --- reading -----------------------------------------------------------------

    def list(self) -> tuple[list[PresetEntry], list[BrokenPreset]]:
        """Built-in presets, then user presets, each by name; and the broken files.

        Hidden files (the lock, temporary files) are skipped; never raises.
        """
        entries: list[PresetEntry] = []
        broken: list[BrokenPreset] = []
        for origin in ORIGINS:
            folder = self.builtin_dir if origin == "built-in" else self.user_dir
            try:
                paths = sorted(folder.glob("*.json")) if folder.is_dir() else []
            except OSError as err:
                broken.append(BrokenPreset(str(folder), f"cannot list ({err})"))
                continue
            found = []
            for path in paths:
                if path.name.startswith("."):
                    continue
                try:
                    scenario = self._read(path, origin)
                except FileNotFoundError:
                    continue  # deleted or renamed since the folder was listed
                except (ValueError, OSError) as err:
                    broken.append(BrokenPreset(str(path), str(err)))
                    continue
                found.append(PresetEntry(scenario.id, scenario.name, origin, path))
            entries += sorted(found, key=lambda e: (e.name.casefold(), e.id))
        return entries, broken

    def origin(self, preset_id: str) -> Origin | None:
        """Where the preset file ``<id>.json`` is (built-in first), or None."""
        for origin in ORIGINS:
            if self._path(origin, preset_id).is_file():
                return origin
        return None

    def load(self, preset_id: str) -> Scenario:
        """The preset with this id, built-in first; PresetError if none or broken."""
        origin = self.origin(preset_id)
        if origin is not None:
            path = self._path(origin, preset_id)
            try:
                return self._read(path, origin)
            except FileNotFoundError:
                pass  # deleted since origin() looked
            except (ValueError, OSError) as err:
                raise PresetError(f"{path}: {err}") from None
        raise PresetError(
            f"no preset {preset_id!r}: not built in and not in {self.user_dir}"
        )

    def export_json(self, preset_id: str) -> str:
        """The canonical JSON of a preset (:meth:`Scenario.to_json`)."""
        return self.load(preset_id).to_json()

    def _path(self, origin: Origin, preset_id: str) -> Path:
        folder = self.builtin_dir if origin == "built-in" else self.user_dir
        return folder / f"{check_id(preset_id)}.json"

    def _read(self, path: Path, origin: Origin) -> Scenario:
        """Read a preset file: FileNotFoundError if gone, ScenarioError if broken."""
        try:
            preset_id = check_id(path.stem)
        except PresetError as err:
            raise ScenarioError([f"file name: {err}"]) from None
        if origin == "user" and self._path("built-in", preset_id).exists():
            raise ScenarioError([f"id {preset_id!r} is taken by a built-in preset"])
        if path.exists() and not path.is_file():  # a folder or a pipe: never open
            raise ScenarioError(["not a regular file"])
        try:
            stat = path.stat()
            scenario = _parse_file(
                str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino
            )
        except FileNotFoundError:
            raise
        except OSError as err:
            problem = f"cannot read the file ({err.strerror or err})"
            raise ScenarioError([problem]) from None
        if scenario.id != preset_id:
            raise ScenarioError([f"file name does not match id {scenario.id!r}"])
        return scenario

    # --- changing the user folder ---------------------------------------------------

    def save(self, scenario: Scenario, *, overwrite: bool = False) -> PresetEntry:
        """Write ``scenario`` as the user preset ``<id>.json``.

        Raises
        ------
        PresetExists
            The user preset exists and not ``overwrite``.
        PresetError
            The id is a built-in preset's, the file would be too large, or it
            cannot be written.
        """
        path = self._user_path(scenario.id)
        try:
            payload = scenario.to_json().encode("utf-8")
        except UnicodeEncodeError as err:
            raise PresetError(
                f"cannot save {path}: bad Unicode ({err.reason})"
            ) from None
        if len(payload) > MAX_PRESET_BYTES:
            raise PresetError(
                f"cannot save {path}: larger than {MAX_PRESET_BYTES} bytes"
            )
        with self._locked():
            if path.exists() and not overwrite:
                raise PresetExists(
                    scenario.id,
                    f"user preset {scenario.id!r} already exists; pass overwrite "
                    "to replace it",
                )
            self._write(path, payload)
        return PresetEntry(scenario.id, scenario.name, "user", path)

    def rename(
        self, old_id: str, new_id: str, new_name: str | None = None
    ) -> PresetEntry:
        """Give a user preset a new id (and name); never replaces another preset."""
        check_id(new_id)  # both ids before any disk access
        old, new = self._user_path(old_id), self._user_path(new_id)
        with self._locked():
            if not old.is_file():
                raise PresetError(f"no user preset {old_id!r} in {self.user_dir}")
            if new != old and new.exists():
                raise PresetExists(
                    new_id,
                    f"user preset {new_id!r} already exists; delete it first or "
                    "choose another id",
                )
            try:
                scenario = self._read(old, "user")
                changes = {"id": new_id, "name": new_name or scenario.name}
                scenario = scenario_from_dict(scenario.to_dict() | changes)
            except (ValueError, OSError) as err:
                raise PresetError(f"cannot rename {old}: {err}") from None
            self._write(new, scenario.to_json().encode("utf-8"))
            if new != old:
                self._remove(old, undo=new)
        return PresetEntry(new_id, scenario.name, "user", new)

    def delete(self, preset_id: str) -> None:
        """Remove a user preset; PresetError for a built-in or missing one."""
        path = self._user_path(preset_id)
        with self._locked():
            if not path.is_file():
                raise PresetError(f"no user preset {preset_id!r} in {self.user_dir}")
            self._remove(path)

    def import_json(self, text: str | bytes, *, overwrite: bool = False) -> Scenario:
        """Validate preset JSON (size-limited) and save it as a user preset.

        Raises
        ------
        ScenarioError
            The text is not a valid preset (too large, not JSON, a bad field).
        PresetError
            It cannot be saved (see :meth:`save`).
        """
        scenario = parse_preset(text)
        self.save(scenario, overwrite=overwrite)
        return scenario

    def import_file(self, path: str | Path, *, overwrite: bool = False) -> Scenario:
        """:meth:`import_json` on the bytes of a file."""
        try:
            data = _read_bytes(path)
        except OSError as err:
            raise PresetError(f"{path}: cannot read ({err.strerror or err})") from None
        return self.import_json(data, overwrite=overwrite)

    def _user_path(self, preset_id: str) -> Path:
        if self._path("built-in", preset_id).exists():
            raise PresetError(
                f"{preset_id!r} is a built-in preset; save under another name"
            )
        return self._path("user", preset_id)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """:func:`folder_lock` on the user folder; PresetError if it cannot be had."""
        folder = self.user_dir
        with ExitStack() as held:
            try:
                held.enter_context(folder_lock(folder))
            except FolderLocked as err:
                raise PresetError(str(err)) from None
            except OSError as err:
                raise PresetError(
                    f"cannot use {folder}: {err.strerror or err}"
                ) from None
            yield

    def _write(self, path: Path, payload: bytes) -> None:
        """Atomically replace ``path``; on failure the old file is unchanged."""
        try:
            write_atomic(path, payload)
        except OSError as err:
            raise PresetError(f"cannot write {path}: {err.strerror or err}") from None

    def _remove(self, path: Path, undo: Path | None = None) -> None:
        """Delete ``path``; if that fails, delete ``undo`` (a rename's new file)."""
        try:
            path.unlink()
        except OSError as err:
            if undo is not None:
                with suppress(OSError):
                    undo.unlink()
            raise PresetError(f"cannot remove {path}: {err.strerror or err}") from None
        _fsync_dir(path.parent)


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the lock file of ``folder`` (created if missing) for one change to it.

    Raises FolderLocked (an OSError) after :data:`LOCK_TIMEOUT_S`, read at each
    call, and OSError if the folder or the lock file cannot be made.
    """
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(folder / LOCK_NAME, timeout=LOCK_TIMEOUT_S)
    try:
        lock.acquire()
    except Timeout:
        raise FolderLocked(
            f"the preset folder {folder} stayed locked for {LOCK_TIMEOUT_S} s "
            "by another program; try again"
        ) from None
    try:
        yield
    finally:
        lock.release()


def write_atomic(path: Path, payload: bytes, *, prefix: str = ".tmp-") -> None:
    """Replace ``path`` by ``payload`` via a fsynced ``<prefix>*.json`` temporary
    file and :func:`os.replace`; call it holding :func:`folder_lock`.

    Raises OSError if it cannot; the old file is then unchanged, no temp file left.
    """
    temp: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=prefix, suffix=".json", delete=False
        ) as handle:
            temp = Path(handle.name)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
        temp = None
    finally:
        if temp is not None:
            with suppress(OSError):
                temp.unlink()
    _fsync_dir(path.parent)


@lru_cache(maxsize=PARSED_CACHE_SIZE)
def _parse_file(path: str, mtime_ns: int, size: int, inode: int) -> Scenario:
    """The preset in file ``path``, parsed once per version of the file: the key
    is the file's modification time, size and inode (an atomic write makes a new
    inode), so every rerun of the app does not re-read and re-validate every
    preset. Broken files raise each time (exceptions are not cached)."""
    del mtime_ns, size, inode  # the cache key only
    return parse_preset(_read_bytes(path))


def _read_bytes(path: str | Path) -> bytes:
    """At most one byte more than the size limit, so a huge file is not read."""
    with open(path, "rb") as handle:
        return handle.read(MAX_PRESET_BYTES + 1)


def _fsync_dir(folder: Path) -> None:
    """Make a rename or removal in ``folder`` durable where the system can.

    Best effort: Windows cannot open a folder and some file systems refuse to
    fsync one; the change itself has been made either way.
    """
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
