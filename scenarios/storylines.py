"""The presenter's saved storyline: an ordered list of preset ids in one file.

A seminar storyline is saved to :data:`STORYLINE_FILE` in the user preset folder
(:func:`scenarios.store.default_user_dir`, read at each call) and opens in every
later session. The file name starts with a dot because the preset store skips
hidden files: a ``storyline.json`` there would be listed as a broken preset.

The file is UTF-8 JSON, ``{"version": 1, "steps": ["preset_id", ...]}``, at most
:data:`MAX_STORYLINE_BYTES`. A save holds the folder's lock and writes atomically
with the preset store's own :func:`~scenarios.store.folder_lock` and
:func:`~scenarios.store.write_atomic`: a reader sees the old storyline or the
new one, never a partial file, and a save never runs while a preset is changed.

Which ids a storyline may hold is checked here too (:func:`split_ids`,
:func:`parse_ids`): those of known presets, in order, at most :data:`MAX_STEPS`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from scenarios.store import default_user_dir, folder_lock, write_atomic

STORYLINE_FILE = ".storyline.json"
"""The presenter's saved storyline, in the user preset folder."""
STORYLINE_VERSION = 1
MAX_STORYLINE_BYTES = 64 * 1024
MAX_STEPS = 60
TEMP_PREFIX = ".tmp-storyline-"


def storyline_path() -> Path:
    """Where a saved storyline lives: the user preset folder, read at each call."""
    return default_user_dir() / STORYLINE_FILE


def save_storyline(ids: Sequence[str], path: Path | None = None) -> Path:
    """Write the storyline atomically, holding the preset folder's lock.

    Raises
    ------
    OSError
        It cannot be written (the old file is then unchanged), or another program
        held the lock too long (:class:`~scenarios.store.FolderLocked`).
    """
    target = path or storyline_path()
    payload = json.dumps(
        {"version": STORYLINE_VERSION, "steps": list(ids)}, indent=2
    ).encode("utf-8")
    with folder_lock(target.parent):
        write_atomic(target, payload + b"\n", prefix=TEMP_PREFIX)
    return target


def load_storyline(path: Path | None = None) -> list[str] | None:
    """The ids of a saved storyline; None if there is none.

    Raises ValueError (with a one-line reason) for a file that cannot be used.
    """
    source = path or storyline_path()
    try:
        with open(source, "rb") as handle:
            data = handle.read(MAX_STORYLINE_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ValueError(f"cannot read the file ({error.strerror or error})") from None
    if len(data) > MAX_STORYLINE_BYTES:
        raise ValueError(f"larger than {MAX_STORYLINE_BYTES} bytes")
    try:
        content = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"not valid JSON ({error})") from None
    steps = content.get("steps") if isinstance(content, dict) else None
    if not isinstance(steps, list) or not all(isinstance(s, str) for s in steps):
        raise ValueError('expected {"version": 1, "steps": ["preset_id", ...]}')
    return steps


def split_ids(
    ids: Iterable[str], presets: Mapping[str, object]
) -> tuple[list[str], list[str]]:
    """Storyline ids -> (ids of known presets in order, at most :data:`MAX_STEPS`;
    the unknown ones, each once)."""
    ids = list(ids)
    known = [i for i in ids if i in presets][:MAX_STEPS]
    unknown = list(dict.fromkeys(i for i in ids if i not in presets))
    return known, unknown


def parse_ids(text: str, presets: Mapping[str, object]) -> tuple[list[str], list[str]]:
    """Preset ids typed by a presenter -> (known ids in order, unknown ones).

    Separators: commas (also the Chinese ，and 、), semicolons and white space.
    At most :data:`MAX_STEPS` known ids are kept.
    """
    return split_ids((p for p in re.split(r"[\s,，、;；]+", text or "") if p), presets)
