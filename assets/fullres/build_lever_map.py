"""Write ``lever_map.json``: how the 8-region levers act on the 80 x 50 ICIO table.

Run from the repository root after the ICIO dataset changes::

    python assets/fullres/build_lever_map.py

Inputs: the 80-economy table ``assets/data/icio2022/icio2022.npz`` and the 8-region
baseline ``assets/data/baseline_icio2022/flows.csv`` (the vendor sectors carved out
of ICIO's C26 and C28, FACTS.md A-map and A-c26) and ``elasticities.csv``. The
output is deterministic (sorted keys, 6 decimals), so a rerun on the same inputs
rewrites the same bytes.

What it writes (the reasons are in ``README.md`` beside this file):

* ``economies``: ICIO economy -> the 8-region group whose levers it follows (USA,
  CHN, NLD, JPN, KOR, TWN; every other EU member EUR; everyone else ROW).
* ``industries``: for each ICIO industry that holds controlled goods, the model
  sectors inside it and their weight ``w[g, s]`` in what exporter group ``g`` sells
  to China in that industry:

      C26:      w[g, s] = X8[g, CHN, s] / sum_{s' in C26 sectors} X8[g, CHN, s']
      C28:      w[g, sme] = min(1, X8[g, CHN, sme] / C28[g, CHN])     (rest: 1 - w)
      C302T309: w[g, frontier] = 1

  with ``X8`` the 8-region flows [USD bn] and ``C28[g, CHN]`` the ICIO sales of
  C28 from the economies of group g to China [USD bn].
* ``theta``: each ICIO industry's trade elasticity (central, low, high): the
  world-trade-weighted mean of the theta of the model sectors it holds (C26 by the
  world exports of its four sectors, C28 by its sme share of world C28 exports;
  C302T309 is frontier's; every other industry is rest's).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
NPZ = ROOT / "assets" / "data" / "icio2022" / "icio2022.npz"
BASE8 = ROOT / "assets" / "data" / "baseline_icio2022"
OUT = Path(__file__).with_name("lever_map.json")

OWN_GROUPS = ("USA", "CHN", "NLD", "JPN", "KOR", "TWN")
EU27_LESS_NLD = (
    "AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT "
    "POL PRT ROU SVK SVN ESP SWE"
).split()
GROUPS = (*OWN_GROUPS, "EUR", "ROW")
C26_SECTORS = ("ai_chips", "chips", "telecom", "ict_hw")


def group_of(economy: str) -> str:
    if economy in OWN_GROUPS:
        return economy
    return "EUR" if economy in EU27_LESS_NLD else "ROW"


def main() -> None:
    with np.load(NPZ, allow_pickle=False) as npz:
        economies = [str(e) for e in npz["economies"]]
        industries = [str(s) for s in npz["industries"]]
        flows = npz["flows"] / 1000  # USD mn -> bn
    flows8 = pd.read_csv(BASE8 / "flows.csv")
    theta8 = pd.read_csv(BASE8 / "elasticities.csv").set_index("sector")
    into_china = flows8[flows8.importer == "CHN"].pivot_table(
        index="exporter", columns="sector", values="value_usd_bn", aggfunc="sum"
    )
    groups = {e: group_of(e) for e in economies}
    chn = economies.index("CHN")
    c28 = industries.index("C28")
    c28_to_china = {
        g: float(
            sum(flows[i, chn, c28] for i, e in enumerate(economies) if groups[e] == g)
        )
        for g in GROUPS
    }
    weights: dict[str, dict[str, dict[str, float]]] = {
        "C26": {},
        "C28": {},
        "C302T309": {},
    }
    for g in GROUPS:
        if g == "CHN":
            continue
        row = into_china.loc[g]
        total = float(row[list(C26_SECTORS)].sum())
        weights["C26"][g] = {s: round(float(row[s]) / total, 6) for s in C26_SECTORS}
        sme = (
            min(1.0, float(row["sme"]) / c28_to_china[g])
            if c28_to_china[g] > 0
            else 0.0
        )
        weights["C28"][g] = {"sme": round(sme, 6), "rest": round(1 - sme, 6)}
        weights["C302T309"][g] = {"frontier": 1.0}

    world = (
        flows8[flows8.exporter != flows8.importer].groupby("sector").value_usd_bn.sum()
    )
    world_c28 = float(flows[..., c28].sum() - np.trace(flows[..., c28]))
    sme_share = min(1.0, float(world["sme"]) / world_c28)
    theta: dict[str, dict[str, float]] = {}
    for column, key in (("theta", "central"), ("low", "low"), ("high", "high")):
        c26_mix = world[list(C26_SECTORS)]
        c26 = float(
            (c26_mix * theta8.loc[list(C26_SECTORS), column]).sum() / c26_mix.sum()
        )
        c28_theta = (
            sme_share * theta8.at["sme", column]
            + (1 - sme_share) * theta8.at["rest", column]
        )
        theta[key] = {
            "default": float(theta8.at["rest", column]),
            "C26": round(c26, 6),
            "C28": round(float(c28_theta), 6),
            "C302T309": float(theta8.at["frontier", column]),
        }
    payload = {
        "about": (
            "How the 8-region levers act on the 80-economy ICIO 2022 table; "
            "built by assets/fullres/build_lever_map.py, explained in "
            "assets/fullres/README.md"
        ),
        "economies": groups,
        "industries": weights,
        "theta": theta,
    }
    OUT.write_text(
        json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
