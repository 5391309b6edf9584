"""Years and policy timelines of the decade path (no solves)."""

from __future__ import annotations

import numpy as np
import pytest

from model.levers import DEFAULT_LEVERS, Levers
from model.timeline import (
    BASE_YEAR,
    DEFAULT_END_YEAR,
    LAST_YEAR,
    check_timeline,
    check_year_range,
    levers_in_force,
    scenario_timeline,
    state_index,
    timeline_batch,
)


def test_the_year_constants_are_ordered():
    assert BASE_YEAR == 2022
    assert BASE_YEAR < DEFAULT_END_YEAR <= LAST_YEAR


def test_check_timeline_sorts_stably_and_remembers_positions():
    timeline = [(2025, {"fence_pct": 110.0}), (2023, {}), (2025, {"fence_pct": 90.0})]
    years, states, position = check_timeline(timeline)
    assert years == (2023, 2025, 2025)
    assert position == (1, 0, 2)
    assert all(isinstance(s, Levers) for s in states)
    assert [s["fence_pct"] for s in states[1:]] == [110.0, 90.0]
    assert check_timeline([(np.int64(2024), {})])[0] == (2024,)


@pytest.mark.parametrize("year", [2023.0, "2023", True])
def test_a_year_that_is_not_an_integer_is_rejected(year):
    with pytest.raises(ValueError, match="timeline years must be integers"):
        check_timeline([(year, {})])


def test_state_index_is_the_latest_entry_in_force():
    years = (2023, 2025, 2025)
    got = [state_index(years, y) for y in (2022, 2023, 2024, 2025, 2030)]
    assert got == [-1, 0, 0, 2, 2]
    assert state_index((), 2030) == -1


def test_levers_in_force_and_scenario_timeline():
    timeline = scenario_timeline({"fence_pct": 100.0}, 2024)
    assert timeline == [(2024, Levers({"fence_pct": 100.0}))]
    assert levers_in_force(timeline, 2023) == DEFAULT_LEVERS
    assert levers_in_force(timeline, 2040)["fence_pct"] == 100.0


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (2021, 2030, "must lie in"),
        (2022, LAST_YEAR + 1, "must lie in"),
        (2030, 2025, "comes after the last"),
    ],
)
def test_bad_year_ranges_are_rejected(first, last, message):
    with pytest.raises(ValueError, match=message):
        check_year_range(first, last)
    check_year_range(BASE_YEAR, LAST_YEAR)


def test_a_malformed_entry_is_one_timeline_and_its_check_names_it():
    """A batch is told by an entry in first place; a bad entry is not a batch."""
    assert timeline_batch([(2022, "x")]) is None
    assert timeline_batch([(2022, {})]) is None
    assert timeline_batch([[(2022, {})], []]) == [[(2022, {})], []]
    with pytest.raises(ValueError, match="timeline years must be integers"):
        check_timeline([("2022", {})])
