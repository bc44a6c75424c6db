"""Shared initiatives: a pooling opportunity of Partnering, started by a member, joined and left by the
organisations' administrators, each once, each write audited once, the initiator told."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from grappe.conftest import make_member, make_organisation
from grappe.core.models import AuditEntry, Notification
from grappe.greening.models import Initiative, InitiativeParticipant, InitiativeTheme
from grappe.greening.services.initiatives import join_initiative, leave_initiative, start_initiative
from grappe.members.models import OrgRole
from grappe.partnering.models import NeedSource, OpportunityKind, OpportunityStatus, Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    solar, joiner = make_organisation("Solaire Initiateur"), make_organisation("Aéro Joignante", slug="aero-joignante")
    return {"solar": solar, "joiner": joiner,
            "initiator": make_member(solar, "admin@solaire.test", OrgRole.ADMIN),
            "joiner_admin": make_member(joiner, "admin@joignante.test", OrgRole.ADMIN),
            "joiner_user": make_member(joiner, "user@joignante.test")}


def started(people, **fields) -> Initiative:
    return start_initiative(actor=people["initiator"], organisation=people["solar"],
                            title="Achat solaire groupé en Montérégie",
                            description="Achat groupé de panneaux solaires pour les toits des usines.",
                            theme=InitiativeTheme.ENERGY, expected_reduction_kg=120000, **fields)


def actions(action):
    return list(AuditEntry.objects.filter(action=action).values_list("actor", flat=True))


def test_start_makes_a_pooling_opportunity_and_joins_the_initiator(people):
    initiative = started(people)
    opportunity = initiative.opportunity
    assert opportunity.kind == OpportunityKind.POOLING and opportunity.initiator == people["solar"]
    assert opportunity.status == OpportunityStatus.DRAFT and opportunity.visibility == Visibility.MEMBERS
    assert not opportunity.needs.filter(source=NeedSource.INFERRED).exists()  # no competency guessed
    assert [p.organisation for p in initiative.participants.all()] == [people["solar"]]
    assert actions("initiative.created") == [people["initiator"].pk]
    assert not AuditEntry.objects.filter(action="opportunity.created").exists()  # one entry: the initiative's


def test_start_refuses_an_empty_description_and_saves_nothing(people):
    with pytest.raises(ValidationError):
        start_initiative(actor=people["initiator"], organisation=people["solar"], title="Vide", description="  ",
                         theme=InitiativeTheme.ENERGY)
    assert not Initiative.objects.exists() and not AuditEntry.objects.exists()


def test_a_member_starts_only_for_its_own_organisation(people):
    with pytest.raises(PermissionDenied):
        start_initiative(actor=people["joiner_admin"], organisation=people["solar"], title="Pas le mien",
                         description="Achat groupé.", theme=InitiativeTheme.ENERGY)


def test_join_twice_is_once_and_tells_the_initiator(people, django_capture_on_commit_callbacks):
    initiative = started(people)
    with django_capture_on_commit_callbacks(execute=True):
        join_initiative(actor=people["joiner_admin"], initiative=initiative, organisation=people["joiner"])
        join_initiative(actor=people["joiner_admin"], initiative=initiative, organisation=people["joiner"])
    assert InitiativeParticipant.objects.filter(initiative=initiative, organisation=people["joiner"]).count() == 1
    assert actions("initiative.joined") == [people["joiner_admin"].pk]
    told = Notification.objects.get(kind="greening.initiative_joined")
    assert told.user == people["initiator"] and told.params["organisation"] == "Aéro Joignante"


def test_only_an_administrator_joins(people):
    initiative = started(people)
    with pytest.raises(PermissionDenied):
        join_initiative(actor=people["joiner_user"], initiative=initiative, organisation=people["joiner"])
    with pytest.raises(PermissionDenied):  # nor for another organisation
        join_initiative(actor=people["joiner_admin"], initiative=initiative, organisation=people["solar"])
    assert not AuditEntry.objects.filter(action="initiative.joined").exists()


def test_a_private_initiative_cannot_be_joined_by_others(people):
    initiative = started(people, visibility=Visibility.PRIVATE)
    with pytest.raises(PermissionDenied):
        join_initiative(actor=people["joiner_admin"], initiative=initiative, organisation=people["joiner"])


def test_leave_once_and_the_initiator_stays(people, django_capture_on_commit_callbacks):
    initiative = started(people)
    join_initiative(actor=people["joiner_admin"], initiative=initiative, organisation=people["joiner"])
    with django_capture_on_commit_callbacks(execute=True):
        leave_initiative(actor=people["joiner_admin"], initiative=initiative, organisation=people["joiner"])
        leave_initiative(actor=people["joiner_admin"], initiative=initiative, organisation=people["joiner"])
    assert actions("initiative.left") == [people["joiner_admin"].pk]
    assert Notification.objects.filter(kind="greening.initiative_left", user=people["initiator"]).count() == 1
    with pytest.raises(ValidationError):
        leave_initiative(actor=people["initiator"], initiative=initiative, organisation=people["solar"])
    assert initiative.participants.filter(organisation=people["solar"]).exists()


def test_the_page_lists_participants_and_links_to_the_opportunity(people, client):
    initiative = started(people)
    client.force_login(people["joiner_admin"])
    page = client.get(reverse("greening:initiative-detail", args=[initiative.pk])).content.decode()
    assert "Solaire Initiateur" in page
    assert initiative.opportunity.get_absolute_url() in page
    assert "Join this initiative" in page or "Se joindre" in page
    assert "public to the members" in page or "visible des membres" in page
    client.post(reverse("greening:initiative-join", args=[initiative.pk]))
    assert "Aéro Joignante" in client.get(reverse("greening:initiative-detail", args=[initiative.pk])).content.decode()


def test_the_form_keeps_what_was_typed_when_refused(people, client):
    client.force_login(people["initiator"])
    response = client.post(reverse("greening:initiative-create"), {
        "title": "Route de retailles", "description": "x" * 60000, "theme": "materials", "visibility": "members",
        "form_token": "6f1c1c9e-6f5e-4a3a-9d7e-1a2b3c4d5e6f"})
    assert response.status_code == 200 and "Route de retailles" in response.content.decode()
    assert not Initiative.objects.exists()
