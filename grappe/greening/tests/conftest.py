"""Greening fixtures: `greening_matrix` (see matrix.py) for every test module of the app."""

from .matrix import greening_matrix  # noqa: F401 — a fixture, found by pytest in this conftest
