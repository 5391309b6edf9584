"""Read-only results: what one caller computes, no other caller can change.

The dashboard shares one solved result among every session through Streamlit's
caches, so a result must not be writable: :func:`read_only` turns every numpy
array reachable from a result (through dataclass fields, mappings and tuples)
read-only in place, and result types hold their tables as read-only mappings
(``types.MappingProxyType``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def read_only(result: T) -> T:
    """``result`` with every reachable numpy array made read-only (in place).

    Walks dataclass fields, mapping values, tuples and lists; other objects are
    left as they are. Returns ``result`` itself.
    """
    _freeze(result, set())
    return result


def _freeze(obj: object, seen: set[int]) -> None:
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        obj.setflags(write=False)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for field in dataclasses.fields(obj):
            _freeze(getattr(obj, field.name), seen)
    elif isinstance(obj, Mapping):
        for value in obj.values():
            _freeze(value, seen)
    elif isinstance(obj, tuple | list):
        for item in obj:
            _freeze(item, seen)
