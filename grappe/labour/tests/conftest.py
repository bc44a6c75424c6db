"""Labour fixtures for every test module of the app."""

from .loans_matrix import loans_matrix  # noqa: F401 — a fixture, found by pytest in this conftest
