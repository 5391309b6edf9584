"""``python -m model``: the command line of :mod:`model.cli`."""

from model.cli import main

raise SystemExit(main())
