"""Strict JSON reading shared by every reader of user files (levers, presets).

``json.loads`` keeps the last of two equal keys without a word; a file with
``"fence_pct"`` twice would silently mean whichever came last. Every reader of a
user's JSON passes :func:`reject_duplicate_keys` as ``object_pairs_hook`` instead.
"""

from __future__ import annotations

from typing import Any


class DuplicateKeyError(ValueError):
    """A JSON object names the same key twice; ``key`` is that key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"key {key!r} given twice")
        self.key = key


def reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads`` hook: the object as a dict; DuplicateKeyError for a repeat."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKeyError(key)
        result[key] = value
    return result
