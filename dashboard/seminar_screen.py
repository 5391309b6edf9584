"""One step, one screen: the revealed step's layout and the presenter's keys.

:data:`REVEALED_CSS` (a constant style sheet, added on top of
:data:`dashboard.theme.PROJECTOR_CSS` once a step is revealed) makes the header,
the buttons and the three numbers compact; the numbers are sized to the window
(``min(5.4vh, 3.1vw)``, between 26 and 64 px) and never cut: no ellipsis, no
hidden overflow. :data:`SCREEN_SCRIPT` is a constant script run in the page
(:func:`install`), which

* measures, every 300 ms, the height the step's charts may take (the window's
  height minus the chart's top and :data:`BOTTOM_GAP_PX`) and, when it changed,
  writes it into a hidden text field (:data:`FIELD_KEY`); the next run draws the
  charts that high (:func:`chart_height`). Streamlit redraws a chart with its
  own height, so the script cannot resize a chart itself;
* maps a presentation clicker's keys to the step's buttons (found by their
  widget keys): Right, PageDown and Space reveal, or go to the next step when
  the step is revealed; Left and PageUp go back; R replays; F toggles full
  screen (and Streamlit's own key R, rerun, does not see them). Keys typed into
  a text field or with a modifier are left alone, keys repeated while held do
  nothing, and nothing happens on a page without the step's buttons. A
  key pressed while the app still runs waits for the new page (the last such
  key only), so that a quick second press does not hide what the first
  revealed.

Streamlit has no key events of its own; the script is the page's only
JavaScript of ours, a constant with no user text in it.
"""

from __future__ import annotations

import json

import streamlit as st

from dashboard.i18n import t

MIN_CHART_PX = 260
BOTTOM_GAP_PX = 12
FIT_KEYS = (
    "seminar_chart",
    "seminar_chart_before",
    "seminar_chart_after",
    "seminar_guesses",
)
"""Widget keys of the charts fitted to the window."""
FIELD_KEY = "seminar_fit_px"
"""A hidden text field: the page script writes into it the height in px that the
step's charts may take (the window's height below their top)."""
MAX_CHART_PX = 2000

REVEALED_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 0.6rem; padding-bottom: 1rem; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.55rem; }
[data-testid="stMarkdownContainer"] h2 {
  font-size: 38px; line-height: 1.3; padding: 0 0 0.3rem;
}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {
  font-size: 18px;
}
.stButton button, .stButton button p { font-size: 22px; min-height: 2.5rem; }
[data-testid="stMetric"] { padding: 0.35rem 0.8rem; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] p { font-size: 20px; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] div,
[data-testid="stMetricValue"] p {
  font-size: clamp(26px, min(5.4vh, 3.1vw), 64px); line-height: 1.15;
  overflow: visible; text-overflow: clip; white-space: nowrap;
}
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] div,
[data-testid="stMetricDelta"] p { font-size: 17px; }
</style>
"""
"""The revealed step's compact layout. A constant, never built from user text."""

