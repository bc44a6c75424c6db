"""Bulletins fixtures: `bulletins_matrix` (see matrix.py) for every test module of the app."""

from .matrix import bulletins_matrix  # noqa: F401 — a fixture, found by pytest in this conftest
from .matrix import subscription_matrix  # noqa: F401
from .matrix import sending_matrix  # noqa: E402,F401 — a fixture (scheduling and sending)
