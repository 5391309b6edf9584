"""Load benchmark: ``python -m benchmarks.load [--sessions 30] [--duration 90]``.

Many headless Chromium sessions against one ``streamlit run app.py``; prints one
JSON report (``--help`` for the options). The driver lives in
:mod:`tests.support.load`, documented there, because tests/test_load.py runs a
small load with it too.
"""

from __future__ import annotations

import sys

from tests.support.load import main

if __name__ == "__main__":
    sys.exit(main())
