"""Share links: readable, versioned, exact round trips, and forgiving decoding."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from model.levers import DEFAULTS, LEVERS
from scenarios import links

PRESETS = {
    "oct_2022_rule": DEFAULTS | {"scope_ai_chips": 1.0, "fence_pct": 100.0},
    "no_controls": DEFAULTS | {"us_tariff_pct": 3.1, "china_retaliation_pct": 8.0},
}


def lever_value(lever):
    if lever.kind == "bool":
        return st.booleans()
    if lever.kind == "choice":
        return st.sampled_from(lever.choices)
    return st.floats(lever.minimum, lever.maximum, allow_nan=False)


ANY_LEVERS = st.fixed_dictionaries({lever.name: lever_value(lever) for lever in LEVERS})


@settings(max_examples=300, deadline=None)
@given(ANY_LEVERS, st.sampled_from([None, *PRESETS]))
def test_round_trip_over_the_whole_lever_space(levers, preset):
    base = PRESETS.get(preset)
    params = links.encode(levers, preset, base)
    decoded = links.decode(params, PRESETS)
    assert decoded.warnings == []
    assert decoded.preset == preset
    assert decoded.levers == levers


def test_link_is_readable_and_only_lists_changes():
    levers = PRESETS["oct_2022_rule"] | {"fence_pct": 300.0, "participation_nld": 0.7}
    params = links.encode(levers, "oct_2022_rule", PRESETS["oct_2022_rule"])
    assert params == {"v": "1", "p": "oct_2022_rule", "fence": "300", "nld": "0.7"}


def test_full_lever_names_and_page_keys_are_accepted():
    decoded = links.decode(
        {"fence_pct": "50", "deny": "true", "view": "seminar", "lang": "zh"}, PRESETS
    )
    assert decoded.warnings == []
    assert decoded.levers["fence_pct"] == 50.0 and decoded.levers["prohibitive"]


def test_bad_parts_are_dropped_with_warnings_and_the_rest_kept():
    decoded = links.decode(
        {
            "v": "9",
            "p": "no_such_preset",
            "fence": "501",
            "nld": "abc",
            "ai": "nan",
            "sme": "0.25",
            "deny": "maybe",
            "theta": "medium",
            "zzz": "1",
            "eur": "1" * 100,
            "chips": "inf",
        },
        PRESETS,
    )
    assert decoded.preset is None
    assert decoded.levers["scope_sme"] == 0.25  # the valid part survives
    assert decoded.levers["fence_pct"] == DEFAULTS["fence_pct"]
    text = "\n".join(decoded.warnings)
    for expected in (
        "link version '9'",
        "unknown preset 'no_such_preset'",
        "fence: ignored, 501.0 is outside its range [0, 500]",
        "nld: ignored, must be a number, got 'abc'",
        "ai: ignored, nan is outside its range",
        "deny: ignored, must be true or false",
        "theta: ignored, must be one of central",
        "unknown parameter 'zzz'",
        "eur: value longer than 64 characters",
        "chips: ignored, inf is outside its range",
    ):
        assert expected in text, (expected, text)
    assert len(decoded.warnings) == 10


def test_hostile_keys_are_quoted_and_shortened():
    decoded = links.decode({"<script>alert(1)</script>" * 5: "1"}, PRESETS)
    (warning,) = decoded.warnings
    assert warning.startswith("unknown parameter '<script>") and "..." in warning
    assert len(warning) < 100


def test_the_fence_by_sector_has_short_keys():
    levers = PRESETS["oct_2022_rule"] | {
        "fence_rule_ai_chips": "denied",
        "fence_rule_sme": "height",
        "fence_pct_sme": 40.0,
    }
    params = links.encode(levers, "oct_2022_rule", PRESETS["oct_2022_rule"])
    assert params == {
        "v": "1",
        "p": "oct_2022_rule",
        "ai_rule": "denied",
        "sme_rule": "height",
        "sme_fence": "40",
    }
    decoded = links.decode({"p": "oct_2022_rule", "ict_rule": "deny"}, PRESETS)
    assert decoded.levers["fence_rule_ict_hw"] == "master"
    assert decoded.warnings == [
        "ict_rule: ignored, must be one of master, height, denied; got 'deny'"
    ]


def test_every_lever_has_one_unique_short_key():
    assert list(links.ALIASES) == [lever.name for lever in LEVERS]
    assert len(set(links.ALIASES.values())) == len(links.ALIASES)


def test_a_link_without_a_known_preset_starts_from_the_fallback():
    fallback = "oct_2022_rule"
    for params in ({"p": "nope", "fence": "300"}, {"fence": "300"}):
        decoded = links.decode(params, PRESETS, fallback=fallback)
        assert decoded.preset == fallback
        assert decoded.levers == PRESETS[fallback] | {"fence_pct": 300.0}
    unknown = links.decode({"p": "nope"}, PRESETS, fallback=fallback)
    fields = {"preset": "'nope'", "start": fallback}
    assert unknown.codes == [("link_unknown_preset", fields)]
    assert "starting from preset 'oct_2022_rule'" in unknown.warnings[0]
