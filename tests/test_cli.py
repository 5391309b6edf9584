"""Tests of the command line ``python -m model`` (model.cli and model.userdata)."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import ROOT
from model import equilibrium
from model.__main__ import main
from model.levers import LEVERS_BY_NAME
from model.metrics import METRICS, TIDY_COLUMNS
from scenarios.schema import scenario_from_dict
from scenarios.store import PresetStore

# 2 countries, 1 sector, symmetric: home sales A, cross sales B, shock T both ways
A, B, THETA, T = 80.0, 20.0, 4.0, 1.2
SYMMETRIC_FLOWS = f"exporter,importer,value\nh,h,{A}\nh,f,{B}\nf,h,{B}\nf,f,{A}\n"
SYMMETRIC_SHOCK = f"exporter,importer,cost_change_factor\nh,f,{T}\nf,h,{T}\n"

# 3 regions x 2 sectors with zero pairs (c->a in y, b->c in x are not listed)
FLOWS_3X2 = """exporter,importer,sector,value
a,a,x,50
a,b,x,10
a,c,x,5
b,a,x,8
b,b,x,40
c,a,x,3
c,b,x,6
c,c,x,30
a,a,y,60
a,b,y,7
b,a,y,4
b,b,y,70
b,c,y,9
c,c,y,45
c,b,y,0
"""
SHOCK_3X2 = """exporter,importer,sector,cost_change_factor
a,b,x,inf
b,a,y,1.5
c,a,x,0.9
"""


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    """Run ``python -m model`` in-process: exit status, stdout, stderr."""
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(err: str, *fragments: str) -> None:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def counterfactual(
    capsys: pytest.CaptureFixture[str],
    folder: Path,
    flows: str,
    shock: str,
    theta: str = str(THETA),
) -> dict:
    """Write the files, run counterfactual, return the parsed output (must succeed)."""
    out = folder / "result.json"
    code, _, err = cli(
        capsys,
        "counterfactual",
        "--flows", write(folder, "flows.csv", flows),
        "--shock", write(folder, "shock.csv", shock),
        "--theta", theta,
        "--out", out,
    )  # fmt: skip
    assert code == 0, err
    assert err == ""
    return json.loads(out.read_text(encoding="utf-8"))


def pair(result: dict, exporter: str, importer: str, sector: str = "all") -> dict:
    (found,) = [
        p
        for p in result["pairs"]
        if (p["exporter"], p["importer"], p["sector"]) == (exporter, importer, sector)
    ]
    return found


# --- run -------------------------------------------------------------------------

SCENARIO = {"scope_ai_chips": 1.0, "fence_pct": 50.0, "participation_nld": 0.5}


def check_run_json(payload: dict) -> None:
    assert set(payload) == {"levers", "metrics", "by_sector", "units", "solver"}
    assert set(payload["levers"]) == set(LEVERS_BY_NAME)
    for name, value in SCENARIO.items():
        assert payload["levers"][name] == value
    for info in METRICS:
        assert info.name in payload["metrics"]
        assert info.name in payload["units"]
    assert payload["solver"]["converged"] is True
    assert payload["metrics"]["china_tech_price_change_pct"] > 0


def test_run_json_file_to_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    scenario = write(tmp_path, "scenario.json", json.dumps(SCENARIO))
    out = tmp_path / "out.json"
    code, stdout, err = cli(capsys, "run", scenario, "--out", out)
    assert (code, stdout, err) == (0, "", "")
    check_run_json(json.loads(out.read_text(encoding="utf-8")))


def test_run_inline_json_to_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "out.json"
    code, _, err = cli(capsys, "run", json.dumps(SCENARIO), "--out", out)
    assert code == 0, err
    check_run_json(json.loads(out.read_text(encoding="utf-8")))


def test_run_to_stdout(capsys: pytest.CaptureFixture[str]):
    code, stdout, err = cli(capsys, "run", json.dumps(SCENARIO), "--out", "-")
    assert (code, err) == (0, "")
    check_run_json(json.loads(stdout))


def test_run_to_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    scenario = write(tmp_path, "scenario.json", json.dumps(SCENARIO))
    out = tmp_path / "out.csv"
    code, _, err = cli(capsys, "run", scenario, "--out", out)
    assert code == 0, err
    table = pd.read_csv(out)
    assert list(table.columns) == list(TIDY_COLUMNS)
    assert set(table["metric"]) == {info.name for info in METRICS}


def test_run_default_scenario_changes_nothing(capsys: pytest.CaptureFixture[str]):
    code, stdout, _ = cli(capsys, "run", "{}", "--out", "-")
    assert code == 0
    welfare = json.loads(stdout)["metrics"]["welfare_change_pct"]
    assert all(abs(v) < 1e-9 for v in welfare.values())


def test_unknown_lever(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "out.json"
    code, _, err = cli(capsys, "run", '{"warp_drive_pct": 3}', "--out", out)
    assert code == 2
    assert_one_line_error(err, "warp_drive_pct")
    assert not out.exists()


RUN_BAD_INPUT = {
    # id: (scenario file text or None for inline, inline text, out name, fragments)
    "unknown lever in file": (
        '{"bogus": 1}',
        None,
        "o.json",
        ["scenario.json", "bogus"],
    ),
    "out of range": (
        '{"fence_pct": 900}',
        None,
        "o.json",
        ["scenario.json", "fence_pct", "900"],
    ),
    "wrong type": ('{"prohibitive": 1}', None, "o.json", ["prohibitive"]),
    "bad JSON": ('{\n  "fence_pct": 5,\n}', None, "o.json", ["scenario.json line 3"]),
    "not an object": ("[1, 2]", None, "o.json", ["scenario.json", "object"]),
    "key twice": ('{"evasion": 0.1, "evasion": 0.2}', None, "o.json", ["evasion"]),
    "not UTF-8": (b'{"fence_pct": 5, "\xff": 1}', None, "o.json", ["not UTF-8"]),
    "bad inline JSON": (None, '{"fence_pct": }', "o.json", ["inline", "line 1"]),
    "no such file": (None, "no_such_preset", "o.json", ["no_such_preset"]),
    "out of range inline": (None, '{"evasion": -1}', "o.json", ["inline", "evasion"]),
    "bad extension": ('{"evasion": 0.1}', None, "o.txt", ["o.txt", ".json"]),
    "no extension": ('{"evasion": 0.1}', None, "out", ["out"]),
}


@pytest.mark.parametrize("case", RUN_BAD_INPUT.values(), ids=RUN_BAD_INPUT.keys())
def test_run_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], case):
    file_text, inline, out_name, fragments = case
    scenario = (
        inline if file_text is None else write(tmp_path, "scenario.json", file_text)
    )
    out = tmp_path / out_name
    code, stdout, err = cli(capsys, "run", scenario, "--out", out)
    assert code == 2
    assert stdout == ""
    assert_one_line_error(err, *fragments)
    assert not out.exists()


# --- run: presets (a preset file, or the id of a built-in or user preset) ---------

PRESET = {"schema_version": 1, "id": "tiny_test", "name": "Tiny test"} | SCENARIO


def test_run_preset_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    text = scenario_from_dict(PRESET).to_json()
    preset = write(tmp_path, "tiny.json", text)
    code, stdout, err = cli(capsys, "run", preset, "--out", "-")
    assert (code, err) == (0, "")
    check_run_json(json.loads(stdout))


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        ({"fence_pct": 900.0}, ["fence_pct", "900"]),
        ({"name": ""}, ["name"]),
        ({"schema_version": 2}, ["schema_version"]),
        ({"citation": "typo"}, ["citation", "unknown field"]),
    ],
)
def test_run_bad_preset_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change, fragments
):
    preset = write(tmp_path, "tiny.json", json.dumps(PRESET | change))
    out = tmp_path / "o.json"
    code, _, err = cli(capsys, "run", preset, "--out", out)
    assert code == 2
    assert_one_line_error(err, str(preset), *fragments)
    assert not out.exists()


def test_run_user_preset_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "presets"
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(folder))
    monkeypatch.chdir(tmp_path)  # no file named like the id in the working folder
    folder.mkdir()
    write(folder, "tiny_test.json", scenario_from_dict(PRESET).to_json())
    code, stdout, err = cli(capsys, "run", "tiny_test", "--out", "-")
    assert (code, err) == (0, "")
    check_run_json(json.loads(stdout))


def test_run_builtin_preset_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(tmp_path / "none"))
    entries, _ = PresetStore().list()
    assert entries, "the built-in presets are missing"
    code, stdout, err = cli(capsys, "run", entries[0].id, "--out", "-")
    assert (code, err) == (0, "")
    levers = json.loads(stdout)["levers"]
    assert levers == PresetStore().load(entries[0].id).levers()


def test_run_broken_or_unknown_preset_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "presets"
    folder.mkdir()
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(folder))
    monkeypatch.chdir(tmp_path)
    write(folder, "broken.json", '{"id": "broken", "name": "B", "evasion": 7}')
    code, _, err = cli(capsys, "run", "broken", "--out", "-")
    assert code == 2
    assert_one_line_error(err, "broken.json", "evasion")
    for spec in ("unknown_id", "../etc/passwd", "con"):
        code, _, err = cli(capsys, "run", spec, "--out", "-")
        assert code == 2
        assert_one_line_error(err, spec)


def test_model_never_imports_scenarios():
    """Layering: scenarios -> model, never the reverse (run loads it lazily)."""
    code = (
        "import sys, pkgutil, importlib, model\n"
        "for m in pkgutil.iter_modules(model.__path__):\n"
        "    if m.name != '__main__':\n"
        "        importlib.import_module('model.' + m.name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] == 'scenarios']\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


@pytest.mark.parametrize(
    "args",
    [[], ["run"], ["run", "{}"], ["bogus"], ["counterfactual", "--flows", "f.csv"]],
)
def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str], args):
    code, _, err = cli(capsys, *args)
    assert code == 2
    assert_one_line_error(err, "python -m model")


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("run", ["SCENARIO", "lever", ".csv", "metric,region,sector"]),
        ("counterfactual", ["exporter,importer[,sector],value", "cost_change_factor",
                            "inf", "sector,theta", "trade_change_pct",
                            "exporter,importer[,sector],tariff_pct,new_tariff_pct",
                            "region,sector,input_sector,share",
                            "NET of the baseline tariff", "producer prices",
                            "--io", "--tariff", "tariff_revenue"]),
    ],
)  # fmt: skip
def test_help_documents_formats(capsys: pytest.CaptureFixture[str], command, words):
    code, stdout, _ = cli(capsys, command, "--help")
    assert code == 0
    for word in words:
        assert word in stdout


def test_run_not_converged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    no_iterations = functools.partial(equilibrium.solve, max_iterations=0)
    monkeypatch.setattr(equilibrium, "solve", no_iterations)
    out = tmp_path / "out.json"
    code, _, err = cli(capsys, "run", '{"us_tariff_pct": 50}', "--out", out)
    assert code == 3
    assert_one_line_error(err, "converge")
    assert not out.exists()


# --- counterfactual: results -----------------------------------------------------


def test_symmetric_closed_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    result = counterfactual(capsys, tmp_path, SYMMETRIC_FLOWS, SYMMETRIC_SHOCK)
    x = T**-THETA
    welfare = 100 * (((A + B * x) / (A + B)) ** (1 / THETA) - 1)
    trade = 100 * (x * (A + B) / (A + B * x) - 1)
    assert list(result["regions"]) == ["h", "f"]
    for region in ("h", "f"):
        values = result["regions"][region]
        assert values["welfare_change_pct"] == pytest.approx(welfare, abs=1e-9)
        # symmetric: income unchanged, so welfare = 1 / price index
        assert values["income_change_pct"] == pytest.approx(0, abs=1e-9)
        assert values["price_index_change_pct"] == pytest.approx(
            100 * (100 / (welfare + 100) - 1), abs=1e-9
        )
    for exporter, importer in (("h", "f"), ("f", "h")):
        cross = pair(result, exporter, importer)
        assert cross["trade_change_pct"] == pytest.approx(trade, abs=1e-9)
        assert cross["import_share_change_pct"] == pytest.approx(trade, abs=1e-9)
    assert len(result["pairs"]) == 4
    assert result["solver"]["converged"] is True
    assert set(result["solver"]) == {
        "iterations",
        "max_residual",
        "converged",
        "seconds",
    }


def test_output_keys_exactly(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    result = counterfactual(capsys, tmp_path, SYMMETRIC_FLOWS, SYMMETRIC_SHOCK)
    assert set(result) == {"regions", "pairs", "solver"}
    assert set(result["regions"]["h"]) == {
        "welfare_change_pct", "price_index_change_pct", "income_change_pct",
        "baseline_tariff_revenue", "tariff_revenue",
    }  # fmt: skip
    assert set(result["pairs"][0]) == {
        "exporter", "importer", "sector", "trade_change_pct", "import_share_change_pct"
    }  # fmt: skip


def test_prohibited_pair_and_zero_pairs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    result = counterfactual(capsys, tmp_path, FLOWS_3X2, SHOCK_3X2)
    assert list(result["regions"]) == ["a", "b", "c"]
    cut = pair(result, "a", "b", "x")
    assert cut["trade_change_pct"] == -100
    assert cut["import_share_change_pct"] == -100
    flows = pd.read_csv(tmp_path / "flows.csv")
    positive = {
        (r.exporter, r.importer, r.sector) for r in flows.itertuples() if r.value > 0
    }
    listed = [(p["exporter"], p["importer"], p["sector"]) for p in result["pairs"]]
    assert len(listed) == len(set(listed))
    assert set(listed) == positive  # c->a (y), b->c (x) and c->b (y, 0) omitted
    assert pair(result, "b", "a", "y")["trade_change_pct"] < 0


def test_matches_the_solver(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """The file route gives the solver's own numbers (theta by sector from a CSV)."""
    theta_csv = write(tmp_path, "theta.csv", "sector,theta\ny,2.5\nx,6\n")
    result = counterfactual(capsys, tmp_path, FLOWS_3X2, SHOCK_3X2, str(theta_csv))
    x = np.zeros((3, 3, 2))
    rows = pd.read_csv(tmp_path / "flows.csv")
    index = {"a": 0, "b": 1, "c": 2, "x": 0, "y": 1}
    for r in rows.itertuples():
        x[index[r.exporter], index[r.importer], index[r.sector]] = r.value
    tau = np.ones_like(x)
    tau[0, 1, 0], tau[1, 0, 1], tau[2, 0, 0] = np.inf, 1.5, 0.9
    solved = equilibrium.solve(x, [6.0, 2.5], tau)
    for k, region in enumerate("abc"):
        values = result["regions"][region]
        assert values["welfare_change_pct"] == solved.welfare_change_pct[0, k]
        income = 100 * (solved.income[0, k] / x[k].sum() - 1)
        assert values["income_change_pct"] == pytest.approx(income, abs=1e-12)
    flow = pair(result, "c", "b", "x")["trade_change_pct"]
    assert flow == pytest.approx(100 * (solved.flows[0, 2, 1, 0] / 6 - 1), abs=1e-12)


