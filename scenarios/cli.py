"""Command line: ``python -m scenarios``, the built-in and user presets.

``list``                       id, name and origin of every preset; broken files
                               as ``warning: FILE: problem`` on stderr
``show ID``                    the preset's JSON
``validate FILE``              check a preset file: ``FILE: valid (id ...)``
``import FILE [--overwrite]``  copy a preset file into the user folder
``export ID [--out FILE]``     the preset's JSON to stdout or FILE
``rename ID NEW [--name N]``   give a user preset a new id (and name)
``delete ID``                  remove a user preset
``schema [--write]``           the JSON Schema of a preset file, to stdout or to
                               ``scenarios/scenario.schema.json``

Exit status: 0 success; 2 bad input or an operation refused (one line on stderr,
naming the file or preset and the problem).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from model.commandline import EXIT_OK, OneLineParser, fail, parse
from scenarios.schema import ScenarioError, json_schema
from scenarios.store import ENV_VAR, PresetStore, read_preset_file

SCHEMA_FILE = Path(__file__).resolve().parent / "scenario.schema.json"

EPILOG = f"""\
Built-in presets ship with the dashboard and are read-only. User presets are
JSON files in ${ENV_VAR}, by default
$XDG_DATA_HOME/decoupling-dashboard/presets or
~/.local/share/decoupling-dashboard/presets.

Exit status: 0 ok, 2 bad input or refused (one line on stderr)."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m scenarios``."""
    parser = OneLineParser(
        prog="python -m scenarios",
        description="List, check, import, export, rename and delete presets.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str, handler: object) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    command("list", "list the built-in and user presets", _list)
    command("show", "print a preset's JSON", _show).add_argument("id", metavar="ID")
    validate = command("validate", "check a preset file", _validate)
    validate.add_argument("file", metavar="FILE")
    imports = command("import", "copy a preset file into the user folder", _import)
    imports.add_argument("file", metavar="FILE")
    imports.add_argument("--overwrite", action="store_true", help="replace a preset")
    export = command("export", "write a preset's JSON", _export)
    export.add_argument("id", metavar="ID")
    export.add_argument("--out", metavar="FILE", help="file to write (default stdout)")
    rename = command("rename", "give a user preset a new id", _rename)
    rename.add_argument("id", metavar="ID")
    rename.add_argument("new_id", metavar="NEW")
    rename.add_argument("--name", metavar="NAME", help="new display name")
    command("delete", "remove a user preset", _delete).add_argument("id", metavar="ID")
    schema = command("schema", "print the JSON Schema of a preset file", _schema)
    schema.add_argument("--write", action="store_true", help=f"write {SCHEMA_FILE}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (never raises for bad input).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 success, 2 bad input or a refused operation.
    """
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    try:
        return args.handler(args, PresetStore())
    except (ValueError, OSError) as err:  # PresetError and ScenarioError included
        return fail(str(err))


def _list(args: argparse.Namespace, store: PresetStore) -> int:
    entries, broken = store.list()
    rows = [("id", "name", "origin")] + [(e.id, e.name, e.origin) for e in entries]
    widths = [max(len(row[k]) for row in rows) for k in range(2)]
    for preset_id, name, origin in rows:
        print(f"{preset_id:<{widths[0]}}  {name:<{widths[1]}}  {origin}")
    for item in broken:
        print(f"warning: {item.file}: {item.problem}", file=sys.stderr)
    return EXIT_OK


def _show(args: argparse.Namespace, store: PresetStore) -> int:
    sys.stdout.write(store.export_json(args.id))
    return EXIT_OK


def _validate(args: argparse.Namespace, store: PresetStore) -> int:
    try:
        scenario = read_preset_file(args.file)
    except ScenarioError as err:
        return fail(f"{args.file}: {err}")
    print(f"{args.file}: valid (id {scenario.id})")
    return EXIT_OK


def _import(args: argparse.Namespace, store: PresetStore) -> int:
    try:
        scenario = store.import_file(args.file, overwrite=args.overwrite)
    except ScenarioError as err:
        return fail(f"{args.file}: {err}")
    print(f"{args.file}: imported as user preset {scenario.id} into {store.user_dir}")
    return EXIT_OK


def _export(args: argparse.Namespace, store: PresetStore) -> int:
    text = store.export_json(args.id)
    if args.out is None:
        sys.stdout.write(text)
    else:
        _write(Path(args.out), text)
    return EXIT_OK


def _rename(args: argparse.Namespace, store: PresetStore) -> int:
    entry = store.rename(args.id, args.new_id, args.name)
    print(f"renamed user preset {args.id} to {entry.id} ({entry.name})")
    return EXIT_OK


def _delete(args: argparse.Namespace, store: PresetStore) -> int:
    store.delete(args.id)
    print(f"deleted user preset {args.id}")
    return EXIT_OK


def _schema(args: argparse.Namespace, store: PresetStore) -> int:
    text = json.dumps(json_schema(), indent=2) + "\n"
    if args.write:
        _write(SCHEMA_FILE, text)
        print(f"wrote {SCHEMA_FILE}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise ValueError(f"{path}: cannot write ({err.strerror or err})") from err
