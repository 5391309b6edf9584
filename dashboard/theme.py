"""The visual language: one colour per region, a readable template, export config.

Region colours are the Okabe-Ito palette (Okabe and Ito 2008), chosen to stay
distinguishable for the common forms of colour-vision deficiency; ROW is grey.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

REGION_COLORS: dict[str, str] = {
    "USA": "#0072B2",  # blue
    "CHN": "#D55E00",  # vermillion
    "NLD": "#E69F00",  # orange
    "JPN": "#CC79A7",  # reddish purple
    "KOR": "#009E73",  # bluish green
    "TWN": "#56B4E9",  # sky blue
    "EUR": "#F0E442",  # yellow
    "ROW": "#999999",  # grey
}
SECTOR_COLORS: dict[str, str] = {
    "ai_chips": "#332288",  # indigo
    "sme": "#88CCEE",  # cyan
    "chips": "#44AA99",  # teal
    "telecom": "#117733",  # green
    "ict_hw": "#DDCC77",  # sand
    "frontier": "#CC6677",  # rose
    "rest": "#AA4499",  # purple
}
"""Sector colours: Paul Tol's 'muted' scheme, also colour-blind safe."""

GAIN_COLOR = "#009E73"
LOSS_COLOR = "#D55E00"
NEUTRAL_COLOR = "#7f7f7f"
CURRENT_COLOR = "#000000"

FONT_FAMILY = (
    "Source Sans Pro, Source Sans, Noto Sans CJK SC, Source Han Sans SC, "
    "PingFang SC, Microsoft YaHei, sans-serif"
)
"""Latin first; then Simplified Chinese fonts, named so that Chinese text is not
drawn in the Japanese forms of a pan-CJK font (Debian: fonts-noto-cjk)."""
BASE_FONT_SIZE = 16

TEMPLATE_NAME = "decoupling"
pio.templates[TEMPLATE_NAME] = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": "#1e2530"},
        title={"font": {"size": BASE_FONT_SIZE + 4}, "x": 0, "xanchor": "left"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis={"gridcolor": "#e5e8ee", "zerolinecolor": "#9aa3b2", "automargin": True},
        yaxis={"gridcolor": "#e5e8ee", "zerolinecolor": "#9aa3b2", "automargin": True},
        legend={"font": {"size": BASE_FONT_SIZE - 2}},
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        hoverlabel={"font": {"size": BASE_FONT_SIZE - 2}},
    )
)

PLOTLY_CONFIG: dict[str, object] = {
    "displaylogo": False,
    "toImageButtonOptions": {
        "format": "png",
        "width": 1920,
        "height": 1080,
        "scale": 2,
        "filename": "decoupling-chart",
    },
}
"""Chart toolbar: PNG export at slide size (1920 x 1080, scale 2)."""

PROJECTOR_CSS = """
<style>
[data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
.stApp, [data-testid="stAppViewContainer"] { background: #ffffff; color: #000000; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 1.5rem 3rem 3rem; }
[data-testid="stAppViewContainer"] { font-size: 24px; }
.stApp :is(p, h1, h2, h3, h4, li, label, input, textarea, summary) {
  font-family: "Source Sans", "Source Sans Pro", "Noto Sans CJK SC",
    "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
}
[data-testid="stMarkdownContainer"] p,
[data-testid="stMarkdownContainer"] li { font-size: 28px; line-height: 1.45; }
[data-testid="stMarkdownContainer"] h1 { font-size: 56px; }
[data-testid="stMarkdownContainer"] h2 { font-size: 46px; }
[data-testid="stMarkdownContainer"] h3 { font-size: 36px; }
[data-testid="stCaptionContainer"],
[data-testid="stCaptionContainer"] p { font-size: 20px; color: #222222; }
[data-testid="stMetricValue"],
[data-testid="stMetricValue"] div,
[data-testid="stMetricValue"] p { font-size: 64px; font-weight: 700; color: #000000; }
[data-testid="stMetricLabel"],
[data-testid="stMetricLabel"] p { font-size: 26px; color: #000000; }
[data-testid="stMetricDelta"],
[data-testid="stMetricDelta"] div,
[data-testid="stMetricDelta"] p { font-size: 22px; }
.stButton button, .stButton button p { font-size: 26px; min-height: 3.2rem; }
[data-testid="stAlert"] p { font-size: 24px; }
[data-testid="stExpander"] summary p { font-size: 22px; }
</style>
"""
"""The projector theme of seminar mode: large type, high contrast, no sidebar, and a
font list that names a Simplified Chinese font, so that Chinese text is not drawn
with Japanese glyph forms. A constant, never built from user text."""


def layout(title: str, **options: object) -> dict[str, object]:
    """Layout of every chart: the template, the title, and the font family set
    explicitly (Streamlit's chart theme would otherwise replace the template's)."""
    font = {"family": FONT_FAMILY} | dict(options.pop("font", {}))  # type: ignore[arg-type]
    return {
        "template": TEMPLATE_NAME,
        "title": {"text": title, "font": {"family": FONT_FAMILY}},
        "font": font,
        **options,
    }
