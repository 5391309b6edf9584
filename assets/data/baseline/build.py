"""Copy the 2022 calibration into assets/data/baseline/ and write provenance sidecars.

Run by hand from anywhere::

    python assets/data/baseline/build.py [CALIBRATION_DIR]

CALIBRATION_DIR defaults to ``../shared/calibration`` relative to the repository
root. The three CSVs are copied byte for byte (only the file names change); each
gets a ``<stem>.meta.json`` sidecar whose source list is parsed from the tables in
the calibration's FACTS.md (S-ids in section 2, A-ids in section 3, A-thN from
the elasticity table in section 5). Output is deterministic: rerunning on the
same inputs rewrites identical files.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

OUT_DIR = Path(__file__).resolve().parent
REPO_ROOT = OUT_DIR.parents[2]
DEFAULT_CALIBRATION_DIR = (REPO_ROOT / ".." / "shared" / "calibration").resolve()
YEAR = 2022
QUALITY_TAGS = ("measured", "derived", "assumed")

CONVENTIONS = {
    "year": "Calendar 2022, current USD (NVIDIA uses fiscal 2023, Feb 2022-Jan 2023).",
    "index": "A flow exporter i -> importer j in sector s; the diagonal i = j is "
    "home sales.",
    "ownership_sectors": "ai_chips, sme, chips and telecom follow the vendor "
    "headquarters: i -> j is the sales of vendors headquartered in i to customers "
    "in j (matches WSTS, SEMI and Dell'Oro world totals; TSMC foundry revenue sits "
    "in TWN rest).",
    "location_sectors": "ict_hw and frontier follow the location of final assembly "
    "or production (customs-like).",
    "hong_kong": "Hong Kong (and Macao) are in ROW; CHN is the mainland. Sources "
    "that lump Hong Kong with China (WSTS China market, NVIDIA China billing) are "
    "assigned to CHN.",
    "closure": "rest is the balancing item: rest home sales = GDP - all exports - "
    "technology home sales, so every region's total sales equal its GDP.",
    "no_input_output": "No input-output structure: flows are final-sales or market "
    "values of each sector's output.",
}

FILES = {
    "flows": {
        "original": "baseline_flows.csv",
        "title": "Bilateral sales by sector, 8 regions x 7 sectors, 2022",
        "units": {"value_usd_bn": "current USD, billions"},
        "columns": {
            "exporter": "Region code of the selling (vendor-HQ or producing) region.",
            "importer": "Region code of the buying region.",
            "sector": "Sector code (model/names.py SECTORS).",
            "value_usd_bn": "Sales from exporter to importer in the sector.",
            "quality": "Quality tag of the figure: measured, derived or assumed.",
            "source_ids": "Semicolon-separated S- (source) and A- (assumption) ids.",
        },
    },
    "regions": {
        "original": "regions.csv",
        "title": "Regions and their GDP, 2022",
        "units": {"gdp_usd_bn": "current USD, billions"},
        "columns": {
            "region": "Region code (model/names.py REGIONS).",
            "name": "Region name as given in the calibration.",
            "gdp_usd_bn": "Gross domestic product, 2022.",
            "source_ids": "Semicolon-separated S- (source) and A- (assumption) ids.",
        },
    },
    "elasticities": {
        "original": "elasticities.csv",
        "title": "Trade elasticities (theta) by sector, long run",
        "units": {
            "theta": "unitless trade elasticity",
            "low": "unitless trade elasticity",
            "high": "unitless trade elasticity",
        },
        "columns": {
            "sector": "Sector code (model/names.py SECTORS).",
            "theta": "Central trade elasticity (elasticity of trade flows to trade "
            "costs, = sigma - 1).",
            "low": "Low end of the plausible range.",
            "high": "High end of the plausible range.",
            "source_ids": "Semicolon-separated S- (source) and A- (assumption) ids.",
        },
    },
}


def plain(text: str) -> str:
    """Strip markdown emphasis and code marks from a table cell or bullet."""
    text = text.replace("**", "").replace("`", "")
    return re.sub(r"\*(\S[^*]*?)\*", r"\1", text).strip()


def split_sections(facts: str) -> dict[str, list[str]]:
    """Map section number ("2", "3", ...) to its lines; "0" is the preamble."""
    sections: dict[str, list[str]] = {"0": []}
    current = "0"
    for line in facts.splitlines():
        match = re.match(r"^## (\d+)\.", line)
        if match:
            current = match.group(1)
            sections[current] = []
        else:
            sections[current].append(line)
    return sections


def table_rows(lines: list[str], n_cells: int) -> list[list[str]]:
    """Body rows of the markdown tables in ``lines`` (header and rule skipped)."""
    rows = []
    for line in lines:
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != n_cells:
            raise ValueError(f"FACTS.md: expected {n_cells} cells in row {line!r}")
        rows.append(cells)
    return rows[1:] if rows else rows


def parse_facts(facts: str) -> tuple[dict[str, dict], dict[str, str], list[str]]:
    """Sources by id, quality-tag definitions and the weakest-figures caveats."""
    sections = split_sections(facts)
    sources: dict[str, dict] = {}
    for sid, citation, figures in table_rows(sections["2"], 3):
        sources[sid] = {
            "id": sid,
            "kind": "source",
            "citation": plain(citation),
            "figures_used": plain(figures),
        }
    for aid, text, why in table_rows(sections["3"], 3):
        if aid.startswith("A-") and "…" not in aid:
            sources[aid] = {
                "id": aid,
                "kind": "assumption",
                "text": plain(text),
                "why": plain(why),
            }
    for sector, theta, low, high, basis in table_rows(sections["5"], 5):
        for aid in re.findall(r"A-th\d+", basis):
            sources[aid] = {
                "id": aid,
                "kind": "assumption",
                "text": f"Trade elasticity judgment for {sector}: theta {theta} "
                f"(range {low} to {high}); see FACTS.md section 5.",
                "why": plain(re.sub(r"^A-th\d+:\s*|;\s*A-th\d+$", "", basis)),
            }
    definitions = {}
    for line in sections["0"]:
        match = re.match(r"^\* \*\*(\w+)\*\*: (.*)$", line)
        if match and match.group(1) in QUALITY_TAGS:
            text = plain(match.group(2)).replace("§", "FACTS.md §")
            definitions[match.group(1)] = text
    if set(definitions) != set(QUALITY_TAGS):
        raise ValueError(f"FACTS.md: quality tag definitions found: {definitions}")
    weakest = "\n".join(sections["8"]).split("**Weakest figures")[1].split("**Cav")[0]
    caveats = [plain(m) for m in re.findall(r"^\d+\. (.*)$", weakest, re.M)]
    return sources, definitions, caveats


def source_ids_in(table: pd.DataFrame) -> set[str]:
    """All ids in a table's semicolon-separated ``source_ids`` column."""
    return {sid for cell in table["source_ids"] for sid in cell.split(";") if sid}


