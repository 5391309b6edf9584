"""Reality check tab: what the built-in presets predict beside what happened in
2022-2025, a scorecard of directions, and the model beside published studies.

Everything on it comes from :func:`scenarios.reality.evaluate` (the model solved
for the presets the comparison file names); it does not depend on the sidebar.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.context import ViewContext
from dashboard.figures import reality as figures
from dashboard.i18n import preset_text, t
from dashboard.theme import PLOTLY_CONFIG
from scenarios import reality


def _preset(preset_id: str, lang: str) -> str:
    return preset_text(preset_id, "name", lang, preset_id)


def _number(value: float, unit: str) -> str:
    """``+1.2%``, ``-0.04%`` or ``+12.0 pp``: two decimals below 1 in size."""
    digits = 2 if abs(value) < 1 else 1
    return f"{value:+.{digits}f}" + ("%" if unit == "%" else " pp")


def citation(check: reality.RealityCheck, row_id: str) -> str:
    """An evidence row cited as its source gives it, in the source's language:
    ``O10 · ASML Q1 2024 results call (2024-04)``."""
    obs = check.evidence.observations[row_id]
    return f"{row_id} · {obs.source} ({obs.date})"


def render(ctx: ViewContext) -> None:
    lang = ctx.lang
    check = reality.evaluate_once(ctx.baseline)
    table = check.comparisons
    st.plotly_chart(
        figures.comparison_chart(check, lang),
        config=PLOTLY_CONFIG,
        key="reality_comparisons",
    )
    st.caption(t("views.reality.intro", lang))
    judged = check.literature["agrees"].dropna()
    score, size, rail = st.columns(3)
    score.metric(
        t("views.reality.score_label", lang),
        t(
            "views.reality.score_value",
            lang,
            right=check.directions_right,
            total=check.compared,
        ),
        help=t("views.reality.score_help", lang),
    )
    size.metric(
        t("views.reality.size_label", lang),
        f"{check.median_size_pct:.0f}%",
        help=t("views.reality.size_help", lang),
    )
    rail.metric(
        t("views.reality.rail_label", lang),
        t(
            "views.reality.score_value",
            lang,
            right=int(judged.sum()),
            total=len(judged),
        ),
        help=t("views.reality.rail_help", lang),
    )
    for _, row in table[table["compare"] == "direction"].iterrows():
        st.markdown(
            t(
                "views.reality.direction_only",
                lang,
                label=figures.comparison_label(row["id"], lang),
                model=_number(row["model"], row["unit"]),
                verdict=t(
                    "views.reality.same"
                    if row["same_direction"]
                    else "views.reality.opposite",
                    lang,
                ),
            )
        )
        st.caption(citation(check, row["observation"]))
    _misses(check, lang)
    with st.expander(t("views.reality.table_title", lang)):
        st.dataframe(_comparison_table(check, lang), hide_index=True)
        st.caption(t("views.reality.table_note", lang))
    st.subheader(t("views.reality.rail_title", lang))
    st.caption(t("views.reality.rail_intro", lang))
    st.plotly_chart(
        figures.literature_chart(check, lang),
        config=PLOTLY_CONFIG,
        key="reality_literature",
    )
    smaller, single = check.smaller_than_published
    st.caption(t("views.reality.rail_smaller", lang, smaller=smaller, total=single))
    st.dataframe(_literature_table(check, lang), hide_index=True)
    with st.expander(t("views.reality.context_title", lang)):
        for row_id in check.file.context:
            st.markdown(f"- **{row_id}** {t(f'views.reality.context.{row_id}', lang)}")
            st.caption(citation(check, row_id))
        st.caption(t("views.reality.provenance", lang))


def _misses(check: reality.RealityCheck, lang: str) -> None:
    """One cited note per missed direction: the mechanism the model lacks."""
    st.subheader(t("views.reality.misses_title", lang, count=len(check.misses)))
    for _, miss in check.misses.iterrows():
        lacks = " ".join(t(f"views.reality.lacks.{m}", lang) for m in miss["lacks"])
        st.markdown(
            t(
                "views.reality.miss_line",
                lang,
                label=figures.comparison_label(miss["id"], lang),
                observed=_number(miss["observed"], miss["unit"]),
                model=_number(miss["model"], miss["unit"]),
                preset=_preset(miss["preset"], lang),
                reference=_preset(miss["reference"], lang),
                lacks=lacks,
            )
        )
        cited = dict.fromkeys(
            r for m in miss["lacks"] for r in check.file.mechanisms[m]
        )
        for row_id in cited:
            st.caption(citation(check, row_id))


def _comparison_table(check: reality.RealityCheck, lang: str) -> pd.DataFrame:
    table = check.comparisons
    obs = check.evidence.observations
    col = lambda key: t(f"views.reality.columns.{key}", lang)  # noqa: E731
    return pd.DataFrame(
        {
            col("observation"): [
                figures.comparison_label(i, lang) for i in table["id"]
            ],
            col("preset"): [
                f"{_preset(p, lang)} ← {_preset(r, lang)}"
                for p, r in zip(table["preset"], table["reference"], strict=True)
            ],
            col("observed"): [
                _number(v, u)
                for v, u in zip(table["observed"], table["unit"], strict=True)
            ],
            col("model"): [
                _number(v, u)
                for v, u in zip(table["model"], table["unit"], strict=True)
            ],
            col("model_levels"): [
                f"{a:.2f} → {b:.2f}"
                for a, b in zip(
                    table["model_before"], table["model_after"], strict=True
                )
            ],
            col("direction"): [
                "✓" if same else "✗" for same in table["same_direction"]
            ],
            col("source"): [
                f"{o} · {obs[o].source} ({obs[o].date}) · {obs[o].period}"
                for o in table["observation"]
            ],
        }
    )


def _literature_table(check: reality.RealityCheck, lang: str) -> pd.DataFrame:
    lit = check.literature
    col = lambda key: t(f"views.reality.columns.{key}", lang)  # noqa: E731

    def published(row: pd.Series) -> str:
        if pd.notna(row["published_sign"]):
            up = row["published_sign"] > 0
            return t("views.reality.sign_up" if up else "views.reality.sign_down", lang)
        low, high = row["published_low"], row["published_high"]
        return _number(low, row["unit"]) + (
            "" if low == high else f" … {_number(high, row['unit'])}"
        )

    verdict = {True: "✓", False: "✗"}
    return pd.DataFrame(
        {
            col("study_result"): [
                t(f"views.reality.rail.{i}", lang) for i in lit["id"]
            ],
            col("scenario"): [
                _preset(p, lang)
                if isinstance(p, str)
                else t("views.reality.chip_ban", lang)
                for p in lit["preset"]
            ],
            col("published"): [published(row) for _, row in lit.iterrows()],
            col("model"): [
                _number(v, u) for v, u in zip(lit["model"], lit["unit"], strict=True)
            ],
            col("agrees"): [
                verdict.get(a, "—") if a is not None else "—" for a in lit["agrees"]
            ],
            col("model_type"): [
                t(f"views.reality.study_type.{s}", lang) for s in lit["study"]
            ],
            col("source"): [
                f"{s} · {src} ({d})"
                for s, src, d in zip(
                    lit["study"], lit["source"], lit["date"], strict=True
                )
            ],
        }
    )
