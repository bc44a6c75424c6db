"""Fixtures of the events tests (participant and organiser)."""

import pytest

from grappe.conftest import make_member, make_organisation

from .factories import make_event, register


@pytest.fixture
def org_c(db):
    return make_organisation("Charlie Aéro", neq="3333333333")


@pytest.fixture
def event(staff):
    """An event in its request phase, open to guests: one session of 4 slots, 3 tables."""
    return make_event(staff)


@pytest.fixture
def alpha(event, org_user):
    """Organisation A's plain user, validated participant."""
    return register(event, org_user)


@pytest.fixture
def bravo(event, other_member):
    """Organisation B's administrator, validated participant."""
    return register(event, other_member)


@pytest.fixture
def charlie_user(org_c):
    return make_member(org_c, "user@charlie.test", language="en")


@pytest.fixture
def charlie(event, charlie_user):
    """A participant of a third organisation who reads English."""
    return register(event, charlie_user)


@pytest.fixture
def in_english():
    """Messages in English (French is the default language), for the tests that read their words."""
    from django.utils import translation

    with translation.override("en"):
        yield
