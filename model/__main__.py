"""``python -m model``: the command line of :mod:`model.cli`, with presets.

This entry point is the one place in ``model/`` that imports :mod:`scenarios`: it
wires the preset store into the command line (the ruff rule that bans
``scenarios`` imports in ``model/`` exempts this file, see pyproject.toml). The
library modules never see the store; :func:`model.cli.main` takes it as a
:class:`model.cli.PresetSource`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from model import cli
from model.levers import Levers
from scenarios.schema import ID_PATTERN, scenario_from_dict
from scenarios.store import PresetStore


def _find(spec: str) -> Levers | None:
    store = PresetStore()
    if not re.fullmatch(ID_PATTERN, spec) or store.origin(spec) is None:
        return None
    return store.load(spec).levers()


def _parse(values: Mapping[str, object]) -> Levers:
    return scenario_from_dict(values).levers()


PRESETS = cli.PresetSource(find=_find, parse=_parse)


def main(argv: Sequence[str] | None = None) -> int:
    """:func:`model.cli.main` with the built-in and user presets."""
    return cli.main(argv, PRESETS)


if __name__ == "__main__":
    raise SystemExit(main())
