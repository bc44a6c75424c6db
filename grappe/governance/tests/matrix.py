"""The governance permission matrix: its actors, its committee and the objects each section of test_permissions.py
reads, shared by every governance test module.

Beside the matrix's actors (grappe/core/tests/permission_matrix.py), governance has two of its own:
- CO_CHAIR: a member user of organisation A, the industry co-chair of `ctx.committee`; OWN_USER and OWN_ADMIN, of
  the same organisation, do not sit on it (A votes on the committee's resolutions through its co-chair and its
  administrator);
- BODY_MEMBER: a member user of another organisation D (`ctx.org_d`), an active member of the committee, no seat.
The committee's staff co-chair is `ctx.staff_chair`, another staff member than STAFF: STAFF does not sit on the
committee, so what STAFF may do there is what the staff may do, not what a seat gives. `ctx.axis` is the strategic
axis the committee sits under (nobody is a member of it). The committee is not open to members (a member asks to
join; a co-chair or the staff accept).

Each section's objects are the committee's, built on first use (`GovernanceCluster`), so that a policy reads them
as attributes of ctx (`args = staticmethod(lambda ctx: [ctx.meeting.pk])`) and a test builds only what it reads:
- meetings (`meeting_objects`): `ctx.meeting`, upcoming, with two agenda items (`ctx.item`, `ctx.item2`), a
  document on the first (`ctx.document`), BODY_MEMBER's recusal on the second (`ctx.recusal`) and an action item
  BODY_MEMBER owns (`ctx.action`);
- minutes (`minutes_objects`): four held meetings with their record, one with approved minutes
  (`ctx.approved_meeting`, `ctx.approved_minutes`), one circulated (`ctx.circulated_meeting`,
  `ctx.circulated_minutes`), one with a draft (`ctx.draft_meeting`, `ctx.draft_minutes`), one without minutes
  (`ctx.unminuted_meeting`);
- resolutions (`resolution_objects`): `ctx.resolution` open, `ctx.draft` not published, `ctx.proxied` open with
  A's proxy given to D, `ctx.closed` closed and counted.
The browser sweep builds its pages from its own cluster: grappe/browser_tests/sweep_data.py gives that cluster the
same attributes from the demo's governance, so every attribute a policy's `args` reads must be set there too.
"""

import datetime
from functools import partial
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from grappe.conftest import make_member, make_organisation, make_staff
from grappe.core.tests.permission_matrix import ACTORS, PermissionMatrix
from grappe.governance.models import (
    ActionItem,
    AgendaDocument,
    AgendaItem,
    BodyKind,
    Meeting,
    Proxy,
    Recusal,
    Resolution,
)
from grappe.governance.services import minutes as minutes_services
from grappe.governance.services import resolutions as resolution_services

from .factories import co_chaired, make_body, make_resolution, meeting_with_record, seat

CO_CHAIR = "co_chair"
BODY_MEMBER = "body_member"
GOVERNANCE_ACTORS = (*ACTORS, CO_CHAIR, BODY_MEMBER)


def meeting_objects(ctx) -> None:
    starts = timezone.now() + datetime.timedelta(days=7)
    ctx.meeting = Meeting.objects.create(body=ctx.committee, starts_at=starts,
                                         ends_at=starts + datetime.timedelta(hours=2), place="Salle 3")
    ctx.item = AgendaItem.objects.create(meeting=ctx.meeting, position=0, title="Accueil")
    ctx.item2 = AgendaItem.objects.create(meeting=ctx.meeting, position=1, title="Budget")
    ctx.document = AgendaDocument(item=ctx.item, original_name="budget.pdf", content_type="pdf", size=9)
    ctx.document.file.save("budget.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    ctx.recusal = Recusal.objects.create(item=ctx.item2, user=ctx.body_member, reason="Fournisseur",
                                         recorded_by=ctx.body_member)
    ctx.action = ActionItem.objects.create(meeting=ctx.meeting, description="Envoyer le budget",
                                           owner=ctx.body_member, due_on=timezone.localdate())


