"""Who may use each governance page and endpoint (see grappe/core/tests/permission_matrix.py)."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
import datetime

import pytest
from django.utils import timezone

from grappe.core.tests.permission_matrix import (
    ACTORS,
    ANONYMOUS,
    OBSERVER,
    OTHER_MEMBER,
    OWN_ADMIN,
    OWN_USER,
    STAFF,
    PermissionMatrix,
)
from grappe.governance.models import Body, BodyKind, BodyMember, ChairSeat, MembershipState, Minutes, MinutesComment

from .factories import seat
from .matrix import BODY_MEMBER, CO_CHAIR, GOVERNANCE_ACTORS, GovernanceMatrix
from .minutes_objects import minutes_objects
from grappe.governance.models import Proxy, Resolution
from grappe.governance.services import resolutions as resolution_services

from .factories import make_resolution, option
from .matrix import BODY_MEMBER, CO_CHAIR, GOVERNANCE_ACTORS, GovernanceMatrix

pytestmark = pytest.mark.django_db

MEMBERS_AND_STAFF = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 403}


class TestBodyList(PermissionMatrix):
    url = "governance:body-list"
    expect = MEMBERS_AND_STAFF


class TestBodyListApi(PermissionMatrix):
    url = "api:governance-bodies"
    expect = {**MEMBERS_AND_STAFF, ANONYMOUS: 401}


# --- bodies and their membership (the governance actors of matrix.py) ---


VIEWERS = {**dict.fromkeys(GOVERNANCE_ACTORS, 200), ANONYMOUS: 302, OBSERVER: 403}
STAFF_PAGE = {**dict.fromkeys(GOVERNANCE_ACTORS, 403), ANONYMOUS: 302, STAFF: 200}
STAFF_WRITE = {**dict.fromkeys(GOVERNANCE_ACTORS, 403), ANONYMOUS: 302, STAFF: 302}
CHAIRS_PAGE = {**STAFF_PAGE, CO_CHAIR: 200}
CHAIRS_WRITE = {**STAFF_WRITE, CO_CHAIR: 302}
# A membership row of a body: hidden (404) from those who may not read its members.
MEMBERSHIP_CHAIRS_WRITE = {**CHAIRS_WRITE, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404}
# A POST that answers with the body's page: refused (a message) or done, the page follows.
VIEWERS_WRITE = {**dict.fromkeys(GOVERNANCE_ACTORS, 302), OBSERVER: 403}


def body_data(ctx) -> dict:
    return {"form_token": "3f2b0c84-46d4-4b1f-9f7e-4c5a3b2d1e0f", "kind": BodyKind.WORK_STREAM,
            "parent": ctx.axis.pk, "name_fr": "Chantier décarbonation", "name_en": "Decarbonisation work stream",
            "mandate_fr": "", "mandate_en": "", "language": "fr", "open_to_members": "on"}


def state_of(user_attr: str):
    """The effect: the state of one actor's membership of the committee (None without one)."""
    def effect(ctx, *args):
        return BodyMember.objects.filter(body=ctx.committee, user=getattr(ctx, user_attr)).values_list(
            "state", flat=True).first()
    return effect


class TestBodyListGovernance(GovernanceMatrix):
    url = "governance:body-list"
    expect = VIEWERS


class TestBodyDetail(GovernanceMatrix):
    url = "governance:body-detail"
    args = staticmethod(lambda ctx: [ctx.committee.pk])
    expect = VIEWERS


class TestArchivedBodyDetail(GovernanceMatrix):
    """An archived body is the staff's alone: nobody else learns it exists."""

    url = "governance:body-detail"
    args = staticmethod(lambda ctx: [Body.objects.create(
        kind=BodyKind.COMMITTEE, name_fr="Ancien comité", name_en="Former committee",
        archived_at="2025-01-01T00:00Z").pk])
    expect = {**dict.fromkeys(GOVERNANCE_ACTORS, 404), ANONYMOUS: 302, OBSERVER: 403, STAFF: 200}


class TestActivity(GovernanceMatrix):
    url = "governance:activity"
    expect = STAFF_PAGE


class TestBodyCreatePage(GovernanceMatrix):
    url = "governance:body-create"
    expect = STAFF_PAGE


