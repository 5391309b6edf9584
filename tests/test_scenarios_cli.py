"""Tests of the command line ``python -m scenarios`` (scenarios.cli)."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT
from scenarios import cli as cli_module
from scenarios.cli import main
from scenarios.schema import json_schema, scenario_from_dict
from scenarios.store import MAX_PRESET_BYTES, PresetStore

GOOD = {"id": "good_plan", "name": "Good plan", "fence_pct": 50.0}


def preset_json(**fields: object) -> str:
    return scenario_from_dict(GOOD | fields).to_json()


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(built-in folder with one preset, user folder) used by main()."""
    builtin, user = tmp_path / "builtin", tmp_path / "user"
    builtin.mkdir()
    text = preset_json(id="shipped", name="Shipped preset")
    (builtin / "shipped.json").write_text(text, "utf-8")
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(user))
    store = functools.partial(PresetStore, builtin_dir=builtin)
    monkeypatch.setattr(cli_module, "PresetStore", store)
    return builtin, user


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    """Run ``python -m scenarios`` in-process: exit status, stdout, stderr."""
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(err: str, *fragments: str) -> None:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


# --- list and show ---------------------------------------------------------------


def test_list_columns_and_broken_files(folders, capsys: pytest.CaptureFixture[str]):
    _, user = folders
    user.mkdir()
    write(user, "mine.json", preset_json(id="mine", name="My own"))
    broken = write(user, "broken.json", '{"id": "broken"')
    code, out, err = cli(capsys, "list")
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    assert rows[0] == ["id", "name", "origin"]
    assert rows[1][0] == "shipped" and rows[1][-1] == "built-in"
    assert rows[2][0] == "mine" and rows[2][-1] == "user"
    assert " ".join(rows[2][1:-1]) == "My own"
    assert len(rows) == 3
    assert_one_line_error(err, f"warning: {broken}: not valid JSON")


def test_show(folders, capsys: pytest.CaptureFixture[str]):
    code, out, err = cli(capsys, "show", "shipped")
    assert (code, err) == (0, "")
    assert out == preset_json(id="shipped", name="Shipped preset")
    code, out, err = cli(capsys, "show", "nothing")
    assert (code, out) == (2, "")
    assert_one_line_error(err, "no preset 'nothing'")


# --- validate --------------------------------------------------------------------

BAD_FILES = {
    # case: (file content or None for a missing file, fragments of the message)
    "missing": (None, ["No such file"]),
    "not UTF-8": (b'{"id": "x", "name": "caf\xe9"}', ["not UTF-8"]),
    "not JSON": ('{"id": "x",\n "name": }', ["not valid JSON", "line 2"]),
    "not an object": ('["id", "x"]', ["scenario: expected one JSON object"]),
    "unknown field": (json.dumps(GOOD | {"tarif_pct": 1}), ["tarif_pct: unknown"]),
    "out of range": (json.dumps(GOOD | {"fence_pct": 501}), ["fence_pct:", "501"]),
    "wrong type": (json.dumps(GOOD | {"prohibitive": "yes"}), ["prohibitive:"]),
    "wrong schema_version": (json.dumps(GOOD | {"schema_version": 2}),
                             ["schema_version:", "got 2"]),
    "bad id": (json.dumps(GOOD | {"id": "../etc"}), ["id:", "../etc"]),
    "too large": (" " * (MAX_PRESET_BYTES + 1), [f"larger than {MAX_PRESET_BYTES}"]),
    "key twice": ('{"id": "x", "name": "X", "id": "y"}', ["id: the key is given"]),
    "several problems": (json.dumps({"id": "x", "evasion": 2, "bogus": 1}),
                         ["name: ", "; ", "evasion: ", "; ", "bogus: unknown"]),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_validate_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], case):
    content, fragments = case
    path = tmp_path / "preset.json"
    if content is not None:
        write(tmp_path, "preset.json", content)
    code, out, err = cli(capsys, "validate", path)
    assert (code, out) == (2, "")
    assert_one_line_error(err, f"{path}: ", *fragments)


def test_validate_good_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = write(tmp_path, "any_name.json", preset_json())
    code, out, err = cli(capsys, "validate", path)
    assert (code, out, err) == (0, f"{path}: valid (id good_plan)\n", "")


# --- import, export, rename, delete ------------------------------------------------


