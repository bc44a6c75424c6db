"""Greening fixtures for every test module of the app: `greening_matrix` (figures and factors, see matrix.py) and
`progress_matrix` (progress, report and initiatives, see progress_matrix.py)."""

from .matrix import greening_matrix  # noqa: F401 — a fixture, found by pytest in this conftest
from .progress_matrix import progress_matrix  # noqa: F401 — a fixture, found by pytest in this conftest