class TestBodyCreate(GovernanceMatrix):
    url = "governance:body-create"
    method = "post"
    data = staticmethod(body_data)
    expect = STAFF_WRITE
    audit_action = "body.created"


class TestBodyEditPage(GovernanceMatrix):
    url = "governance:body-edit"
    args = staticmethod(lambda ctx: [ctx.committee.pk])
    expect = STAFF_PAGE


class TestBodyEdit(GovernanceMatrix):
    url = "governance:body-edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.committee.pk])
    data = staticmethod(lambda ctx: {**body_data(ctx), "kind": BodyKind.COMMITTEE, "name_fr": "Comité climat"})
    expect = STAFF_WRITE
    audit_action = "body.changed"
    effect = staticmethod(lambda ctx, pk: Body.objects.get(pk=pk).name_fr)


class TestBodyArchive(GovernanceMatrix):
    url = "governance:body-archive"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.committee.pk])
    expect = STAFF_WRITE
    audit_action = "body.archived"
    effect = staticmethod(lambda ctx, pk: Body.objects.get(pk=pk).archived_at)


class TestCoChairsPage(GovernanceMatrix):
    url = "governance:body-co-chairs"
    args = staticmethod(lambda ctx: [ctx.committee.pk])
    expect = STAFF_PAGE


class TestCoChairAppoint(GovernanceMatrix):
    """The staff give the industry seat to the committee's member of organisation D."""

    url = "governance:body-co-chairs"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.committee.pk])
    data = staticmethod(lambda ctx: {
        "form_token": "0b0f3c1e-7e0a-4d43-9d0e-2f3c4b5a6d7e", "seat": ChairSeat.INDUSTRY,
        "member": BodyMember.objects.get(body=ctx.committee, user=ctx.body_member).pk})
    expect = STAFF_WRITE
    audit_action = "body.co_chair_appointed"
    effect = staticmethod(lambda ctx, pk: BodyMember.objects.get(body=pk, chair_seat=ChairSeat.INDUSTRY).user_id)


class TestInvitePage(GovernanceMatrix):
    url = "governance:body-invite"
    args = staticmethod(lambda ctx: [ctx.committee.pk])
    expect = CHAIRS_PAGE


class TestInvite(GovernanceMatrix):
    """A co-chair or the staff invite OWN_USER (a person of A who does not sit on the committee)."""

    url = "governance:body-invite"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.committee.pk])
    data = staticmethod(lambda ctx: {"form_token": "5d1e6a2b-8c3f-4e9a-b0d1-c2e3f4a5b6c7", "email": ctx.own_user.email})
    expect = CHAIRS_WRITE
    audit_action = "body.member_invited"


class TestJoin(GovernanceMatrix):
    """The committee is on request: a member user who does not sit on it asks to join; those who sit on it
    already change nothing (a second click)."""

    url = "governance:body-join"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.committee.pk])
    expect = VIEWERS_WRITE
    writers = {OWN_USER, OWN_ADMIN, OTHER_MEMBER}
    audit_action = "body.join_requested"


class TestLeave(GovernanceMatrix):
    """A member leaves; a co-chair keeps the seat until it is given to someone else; others are not members."""

    url = "governance:body-leave"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.committee.pk])
    expect = VIEWERS_WRITE
    writers = {BODY_MEMBER}
    audit_action = "body.left"
    effect = staticmethod(state_of("body_member"))


def invited_own_user(ctx) -> list:
    return [seat(ctx.committee, ctx.own_user, state=MembershipState.INVITED).pk]


class TestInvitationAccept(GovernanceMatrix):
    """Only the invited person answers their invitation; to anyone else it does not exist."""

    url = "governance:invitation-accept"
    method = "post"
    args = staticmethod(invited_own_user)
    expect = {**dict.fromkeys(GOVERNANCE_ACTORS, 404), ANONYMOUS: 302, OBSERVER: 403, OWN_USER: 302}
    audit_action = "body.invitation_accepted"
    effect = staticmethod(lambda ctx, pk: BodyMember.objects.get(pk=pk).state)


class TestInvitationDecline(GovernanceMatrix):
    url = "governance:invitation-decline"
    method = "post"
    args = staticmethod(invited_own_user)
    expect = {**dict.fromkeys(GOVERNANCE_ACTORS, 404), ANONYMOUS: 302, OBSERVER: 403, OWN_USER: 302}
    audit_action = "body.invitation_declined"


