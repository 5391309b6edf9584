"""Reproducible speed measurements (``make bench``); not pass/fail tests."""
