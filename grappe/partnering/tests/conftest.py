"""Fixtures of the partnering tests: a clean engine cache, the shipped taxonomy."""

import pytest

from grappe.members import services as member_services
from grappe.members.taxonomy_file import read_taxonomy
from grappe.partnering import engine


@pytest.fixture(autouse=True)
def fresh_engine():
    """Rolled-back test data may repeat a fingerprint (SQLite reuses ids): every test builds its own indexes."""
    engine.forget()
    yield
    engine.forget()


@pytest.fixture
def taxonomy(db):
    """The shipped aerospace taxonomy (domains > capabilities), loaded as a cluster loads it."""
    member_services.load_taxonomy(read_taxonomy())