def requested_by_other_member(ctx) -> list:
    return [seat(ctx.committee, ctx.other_member, state=MembershipState.REQUESTED).pk]


class TestRequestAccept(GovernanceMatrix):
    url = "governance:request-accept"
    method = "post"
    args = staticmethod(requested_by_other_member)
    expect = MEMBERSHIP_CHAIRS_WRITE
    audit_action = "body.request_accepted"
    effect = staticmethod(lambda ctx, pk: BodyMember.objects.get(pk=pk).state)


class TestRequestRefuse(GovernanceMatrix):
    url = "governance:request-refuse"
    method = "post"
    args = staticmethod(requested_by_other_member)
    expect = MEMBERSHIP_CHAIRS_WRITE
    audit_action = "body.request_refused"


class TestMemberRemove(GovernanceMatrix):
    """A co-chair or the staff remove the committee's member of organisation D."""

    url = "governance:member-remove"
    method = "post"
    args = staticmethod(lambda ctx: [BodyMember.objects.get(body=ctx.committee, user=ctx.body_member).pk])
    expect = MEMBERSHIP_CHAIRS_WRITE
    audit_action = "body.member_removed"
    effect = staticmethod(lambda ctx, pk: BodyMember.objects.get(pk=pk).state)


class TestBodyDetailApi(GovernanceMatrix):
    url = "api:governance-body"
    args = staticmethod(lambda ctx: [ctx.committee.pk])
    expect = {**VIEWERS, ANONYMOUS: 401}
# The minutes (views/minutes.py), on the objects of tests/minutes_objects.py: the committee's CO_CHAIR and
# BODY_MEMBER beside the matrix's actors. A draft or circulated version is the body's: to members who do not sit on
# it, it does not exist; approved minutes are every member's; the observer reads none.



MINUTES_ACTORS = (*ACTORS, CO_CHAIR, BODY_MEMBER)
MEMBERS_READ = {**MEMBERS_AND_STAFF, CO_CHAIR: 200, BODY_MEMBER: 200}
MINUTES_BODY_READS = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, STAFF: 200, OBSERVER: 403,
              CO_CHAIR: 200, BODY_MEMBER: 200}
# A co-chair's write: the co-chair and the staff do it; a member of the body may not; the others do not see it.
MINUTES_CHAIRS_WRITE = {**MINUTES_BODY_READS, STAFF: 302, CO_CHAIR: 302, BODY_MEMBER: 403}


@pytest.fixture
def minutes_matrix(matrix):
    return minutes_objects(matrix)


class MinutesMatrix(PermissionMatrix):
    actors = MINUTES_ACTORS

    @pytest.mark.parametrize("actor", MINUTES_ACTORS)
    def test_access(self, actor, minutes_matrix, client):
        self.check_access(actor, minutes_matrix, client)


def _status(minutes):
    return lambda ctx, *args: Minutes.objects.get(pk=getattr(minutes_objects(ctx), minutes).pk).status


class TestMeetingMinutes(MinutesMatrix):
    url = "governance:meeting-minutes"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).approved_meeting.pk])
    expect = MEMBERS_READ


class TestApprovedMinutes(MinutesMatrix):
    url = "governance:minutes-detail"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).approved_minutes.pk])
    expect = MEMBERS_READ


class TestApprovedMinutesInTheOtherLanguage(MinutesMatrix):
    url = "governance:minutes-detail"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).approved_minutes.pk])
    query = "lang=en"
    expect = MEMBERS_READ


class TestApprovedMinutesPdf(MinutesMatrix):
    url = "governance:minutes-pdf"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).approved_minutes.pk])
    expect = MEMBERS_READ


class TestDraftMinutes(MinutesMatrix):
    url = "governance:minutes-detail"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).draft_minutes.pk])
    expect = MINUTES_BODY_READS


class TestCirculatedMinutesPdf(MinutesMatrix):
    url = "governance:minutes-pdf"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).circulated_minutes.pk])
    expect = MINUTES_BODY_READS


