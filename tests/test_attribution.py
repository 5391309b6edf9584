"""Shapley attribution over the lever groups (model.attribution): the properties
that make it an explanation (efficiency, null groups, symmetry, order
independence), checked on analytic games, against a brute force over every order,
and on the model itself for a static scenario and a decade path."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from model import attribution
from model.attribution import (
    GROUP_NAMES,
    attribute,
    attribute_path,
    coalition_levers,
    shapley_values,
)
from model.data import load_baseline
from model.levers import Levers
from model.simulation import simulate

OCT_2023_STYLE = {
    "scope_ai_chips": 1.0,
    "scope_sme": 0.4,
    "fence_pct": 110.0,
    "fence_rule_ai_chips": "denied",
    "participation_nld": 0.7,
    "evasion": 0.1,
    "china_rd_push_pct": 5.0,
}
REFERENCE = {"us_tariff_pct": 3.1, "china_retaliation_pct": 8.0}


@pytest.fixture(scope="module")
def baseline():
    return load_baseline()


@pytest.fixture(scope="module")
def explained(baseline):
    return attribute(OCT_2023_STYLE, REFERENCE, baseline)


def game(n_players: int, value) -> np.ndarray:
    """v[mask] of a game given as a function of the set of players."""
    return np.array(
        [
            value({g for g in range(n_players) if mask >> g & 1})
            for mask in range(2**n_players)
        ]
    )


def brute_force_shapley(v: np.ndarray, n_players: int) -> np.ndarray:
    """The average over all G! orders of each player's marginal contribution."""
    phi = np.zeros(n_players)
    for order in itertools.permutations(range(n_players)):
        mask = 0
        for g in order:
            phi[g] += v[mask | 1 << g] - v[mask]
            mask |= 1 << g
    return phi / math.factorial(n_players)


def test_an_additive_game_pays_each_player_its_own_effect():
    effects = [1.5, -2.0, 0.0, 4.25]
    v = game(4, lambda s: sum(effects[g] for g in s))
    np.testing.assert_allclose(shapley_values(v), effects, atol=1e-15)


def test_an_interaction_is_split_equally_between_the_players_that_make_it():
    # a yard (0) does nothing without a fence (1) and vice versa: a pure
    # interaction of 3, plus player 2's own effect of 1
    v = game(3, lambda s: 3.0 * ({0, 1} <= s) + 1.0 * (2 in s))
    np.testing.assert_allclose(shapley_values(v), [1.5, 1.5, 1.0], atol=1e-15)


def test_shapley_values_match_a_brute_force_over_every_order():
    rng = np.random.default_rng(13)
    for n_players in (1, 2, 3, 4, 5):
        v = rng.normal(size=2**n_players)
        v[0] = rng.normal()
        phi = shapley_values(v)
        np.testing.assert_allclose(phi, brute_force_shapley(v, n_players), atol=1e-12)
        assert phi.sum() == pytest.approx(v[-1] - v[0], abs=1e-12)


def test_symmetric_players_get_equal_shares_and_null_players_nothing():
    # the value depends on how many of players 0 and 1 are in, and on player 2;
    # player 3 never matters
    table = np.random.default_rng(7).normal(size=(3, 2))

    def value(s: set[int]) -> float:
        return float(table[len(s & {0, 1}), int(2 in s)])

    phi = shapley_values(game(4, value))
    assert phi[0] == pytest.approx(phi[1], abs=1e-14)
    assert phi[3] == 0.0


def test_trailing_axes_are_separate_games_and_nan_stays_nan():
    v = np.stack([game(2, lambda s: len(s)), game(2, lambda s: 2.0 * (0 in s))], 1)
    np.testing.assert_allclose(shapley_values(v), [[1, 2], [1, 0]], atol=1e-15)
    v[1, 0] = np.nan
    assert np.isnan(shapley_values(v)[:, 0]).all()


def test_the_model_contributions_sum_to_the_change(explained, baseline):
    target = simulate(OCT_2023_STYLE, baseline).metrics
    base = simulate(REFERENCE, baseline).metrics
    for name in ("china_tech_price_change_pct", "world_welfare_change_pct"):
        m = explained.item_index(name)
        change = target.scalar(name) - base.scalar(name)
        assert explained.change[0, m] == pytest.approx(change, abs=1e-12)
        assert explained.contributions[:, 0, m].sum() == pytest.approx(change, abs=1e-9)
    ok = explained.defined
    gap = explained.contributions.sum(axis=0)[ok] - explained.change[ok]
    assert np.max(np.abs(gap)) < 1e-9


def test_a_group_that_changes_nothing_contributes_exactly_zero(explained):
    assert explained.solved == 2**6  # every group but the assumptions moves
    k = explained.groups.index("assumptions")
    assert np.all(explained.contributions[k][explained.defined] == 0.0)
    china = explained.of("china_tech_price_change_pct")["china"]
    assert china != 0.0  # the R&D push does change China's prices