def minutes_objects(ctx) -> None:
    people = [ctx.co_chair, ctx.body_member, ctx.staff_chair]
    held = partial(meeting_with_record, ctx.committee, people=people)
    ctx.approved_meeting = held(days_ago=60)
    ctx.approved_minutes = minutes_services.generate_minutes(ctx.approved_meeting, ctx.staff_chair)
    ctx.circulated_meeting = held(days_ago=30)
    ctx.circulated_minutes = minutes_services.circulate(actor=ctx.staff_chair, minutes=minutes_services.generate(
        actor=ctx.staff_chair, meeting=ctx.circulated_meeting))
    ctx.draft_meeting = held(days_ago=14)
    ctx.draft_minutes = minutes_services.generate(actor=ctx.staff_chair, meeting=ctx.draft_meeting)
    ctx.unminuted_meeting = held(days_ago=2)


def resolution_objects(ctx) -> None:
    ctx.resolution = make_resolution(ctx.committee)
    ctx.draft = make_resolution(ctx.committee, published=False, title_en="Draft")
    ctx.proxied = make_resolution(ctx.committee, title_en="Proxied")
    Proxy.objects.create(resolution=ctx.proxied, grantor=ctx.org_a, holder=ctx.org_d)
    ctx.closed = make_resolution(ctx.committee, title_en="Closed")
    Resolution.objects.filter(pk=ctx.closed.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=3), closes_at=timezone.now() - datetime.timedelta(days=1))
    resolution_services.count(ctx.closed)


# Each lazily built attribute, and the builder that sets it with the rest of its section.
LAZY = {
    **dict.fromkeys(("meeting", "item", "item2", "document", "recusal", "action"), meeting_objects),
    **dict.fromkeys(("approved_meeting", "approved_minutes", "circulated_meeting", "circulated_minutes",
                     "draft_meeting", "draft_minutes", "unminuted_meeting"), minutes_objects),
    **dict.fromkeys(("resolution", "draft", "proxied", "closed"), resolution_objects),
}


class GovernanceCluster(SimpleNamespace):
    """The matrix's cluster with the governance committee and actors; each section's objects made on first use."""

    def __getattr__(self, name):
        build = LAZY.get(name)
        if build is None:
            raise AttributeError(name)
        build(self)
        return self.__dict__[name]


def add_governance(ctx) -> GovernanceCluster:
    """The matrix's cluster `ctx` with the axis, its committee (co-chaired by ctx.staff_chair and ctx.co_chair) and
    the committee's member of organisation D (ctx.body_member)."""
    ctx = GovernanceCluster(**vars(ctx))
    ctx.axis = make_body(BodyKind.AXIS, "Environnement", name_en="Environment",
                         mandate_fr="Réduire l’empreinte environnementale de la filière.",
                         mandate_en="Reduce the industry’s environmental footprint.")
    ctx.committee = make_body(BodyKind.COMMITTEE, "Comité environnement", name_en="Environment committee",
                              parent=ctx.axis, mandate_fr="Piloter les chantiers environnementaux.",
                              mandate_en="Steer the environmental work streams.")
    ctx.org_d = make_organisation("Delta Gouvernance", neq="4545454545")
    ctx.staff_chair = make_staff("chair@grappe.test")
    ctx.co_chair = make_member(ctx.org_a, "cochair@alpha.test")
    ctx.body_member = make_member(ctx.org_d, "member@delta-gouvernance.test")
    co_chaired(ctx.committee, ctx.staff_chair, ctx.co_chair)
    seat(ctx.committee, ctx.body_member)
    return ctx


@pytest.fixture
def governance_matrix(matrix, settings, tmp_path):
    """The matrix's cluster with the governance actors and objects above (agenda documents under tmp_path)."""
    settings.MEDIA_ROOT = tmp_path
    return add_governance(matrix)


class GovernanceMatrix(PermissionMatrix):
    """A governance policy: every actor of GOVERNANCE_ACTORS declared, checked on `governance_matrix`."""

    actors = GOVERNANCE_ACTORS

    @pytest.mark.parametrize("actor", GOVERNANCE_ACTORS)
    def test_access(self, actor, governance_matrix, client):
        self.check_access(actor, governance_matrix, client)


def listing(*names):
    """The `args` of a page that takes none but lists objects: builds ctx's `names` first, so the page shows them."""
    def args(ctx) -> list:
        for name in names:
            getattr(ctx, name)
        return []
    return staticmethod(args)
