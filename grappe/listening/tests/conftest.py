"""Fixtures of the listening tests: the shared small cluster (grappe/conftest.py) and a survey sent to A."""

from types import SimpleNamespace

import pytest

from .permission_objects import survey


@pytest.fixture
def ctx(org_a, org_b, org_admin, org_user, other_member, staff, observer):
    return SimpleNamespace(org_a=org_a, org_b=org_b, own_admin=org_admin, own_user=org_user,
                           other_member=other_member, staff=staff, observer=observer)


@pytest.fixture
def pulse(ctx):
    """An open survey sent to organisation A: a required Likert question, one choice (export?), a required
    free text asked only when A exports, and an optional number."""
    return survey(ctx)
