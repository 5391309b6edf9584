"""The "Method and sources" tab: the model, its levers and metrics, where the data
come from, the preset's sources, the limitations, a glossary and how to reproduce
the current scenario in Python.

Pure display: nothing here solves the model. Text that comes from data (sidecars,
presets) is shown with ``st.table`` or ``st.text``, never parsed as Markdown;
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

from dashboard import fullres
from dashboard.context import ViewContext
from dashboard.i18n import (
    choice,
    data_text,
    equation_caption,
    format_number,
    format_percent,
    glossary,
    group_title,
    lever_help,
    lever_label,
    limitations,
    metric_definition,
    metric_label,
    scenario_text,
    sector,
    t,
    unit,
)
from model import names
from model.chip_channel import CHIP_PRICE_STEP, chip_channel
from model.data import Baseline
from model.equilibrium import TOLERANCE
from model.levers import (
    BASELINE_CHINA_TARIFF_PCT,
    BASELINE_US_TARIFF_PCT,
    GROUPS,
    LEVERS,
    SHORT_RUN_THETA,
    Lever,
    Levers,
)
from model.metrics import METRICS
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
    "china_ict_hw_price_change_pct": "Downstream of the controls: the factory-gate "
    "price of ICT hardware made in China, 100 (p̂_CHN,ict_hw − 1); what China's "
    "buyers pay from all suppliers is the ict_hw row of the technology price index.",
    "china_ict_hw_output_change_pct": "Value of China's ICT-hardware output, its "
    "sales at home and abroad, Σ_j X'_CHN,j,ict_hw.",
    "backfill_share": "Of the technology volume to China the fence stops (the "
    "coalition's losses, an ally weighted by its participation w), the part "
    "suppliers outside the coalition deliver instead (their gains, weighted by "
    "1 − w); n/a when the fence stops nothing.",
    "leakage_share": "The same with China's own producers' gains added; "
    "1 − leakage is what China does without (it can exceed 1); n/a when the fence "
    "stops nothing.",
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


COLUMN_KEYS: dict[str, str] = {
    "group": "views.method.columns.group",
    "lever": "views.method.columns.lever",
    "name": "views.method.columns.name",
    "current": "views.method.columns.current",
    "preset": "views.method.columns.preset",
    "differs from preset": "views.method.columns.differs",
    "default": "views.method.columns.default",
    "range or choices": "views.method.columns.range",
    "unit": "views.method.columns.unit",
    "meaning": "views.method.columns.meaning",
    "metric": "views.method.columns.metric",
    "definition": "views.method.columns.definition",
    "label in the app": "views.method.columns.label_in_app",
    "quality": "views.method.columns.quality",
    "flows": "views.method.columns.flows",
    "value (USD bn)": "views.method.columns.value_usd_bn",
    "id": "views.method.columns.id",
    "kind": "views.method.columns.kind",
    "citation or assumption": "views.method.columns.citation",
    "figures used, or why assumed": "views.method.columns.figures_used",
    "used in": "views.method.columns.used_in",
    "sector": "views.method.columns.sector",
    "label": "views.method.columns.label",
    "θ central": "views.method.columns.theta_central",
    "θ low": "views.method.columns.theta_low",
    "θ high": "views.method.columns.theta_high",
}
"""The texts of the tables' column headers, by key (the frames keep English names)."""


def _column(name: str, lang: str) -> str:
    return t(COLUMN_KEYS[name], lang) if name in COLUMN_KEYS else name


def format_value(lever: Lever, value: object, lang: str = "en") -> str:
    """A lever value as the tables show it: on/off, a choice, or a number."""
    if lever.kind == "bool":
        return t("format.on" if value else "format.off", lang)
    if lever.kind == "choice":
        return choice(lever.name, value, lang)
    return f"{float(value):g}"


def _lever_range(lever: Lever, lang: str = "en") -> str:
    if lever.kind == "bool":
        return t("format.on_off", lang)
    if lever.kind == "choice":
        return " / ".join(choice(lever.name, c, lang) for c in lever.choices)
    return f"{lever.minimum:g} – {lever.maximum:g}"


