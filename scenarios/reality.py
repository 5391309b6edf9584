"""The Reality check: the built-in presets' predictions beside what happened and
beside published studies.

``assets/data/evidence/comparisons.json`` says which model number is set against
which observation (``observations.csv``) and which published result
(``literature.csv``); :func:`load_comparisons` reads and checks it,
:func:`evaluate` solves every preset it names in one batch and returns the
comparisons, the scorecard and the literature rail. Nothing here is fitted: a
prediction is a built-in preset as it is, against the preset in force in the
period the observation is compared with.

Model quantities (units in brackets) are read from the bilateral flows of
:meth:`model.simulation.Simulation.bilateral_flows` (values ``X`` at producer
prices, USD bn) and the regions' welfare ``W_hat``:

- ``flow_value``: ``V = sum X[i, j, s]`` over exporters i, importers j, sectors s;
  change ``100 (V_p / V_r - 1)`` [%] between the preset p and its reference r;
- ``supplier_share``: ``100 V(e -> m) / V(foreign -> m)``, the exporter e's share
  of importer m's imports from foreign suppliers; change in pp;
- ``destination_share``: ``100 V(e -> m) / V(e -> all)``; change in pp;
- ``world_share``: ``100 V(e -> all) / V(all -> all)``; change in pp;
- ``welfare``: the index ``W_hat`` (real final spending against 2022; for the
  world ``1 + world_welfare_change_pct / 100``); change ``100 (W_p / W_r - 1)``.

A direction is right when the model's change and the observed one have the same
sign (a model change of exactly 0 has no direction and counts as a miss).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from model.data import Baseline
from model.evidence import Evidence, load_evidence
from model.levers import Levers
from model.names import REGIONS, SECTORS
from model.simulation import Simulation, simulate_batch
from scenarios.schema import Scenario
from scenarios.store import BUILTIN_DIR, read_preset_file

COMPARISONS_FILE: Path = (
    Path(__file__).resolve().parents[1] / "assets/data/evidence/comparisons.json"
)
"""The one file that maps observations and published results to presets."""

Mechanism = Literal[
    "stockpiling", "chip_cycle", "demand_growth", "evasion", "customs_origin"
]
Region = Literal[REGIONS]  # type: ignore[valid-type]
Sector = Literal[SECTORS]  # type: ignore[valid-type]
Regions = Literal["foreign", "all"] | tuple[Region, ...]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Quantity(_Strict):
    """A model quantity; the fields its ``kind`` needs (module docstring)."""

    kind: Literal[
        "flow_value", "supplier_share", "destination_share", "world_share", "welfare"
    ]
    exporters: Regions | None = None
    importers: Regions | None = None
    exporter: Region | None = None
    importer: Region | None = None
    sectors: tuple[Sector, ...] | None = None
    region: Region | Literal["world"] | None = None

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Quantity:
        needs = {
            "flow_value": {"exporters", "importers", "sectors"},
            "supplier_share": {"exporter", "importer", "sectors"},
            "destination_share": {"exporter", "importer", "sectors"},
            "world_share": {"exporter", "sectors"},
            "welfare": {"region"},
        }[self.kind]
        given = {name for name in type(self).model_fields if getattr(self, name)}
        if given - {"kind"} != needs:
            raise ValueError(f"{self.kind} takes exactly {sorted(needs)}")
        return self


class Comparison(_Strict):
    """One observation set against one preset's prediction."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    observation: str = Field(pattern=r"^O\d{2}$")
    period: tuple[dt.date, dt.date]
    reference_period: tuple[dt.date, dt.date]
    preset: str
    reference: str
    quantity: Quantity
    compare: Literal["change", "direction"]
    unit: Literal["%", "pp"]
    observed_change: float | None = None
    observed_before: float | None = None
    observed_after: float | None = None
    reading: str = Field(min_length=1)
    lacks: tuple[Mechanism, ...]

    @model_validator(mode="after")
    def _one_observed_change(self) -> Comparison:
        levels = [v is not None for v in (self.observed_before, self.observed_after)]
        if not (all(levels) if self.observed_change is None else not any(levels)):
            raise ValueError(
                "give observed_change, or observed_before and observed_after"
            )
        return self

    @property
    def observed(self) -> float:
        """The observed change, in :attr:`unit` (after - before for two levels)."""
        if self.observed_change is not None:
            return self.observed_change
        assert self.observed_before is not None and self.observed_after is not None
        return self.observed_after - self.observed_before


