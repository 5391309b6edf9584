"""Downloads: results CSV, scenario JSON and a standalone offline HTML report.

Pure functions returning ``bytes`` or ``str`` (no streamlit), so they can be tested
alone and handed to ``st.download_button``. Every number is a metric's value as the
model reports it: a change from the 2022 baseline, in the metric's unit
(:data:`model.metrics.METRICS`).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard.i18n import (
    HTML_LANG,
    format_date,
    lever_label,
    metric_label,
    normalise,
    region,
    scenario_text,
    t,
    unit,
)
from dashboard.theme import PLOTLY_CONFIG
from model.levers import LEVERS, Levers, LeverValue
from model.metrics import METRICS
from model.simulation import Simulation
from scenarios.schema import Scenario, scenario_from_dict
from scenarios.store import PresetError, slugify

CSV_COLUMNS = ("metric", "region", "sector", "reference", "scenario", "change")
KEYS = ["metric", "region", "sector"]
ID_MAX, NAME_MAX, DESCRIPTION_MAX = 64, 120, 2000


def results_csv(sim: Simulation, reference: Simulation) -> bytes:
    """Tidy CSV of every metric row: ``metric,region,sector,reference,scenario,change``.

    ``reference`` and ``scenario`` are the metric's value (its change from the 2022
    baseline) under the reference scenario (the no-controls preset) and under this
    scenario; ``change = scenario - reference``. Units are the metric's
    (``model.metrics.METRICS``): ``*_pct`` and ``world_welfare_change_pct`` in %,
    ``*_usd_bn`` in USD bn a year, ``backfill_share`` and ``leakage_share`` as
    shares (0-1), ``cost_effectiveness`` in percentage points per USD bn. Sector
    ``tech`` is the six technology sectors together, ``all`` every sector.
    Undefined values (NaN) are empty cells. UTF-8, ``\\n`` line ends, no index.
    """
    ours = sim.metrics.to_frame()[[*KEYS, "change"]]
    ref = reference.metrics.to_frame()[[*KEYS, "change"]]
    table = ours.merge(
        ref, on=KEYS, how="left", suffixes=("", "_ref"), validate="one_to_one"
    )
    table = table.rename(columns={"change": "scenario", "change_ref": "reference"})
    table["change"] = table["scenario"] - table["reference"]
    text = table[list(CSV_COLUMNS)].to_csv(index=False, lineterminator="\n", na_rep="")
    return text.encode("utf-8")


def _id_from_name(name: str) -> str:
    """The store's slug of a name, or a generic id when nothing usable is left."""
    try:
        return slugify(name)
    except PresetError:
        return "custom_scenario"


def _show(value: LeverValue, lang: str = "en") -> str:
    if isinstance(value, bool):
        return t("format.on" if value else "format.off", lang)
    return f"{value:g}" if isinstance(value, float) else str(value)


def scenario_json(
    levers: Levers,
    preset: Scenario,
    name: str | None = None,
    lang: str = "en",
) -> bytes:
    """A preset file (UTF-8 JSON) of ``levers``, derived from ``preset``.

    The id and name are ``<preset id>_custom`` and ``<preset name> (modified)``
    unless ``name`` is given (then the id is its slug). Citations are the preset's;
    rationale is kept only for levers still at the preset's value.
    """
    at_preset = preset.levers()
    changed = [lever for lever in LEVERS if levers[lever.name] != at_preset[lever.name]]
    if name and name.strip():
        new_id, new_name = _id_from_name(name), name.strip()[:NAME_MAX]
    else:
        new_id = f"{preset.id[: ID_MAX - 7]}_custom"
        base_name = scenario_text(preset, "name", lang)
        new_name = t("views.report.derived_name", lang, name=base_name[: NAME_MAX - 11])
    edits = "; ".join(
        f"{lever_label(lever.name, lang)}: {_show(at_preset[lever.name], lang)} -> "
        f"{_show(levers[lever.name], lang)} ({unit(lever.unit, lang)})"
        for lever in changed
    )
    description = t(
        "views.report.derived_description",
        lang,
        name=scenario_text(preset, "name", lang),
        id=preset.id,
        changes=(
            t("views.report.derived_changed", lang, edits=edits)
            if changed
            else t("views.report.derived_unchanged", lang)
        ),
    )
    if len(description) > DESCRIPTION_MAX:
        description = description[: DESCRIPTION_MAX - 3] + "..."
    moved = {lever.name for lever in changed}
    scenario = scenario_from_dict(
        {
            "id": new_id,
            "name": new_name,
            "description": description,
            "citations": list(preset.citations),
            "rationale": {k: v for k, v in preset.rationale.items() if k not in moved},
            **levers,
        }
    )
    return scenario.to_json().encode("utf-8")


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
  "Helvetica Neue", Arial, sans-serif; font-size: 16px; line-height: 1.5;
  color: #1e2530; background: #fff; margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #c8ced8; }
