"""Region, sector and group codes of the calibrated model, with their display labels.

One place for every code the rest of the project uses. Arrays follow the index
convention ``[i, j, s]`` = exporter ``i``, importer ``j``, sector ``s``, in the
order of :data:`REGIONS` and :data:`SECTORS`.
"""

from __future__ import annotations

REGIONS: tuple[str, ...] = ("USA", "CHN", "NLD", "JPN", "KOR", "TWN", "EUR", "ROW")
"""Region codes, in array order."""

REGION_LABELS: dict[str, str] = {
    "USA": "United States",
    "CHN": "China (mainland)",
    "NLD": "Netherlands",
    "JPN": "Japan",
    "KOR": "Korea",
    "TWN": "Taiwan",
    "EUR": "EU-27 excl. Netherlands",
    "ROW": "Rest of world (incl. Hong Kong)",
}

SECTORS: tuple[str, ...] = (
    "ai_chips",
    "sme",
    "chips",
    "telecom",
    "ict_hw",
    "frontier",
    "rest",
)
"""Sector codes, in array order."""

SECTOR_LABELS: dict[str, str] = {
    "ai_chips": "AI accelerators",
    "sme": "Semiconductor equipment",
    "chips": "Other semiconductors",
    "telecom": "Telecom network equipment",
    "ict_hw": "ICT hardware",
    "frontier": "Aerospace and instruments",
    "rest": "All other goods and services",
}

TECH_SECTORS: tuple[str, ...] = SECTORS[:6]
"""The six technology sectors that export controls can cover (all but ``rest``)."""

YARD_ORDER: tuple[str, ...] = (
    "ai_chips",
    "sme",
    "chips",
    "telecom",
    "frontier",
    "ict_hw",
)
"""Order of strategic focus in which a growing "yard" takes in technology sectors."""

TARGET: str = "CHN"
"""The region the controls are aimed at."""

CONTROLLER: str = "USA"
"""The region that sets the controls; always a full participant."""

ALLIES: tuple[str, ...] = ("NLD", "JPN", "KOR", "TWN", "EUR")
"""Regions that may join the controls with a participation share in [0, 1]."""

QUALITY_TAGS: tuple[str, ...] = ("measured", "derived", "assumed")
"""Quality tags of calibration figures (see assets/data/baseline/*.meta.json)."""