def lever_table(levers: Levers, preset: Scenario, lang: str = "en") -> pd.DataFrame:
    """Every lever with its range, default, current and preset value (as text)."""
    rows = []
    for lever in LEVERS:
        current = levers[lever.name]
        in_preset = getattr(preset, lever.name)
        rows.append(
            {
                "group": group_title(lever.group, lang)
                if lang != "en"
                else GROUPS[lever.group],
                "lever": lever_label(lever.name, lang),
                "name": lever.name,
                "current": format_value(lever, current, lang),
                "preset": format_value(lever, in_preset, lang),
                "differs from preset": current != in_preset,
                "default": format_value(lever, lever.default, lang),
                "range or choices": _lever_range(lever, lang),
                "unit": unit(lever.unit, lang),
                "meaning": lever_help(lever.name, lang) or lever.meaning,
            }
        )
    return pd.DataFrame(rows)


def metric_table(lang: str = "en") -> pd.DataFrame:
    """Name, label, unit and a one-line definition of every headline metric."""
    return pd.DataFrame(
        [
            {
                "metric": m.name,
                "unit": unit(m.unit, lang),
                "definition": metric_definition(m.name, lang)
                or METRIC_DEFINITIONS[m.name],
                "label in the app": metric_label(m.name, lang),
            }
            for m in METRICS
        ]
    )


def quality_table(baseline: Baseline, lang: str = "en") -> pd.DataFrame:
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
                "definition": data_text("quality", definitions.get(tag, ""), lang),
            }
            for tag in names.QUALITY_TAGS
        ]
    )


def source_table(
    provenance: Mapping[str, Mapping[str, Any]], lang: str = "en"
) -> pd.DataFrame:
    """All sources and assumptions of the sidecars, one row per id (first wins);
    in ``lang`` the notes and the assumptions' texts are translated where the data
    translation table has them (a source's citation stays as published)."""
    rows: dict[str, dict[str, str]] = {}
    for stem, meta in provenance.items():
        for entry in meta.get("sources", []):
            row = rows.setdefault(
                entry["id"],
                {
                    "id": entry["id"],
                    "kind": entry.get("kind", ""),
                    "citation or assumption": entry.get("citation")
                    or data_text("sources", entry.get("text", ""), lang),
                    "figures used, or why assumed": data_text(
                        "sources",
                        entry.get("figures_used") or entry.get("why", ""),
                        lang,
                    ),
                    "used in": "",
                },
            )
            files = [f for f in row["used in"].split(", ") if f]
            row["used in"] = ", ".join([*files, f"{stem}.csv"])
    return pd.DataFrame(list(rows.values()))


def caveats(provenance: Mapping[str, Mapping[str, Any]], lang: str = "en") -> list[str]:
    """The sidecars' caveats, in order, each once; in ``lang`` where the data
    translation table has them (the English text is the source and the key)."""
    seen = [c for meta in provenance.values() for c in meta.get("caveats", [])]
    return [data_text("caveats", c, lang) for c in dict.fromkeys(seen)]


def _python_literal(value: object) -> str:
    return repr(value) if isinstance(value, bool | float) else json.dumps(value)


def reproduce_snippet(levers: Levers) -> str:
    """Python that solves the same scenario (only the non-default levers)."""
    items = ", ".join(
        f"{json.dumps(k)}: {_python_literal(v)}" for k, v in levers.changed().items()
    )
    return (
        "from model.simulation import simulate\n"
        f"sim = simulate({{{items}}})\n"
        'print(sim.metrics.to_dict()["metrics"])\n'
    )


def reproduce_command(levers: Levers) -> str:
    """The command-line equivalent of :func:`reproduce_snippet`."""
    spec = shlex.quote(json.dumps(levers.changed()))
    return f"python -m model run {spec} --out results.json\n"


