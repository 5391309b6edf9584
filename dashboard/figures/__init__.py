"""Plotly figures: what the model computed in, a ``go.Figure`` out. Never imports
streamlit (nor any view), so every figure can be built and tested alone.

One module per tab, named as in :mod:`dashboard.views` (``overview``, ``flows``,
``winners``, ...); the template and colours are in :mod:`dashboard.theme`, the
helpers several modules share in :mod:`dashboard.figures.common`. Import the
module you need: this package re-exports nothing.
"""