class Published(_Strict):
    """One published result set against the model's number for the same scenario:
    a built-in ``preset`` or, where no preset is the study's scenario, the
    ``scenario_levers`` that state it (with ``scenario_note``)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    study: str = Field(pattern=r"^L\d{2}$")
    preset: str | None = None
    scenario_levers: dict[str, object] | None = None
    scenario_note: str | None = None
    reference: str
    quantity: Quantity
    unit: Literal["%", "pp"]
    published_low: float | None = None
    published_high: float | None = None
    published_sign: Literal[-1, 1] | None = None
    reading: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_scenario(self) -> Published:
        if (self.preset is None) == (self.scenario_levers is None):
            raise ValueError("give a preset or scenario_levers, not both")
        if self.scenario_levers is not None and not self.scenario_note:
            raise ValueError("scenario_levers need a scenario_note")
        low, high = self.published_low, self.published_high
        if (self.published_sign is None) != (low is not None and high is not None):
            raise ValueError("give published_low and published_high, or the sign")
        if low is not None and high is not None and low > high:
            raise ValueError("published_low is above published_high")
        return self

    def agrees(self, model: float) -> bool | None:
        """Whether the model's number is inside the published range or has the
        published sign; None for a single published number (no range to be in)."""
        if self.published_sign is not None:
            return bool(np.sign(model) == self.published_sign)
        assert self.published_low is not None and self.published_high is not None
        if self.published_low == self.published_high:
            return None
        return self.published_low <= model <= self.published_high


class ComparisonFile(_Strict):
    """The parsed ``comparisons.json``."""

    about: str
    mechanisms: dict[Mechanism, tuple[str, ...]]
    context: dict[str, str]
    comparisons: tuple[Comparison, ...]
    literature: tuple[Published, ...]


def load_comparisons(
    path: Path | None = None, evidence: Evidence | None = None
) -> ComparisonFile:
    """Read and check the comparison file (default :data:`COMPARISONS_FILE`).

    Raises ValueError (pydantic's ValidationError is one) for a malformed file,
    an id listed twice, an observation or study the evidence does not have, an
    observation neither compared nor listed as context, or a mechanism without
    the evidence rows that show it.
    """
    path = path or COMPARISONS_FILE
    parsed = ComparisonFile.model_validate(json.loads(path.read_text("utf-8")))
    evidence = evidence or load_evidence()
    ids = [c.id for c in parsed.comparisons] + [p.id for p in parsed.literature]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path.name}: a comparison id appears twice")
    compared = {c.observation for c in parsed.comparisons}
    cited = compared | set(parsed.context) | _flat(parsed.mechanisms.values())
    unknown = cited - set(evidence.observations)
    unknown |= {p.study for p in parsed.literature} - set(evidence.literature)
    if unknown:
        raise ValueError(f"{path.name}: no evidence rows {sorted(unknown)}")
    missing = set(evidence.observations) - compared - set(parsed.context)
    if missing:
        raise ValueError(
            f"{path.name}: observations neither compared nor context: {sorted(missing)}"
        )
    lacking = _flat(c.lacks for c in parsed.comparisons) - {
        m for m, rows in parsed.mechanisms.items() if rows
    }
    if lacking:
        raise ValueError(f"{path.name}: mechanisms without evidence {sorted(lacking)}")
    return parsed


def _flat(groups: Iterable[Iterable[str]]) -> set[str]:
    return {item for group in groups for item in group}


def builtin_presets() -> dict[str, Scenario]:
    """Every built-in preset by id (never a user's preset: users cannot change
    what the Reality check compares)."""
    return {s.id: s for s in map(read_preset_file, sorted(BUILTIN_DIR.glob("*.json")))}


def preset_in_force(
    period: tuple[dt.date, dt.date], presets: Mapping[str, Scenario]
) -> str:
    """The dated preset whose ``as_of`` is the latest on or before the middle of
    ``period`` (a year ``as_of`` counts from 1 January); ValueError if none."""
    middle = period[0] + (period[1] - period[0]) / 2
    dated = [
        (dt.date(s.as_of, 1, 1) if isinstance(s.as_of, int) else s.as_of, s.id)
        for s in presets.values()
        if s.as_of is not None
    ]
    before = [entry for entry in dated if entry[0] <= middle]
    if not before:
        raise ValueError(f"no dated preset is in force in {period}")
    return max(before)[1]


def _regions(spec: Regions | None, other: Sequence[str] = ()) -> list[str]:
    if spec == "all":
        return list(REGIONS)
    if spec == "foreign":
        return [r for r in REGIONS if r not in other]
    return list(spec or ())


def quantity_level(
    q: Quantity, flows: pd.DataFrame, welfare: Mapping[str, float]
) -> float:
    """The quantity's level in one scenario: USD bn (flow_value), % (shares) or
    the welfare index; ``flows`` one scenario's bilateral flows table,
    ``welfare`` its welfare index by region and ``"world"``."""

    def value(exporters: Sequence[str], importers: Sequence[str]) -> float:
        rows = (
            flows.exporter.isin(exporters)
            & flows.importer.isin(importers)
            & flows.sector.isin(q.sectors or ())
        )
        return float(flows.loc[rows, "scenario_usd_bn"].sum())

    if q.kind == "welfare":
        return welfare[str(q.region)]
    if q.kind == "flow_value":
        importers = _regions(q.importers)
        return value(_regions(q.exporters, importers), importers)
    e, m = q.exporter or "", q.importer or ""
    if q.kind == "supplier_share":
        return 100 * value([e], [m]) / value(_regions("foreign", [m]), [m])
    if q.kind == "destination_share":
        return 100 * value([e], [m]) / value([e], REGIONS)
    return 100 * value([e], REGIONS) / value(REGIONS, REGIONS)


def quantity_change(q: Quantity, scenario: float, reference: float) -> float:
    """The change of the quantity from the reference: % for values and welfare,
    pp for shares."""
    if q.kind in ("flow_value", "welfare"):
        return 100 * (scenario / reference - 1)
    return scenario - reference


@dataclass(frozen=True)
class RealityCheck:
    """What the Reality check shows.

    ``comparisons``: one row per comparison, with ``observed`` and ``model``
    changes (in ``unit``), the model's levels under the reference and the preset,
    ``same_direction`` and the mechanisms the model ``lacks``. ``literature``:
    one row per published result, with ``model`` and ``published_low``/``high``
    (or ``published_sign``), the study's ``model_type`` and ``agrees`` (the
    model's number in the range, or of the published sign; None for a single
    published number).
    ``file`` is the parsed comparison file, ``evidence`` the evidence.
    """

    comparisons: pd.DataFrame
    literature: pd.DataFrame
    file: ComparisonFile
    evidence: Evidence

    @property
    def directions_right(self) -> int:
        return int(self.comparisons["same_direction"].sum())

    @property
    def compared(self) -> int:
        return len(self.comparisons)

    @property
    def median_size_pct(self) -> float:
        """Median of ``|model change| / |observed change|`` over the comparisons
        of changes (not those by direction only) [% of the observed change]."""
        rows = self.comparisons[self.comparisons["compare"] == "change"]
        return float(100 * np.median(np.abs(rows["model"] / rows["observed"])))

    @property
    def smaller_than_published(self) -> tuple[int, int]:
        """Of the single published numbers, how many are larger in size than the
        model's number for the same scenario, and how many there are."""
        lit = self.literature
        single = lit[lit["published_low"] == lit["published_high"]]
        smaller = (single["model"].abs() < single["published_low"].abs()).sum()
        return int(smaller), len(single)

    @property
    def misses(self) -> pd.DataFrame:
        """The comparisons whose direction the model gets wrong."""
        return self.comparisons[~self.comparisons["same_direction"]]