TABLE_KEY = "method_table"
TABLE_CSS = """
<style>
[class*="st-key-method_table_"] table { table-layout: auto; width: 100%; }
[class*="st-key-method_table_"] :is(th, td) {
  white-space: normal; overflow-wrap: anywhere; vertical-align: top;
}
</style>
"""
"""The tables of this tab wrap every cell, however long its text or code name, so
that each cell can be read whole at a projector's width (1280 px) without
scrolling sideways. A constant, never built from user text."""

LEVER_COLUMNS = (
    "lever",
    "name",
    "current",
    "preset",
    "default",
    "range or choices",
    "unit",
    "meaning",
)
"""The lever table's columns on screen: the label carries the group, and the
caption above it counts the levers that differ from the preset."""


def _table(frame: pd.DataFrame, key: str, lang: str = "en") -> None:
    """A read-only table that wraps its cells (:data:`TABLE_CSS`), shown whole;
    column headers in ``lang``; ``key`` names it on the page."""
    shown = frame.rename(columns={c: _column(c, lang) for c in frame.columns})
    st.container(key=f"{TABLE_KEY}_{key}").table(shown, hide_index=True)


def _bullets(lines: Iterable[str]) -> None:
    """Data-derived lines as plain text (never parsed as Markdown)."""
    for line in lines:
        st.text(f"• {line}", width="stretch")


def _equations(part: str, lang: str = "en") -> None:
    for index, (caption, latex) in enumerate(load_content("equations")[part]):
        st.caption(equation_caption(part, index, lang, caption))
        st.latex(latex)


def _supply_chains(ctx: ViewContext) -> None:
    """Why a chip control raises the price of ICT hardware in China, with the
    baseline's shares and the scenario on screen (already solved: nothing here
    solves the model)."""
    lang = ctx.lang
    on = bool(ctx.levers["supply_chains"])
    facts = chip_channel(
        ctx.baseline, ctx.sim.equilibrium.sector_price_hat[0], supply_chains=on
    )
    labels = {code: sector(code, lang) for code in ("chips", "ai_chips", "ict_hw")}
    st.markdown(t("views.method.supply_chains_text", lang, chips=labels["chips"]))
    _equations("supply_chains", lang)
    if facts.has_table:
        st.markdown(
            t(
                "views.method.supply_chains_numbers",
                lang,
                gamma_chips=format_number(facts.gamma_chips, lang, 3),
                gamma_ai=format_number(facts.gamma_ai, lang, 3),
                ai_chips=labels["ai_chips"],
                beta=format_number(facts.beta, lang, 3),
                home=format_percent(facts.home_share, lang, signed=False, share=True),
                step=format_percent(CHIP_PRICE_STEP, lang, 0, signed=False, share=True),
                cost_pass=format_percent(facts.cost_pass_pct, lang, 3, signed=False),
                index_pass=format_percent(facts.index_pass_pct, lang, 3, signed=False),
            )
        )
    else:
        st.markdown(t("views.method.supply_chains_no_table", lang))
    st.markdown(
        t(
            "views.method.supply_chains_scenario",
            lang,
            state=t("format.on" if on else "format.off", lang),
            chips=labels["chips"],
            ai_chips=labels["ai_chips"],
            ict_hw=labels["ict_hw"],
            chips_change=format_percent(facts.chips_change_pct, lang, 2),
            ai_change=format_percent(facts.ai_change_pct, lang, 2),
            ict_change=format_percent(facts.ict_change_pct, lang, 2),
            channel=format_percent(facts.channel_pct, lang, 2),
        )
    )
    st.markdown(
        t(
            "views.method.supply_chains_switch",
            lang,
            lever=lever_label("supply_chains", lang),
            group=group_title("assumptions", lang),
        )
    )


