"""``python -m model explain``: the lever groups' contributions to every metric,
for a static scenario (JSON and CSV) and for every year of a decade path."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model.__main__ import main
from model.attribution import GROUP_NAMES
from model.metrics import METRICS

YARD_AND_FENCE = json.dumps({"scope_ai_chips": 1.0, "fence_pct": 150.0})


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def total(entry: dict) -> float:
    return sum(entry["contributions"].values())


def test_explain_a_preset_against_the_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "why.json"
    code, _, err = cli(capsys, "explain", "oct_2023_update", "--out", out)
    assert code == 0, err
    payload = json.loads(out.read_text())
    assert payload["base"] == "preset no_controls"
    assert list(payload["groups"]) == list(GROUP_NAMES)
    assert set(payload["metrics"]) == {m.name for m in METRICS}
    price = payload["metrics"]["china_tech_price_change_pct"]["total"]
    assert total(price) == pytest.approx(price["change"], abs=1e-9)
    assert price["change"] == pytest.approx(price["scenario"] - price["base"])
    assert price["contributions"]["china"] == 0.0  # the preset leaves it alone
    usa = payload["metrics"]["welfare_change_pct"]["USA"]
    assert total(usa) == pytest.approx(usa["change"], abs=1e-9)


def test_explain_to_csv_has_a_column_per_group(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "why.csv"
    code, _, err = cli(capsys, "explain", YARD_AND_FENCE, "--base", "{}", "--out", out)
    assert code == 0, err
    frame = pd.read_csv(out, keep_default_na=False, na_values=[""])
    groups = [f"contribution_{g}" for g in GROUP_NAMES]
    assert list(frame.columns) == ["metric", "key", "base", "scenario", "change"] + [
        *groups
    ]
    defined = frame.dropna(subset=groups)
    gap = defined[groups].sum(axis=1) - defined["change"]
    assert np.max(np.abs(gap)) < 1e-9
    price = frame.set_index("metric").loc["china_tech_price_change_pct"]
    # a fence needs a yard and a yard a fence: a pure interaction, split equally
    assert price["contribution_yard"] == pytest.approx(price["contribution_fence"])


def test_explain_every_year(capsys: pytest.CaptureFixture[str]):
    code, stdout, err = cli(
        capsys, "explain", YARD_AND_FENCE, "--years", "2023-2025", "--out", "-"
    )
    assert code == 0, err
    payload = json.loads(stdout)
    assert payload["years"] == [2023, 2024, 2025]
    assert payload["base"].startswith("defaults")
    capability = payload["metrics"]["china_tech_capability_ratio"]["total"]
    for t in range(3):
        parts = sum(v[t] for v in capability["contributions"].values())
        assert parts == pytest.approx(capability["change"][t], abs=1e-9)
    assert capability["contributions"]["allies"] == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--out", "why.txt"), "--out must end with .json or .csv"),
        (("--years", "2020-2030", "--out", "-"), "years must lie in"),
        (("--base", "no_such_preset", "--out", "-"), "no such file or preset"),
    ],
)
def test_explain_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
):
    code, stdout, err = cli(capsys, "explain", YARD_AND_FENCE, *args)
    assert code == 2
    assert message in err and err.count("\n") == 1
    assert stdout == ""
