"""Downloads (dashboard/export.py): results CSV, scenario JSON, offline HTML report."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose
from plotly.offline import get_plotlyjs, get_plotlyjs_version

from dashboard import export
from dashboard.figures import flows, overview, winners
from helpers import ROOT
from model.levers import Levers
from model.simulation import Simulation, simulate
from scenarios.schema import (
    ID_PATTERN,
    Scenario,
    scenario_from_dict,
    scenario_from_json,
)

PRESETS = ROOT / "scenarios" / "presets"
PRICE = "china_tech_price_change_pct"


def load_preset(stem: str) -> Scenario:
    with open(PRESETS / f"{stem}.json", encoding="utf-8") as f:
        return scenario_from_dict(json.load(f))


@pytest.fixture(scope="module")
def preset() -> Scenario:
    return load_preset("oct_2022_rule")


@pytest.fixture(scope="module")
def levers(preset: Scenario) -> dict[str, object]:
    """The preset with two levers moved, so the report has changed rows."""
    return preset.levers() | {"fence_pct": 150.0, "participation_nld": 0.5}


@pytest.fixture(scope="module")
def sim(levers: dict[str, object]) -> Simulation:
    return simulate(levers)


@pytest.fixture(scope="module")
def reference() -> Simulation:
    return simulate(load_preset("no_controls").levers())


@pytest.fixture(scope="module")
def report_figures(sim: Simulation, reference: Simulation) -> list:
    points = pd.DataFrame(
        {
            "name": ["No controls", "Oct 2022"],
            "coalition_cost_usd_bn": [0.0, 1.5],
            "china_cost_pct": [-2.0, 0.8],
        }
    )
    current = pd.Series({"coalition_cost_usd_bn": 2.0, "china_cost_pct": 1.2})
    return [
        overview.security_cost_map(points, current),
        flows.china_imports_sankey(sim, case="This scenario"),
        flows.bilateral_change_heatmap(sim, "sme"),
        flows.china_imports_bars(sim, reference),
        winners.welfare_bars(sim, unit="usd_bn"),
        winners.tech_revenue_heatmap(sim),
    ]


def make_report(sim, reference, preset, levers, figs) -> str:
    return export.html_report(
        sim,
        reference,
        preset,
        levers,
        figs,
        title="Export controls report",
        generated=dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC),
    )


@pytest.fixture(scope="module")
def report(sim, reference, preset, levers, report_figures) -> str:
    return make_report(sim, reference, preset, levers, report_figures)


# --- CSV ----------------------------------------------------------------------------


def test_csv_header_and_values(sim: Simulation, reference: Simulation) -> None:
    data = export.results_csv(sim, reference)
    text = data.decode("utf-8")
    assert text.split("\n", 1)[0] == "metric,region,sector,reference,scenario,change"
    assert "\r" not in text
    table = pd.read_csv(io.BytesIO(data), keep_default_na=False, na_values=[""])
    assert len(table) == len(sim.metrics.to_frame())

    row = table[(table.metric == PRICE) & (table.sector == "tech")]
    assert len(row) == 1
    row = row.iloc[0]
    assert_allclose(row.scenario, sim.metrics.scalar(PRICE), rtol=1e-12)
    assert_allclose(row.reference, reference.metrics.scalar(PRICE), rtol=1e-12)
    assert_allclose(row.change, row.scenario - row.reference, rtol=1e-12, atol=1e-12)
    assert row.scenario != pytest.approx(row.reference)  # the controls do something


def test_csv_undefined_values_are_empty_cells(reference: Simulation) -> None:
    # Against itself the reference moves no fence: backfill is undefined (NaN).
    assert pd.isna(reference.metrics.scalar("backfill_share"))
    text = export.results_csv(reference, reference).decode("utf-8")
    line = next(x for x in text.splitlines() if x.startswith("backfill_share,"))
    assert line.endswith(",,,")
    assert "nan" not in text.lower()


# --- JSON ---------------------------------------------------------------------------


def test_scenario_json_round_trips(preset: Scenario, levers: dict) -> None:
    data = export.scenario_json(levers, preset)
    scenario = scenario_from_json(data)
    assert scenario.levers() == Levers(levers)
    assert scenario.id == "oct_2022_rule_custom"
    assert scenario.name == "October 2022 rule (modified)"
    assert scenario.citations == preset.citations
    assert "oct_2022_rule" in scenario.description
    assert "Fence height" in scenario.description
    # rationale only for levers still at the preset's value
    assert "fence_pct" not in scenario.rationale
    assert scenario.rationale["scope_sme"] == preset.rationale["scope_sme"]


def test_scenario_json_custom_name_becomes_valid_id(
    preset: Scenario, levers: dict
) -> None:
    name = "  Mein Szenario: Zölle + 50% / NLD joins!  " + "x" * 80
    scenario = scenario_from_json(export.scenario_json(levers, preset, name=name))
    assert re.fullmatch(ID_PATTERN, scenario.id)
    assert scenario.id.startswith("mein_szenario_zolle_50_nld_joins_x")
    assert len(scenario.id) <= 64
    assert scenario.name.startswith("Mein Szenario")
    unnamed = scenario_from_json(export.scenario_json(levers, preset, name="!!!"))
    assert unnamed.id == "custom_scenario" and unnamed.name == "!!!"


# --- HTML ---------------------------------------------------------------------------


def test_html_embeds_plotlyjs_once_and_every_title(report: str, report_figures):
    marker = f"plotly.js v{get_plotlyjs_version()}"
    assert get_plotlyjs().count(marker) == 1  # the bundle's banner
    assert report.count(marker) == 1
    assert report.count(get_plotlyjs()) == 1
    for fig in report_figures:
        for part in re.split(r"<[^>]+>", fig.layout.title.text):  # <br>, <sup>
            assert part in report
    assert "Export controls report" in report
    assert "Generated 2026-01-02 03:04 UTC" in report


def test_html_has_no_external_urls(report: str) -> None:
    rest = report.replace(get_plotlyjs(), "")  # plotly.js has URLs in its code
    attributes = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", rest)
    assert attributes == []
    assert "<link" not in rest and "@import" not in rest and "url(" not in rest
    assert "mathjax" not in rest.lower().replace("mathjaxconfig", "")


def test_html_escapes_data_strings(sim, reference, preset, levers) -> None:
    evil = preset.model_copy(
        update={
            "name": "Evil <script>alert(1)</script>",
            "citations": ('<img src="x" onerror="alert(2)">',),
        }
    )
    page = make_report(sim, reference, evil, levers, [])
    assert "<script>alert(1)</script>" not in page
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<img src="x"' not in page
    assert "<script" not in page  # no figures: no scripts at all


def test_html_sections(report: str, preset: Scenario) -> None:
    for text in (
        "Headline metrics",
        "Welfare by region",
        "Levers",
        "Citations",
        "Rationale of the preset",
        "How this was computed",
        "converged after",
        "China&#x27;s technology price index",
        "China&#x27;s ICT-hardware price",
        "China&#x27;s ICT-hardware output",
        "Fence height",
    ):
        assert text in report, text
    assert report.count('<tr class="changed">') == 2  # fence_pct, participation_nld


# --- Browser: open the file with every non-file request aborted --------------------


@pytest.mark.browser
def test_html_report_renders_offline(page, tmp_path: Path, report, report_figures):
    out = tmp_path / "report.html"
    out.write_text(report, encoding="utf-8")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    def only_files(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", only_files)
    page.goto(out.as_uri(), wait_until="load")
    n = len(report_figures)
    page.wait_for_function(
        """n => {
            const plots = document.querySelectorAll('.js-plotly-plot');
            return plots.length === n
                && [...plots].every(p => p.data && p.data.length > 0);
        }""",
        arg=n,
        timeout=60_000,
    )
    svg = page.locator(".js-plotly-plot .main-svg")
    assert svg.count() >= n
    others = [url for url in requested if not url.startswith("file://")]
    assert others == [], others
    if os.environ.get("CI_ARTIFACTS"):
        shots = Path(os.environ["CI_ARTIFACTS"]) / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "report.png"), full_page=True)
