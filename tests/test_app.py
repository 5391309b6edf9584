"""AppTest: the app wires sidebar levers to the model and shows its metrics."""

from __future__ import annotations

import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from helpers import APP, ROOT
from model.simulation import simulate


@pytest.fixture
def at() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=30)


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_default_scenario_shows_zero_changes(at):
    at.run()
    assert not at.exception
    values = metric_values(at)
    assert values["China's technology price index"] == "+0.00%"
    assert values["Backfill by non-participants"] == "n/a"


def test_sliders_drive_the_model(at):
    at.run()
    at.slider(key="scope_ai_chips").set_value(1.0)
    at.slider(key="fence_pct").set_value(150.0).run()
    assert not at.exception
    expected = simulate({"scope_ai_chips": 1.0, "fence_pct": 150.0})
    price = expected.metrics.scalar("china_tech_price_change_pct")
    values = metric_values(at)
    assert values["China's technology price index"] == f"{price:+.2f}%"
    revenue = expected.metrics.scalar("coalition_tech_revenue_change_usd_bn")
    assert values["Coalition technology revenue"] == f"{revenue:+.2f} USD bn"


def test_every_lever_has_a_widget(at):
    from model.policy import LEVERS

    at.run()
    keys = {w.key for w in [*at.slider, *at.checkbox, *at.selectbox]}
    assert {lever.name for lever in LEVERS} <= keys


def test_model_never_imports_streamlit_or_plotly():
    code = (
        "import sys, pkgutil, importlib, model\n"
        "for m in pkgutil.iter_modules(model.__path__):\n"
        "    if m.name != '__main__':\n"
        "        importlib.import_module('model.' + m.name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in ('streamlit', 'plotly')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
