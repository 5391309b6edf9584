"""``python -m scenarios``: the command line of :mod:`scenarios.cli`."""

from scenarios.cli import main

raise SystemExit(main())