table { border-collapse: collapse; width: 100%; margin: 0.8rem 0; }
th, td { border: 1px solid #c8ced8; padding: 0.3rem 0.6rem; text-align: left;
  vertical-align: top; }
th { background: #f1f3f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.changed td { background: #fff4d6; }
.meta { color: #5a6474; }
.figure { margin: 1.5rem 0; }
"""

CJK_FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei"'
"""Simplified Chinese fonts of the report in Chinese (after the Latin ones)."""


def _style(lang: str) -> str:
    if lang == "en":
        return STYLE
    return STYLE.replace('"Noto Sans",', f'"Noto Sans", {CJK_FONTS},', 1)


def _num(value: float, digits: int = 3, lang: str = "en") -> str:
    """Signed, but a value that rounds to zero is "0.000", never "-0.000"."""
    if np.isfinite(value):
        rounded = round(value, digits) + 0.0
        return f"{rounded:+,.{digits}f}" if rounded else f"{0:.{digits}f}"
    return t("views.report.undefined", lang)


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    highlight: Sequence[bool] = (),
    lang: str = "en",
) -> str:
    """An HTML table; every cell is escaped, floats right-aligned and signed; rows
    flagged in ``highlight`` are shaded."""

    def cell(value: object) -> str:
        if isinstance(value, float):
            return f'<td class="num">{html.escape(_num(value, lang=lang))}</td>'
        return f"<td>{html.escape(str(value))}</td>"

    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    marks = [' class="changed"' if flag else "" for flag in highlight]
    marks += [""] * (len(rows) - len(marks))
    body = "".join(
        f"<tr{mark}>{''.join(cell(v) for v in row)}</tr>"
        for mark, row in zip(marks, rows, strict=True)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def changed_flag(changed: bool, lang: str = "en") -> str:
    """'yes' or 'no' in ``lang`` (the levers table's last column)."""
    return t("format.yes" if changed else "format.no", lang)


def _figure_html(fig: go.Figure, first: bool) -> str:
    return fig.to_html(
        full_html=False,
        include_plotlyjs=first,
        include_mathjax=False,
        config=PLOTLY_CONFIG,
        default_height=f"{int(fig.layout.height or 500)}px",
    )


def html_report(
    sim: Simulation,
    reference: Simulation,
    preset: Scenario,
    levers: Levers,
    figures: Sequence[go.Figure],
    *,
    title: str,
    generated: dt.datetime | None = None,
    lang: str = "en",
) -> str:
    """One standalone HTML page that opens with no network access.

    plotly.js is embedded once (with the first figure); there are no external URLs,
    fonts or MathJax. Every data-derived string is escaped with ``html.escape``.
    ``reference`` is the no-controls preset's simulation; ``generated`` defaults to
    now (UTC).
    """
    esc = html.escape
    lang = normalise(lang)
    when = (generated or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M %Z")
    m, r = sim.metrics, reference.metrics
    headline = [
        (
            metric_label(i.name, lang) if lang != "en" else i.label,
            unit(i.unit, lang),
            m.scalar(i.name),
            r.scalar(i.name),
        )
        for i in METRICS
        if i.by == "scalar"
    ]
    headline_rows = [(lab, u, s, ref, s - ref) for lab, u, s, ref in headline]
    w_pct, w_bn = m.values["welfare_change_pct"], m.values["welfare_change_usd_bn"]
    rw_pct, rw_bn = r.values["welfare_change_pct"], r.values["welfare_change_usd_bn"]
    welfare_rows = [
        (
            region(code, lang),
            *map(float, (w_pct.change[0, k], rw_pct.change[0, k])),
            *map(float, (w_bn.change[0, k], rw_bn.change[0, k])),
        )
        for k, code in enumerate(m.regions)
    ]
    at_preset = preset.levers()
    lever_rows = [
        (
            lever_label(lever.name, lang),
            _show(levers[lever.name], lang),
            unit(lever.unit, lang),
            _show(at_preset[lever.name], lang),
            changed_flag(levers[lever.name] != at_preset[lever.name], lang),
        )
        for lever in LEVERS
    ]
    citations = "".join(f"<li>{esc(c)}</li>" for c in preset.citations)
    rationale = "".join(
        f"<li><strong>{esc(lever_label(k, lang))}</strong>: {esc(text)}"
        + (t("views.report.changed_here", lang) if at_preset[k] != levers[k] else "")
        + "</li>"
        for k, text in preset.rationale.items()
    )
    info = sim.solver_info()
    status = t(
        "views.report.converged" if info["converged"] else "views.report.not_converged",
        lang,
    )
    base = sim.baseline
    charts = "".join(
        f'<div class="figure">{_figure_html(fig, k == 0)}</div>'
        for k, fig in enumerate(figures)
    )
    if preset.as_of is None:
        as_of = esc(t("format.undated", lang))
    elif lang == "en":
        as_of = esc(str(preset.as_of))
    else:
        as_of = esc(format_date(preset.as_of, lang))
    columns = {
        key: t(f"views.report.columns.{key}", lang)
        for key in (
            "metric",
            "unit",
            "this_scenario",
            "reference",
            "difference",
            "region",
            "this_scenario_pct",
            "reference_pct",
            "this_scenario_usd",
            "reference_usd",
            "lever",
            "value",
            "preset_value",
            "changed",
        )
    }
    name = scenario_text(preset, "name", lang)
    description = scenario_text(preset, "description", lang)
    none_given = t("views.report.none_given", lang)
    none = t("views.report.none", lang)
    parts = [
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">{(t("views.report.generated", lang, when=when))}</p>',
        f"<h2>{(t('views.report.scenario', lang))}</h2>",
        "<p>"
        + t(
            "views.report.preset_line",
            lang,
            name=esc(name),
            id=esc(preset.id),
            as_of=as_of,
        )
        + "</p>",
        f"<p>{esc(description)}</p>",
        f"<h2>{(t('views.report.headline', lang))}</h2>",
        f"<p>{(t('views.report.headline_text', lang))}</p>",
        _table(
            tuple(
                columns[k]
                for k in ("metric", "unit", "this_scenario", "reference", "difference")
            ),
            headline_rows,
            lang=lang,
        ),
        f"<h2>{(t('views.report.charts', lang))}</h2>{charts}",
        f"<h2>{(t('views.report.welfare', lang))}</h2>",
        _table(
            tuple(
                columns[k]
                for k in (
                    "region",
                    "this_scenario_pct",
                    "reference_pct",
                    "this_scenario_usd",
                    "reference_usd",
                )
            ),
            welfare_rows,
            lang=lang,
        ),
        f"<h2>{(t('views.report.levers', lang))}</h2>",
        _table(
            tuple(
                columns[k]
                for k in ("lever", "value", "unit", "preset_value", "changed")
            ),
            lever_rows,
            [levers[lever.name] != at_preset[lever.name] for lever in LEVERS],
            lang=lang,
        ),
        f"<h2>{(t('views.report.citations', lang))}</h2>"
        f"<ul>{citations or f'<li>{none_given}</li>'}</ul>",
        f"<h2>{(t('views.report.rationale', lang))}</h2>"
        f"<ul>{rationale or f'<li>{none}</li>'}</ul>",
        f"<h2>{(t('views.report.computed', lang))}</h2>",
        "<p>"
        + (
            t(
                "views.report.computed_text",
                lang,
                regions=len(base.regions),
                sectors=len(base.sectors),
                status=status,
                iterations=info["iterations"],
                residual=f"{info['max_residual']:.2e}",
            )
        )
        + "</p>",
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{HTML_LANG[lang]}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{_style(lang)}</style>\n</head>\n"
        "<body>\n<main>\n" + "\n".join(parts) + "\n</main>\n</body>\n</html>\n"
    )
