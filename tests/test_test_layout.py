"""Tests depend on tests/ only: nothing under tests/ imports ``benchmarks``
(benchmarks import the shared helpers from tests/support instead)."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT

BENCH = "benchmarks"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_no_test_imports_benchmarks() -> None:
    files = sorted((ROOT / "tests").rglob("*.py"))
    assert len(files) > 10  # the scan did find the test files
    offenders = {
        str(path.relative_to(ROOT)): sorted(bad)
        for path in files
        if (bad := {m for m in imported_modules(path) if m.split(".")[0] == BENCH})
    }
    assert not offenders, offenders
