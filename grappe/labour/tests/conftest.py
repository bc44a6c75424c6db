"""Labour sharing fixtures for every test module of the app: `labour_matrix` (posts, see matrix.py) and
`loans_matrix` (loans, see loans_matrix.py)."""

from .matrix import labour_matrix  # noqa: F401 — a fixture, found by pytest in this conftest
from .loans_matrix import loans_matrix  # noqa: F401 — a fixture, found by pytest in this conftest
