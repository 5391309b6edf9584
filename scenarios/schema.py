"""The Scenario schema: a named, cited set of lever values.

A :class:`Scenario` holds the metadata of a preset (id, name, description, the date
of the policy state, citations, a rationale for each lever it sets) and every lever
of :data:`model.levers.LEVERS` as a field with that lever's type, range and default.
The lever fields are generated from the lever table, so the table stays the one
definition of names, units, ranges and defaults. A preset file lists only the levers
that differ from their defaults.

Validation errors are reported one per line as ``field: problem``, naming the value
and the allowed range, e.g. ``fence_pct: 501 is outside its range [0, 500] (% tariff
equivalent)``.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StrictBool,
    ValidationError,
    create_model,
    field_validator,
)

from model.jsonio import DuplicateKeyError, reject_duplicate_keys
from model.levers import LEVERS, LEVERS_BY_NAME, Lever, Levers, LeverValue

SCHEMA_VERSION: Literal[1] = 1
ID_PATTERN = r"^[a-z0-9][a-z0-9_]{0,63}$"
METADATA_FIELDS = (
    "schema_version",
    "id",
    "name",
    "description",
    "as_of",
    "citations",
    "rationale",
)


MAX_PROBLEMS = 20
"""At most this many problems are reported (then a count of the rest)."""
MAX_PROBLEM_CHARS = 200
"""A problem line longer than this is cut (a pasted value can be 64 KB long)."""
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Invisible characters that reorder the text around them (spoofing)."""


def control_character(text: str, allowed: str = "") -> str | None:
    """The first control or bidi-override character of ``text`` not in ``allowed``."""
    for char in text:
        if char in allowed:
            continue
        if unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS:
            return char
    return None


def _printable(text: str, allowed: str = "") -> str:
    """``text`` if it has no control characters (but ``allowed``), else ValueError."""
    char = control_character(text, allowed)
    if char is not None:
        raise ValueError(
            f"contains the control character U+{ord(char):04X}; use printable text"
        )
    return text


class ScenarioError(ValueError):
    """A scenario that does not validate; ``problems`` lists ``field: problem``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _lever_field(lever: Lever) -> tuple[Any, Any]:
    """Pydantic type and FieldInfo of one lever, with its range in the JSON Schema."""
    extra: dict[str, JsonValue] = {"unit": lever.unit, "group": lever.group}
    if lever.kind == "bool":
        kind: Any = StrictBool
    elif lever.kind == "choice":
        kind = Literal[lever.choices]
    else:
        kind = Annotated[float, Field(strict=True, ge=lever.minimum, le=lever.maximum)]
    return kind, Field(
        default=lever.default,
        title=lever.label,
        description=f"{lever.meaning} [{lever.unit}]",
        json_schema_extra=extra,
    )


class _ScenarioBase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    schema_version: Literal[1] = Field(
        default=SCHEMA_VERSION, description="Version of this schema."
    )
    id: str = Field(
        pattern=ID_PATTERN,
        description="Stable identifier: lower-case letters, digits and underscores; "
        "the file name without .json.",
    )
    name: str = Field(min_length=1, max_length=120, description="What the UI shows.")
    description: str = Field(default="", max_length=2000)
    as_of: dt.date | int | None = Field(
        default=None,
        description="Date (YYYY-MM-DD) or year of the policy state the scenario "
        "describes.",
    )
    citations: tuple[str, ...] = Field(
        default=(),
        description="Sources: the paper's reference numbers and the "
        "calibration's source ids, with a short title.",
    )
    rationale: dict[str, str] = Field(
        default_factory=dict,
        description="For each lever the scenario sets: why this value, naming the "
        "fact used.",
    )

    @field_validator("rationale")
    @classmethod
    def _rationale_names_levers(cls, rationale: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(rationale) - set(LEVERS_BY_NAME))
        if unknown:
            raise ValueError(f"names unknown lever(s) {', '.join(unknown)}")
        for text in rationale.values():
            _printable(text, "\n\t")
        return rationale

    @field_validator("name")
    @classmethod
    def _name_is_printable(cls, name: str) -> str:
        return _printable(name)

    @field_validator("description")
    @classmethod
    def _description_is_printable(cls, description: str) -> str:
        return _printable(description, "\n\t")

    @field_validator("citations")
    @classmethod
    def _citations_are_printable(cls, citations: tuple[str, ...]) -> tuple[str, ...]:
        for citation in citations:
            _printable(citation, "\n\t")
        return citations

    def __hash__(self) -> int:  # dict fields: hash the canonical JSON instead
        return hash(self.model_dump_json())

    def levers(self) -> Levers:
        """Every lever's value, defaults included (validated by the schema)."""
        return Levers({lever.name: getattr(self, lever.name) for lever in LEVERS})

    def changed_levers(self) -> dict[str, LeverValue]:
        """Only the levers that differ from their defaults."""
        return self.levers().changed()

    def to_dict(self) -> dict[str, Any]:
        """The file form: metadata, then only the levers that differ from defaults."""
        data = self.model_dump(mode="json", include=set(METADATA_FIELDS))
        data = {
            k: data[k] for k in METADATA_FIELDS if data[k] not in (None, "", [], {})
        }
        return data | self.changed_levers()

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


