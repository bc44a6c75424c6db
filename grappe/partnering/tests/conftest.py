"""Fixtures of the partnering tests: a clean engine cache, the shipped taxonomy, a small cluster."""

from types import SimpleNamespace

import pytest

from grappe.conftest import make_member, make_organisation
from grappe.members.models import (
    Capability,
    Certification,
    CertificationType,
    OrganisationCapability,
    OrganisationKind,
    OrgRole,
)
from grappe.members.services import taxonomy as member_taxonomy
from grappe.members.taxonomy_file import read_taxonomy
from grappe.partnering import engine
from grappe.partnering.models import DeclaredNeed, NeedKind, Opportunity


@pytest.fixture(autouse=True)
def fresh_engine():
    """Rolled-back test data may repeat a fingerprint (SQLite reuses ids): every test builds its own indexes."""
    engine.forget()
    yield
    engine.forget()


@pytest.fixture
def taxonomy(db):
    """The shipped aerospace taxonomy (domains > capabilities), loaded as a cluster loads it."""
    member_taxonomy.load_taxonomy(read_taxonomy())


def hold(organisation, code: str, level: str = "core", evidence: str = "") -> OrganisationCapability:
    return OrganisationCapability.objects.create(
        organisation=organisation, capability=Capability.objects.get(code=code), level=level, evidence=evidence)


@pytest.fixture
def cluster(taxonomy, org_admin, org_user, other_member):
    return build_cluster(org_admin, org_user, other_member)


def build_cluster(org_admin, org_user, other_member) -> SimpleNamespace:
    """A small aerospace cluster around Alpha Usinage (a 5-axis machine shop, AS9100), whose admin and user are
    given, and Bravo Composites, whose admin is `other_member`:

    - Bravo Composites: penetrant testing (core), vacuum heat treatment (secondary); needs 5-axis machining;
    - Charlie Traitements: vacuum heat treatment, and Alpha's own machining (a direct competitor), Montérégie;
    - Delta Recherche: a research centre with penetrant testing (core) and heat treatment (secondary);
    - Echo Discret: penetrant testing too, but not listed in the directory.
    """
    alpha, bravo = org_admin.organisation, other_member.organisation
    for code in ("machining-5-axis", "machining-turning", "machining-hard-alloys"):
        hold(alpha, code, evidence="Pièces de structure en titane" if code == "machining-5-axis" else "")
    # get_or_create: a transactional test flushes the certification types the migrations made.
    as9100, _created = CertificationType.objects.get_or_create(
        code="as9100", defaults={"label_fr": "AS9100", "label_en": "AS9100", "family": "AS9100"})
    Certification.objects.create(organisation=alpha, certification_type=as9100)
    hold(bravo, "ndt-penetrant", evidence="Ressuage fluorescent, ligne automatisée")
    hold(bravo, "heat-treatment-vacuum", "secondary")
    DeclaredNeed.objects.create(organisation=bravo, kind=NeedKind.COMPETENCY, created_by=other_member,
                                capability=Capability.objects.get(code="machining-5-axis"))
    charlie = make_organisation("Charlie Traitements", kind=OrganisationKind.TIER2, size_band="200-499",
                                region="16")
    for code in ("heat-treatment-vacuum", "machining-5-axis", "machining-turning"):
        hold(charlie, code, evidence="Four sous vide de 2 m" if code.startswith("heat") else "")
    delta = make_organisation("Delta Recherche", kind=OrganisationKind.RESEARCH_CENTRE, region="03")
    hold(delta, "ndt-penetrant")
    hold(delta, "heat-treatment-vacuum", "secondary")
    echo = make_organisation("Echo Discret", listed_in_directory=False)
    hold(echo, "ndt-penetrant")
    charlie_admin = make_member(charlie, "admin@charlie.test", OrgRole.ADMIN, consent_directory=True)
    return SimpleNamespace(alpha=alpha, bravo=bravo, charlie=charlie, delta=delta, echo=echo,
                           alpha_admin=org_admin, alpha_user=org_user, bravo_admin=other_member,
                           charlie_admin=charlie_admin)


LANDING_GEAR = ("Fabrication de pièces de train d'atterrissage en titane : usinage 5 axes, traitement thermique "
                "sous vide et contrôle par ressuage. Certification AS9100 exigée.")
# Words the taxonomy knows ("turned", "orders") but no competency: a worry, not work to be done.
NO_COMPETENCY = ("The new US tariffs threaten our contracts… We turned down two orders last month and our "
                 "customers are asking for price cuts.")


def describe(actor, initiator, text: str = LANDING_GEAR, **data) -> Opportunity:
    from grappe.partnering.services import opportunities

    return opportunities.describe_opportunity(actor=actor, initiator=initiator,
                                         data={"title": "Train d'atterrissage", "description": text, **data})


@pytest.fixture
def landing_gear(cluster) -> Opportunity:
    """Alpha's opportunity, its competencies confirmed: 5-axis machining, vacuum heat treatment and penetrant
    testing as must-haves, landing gear manufacturing as a nice-to-have."""
    from grappe.partnering.services import opportunities

    opportunity = describe(cluster.alpha_admin, cluster.alpha)
    by_code = {c.code: c for c in Capability.objects.filter(code__in=[
        "machining-5-axis", "heat-treatment-vacuum", "ndt-penetrant", "lg-landing-gear-manufacturing"])}
    opportunities.set_opportunity_needs(
        actor=cluster.alpha_admin, opportunity=opportunity,
        must_haves=[by_code["machining-5-axis"], by_code["heat-treatment-vacuum"], by_code["ndt-penetrant"]],
        nice_to_haves=[by_code["lg-landing-gear-manufacturing"]])
    return opportunity
