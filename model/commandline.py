"""What the two command lines share (``python -m model``, ``python -m scenarios``).

Both report any bad input as one line on stderr and an exit status, never a
traceback or argparse's multi-line usage text.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_NOT_CONVERGED = 3
"""The solver found no equilibrium (``python -m model``)."""


class UsageError(Exception):
    """A command-line usage error, reported as one line (argparse prints more)."""


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors raise :class:`UsageError` instead of
    printing the usage text and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see --help)")


def parse(
    parser: argparse.ArgumentParser, argv: Sequence[str] | None
) -> argparse.Namespace | int:
    """The parsed arguments, or the exit status to return at once: that of
    ``--help`` (0), or :data:`EXIT_BAD_INPUT` after a one-line usage error."""
    try:
        return parser.parse_args(argv)
    except UsageError as err:
        return fail(str(err), EXIT_BAD_INPUT)
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else EXIT_BAD_INPUT


def fail(message: str, status: int = EXIT_BAD_INPUT) -> int:
    """Print ``message`` on stderr as one line and return ``status``."""
    print(" ".join(message.splitlines()), file=sys.stderr)
    return status
