"""Issue 16, chart hygiene: what the charts print, checked on the figures."""

from __future__ import annotations

import itertools

import plotly.graph_objects as go
import pytest

from dashboard import cache
from dashboard.figures import overview
from dashboard.figures.labels import NOTE_NAME, PLOT_PX, label_boxes
from dashboard.figures.seminar import CHART_HEIGHT, fit_map_labels


def _overlap(a, b) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(width, 0.0) * max(height, 0.0)


def assert_labels_clear(fig, plot_px=PLOT_PX, font_px=13, star_trace=-1) -> None:
    """No two point labels overlap, and none covers the star (the last trace)."""
    labels, markers = label_boxes(fig, plot_px, font_px)
    star = markers[star_trace]
    for a, b in itertools.combinations(labels, 2):
        assert _overlap(a, b) == 0, (a, b)
    for box in labels:
        assert _overlap(box, star) == 0, (box, star)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overview_map_labels_clear_each_other_and_the_star(lang):
    points = cache.preset_points(lang)
    for _, row in points.iterrows():  # the star on every preset in turn
        current = {
            "coalition_cost_usd_bn": row["coalition_cost_usd_bn"] + 0.01,
            "china_cost_pct": row["china_cost_pct"],
        }
        assert_labels_clear(overview.security_cost_map(points, current, lang))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tradeoffs_map_labels_clear_each_other_and_the_star(lang):
    from dashboard.figures import tradeoffs, tradeoffs_frontier
    from dashboard.views.tradeoffs import grid_base
    from model import sweeps
    from model.simulation import simulate

    levers = cache.builtin_presets()["oct_2022_rule"].levers()
    grid = sweeps.solve_grid(grid_base(levers), 5, baseline=cache.baseline())
    current = tradeoffs.current_point(levers, simulate(levers, cache.baseline()))
    frontier = sweeps.efficient_frontier(grid.frame)
    fig = tradeoffs_frontier.frontier_plane(
        grid, frontier, cache.preset_points(lang), current, lang
    )
    assert_labels_clear(fig, font_px=12)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_replay_map_labels_clear_each_other_and_the_star(lang):
    from dashboard.figures import seminar
    from dashboard.seminar_steps import Step

    presets = cache.builtin_presets()
    for preset_id in ("oct_2022_rule", "small_yard_high_fence_ideal"):
        sim = cache.solve(presets[preset_id].levers())
        fig = seminar.replay_figure(
            Step(preset_id, "map"),
            sim,
            cache.preset_points("en"),
            presets,
            lang,
            label="seminar.after",
            preset_id=preset_id,
        )
        size = seminar.PAIR_FONT_SIZE - 4
        assert_labels_clear(fig, seminar.PAIR_PLOT_PX, size)


def test_no_signed_zero_in_heat_maps_and_the_report():
    from dashboard import export
    from dashboard.figures import flows, winners

    presets = cache.builtin_presets()
    sim = cache.solve(presets["oct_2022_rule"].levers())
    reference = cache.solve(presets["no_controls"].levers())
    maps = [
        winners.tech_revenue_heatmap(sim, "en"),
        flows.bilateral_change_heatmap(sim, "chips", measure="value"),
    ]
    cells = [text for fig in maps for row in fig.data[0].text for text in row]
    assert cells
    for text in cells:
        assert not text.startswith(("-0.00", "+0.00", "-0.0%", "+0.0%")), text
    report = export.html_report(
        sim,
        reference,
        presets["oct_2022_rule"],
        presets["oct_2022_rule"].levers(),
        [],
        title="t",
    )
    assert ">-0.000<" not in report and ">+0.000<" not in report


