"""The Scenario schema: generated from the lever table, strict, and in sync on disk."""

from __future__ import annotations

import json

import pytest

from helpers import ROOT
from model.levers import DEFAULTS, LEVERS
from scenarios.schema import (
    ScenarioError,
    json_schema,
    scenario_from_dict,
    scenario_from_json,
)

MINIMAL = {"id": "mine", "name": "Mine"}


def test_json_schema_file_is_in_sync():
    on_disk = json.loads((ROOT / "scenarios" / "scenario.schema.json").read_text())
    assert on_disk == json_schema(), "run: python -m scenarios schema --write"


def test_every_lever_is_a_field_with_its_range_and_unit():
    properties = json_schema()["properties"]
    for lever in LEVERS:
        prop = properties[lever.name]
        assert prop["default"] == lever.default and prop["unit"] == lever.unit
        if lever.kind == "number":
            assert (prop["minimum"], prop["maximum"]) == (lever.minimum, lever.maximum)


def test_defaults_fill_in_and_the_file_form_lists_only_changes():
    scenario = scenario_from_dict(MINIMAL | {"fence_pct": 40, "as_of": "2022-10-07"})
    assert scenario.levers() == DEFAULTS | {"fence_pct": 40.0}
    assert scenario.to_dict() == {
        "schema_version": 1,
        "id": "mine",
        "name": "Mine",
        "as_of": "2022-10-07",
        "fence_pct": 40.0,
    }
    assert scenario_from_json(scenario.to_json()) == scenario
    assert hash(scenario) == hash(scenario_from_json(scenario.to_json()))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"fence_pct": 501}, "fence_pct: 501 is outside its range [0, 500] (% tariff"),
        ({"fence_pct": "10"}, "fence_pct: must be a number, got '10'"),
        ({"prohibitive": "yes"}, "prohibitive: must be true or false, got 'yes'"),
        ({"elasticities": "mid"}, "elasticities: must be one of central, low, high"),
        ({"fence": 5}, "fence: unknown field"),
        ({"id": "../etc"}, "id: must be 1-64 lower-case letters"),
        ({"schema_version": 2}, "schema_version: this version reads schema_version 1"),
        ({"as_of": "October"}, "as_of: must be a date YYYY-MM-DD or a year"),
        ({"rationale": {"fenze": "typo"}}, "rationale: names unknown lever(s) fenze"),
    ],
)
def test_errors_name_the_field_the_value_and_the_range(change, expected):
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(MINIMAL | change)
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(expected), caught.value.problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{", "not valid JSON"),
        ("[1, 2]", "expected one JSON object, got list"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_bad_json_text(text, expected):
    with pytest.raises(ScenarioError, match=expected):
        scenario_from_json(text)


def test_scenarios_are_frozen():
    scenario = scenario_from_dict(MINIMAL)
    with pytest.raises(Exception, match="frozen"):
        scenario.fence_pct = 10.0
