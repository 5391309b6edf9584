"""The README documents every lever and every metric the model has."""

from __future__ import annotations

import re

import pytest

from helpers import ROOT
from model.levers import LEVERS
from model.metrics import METRICS

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [lever.name for lever in LEVERS])
def test_every_lever_is_documented(name):
    short = re.sub(r"^participation_", "_", name)  # the allies share one row
    assert f"`{name}`" in README or f"`{short}`" in README


@pytest.mark.parametrize("name", [metric.name for metric in METRICS])
def test_every_metric_is_documented(name):
    assert f"`{name}`" in README


def test_quick_start_is_the_two_make_commands():
    quick_start = README.split("## Quick start")[1].split("##")[0]
    assert "make run" in quick_start and "make test" in quick_start
