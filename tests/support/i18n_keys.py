"""Which translation keys the dashboard's source uses (:func:`used_keys`), for the
"every key is used" tests in tests/test_i18n.py.

The dashboard's Python source (``app.py`` and ``dashboard/**/*.py``) is parsed
with :mod:`ast`, never imported. A key counts as used when

* a string literal equals it: ``t("ui.title", lang)``, but also a key kept in
  a constant or a table (``LABELS = {"x": "kpi.x.label"}``);
* an f-string starts with a literal prefix ending in a dot,
  ``t(f"tabs.{name}", lang)``: every key under that prefix;
* it belongs to a family that one of the helpers of :mod:`dashboard.i18n`
  derives from the model's tables or the content files (``regions.*`` for
  ``region``, ``levers.*`` for ``lever_label`` and ``lever_help``, ...; see
  :data:`HELPER_FAMILIES`) and that helper is called somewhere in the source,
  as ``i18n.region(...)`` or as ``region(...)`` imported from the module.

Keeping keys as literals (not built by ``+`` or ``%``) is all a caller has to
do for the "every key is used" test to see them. A new helper of
:mod:`dashboard.i18n` that derives keys needs its entry in
:data:`HELPER_FAMILIES`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from dashboard import i18n

ROOT = Path(__file__).resolve().parents[2]
MODULE = "dashboard.i18n"

SOURCE_GLOBS: tuple[str, ...] = ("app.py", "dashboard/**/*.py")
"""The source files :func:`used_keys` scans, relative to the project root."""

HELPER_FAMILIES: dict[str, tuple[str, ...]] = {
    "region": ("regions.",),
    "sector": ("sectors.",),
    "lever_label": ("levers.",),
    "lever_help": ("levers.",),
    "lever_unit": ("units.",),
    "unit": ("units.",),
    "choice": ("choices.",),
    "group_title": ("groups.",),
    "metric_label": ("metrics.",),
    "metric_definition": ("metrics.",),
    "output_label": ("outputs.",),
    "dynamic_parameter": ("dynamic.",),
    "lever_problem": ("messages.lever_",),
    "preset_text": ("presets.",),
    "glossary": ("glossary.",),
    "limitations": ("limitations.",),
    "equation_caption": ("equations.",),
    "format_number": ("format.na",),
    "format_percent": ("format.na",),
    "format_pp": ("format.na", "format.pp"),
    "format_usd_bn": ("format.na", "format.usd_bn"),
    "format_date": (
        "format.date",
        "format.month_year",
        "format.year",
        "format.months.",
        "format.undated",
    ),
    "language_name": ("meta.language_name",),
}
"""Key families reached through a helper: counted as used when it is called."""


def source_files(root: Path = ROOT) -> list[Path]:
    """The files :func:`used_keys` scans (:data:`SOURCE_GLOBS`)."""
    found: dict[Path, None] = {}
    for pattern in SOURCE_GLOBS:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                found[path] = None
    return list(found)


def _called_helpers(tree: ast.AST) -> set[str]:
    """The helpers of :mod:`dashboard.i18n` that a source file calls:
    ``i18n.region(...)`` (the module imported under any name) or ``region(...)``
    imported from it."""
    modules: set[str] = set()
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "dashboard":
            modules |= {a.asname or a.name for a in node.names if a.name == "i18n"}
        elif isinstance(node, ast.ImportFrom) and node.module == MODULE:
            names |= {a.asname or a.name: a.name for a in node.names}
        elif isinstance(node, ast.Import):
            modules |= {a.asname for a in node.names if a.name == MODULE and a.asname}
    called = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in names:
            called.add(names[func.id])
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in modules
        ):
            called.add(func.attr)
    return called


def _literals(tree: ast.AST) -> tuple[set[str], set[str]]:
    """String constants, and the literal prefixes of f-strings."""
    constants, prefixes = set(), set()
    formatted = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                if first.value.endswith("."):
                    prefixes.add(first.value)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in formatted
        ):
            constants.add(node.value)
    return constants, prefixes


def used_keys(
    files: Iterable[Path] | None = None, known: Iterable[str] | None = None
) -> set[str]:
    """The keys of ``known`` (default: every English key) that the source uses.

    See the module docstring for the rules. The i18n module itself is not
    scanned: its helpers count through :data:`HELPER_FAMILIES`, not by their
    own code.
    """
    all_keys = set(known if known is not None else i18n.keys(i18n.DEFAULT_LANGUAGE))
    this = Path(i18n.__file__).resolve()
    constants: set[str] = set()
    prefixes: set[str] = set()
    called: set[str] = set()
    for path in files if files is not None else source_files():
        if Path(path).resolve() == this:
            continue
        tree = ast.parse(Path(path).read_text(encoding="utf-8"), str(path))
        found, starts = _literals(tree)
        constants |= found
        prefixes |= starts
        called |= _called_helpers(tree)
    for helper, families in HELPER_FAMILIES.items():
        if helper in called:
            prefixes.update(families)
    used = all_keys & constants
    for prefix in prefixes:
        used |= {k for k in all_keys if k == prefix or k.startswith(prefix)}
    return used
