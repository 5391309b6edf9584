"""The import layers are held by lint: app -> dashboard -> scenarios -> model.

Each package's ``ruff.toml`` bans, with ruff's TID251 (banned-api), every import of
a layer above it or of a UI library it must not use, at any depth (inside a
function too). These tests feed ruff one probe file per rule, as if it lived in
that package, and check that the rule fires; and that the allowed direction
passes. Lint sees only a module's own imports, so one subprocess check adds that
no figure module loads streamlit through what it imports in turn.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"

BANNED = [
    ("model/probe.py", "scenarios.store"),
    ("model/probe.py", "dashboard.cache"),
    ("model/probe.py", "streamlit"),
    ("model/probe.py", "plotly.graph_objects"),
    ("model/probe.py", "benchmarks"),
    ("scenarios/probe.py", "dashboard.i18n"),
    ("scenarios/probe.py", "streamlit"),
    ("scenarios/probe.py", "plotly"),
    ("dashboard/probe.py", "app"),
    ("dashboard/probe.py", "benchmarks.app"),
    ("dashboard/probe.py", "tests.support.server"),
    ("dashboard/views/probe.py", "dashboard.views.overview"),
    ("dashboard/figures/probe.py", "streamlit"),
    ("dashboard/figures/probe.py", "dashboard.views.overview"),
    ("dashboard/figures/probe.py", "app"),
    ("tests/probe.py", "benchmarks.app"),
]
ALLOWED = [
    ("model/__main__.py", "scenarios.store"),  # the entry point wires presets in
    ("scenarios/probe.py", "model.levers"),
    ("dashboard/probe.py", "scenarios.store"),
    ("dashboard/views/probe.py", "dashboard.figures"),
    ("dashboard/figures/probe.py", "plotly.graph_objects"),
    ("benchmarks/probe.py", "tests.support.server"),
]


def lint(path: str, module: str) -> subprocess.CompletedProcess[str]:
    source = f"def probe():\n    import {module}\n\n    return {module}\n"
    return subprocess.run(
        [RUFF, "check", "--no-cache", "--select", "TID251", "--stdin-filename", path],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


@pytest.mark.parametrize(("path", "module"), BANNED)
def test_an_upward_import_fails_lint(path: str, module: str) -> None:
    result = lint(path, module)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "TID251" in result.stdout


@pytest.mark.parametrize(("path", "module"), ALLOWED)
def test_a_downward_import_passes_lint(path: str, module: str) -> None:
    result = lint(path, module)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_figure_module_imports_streamlit() -> None:
    """Every module of dashboard.figures, with all it imports in turn, loads
    without streamlit: the figures are built and tested without the app."""
    code = (
        "import sys, pkgutil, importlib, dashboard.figures\n"
        "names = [m.name for m in pkgutil.iter_modules(dashboard.figures.__path__)]\n"
        "assert names, 'no figure modules found'\n"
        "for name in names:\n"
        "    importlib.import_module('dashboard.figures.' + name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] == 'streamlit']\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