def test_import_export_rename_delete(
    folders, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    _, user = folders
    source = write(tmp_path, "download.json", preset_json())
    code, out, err = cli(capsys, "import", source)
    assert (code, err) == (0, "")
    assert "good_plan" in out
    assert (user / "good_plan.json").read_text("utf-8") == preset_json()

    code, _, err = cli(capsys, "import", source)
    assert code == 2
    assert_one_line_error(err, "'good_plan' already exists", "overwrite")
    source.write_text(preset_json(fence_pct=60.0), "utf-8")
    assert cli(capsys, "import", source, "--overwrite")[0] == 0

    code, out, _ = cli(capsys, "export", "good_plan")
    assert (code, out) == (0, preset_json(fence_pct=60.0))
    target = tmp_path / "out.json"
    assert cli(capsys, "export", "good_plan", "--out", target) == (0, "", "")
    assert target.read_text("utf-8") == preset_json(fence_pct=60.0)

    code, out, err = cli(capsys, "rename", "good_plan", "better", "--name", "Better")
    assert (code, err) == (0, "")
    assert "better" in out
    assert json.loads((user / "better.json").read_text("utf-8"))["name"] == "Better"
    assert not (user / "good_plan.json").exists()

    assert cli(capsys, "delete", "better")[0] == 0
    assert not (user / "better.json").exists()


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["delete", "shipped"], ["built-in"]),
        (["delete", "nothing"], ["no user preset 'nothing'"]),
        (["delete", "../etc"], ["invalid preset id '../etc'"]),
        (["rename", "shipped", "copy"], ["built-in"]),
        (["rename", "nothing", "other"], ["no user preset"]),
        (["rename", "nothing", "con"], ["reserved"]),
        (["export", "a/b"], ["invalid preset id"]),
        (["import", "no_such_file.json"], ["no_such_file.json", "cannot read"]),
    ],
)
def test_refused_operations(
    folders, capsys: pytest.CaptureFixture[str], args, fragments
):
    builtin, _ = folders
    before = (builtin / "shipped.json").read_bytes()
    code, out, err = cli(capsys, *args)
    assert (code, out) == (2, "")
    assert_one_line_error(err, *fragments)
    assert (builtin / "shipped.json").read_bytes() == before


def test_import_bad_file_names_it(
    folders, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    _, user = folders
    source = write(tmp_path, "bad.json", json.dumps(GOOD | {"fence_pct": 900}))
    code, _, err = cli(capsys, "import", source)
    assert code == 2
    assert_one_line_error(err, str(source), "fence_pct")
    assert not user.exists() or not list(user.glob("*.json"))


def test_import_into_builtin_id_is_refused(
    folders, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    source = write(tmp_path, "s.json", preset_json(id="shipped", name="Mine"))
    code, _, err = cli(capsys, "import", source, "--overwrite")
    assert code == 2
    assert_one_line_error(err, "'shipped' is a built-in preset")


# --- schema and usage -------------------------------------------------------------


def test_schema(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch):
    expected = json.dumps(json_schema(), indent=2) + "\n"
    assert cli(capsys, "schema") == (0, expected, "")
    target = tmp_path / "scenario.schema.json"
    monkeypatch.setattr(cli_module, "SCHEMA_FILE", target)
    code, out, _ = cli(capsys, "schema", "--write")
    assert code == 0
    assert str(target) in out
    assert target.read_text("utf-8") == expected


@pytest.mark.parametrize(
    "args", [[], ["bogus"], ["show"], ["rename", "a"], ["list", "--what"]]
)
def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str], args):
    code, _, err = cli(capsys, *args)
    assert code == 2
    assert_one_line_error(err, "python -m scenarios")


def test_help(capsys: pytest.CaptureFixture[str]):
    code, out, _ = cli(capsys, "--help")
    assert code == 0
    for word in ("validate", "import", "DECOUPLING_PRESETS_DIR", "Exit status"):
        assert word in out


def test_module_entry_point(tmp_path: Path):
    good = write(tmp_path, "good.json", preset_json())
    bad = write(tmp_path, "bad.json", json.dumps(GOOD | {"evasion": -1}))
    env = os.environ | {"DECOUPLING_PRESETS_DIR": str(tmp_path / "user")}
    command = [sys.executable, "-m", "scenarios", "validate"]
    done = subprocess.run(
        [*command, str(good)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert (done.returncode, done.stdout) == (0, f"{good}: valid (id good_plan)\n")
    done = subprocess.run(
        [*command, str(bad)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert_one_line_error(done.stderr, str(bad), "evasion")
