"""The demo cluster: realistic enough to try Grappe with, the same for a seed, and safe to generate twice."""

import datetime
import re

import pytest

from grappe.members import demo_data
from grappe.members.models import (
    Certification,
    Organisation,
    OrganisationCapability,
    OrgRole,
    Person,
)
from grappe.members.search import organisation_search_text
from grappe.members.services.taxonomy import load_taxonomy
from grappe.members.taxonomy_file import read_taxonomy

TODAY = datetime.date(2026, 3, 2)


@pytest.fixture
def taxonomy(db):
    load_taxonomy(read_taxonomy())


def small_cluster(seed: int = 7) -> demo_data.GenerationSummary:
    return demo_data.generate_cluster(organisations=30, people=100, seed=seed, today=TODAY)


def cluster_snapshot() -> list[tuple]:
    """What a person would see of the cluster, independent of database ids."""
    rows = []
    organisations = Organisation.objects.prefetch_related(
        "capabilities__capability", "certifications__certification_type", "people").order_by("neq", "slug")
    for organisation in organisations:
        rows.append((
            organisation.legal_name, organisation.trade_name, organisation.neq, organisation.kind,
            organisation.city, organisation.description_fr, organisation.description_en,
            sorted((c.capability.code, c.level, c.evidence) for c in organisation.capabilities.all()),
            sorted((c.certification_type.code, c.expires_on) for c in organisation.certifications.all()),
            sorted((p.email, p.title, p.org_role, p.is_primary_contact) for p in organisation.people.all()),
        ))
    return rows


def wipe_cluster() -> None:
    Person.objects.all().delete()
    Certification.objects.all().delete()
    OrganisationCapability.objects.all().delete()
    Organisation.objects.all().delete()


def test_the_same_seed_gives_the_same_cluster(taxonomy):
    small_cluster(seed=7)
    first = cluster_snapshot()
    wipe_cluster()
    small_cluster(seed=7)
    assert cluster_snapshot() == first
    wipe_cluster()
    small_cluster(seed=8)
    assert cluster_snapshot() != first


def test_the_cluster_has_the_size_asked_with_unique_neqs_and_emails(taxonomy):
    summary = small_cluster()
    assert (summary.organisations, summary.people) == (30, 100)
    assert Organisation.objects.count() == 30 and Person.objects.count() == 100
    neqs = [n for n in Organisation.objects.values_list("neq", flat=True) if n]
    assert len(neqs) == len(set(neqs)) and all(re.fullmatch(r"\d{10}", n) for n in neqs)
    emails = [e.lower() for e in Person.objects.values_list("email", flat=True)]
    assert len(emails) == len(set(emails))


def test_every_organisation_has_capabilities_and_the_search_text_the_directory_uses(taxonomy):
    small_cluster()
    for organisation in Organisation.objects.prefetch_related(
            "capabilities__capability__parent", "certifications__certification_type"):
        assert 5 <= len(organisation.capabilities.all()) <= 25, organisation
        assert organisation.search_text == organisation_search_text(organisation)
        assert organisation.description_fr and organisation.description_en


def test_every_organisation_has_one_primary_contact_and_one_or_two_admins_at_its_own_domain(taxonomy):
    small_cluster()
    for organisation in Organisation.objects.prefetch_related("people"):
        people = organisation.people.all()
        assert sum(p.is_primary_contact for p in people) == 1
        assert 1 <= sum(p.org_role == OrgRole.ADMIN for p in people) <= 2
        domain = organisation.website.removeprefix("https://www.")
        assert all(p.email.endswith(f"@{domain}") for p in people)


def test_certifications_follow_capabilities(taxonomy):
    demo_data.generate_cluster(organisations=150, people=300, seed=3, today=TODAY)
    for certification in Certification.objects.filter(certification_type__code="nadcap-ndt"):
        codes = certification.organisation.capabilities.values_list("capability__code", flat=True)
        assert any(code.startswith("ndt-") for code in codes)
    soon = TODAY + datetime.timedelta(days=60)
    assert Certification.objects.filter(expires_on__gte=TODAY, expires_on__lte=soon).exists()