def evaluate(
    baseline: Baseline | None = None,
    comparisons: ComparisonFile | None = None,
    presets: Mapping[str, Scenario] | None = None,
) -> RealityCheck:
    """Solve every scenario the comparison file names in one batch and set the
    model's numbers beside the observations and the published results.

    ``presets`` (default: the built-in ones) maps ids to the scenarios solved;
    tests pass changed ones to see the scorecard follow the model.
    """
    evidence = load_evidence()
    file = comparisons or load_comparisons(evidence=evidence)
    presets = presets if presets is not None else builtin_presets()
    named = {c.preset for c in file.comparisons} | {
        c.reference for c in file.comparisons
    }
    named |= {p.reference for p in file.literature} | {
        p.preset for p in file.literature if p.preset
    }
    if named - set(presets):
        raise ValueError(f"no built-in presets {sorted(named - set(presets))}")
    keys: dict[str, Levers] = {}
    for c in file.comparisons:
        keys[c.preset] = presets[c.preset].levers()
        keys[c.reference] = presets[c.reference].levers()
    for p in file.literature:
        keys[p.reference] = presets[p.reference].levers()
        keys[_scenario_key(p)] = (
            presets[p.preset].levers() if p.preset else Levers(p.scenario_levers or {})
        )
    sim = simulate_batch(list(keys.values()), baseline).require_converged()
    solved = {key: _tables(sim, b) for b, key in enumerate(keys)}

    def levels(q: Quantity, scenario: str, reference: str) -> tuple[float, float]:
        return (
            quantity_level(q, *solved[reference]),
            quantity_level(q, *solved[scenario]),
        )

    rows = []
    for c in file.comparisons:
        before, after = levels(c.quantity, c.preset, c.reference)
        model = quantity_change(c.quantity, after, before)
        rows.append(
            {
                "id": c.id,
                "observation": c.observation,
                "preset": c.preset,
                "reference": c.reference,
                "compare": c.compare,
                "unit": c.unit,
                "observed": c.observed,
                "observed_before": c.observed_before,
                "observed_after": c.observed_after,
                "model": model,
                "model_before": before,
                "model_after": after,
                "same_direction": bool(np.sign(model) == np.sign(c.observed) != 0),
                "lacks": c.lacks,
                "source": evidence.observations[c.observation].source,
                "date": evidence.observations[c.observation].date,
            }
        )
    lit = []
    for p in file.literature:
        before, after = levels(p.quantity, _scenario_key(p), p.reference)
        model = quantity_change(p.quantity, after, before)
        study = evidence.literature[p.study]
        lit.append(
            {
                "id": p.id,
                "study": p.study,
                "preset": p.preset,
                "unit": p.unit,
                "model": model,
                "published_low": p.published_low,
                "published_high": p.published_high,
                "published_sign": p.published_sign,
                "agrees": p.agrees(model),
                "model_type": study.model,
                "source": study.source,
                "date": study.date,
            }
        )
    return RealityCheck(pd.DataFrame(rows), pd.DataFrame(lit), file, evidence)


@functools.lru_cache(maxsize=4)
def evaluate_once(baseline: Baseline) -> RealityCheck:
    """:func:`evaluate` for the built-in presets on ``baseline``, computed once per
    baseline object (a Baseline hashes by identity); callers must not change
    the frames it returns."""
    return evaluate(baseline)


def _scenario_key(p: Published) -> str:
    return p.preset or f"levers:{p.id}"


def _tables(sim: Simulation, b: int) -> tuple[pd.DataFrame, dict[str, float]]:
    """Element ``b``'s bilateral flows and welfare index by region and world."""
    welfare = 1 + sim.equilibrium.welfare_change_pct[b] / 100
    index = {r: float(w) for r, w in zip(sim.baseline.regions, welfare, strict=True)}
    index["world"] = 1 + sim.metrics.scalar("world_welfare_change_pct", b) / 100
    return sim.bilateral_flows(b), index
