"""Results that caches share between sessions cannot be changed by one of them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from model.frozen import read_only
from model.simulation import simulate


def test_a_solved_scenario_is_read_only():
    sim = simulate({"scope_ai_chips": 1.0, "fence_pct": 100.0})
    arrays = [
        getattr(part, f.name)
        for part in (sim.equilibrium, sim.shocks)
        for f in dataclasses.fields(part)
    ]
    arrays += [m.change for m in sim.metrics.values.values()]
    for array in arrays:
        assert isinstance(array, np.ndarray)
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0
    with pytest.raises(TypeError):
        sim.metrics.values["welfare_change_pct"] = None  # type: ignore[index]
    with pytest.raises(TypeError):
        sim.metrics.by_sector["x"] = None  # type: ignore[index]


def test_read_only_reaches_nested_containers_and_returns_its_argument():
    @dataclasses.dataclass
    class Holder:
        table: dict
        pair: tuple

    holder = Holder({"a": np.zeros(2)}, (np.ones(1), [np.ones(1)]))
    assert read_only(holder) is holder
    for array in (holder.table["a"], holder.pair[0], holder.pair[1][0]):
        assert not array.flags.writeable
