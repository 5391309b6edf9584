"""Build the measured 2022 baseline from OECD ICIO 2022 (8 regions x 7 sectors).

Run with ``make data``: it creates ``.venv-data`` from ``requirements-data.txt``
(which pins ``sanction-simulator==0.1.4``, the package that ships a lossless copy of
the OECD Inter-Country Input-Output tables, 2025 release, reference year 2022) and
runs::

    .venv-data/bin/python assets/data/baseline_icio2022/build.py

The script reads ``sanction_simulator/data/bench_cache.npz`` from the *installed*
package (never from a download folder), the four vendor-basis technology sectors
(ai_chips, sme, chips, telecom) from ``assets/data/baseline/flows.csv`` and its
sidecar, and writes into this folder: ``flows.csv``, ``io_shares.csv``,
``regions.csv``, a copy of ``elasticities.csv``, one ``<stem>.meta.json`` sidecar
each and ``checks.txt`` (the consistency checks and key aggregates). FACTS.md in
this folder explains every step and judgement; the ids used below (S60, A-fd, ...)
are defined there and in the sidecars.

Output is deterministic: fixed iteration counts, rows in model order and fixed
float formatting, so rerunning on the same inputs rewrites identical bytes.
The app and the tests never import this script or the package.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import io
import json
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

OUT_DIR = Path(__file__).resolve().parent
REPO_ROOT = OUT_DIR.parents[2]
VENDOR_DIR = REPO_ROOT / "assets" / "data" / "baseline"
PACKAGE, PACKAGE_DIST, NPZ = (
    "sanction_simulator",
    "sanction-simulator",
    "bench_cache.npz",
)
YEAR = 2022

REGIONS = ("USA", "CHN", "NLD", "JPN", "KOR", "TWN", "EUR", "ROW")
SECTORS = ("ai_chips", "sme", "chips", "telecom", "ict_hw", "frontier", "rest")
QUALITY_TAGS = ("measured", "derived", "assumed")
VENDOR_SECTORS = ("ai_chips", "sme", "chips", "telecom")
FINE_C26 = ("ai_chips", "chips", "telecom")  # carved out of ICIO C26
FINE_C28 = ("sme",)  # carved out of ICIO C28
REGION_NAMES = {
    "USA": "United States",
    "CHN": "China (mainland; Hong Kong in ROW)",
    "NLD": "Netherlands",
    "JPN": "Japan",
    "KOR": "Korea, Rep.",
    "TWN": "Taiwan",
    "EUR": "EU-27 excluding the Netherlands",
    "ROW": "Rest of world (incl. Hong Kong)",
}
EU27_LESS_NLD = (
    "AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT "
    "POL PRT ROU SVK SVN ESP SWE"
).split()
# ICIO industry -> block; blocks c26 and c28 are split further below.
BLOCKS = ("c26", "c28", "frontier", "rest")
INDUSTRY_BLOCK = {"C26": "c26", "C28": "c28", "C302T309": "frontier"}

# A-fd: multiplicative (EM) iterations of the destination-side proportionality fit.
FD_ITERATIONS = 3000
# A-io2: share of each vendor-basis sector's absorption that is intermediate use.
INTERMEDIATE_SHARE = {"ai_chips": 0.5, "sme": 0.1, "chips": 0.95, "telecom": 0.1}
# Tagging rule for ICIO-based flow cells (FACTS.md section 4): a cell is `assumed`
# when the final-demand judgement moves it by more than this share of its value.
ASSUMED_SENSITIVITY = 0.5
VALUE_FMT, SHARE_FMT = "{:.4f}", "{:.6f}"
CLOSURE_RTOL = 1e-4


# --- reading ---------------------------------------------------------------------


def read_package() -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The arrays of the packaged npz and where they came from."""
    resource = importlib.resources.files(PACKAGE) / "data" / NPZ
    raw = resource.read_bytes()
    with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    origin = {
        "package": PACKAGE_DIST,
        "version": importlib.metadata.version(PACKAGE_DIST),
        "file": f"{PACKAGE}/data/{NPZ}",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "audit": str(arrays["audit"]),
    }
    return arrays, origin


def read_vendor() -> tuple[pd.DataFrame, dict]:
    """The four vendor-basis sectors of today's baseline, and its sidecar."""
    flows = pd.read_csv(VENDOR_DIR / "flows.csv", dtype=str, keep_default_na=False)
    meta = json.loads((VENDOR_DIR / "flows.meta.json").read_text(encoding="utf-8"))
    flows = flows[flows["sector"].isin(VENDOR_SECTORS)].copy()
    flows["value"] = flows["value_usd_bn"].astype(float)
    return flows, meta


def region_of(country: str) -> str:
    """A-reg: ICIO economy -> model region (CHN is the mainland; HKG in ROW)."""
    if country in REGIONS[:6]:
        return country
    return "EUR" if country in EU27_LESS_NLD else "ROW"


# --- final demand by destination (A-fd) -------------------------------------------