SCREEN_SCRIPT = (
    """
<script>
(() => {
  const w = window, d = document;
  const KEYS = ["ArrowRight", "PageDown", " ", "ArrowLeft", "PageUp", "r", "f"];
  const QUIET_MS = 400;
  const FIT = __FIT__, MIN = __MIN__, GAP = __GAP__, FIELD = "__FIELD__";
  const button = (key) => d.querySelector(`.st-key-${key} button`);
  const press = (key) => {
    const b = button(key);
    if (!b || b.disabled) return false;
    b.click();
    w.__seminarQuiet = Date.now() + QUIET_MS;  // until the app has started its run
    return true;
  };
  const revealed = () => {
    const b = button("seminar_reveal");
    return !!b && b.getAttribute("data-testid") !== "stBaseButton-primary";
  };
  const ours = (e) => {
    if (!button("seminar_reveal") || e.ctrlKey || e.metaKey || e.altKey) return null;
    const t = e.target;
    if (t && (/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable)) {
      return null;
    }
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    return KEYS.includes(key) ? key : null;
  };
  if (w.__seminarKeys) w.removeEventListener("keydown", w.__seminarKeys, true);
  if (w.__seminarKeyUp) w.removeEventListener("keyup", w.__seminarKeyUp, true);
  w.__seminarKeyUp = (e) => {  // Streamlit's own R (rerun) would drop the click
    if (ours(e)) e.stopPropagation();
  };
  w.__seminarKeys = (e) => {
    const key = ours(e);
    if (!key) return;
    e.preventDefault();
    e.stopPropagation();
    if (e.repeat) return;
    if (d.activeElement && d.activeElement.blur) d.activeElement.blur();
    if (key === "f") {  // now, while the key press still allows full screen
      if (d.fullscreenElement) d.exitFullscreen();
      else d.documentElement.requestFullscreen().catch(() => {});
      return;
    }
    w.__seminarPending = key;  // the last key pressed while the app runs
    act();
  };
  const running = () => d.querySelector('[data-testid="stApp"]')
    ?.getAttribute("data-test-script-state") === "running";
  const act = () => {
    if (running() || Date.now() < (w.__seminarQuiet || 0)) return;  // old page
    const key = w.__seminarPending;
    w.__seminarPending = null;
    if (["ArrowRight", "PageDown", " "].includes(key)) {
      if (revealed()) press("seminar_next");
      else press("seminar_reveal");
    } else if (["ArrowLeft", "PageUp"].includes(key)) {
      press("seminar_previous");
    } else if (key === "r") {
      press("seminar_replay_button");
    }
  };
  if (w.__seminarAct) clearInterval(w.__seminarAct);
  w.__seminarAct = setInterval(() => { if (w.__seminarPending) act(); }, 100);
  w.addEventListener("keydown", w.__seminarKeys, true);
  w.addEventListener("keyup", w.__seminarKeyUp, true);

  const report = (px) => {
    const input = d.querySelector(`.st-key-${FIELD} input`);
    if (!input || String(px) === input.value) return;
    const setter = Object.getOwnPropertyDescriptor(
      w.HTMLInputElement.prototype, "value").set;
    setter.call(input, String(px));
    input.dispatchEvent(new Event("input", {bubbles: true}));
    input.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true}));
  };
  let wasRevealed = revealed();
  const fit = () => {
    const main = d.querySelector('[data-testid="stMain"]');
    if (revealed() && !wasRevealed) {  // a reveal: the step from its top
      if (main) main.scrollTop = 0;
      w.scrollTo(0, 0);
    }
    wasRevealed = revealed();
    for (const key of FIT) {
      const gd = d.querySelector(`.st-key-${key} .js-plotly-plot`);
      if (!gd || !gd.checkVisibility()) continue;
      const top = gd.getBoundingClientRect().top + (main ? main.scrollTop : 0)
        + w.scrollY;
      const px = Math.max(MIN, Math.floor(w.innerHeight - top - GAP));
      const now = Number(d.querySelector(`.st-key-${FIELD} input`)?.value || 0);
      if (Math.abs(now - px) > 3) report(px);
      return;
    }
  };
  if (w.__seminarFit) clearInterval(w.__seminarFit);
  w.__seminarFit = setInterval(fit, 300);
})();
</script>
""".replace("__FIT__", json.dumps(FIT_KEYS))
    .replace("__MIN__", str(MIN_CHART_PX))
    .replace("__GAP__", str(BOTTOM_GAP_PX))
    .replace("__FIELD__", FIELD_KEY)
)
"""The page script of seminar mode (see the module docstring). A constant."""


HIDDEN_CSS = f"""
<style>
.st-key-{FIELD_KEY},
.stElementContainer:has([data-testid="stHtml"] script),
.stElementContainer:has([data-testid="stMarkdownContainer"] > style:only-child) {{
  display: none;
}}
</style>
"""


def install(revealed: bool, lang: str) -> None:
    """Add the keys, the chart fit and its hidden field to the page, and the compact
    layout once the step is revealed."""
    st.html(SCREEN_SCRIPT, unsafe_allow_javascript=True)
    st.markdown(HIDDEN_CSS + (REVEALED_CSS if revealed else ""), unsafe_allow_html=True)
    st.text_input(
        t("seminar.fit_field", lang), key=FIELD_KEY, label_visibility="collapsed"
    )


def chart_height(default: int) -> int:
    """The height in px the step's charts may take, as the page script measured it
    (at least :data:`MIN_CHART_PX`); ``default`` before it has."""
    raw = str(st.session_state.get(FIELD_KEY, "")).strip()
    if not raw.isdigit():
        return default
    return min(max(int(raw), MIN_CHART_PX), MAX_CHART_PX)