def test_tornado_labels_name_sectors_not_codes():
    import pandas as pd

    from dashboard.figures import decade_tornado

    table = pd.DataFrame(
        {
            "parameter": ["theta_ict_hw", "rho"],
            "label": ["Trade elasticity, ict_hw", "Learning rate"],
            "low_input": [2.0, 0.1],
            "high_input": [6.0, 0.3],
            "low_value": [1.0, 1.5],
            "high_value": [3.0, 2.5],
            "central": [2.0, 2.0],
            "swing": [2.0, 1.0],
        }
    )
    for lang in ("en", "zh"):
        fig = decade_tornado.tornado_figure(
            table, name="china_tech_capability_ratio", year=2032, lang=lang
        )
        labels = " ".join(fig.data[0].y)
        assert "ict_hw" not in labels, labels


def test_best_value_title_gives_the_yard_a_unit():
    from dashboard.figures import tradeoffs

    assert tradeoffs._yard_words(0.04, "en") == "yard 4% of the technology sectors"
    assert "%" in tradeoffs._yard_words(0.5, "zh")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sankey_under_full_decoupling_says_there_is_nothing_to_draw(lang):
    from dashboard.figures import flows
    from dashboard.i18n import t

    sim = cache.solve(cache.builtin_presets()["full_decoupling"].levers())
    fig = flows.china_imports_sankey(sim, case="x", lang=lang)
    assert [a.text for a in fig.layout.annotations] == [
        t("charts.sankey.no_imports", lang)
    ]
    assert not any(trace.type == "sankey" for trace in fig.data)


def test_chinese_writes_usd_bn_as_yi_meiyuan_with_the_number_times_ten():
    from dashboard import format
    from dashboard.i18n import format_usd_bn

    name = "coalition_tech_revenue_change_usd_bn"
    assert format.metric_value(name, -1.26, "en") == "-1.26 USD bn"
    assert format.metric_value(name, -1.26, "zh") == "-12.6亿美元"
    assert format.metric_delta(name, -1.26, 0.0, "zh") == "-12.6亿美元（较参照情景）"
    assert format_usd_bn(118.79, "zh", 1, signed=False) == "1,188亿美元"
    assert "十亿美元" not in format.metric_value(name, 2.5, "zh")


def test_decade_event_labels_are_words_on_separate_rows():
    from dashboard.figures import decade as fd

    events = [
        fd.PolicyEvent(2022, "oct_2022_rule", "Oct 2022 rule"),
        fd.PolicyEvent(2023, "oct_2023_update", "Oct 2023 update"),
        fd.PolicyEvent(2023, "allied_alignment_2023", "Allies align"),
    ]
    _, notes = fd._events(events, list(range(2022, 2033)))
    assert [n["text"] for n in notes] == [e.label for e in events]  # no ids
    assert all(n.get("textangle", 0) == 0 for n in notes)
    assert len({n["y"] for n in notes}) == 3  # close years: one row each


def test_every_data_caveat_has_a_chinese_version():
    from dashboard.i18n import has_cjk
    from dashboard.views import method

    provenance = cache.baseline().provenance
    english = method.caveats(provenance, "en")
    chinese = method.caveats(provenance, "zh")
    assert len(chinese) == len(english) > 0
    for source, text in zip(english, chinese, strict=True):
        assert text != source and has_cjk(text), source


def test_a_seminar_map_too_short_for_its_labels_keeps_markers_and_hover_only():
    """Beside the room's histogram at 1280 x 720 the map's plot is about 150 px
    high: its dozen names cannot be placed apart, so none is drawn."""
    fig = go.Figure(
        go.Scatter(x=[0, 1], y=[0, 1], mode="markers+text", text=["a", "b"])
    )
    fig.add_annotation(x=0, y=0, text="a", name=NOTE_NAME)
    fit_map_labels(fig, width_share=0.6, height=CHART_HEIGHT // 3, font_size=None)
    assert fig.data[0].mode == "markers"
    assert not [a for a in fig.layout.annotations if a.name == NOTE_NAME]
    assert list(fig.data[0].text) == ["a", "b"]  # still in the hover
