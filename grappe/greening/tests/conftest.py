"""Greening fixtures for every test module of the app."""

from .progress_matrix import progress_matrix  # noqa: F401 — a fixture, found by pytest in this conftest
