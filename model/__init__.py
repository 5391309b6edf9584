"""The trade model: pure computation with numpy and pandas (never Streamlit or Plotly).

Index convention everywhere: ``flows[i, j, s]`` is exporter ``i`` to importer ``j``
in sector ``s``, in the order of :data:`model.names.REGIONS` and
:data:`model.names.SECTORS`; batched arrays put the scenario axis first. Values are
USD bn at 2022 prices unless a name says otherwise (``_pct``, ``_share``, ``_hat``).

Main entry points::

    from model.data import load_baseline            # validated 2022 baseline
    from model.simulation import simulate           # levers -> results + metrics
    from model.equilibrium import solve             # the GE solver on raw arrays
    from model.levers import LEVERS, Levers         # the lever table and state
    from model.metrics import METRICS               # the headline metrics
"""