def test_undefined_ratios_have_no_attribution(explained):
    # backfill is undefined in the reference: the fence stops nothing there
    m = explained.item_index("backfill_share")
    assert not explained.defined[0, m]
    assert explained.to_dict()["metrics"]["backfill_share"]["total"]["change"] is None


def test_the_order_of_the_groups_does_not_matter(explained, baseline):
    reversed_groups = tuple(reversed(GROUP_NAMES))
    again = attribute(OCT_2023_STYLE, REFERENCE, baseline, reversed_groups)
    for k, group in enumerate(GROUP_NAMES):
        j = reversed_groups.index(group)
        np.testing.assert_allclose(
            again.contributions[j], explained.contributions[k], atol=1e-12
        )


def test_coalitions_mix_the_scenario_and_the_base_by_group():
    target, base = Levers(OCT_2023_STYLE), Levers(REFERENCE)
    yard_only = coalition_levers(target, base, 1 << GROUP_NAMES.index("yard"))
    assert yard_only["scope_sme"] == 0.4 and yard_only["fence_pct"] == 0.0
    assert yard_only["us_tariff_pct"] == 3.1
    assert coalition_levers(target, base, 2 ** len(GROUP_NAMES) - 1) == target
    assert coalition_levers(target, base, 0) == base


def test_every_year_of_a_decade_path_is_attributed(baseline):
    levers = {"scope_ai_chips": 1.0, "fence_pct": 200.0, "china_rd_push_pct": 4.0}
    timeline = [(2023, levers)]
    explained = attribute_path(timeline, 2026, baseline=baseline)
    assert explained.years == (2022, 2023, 2024, 2025, 2026)
    assert explained.solved == 2**3  # yard, fence, China's answers
    ok = explained.defined
    gap = explained.contributions.sum(axis=0)[ok] - explained.change[ok]
    assert np.max(np.abs(gap)) < 1e-9
    m = explained.item_index("china_tech_capability_ratio")
    assert np.all(explained.base[:, m] == 1.0)  # the no-policy path
    assert np.all(explained.contributions[:, 0, m] == 0.0)  # 2022: nothing yet
    by_group = explained.of("china_tech_capability_ratio")
    assert by_group["china"] > 0 and by_group["allies"] == 0.0
    assert explained.base.shape == (5, len(explained.items))


def test_a_scenario_equal_to_its_base_has_nothing_to_explain(baseline):
    explained = attribute(REFERENCE, REFERENCE, baseline)
    assert explained.solved == 1
    ok = explained.defined
    assert np.all(explained.contributions[:, ok] == 0.0)
    assert np.all(explained.change[ok] == 0.0)


def test_decade_options_reach_every_coalitions_path(baseline):
    timeline = [(2022, {"scope_ai_chips": 1.0, "prohibitive": True})]
    slow = attribute_path(timeline, 2024, baseline=baseline, kappa=0.0, delta=0.0)
    fast = attribute_path(timeline, 2024, baseline=baseline, kappa=0.5, delta=0.0)
    m = slow.item_index("china_tech_capability_ratio")
    assert fast.scenario[-1, m] > slow.scenario[-1, m]
    for explained in (slow, fast):
        gap = explained.contributions[:, -1, m].sum() - explained.change[-1, m]
        assert abs(gap) < 1e-9


def test_an_entry_replaced_before_2022_makes_no_group_count(baseline):
    timeline = [
        (2017, {"us_tariff_pct": 3.1}),
        (2020, {"scope_ai_chips": 1.0, "fence_pct": 100.0}),
    ]
    explained = attribute_path(timeline, 2023, baseline=baseline)
    assert explained.solved == 4  # yard x fence; the 2017 tariffs never act
    k = explained.groups.index("trade_war")
    assert np.all(explained.contributions[k][explained.defined] == 0.0)


def test_coalitions_solved_in_two_stages_agree_with_one_batch(baseline, monkeypatch):
    every_group = OCT_2023_STYLE | {
        "elasticities": "high",
        "fence_rule_sme": "height",
        "fence_pct_sme": 60.0,
        "us_tariff_pct": 10.0,
    }
    staged = attribute(every_group, REFERENCE, baseline)
    assert staged.solved == 2**7
    monkeypatch.setattr(attribution, "STAGED_FROM_GROUPS", len(GROUP_NAMES) + 1)
    one_batch = attribute(every_group, REFERENCE, baseline)
    ok = staged.defined
    assert np.array_equal(ok, one_batch.defined)
    scale = np.maximum(np.abs(one_batch.change[ok]), 1.0)
    gap = staged.contributions[:, ok] - one_batch.contributions[:, ok]
    assert np.max(np.abs(gap) / scale) < 1e-8  # the solver's tolerance, not more
    unexplained = staged.contributions.sum(axis=0)[ok] - staged.change[ok]
    assert np.max(np.abs(unexplained)) < 1e-9