class TestGenerateMinutes(MinutesMatrix):
    url = "governance:minutes-generate"
    method = "post"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).unminuted_meeting.pk])
    # A meeting of a body one does not sit on is hidden (views.meetings.meeting_of).
    expect = MINUTES_CHAIRS_WRITE
    audit_action = "minutes.generated"


class TestCirculateMinutes(MinutesMatrix):
    url = "governance:minutes-circulate"
    method = "post"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).draft_minutes.pk])
    expect = MINUTES_CHAIRS_WRITE
    audit_action = "minutes.circulated"
    effect = staticmethod(_status("draft_minutes"))


class TestApproveMinutes(MinutesMatrix):
    url = "governance:minutes-approve"
    method = "post"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).circulated_minutes.pk])
    expect = MINUTES_CHAIRS_WRITE
    audit_action = "minutes.approved"
    effect = staticmethod(_status("circulated_minutes"))


class TestCommentMinutes(MinutesMatrix):
    """The body's members comment (its co-chairs sit on it); the staff read the comments, but a staff member who
    does not sit on the body does not comment."""

    url = "governance:minutes-comment"
    method = "post"
    args = staticmethod(lambda ctx: [minutes_objects(ctx).circulated_minutes.pk])
    data = staticmethod(lambda ctx: {"text": "Au point 2, lire « 30 jours ».", "form_token": str(uuid.uuid4())})
    expect = {**MINUTES_BODY_READS, STAFF: 403, CO_CHAIR: 302, BODY_MEMBER: 302}
    audit_action = "minutes.commented"
    effect = staticmethod(lambda ctx, pk: MinutesComment.objects.filter(minutes=pk).count())


class TestDecisions(MinutesMatrix):
    url = "governance:decisions"
    expect = MEMBERS_READ
# Meetings, agenda, record, recusals and action items. Their own actors beside the matrix's: the CO_CHAIR (the
# industry co-chair, of organisation D) and a BODY_MEMBER (of organisation E) sit on the committee, whose staff
# co-chair is another staff member than STAFF (who stands in as staff). OTHER_MEMBER, OWN_USER and OWN_ADMIN do
# not sit on it: to them its meetings do not exist.
MEETING_ACTORS = (*ACTORS, CO_CHAIR, BODY_MEMBER)

NOT_SITTING = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, OBSERVER: 403}
BODY_READS = {**NOT_SITTING, STAFF: 200, CO_CHAIR: 200, BODY_MEMBER: 200}
CHAIR_PAGE = {**NOT_SITTING, STAFF: 200, CO_CHAIR: 200, BODY_MEMBER: 403}
CHAIR_WRITE = {**NOT_SITTING, STAFF: 302, CO_CHAIR: 302, BODY_MEMBER: 403}


@pytest.fixture
def meetings_matrix(matrix, settings, tmp_path):
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from grappe.conftest import make_member, make_organisation, make_staff
    from grappe.governance.models import ActionItem, AgendaDocument, AgendaItem, ChairSeat, Meeting, Recusal

    from .factories import make_body, seat

    settings.MEDIA_ROOT = tmp_path
    ctx = matrix
    ctx.co_chair = make_member(make_organisation("Delta Avionique", neq="4444444444"), "chair@delta.test")
    ctx.body_member = make_member(make_organisation("Echo Aéro", neq="5555555555", slug="echo-aero"),
                                  "member@echo.test")
    ctx.body = make_body(name="Comité environnement", name_en="Environment committee")
    seat(ctx.body, make_staff("chair@grappe.test"), chair_seat=ChairSeat.STAFF)
    seat(ctx.body, ctx.co_chair, chair_seat=ChairSeat.INDUSTRY)
    seat(ctx.body, ctx.body_member)
    starts = timezone.now() + datetime.timedelta(days=7)
    ctx.meeting = Meeting.objects.create(body=ctx.body, starts_at=starts,
                                         ends_at=starts + datetime.timedelta(hours=2), place="Salle 3")
    ctx.item = AgendaItem.objects.create(meeting=ctx.meeting, position=0, title="Accueil")
    ctx.item2 = AgendaItem.objects.create(meeting=ctx.meeting, position=1, title="Budget")
    ctx.document = AgendaDocument(item=ctx.item, original_name="budget.pdf", content_type="pdf", size=9)
    ctx.document.file.save("budget.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    ctx.recusal = Recusal.objects.create(item=ctx.item2, user=ctx.body_member, reason="Fournisseur",
                                         recorded_by=ctx.body_member)
    ctx.action = ActionItem.objects.create(meeting=ctx.meeting, description="Envoyer le budget",
                                           owner=ctx.body_member, due_on=timezone.localdate())
    return ctx


