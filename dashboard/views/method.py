"""The "Method and sources" tab: the model, its levers and metrics, where the data
come from, the preset's sources, the limitations, a glossary and how to reproduce
the current scenario in Python.

Pure display: nothing here solves the model. Text that comes from data (sidecars,
presets) is shown with ``st.dataframe`` or ``st.text``, never parsed as Markdown;
the prose in ``dashboard/content/*.json`` is ours and is rendered as Markdown.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from model import names
from model.data import Baseline
from model.equilibrium import TOLERANCE
from model.metrics import METRICS
from model.policy import (
    BASELINE_CHINA_TARIFF_PCT,
    BASELINE_US_TARIFF_PCT,
    DEFAULTS,
    GROUPS,
    LEVERS,
    SHORT_RUN_THETA,
    Lever,
)
from scenarios.schema import Scenario

CONTENT_DIR = Path(__file__).resolve().parents[1] / "content"

METRIC_DEFINITIONS: dict[str, str] = {
    "china_tech_price_change_pct": "China's cost of controlled technology: its "
    "price index over the six technology sectors, weighted by 2022 spending.",
    "china_tech_imports_change_pct": "Value of China's technology imports from all "
    "foreign suppliers.",
    "china_tech_import_volume_change_pct": "The same in volume: deliveries at 2022 "
    "prices, X' / (p̂ τ̂).",
    "china_tech_imports_from_coalition_change_pct": "Value of China's technology "
    "imports from the coalition, Σ_i w_i X'_i,CHN.",
    "coalition_tech_revenue_change_usd_bn": "The industry's loss: change in the "
    "coalition's technology sales to all destinations, Σ w_i (Y'_is − Y_is).",
    "us_tech_revenue_change_pct": "U.S. technology sales to all destinations.",
    "backfill_share": "Of the technology volume to China the fence stops, the part "
    "other foreign suppliers deliver instead; n/a when the fence stops nothing.",
    "leakage_share": "The same with China's own producers' gains added; "
    "1 − leakage is what China does without; n/a when the fence stops nothing.",
    "welfare_change_pct": "Real-income change of each region, 100 (Ŵ_j − 1).",
    "welfare_change_usd_bn": "The same in money, (Ŵ_j − 1) E_j.",
    "world_welfare_change_pct": "World real-income change, "
    "Σ_j (Ŵ_j − 1) E_j / Σ_j E_j.",
    "coalition_welfare_change_usd_bn": "The coalition's real-income change, "
    "Σ_j w_j (Ŵ_j − 1) E_j, allies weighted by participation.",
    "cost_effectiveness": "China's technology price increase per USD bn of "
    "coalition welfare lost; n/a when the coalition loses nothing.",
}


@cache
def load_content(name: str) -> dict[str, Any]:
    """Parsed ``dashboard/content/<name>.json`` (equations, glossary, limitations)."""
    return json.loads((CONTENT_DIR / f"{name}.json").read_text(encoding="utf-8"))


def format_value(lever: Lever, value: object) -> str:
    """A lever value as the tables show it: on/off, a choice, or a number."""
    if lever.kind == "bool":
        return "on" if value else "off"
    if lever.kind == "choice":
        return str(value)
    return f"{float(value):g}"


def _lever_range(lever: Lever) -> str:
    if lever.kind == "bool":
        return "on / off"
    if lever.kind == "choice":
        return " / ".join(lever.choices)
    return f"{lever.minimum:g} – {lever.maximum:g}"


def lever_table(levers: Mapping[str, object], preset: Scenario) -> pd.DataFrame:
    """Every lever with its range, default, current and preset value (as text)."""
    rows = []
    for lever in LEVERS:
        current = levers.get(lever.name, lever.default)
        in_preset = getattr(preset, lever.name)
        rows.append(
            {
                "group": GROUPS[lever.group],
                "lever": lever.label,
                "name": lever.name,
                "current": format_value(lever, current),
                "preset": format_value(lever, in_preset),
                "differs from preset": current != in_preset,
                "default": format_value(lever, lever.default),
                "range or choices": _lever_range(lever),
                "unit": lever.unit,
                "meaning": lever.meaning,
            }
        )
    return pd.DataFrame(rows)


def metric_table() -> pd.DataFrame:
    """Name, label, unit and a one-line definition of every headline metric."""
    return pd.DataFrame(
        [
            {
                "metric": m.name,
                "unit": m.unit,
                "definition": METRIC_DEFINITIONS[m.name],
                "label in the app": m.label,
            }
            for m in METRICS
        ]
    )


def quality_table(baseline: Baseline) -> pd.DataFrame:
    """Flows per quality tag: count, value [USD bn] and the tag's definition."""
    meta = baseline.provenance.get("flows", {})
    definitions = meta.get("quality_tags", {}).get("definitions", {})
    flows = baseline.flows
    return pd.DataFrame(
        [
            {
                "quality": tag,
                "flows": int((flows["quality"] == tag).sum()),
                "value (USD bn)": round(
                    float(flows.loc[flows["quality"] == tag, "value_usd_bn"].sum()), 1
                ),
                "definition": definitions.get(tag, ""),
            }
            for tag in names.QUALITY_TAGS
        ]
    )


