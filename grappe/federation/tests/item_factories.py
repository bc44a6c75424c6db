"""Local items and partners for the tests of sharing (written straight to the database; the apps' own
services are tested in their apps). Each item carries what must never travel: contacts, names, a budget."""

import datetime
from decimal import Decimal

from django.utils import timezone

from grappe.events.models import Audience, Phase
from grappe.events.tests.factories import make_event
from grappe.federation.models import ItemKind, Partner, PartnerStatus
from grappe.labour.tests.factories import make_availability
from grappe.members.models import Certification, CertificationType, OrganisationCapability, Person
from grappe.partnering.models import (
    DeclaredNeed,
    NeedKind,
    Opportunity,
    OpportunityNeed,
    OpportunityStatus,
    Visibility,
)

# What a member may have typed or stored, none of which may leave the cluster.
SECRETS = ("marie.tremblay@alpha.test", "514 555-0199", "Marie Tremblay", "Tremblay", "987654.32", "CERT-AS-4471",
           "1111111111", "info@alpha.test", "450 555-0123", "1234, rue Principale", "H2X 1Y4")
TEXT_WITH_CONTACTS = ("Usinage 5 axes de supports en titane pour un train d'atterrissage. "
                      "Écrire à marie.tremblay@alpha.test ou appeler Marie Tremblay au 514 555-0199.")


def make_partner(name="Grappe logistique", host="logistique.example", kinds=None, status=PartnerStatus.ACTIVE,
                 approved_by=None) -> Partner:
    return Partner.objects.create(
        actor_url=f"https://{host}/federation/actor", inbox_url=f"https://{host}/federation/inbox", name=name,
        public_key="-----BEGIN PUBLIC KEY-----", fingerprint="ab" * 32, status=status,
        kinds=list(ItemKind.values) if kinds is None else kinds, approved_by=approved_by)


def give_secrets(organisation) -> None:
    """The organisation's contacts and a person whose name its texts mention."""
    organisation.email, organisation.phone = "info@alpha.test", "450 555-0123"
    organisation.street_address, organisation.postal_code = "1234, rue Principale", "H2X 1Y4"
    organisation.save()
    Person.objects.create(organisation=organisation, first_name="Marie", last_name="Tremblay",
                          email="marie.tremblay@alpha.test", phone="514 555-0199", consent_directory=True)


def make_opportunity(organisation, created_by, capability, **fields) -> Opportunity:
    values = {"title": "Supports en titane", "description": TEXT_WITH_CONTACTS, "region": "06",
              "budget": Decimal("987654.32"), "deadline": timezone.localdate() + datetime.timedelta(days=30),
              "status": OpportunityStatus.READY, "visibility": Visibility.MEMBERS, **fields}
    opportunity = Opportunity.objects.create(initiator=organisation, created_by=created_by, **values)
    OpportunityNeed.objects.create(opportunity=opportunity, capability=capability, must_have=True)
    return opportunity


def make_declared_need(organisation, created_by, capability, **fields) -> DeclaredNeed:
    values = {"kind": NeedKind.COMPETENCY, "capability": capability, "description": TEXT_WITH_CONTACTS, **fields}
    return DeclaredNeed.objects.create(organisation=organisation, created_by=created_by, **values)


def make_shared_availability(organisation, created_by, capability, **fields):
    return make_availability(organisation, created_by, [capability], description=TEXT_WITH_CONTACTS, **fields)


def make_public_event(created_by, **fields):
    values = {"phase": Phase.REGISTRATION, "audience": Audience.MEMBERS_AND_GUESTS,
              "description": "Rencontres B2B. Inscription : marie.tremblay@alpha.test, 514 555-0199.", **fields}
    return make_event(created_by, **values)


def make_profile(organisation, capability):
    """The organisation with a capability and a certification in force (its certificate number is private)."""
    organisation.description_fr = TEXT_WITH_CONTACTS
    organisation.description_en = "5-axis machining. Ask Marie Tremblay: marie.tremblay@alpha.test."
    organisation.size_band = "10-49"
    organisation.save()
    OrganisationCapability.objects.get_or_create(organisation=organisation, capability=capability,
                                                 defaults={"evidence": "Client : Marie Tremblay"})
    Certification.objects.get_or_create(organisation=organisation,
                                        certification_type=CertificationType.objects.get(code="as9100"),
                                        defaults={"certificate_number": "CERT-AS-4471"})
    return organisation
