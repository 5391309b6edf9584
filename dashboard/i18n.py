"""Every user-visible text in English and Simplified Chinese, from data files.

The texts live in ``dashboard/content/i18n/<lang>.json``, nested by area (``ui``,
``tabs``, ``kpi``, ``charts``, ``levers``, ``metrics``, ``regions``, ...) and
addressed by a dotted key: ``t("ui.title", "zh")``. Both files have exactly the
same keys, and every text is a :meth:`str.format` template whose fields are the
same in both languages (literal braces, as in Plotly's ``%{x}``, are doubled:
``%{{x}}``). Pure Python: never imports streamlit.

Missing texts
    In strict mode a missing key or template field raises ``KeyError``. Otherwise
    the English text is used, then the key itself: a missing translation never
    crashes the app. Strict mode is on when the environment variable
    ``DECOUPLING_I18N_STRICT`` is set to anything but ``""``, ``0``, ``false`` or
    ``no``, and off when it is unset (the app's own default). The tests switch it
    on: tests/conftest.py sets ``DECOUPLING_I18N_STRICT=1`` unless the caller set
    it, for the test process and the servers and subprocesses the tests start.

Keys in the source
    Keep keys as literals (``t("ui.title", lang)``, a constant or a table, or an
    f-string whose literal prefix ends in a dot, ``t(f"tabs.{name}", lang)``), not
    built by ``+`` or ``%``: the test that every key is used finds them by parsing
    the source (tests/support/i18n_keys.py, which also knows the key families the
    helpers below derive, such as ``regions.*`` for :func:`region`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "zh")
DEFAULT_LANGUAGE = "en"
HTML_LANG: dict[str, str] = {"en": "en", "zh": "zh-CN"}
"""The language tag of each language, for ``<html lang=...>``."""

CONTENT_DIR = Path(__file__).resolve().parent / "content"
I18N_DIR = CONTENT_DIR / "i18n"
STRICT_ENV = "DECOUPLING_I18N_STRICT"

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_FORMATTER = string.Formatter()


# --- loading ------------------------------------------------------------------------


def normalise(lang: object) -> str:
    """A supported language code: "zh", "zh-CN", "zh_Hans" -> "zh"; else "en"."""
    text = str(lang or "").strip().lower().replace("_", "-")
    code = text.split("-", 1)[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested texts -> ``{"a.b.c": text}``; ValueError on a non-text leaf."""
    flat: dict[str, str] = {}
    for name, value in tree.items():
        if "." in name or not name:
            raise ValueError(f"bad key part {prefix + name!r}: empty or with a dot")
        key = prefix + name
        if isinstance(value, Mapping):
            flat |= flatten(value, key + ".")
        elif isinstance(value, str):
            flat[key] = value
        else:
            raise ValueError(f"{key}: expected a text or an object, got {value!r}")
    return flat


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every text of a language, by dotted key (read once per process)."""
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    path = I18N_DIR / f"{lang}.json"
    tree = json.loads(path.read_text(encoding="utf-8"))
    tree.pop("about", None)
    return flatten(tree)


def keys(lang: str = DEFAULT_LANGUAGE) -> set[str]:
    """Every key of a language's file."""
    return set(catalog(lang))