def source_table(provenance: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """All sources and assumptions of the sidecars, one row per id (first wins)."""
    rows: dict[str, dict[str, str]] = {}
    for stem, meta in provenance.items():
        for entry in meta.get("sources", []):
            row = rows.setdefault(
                entry["id"],
                {
                    "id": entry["id"],
                    "kind": entry.get("kind", ""),
                    "citation or assumption": entry.get("citation")
                    or entry.get("text", ""),
                    "figures used, or why assumed": entry.get("figures_used")
                    or entry.get("why", ""),
                    "used in": "",
                },
            )
            files = [f for f in row["used in"].split(", ") if f]
            row["used in"] = ", ".join([*files, f"{stem}.csv"])
    return pd.DataFrame(list(rows.values()))


def caveats(provenance: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The sidecars' caveats, in order, each once."""
    seen = [c for meta in provenance.values() for c in meta.get("caveats", [])]
    return list(dict.fromkeys(seen))


def changed_levers(levers: Mapping[str, object]) -> dict[str, object]:
    """The levers that differ from model.policy.DEFAULTS, in lever-table order, as
    plain Python values (unknown names are ignored)."""
    changed: dict[str, object] = {}
    for lever in LEVERS:
        if lever.name not in levers or levers[lever.name] == DEFAULTS[lever.name]:
            continue
        value = levers[lever.name]
        kinds = {"bool": bool, "choice": str, "number": float}
        changed[lever.name] = kinds[lever.kind](value)
    return changed


def _python_literal(value: object) -> str:
    return repr(value) if isinstance(value, bool | float) else json.dumps(value)


def reproduce_snippet(levers: Mapping[str, object]) -> str:
    """Python that solves the same scenario (only the non-default levers)."""
    items = ", ".join(
        f"{json.dumps(k)}: {_python_literal(v)}"
        for k, v in changed_levers(levers).items()
    )
    return (
        "from model.simulation import simulate\n"
        f"sim = simulate({{{items}}})\n"
        'print(sim.metrics.to_dict()["metrics"])\n'
    )


def reproduce_command(levers: Mapping[str, object]) -> str:
    """The command-line equivalent of :func:`reproduce_snippet`."""
    spec = shlex.quote(json.dumps(changed_levers(levers)))
    return f"python -m model run {spec} --out results.json\n"


def _table(frame: pd.DataFrame, *wide: str, max_rows: int = 30) -> None:
    """A read-only table, tall enough for ``max_rows`` rows (then it scrolls)."""
    config = {c: st.column_config.TextColumn(width="large") for c in wide}
    height = 35 * (min(len(frame), max_rows) + 1) + 3  # 35 px a row, plus header
    st.dataframe(
        frame, hide_index=True, width="stretch", height=height, column_config=config
    )


def _bullets(lines: Iterable[str]) -> None:
    """Data-derived lines as plain text (never parsed as Markdown)."""
    for line in lines:
        st.text(f"• {line}", width="stretch")


def _equations(part: str) -> None:
    for caption, latex in load_content("equations")[part]:
        st.caption(caption)
        st.latex(latex)


def _model(baseline: Baseline) -> None:
    st.subheader("The model")
    st.markdown(
        f"An Armington general equilibrium with {len(baseline.regions)} regions and "
        f"{len(baseline.sectors)} sectors, calibrated to 2022 sales in USD bn and "
        "solved in changes from 2022 with exact hat algebra (Dekle, Eaton and "
        "Kortum 2008; Costinot and Rodriguez-Clare 2014). Each region holds a fixed "
        "endowment of its own variety in each sector; buyers switch between "
        "suppliers with the sector's trade elasticity θ_s. Baseline flows X_ijs "
        "(exporter i, importer j, sector s, home sales on the diagonal) give "
        "spending E_js, import shares π_ijs = X_ijs / E_js, Cobb-Douglas weights "
        "α_js = E_js / E_j, output Y_is and deficits D_j = E_j − Y_j. A policy is "
        "an iceberg trade-cost shock τ̂_ijs ≥ 1 (∞ = prohibited) and a capacity "
        "shock q̂_is; the unknowns are the factory-gate price changes p̂_is."
    )
    _equations("equilibrium")
    st.markdown(
        "The solver is Newton's method on log p̂ with the analytic Jacobian, batched "
        "over scenarios. It has converged when the largest relative market-clearing "
        f"residual is below {TOLERANCE:g}; a scenario that does not converge shows "
        "n/a, never a number. A zero shock returns the 2022 data exactly."
    )
    st.info(
        "**Iceberg costs carry no revenue.** A denied licence earns nobody a rent, "
        "and tariffs are treated the same way: a conservative simplification for "
        "tariffs, whose revenue would offset part of the importer's loss."
    )
    st.markdown("**From levers to shocks.** Controls act on technology sales to China.")
    _equations("levers_to_shocks")
    st.markdown(
        f"The 2022 tariffs are {BASELINE_US_TARIFF_PCT}% on U.S. imports from China "
        f"and {BASELINE_CHINA_TARIFF_PCT}% on China's imports from the USA. "
        "Friend-shoring and Belt and Road cut trade costs; the CHIPS Act and "
        "China's R&D push raise capacity q̂. Trade elasticities θ_s by sector "
        f"(the short_run set uses {SHORT_RUN_THETA} everywhere):"
    )
    theta = pd.DataFrame(
        {
            "sector": baseline.sectors,
            "label": [names.SECTOR_LABELS.get(s, s) for s in baseline.sectors],
            "θ central": baseline.theta,
            "θ low": baseline.theta_low,
            "θ high": baseline.theta_high,
        }
    )
    _table(theta)


def _data(baseline: Baseline) -> None:
    st.subheader("Data and sources")
    quality = quality_table(baseline)
    st.markdown(
        f"The baseline has {int(quality['flows'].sum())} flows (exporter × importer "
        "× sector), each tagged by how it was obtained. **No flow is a single "
        "published figure**: published numbers enter as totals, shares and "
        "anchors; assumed flows are judgments made in the calibration."
    )
    _table(quality, "definition")
    sources = source_table(baseline.provenance)
    assumptions = int((sources["kind"] == "assumption").sum()) if len(sources) else 0
    st.markdown(
        f"**Sources and assumptions** ({len(sources) - assumptions} sources, "
        f"{assumptions} assumptions). Rows of kind *assumption* are judgments "
        "of the calibration, with the reason given; they are not published figures."
    )
    _table(
        sources, "citation or assumption", "figures used, or why assumed", max_rows=12
    )
    st.markdown("**Caveats: the weakest parts of the data**")
    _bullets(caveats(baseline.provenance))


def _preset(preset: Scenario) -> None:
    st.subheader("The preset: its sources and reasons")
    st.text(f"{preset.name} ({preset.id})", width="stretch")
    if preset.description:
        st.text(preset.description, width="stretch")
    st.markdown("**Citations**")
    _bullets(preset.citations or ["(this preset cites no sources)"])
    if preset.rationale:
        st.markdown("**Why each value**")
        labels = {lever.name: lever.label for lever in LEVERS}
        _bullets(f"{labels[k]} ({k}) – {v}" for k, v in preset.rationale.items())


def render(levers: Mapping[str, object], preset: Scenario, baseline: Baseline) -> None:
    """Draw the "Method and sources" tab for the current levers and preset."""
    _model(baseline)

    st.subheader("The levers")
    table = lever_table(levers, preset)
    differ = int(table["differs from preset"].sum())
    st.caption(
        "'current' is the sidebar's value, 'preset' the chosen preset's; "
        f"levers that differ from the preset now: {differ}. "
        "The defaults reproduce 2022."
    )
    _table(table, "meaning")

    st.subheader("The metrics")
    st.caption(
        "w_i is the coalition weight (1 for the USA, the participation share for an "
        "ally, 0 for China and ROW); changes are against 2022."
    )
    _table(metric_table(), "definition")

    _data(baseline)
    _preset(preset)

    st.subheader("Limitations, plainly")
    for item in load_content("limitations")["items"]:
        st.markdown(f"- **{item['title']}.** {item['text']}")

    st.subheader("Glossary")
    for item in load_content("glossary")["terms"]:
        model_use = f" *In the model:* {item['model']}" if item.get("model") else ""
        st.markdown(f"**{item['term']}**: {item['meaning']}{model_use}")

    st.subheader("Reproduce in Python")
    st.caption("From the project root, with the project's environment.")
    st.code(reproduce_snippet(levers), language="python", wrap_lines=True)
    st.caption("The same from the command line:")
    st.code(reproduce_command(levers), language="bash", wrap_lines=True)
