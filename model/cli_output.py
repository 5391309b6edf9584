"""How ``python -m model`` writes its results: the ``--out`` kinds, one writer
for a file or stdout, and JSON with long ``"pairs"`` lists one item a line."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def output_kind(out: str, allowed: tuple[str, ...]) -> str:
    """``"-"`` or the extension of ``out``; ValueError for any other extension."""
    if out == "-":
        return out
    suffix = Path(out).suffix.lower()
    if suffix not in allowed:
        raise ValueError(
            f"{out}: --out must end with {' or '.join(allowed)} (or be - for "
            f"stdout), got {suffix or 'no extension'!r}"
        )
    return suffix


def write_output(out: str, text: str) -> None:
    """Write ``text`` to the file ``out`` or, for ``"-"``, to stdout; ValueError
    naming the file if it cannot be written."""
    if out == "-":
        sys.stdout.write(text)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as err:
        raise ValueError(f"{out}: cannot write ({err.strerror or err})") from err


def to_json(payload: dict[str, object]) -> str:
    """Indented JSON, except that the items of a ``"pairs"`` list take one line
    each (written by the C encoder: a full table has 270,000 of them)."""
    pairs = payload.get("pairs")
    if not isinstance(pairs, list) or not pairs:
        return json.dumps(payload, indent=2, allow_nan=False) + "\n"
    head = json.dumps({**payload, "pairs": []}, indent=2, allow_nan=False)
    items = ",\n    ".join(json.dumps(p, allow_nan=False) for p in pairs)
    return head.replace('"pairs": []', f'"pairs": [\n    {items}\n  ]', 1) + "\n"
