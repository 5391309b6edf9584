"""Years and policy timelines of the decade path.

A path runs over whole years ``t`` from :data:`BASE_YEAR` (2022, the baseline) to
an end year of at most :data:`LAST_YEAR` (default :data:`DEFAULT_END_YEAR`).

The policy is a *timeline*: a list of ``(year, levers)`` entries given by the
caller (the model does not read presets), each ``levers`` a mapping of lever names
to values that :class:`model.levers.Levers` completes with the defaults and
validates. The lever state in force in year ``t`` is the latest entry with
``year <= t``; of several entries with the same year, the last one listed; before
the first entry it is the lever defaults (:data:`model.levers.DEFAULT_LEVERS`),
i.e. no new policy. A single scenario that starts in year ``t0`` is the timeline
``[(t0, levers)]`` (:func:`scenario_timeline`). Years are whole: a rule dated in
year ``t`` is in force for all of year ``t`` (ASSUMPTION: a year is a steady
state, not a calendar). Entry years may lie outside the path: an entry before
2022 is in force from 2022 until a later entry replaces it, one after the end
year never is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from model.levers import DEFAULT_LEVERS, LEVERS, Levers

Timeline = Sequence[tuple[int, Mapping[str, object]]]
"""A policy timeline: ``(year, lever mapping)`` entries in any order."""

BASE_YEAR = 2022
"""The baseline year: every path starts here with k = 1."""
DEFAULT_END_YEAR = 2035
"""The end year of a path when none is given."""
LAST_YEAR = 2060
"""The furthest end year a path may have (a steady-state model, not a forecast)."""


def check_year_range(first: int, last: int) -> None:
    """Check a range of years of a path.

    Parameters
    ----------
    first, last : int
        First and last year [calendar year].

    Raises
    ------
    ValueError
        Unless ``BASE_YEAR <= first <= last <= LAST_YEAR``; the message names the
        range given.
    """
    if not BASE_YEAR <= first <= LAST_YEAR or not BASE_YEAR <= last <= LAST_YEAR:
        raise ValueError(
            f"years must lie in {BASE_YEAR}-{LAST_YEAR} (the baseline is "
            f"{BASE_YEAR}), got {first}-{last}"
        )
    if first > last:
        raise ValueError(f"the first year comes after the last: {first}-{last}")


def scenario_timeline(
    levers: Mapping[str, object], start_year: int = BASE_YEAR
) -> list[tuple[int, Levers]]:
    """The timeline of one scenario in force from ``start_year`` on.

    Parameters
    ----------
    levers : mapping of lever name to value
        The scenario; levers not given keep their defaults.
    start_year : int
        First year the scenario is in force [calendar year].

    Returns
    -------
    list of (int, Levers)
        The one-entry timeline ``[(start_year, Levers(levers))]``.
    """
    return [(int(start_year), Levers(levers))]


def check_timeline(
    timeline: Timeline,
) -> tuple[tuple[int, ...], tuple[Levers, ...], tuple[int, ...]]:
    """Validate a timeline and sort it by year (stable).

    Parameters
    ----------
    timeline : sequence of (year, lever mapping)
        The policy, in any order.

    Returns
    -------
    entry_years : tuple of int
        The entry years, sorted [calendar year].
    states : tuple of Levers
        The complete lever state of each sorted entry.
    position : tuple of int
        Each sorted entry's position in the caller's list.

    Raises
    ------
    ValueError
        A year that is not an integer, or an entry whose levers do not validate
        (the message names the entry's year).
    """
    years, states = [], []
    for entry in timeline:
        year, levers = entry
        if isinstance(year, bool) or not isinstance(year, int | np.integer):
            raise ValueError(f"timeline years must be integers, got {year!r}")
        try:
            states.append(Levers(levers))
        except ValueError as err:
            raise ValueError(f"timeline entry {int(year)}: {err}") from None
        years.append(int(year))
    order = sorted(range(len(years)), key=lambda k: years[k])  # stable
    return (
        tuple(years[k] for k in order),
        tuple(states[k] for k in order),
        tuple(order),
    )


def state_index(entry_years: Sequence[int], year: int) -> int:
    """Index of the sorted timeline entry in force in ``year``.

    Parameters
    ----------
    entry_years : sequence of int
        Entry years sorted as :func:`check_timeline` returns them.
    year : int
        The year [calendar year].

    Returns
    -------
    int
        The last index ``k`` with ``entry_years[k] <= year``; -1 (no new policy)
        when there is none.
    """
    index = -1
    for k, entry_year in enumerate(entry_years):
        if entry_year <= year:
            index = k
    return index


def levers_in_force(timeline: Timeline, year: int) -> Levers:
    """The complete lever state in force in ``year``.

    Parameters
    ----------
    timeline : sequence of (year, lever mapping)
        The policy.
    year : int
        The year [calendar year].

    Returns
    -------
    Levers
        The state of the latest entry with ``entry year <= year`` (the last listed
        among entries of the same year); the defaults before the first entry.
    """
    entry_years, states, _ = check_timeline(timeline)
    k = state_index(entry_years, year)
    return DEFAULT_LEVERS if k < 0 else states[k]


def without_group(timeline: Timeline, group: str) -> list[tuple[int, Levers]]:
    """The timeline with every lever of ``group`` at its default in every entry.

    With ``group="china"`` (China's answers: its R&D push, Belt and Road) it is
    what the controls do without China's own answers: the Decade tab's
    "controls only" contrast.

    Raises
    ------
    ValueError
        An unknown group, or a bad timeline (as :func:`check_timeline`).
    """
    defaults = {lever.name: lever.default for lever in LEVERS if lever.group == group}
    if not defaults:
        raise ValueError(f"unknown lever group {group!r}")
    return [(int(year), Levers(levers) | defaults) for year, levers in timeline]


def timeline_batch(timeline: Timeline | Sequence[Timeline]) -> list[Timeline] | None:
    """The timelines of a batch of timelines, or None for a single timeline.

    A timeline's entries are ``(year, lever mapping)`` pairs, so a batch is told
    by its first element: a sequence (not a string) that is empty or whose own
    first element is again a sequence (an entry). Anything else, a malformed
    entry included, is read as one timeline, so that its check names the bad
    entry. An empty sequence is one empty timeline.
    """
    if not timeline:
        return None
    first = timeline[0]
    batch = (
        isinstance(first, Sequence)
        and not isinstance(first, str)
        and (
            len(first) == 0
            or (isinstance(first[0], Sequence) and not isinstance(first[0], str))
        )
    )
    return list(timeline) if batch else None  # type: ignore[arg-type]