def _model(ctx: ViewContext) -> None:
    baseline, lang = ctx.baseline, ctx.lang
    st.subheader(t("views.method.model", lang))
    st.markdown(
        t(
            "views.method.model_text",
            lang,
            regions=len(baseline.regions),
            sectors=len(baseline.sectors),
        )
    )
    _equations("equilibrium", lang)
    st.markdown(t("views.method.solver_text", lang, tolerance=f"{TOLERANCE:g}"))
    st.info(t("views.method.iceberg_info", lang))
    _supply_chains(ctx)
    st.markdown(t("views.method.levers_to_shocks", lang))
    _equations("levers_to_shocks", lang)
    st.markdown(
        t(
            "views.method.tariffs_text",
            lang,
            us_tariff=BASELINE_US_TARIFF_PCT,
            china_tariff=BASELINE_CHINA_TARIFF_PCT,
            short_run=SHORT_RUN_THETA,
        )
    )
    theta = pd.DataFrame(
        {
            "sector": baseline.sectors,
            "label": [
                sector(s, lang) if lang != "en" else names.SECTOR_LABELS.get(s, s)
                for s in baseline.sectors
            ],
            "θ central": baseline.theta,
            "θ low": baseline.theta_low,
            "θ high": baseline.theta_high,
        }
    )
    _table(theta, "theta", lang=lang)


def _data(baseline: Baseline, lang: str = "en") -> None:
    st.subheader(t("views.method.data", lang))
    quality = quality_table(baseline, lang)
    st.markdown(t("views.method.data_text", lang, flows=int(quality["flows"].sum())))
    _table(quality, "quality", lang=lang)
    sources = source_table(baseline.provenance, lang)
    assumptions = int((sources["kind"] == "assumption").sum()) if len(sources) else 0
    st.markdown(
        t(
            "views.method.sources_text",
            lang,
            sources=len(sources) - assumptions,
            assumptions=assumptions,
        )
    )
    _table(sources, "sources", lang=lang)
    st.markdown(t("views.method.caveats", lang))
    _bullets(caveats(baseline.provenance, lang))


def _preset(preset: Scenario, lang: str = "en") -> None:
    st.subheader(t("views.method.preset", lang))
    name = scenario_text(preset, "name", lang)
    st.text(
        t("views.method.preset_title", lang, name=name, id=preset.id), width="stretch"
    )
    description = scenario_text(preset, "description", lang)
    if description:
        st.text(description, width="stretch")
    st.markdown(t("views.method.citations", lang))
    _bullets(preset.citations or [t("views.method.no_citations", lang)])
    if preset.rationale:
        st.markdown(t("views.method.why_each_value", lang))
        _bullets(
            t(
                "views.method.rationale_line",
                lang,
                label=lever_label(k, lang),
                name=k,
                text=data_text("rationale", v, lang),
            )
            for k, v in preset.rationale.items()
        )


def render(ctx: ViewContext) -> None:
    """Draw the "Method and sources" tab for the current levers and preset."""
    levers, preset, baseline, lang = ctx.levers, ctx.preset, ctx.baseline, ctx.lang
    st.markdown(TABLE_CSS, unsafe_allow_html=True)
    _model(ctx)

    st.subheader(t("views.method.levers", lang))
    table = lever_table(levers, preset, lang)
    differ = int(table["differs from preset"].sum())
    st.caption(t("views.method.levers_caption", lang, differ=differ))
    _table(table[list(LEVER_COLUMNS)], "levers", lang=lang)

    st.subheader(t("views.method.metrics", lang))
    st.caption(t("views.method.metrics_caption", lang))
    _table(metric_table(lang), "metrics", lang=lang)

    _data(baseline, lang)
    fullres.render_mapping(lang)
    _preset(preset, lang)

    st.subheader(t("views.method.limitations", lang))
    for item in limitations(lang):
        st.markdown(f"- **{item['title']}.** {item['text']}")

    st.subheader(t("views.method.glossary", lang))
    for item in glossary(lang):
        model_use = (
            t("views.method.in_the_model", lang, text=item["model"])
            if item.get("model")
            else ""
        )
        st.markdown(f"**{item['term']}**: {item['meaning']}{model_use}")

    st.subheader(t("views.method.reproduce", lang))
    st.caption(t("views.method.reproduce_caption", lang))
    st.code(reproduce_snippet(levers), language="python", wrap_lines=True)
    st.caption(t("views.method.command_caption", lang))
    st.code(reproduce_command(levers), language="bash", wrap_lines=True)
