"""Downloads: results CSV, scenario JSON and a standalone offline HTML report.

Pure functions returning ``bytes`` or ``str`` (no streamlit), so they can be tested
alone and handed to ``st.download_button``. Every number is a metric's value as the
model reports it: a change from the 2022 baseline, in the metric's unit
(:data:`model.metrics.METRICS`).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard.theme import PLOTLY_CONFIG, region_label
from model.metrics import METRICS
from model.policy import LEVERS, LeverValue, validate_levers
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


def _show(value: LeverValue) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:g}" if isinstance(value, float) else str(value)


def scenario_json(
    levers: Mapping[str, object], preset: Scenario, name: str | None = None
) -> bytes:
    """A preset file (UTF-8 JSON) of ``levers``, derived from ``preset``.

    The id and name are ``<preset id>_custom`` and ``<preset name> (modified)``
    unless ``name`` is given (then the id is its slug). Citations are the preset's;
    rationale is kept only for levers still at the preset's value. Raises
    ``ValueError`` (``ScenarioError``) for unknown levers or values out of range.
    """
    values = validate_levers(levers)
    at_preset = preset.levers()
    changed = [lever for lever in LEVERS if values[lever.name] != at_preset[lever.name]]
    if name and name.strip():
        new_id, new_name = _id_from_name(name), name.strip()[:NAME_MAX]
    else:
        new_id = f"{preset.id[: ID_MAX - 7]}_custom"
        new_name = f"{preset.name[: NAME_MAX - 11]} (modified)"
    edits = "; ".join(
        f"{lever.label}: {_show(at_preset[lever.name])} -> "
        f"{_show(values[lever.name])} ({lever.unit})"
        for lever in changed
    )
    description = f'Derived from the preset "{preset.name}" ({preset.id}). ' + (
        f"Changed levers: {edits}." if changed else "No lever differs from it."
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
            **values,
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


def _num(value: float, digits: int = 3) -> str:
    return f"{value:+,.{digits}f}" if np.isfinite(value) else "undefined"


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    highlight: Sequence[bool] = (),
) -> str:
    """An HTML table; every cell is escaped, floats right-aligned and signed; rows
    flagged in ``highlight`` are shaded."""

    def cell(value: object) -> str:
        if isinstance(value, float):
            return f'<td class="num">{html.escape(_num(value))}</td>'
        return f"<td>{html.escape(str(value))}</td>"

    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    marks = [' class="changed"' if flag else "" for flag in highlight]
    marks += [""] * (len(rows) - len(marks))
    body = "".join(
        f"<tr{mark}>{''.join(cell(v) for v in row)}</tr>"
        for mark, row in zip(marks, rows, strict=True)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


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
    levers: Mapping[str, object],
    figures: Sequence[go.Figure],
    *,
    title: str,
    generated: dt.datetime | None = None,
) -> str:
    """One standalone HTML page that opens with no network access.

    plotly.js is embedded once (with the first figure); there are no external URLs,
    fonts or MathJax. Every data-derived string is escaped with ``html.escape``.
    ``reference`` is the no-controls preset's simulation; ``generated`` defaults to
    now (UTC).
    """
    esc = html.escape
    when = (generated or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M %Z")
    m, r = sim.metrics, reference.metrics
    headline = [
        (i.label, i.unit, m.scalar(i.name), r.scalar(i.name))
        for i in METRICS
        if i.by == "scalar"
    ]
    headline_rows = [(lab, u, s, ref, s - ref) for lab, u, s, ref in headline]
    w_pct, w_bn = m.values["welfare_change_pct"], m.values["welfare_change_usd_bn"]
    rw_pct, rw_bn = r.values["welfare_change_pct"], r.values["welfare_change_usd_bn"]
    welfare_rows = [
        (
            region_label(code),
            *map(float, (w_pct.change[0, k], rw_pct.change[0, k])),
            *map(float, (w_bn.change[0, k], rw_bn.change[0, k])),
        )
        for k, code in enumerate(m.regions)
    ]
    values, at_preset = validate_levers(levers), preset.levers()
    lever_rows = [
        (
            lever.label,
            _show(values[lever.name]),
            lever.unit,
            _show(at_preset[lever.name]),
            "yes" if values[lever.name] != at_preset[lever.name] else "no",
        )
        for lever in LEVERS
    ]
    citations = "".join(f"<li>{esc(c)}</li>" for c in preset.citations)
    labels = {lever.name: lever.label for lever in LEVERS}
    rationale = "".join(
        f"<li><strong>{esc(labels.get(k, k))}</strong>: {esc(text)}"
        + (" <em>(changed in this scenario)</em>" if at_preset[k] != values[k] else "")
        + "</li>"
        for k, text in preset.rationale.items()
    )
    info = sim.solver_info()
    status = "converged" if info["converged"] else "did NOT converge"
    base = sim.baseline
    charts = "".join(
        f'<div class="figure">{_figure_html(fig, k == 0)}</div>'
        for k, fig in enumerate(figures)
    )
    as_of = esc(str(preset.as_of)) if preset.as_of is not None else "not dated"
    parts = [
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">Generated {esc(when)}</p>',
        "<h2>Scenario</h2>",
        f"<p>Preset: <strong>{esc(preset.name)}</strong> ({esc(preset.id)}); "
        f"policy state as of {as_of}.</p>",
        f"<p>{esc(preset.description)}</p>",
        "<h2>Headline metrics</h2>",
        "<p>Changes from the 2022 baseline; the reference is the no-controls "
        "preset.</p>",
        _table(
            ("Metric", "Unit", "This scenario", "Reference", "Difference"),
            headline_rows,
        ),
        f"<h2>Charts</h2>{charts}",
        "<h2>Welfare by region</h2>",
        _table(
            (
                "Region",
                "This scenario (%)",
                "Reference (%)",
                "This scenario (USD bn)",
                "Reference (USD bn)",
            ),
            welfare_rows,
        ),
        "<h2>Levers</h2>",
        _table(
            ("Lever", "Value", "Unit", "Preset value", "Changed?"),
            lever_rows,
            [row[-1] == "yes" for row in lever_rows],
        ),
        f"<h2>Citations</h2><ul>{citations or '<li>None given.</li>'}</ul>",
        f"<h2>Rationale of the preset</h2><ul>{rationale or '<li>None.</li>'}</ul>",
        "<h2>How this was computed</h2>",
        "<p>A multi-sector Armington general-equilibrium trade model in changes "
        "(exact hat algebra: Dekle, Eaton and Kortum 2008; Costinot and "
        f"Rodriguez-Clare 2014) with {len(base.regions)} regions and "
        f"{len(base.sectors)} sectors, calibrated to 2022 bilateral trade flows. "
        "Every number is a change from the 2022 baseline (real income, prices, "
        "flows at 2022 prices); policy levers become trade-cost and capacity "
        f"shocks. The solver (Newton's method) {status} after {info['iterations']} "
        f"iterations with maximum residual {info['max_residual']:.2e}.</p>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        "<body>\n<main>\n" + "\n".join(parts) + "\n</main>\n</body>\n</html>\n"
    )