class MeetingsMatrix(PermissionMatrix):
    actors = MEETING_ACTORS

    @pytest.mark.parametrize("actor", MEETING_ACTORS)
    def test_access(self, actor, meetings_matrix, client):
        self.check_access(actor, meetings_matrix, client)


def _meeting_form(ctx):
    return {"form_token": str(uuid.uuid4()), "title": "Bilan", "day": "2030-03-10", "starts": "14:00",
            "ends": "16:00", "time_zone": "America/Montreal", "place": "Salle 3", "video_url": ""}


class TestMeetingList(MeetingsMatrix):
    url = "governance:meeting-list"
    args = staticmethod(lambda ctx: [ctx.body.pk])
    expect = BODY_READS


class TestMeetingDetail(MeetingsMatrix):
    url = "governance:meeting-detail"
    args = staticmethod(lambda ctx: [ctx.meeting.pk])
    expect = BODY_READS


class TestMeetingCalendar(MeetingsMatrix):
    url = "governance:meeting-ics"
    args = staticmethod(lambda ctx: [ctx.meeting.pk])
    expect = BODY_READS


class TestAgendaDocumentDownload(MeetingsMatrix):
    url = "governance:document-download"
    args = staticmethod(lambda ctx: [ctx.document.pk])
    expect = BODY_READS


class TestMeetingCreatePage(MeetingsMatrix):
    url = "governance:meeting-create"
    args = staticmethod(lambda ctx: [ctx.body.pk])
    expect = CHAIR_PAGE


class TestMeetingCreate(MeetingsMatrix):
    url = "governance:meeting-create"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.body.pk])
    data = staticmethod(_meeting_form)
    expect = CHAIR_WRITE
    audit_action = "meeting.scheduled"


class TestMeetingEditPage(MeetingsMatrix):
    url = "governance:meeting-edit"
    args = staticmethod(lambda ctx: [ctx.meeting.pk])
    expect = CHAIR_PAGE


def _meeting_title(ctx, pk):
    from grappe.governance.models import Meeting

    return Meeting.objects.get(pk=pk).title


class TestMeetingEdit(MeetingsMatrix):
    url = "governance:meeting-edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.meeting.pk])
    data = staticmethod(_meeting_form)
    expect = CHAIR_WRITE
    audit_action = "meeting.changed"
    effect = staticmethod(_meeting_title)


class TestMeetingCancel(MeetingsMatrix):
    url = "governance:meeting-cancel"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.meeting.pk])
    expect = CHAIR_WRITE
    audit_action = "meeting.cancelled"
    effect = staticmethod(lambda ctx, pk: ctx.meeting.__class__.objects.get(pk=pk).status)


class TestMeetingRecordPage(MeetingsMatrix):
    url = "governance:meeting-record"
    args = staticmethod(lambda ctx: [ctx.meeting.pk])
    expect = CHAIR_PAGE


class TestMeetingRecord(MeetingsMatrix):
    url = "governance:meeting-record"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.meeting.pk])
    data = staticmethod(lambda ctx: {f"notes_{ctx.item.pk}": "On a discuté du budget.",
                                     f"attendance_{ctx.body_member.pk}": "present"})
    expect = CHAIR_WRITE
    audit_action = "meeting.record_saved"
    effect = staticmethod(lambda ctx, pk: ctx.item.__class__.objects.get(pk=ctx.item.pk).notes)


class TestAgendaItemCreate(MeetingsMatrix):
    url = "governance:item-create"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.meeting.pk])
    data = staticmethod(lambda ctx: {"form_token": str(uuid.uuid4()), "title": "Bilan",
                                     "description": "", "presenter": ctx.body_member.pk,
                                     "duration_minutes": 20})
    expect = CHAIR_WRITE
    audit_action = "agenda.item_added"


class TestAgendaItemEditPage(MeetingsMatrix):
    url = "governance:item-edit"
    args = staticmethod(lambda ctx: [ctx.item.pk])
    expect = CHAIR_PAGE