def has(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    return key in catalog(normalise(lang))


def fields(template: str) -> set[str]:
    """The names of a template's ``{fields}`` (ValueError if it does not parse)."""
    return {
        name.split(".", 1)[0].split("[", 1)[0]
        for _, name, _, _ in _FORMATTER.parse(template)
        if name is not None
    }


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def strict() -> bool:
    """Raise on missing texts? See the module docstring."""
    setting = os.environ.get(STRICT_ENV)
    return setting is not None and setting.strip() not in ("", "0", "false", "no")


# --- looking texts up ---------------------------------------------------------------


def t(key: str, lang: str, /, **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``values`` filled into its fields.

    Strict mode: ``KeyError`` if the key or a field is missing. Otherwise the
    English text stands in for a missing translation, and the key itself for a
    missing text; a template that cannot be filled is shown unfilled.
    """
    lang = normalise(lang)
    unfilled: str | None = None
    for candidate in dict.fromkeys((lang, DEFAULT_LANGUAGE)):
        template = catalog(candidate).get(key)
        if template is None:
            if strict():
                raise KeyError(f"no text {key!r} in {candidate}.json")
            continue
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError, AttributeError) as error:
            if strict():
                raise KeyError(
                    f"text {key!r} in {candidate}.json cannot be filled "
                    f"with {sorted(values)}: {error!r}"
                ) from None
            unfilled = unfilled or template
    return unfilled if unfilled is not None else key


def _lookup(key: str, lang: str, default: str) -> str:
    """A text that may legitimately be absent (codes outside the tables)."""
    lang = normalise(lang)
    for candidate in dict.fromkeys((lang, DEFAULT_LANGUAGE)):
        if key in catalog(candidate):
            return t(key, candidate)
    return default


def slug(text: str) -> str:
    """The key part of a free text: "ECCN 3A090" -> "eccn_3a090", "%" -> "pct"."""
    text = text.replace("%", " pct ").replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "_"


def language_name(lang: str) -> str:
    """A language's name in that language: "English", "简体中文"."""
    return t("meta.language_name", normalise(lang))


def region(code: str, lang: str) -> str:
    """A region's name ("CHN" -> "China (mainland)" / "中国大陆"); unknown: the code."""
    return _lookup(f"regions.{code}", lang, code)


def sector(code: str, lang: str) -> str:
    """A sector's name ("sme" -> "Semiconductor equipment"); unknown: the code."""
    return _lookup(f"sectors.{code}", lang, code)


def lever_label(name: str, lang: str) -> str:
    """The widget label of a lever of ``model.levers.LEVERS``."""
    return _lookup(f"levers.{name}.label", lang, name)


def lever_help(name: str, lang: str) -> str:
    """What a lever means (the lever table's ``meaning``), one or two sentences."""
    return _lookup(f"levers.{name}.help", lang, "")


def unit(text: str, lang: str) -> str:
    """A unit of the lever, metric or output tables ("USD bn", "share", ...)."""
    return _lookup(f"units.{slug(text)}", lang, text)


def lever_unit(name: str, lang: str) -> str:
    """The unit of a lever, translated."""
    from model.levers import LEVERS_BY_NAME

    lever = LEVERS_BY_NAME.get(name)
    return unit(lever.unit, lang) if lever is not None else ""


def choice(lever: str, value: object, lang: str) -> str:
    """A choice of a choice lever ("elasticities", "short_run" -> "one-year")."""
    return _lookup(f"choices.{lever}.{value}", lang, str(value))


def group_title(group: str, lang: str) -> str:
    """The title of a lever group of ``model.levers.GROUPS``."""
    return _lookup(f"groups.{group}", lang, group)


def metric_label(name: str, lang: str) -> str:
    """The label of a metric of ``model.metrics.METRICS``."""
    return _lookup(f"metrics.{name}.label", lang, name)


def metric_definition(name: str, lang: str) -> str:
    """A metric's one-line definition (Method tab)."""
    return _lookup(f"metrics.{name}.definition", lang, "")


def output_label(name: str, lang: str) -> str:
    """The label of a yearly output of ``model.decade_outputs.OUTPUTS`` (metrics among
    them keep their metric label)."""
    if has(f"outputs.{name}.label", DEFAULT_LANGUAGE):
        return t(f"outputs.{name}.label", lang)
    return metric_label(name, lang)


def dynamic_parameter(name: str, field: str, lang: str) -> str:
    """``label`` or ``reasoning`` of a parameter of ``model.dynamic_parameters``."""
    return _lookup(f"dynamic.{name}.{field}", lang, "")


@cache
def _data_table(lang: str) -> dict[str, dict[str, str]]:
    path = I18N_DIR / f"{lang}_data.json"
    if not path.exists():
        return {}
    tables = json.loads(path.read_text(encoding="utf-8"))
    return {kind: table for kind, table in tables.items() if isinstance(table, dict)}


def data_text(kind: str, text: str, lang: str) -> str:
    """A data-derived text in ``lang``: its translation in
    ``content/i18n/<lang>_data.json`` under ``kind`` ("caveats", "quality",
    "sources", "rationale", "trend_sources"), keyed by the English source text;
    else the English source (the data files and presets stay the single truth)."""
    if lang == DEFAULT_LANGUAGE:
        return text
    return _data_table(lang).get(kind, {}).get(text, text)


_LEVER_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"must be true or false, got (?P<got>.+)"), "messages.lever_bool"),
    (
        re.compile(r"must be one of (?P<choices>.+); got (?P<got>.+)"),
        "messages.lever_choice",
    ),
    (re.compile(r"must be a number, got (?P<got>.+)"), "messages.lever_number"),
    (
        re.compile(
            r"(?P<got>.+) is outside its range "
            r"\[(?P<low>[^,\]]+), (?P<high>[^\]]+)\] \((?P<unit>.+)\)"
        ),
        "messages.lever_range",
    ),
)
"""The forms of ``model.levers.Lever.validate``'s messages (lever name removed)."""


def lever_problem(problem: str, lang: str) -> str:
    """A lever value's validation message, as a share link's warning quotes it
    (``model.levers`` words it in English), in ``lang``: the values, choices and
    bounds as given, the unit translated; an unknown form stays as it is."""
    for pattern, key in _LEVER_PROBLEMS:
        match = pattern.fullmatch(problem)
        if match:
            fields = match.groupdict()
            if "unit" in fields:
                fields["unit"] = unit(fields["unit"], lang)
            if "choices" in fields and lang != DEFAULT_LANGUAGE:
                fields["choices"] = "、".join(fields["choices"].split(", "))
            return t(key, lang, **fields)
    return problem


def preset_text(preset_id: str, field: str, lang: str, default: str) -> str:
    """``name`` or ``description`` of a built-in preset in ``lang``.

    A user preset (no key for its id) keeps its own text, ``default``.
    """
    return _lookup(f"presets.{preset_id}.{field}", lang, default)


