"""Presentation layer: Plotly figures (no streamlit), sidebar, tabs, exports.

With app.py, the only code that imports streamlit. Data flows one way:
widgets -> levers -> model.simulation -> figures -> Streamlit.
"""