class TestAgendaItemEdit(MeetingsMatrix):
    url = "governance:item-edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.item.pk])
    data = staticmethod(lambda ctx: {"form_token": str(uuid.uuid4()), "title": "Mot d’accueil",
                                     "description": "", "presenter": "", "duration_minutes": 5})
    expect = CHAIR_WRITE
    audit_action = "agenda.item_changed"
    effect = staticmethod(lambda ctx, pk: ctx.item.__class__.objects.get(pk=pk).title)


class TestAgendaItemMove(MeetingsMatrix):
    url = "governance:item-move"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.item2.pk])
    data = staticmethod(lambda ctx: {"direction": "up"})
    expect = CHAIR_WRITE
    audit_action = "agenda.reordered"
    effect = staticmethod(lambda ctx, pk: list(ctx.meeting.items.values_list("pk", flat=True)))


class TestAgendaItemDelete(MeetingsMatrix):
    url = "governance:item-delete"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.item.pk])
    expect = CHAIR_WRITE
    audit_action = "agenda.item_removed"


class TestAgendaDocumentUpload(MeetingsMatrix):
    url = "governance:document-upload"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.item.pk])
    data = staticmethod(lambda ctx: {"form_token": str(uuid.uuid4()), "file": SimpleUploadedFile(
        "ordre-du-jour.pdf", b"%PDF-1.4 agenda")})
    expect = CHAIR_WRITE
    audit_action = "agenda.document_added"


class TestAgendaDocumentDelete(MeetingsMatrix):
    url = "governance:document-delete"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.document.pk])
    expect = CHAIR_WRITE
    audit_action = "agenda.document_removed"


class TestRecusalDeclare(MeetingsMatrix):
    """A member of the body declares their own conflict; the staff, who do not sit on it, have none to
    declare."""

    url = "governance:recusal-declare"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.item.pk])
    data = staticmethod(lambda ctx: {"reason": "Mon employeur soumissionne"})
    expect = {**NOT_SITTING, STAFF: 403, CO_CHAIR: 302, BODY_MEMBER: 302}
    audit_action = "recusal.declared"


class TestRecusalWithdraw(MeetingsMatrix):
    """The recused member withdraws their own recusal; a co-chair or the staff one recorded by mistake."""

    url = "governance:recusal-withdraw"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.recusal.pk])
    expect = {**NOT_SITTING, STAFF: 302, CO_CHAIR: 302, BODY_MEMBER: 302}
    audit_action = "recusal.withdrawn"


class TestMyActions(MeetingsMatrix):
    url = "governance:my-actions"
    expect = {**dict.fromkeys(MEETING_ACTORS, 200), ANONYMOUS: 302}


class TestBodyActions(MeetingsMatrix):
    url = "governance:body-actions"
    args = staticmethod(lambda ctx: [ctx.body.pk])
    expect = CHAIR_PAGE


class TestActionDone(MeetingsMatrix):
    """The owner marks their action done, and so may a co-chair or the staff."""

    url = "governance:action-done"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.action.pk])
    data = staticmethod(lambda ctx: {"done": "1"})
    expect = {**NOT_SITTING, OBSERVER: 404, STAFF: 302, CO_CHAIR: 302, BODY_MEMBER: 302}
    audit_action = "action.done"
    effect = staticmethod(lambda ctx, pk: ctx.action.__class__.objects.get(pk=pk).status)


# --- resolutions and votes ---
# The committee's electors are organisation A (its co-chair sits for it) and D (BODY_MEMBER). A's administrator
# and the co-chair cast A's vote; BODY_MEMBER casts D's; A's plain user (not on the committee), B's member, the
# staff (staff seats do not vote) and the observer cast nothing. A draft is seen by those who may publish it.

@pytest.fixture
def votes_matrix(governance_matrix):
    """The governance matrix with the committee's resolutions: one open, one draft, one open where A gave its
    proxy to D, one closed and counted."""
    ctx = governance_matrix
    ctx.resolution = make_resolution(ctx.committee)
    ctx.draft = make_resolution(ctx.committee, published=False, title_en="Draft")
    ctx.proxied = make_resolution(ctx.committee, title_en="Proxied")
    Proxy.objects.create(resolution=ctx.proxied, grantor=ctx.org_a, holder=ctx.org_d)
    ctx.closed = make_resolution(ctx.committee, title_en="Closed")
    Resolution.objects.filter(pk=ctx.closed.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=3), closes_at=timezone.now() - datetime.timedelta(days=1))
    resolution_services.count(ctx.closed)
    return ctx


