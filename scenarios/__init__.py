"""Scenarios: the preset schema, the built-in and user presets, share links.

Imports point one way: scenarios -> model (the lever table); never the reverse.
"""