def split_final_demand(
    sales: np.ndarray, final: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Final sales of each seller by destination country, central and alternative.

    Parameters
    ----------
    sales : ndarray, shape (A, C, C)
        Intermediate sales of product a from country c to buyers in country d.
    final : ndarray, shape (A, C)
        Final sales of each seller node, all destinations pooled (``z``).

    Returns
    -------
    central, alternative : ndarray, shape (A, C, C)
        Central (A-fd): the origin mix of d's final use of a equals the origin mix
        of d's intermediate use of a; d's final use of a is fitted by multiplicative
        (EM) iterations so that every seller's final sales sum to ``z``, then each
        row is scaled to ``z`` exactly. Alternative (the sensitivity bracket of the
        tagging rule): a seller's final sales go where its intermediate sales go.
    """
    n_a, n_c, _ = sales.shape
    eye = np.eye(n_c)
    central = np.zeros_like(sales)
    alternative = np.zeros_like(sales)
    for a in range(n_a):
        use = sales[a].sum(axis=0)  # d's intermediate use of a, all origins
        mix = np.where(use > 0, sales[a] / np.where(use > 0, use, 1.0), eye)
        target = final[a]
        fd = np.maximum(target, 1e-9)
        for _ in range(FD_ITERATIONS):
            fit = mix @ fd
            ratio = np.where(fit > 0, target / np.where(fit > 0, fit, 1.0), 0.0)
            fd = fd * (mix.T @ ratio)
        cells = mix * fd[None, :]
        fit = cells.sum(axis=1)
        scale = np.where(fit > 0, target / np.where(fit > 0, fit, 1.0), 0.0)
        cells *= scale[:, None]
        orphan = (fit <= 0) & (target > 0)  # nobody buys it as an input: home
        cells[orphan, orphan] += target[orphan]
        central[a] = cells
        sold = sales[a].sum(axis=1)
        pattern = np.where(
            sold[:, None] > 0, sales[a] / np.where(sold > 0, sold, 1.0)[:, None], eye
        )
        alternative[a] = target[:, None] * pattern
    return central, alternative


# --- aggregation -------------------------------------------------------------------


class Icio:
    """ICIO 2022 aggregated to 8 regions x 4 blocks [USD bn].

    Attributes: ``sales[b, i, j]`` gross sales (intermediate + final) of block b
    from region i to region j, central final-demand split; ``sales_alt`` the same
    with the alternative split; ``inter[b, i, j]`` the intermediate part;
    ``purchases[j, k, b]`` intermediate purchases by block k of region j of input
    block b (all origins); ``output[i, b]`` gross output; ``value_added[i, b]``.
    """

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        countries = [str(c) for c in arrays["countries"]]
        industries = [str(s) for s in arrays["sectors"]]
        n_c, n_a = len(countries), len(industries)
        a_coef, omb, s, z = arrays["A"], arrays["omb"], arrays["s"], arrays["z"]
        flows = (a_coef * (omb * s)[None, :]).reshape(n_a, n_c, n_a, n_c)
        self.countries, self.industries = countries, industries
        region = np.array([REGIONS.index(region_of(c)) for c in countries])
        block = np.array(
            [BLOCKS.index(INDUSTRY_BLOCK.get(a, "rest")) for a in industries]
        )
        c2r = np.zeros((n_c, len(REGIONS)))
        c2r[np.arange(n_c), region] = 1.0
        a2b = np.zeros((n_a, len(BLOCKS)))
        a2b[np.arange(n_a), block] = 1.0
        bilateral = flows.sum(axis=2)  # a, c, d
        final_c, final_alt_c = split_final_demand(bilateral, z.reshape(n_a, n_c))
        to_bn = 1e-3  # USD million -> USD bn

        def agg(x: np.ndarray) -> np.ndarray:
            """(a, c, d) by country -> (block, region i, region j) [USD bn]."""
            by_block = np.tensordot(a2b, x, axes=(0, 0))  # b, c, d
            return (c2r.T @ by_block @ c2r) * to_bn

        self.inter = agg(bilateral)
        self.final = agg(final_c)
        self.sales = self.inter + self.final
        self.sales_alt = self.inter + agg(final_alt_c)
        # purchases[j, k, b]: buyer region j, buyer block k, input block b
        bought = flows.sum(axis=1)  # input a, buyer industry k, buyer country d
        bought = np.tensordot(a2b, bought, axes=(0, 0))  # input block, k, d
        bought = np.tensordot(bought, a2b, axes=(1, 0))  # input block, d, k block
        self.purchases = np.einsum("xdy,dj->jyx", bought, c2r) * to_bn
        gross = s.reshape(n_a, n_c)
        self.output = np.einsum("ac,ab,ci->ib", gross, a2b, c2r) * to_bn
        va = ((1.0 - omb) * s).reshape(n_a, n_c)
        self.value_added = np.einsum("ac,ab,ci->ib", va, a2b, c2r) * to_bn
        self.go_reported = (
            np.einsum("ac,ci->i", arrays["go"].reshape(n_a, n_c), c2r) * to_bn
        )
        self.audit = str(arrays["audit"])
        self.region_of = {c: REGIONS[r] for c, r in zip(countries, region, strict=True)}
        self.block_of = {a: BLOCKS[b] for a, b in zip(industries, block, strict=True)}


# --- the 7-sector baseline ---------------------------------------------------------


def vendor_cube(vendor: pd.DataFrame) -> np.ndarray:
    """Vendor-basis flows V[s, i, j] for the four sectors (zeros elsewhere)."""
    cube = np.zeros((len(SECTORS), len(REGIONS), len(REGIONS)))
    for rec in vendor.itertuples(index=False):
        s, i, j = (
            SECTORS.index(rec.sector),
            REGIONS.index(rec.exporter),
            REGIONS.index(rec.importer),
        )
        cube[s, i, j] = rec.value
    return cube


def carve(icio: Icio, vendor: np.ndarray, sales: np.ndarray) -> np.ndarray:
    """A-c26: the 7-sector flows X[s, i, j] from ICIO blocks and vendor cells.

    The vendor cells are kept as they are. Each exporter's vendor output is taken
    out of its C26 (ai_chips, chips, telecom) or C28 (sme) output, with the
    exporter's ICIO sales pattern: ict_hw_ij = (1 - phi_i) C26_ij with
    phi_i = vendor C26 output_i / C26 output_i. The pair-by-pair gap between the
    vendor (headquarters) pattern and ICIO's location pattern goes to rest:
    rest_ij = other_ij + C28_ij - sme_ij + phi_i C26_ij - vendor_ij, so every pair
    total, every exporter's output of each ICIO block and every region's gross
    output stay ICIO's. Negative rest cells are cleared by :func:`swap_negative`.
    """
    c26, c28, frontier, other = (sales[BLOCKS.index(b)] for b in BLOCKS)
    fine26 = vendor[[SECTORS.index(s) for s in FINE_C26]].sum(axis=0)
    fine28 = vendor[[SECTORS.index(s) for s in FINE_C28]].sum(axis=0)
    phi26 = fine26.sum(axis=1) / icio.output[:, BLOCKS.index("c26")]
    phi28 = fine28.sum(axis=1) / icio.output[:, BLOCKS.index("c28")]
    if np.any(phi26 >= 1) or np.any(phi28 >= 1):
        raise ValueError(f"vendor output exceeds ICIO C26/C28: {phi26}, {phi28}")
    x = vendor.copy()
    x[SECTORS.index("ict_hw")] = (1.0 - phi26)[:, None] * c26
    x[SECTORS.index("frontier")] = frontier
    x[SECTORS.index("rest")] = other + c28 - fine28 + phi26[:, None] * c26 - fine26
    return x


def swap_negative(x: np.ndarray) -> list[tuple[str, str, float]]:
    """A-swap: clear negative off-diagonal rest cells in place, keeping every
    region's output and absorption of every sector.

    For rest_ij = -d < 0: rest_ij = 0, rest_ji += d, rest_ii -= d, rest_jj -= d.
    Returns the (exporter, importer, d) moved.
    """
    rest = x[SECTORS.index("rest")]
    moved = []
    for i, j in np.argwhere(rest < 0):
        if i == j:
            raise ValueError(f"negative rest home sales in {REGIONS[i]}")
        d = -rest[i, j]
        rest[i, j] = 0.0
        rest[j, i] += d
        rest[i, i] -= d
        rest[j, j] -= d
        moved.append((REGIONS[i], REGIONS[j], float(d)))
    return moved


def io_shares(icio: Icio, x: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """gamma[i, s, k]: share of input k (all origins) in the gross output of s in i.

    A-io1: ai_chips, chips, telecom and ict_hw use C26's input coefficients of
    their region, sme uses C28's, frontier is C302T309, and rest gets what is left
    of C28 and all other industries, so each region's purchases by ICIO input
    block (and so its value added) are ICIO's.
    A-io2: the C26 (C28) inputs that every buyer in region j purchases are split
    into the vendor sectors in proportion to j's intermediate use of them,
    INTERMEDIATE_SHARE[s] x absorption_js; the remainder is ict_hw (rest).
    """
    n, n_s = len(REGIONS), len(SECTORS)
    output = x.sum(axis=2).T  # Y[i, s]
    absorption = x.sum(axis=1).T  # E[j, s]
    b26, b28, bfr, bre = (BLOCKS.index(b) for b in BLOCKS)
    go, bought = icio.output, icio.purchases  # bought[j, buyer block, input block]
    coef = np.zeros((n, n_s, len(BLOCKS)))  # coef[j, s, input block]
    for name in (*FINE_C26, "ict_hw"):
        coef[:, SECTORS.index(name)] = bought[:, b26] / go[:, b26, None]
    sme, rest = SECTORS.index("sme"), SECTORS.index("rest")
    coef[:, sme] = bought[:, b28] / go[:, b28, None]
    coef[:, SECTORS.index("frontier")] = bought[:, bfr] / go[:, bfr, None]
    rest_bought = bought[:, bre] + bought[:, b28] - coef[:, sme] * output[:, sme, None]
    coef[:, rest] = rest_bought / output[:, rest, None]
    if np.any(coef < 0):
        raise ValueError("negative input coefficient for rest")
    total = np.einsum("jsb,js->jb", coef, output)  # j's intermediate use by block
    sigma = {
        name: INTERMEDIATE_SHARE[name]
        * absorption[:, SECTORS.index(name)]
        / total[:, b26 if name in FINE_C26 else b28]
        for name in VENDOR_SECTORS
    }
    sigma26 = sum(sigma[name] for name in FINE_C26)
    sigma28 = sum(sigma[name] for name in FINE_C28)
    if np.any(sigma26 >= 1) or np.any(sigma28 >= 1):
        raise ValueError("vendor-sector intermediate use exceeds C26/C28 purchases")
    gamma = np.zeros((n, n_s, n_s))
    for name in FINE_C26:
        gamma[:, :, SECTORS.index(name)] = sigma[name][:, None] * coef[:, :, b26]
    gamma[:, :, SECTORS.index("ict_hw")] = (1 - sigma26)[:, None] * coef[:, :, b26]
    gamma[:, :, sme] = sigma["sme"][:, None] * coef[:, :, b28]
    gamma[:, :, SECTORS.index("frontier")] = coef[:, :, bfr]
    gamma[:, :, rest] = coef[:, :, bre] + (1 - sigma28)[:, None] * coef[:, :, b28]
    return gamma, {"C26": sigma26, "C28": sigma28, **sigma}


# --- quality tags and ids ------------------------------------------------------------

ICIO_IDS = {
    "ict_hw": "S60;A-reg;A-map;A-fd;A-c26",
    "frontier": "S60;A-reg;A-map;A-fd",
    "rest": "S60;A-reg;A-map;A-fd;A-c26",
}


def icio_tags(x: np.ndarray, x_alt: np.ndarray) -> np.ndarray:
    """Tag of each ICIO-based cell: assumed when |X - X_alt| > rule x X."""
    gap = np.abs(x - x_alt)
    return np.where(
        gap > ASSUMED_SENSITIVITY * np.maximum(x, 1e-12), "assumed", "derived"
    )


# --- writing -------------------------------------------------------------------------


def fmt(value: float, pattern: str) -> str:
    text = pattern.format(value)
    return text if not text.startswith("-") or float(text) != 0 else text[1:]


def to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def flows_table(x: np.ndarray, tags: np.ndarray, vendor: pd.DataFrame) -> pd.DataFrame:
    """flows.csv rows in model order (sector, exporter, importer)."""
    by_key = {
        (r.sector, r.exporter, r.importer): (r.quality, r.source_ids)
        for r in vendor.itertuples(index=False)
    }
    rows = []
    for s, sector in enumerate(SECTORS):
        for i, exporter in enumerate(REGIONS):
            for j, importer in enumerate(REGIONS):
                if sector in VENDOR_SECTORS:
                    quality, ids = by_key[(sector, exporter, importer)]
                else:
                    quality, ids = str(tags[s, i, j]), ICIO_IDS[sector]
                rows.append(
                    {
                        "exporter": exporter,
                        "importer": importer,
                        "sector": sector,
                        "value_usd_bn": fmt(x[s, i, j], VALUE_FMT),
                        "quality": quality,
                        "source_ids": ids,
                    }
                )
    return pd.DataFrame(rows)


def io_table(gamma: np.ndarray) -> pd.DataFrame:
    """io_shares.csv rows in model order (region, sector, input_sector)."""
    rows = []
    for i, region in enumerate(REGIONS):
        for s, sector in enumerate(SECTORS):
            for k, inp in enumerate(SECTORS):
                if inp in VENDOR_SECTORS:
                    quality, ids = "assumed", "S60;A-reg;A-map;A-io1;A-io2"
                elif sector in VENDOR_SECTORS or sector == "ict_hw":
                    quality, ids = "derived", "S60;A-reg;A-map;A-io1;A-io2"
                else:
                    quality, ids = "derived", "S60;A-reg;A-map;A-io2"
                rows.append(
                    {
                        "region": region,
                        "sector": sector,
                        "input_sector": inp,
                        "share": fmt(gamma[i, s, k], SHARE_FMT),
                        "quality": quality,
                        "source_ids": ids,
                    }
                )
    return pd.DataFrame(rows)


def regions_table(x: np.ndarray, gamma: np.ndarray) -> pd.DataFrame:
    """regions.csv: GDP as in today's baseline, ICIO gross output and value added."""
    old = pd.read_csv(VENDOR_DIR / "regions.csv", dtype=str, keep_default_na=False)
    old = old.set_index("region")
    output = x.sum(axis=2).T
    value_added = ((1.0 - gamma.sum(axis=2)) * output).sum(axis=1)
    rows = []
    for i, region in enumerate(REGIONS):
        rows.append(
            {
                "region": region,
                "name": REGION_NAMES[region],
                "gdp_usd_bn": old.loc[region, "gdp_usd_bn"],
                "gross_output_usd_bn": fmt(output[i].sum(), VALUE_FMT),
                "value_added_usd_bn": fmt(value_added[i], VALUE_FMT),
                "source_ids": old.loc[region, "source_ids"] + ";S60;A-reg",
            }
        )
    return pd.DataFrame(rows)


# --- checks on the written (rounded) tables ------------------------------------------


def read_back(
    flows: pd.DataFrame, shares: pd.DataFrame, regions: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Arrays X[i, j, s] and gamma[i, s, k] from the rounded tables."""
    r_pos = {r: k for k, r in enumerate(REGIONS)}
    s_pos = {s: k for k, s in enumerate(SECTORS)}
    x = np.zeros((len(REGIONS), len(REGIONS), len(SECTORS)))
    x[
        flows["exporter"].map(r_pos),
        flows["importer"].map(r_pos),
        flows["sector"].map(s_pos),
    ] = flows["value_usd_bn"].astype(float)
    g = np.zeros((len(REGIONS), len(SECTORS), len(SECTORS)))
    g[
        shares["region"].map(r_pos),
        shares["sector"].map(s_pos),
        shares["input_sector"].map(s_pos),
    ] = shares["share"].astype(float)
    return x, g, regions.set_index("region")


def run_checks(
    flows: pd.DataFrame, shares: pd.DataFrame, regions: pd.DataFrame
) -> list[str]:
    """The model's consistency rules on the rounded tables; raise on a failure."""
    x, gamma, reg = read_back(flows, shares, regions)
    lines = []

    def check(ok: bool, text: str) -> None:
        lines.append(f"  {'OK  ' if ok else 'FAIL'} {text}")
        if not ok:
            raise ValueError(f"check failed: {text}")

    check(bool(np.all(np.isfinite(x)) and np.all(x >= 0)), "every flow finite and >= 0")
    check(bool(np.all(np.isfinite(gamma)) and np.all(gamma >= 0)), "every share >= 0")
    beta = 1.0 - gamma.sum(axis=2)
    check(bool(np.all(beta > 0)), f"beta = 1 - sum_k gamma > 0 (min {beta.min():.4f})")
    output = x.sum(axis=1)  # Y[i, s] = sum_j X[i, j, s]
    absorption = x.sum(axis=0)  # E[j, s]
    check(bool(np.all(absorption > 0)), "absorption > 0 in every market")
    inter = np.einsum("jks,jk->js", gamma, output)
    final = absorption - inter
    check(
        bool(np.all(final >= 0)),
        f"final use = E[j,s] - sum_k gamma[j,k,s] Y[j,k] >= 0 (min share "
        f"{(final / absorption).min():.4f})",
    )
    go = reg.loc[list(REGIONS), "gross_output_usd_bn"].astype(float).to_numpy()
    gap = np.abs(output.sum(axis=1) - go) / go
    check(
        bool(np.all(gap <= CLOSURE_RTOL)),
        f"sales = gross output (max gap {gap.max():.1e})",
    )
    va = reg.loc[list(REGIONS), "value_added_usd_bn"].astype(float).to_numpy()
    gap = np.abs((beta * output).sum(axis=1) - va) / va
    check(
        bool(np.all(gap <= CLOSURE_RTOL)),
        f"sum_s beta Y = value added (max gap {gap.max():.1e})",
    )
    return lines


def report(
    icio: Icio,
    x: np.ndarray,
    gamma: np.ndarray,
    sigma: dict[str, np.ndarray],
    moved: list[tuple[str, str, float]],
    counts: Counter,
    checks: list[str],
) -> str:
    """checks.txt: the checks and the key aggregates [USD bn unless stated]."""
    out = ["ICIO 2022 baseline: checks and key aggregates (written by build.py)", ""]
    out += ["1. Consistency (on the rounded CSVs)", *checks, ""]
    n_cells = sum(counts.values())
    out.append("2. Quality tags in flows.csv")
    for tag in QUALITY_TAGS:
        out.append(
            f"  {tag:<9}{counts.get(tag, 0):>4}  ({counts.get(tag, 0) / n_cells:.1%})"
        )
    out.append("")
    x = np.transpose(x, (1, 2, 0))  # model order X[i, j, s]
    y = x.sum(axis=1)  # Y[i, s]
    e = x.sum(axis=0)  # E[j, s]
    beta = 1.0 - gamma.sum(axis=2)
    va = (beta * y).sum(axis=1)
    exports = x.sum(axis=(1, 2)) - np.einsum("iis->i", x)
    imports = x.sum(axis=(0, 2)) - np.einsum("iis->i", x)
    out.append("3. Regions: gross output, value added, trade with the other 7 regions")
    out.append(f"  {'':4}{'GO':>10}{'VA':>10}{'exports':>10}{'imports':>10}{'net':>9}")
    for i, r in enumerate(REGIONS):
        out.append(
            f"  {r:<4}{y[i].sum():>10.1f}{va[i]:>10.1f}{exports[i]:>10.1f}"
            f"{imports[i]:>10.1f}{exports[i] - imports[i]:>9.1f}"
        )
    out.append(f"  world gross output {y.sum():.1f}; world value added {va.sum():.1f}")
    out.append(
        f"  ICIO 'go' column differs from 's' by at most "
        f"{json.loads(icio.audit)['s_vs_go_max_reldiff']:.2%} (node level); "
        f"regional sum of go: {icio.go_reported.sum():.1f}"
    )
    out.append("")
    out.append("4. Sectors: world output and world trade (off-diagonal sales)")
    trade = x.sum(axis=(0, 1)) - np.einsum("iis->s", x)
    for s, name in enumerate(SECTORS):
        out.append(f"  {name:<9}{y[:, s].sum():>10.1f}{trade[s]:>10.1f}")
    out.append("")
    out.append("5. beta (value-added share of gross output) by region and sector")
    out.append("  " + "".join(f"{s[:8]:>9}" for s in SECTORS))
    for i, r in enumerate(REGIONS):
        out.append(
            f"  {r:<4}"
            + "".join(f"{beta[i, s]:>9.3f}" for s in range(len(SECTORS)))[2:]
        )
    out.append("")
    c, ict, chips = (
        REGIONS.index("CHN"),
        SECTORS.index("ict_hw"),
        SECTORS.index("chips"),
    )
    import_share = 1.0 - x[c, c, chips] / e[c, chips]
    out.append("6. Chips in China's ICT hardware")
    out.append(
        f"  gamma[CHN, ict_hw, chips] = {gamma[c, ict, chips]:.4f} (chips from all "
        f"origins per unit of ict_hw output)"
    )
    out.append(
        f"  imported share of China's chip absorption = {import_share:.3f}; imported "
        f"chips per unit of ict_hw output = {gamma[c, ict, chips] * import_share:.4f}"
    )
    out.append(
        "  share of C26 intermediate purchases that are vendor-sector products "
        "(A-io2), by region: "
        + ", ".join(f"{r} {sigma['C26'][i]:.3f}" for i, r in enumerate(REGIONS))
    )
    out.append("")
    out.append("7. A-swap: negative rest cells cleared (exporter, importer, USD bn)")
    out += [f"  {i} -> {j}: {d:.4f}" for i, j, d in moved] or ["  none"]
    return "\n".join(out) + "\n"


# --- sidecars ------------------------------------------------------------------------

OECD = {
    "producer": "OECD (Organisation for Economic Co-operation and Development)",
    "dataset": "Inter-Country Input-Output (ICIO) Database, 2025 release, reference "
    "year 2022: 80 economies x 50 ISIC Rev.4 industries (OECD's rest-of-world row "
    "dropped in the copy read)",
    "url": "https://www.oecd.org/en/data/datasets/inter-country-input-output-tables.html",
    "terms": "OECD Terms and Conditions (https://www.oecd.org/en/about/terms-conditions."
    "html, version of 2024-07-01). Under the OECD Open Access Policy, content "
    "published from 1 July 2024 is generally under CC BY 4.0; that the 2025 ICIO "
    "release itself carries CC BY 4.0 was not confirmed from the dataset page: "
    "verify before redistributing beyond these derived aggregates. Attribution: "
    "Source: OECD, Inter-Country Input-Output Database, 2025 release.",
    "package_note": "The package's README says the npz is a lossless compressed copy "
    "of the network built from the OECD ICIO 2025 release (year 2022), that the "
    "OECD is the source of the underlying data and that use of the derived network "
    "is subject to the OECD's terms and conditions. Its code is MIT; no code of the "
    "package is used or copied here, only the npz is read.",
}

SOURCES: dict[str, dict[str, str]] = {
    "S60": {
        "kind": "source",
        "citation": "OECD (2025), Inter-Country Input-Output Database, 2025 release, "
        "reference year 2022, read from sanction_simulator/data/bench_cache.npz of "
        "the PyPI package sanction-simulator 0.1.4 (Bhattathiripad and Veetil; MIT "
        "code), a lossless copy with OECD's rest-of-world row dropped",
        "figures_used": "A (4000 x 4000 intermediate-input coefficients), omb "
        "(intermediate share of gross output), s (gross output, USD million), z "
        "(final demand of each selling node, all destinations pooled); nodes are "
        "sector-major (node = industry x 80 + economy); intermediate flows = "
        "A * (omb * s)[None, :]; value added = (1 - omb) * s",
    },
    "A-reg": {
        "kind": "assumption",
        "text": "Economy -> region: USA, CHN (ICIO's CHN, mainland), NLD, JPN, KOR, "
        "TWN (ICIO's Chinese Taipei) as themselves; EUR = the 26 EU-27 members "
        "other than the Netherlands; ROW = the other 48 ICIO economies, including "
        "Hong Kong (HKG), the UK, Switzerland, Canada, Mexico, ASEAN, India",
        "why": "the regions of the model (names.py) and of today's baseline "
        "(regions.csv: EU-27 excluding the Netherlands; ROW incl. Hong Kong)",
    },
    "A-map": {
        "kind": "assumption",
        "text": "ICIO industry -> sector: C26 (computer, electronic and optical "
        "products) -> ai_chips, chips, telecom and ict_hw; C28 (machinery n.e.c.) -> "
        "sme and rest; C302T309 (other transport equipment) -> frontier; the other "
        "47 industries (goods and services) -> rest",
        "why": "ICIO's finest match. frontier is now C302T309: aircraft and "
        "spacecraft with railway equipment, military vehicles, motorcycles and "
        "bicycles (ICIO does not split ISIC 30.3 out); the instruments of ISIC "
        "26.5-26.7 sit in C26 and therefore in ict_hw (today's frontier, A-fr1, "
        "held about 200 of instruments). Pharmaceuticals (C21) stay in rest",
    },
    "A-fd": {
        "kind": "assumption",
        "text": "Final demand by destination (not in the file): for every product "
        "and destination economy, the origin mix of final use equals the origin mix "
        "of intermediate use (measured); destination final use by product is fitted "
        f"by {FD_ITERATIONS} multiplicative (EM) iterations so that each seller's "
        "final sales match z, then each seller's row is scaled to z exactly "
        "(economy level, before aggregation). A seller no one buys from as an "
        "input sells its final demand at home",
        "why": "the import-proportionality assumption statistical offices use to "
        "split imports by use. The seller-side alternative (final sales go where "
        "intermediate sales go) implies a US trade surplus of about +150; this one "
        "gives the right signs for the USA, China and Japan, with the US deficit "
        "and China's surplus smaller than measured (checks.txt section 3, FACTS.md "
        "section 5). It is also the bracket of the tagging rule",
    },
    "A-c26": {
        "kind": "assumption",
        "text": "Vendor sectors carved out of ICIO: the vendor-headquarters cells of "
        "ai_chips, chips, telecom (sme) are kept as in today's baseline; each "
        "exporter's vendor output is taken out of its C26 (C28) output with the "
        "exporter's ICIO sales pattern, ict_hw_ij = (1 - phi_i) C26_ij, phi_i = "
        "vendor output_i / C26 output_i; the pair-by-pair gap between the vendor "
        "pattern and ICIO's location pattern is booked in rest: rest_ij = other_ij "
        "+ C28_ij - sme_ij + phi_i C26_ij - (ai_chips + chips + telecom)_ij",
        "why": "keeps every pair total, every region's gross output and value added "
        "and every exporter's C26 and C28 output at ICIO's values while the "
        "controls keep following the vendor (US fabless sales made at TSMC count "
        "as USA -> j); ICIO records chips where they are made. rest is large enough "
        "to absorb the gap in all pairs but one (A-swap)",
    },
    "A-swap": {
        "kind": "assumption",
        "text": "Where rest_ij < 0 after A-c26 (NLD -> TWN: ASML's measured sales "
        "to Taiwan exceed ICIO's NLD -> TWN sales of C28 and all other goods and "
        "services), set rest_ij = 0, add the amount to rest_ji and take it from "
        "rest_ii and rest_jj",
        "why": "a 2 x 2 swap keeps every region's output and absorption of every "
        "sector (so gamma and final use are unchanged); it moves one pair total "
        "each way by the amount (checks.txt section 7)",
    },
    "A-io1": {
        "kind": "assumption",
        "text": "ai_chips, chips, telecom and ict_hw have the input coefficients of "
        "their region's C26; sme those of C28; rest those of C28 less sme and all "
        "other industries, weighted by output",
        "why": "ICIO has one column for C26 and one for C28; the split keeps every "
        "region's purchases by ICIO input block and its value added. A fabless US "
        "chip vendor buys foundry wafers, i.e. C26 inputs, which this keeps",
    },
    "A-io2": {
        "kind": "assumption",
        "text": "The C26 (C28) inputs each buyer in region j purchases are split "
        "into vendor sectors in proportion to j's intermediate use of them, "
        "intermediate share x absorption: chips 0.95 (the rest is inventories and "
        "retail), ai_chips 0.5 (modules sold to server assemblers vs systems bought "
        "as investment), sme 0.1 and telecom 0.1 (capital goods: investment is "
        "final demand in ICIO; 0.1 for parts and maintenance); the remainder of C26 "
        "is ict_hw, of C28 rest",
        "why": "ICIO does not split C26 or C28 purchases by product; these shares "
        "are judgements from the products' use (SNA: investment goods are final "
        "demand)",
    },
}

DEFINITIONS = {
    "measured": "a published figure used as is. No cell of the bilateral table is a "
    "single published figure (ICIO gives intermediate flows by buyer and final "
    "demand pooled over destinations), so no flow carries this tag.",
    "derived": "computed by a stated formula from inputs of which at least one is "
    "measured (FACTS.md in this folder; today's FACTS.md section 4 for the vendor "
    "sectors). A derived cell whose source_ids also lists an A- id rests partly on "
    "a judgement.",
    "assumed": "a judgement (FACTS.md section 3 of either folder). For ICIO-based "
    "cells (ict_hw, frontier, rest): the final-demand judgement A-fd moves the cell "
    f"by more than {ASSUMED_SENSITIVITY:.0%} of its value (central split vs the "
    "seller-side alternative), or the cell was set by A-swap.",
}

CONVENTIONS = {
    "year": "Calendar 2022, current USD at basic prices (ICIO); vendor sectors in "
    "market values as in today's baseline (NVIDIA fiscal 2023).",
    "index": "A flow exporter i -> importer j in sector s; the diagonal i = j is "
    "home sales. Sales are gross: intermediate plus final use.",
    "ownership_sectors": "ai_chips, sme, chips and telecom follow the vendor "
    "headquarters (today's cells, unchanged): i -> j is the sales of vendors "
    "headquartered in i to customers in j.",
    "location_sectors": "ict_hw, frontier and rest follow ICIO, i.e. where the good "
    "or service is produced. The gap between the two conventions is booked in "
    "rest pair by pair (A-c26), so ict_hw is C26 less the vendor sectors' output, "
    "including contract manufacturing for foreign vendors (TSMC's foundry output "
    "is TWN ict_hw).",
    "hong_kong": "Hong Kong is in ROW (ICIO's HKG); CHN is ICIO's CHN (mainland). "
    "Vendor cells keep today's rule (WSTS China and NVIDIA China billing incl. HK "
    "in CHN). HK re-exports: ICIO assigns them to the economy of origin.",
    "taiwan": "Taiwan is ICIO's Chinese Taipei (TWN), with its own supply-use "
    "table; its value added (762.7) matches today's assumed GDP (A-twgdp, 762).",
    "closure": "Every region's total sales equal its ICIO gross output; value "
    "added = sum_s beta_is Y_is with beta = 1 - sum_k gamma; world value added = "
    "world final demand (ICIO without its rest-of-world row is closed).",
}

CAVEATS = [
    "Final demand by destination is assumed (A-fd): ICIO-based cells carry it; the "
    "implied trade balances are smaller than published ones for the USA and China "
    "(checks.txt section 3).",
    "Vendor sectors keep today's industry data (ai_chips mostly assumed); their "
    "pair-by-pair gap to ICIO's location basis sits in rest (A-c26).",
    "frontier is ICIO C302T309: aerospace plus railway, military vehicles, "
    "motorcycles; instruments are in ict_hw (A-map).",
    "Vendor-sector input structure and intermediate-use shares are judgements "
    "(A-io1, A-io2): their gamma rows are tagged assumed.",
    "ICIO's own balancing: s (used) and the file's go differ by up to 1.6% at node "
    "level; two nodes have an intermediate share capped at 0.98 (the package's audit).",
]

FILES = {
    "flows": {
        "title": "Bilateral gross sales by sector, 8 regions x 7 sectors, 2022 (OECD "
        "ICIO 2022 with vendor-basis technology sectors)",
        "units": {"value_usd_bn": "current USD, billions"},
        "columns": {
            "exporter": "Region code of the selling region (vendor headquarters for "
            "ai_chips, sme, chips, telecom; place of production otherwise).",
            "importer": "Region code of the buying region.",
            "sector": "Sector code (model/names.py SECTORS).",
            "value_usd_bn": "Gross sales (intermediate + final use) from exporter to "
            "importer in the sector, basic prices.",
            "quality": "Quality tag of the figure: measured, derived or assumed.",
            "source_ids": "Semicolon-separated S- (source) and A- (assumption) ids.",
        },
    },
    "io_shares": {
        "title": "Input-output shares gamma by region, sector and input sector, 2022",
        "units": {"share": "share of gross output, unitless"},
        "columns": {
            "region": "Region code (model/names.py REGIONS).",
            "sector": "Buying (producing) sector s.",
            "input_sector": "Input sector k, bought from all origins.",
            "share": "gamma[i, s, k]: purchases of input k by sector s of region i "
            "over the gross output of s in i; beta = 1 - sum_k gamma is the "
            "value-added share.",
            "quality": "Quality tag of the figure: measured, derived or assumed.",
            "source_ids": "Semicolon-separated S- (source) and A- (assumption) ids.",
        },
    },
    "regions": {
        "title": "Regions: GDP, gross output and value added, 2022",
        "units": {
            "gdp_usd_bn": "current USD, billions (market prices)",
            "gross_output_usd_bn": "current USD, billions (basic prices)",
            "value_added_usd_bn": "current USD, billions (basic prices)",
        },
        "columns": {
            "region": "Region code (model/names.py REGIONS).",
            "name": "Region name.",
            "gdp_usd_bn": "Gross domestic product, 2022, as in today's baseline "
            "(World Bank; Taiwan assumed), for reference.",
            "gross_output_usd_bn": "Gross output = total sales in flows.csv (ICIO).",
            "value_added_usd_bn": "Value added = sum_s beta_is Y_is (ICIO).",
            "source_ids": "Semicolon-separated S- (source) and A- (assumption) ids.",
        },
    },
}


def aggregation_maps(icio: Icio) -> dict:
    """The country -> region and industry -> sector maps, as used."""
    regions: dict[str, list[str]] = {r: [] for r in REGIONS}
    for country in sorted(icio.countries):
        regions[icio.region_of[country]].append(country)
    to_sectors = {
        "c26": ["ai_chips", "chips", "telecom", "ict_hw"],
        "c28": ["sme", "rest"],
        "frontier": ["frontier"],
        "rest": ["rest"],
    }
    return {
        "country_to_region": regions,
        "industry_to_sector": {
            a: to_sectors[icio.block_of[a]] for a in icio.industries
        },
        "vendor_split": "ai_chips, chips, telecom out of C26 and sme out of C28 "
        "(A-c26); inputs split by A-io2 shares "
        + json.dumps(INTERMEDIATE_SHARE, sort_keys=True),
    }


def sidecar(
    stem: str,
    csv_bytes: bytes,
    table: pd.DataFrame,
    origin: dict[str, str],
    maps: dict,
    old_sources: dict[str, dict],
) -> dict:
    """The provenance sidecar of one written CSV."""
    spec = FILES[stem]
    used = {sid for cell in table["source_ids"] for sid in cell.split(";") if sid}
    known = {**old_sources, **{k: {"id": k, **v} for k, v in SOURCES.items()}}
    missing = sorted(used - set(known))
    if missing:
        raise ValueError(f"{stem}.csv: ids without a source entry: {missing}")
    order = [*SOURCES, *old_sources]
    quality: dict = {"definitions": DEFINITIONS}
    if "quality" in table.columns:
        counts = Counter(table["quality"])
        quality["counts"] = {tag: counts.get(tag, 0) for tag in QUALITY_TAGS}
    return {
        "title": spec["title"],
        "year": YEAR,
        "file": f"{stem}.csv",
        **{k: v for k, v in OECD.items() if k != "package_note"},
        "package": {
            **{k: v for k, v in origin.items() if k != "audit"},
            "licence_of_code": "MIT",
            "note": OECD["package_note"],
            "audit": json.loads(origin["audit"]),
        },
        "units": spec["units"],
        "columns": spec["columns"],
        "quality_tags": quality,
        "conventions": CONVENTIONS,
        "aggregation": maps,
        "processing": "assets/data/baseline_icio2022/build.py (make data), "
        "requirements-data.txt; vendor cells from assets/data/baseline/flows.csv; "
        "every step and judgement in FACTS.md beside this file; checks in checks.txt",
        "sources": [
            {"id": sid, **{k: v for k, v in known[sid].items() if k != "id"}}
            for sid in order
            if sid in used
        ],
        "caveats": CAVEATS,
        "sha256": hashlib.sha256(csv_bytes).hexdigest(),
    }


def main() -> None:
    """Build and write every file of this folder."""
    arrays, origin = read_package()
    icio = Icio(arrays)
    vendor, vendor_meta = read_vendor()
    cube = vendor_cube(vendor)
    x = carve(icio, cube, icio.sales)
    tags = icio_tags(x, carve(icio, cube, icio.sales_alt))
    moved = swap_negative(x)
    rest = SECTORS.index("rest")
    for i, j, _ in moved:
        a, b = REGIONS.index(i), REGIONS.index(j)
        tags[rest, a, b] = tags[rest, b, a] = "assumed"
    gamma, sigma = io_shares(icio, x)
    flows = flows_table(x, tags, vendor)
    shares = io_table(gamma)
    regions = regions_table(x, gamma)
    checks = run_checks(flows, shares, regions)
    old_sources = {e["id"]: e for e in vendor_meta["sources"]}
    regions_meta = json.loads((VENDOR_DIR / "regions.meta.json").read_text("utf-8"))
    old_sources.update({e["id"]: e for e in regions_meta["sources"]})
    maps = aggregation_maps(icio)
    tables = {"flows": flows, "io_shares": shares, "regions": regions}
    for stem, table in tables.items():
        data = to_csv(table)
        (OUT_DIR / f"{stem}.csv").write_bytes(data)
        meta = sidecar(stem, data, table, origin, maps, old_sources)
        text = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
        (OUT_DIR / f"{stem}.meta.json").write_text(text, encoding="utf-8")
    for name in ("elasticities.csv", "elasticities.meta.json"):
        shutil.copyfile(VENDOR_DIR / name, OUT_DIR / name)
    counts = Counter(flows["quality"])
    text = report(icio, x, gamma, sigma, moved, counts, checks)
    (OUT_DIR / "checks.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
