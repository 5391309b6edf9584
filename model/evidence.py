"""Load and validate the evidence the Reality check sets the model against.

``assets/data/evidence`` holds two CSV files, each with a ``<stem>.meta.json``
provenance sidecar (title, where the file came from, what every column is, the
units, and the file's sha256), copied from the project's evidence folder:

- ``observations.csv``: what happened in 2022-2025 (customs data, company filings,
  a study), one row per observation ``O01``..: id, what, period, value, unit,
  compare_with, source, date;
- ``literature.csv``: published model results, one row per result ``L01``..: id,
  scenario, result, value, unit, model, source, date.

Values stay text, as reported (a range such as ``-0.2 to -7`` or several regions'
figures ``-2.27 / -0.76 / -0.48``): the numbers the app compares are transcribed,
with the row they come from, in the comparison file that
:mod:`scenarios.reality` reads. This module only reads and checks the evidence;
it knows nothing of presets.

Every problem raises a ``ValueError`` naming the file, the CSV line (header =
line 1) and the field.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

DEFAULT_EVIDENCE_DIR: Path = (
    Path(__file__).resolve().parents[1] / "assets/data/evidence"
)
"""Folder of the shipped evidence: ``<repo>/assets/data/evidence``."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Date = Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    value: Text
    unit: Text
    source: Text
    date: Date


RowT = TypeVar("RowT", bound=_Row)


class Observation(_Row):
    """One observed figure: ``value`` (text, as reported) in ``unit`` for
    ``period``, the source's own comparison ``compare_with``, and who reported it
    (``source``) when (``date``)."""

    id: Annotated[str, StringConstraints(pattern=r"^O\d{2}$")]
    what: Text
    period: Text
    compare_with: Text


class Study(_Row):
    """One published model result: the study's ``scenario``, the ``result`` it
    measures, its ``value`` (text) in ``unit``, the kind of ``model`` and the
    ``source``."""

    id: Annotated[str, StringConstraints(pattern=r"^L\d{2}$")]
    scenario: Text
    result: Text
    model: Text


@dataclass(frozen=True)
class Evidence:
    """The validated evidence: rows by id, in file order, and the parsed sidecars
    (``"observations"``, ``"literature"``)."""

    observations: Mapping[str, Observation]
    literature: Mapping[str, Study]
    provenance: Mapping[str, Mapping[str, object]]


def _read(
    folder: Path, stem: str, row_type: type[RowT]
) -> tuple[dict[str, RowT], dict]:
    """Rows of ``<stem>.csv`` by id and its sidecar; ValueError on any problem."""
    file, meta_file = f"{stem}.csv", f"{stem}.meta.json"
    try:
        raw = (folder / file).read_bytes()
        meta = json.loads((folder / meta_file).read_text(encoding="utf-8"))
        columns, expected_sha = list(meta["columns"]), meta["sha256"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ValueError(
            f"{folder / stem}: cannot read the file or sidecar ({err!r})"
        ) from err
    actual_sha = hashlib.sha256(raw).hexdigest()
    if actual_sha != expected_sha:
        raise ValueError(
            f"{file}: sha256 {actual_sha} differs from {expected_sha} in "
            f"{meta_file}: edited without updating its sidecar"
        )
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    if reader.fieldnames != columns:
        raise ValueError(
            f"{file}: line 1: columns {reader.fieldnames} differ from the sidecar's "
            f"{columns}"
        )
    rows: dict[str, RowT] = {}
    for line, record in enumerate(reader, start=2):
        try:
            row = row_type(**record)
        except ValidationError as err:
            first = err.errors()[0]
            field = ".".join(str(part) for part in first["loc"])
            raise ValueError(f"{file}: line {line}: {field}: {first['msg']}") from None
        row_id = record["id"]
        if row_id in rows:
            raise ValueError(f"{file}: line {line}: id: {row_id} appears twice")
        rows[row_id] = row
    return rows, meta


def load_evidence(folder: Path | str | None = None) -> Evidence:
    """Read and check ``observations.csv`` and ``literature.csv`` with their
    sidecars from ``folder`` (default :data:`DEFAULT_EVIDENCE_DIR`).

    Raises
    ------
    ValueError
        A missing or unreadable file, a sha256 that differs from the sidecar's,
        columns other than the sidecar's, an empty field, a malformed id or date,
        or an id listed twice.
    """
    root = Path(folder) if folder is not None else DEFAULT_EVIDENCE_DIR
    observations, obs_meta = _read(root, "observations", Observation)
    literature, lit_meta = _read(root, "literature", Study)
    return Evidence(
        observations=MappingProxyType(observations),
        literature=MappingProxyType(literature),
        provenance=MappingProxyType({"observations": obs_meta, "literature": lit_meta}),
    )