def scenario_text(scenario: object, field: str, lang: str) -> str:
    """``name`` or ``description`` of a scenario in ``lang``: translated only when
    it is a built-in preset's own text (an edited or user copy keeps its text)."""
    own = str(getattr(scenario, field, "") or "")
    preset_id = str(getattr(scenario, "id", ""))
    if own != _lookup(f"presets.{preset_id}.{field}", DEFAULT_LANGUAGE, own + "\0"):
        return own
    return preset_text(preset_id, field, lang, own)


def equation_caption(part: str, index: int, lang: str, default: str = "") -> str:
    """The caption of equation ``index`` of ``part`` in content/equations.json."""
    return _lookup(f"equations.{part}.{index}", lang, default)


@cache
def _content(name: str) -> dict[str, Any]:
    return json.loads((CONTENT_DIR / f"{name}.json").read_text(encoding="utf-8"))


def glossary(lang: str) -> list[dict[str, str]]:
    """The glossary of content/glossary.json in ``lang``, in its order.

    Each term is keyed by the slug of its English name
    (``glossary.<slug>.term|meaning|model``); an untranslated term keeps its text.
    """
    out = []
    for item in _content("glossary")["terms"]:
        base = f"glossary.{slug(item['term'])}"
        out.append(
            {
                field: _lookup(f"{base}.{field}", lang, item.get(field, ""))
                for field in ("term", "meaning", "model")
            }
        )
    return out


def limitations(lang: str) -> list[dict[str, str]]:
    """The limitations of content/limitations.json in ``lang``, in order
    (``limitations.<slug of the English title>.title|text``)."""
    out = []
    for item in _content("limitations")["items"]:
        base = f"limitations.{slug(item['title'])}"
        out.append(
            {
                field: _lookup(f"{base}.{field}", lang, item[field])
                for field in ("title", "text")
            }
        )
    return out


# --- numbers and dates --------------------------------------------------------------


def _finite(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _digits(value: float, digits: int, signed: bool) -> str:
    rounded = round(value, digits) + 0.0  # no "-0.00"
    sign = "+" if signed and rounded else ""  # nor "+0.00"
    return f"{rounded:{sign},.{digits}f}"


def format_number(
    value: object, lang: str, digits: int = 2, *, signed: bool = False
) -> str:
    """A number with thousands separators; "n/a" (不适用) when undefined."""
    number = _finite(value)
    if number is None:
        return t("format.na", lang)
    return _digits(number, digits, signed)


def format_percent(
    value: object,
    lang: str,
    digits: int = 1,
    *,
    signed: bool = True,
    share: bool = False,
) -> str:
    """A percentage ("+1.2%"); ``share=True`` for a 0-1 share (0.25 -> "25.0%")."""
    number = _finite(value)
    if number is None:
        return t("format.na", lang)
    return _digits(100 * number if share else number, digits, signed) + "%"


def format_pp(value: object, lang: str, digits: int = 1) -> str:
    """A difference of percentages: "+1.2 pp" / "+1.2个百分点"."""
    number = _finite(value)
    if number is None:
        return t("format.na", lang)
    return t("format.pp", lang, value=_digits(number, digits, True))


USD_BN_SCALE = {"zh": 10.0}
"""Written amounts per USD bn in each language: Chinese readers count money in
亿 (10^8), so 1 USD bn is written 10亿美元."""


def format_usd_bn(
    value: object, lang: str, digits: int = 2, *, signed: bool = True
) -> str:
    """Billions of U.S. dollars as readers of ``lang`` write them: "+1.23 USD bn";
    in Chinese in 亿美元, the number times ten with one decimal fewer
    ("+12.3亿美元"), the same precision. (Chart axes stay in USD bn.)"""
    number = _finite(value)
    if number is None:
        return t("format.na", lang)
    scale = USD_BN_SCALE.get(lang, 1.0)
    if scale != 1.0:
        number, digits = number * scale, max(digits - 1, 0)
    return t("format.usd_bn", lang, value=_digits(number, digits, signed))


def format_date(date: object, lang: str) -> str:
    """A date as people write it: "17 October 2023" / "2023年10月17日".

    Accepts a ``date`` or ``datetime``, ISO text ("2023-10-17", "2023-10",
    "2023") or a year; None -> "not dated"; anything else is shown as text.
    """
    if date is None or date == "":
        return t("format.undated", lang)
    if isinstance(date, dt.datetime):
        date = date.date()
    if isinstance(date, dt.date):
        year, month, day = date.year, date.month, date.day
    elif isinstance(date, int) and not isinstance(date, bool):
        year, month, day = date, None, None
    else:
        match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", str(date))
        if match is None:
            return str(date)
        year = int(match[1])
        month = int(match[2]) if match[2] else None
        day = int(match[3]) if match[3] else None
        if month is not None and not 1 <= month <= 12:
            return str(date)
    if month is None:
        return t("format.year", lang, year=year)
    month_name = t(f"format.months.{month}", lang)
    if day is None:
        return t("format.month_year", lang, year=year, month_name=month_name)
    return t("format.date", lang, year=year, month_name=month_name, day=day)