if TYPE_CHECKING:

    class Scenario(_ScenarioBase):
        """What type checkers see: the lever fields are generated at run time."""

        def __getattr__(self, name: str) -> LeverValue: ...

else:
    Scenario = create_model(
        "Scenario",
        __base__=_ScenarioBase,
        __doc__="A named, cited scenario: metadata plus every policy lever.",
        **{lever.name: _lever_field(lever) for lever in LEVERS},
    )


MESSAGES = {
    ("id", "string_pattern_mismatch"): "must be 1-64 lower-case letters, digits or "
    "underscores, starting with a letter or digit",
    ("schema_version", "literal_error"): f"this version reads schema_version "
    f"{SCHEMA_VERSION} files only",
}
AS_OF_MESSAGE = "must be a date YYYY-MM-DD or a year"


def problems(error: ValidationError) -> list[str]:
    """One ``field: problem`` line per pydantic error, naming value and range.

    Lines are cut at :data:`MAX_PROBLEM_CHARS` and at most :data:`MAX_PROBLEMS`
    are listed, so that a hostile file cannot flood a message.
    """
    cut = MAX_PROBLEM_CHARS - 3
    lines = [
        line if len(line) <= MAX_PROBLEM_CHARS else line[:cut] + "..."
        for line in _problem_lines(error)
    ]
    if len(lines) > MAX_PROBLEMS:
        rest = len(lines) - MAX_PROBLEMS
        lines = [*lines[:MAX_PROBLEMS], f"... and {rest} more problem(s)"]
    return lines


def _problem_lines(error: ValidationError) -> list[str]:
    lines = []
    for item in error.errors():
        loc = item["loc"]
        field = ".".join(str(part) for part in loc) or "scenario"
        lever = LEVERS_BY_NAME.get(str(loc[0])) if loc else None
        given = f", got {item['input']!r}" if item["type"] != "missing" else ""
        if lever is not None and item["type"] != "missing":
            try:
                lever.validate(item["input"])
            except ValueError as detail:  # the lever table's own wording
                text = str(detail).removeprefix(lever.name).removeprefix(" = ")
                lines.append(f"{field}: {text.strip()}")
                continue
        if loc and loc[0] == "as_of":  # a union: one line, not one per member
            line = f"as_of: {AS_OF_MESSAGE}{given}"
            if line not in lines:
                lines.append(line)
        elif item["type"] == "extra_forbidden":
            lines.append(f"{field}: unknown field (not a lever or a metadata field)")
        elif (str(loc[0]) if loc else "", item["type"]) in MESSAGES:
            lines.append(f"{field}: {MESSAGES[str(loc[0]), item['type']]}{given}")
        else:
            message = item["msg"].removeprefix("Value error, ")
            lines.append(f"{field}: {message}{given}")
    return lines


def scenario_from_dict(data: Mapping[str, Any]) -> Scenario:
    """Validate a mapping into a Scenario; ScenarioError lists every problem."""
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as error:
        raise ScenarioError(problems(error)) from None


def scenario_from_json(text: str | bytes) -> Scenario:
    """Validate JSON text (bytes must be UTF-8); ScenarioError for any problem."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        data = json.loads(text, object_pairs_hook=reject_duplicate_keys)
    except UnicodeDecodeError as error:
        raise ScenarioError(
            [f"not UTF-8 text ({error.reason} at byte {error.start})"]
        ) from None
    except json.JSONDecodeError as error:
        raise ScenarioError(
            [
                f"not valid JSON: {error.msg} at line {error.lineno}, "
                f"column {error.colno}"
            ]
        ) from None
    except RecursionError:
        raise ScenarioError(["not valid JSON: nested too deeply"]) from None
    except DuplicateKeyError as error:
        raise ScenarioError([f"{error.key}: the key is given twice"]) from None
    except ValueError as error:  # e.g. an integer of more than 4300 digits
        raise ScenarioError([f"not valid JSON: {error}"]) from None
    if not isinstance(data, dict):
        raise ScenarioError(
            [f"scenario: expected one JSON object, got {type(data).__name__}"]
        )
    return scenario_from_dict(data)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (scenarios/scenario.schema.json)."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Decoupling dashboard scenario"
    return schema