def build_sidecar(
    stem: str,
    csv_bytes: bytes,
    table: pd.DataFrame,
    facts: tuple[dict[str, dict], dict[str, str], list[str]],
) -> dict:
    """The provenance sidecar of one copied CSV."""
    sources, definitions, caveats = facts
    spec = FILES[stem]
    used = source_ids_in(table)
    missing = sorted(used - set(sources))
    if missing:
        raise ValueError(f"{spec['original']}: ids not found in FACTS.md: {missing}")
    quality: dict = {"definitions": definitions}
    if "quality" in table.columns:
        counts = Counter(table["quality"])
        quality["counts"] = {tag: counts.get(tag, 0) for tag in QUALITY_TAGS}
    return {
        "title": spec["title"],
        "year": YEAR,
        "file": f"{stem}.csv",
        "units": spec["units"],
        "columns": spec["columns"],
        "quality_tags": quality,
        "conventions": CONVENTIONS,
        "sources": [entry for sid, entry in sources.items() if sid in used],
        "caveats": caveats,
        "derived_from": f"shared/calibration/{spec['original']}, built by "
        "shared/calibration/build_baseline.py",
        "sha256": hashlib.sha256(csv_bytes).hexdigest(),
    }


def main(calibration_dir: Path) -> None:
    """Copy the three CSVs from ``calibration_dir`` and write their sidecars."""
    facts = parse_facts((calibration_dir / "FACTS.md").read_text(encoding="utf-8"))
    for stem, spec in FILES.items():
        target = OUT_DIR / f"{stem}.csv"
        shutil.copyfile(calibration_dir / spec["original"], target)
        csv_bytes = target.read_bytes()
        table = pd.read_csv(target, dtype=str, keep_default_na=False)
        unknown = set(spec["columns"]) ^ set(table.columns)
        if unknown:
            raise ValueError(f"{spec['original']}: unexpected columns {unknown}")
        sidecar = build_sidecar(stem, csv_bytes, table, facts)
        text = json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n"
        (OUT_DIR / f"{stem}.meta.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else DEFAULT_CALIBRATION_DIR)
