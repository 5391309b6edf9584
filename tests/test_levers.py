"""The lever state: validated once, immutable, hashable by value."""

from __future__ import annotations

import pickle

import pytest

from model.levers import DEFAULT_LEVERS, DEFAULTS, LEVERS, Levers


def test_defaults_fill_in_what_is_not_given():
    levers = Levers({"fence_pct": 40})
    assert levers["fence_pct"] == 40.0 and isinstance(levers["fence_pct"], float)
    assert {k: v for k, v in levers.items() if k != "fence_pct"} == {
        k: v for k, v in DEFAULTS.items() if k != "fence_pct"
    }
    assert list(levers) == [lever.name for lever in LEVERS]
    assert levers.changed() == {"fence_pct": 40.0}
    assert Levers() == DEFAULT_LEVERS == DEFAULTS


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"fence": 1.0}, "unknown lever 'fence'"),
        ({"fence_pct": 501.0}, "fence_pct = 501.0 is outside its range [0, 500]"),
        ({"prohibitive": 1}, "prohibitive must be true or false"),
        ({"elasticities": "medium"}, "elasticities must be one of central"),
        ({"evasion": float("nan")}, "evasion = nan is outside its range"),
    ],
)
def test_bad_values_are_rejected_by_name(values, fragment):
    with pytest.raises(ValueError, match=fragment.replace("[", r"\[")):
        Levers(values)
    with pytest.raises(ValueError, match=fragment.replace("[", r"\[")):
        DEFAULT_LEVERS | values


def test_it_is_immutable_and_replace_returns_a_new_state():
    levers = Levers({"scope_sme": 0.4})
    with pytest.raises(AttributeError):
        levers.fence_pct = 1.0  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        levers["fence_pct"] = 1.0  # type: ignore[index]
    moved = levers | {"fence_pct": 100.0}
    assert levers["fence_pct"] == 0.0 and moved["fence_pct"] == 100.0
    assert moved["scope_sme"] == 0.4
    assert levers.replace(fence_pct=100.0) == moved


def test_equal_states_hash_equal_and_survive_pickling():
    a = Levers({"fence_pct": 40.0, "prohibitive": True})
    b = DEFAULT_LEVERS.replace(prohibitive=True, fence_pct=40)
    assert a == b and hash(a) == hash(b)
    assert len({a, b, DEFAULT_LEVERS}) == 2
    assert pickle.loads(pickle.dumps(a)) == a
    assert a == a.to_dict() and a.to_dict() == a  # equal to a dict of its items
    assert a != {"fence_pct": 40.0}  # ... but not to a partial one


def test_building_from_a_state_does_not_validate_again(monkeypatch):
    levers = Levers({"fence_pct": 40.0})

    def fail(self, value):  # pragma: no cover - must not run
        raise AssertionError("validated twice")

    monkeypatch.setattr(type(LEVERS[0]), "validate", fail)
    assert Levers(levers) == levers


def test_streamlit_caches_key_on_the_state_by_value():
    st = pytest.importorskip("streamlit")
    calls = []

    @st.cache_resource
    def solve(levers: Levers) -> float:
        calls.append(levers)
        return float(levers["fence_pct"])

    assert solve(Levers({"fence_pct": 40.0})) == 40.0
    assert solve(DEFAULT_LEVERS | {"fence_pct": 40}) == 40.0
    assert solve(Levers({"fence_pct": 50.0})) == 50.0
    assert len(calls) == 2
    solve.clear()
