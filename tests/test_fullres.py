"""The 8-region levers on the 80-economy ICIO table (model.fullres) and the
app's full-resolution switch."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from helpers import APP
from model import datasets
from model.fullres import build_full_shocks, load_lever_map, solve_full
from model.levers import DEFAULT_LEVERS, Levers
from model.policy import stack_levers

DATA = datasets.load("icio2022")
ECONOMIES, INDUSTRIES = DATA.regions, DATA.sectors
CHN = ECONOMIES.index("CHN")


def _shocks(**levers: object):
    return build_full_shocks(
        stack_levers([Levers(DEFAULT_LEVERS | levers)]), ECONOMIES, INDUSTRIES
    )


def test_lever_map_covers_every_economy_and_the_eu_member_by_member() -> None:
    lmap = load_lever_map()
    assert set(lmap.economies) == set(ECONOMIES)
    eu = {e for e, g in lmap.economies.items() if g == "EUR"}
    assert len(eu) == 26 and {"DEU", "FRA", "MLT"} <= eu and "NLD" not in eu
    assert lmap.group_of("HKG") == "ROW" and lmap.group_of("XXX") == "ROW"


def test_default_levers_are_no_shock() -> None:
    shocks = _shocks()
    np.testing.assert_array_equal(shocks.tau_hat, 1.0)
    np.testing.assert_array_equal(shocks.q_hat, 1.0)
    np.testing.assert_array_equal(shocks.new_tariff, shocks.tariff[None])


def test_fence_hits_controlled_industries_into_china_only() -> None:
    shocks = _shocks(scope_chips=0.5, scope_sme=0.5, fence_pct=100.0)
    tau = shocks.tau_hat[0]
    c26, c28 = INDUSTRIES.index("C26"), INDUSTRIES.index("C28")
    usa, deu = ECONOMIES.index("USA"), ECONOMIES.index("DEU")
    assert tau[usa, CHN, c26] > 1 and tau[usa, CHN, c28] > 1
    assert tau[deu, CHN, c26] == 1  # the EU has not joined, no FDPR reach
    others = np.delete(np.arange(len(INDUSTRIES)), [c26, c28])
    np.testing.assert_array_equal(tau[:, :, others], 1.0)
    np.testing.assert_array_equal(np.delete(tau, CHN, axis=1), 1.0)
    joined = _shocks(scope_chips=0.5, fence_pct=100.0, participation_eur=1.0)
    assert joined.tau_hat[0, deu, CHN, c26] > 1
    assert joined.tau_hat[0, ECONOMIES.index("FRA"), CHN, c26] > 1


def test_denied_yard_is_prohibitive_where_fully_covered() -> None:
    shocks = _shocks(scope_sme=1.0, prohibitive=True)
    c28 = INDUSTRIES.index("C28")
    # US and Dutch C28 sales to China are all tools in the map (weight 1)
    assert np.isinf(shocks.tau_hat[0, ECONOMIES.index("USA"), CHN, c28])
    assert np.isfinite(shocks.tau_hat[0, ECONOMIES.index("JPN"), CHN, c28])


def test_zero_shock_solves_to_the_baseline() -> None:
    result = solve_full(DEFAULT_LEVERS)
    np.testing.assert_allclose(result.welfare_change_pct, 0.0, atol=1e-9)
    assert np.isnan(result.china_imports_change_pct[CHN])


@pytest.mark.parametrize("tab", ["winners", "flows"])
def test_full_resolution_switch_draws_the_map(tab: str, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(tmp_path))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["tab"] = tab
    at.query_params["p"] = "oct_2022_rule"
    at.run()
    at.toggle(key=f"fullres_{tab}").set_value(True).run()
    assert not at.exception, at.exception
    keys = [chart.key for chart in at.get("plotly_chart")]
    expected = "fullres_welfare_map" if tab == "winners" else "fullres_imports_map"
    assert keys == [expected]
