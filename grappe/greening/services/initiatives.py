"""Shared initiatives: start one, join it, leave it.

An initiative is a pooling opportunity of Partnering (its title, description, initiator and visibility live on the
Opportunity) with its theme and the reduction hoped for. Partnering's own `describe_opportunity` does not fit:
it infers the competencies a text needs and refuses a text in which it finds none — a pooled solar purchase or a
recycling route needs no competency of the taxonomy, and what it would infer would be noise in the matching.
So the Opportunity is made here the way Partnering's invariants ask: its checks of who acts for the initiator
(`acts_for`) and of the description (`check_description`), `full_clean`, kind POOLING, status DRAFT (no
competency confirmed: partnering analyses none), and its text encoded for the searches by partnering's task.
The one audit entry is the initiative's ("initiative.created", with the opportunity's fields).

Who joined is public to the members who may see the initiative (its page lists the organisations): the join
button says so. An organisation joins once (a second join changes nothing); its administrators join and leave
for it; the initiator's people hear of each (grappe.core.notify).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from grappe.core import audit, jobs, notify
from grappe.core.permissions import require
from grappe.members.models import Organisation
from grappe.partnering.models import Opportunity, OpportunityKind, Visibility
from grappe.partnering.services import notices
from grappe.partnering.services.opportunities import acts_for, check_description

from ..models import Initiative, InitiativeParticipant, InitiativeTheme


def visible_initiatives(user):
    """The initiatives a user may see: those published to members, their own organisation's; all for the staff."""
    from django.db.models import Q

    from grappe.members.rules import is_cluster_staff

    found = Initiative.objects.select_related("opportunity", "opportunity__initiator")
    if is_cluster_staff(user):
        return found
    organisation = getattr(user, "organisation", None)
    return found.filter(Q(opportunity__visibility=Visibility.MEMBERS) | Q(opportunity__initiator=organisation))


def may_see(user, initiative: Initiative) -> bool:
    return visible_initiatives(user).filter(pk=initiative.pk).exists()


def start_initiative(*, actor, organisation: Organisation, title: str, description: str, theme: str,
                     expected_reduction_kg: Decimal | None = None,
                     visibility: str = Visibility.MEMBERS) -> Initiative:
    """A new initiative of `organisation` (which joins it at once), as a pooling opportunity of Partnering."""
    require(actor, "greening.start_initiative")
    acts_for(actor, organisation)
    if theme not in InitiativeTheme.values:
        raise ValidationError(_("Choose a theme."), code="theme")
    if visibility not in Visibility.values:
        raise ValidationError(_("Unknown visibility."), code="visibility")
    if expected_reduction_kg is not None and expected_reduction_kg < 0:
        raise ValidationError(_("The expected reduction cannot be negative."), code="negative")
    description = check_description(description)
    with transaction.atomic():
        opportunity = Opportunity(initiator=organisation, created_by=actor, kind=OpportunityKind.POOLING,
                                  title=(title or "").strip(), description=description, visibility=visibility)
        opportunity.full_clean(exclude=["initiator", "created_by"])
        opportunity.save()
        initiative = Initiative.objects.create(opportunity=opportunity, theme=theme,
                                               expected_reduction_kg=expected_reduction_kg)
        InitiativeParticipant.objects.create(initiative=initiative, organisation=organisation, joined_by=actor)
        audit.record(actor, "initiative.created", initiative, after={
            **audit.snapshot(opportunity, exclude=("description",)), **audit.snapshot(initiative)})
        jobs.enqueue("grappe.partnering.tasks.encode_opportunity_task", opportunity.pk)
    return initiative


def _for_organisation(actor, initiative: Initiative, organisation: Organisation) -> None:
    if not may_see(actor, initiative):
        raise PermissionDenied
    require(actor, "greening.join_initiative", organisation)


def join_initiative(*, actor, initiative: Initiative, organisation: Organisation) -> InitiativeParticipant:
    """`organisation` joins the initiative (once: joining again changes nothing)."""
    _for_organisation(actor, initiative, organisation)
    existing = InitiativeParticipant.objects.filter(initiative=initiative, organisation=organisation).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            participant = InitiativeParticipant.objects.create(initiative=initiative, organisation=organisation,
                                                               joined_by=actor)
            audit.record(actor, "initiative.joined", initiative, after={"organisation": organisation.pk})
            _tell_initiator(actor, initiative, organisation, "greening.initiative_joined")
    except IntegrityError:  # joined at the same moment by a colleague
        return InitiativeParticipant.objects.get(initiative=initiative, organisation=organisation)
    return participant


def leave_initiative(*, actor, initiative: Initiative, organisation: Organisation) -> None:
    """`organisation` leaves the initiative. The initiator stays (it closes the opportunity instead)."""
    _for_organisation(actor, initiative, organisation)
    if organisation.pk == initiative.opportunity.initiator_id:
        raise ValidationError(_("The organisation that started the initiative cannot leave it; close its "
                                "opportunity in Partnering instead."), code="initiator")
    with transaction.atomic():
        deleted, _rows = InitiativeParticipant.objects.filter(initiative=initiative,
                                                              organisation=organisation).delete()
        if not deleted:
            return
        audit.record(actor, "initiative.left", initiative, before={"organisation": organisation.pk})
        _tell_initiator(actor, initiative, organisation, "greening.initiative_left")


def _tell_initiator(actor, initiative: Initiative, organisation: Organisation, kind: str) -> None:
    users = [u for u in notices.answerers(initiative.opportunity.initiator) if u != actor]
    notify.on_commit(notify.send, users, kind, {"initiative": initiative.opportunity.title,
                                                "organisation": organisation.display_name},
                     url=reverse("greening:initiative-detail", args=[initiative.pk]))