class VotesMatrix(GovernanceMatrix):
    @pytest.mark.parametrize("actor", GOVERNANCE_ACTORS)
    def test_access(self, actor, votes_matrix, client):
        self.check_access(actor, votes_matrix, client)


VOTES_READERS = {**MEMBERS_AND_STAFF, CO_CHAIR: 200, BODY_MEMBER: 200}
VOTERS_ONLY = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 302, STAFF: 403, OBSERVER: 403,
               CO_CHAIR: 302, BODY_MEMBER: 302}


def _draft_data(ctx):
    now = timezone.localtime()
    return {"form_token": "8f5c0a7e-3c1f-4a55-9f0e-5d7a8c1b2e40", "body": ctx.committee.pk, "title_fr": "Feuille",
            "title_en": "Roadmap", "options": "Pour / For\nContre / Against",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"), "quorum_percent": "50",
            "majority": "simple", "max_proxies": "1"}


class TestResolutionList(VotesMatrix):
    url = "governance:resolution-list"
    expect = VOTES_READERS


class TestResolutionNew(VotesMatrix):
    url = "governance:resolution-new"
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 403, STAFF: 200, OBSERVER: 403,
              CO_CHAIR: 200, BODY_MEMBER: 403}


class TestResolutionDraft(VotesMatrix):
    url = "governance:resolution-new"
    method = "post"
    data = staticmethod(_draft_data)
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 403, STAFF: 302, OBSERVER: 403,
              CO_CHAIR: 302, BODY_MEMBER: 403}
    audit_action = "resolution.drafted"


class TestResolutionDetail(VotesMatrix):
    url = "governance:resolution-detail"
    args = staticmethod(lambda ctx: [ctx.resolution.pk])
    expect = VOTES_READERS


class TestResolutionPublish(VotesMatrix):
    url = "governance:resolution-publish"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.draft.pk])
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, STAFF: 302, OBSERVER: 403,
              CO_CHAIR: 302, BODY_MEMBER: 404}
    audit_action = "resolution.published"


class TestResolutionVote(VotesMatrix):
    url = "governance:resolution-vote"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.resolution.pk])
    data = staticmethod(lambda ctx: {"option": option(ctx.resolution, "For").pk})
    expect = VOTERS_ONLY
    audit_action = "vote.cast"


class TestProxyGive(VotesMatrix):
    url = "governance:resolution-proxy"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.resolution.pk])
    data = staticmethod(lambda ctx: {"holder": ctx.org_d.pk})
    # D's person would give D's proxy to D itself: refused, the form shown again with the reason.
    expect = {**VOTERS_ONLY, BODY_MEMBER: 200}
    writers = {OWN_ADMIN, CO_CHAIR}
    audit_action = "proxy.given"


class TestProxyWithdraw(VotesMatrix):
    url = "governance:resolution-proxy-withdraw"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.proxied.pk])
    expect = VOTERS_ONLY
    writers = {OWN_ADMIN, CO_CHAIR}  # D gave no proxy: told so, nothing changes
    audit_action = "proxy.withdrawn"


class TestResolutionResults(VotesMatrix):
    url = "governance:resolution-results"
    args = staticmethod(lambda ctx: [ctx.closed.pk])
    expect = VOTES_READERS


class TestResolutionListApi(VotesMatrix):
    url = "api:governance-resolutions"
    expect = {**VOTES_READERS, ANONYMOUS: 401}


class TestResolutionVoteApi(VotesMatrix):
    url = "api:governance-resolution-vote"
    method = "post"
    content_type = "application/json"
    args = staticmethod(lambda ctx: [ctx.resolution.pk])
    data = staticmethod(lambda ctx: {"option": option(ctx.resolution, "Against").pk})
    expect = {ANONYMOUS: 401, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 200, STAFF: 403, OBSERVER: 404,
              CO_CHAIR: 200, BODY_MEMBER: 200}
    audit_action = "vote.cast"
