"""Share links: a readable, versioned codec between lever values and URL parameters.

A link names a base preset and only the levers that differ from it::

    ?v=1&p=oct_2022_rule&fence=300&nld=0.7

``v`` is the link format version, ``p`` the base preset id, and every other key a
lever, by its short alias (:data:`ALIASES`) or its full name. Decoding never fails:
an unknown preset, an unknown key or a bad value is dropped with a warning that
names it, and the valid rest is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from model.levers import LEVERS_BY_NAME, Levers, LeverValue

LINK_VERSION = "1"
VERSION_KEY = "v"
PRESET_KEY = "p"
UI_KEYS = frozenset({"view", "lang", "step", "tab", "base"})
"""Parameters of the page itself (seminar view, language...), not of the scenario."""

MAX_VALUE_LENGTH = 64
MAX_WARNING_VALUE = 40

ALIASES: dict[str, str] = {
    "scope_ai_chips": "ai",
    "scope_sme": "sme",
    "scope_chips": "chips",
    "scope_telecom": "telecom",
    "scope_ict_hw": "ict",
    "scope_frontier": "frontier",
    "fence_pct": "fence",
    "prohibitive": "deny",
    "evasion": "evasion",
    "fence_rule_ai_chips": "ai_rule",
    "fence_pct_ai_chips": "ai_fence",
    "fence_rule_sme": "sme_rule",
    "fence_pct_sme": "sme_fence",
    "fence_rule_chips": "chips_rule",
    "fence_pct_chips": "chips_fence",
    "fence_rule_telecom": "telecom_rule",
    "fence_pct_telecom": "telecom_fence",
    "fence_rule_ict_hw": "ict_rule",
    "fence_pct_ict_hw": "ict_fence",
    "fence_rule_frontier": "frontier_rule",
    "fence_pct_frontier": "frontier_fence",
    "participation_nld": "nld",
    "participation_jpn": "jpn",
    "participation_kor": "kor",
    "participation_twn": "twn",
    "participation_eur": "eur",
    "fdpr_reach": "fdpr",
    "friendshoring_pct": "friends",
    "us_tariff_pct": "ustariff",
    "china_retaliation_pct": "cntariff",
    "chips_act_capacity_pct": "chipsact",
    "china_rd_push_pct": "rd",
    "belt_road_pct": "bri",
    "elasticities": "theta",
    "supply_chains": "io",
    "market_growth": "market",
}
"""Short URL key of every lever (the full lever name is accepted too)."""

_LEVER_OF_KEY = {alias: name for name, alias in ALIASES.items()} | {
    name: name for name in LEVERS_BY_NAME
}


@dataclass(frozen=True)
class DecodedLink:
    """What a link asks for: a base preset, lever values, and what was dropped."""

    preset: str | None
    levers: Levers  # every lever: base preset's values + changes
    warnings: list[str] = field(default_factory=list)
    codes: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    """The warnings in structured form, for translation: (message key, fields),
    the key under ``messages.`` of the dashboard's texts (``link_version``, ...)."""


def format_value(value: LeverValue) -> str:
    """URL text of a lever value: shortest exact float, 1/0 for on/off."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        text = repr(value)
        return text.removesuffix(".0")
    return str(value)


def encode(
    levers: Levers, preset: str | None = None, base: Levers | None = None
) -> dict[str, str]:
    """Query parameters for ``levers`` relative to preset ``preset`` (values ``base``).

    Without a preset the base is the lever defaults. Keys come in lever-table order.
    """
    reference = base or Levers()
    params = {VERSION_KEY: LINK_VERSION}
    if preset:
        params[PRESET_KEY] = preset
    for name in LEVERS_BY_NAME:
        value = levers[name]
        if value != reference[name]:
            params[ALIASES[name]] = format_value(value)
    return params


def _parse(name: str, text: str) -> LeverValue:
    """Lever value from URL text; ValueError (the lever table's message) if bad."""
    lever = LEVERS_BY_NAME[name]
    if lever.kind == "bool":
        value: object = {"1": True, "true": True, "0": False, "false": False}.get(
            text.lower(), text
        )
    elif lever.kind == "choice":
        value = text
    else:
        try:
            value = float(text)
        except ValueError:
            value = text
    return lever.validate(value)


def _shown(text: str) -> str:
    """A value as quoted in a warning: shortened, control characters escaped."""
    short = text if len(text) <= MAX_WARNING_VALUE else text[:MAX_WARNING_VALUE] + "..."
    return repr(short)


def decode(
    params: Mapping[str, str | list[str]],
    presets: Mapping[str, Levers],
    fallback: str | None = None,
) -> DecodedLink:
    """Lever values from query parameters; never raises.

    Parameters
    ----------
    params : mapping of key to value (or list of values; the last one counts)
        The URL's query parameters.
    presets : mapping of preset id to that preset's levers
        The presets a link may name as its base.
    fallback : preset id, optional
        The base of a link that names no preset or an unknown one, so that the
        returned preset always names the levers' base; None: the lever defaults
        (and no preset).
    """
    warnings: list[str] = []
    codes: list[tuple[str, dict[str, str]]] = []
    get = {k: (v[-1] if isinstance(v, list) else v) for k, v in params.items() if v}
    version = get.pop(VERSION_KEY, LINK_VERSION)
    if version != LINK_VERSION:
        warnings.append(
            f"link version {_shown(version)} is not {LINK_VERSION}; read it as "
            f"version {LINK_VERSION}"
        )
        codes.append(
            ("link_version", {"version": _shown(version), "expected": LINK_VERSION})
        )
    preset = get.pop(PRESET_KEY, None)
    changes: dict[str, LeverValue] = {}
    if fallback not in presets:
        fallback = None
    if preset is not None and preset not in presets:
        start = "the defaults" if fallback is None else f"preset {fallback!r}"
        warnings.append(
            f"unknown preset {_shown(preset)} ignored; starting from {start}"
        )
        codes.append(
            ("link_unknown_preset", {"preset": _shown(preset), "start": fallback or ""})
        )
        preset = None
    preset = preset or fallback
    for key, text in get.items():
        if key in UI_KEYS:
            continue
        name = _LEVER_OF_KEY.get(key)
        if name is None:
            warnings.append(f"unknown parameter {_shown(key)} ignored")
            codes.append(("link_unknown_parameter", {"key": _shown(key)}))
        elif len(text) > MAX_VALUE_LENGTH:
            warnings.append(
                f"{key}: value longer than {MAX_VALUE_LENGTH} characters ignored"
            )
            codes.append(
                ("link_too_long", {"key": key, "limit": str(MAX_VALUE_LENGTH)})
            )
        else:
            try:
                changes[name] = _parse(name, text)
            except ValueError as error:
                problem = str(error).removeprefix(name).removeprefix(" = ")
                warnings.append(f"{key}: ignored, {problem.strip()}")
                codes.append(
                    ("link_bad_value", {"key": key, "problem": problem.strip()})
                )
    base = Levers() if preset is None else presets[preset]
    return DecodedLink(
        preset=preset, levers=base | changes, warnings=warnings, codes=codes
    )
