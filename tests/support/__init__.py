"""Test support shared by the tests and the benchmarks.

The Streamlit server helper (:mod:`tests.support.server`), the system Chromium and
its launch arguments (:mod:`tests.support.browser`), the independent scipy solve
(:mod:`tests.support.scipy_oracle`), the load driver (:mod:`tests.support.load`)
and the scanner of translation keys (:mod:`tests.support.i18n_keys`).

Import it as ``tests.support.<module>``, both in tests and in benchmarks: the
project root is on ``sys.path`` under pytest (``pythonpath = ["."]``) and for
``python -m benchmarks`` run from the root, and ``tests`` is a namespace package
(it has no ``__init__.py``, so that ``from helpers import ...`` keeps working).
Benchmarks may import from here; tests never import from ``benchmarks``.
"""