def test_theta_csv_equals_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    by_number = counterfactual(capsys, tmp_path, FLOWS_3X2, SHOCK_3X2, "4")
    theta_csv = write(tmp_path, "theta.csv", "sector,theta\nx,4\ny,4\n")
    by_file = counterfactual(capsys, tmp_path, FLOWS_3X2, SHOCK_3X2, str(theta_csv))
    by_number.pop("solver"), by_file.pop("solver")
    assert by_file == by_number


def test_theta_csv_one_sector(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    theta_csv = write(tmp_path, "theta.csv", f"sector,theta\nall,{THETA}\n")
    result = counterfactual(
        capsys, tmp_path, SYMMETRIC_FLOWS, SYMMETRIC_SHOCK, str(theta_csv)
    )
    x = T**-THETA
    welfare = 100 * (((A + B * x) / (A + B)) ** (1 / THETA) - 1)
    assert result["regions"]["h"]["welfare_change_pct"] == pytest.approx(welfare, 1e-12)


def test_zero_shock_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    shock = "exporter,importer,sector,cost_change_factor\n" + "".join(
        f"{i},{j},{s},1\n" for i in "abc" for j in "abc" for s in "xy"
    )
    result = counterfactual(capsys, tmp_path, FLOWS_3X2, shock)
    for values in result["regions"].values():
        assert set(values.values()) == {0.0}
    for p in result["pairs"]:
        assert p["trade_change_pct"] == 0.0
        assert p["import_share_change_pct"] == 0.0


def test_empty_shock_file_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    result = counterfactual(
        capsys, tmp_path, FLOWS_3X2, "exporter,importer,cost_change_factor\n"
    )
    assert {p["trade_change_pct"] for p in result["pairs"]} == {0.0}


def test_shock_without_sector_applies_to_every_sector(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    per_sector = counterfactual(
        capsys,
        tmp_path,
        FLOWS_3X2,
        "exporter,importer,sector,cost_change_factor\nb,c,x,1.3\nb,c,y,1.3\n",
    )
    all_sectors = counterfactual(
        capsys, tmp_path, FLOWS_3X2, "exporter,importer,cost_change_factor\nb,c,1.3\n"
    )
    per_sector.pop("solver"), all_sectors.pop("solver")
    assert all_sectors == per_sector


def test_region_without_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A region that only buys has no income to change: null, not a made-up number."""
    flows = "exporter,importer,value\na,a,50\na,b,10\n"
    result = counterfactual(
        capsys, tmp_path, flows, "exporter,importer,cost_change_factor\na,b,1.1\n"
    )
    assert result["regions"]["b"]["income_change_pct"] is None
    assert result["regions"]["b"]["welfare_change_pct"] < 0


def test_counterfactual_not_converged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    no_iterations = functools.partial(equilibrium.solve, max_iterations=0)
    monkeypatch.setattr(equilibrium, "solve", no_iterations)
    out = tmp_path / "result.json"
    code, stdout, err = cli(
        capsys,
        "counterfactual",
        "--flows", write(tmp_path, "flows.csv", FLOWS_3X2),
        "--shock", write(tmp_path, "shock.csv", SHOCK_3X2),
        "--theta", "4",
        "--out", out,
    )  # fmt: skip
    assert (code, stdout) == (3, "")
    assert_one_line_error(err, "converge")
    assert not out.exists()


# --- counterfactual: bad input ---------------------------------------------------

FLOWS_HEADER = "exporter,importer,value\n"
SHOCK_HEADER = "exporter,importer,cost_change_factor\n"
GOOD_FLOWS = SYMMETRIC_FLOWS
GOOD_SHOCK = SYMMETRIC_SHOCK

# id: (flows text, shock text, theta spec, fragments of the one stderr line)
# None as flows/shock text: the file is not written (missing).
BAD_INPUT: dict[str, tuple] = {
    "flows missing": (None, GOOD_SHOCK, "4", ["flows.csv", "cannot read"]),
    "shock missing": (GOOD_FLOWS, None, "4", ["shock.csv", "cannot read"]),
    "theta file missing": (GOOD_FLOWS, GOOD_SHOCK, "@theta_missing", ["theta.csv"]),
    "flows not UTF-8": (
        GOOD_FLOWS.encode() + b"h,\xff,1\n", GOOD_SHOCK, "4",
        ["flows.csv line 6", "UTF-8"],
    ),
    "flows empty": ("", GOOD_SHOCK, "4", ["flows.csv", "empty"]),
    "flows no rows": (FLOWS_HEADER, GOOD_SHOCK, "4", ["flows.csv", "no data"]),
    "not CSV: field count": (
        GOOD_FLOWS + "h,f\n", GOOD_SHOCK, "4", ["flows.csv line 6", "fields"]
    ),
    "not CSV: open quote": (
        FLOWS_HEADER + 'h,h,"80\n', GOOD_SHOCK, "4", ["flows.csv line 2", "CSV"]
    ),
    "not CSV: JSON": ('{"h": 1}\n', GOOD_SHOCK, "4", ["flows.csv line 1"]),
    "missing column": (
        "exporter,importer\nh,h\n", GOOD_SHOCK, "4", ["flows.csv line 1", "'value'"]
    ),
    "unknown column": (
        "exporter,importer,value,unit\nh,h,1,usd\n",
        GOOD_SHOCK, "4", ["flows.csv line 1", "'unit'"],
    ),
    "duplicate column": (
        "exporter,importer,value,value\nh,h,1,1\n",
        GOOD_SHOCK, "4", ["flows.csv line 1", "duplicate column"],
    ),
    "non-numeric": (
        GOOD_FLOWS.replace("f,h,20.0", "f,h,abc"), GOOD_SHOCK, "4",
        ["flows.csv line 4: value must be a finite number >= 0, got 'abc'"],
    ),
    "NaN value": (
        GOOD_FLOWS.replace("f,h,20.0", "f,h,nan"), GOOD_SHOCK, "4",
        ["flows.csv line 4", "'nan'"],
    ),
    "infinite value": (
        GOOD_FLOWS.replace("f,h,20.0", "f,h,inf"), GOOD_SHOCK, "4",
        ["flows.csv line 4", "'inf'"],
    ),
    "negative value": (
        GOOD_FLOWS.replace("f,h,20.0", "f,h,-1"), GOOD_SHOCK, "4",
        ["flows.csv line 4", "'-1'"],
    ),
    "missing value": (
        GOOD_FLOWS.replace("f,h,20.0", "f,h,"), GOOD_SHOCK, "4",
        ["flows.csv line 4", "got ''"],
    ),
    "empty region code": (
        GOOD_FLOWS + ",h,1\n", GOOD_SHOCK, "4", ["flows.csv line 6", "exporter"]
    ),
    "row of empty fields": (
        GOOD_FLOWS + ",,\n", GOOD_SHOCK, "4", ["flows.csv line 6", "exporter"]
    ),
    "blank lines are counted": (
        FLOWS_HEADER + "\nh,h,80\n  \nh,f,abc\n", GOOD_SHOCK, "4",
        ["flows.csv line 5", "'abc'"],
    ),
    "duplicate flow pair": (
        GOOD_FLOWS + "h,f,3\n", GOOD_SHOCK, "4",
        ["flows.csv line 6", "duplicate", "line 3"],
    ),
    "zero spending": (
        FLOWS_HEADER + "h,h,80\nf,h,20\n", SHOCK_HEADER, "4",
        ["flows.csv", "'f'", "spending"],
    ),
    "factor zero": (
        GOOD_FLOWS, SHOCK_HEADER + "h,f,0\n", "4",
        ["shock.csv line 2", "cost_change_factor", "'0'"],
    ),
    "factor negative": (
        GOOD_FLOWS, SHOCK_HEADER + "h,f,-1.2\n", "4", ["shock.csv line 2", "'-1.2'"]
    ),
    "factor non-numeric": (
        GOOD_FLOWS, SHOCK_HEADER + "h,f,1.2\nf,h,x\n", "4", ["shock.csv line 3", "'x'"]
    ),
    "factor NaN": (GOOD_FLOWS, SHOCK_HEADER + "h,f,NaN\n", "4", ["shock.csv line 2"]),
    "factor -inf": (GOOD_FLOWS, SHOCK_HEADER + "h,f,-inf\n", "4", ["shock.csv line 2"]),
    "factor missing": (GOOD_FLOWS, SHOCK_HEADER + "h,f,\n", "4", ["shock.csv line 2"]),
    "shock missing column": (
        GOOD_FLOWS, "exporter,importer,factor\nh,f,2\n", "4",
        ["shock.csv line 1", "factor"],
    ),
    "unknown exporter": (
        GOOD_FLOWS, SHOCK_HEADER + "h,f,1.1\nzz,h,2\n", "4",
        ["shock.csv line 3", "'zz'", "flows.csv"],
    ),
    "unknown importer": (
        GOOD_FLOWS, SHOCK_HEADER + "h,zz,2\n", "4", ["shock.csv line 2", "'zz'"]
    ),
    "sector column without flow sectors": (
        GOOD_FLOWS, "exporter,importer,sector,cost_change_factor\nh,f,all,2\n", "4",
        ["shock.csv line 1", "sector"],
    ),
    "unknown sector": (
        FLOWS_3X2, "exporter,importer,sector,cost_change_factor\na,b,x,2\na,b,z,2\n",
        "4", ["shock.csv line 3", "'z'"],
    ),
    "duplicate shock pair": (
        GOOD_FLOWS, SHOCK_HEADER + "h,f,2\nf,h,2\nh,f,3\n", "4",
        ["shock.csv line 4", "duplicate", "line 2"],
    ),
    "market without suppliers": (
        FLOWS_3X2, "exporter,importer,sector,cost_change_factor\n"
        "a,c,x,inf\nb,b,y,2\nc,c,x,inf\n", "4",
        ["shock.csv line 4", "c (x)", "supplier"],
    ),
    "market without suppliers, one sector": (
        GOOD_FLOWS, SHOCK_HEADER + "h,f,inf\nf,f,inf\n", "4",
        ["shock.csv line 3", "supplier"],
    ),
    "shock not UTF-8": (GOOD_FLOWS, b"exporter,importer,cost_change_factor\n\xfe", "4",
                        ["shock.csv line 2", "UTF-8"]),
    "theta zero": (GOOD_FLOWS, GOOD_SHOCK, "0", ["--theta", "'0'"]),
    "theta negative": (GOOD_FLOWS, GOOD_SHOCK, "-4", ["--theta", "'-4'"]),
    "theta NaN": (GOOD_FLOWS, GOOD_SHOCK, "nan", ["--theta", "'nan'"]),
    "theta inf": (GOOD_FLOWS, GOOD_SHOCK, "inf", ["--theta", "'inf'"]),
    "theta CSV missing sector": (
        FLOWS_3X2, SHOCK_3X2, "@sector,theta\nx,4\n", ["theta.csv", "y"]
    ),
    "theta CSV unknown sector": (
        FLOWS_3X2, SHOCK_3X2, "@sector,theta\nx,4\ny,4\nz,4\n",
        ["theta.csv line 4", "'z'"],
    ),
    "theta CSV bad value": (
        FLOWS_3X2, SHOCK_3X2, "@sector,theta\nx,4\ny,-2\n",
        ["theta.csv line 3", "'-2'"],
    ),
    "theta CSV duplicate": (
        FLOWS_3X2, SHOCK_3X2, "@sector,theta\nx,4\ny,2\nx,3\n",
        ["theta.csv line 4", "duplicate"],
    ),
    "theta CSV wrong columns": (
        FLOWS_3X2, SHOCK_3X2, "@sector,elasticity\nx,4\n", ["theta.csv line 1"]
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_counterfactual_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: tuple
):
    flows, shock, theta, fragments = case
    flows_path, shock_path = tmp_path / "flows.csv", tmp_path / "shock.csv"
    if flows is not None:
        write(tmp_path, "flows.csv", flows)
    if shock is not None:
        write(tmp_path, "shock.csv", shock)
    if theta == "@theta_missing":
        theta = str(tmp_path / "theta.csv")
    elif theta.startswith("@"):
        theta = str(write(tmp_path, "theta.csv", theta[1:]))
    out = tmp_path / "result.json"
    code, stdout, err = cli(
        capsys,
        "counterfactual",
        "--flows", flows_path,
        "--shock", shock_path,
        "--theta", theta,
        "--out", out,
    )  # fmt: skip
    assert code == 2
    assert stdout == ""
    assert_one_line_error(err, *fragments)
    assert not out.exists()


def test_counterfactual_bad_out_extension(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "result.csv"
    code, _, err = cli(
        capsys,
        "counterfactual",
        "--flows", write(tmp_path, "flows.csv", GOOD_FLOWS),
        "--shock", write(tmp_path, "shock.csv", GOOD_SHOCK),
        "--theta", "4",
        "--out", out,
    )  # fmt: skip
    assert code == 2
    assert_one_line_error(err, "result.csv", ".json")
    assert not out.exists()


def test_unwritable_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "no_such_dir" / "out.json"
    code, _, err = cli(capsys, "run", "{}", "--out", out)
    assert code == 2
    assert_one_line_error(err, "out.json", "cannot write")


# --- counterfactual: tariffs and input-output shares ------------------------------

# Hand-checkable: the symmetric flows, a quarter of gross output bought as inputs in
# both regions, and f taxing imports from h at 10%. Baseline by hand: gross output
# R = 100 and value added 75 in each region; f's tariff revenue 0.1 x 20 = 2.
IO_2 = "region,sector,input_sector,share\nh,all,all,0.25\nf,all,all,0.25\n"
TARIFF_HEADER = "exporter,importer,tariff_pct,new_tariff_pct\n"
TARIFF_2 = TARIFF_HEADER + "h,f,10,10\n"
IO_3X2 = """region,sector,input_sector,share
a,x,x,0.2
a,x,y,0.1
a,y,x,0.15
b,y,y,0.3
c,x,y,0.25
"""
TARIFF_3X2 = """exporter,importer,sector,tariff_pct,new_tariff_pct
a,b,x,10,40
b,a,y,5,5
c,b,x,0,20
"""


def counterfactual_io(
    capsys: pytest.CaptureFixture[str],
    folder: Path,
    flows: str,
    io: str | None,
    tariff: str | None,
    *extra: object,
) -> dict:
    """Run counterfactual with --io and --tariff (None: the option is left out)
    and no --shock; return the parsed output (must succeed)."""
    out = folder / "result.json"
    args: list[object] = ["--flows", write(folder, "flows.csv", flows)]
    if io is not None:
        args += ["--io", write(folder, "io.csv", io)]
    if tariff is not None:
        args += ["--tariff", write(folder, "tariff.csv", tariff)]
    code, _, err = cli(
        capsys, "counterfactual", *args, *extra, "--theta", THETA, "--out", out
    )
    assert code == 0, err
    assert err == ""
    return json.loads(out.read_text(encoding="utf-8"))


def test_io_and_tariff_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Unchanged tariffs and no shock: every change is exactly 0, and the baseline
    tariff revenue is the hand-computed one (revenue to the importer)."""
    result = counterfactual_io(capsys, tmp_path, SYMMETRIC_FLOWS, IO_2, TARIFF_2)
    for values in result["regions"].values():
        assert values["welfare_change_pct"] == 0.0
        assert values["price_index_change_pct"] == 0.0
        assert values["income_change_pct"] == 0.0
        assert values["tariff_revenue"] == values["baseline_tariff_revenue"]
    assert result["regions"]["f"]["baseline_tariff_revenue"] == pytest.approx(2.0)
    assert result["regions"]["h"]["baseline_tariff_revenue"] == 0.0
    assert {p["trade_change_pct"] for p in result["pairs"]} == {0.0}
    assert {p["import_share_change_pct"] for p in result["pairs"]} == {0.0}


def test_io_and_tariff_round_trip_3x2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """The same with 3 regions, 2 sectors, zero pairs and an explicit shock file of
    ones; the tariffs of TARIFF_3X2 kept at their baseline."""
    tariff = TARIFF_3X2.replace("10,40", "10,10").replace("0,20", "0,0")
    ones = write(tmp_path, "shock.csv", SHOCK_HEADER + "a,b,1\nc,a,1\n")
    result = counterfactual_io(
        capsys, tmp_path, FLOWS_3X2, IO_3X2, tariff, "--shock", ones
    )
    for values in result["regions"].values():
        assert values["welfare_change_pct"] == 0.0
        assert values["price_index_change_pct"] == 0.0
        assert values["income_change_pct"] == 0.0
        assert values["tariff_revenue"] == values["baseline_tariff_revenue"]
    # b pays 10% on a's x (10) and 0% on c's x: revenue 1; a 5% on b's y (4): 0.2
    assert result["regions"]["b"]["baseline_tariff_revenue"] == pytest.approx(1.0)
    assert result["regions"]["a"]["baseline_tariff_revenue"] == pytest.approx(0.2)
    assert {p["trade_change_pct"] for p in result["pairs"]} == {0.0}
    assert {p["import_share_change_pct"] for p in result["pairs"]} == {0.0}


def test_tariff_increase_raises_importer_revenue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    result = counterfactual_io(
        capsys, tmp_path, SYMMETRIC_FLOWS, IO_2, TARIFF_HEADER + "h,f,10,30\n"
    )
    f, h = result["regions"]["f"], result["regions"]["h"]
    assert f["baseline_tariff_revenue"] == pytest.approx(2.0)
    assert f["tariff_revenue"] > f["baseline_tariff_revenue"]
    assert h["tariff_revenue"] == h["baseline_tariff_revenue"] == 0.0
    assert pair(result, "h", "f")["trade_change_pct"] < 0
    # the final-goods price index of the taxing region rises; h loses
    assert f["price_index_change_pct"] > 0
    assert h["welfare_change_pct"] < 0


def test_tariff_from_zero_by_sector(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A new tariff where there was none: revenue from 0 to t' X' (b on c's x)."""
    result = counterfactual_io(capsys, tmp_path, FLOWS_3X2, IO_3X2, TARIFF_3X2)
    b = result["regions"]["b"]
    assert b["tariff_revenue"] > b["baseline_tariff_revenue"] == pytest.approx(1.0)
    assert pair(result, "c", "b", "x")["trade_change_pct"] < 0


def test_io_and_tariff_match_the_solver(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """The files land in gamma[region, sector, input_sector] and t[exporter,
    importer, sector]; income is value added (accounts), the price index P_hat."""
    result = counterfactual_io(capsys, tmp_path, FLOWS_3X2, IO_3X2, TARIFF_3X2)
    index = {"a": 0, "b": 1, "c": 2, "x": 0, "y": 1}
    x = np.zeros((3, 3, 2))
    for r in pd.read_csv(tmp_path / "flows.csv").itertuples():
        x[index[r.exporter], index[r.importer], index[r.sector]] = r.value
    gamma = np.zeros((3, 2, 2))
    gamma[0, 0, 0], gamma[0, 0, 1], gamma[0, 1, 0] = 0.2, 0.1, 0.15
    gamma[1, 1, 1], gamma[2, 0, 1] = 0.3, 0.25
    t, t_new = np.zeros_like(x), np.zeros_like(x)
    t[0, 1, 0], t_new[0, 1, 0] = 0.1, 0.4
    t[1, 0, 1], t_new[1, 0, 1] = 0.05, 0.05
    t_new[2, 1, 0] = 0.2
    solved = equilibrium.solve(x, [THETA] * 2, gamma=gamma, tariff=t, new_tariff=t_new)
    base = equilibrium.accounts(x, gamma, t)
    for k, region in enumerate("abc"):
        values = result["regions"][region]
        assert values["welfare_change_pct"] == solved.welfare_change_pct[0, k]
        assert values["price_index_change_pct"] == pytest.approx(
            100 * (solved.price_hat[0, k] - 1), abs=1e-12
        )
        assert values["income_change_pct"] == pytest.approx(
            100 * (solved.income[0, k] / base.value_added[k] - 1), abs=1e-12
        )
        assert values["tariff_revenue"] == solved.tariff_revenue[0, k]
        assert values["baseline_tariff_revenue"] == base.tariff_revenue[k]
    # value added, not gross output: a's VA is 0.7 of its x and 0.85 of its y
    assert base.value_added[0] == pytest.approx(0.7 * 65 + 0.85 * 67)


def test_tariff_without_sector_applies_to_every_sector(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    per_sector = counterfactual_io(
        capsys, tmp_path, FLOWS_3X2, IO_3X2,
        "exporter,importer,sector,tariff_pct,new_tariff_pct\n"
        "b,a,x,5,15\nb,a,y,5,15\n",
    )  # fmt: skip
    every = counterfactual_io(
        capsys, tmp_path, FLOWS_3X2, IO_3X2, TARIFF_HEADER + "b,a,5,15\n"
    )
    per_sector.pop("solver"), every.pop("solver")
    assert every == per_sector


def test_io_alone_and_no_shock(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """--shock, --tariff and --io are each optional: none of them, no change."""
    for io in (None, IO_2):
        result = counterfactual_io(capsys, tmp_path, SYMMETRIC_FLOWS, io, None)
        for values in result["regions"].values():
            assert values["welfare_change_pct"] == 0.0
            assert values["income_change_pct"] == 0.0
            assert values["tariff_revenue"] == 0.0


# A region that sells much more than it buys: h's inputs (0.5 x 100) exceed its
# spending (10 + 10)
LOPSIDED_FLOWS = FLOWS_HEADER + "h,h,10\nh,f,90\nf,h,10\nf,f,90\n"
IO_HEADER = "region,sector,input_sector,share\n"
TARIFF_SECTOR_HEADER = "exporter,importer,sector,tariff_pct,new_tariff_pct\n"

# id: (flows text, io text, tariff text, fragments of the one stderr line)
# None as io/tariff text: the option is not given; "@missing": given, not written.
IO_TARIFF_BAD_INPUT: dict[str, tuple] = {
    "share below 0": (
        GOOD_FLOWS, IO_HEADER + "h,all,all,0.2\nf,all,all,-0.1\n", None,
        ["io.csv line 3: share must be a finite number >= 0, got '-0.1'"],
    ),
    "share not a number": (
        GOOD_FLOWS, IO_HEADER + "h,all,all,abc\n", None, ["io.csv line 2", "'abc'"]
    ),
    "share NaN": (GOOD_FLOWS, IO_HEADER + "h,all,all,nan\n", None,
                  ["io.csv line 2", "'nan'"]),
    "share missing": (GOOD_FLOWS, IO_HEADER + "h,all,all,\n", None,
                      ["io.csv line 2", "share"]),
    "shares sum to 1 or more": (
        FLOWS_3X2, IO_HEADER + "a,x,x,0.6\nb,x,y,0.2\na,x,y,0.5\n", None,
        ["io.csv line 4", "'a' (x)", "1.1", "1 or more"],
    ),
    "one share of 1": (
        GOOD_FLOWS, IO_HEADER + "f,all,all,1\n", None,
        ["io.csv line 2", "'f'", "1 or more"],
    ),
    "final demand negative": (
        LOPSIDED_FLOWS, IO_HEADER + "f,all,all,0.1\nh,all,all,0.5\n", None,
        ["io.csv line 3", "final demand of 'h'", "negative"],
    ),
    "final demand negative by sector": (
        FLOWS_3X2, IO_HEADER + "c,x,y,0.5\nc,y,y,0.9\nc,x,x,0.1\n", None,
        ["io.csv line 3", "final demand of 'c' (y)", "negative"],
    ),
    "io unknown region": (
        GOOD_FLOWS, IO_HEADER + "h,all,all,0.1\nzz,all,all,0.1\n", None,
        ["io.csv line 3", "region 'zz'", "flows.csv"],
    ),
    "io unknown sector": (
        FLOWS_3X2, IO_HEADER + "a,z,x,0.1\n", None, ["io.csv line 2", "sector 'z'"]
    ),
    "io unknown input sector": (
        FLOWS_3X2, IO_HEADER + "a,x,all,0.1\n", None,
        ["io.csv line 2", "input_sector 'all'"],
    ),
    "io duplicate row": (
        FLOWS_3X2, IO_HEADER + "a,x,y,0.1\na,y,x,0.1\na,x,y,0.2\n", None,
        ["io.csv line 4", "duplicate", "line 2"],
    ),
    "io missing column": (
        GOOD_FLOWS, "region,sector,share\nh,all,0.1\n", None,
        ["io.csv line 1", "'input_sector'"],
    ),
    "io file missing": (GOOD_FLOWS, "@missing", None, ["io.csv", "cannot read"]),
    "tariff below 0": (
        GOOD_FLOWS, None, TARIFF_HEADER + "h,f,-5,10\n",
        ["tariff.csv line 2", "tariff_pct", "'-5'"],
    ),
    "new tariff below 0": (
        GOOD_FLOWS, None, TARIFF_HEADER + "h,f,5,10\nf,h,5,-1\n",
        ["tariff.csv line 3", "new_tariff_pct", "'-1'"],
    ),
    "tariff not a number": (
        GOOD_FLOWS, None, TARIFF_HEADER + "h,f,5%,10\n", ["tariff.csv line 2", "'5%'"]
    ),
    "tariff inf": (
        GOOD_FLOWS, None, TARIFF_HEADER + "h,f,5,inf\n", ["tariff.csv line 2", "'inf'"]
    ),
    "tariff missing": (
        GOOD_FLOWS, None, TARIFF_HEADER + "h,f,,10\n", ["tariff.csv line 2", "''"]
    ),
    "tariff unknown exporter": (
        GOOD_FLOWS, None, TARIFF_HEADER + "h,f,5,5\nzz,h,5,10\n",
        ["tariff.csv line 3", "exporter 'zz'", "flows.csv"],
    ),
    "tariff unknown importer": (
        GOOD_FLOWS, None, TARIFF_HEADER + "h,zz,5,10\n",
        ["tariff.csv line 2", "importer 'zz'"],
    ),
    "tariff unknown sector": (
        FLOWS_3X2, None, TARIFF_SECTOR_HEADER + "a,b,z,5,10\n",
        ["tariff.csv line 2", "sector 'z'"],
    ),
    "tariff sector column without flow sectors": (
        GOOD_FLOWS, None, TARIFF_SECTOR_HEADER + "h,f,all,5,10\n",
        ["tariff.csv line 1", "sector"],
    ),
    "tariff duplicate pair": (
        GOOD_FLOWS, None, TARIFF_HEADER + "h,f,5,10\nf,h,0,1\nh,f,5,20\n",
        ["tariff.csv line 4", "duplicate", "h->f", "line 2"],
    ),
    "tariff duplicate pair and sector": (
        FLOWS_3X2, None, TARIFF_SECTOR_HEADER + "a,b,x,5,10\na,b,y,5,10\na,b,x,1,1\n",
        ["tariff.csv line 4", "duplicate", "a->b (x)", "line 2"],
    ),
    "tariff on home sales": (
        GOOD_FLOWS, None, TARIFF_HEADER + "h,h,5,10\n",
        ["tariff.csv line 2", "imports only"],
    ),
    "tariff missing column": (
        GOOD_FLOWS, None, "exporter,importer,tariff_pct\nh,f,5\n",
        ["tariff.csv line 1", "'new_tariff_pct'"],
    ),
    "tariff file missing": (GOOD_FLOWS, None, "@missing",
                            ["tariff.csv", "cannot read"]),
    "baseline tariff in the final-demand check": (
        # h's spending 10 + 10 x 1.5 = 25 < its inputs 0.27 x 100 = 27
        LOPSIDED_FLOWS, IO_HEADER + "h,all,all,0.27\n", TARIFF_HEADER + "f,h,50,50\n",
        ["io.csv line 2", "final demand of 'h'", "tariffs included"],
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    "case", IO_TARIFF_BAD_INPUT.values(), ids=IO_TARIFF_BAD_INPUT.keys()
)
def test_io_and_tariff_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: tuple
):
    flows, io, tariff, fragments = case
    args: list[object] = ["--flows", write(tmp_path, "flows.csv", flows)]
    files = {"--io": ("io.csv", io), "--tariff": ("tariff.csv", tariff)}
    for option, (name, text) in files.items():
        if text is not None:
            args += [option, tmp_path / name]
            if text != "@missing":
                write(tmp_path, name, text)
    out = tmp_path / "result.json"
    code, stdout, err = cli(
        capsys, "counterfactual", *args, "--theta", "4", "--out", out
    )
    assert (code, stdout) == (2, "")
    assert_one_line_error(err, *fragments)
    assert not out.exists()


def test_final_demand_within_spending_is_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """The final-demand case is the only problem of its files: 0.2 instead of 0.27
    (inputs 20 <= spending 25) is accepted."""
    result = counterfactual_io(
        capsys, tmp_path, LOPSIDED_FLOWS, IO_HEADER + "h,all,all,0.2\n",
        TARIFF_HEADER + "f,h,50,50\n",
    )  # fmt: skip
    assert result["regions"]["h"]["income_change_pct"] == 0.0


# --- a real process --------------------------------------------------------------


def run_module(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "model", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_subprocess_counterfactual(tmp_path: Path):
    out = tmp_path / "result.json"
    done = run_module(
        "counterfactual",
        "--flows", write(tmp_path, "flows.csv", SYMMETRIC_FLOWS),
        "--shock", write(tmp_path, "shock.csv", SYMMETRIC_SHOCK),
        "--theta", THETA,
        "--out", out,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    x = T**-THETA
    welfare = 100 * (((A + B * x) / (A + B)) ** (1 / THETA) - 1)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["regions"]["h"]["welfare_change_pct"] == pytest.approx(welfare, 1e-12)


def test_subprocess_run_and_bad_input(tmp_path: Path):
    done = run_module("run", '{"us_tariff_pct": 25}', "--out", "-")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["solver"]["converged"] is True

    flows = write(tmp_path, "flows.csv", GOOD_FLOWS.replace("f,h,20.0", "f,h,abc"))
    done = run_module(
        "counterfactual", "--flows", flows, "--shock", flows, "--theta", 4,
        "--out", tmp_path / "r.json",
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert_one_line_error(done.stderr, "flows.csv line 4", "'abc'")

    done = run_module("run", '{"no_such_lever": 1}', "--out", tmp_path / "r.json")
    assert done.returncode == 2
    assert_one_line_error(done.stderr, "no_such_lever")
