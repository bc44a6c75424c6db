"""Who may use each governance page and endpoint (see grappe/core/tests/permission_matrix.py).

Every policy is a GovernanceMatrix: the matrix's actors and governance's two (CO_CHAIR, the committee's industry
co-chair, of organisation A; BODY_MEMBER, a person of organisation D sitting on it), checked on the one committee
of tests/matrix.py, whose objects (meetings, minutes, resolutions) its `ctx` builds on first use. STAFF does not sit
on the committee (its staff co-chair is another staff member): what STAFF may do is what the staff may do.
"""

import datetime
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grappe.core.tests.permission_matrix import ANONYMOUS, OBSERVER, OTHER_MEMBER, OWN_ADMIN, OWN_USER, STAFF
from grappe.governance.models import (
    ActionItem,
    AgendaItem,
    Body,
    BodyKind,
    BodyMember,
    ChairSeat,
    Meeting,
    MembershipState,
    Minutes,
    MinutesComment,
)

from .factories import option, seat
from .matrix import BODY_MEMBER, CO_CHAIR, GOVERNANCE_ACTORS, GovernanceMatrix, listing

# The bodies, their approved minutes and decisions, the resolutions: every member and the staff, never the observer.
VIEWERS = {**dict.fromkeys(GOVERNANCE_ACTORS, 200), ANONYMOUS: 302, OBSERVER: 403}
# A body's own business (its meetings, minutes in progress): to members who do not sit on it, it does not exist.
NOT_SITTING = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, OBSERVER: 403}
SITTING_READS = {**NOT_SITTING, STAFF: 200, CO_CHAIR: 200, BODY_MEMBER: 200}
# Run by its co-chairs, or the staff standing in; a member who sits on it is refused.
SITTING_CHAIRS_PAGE = {**SITTING_READS, BODY_MEMBER: 403}
SITTING_CHAIRS_WRITE = {**NOT_SITTING, STAFF: 302, CO_CHAIR: 302, BODY_MEMBER: 403}


# --- bodies and their membership (views/bodies.py, views/membership.py) ---
# The staff run the bodies; a body's co-chairs (and the staff) manage its members; every member sees the bodies and
# asks to join; who sits on a body is for its members and the staff.

STAFF_PAGE = {**dict.fromkeys(GOVERNANCE_ACTORS, 403), ANONYMOUS: 302, STAFF: 200}
STAFF_WRITE = {**dict.fromkeys(GOVERNANCE_ACTORS, 403), ANONYMOUS: 302, STAFF: 302}
CHAIRS_PAGE = {**STAFF_PAGE, CO_CHAIR: 200}
CHAIRS_WRITE = {**STAFF_WRITE, CO_CHAIR: 302}
# A POST that answers with the body's page: refused (a message) or done, the page follows.
VIEWERS_WRITE = {**dict.fromkeys(GOVERNANCE_ACTORS, 302), OBSERVER: 403}


class TestBodyList(GovernanceMatrix):
    url = "governance:body-list"
    expect = VIEWERS


class TestBodyListApi(GovernanceMatrix):
    url = "api:governance-bodies"
    expect = {**VIEWERS, ANONYMOUS: 401}


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
    """The committee is on request: a member user who does not sit on it asks to join; the staff may sit on any
    body and join at once; those who sit on it already change nothing (a second click)."""

    url = "governance:body-join"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.committee.pk])
    expect = VIEWERS_WRITE
    audit_action = {**dict.fromkeys((OWN_USER, OWN_ADMIN, OTHER_MEMBER), "body.join_requested"),
                    STAFF: "body.joined"}


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
    expect = {**CHAIRS_WRITE, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404}  # not theirs to know
    audit_action = "body.request_accepted"
    effect = staticmethod(lambda ctx, pk: BodyMember.objects.get(pk=pk).state)


class TestRequestRefuse(GovernanceMatrix):
    url = "governance:request-refuse"
    method = "post"
    args = staticmethod(requested_by_other_member)
    expect = {**CHAIRS_WRITE, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404}  # not theirs to know
    audit_action = "body.request_refused"


class TestMemberRemove(GovernanceMatrix):
    """A co-chair or the staff remove the committee's member of organisation D."""

    url = "governance:member-remove"
    method = "post"
    args = staticmethod(lambda ctx: [BodyMember.objects.get(body=ctx.committee, user=ctx.body_member).pk])
    expect = {**CHAIRS_WRITE, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404}  # not theirs to know
    audit_action = "body.member_removed"
    effect = staticmethod(lambda ctx, pk: BodyMember.objects.get(pk=pk).state)


class TestBodyDetailApi(GovernanceMatrix):
    url = "api:governance-body"
    args = staticmethod(lambda ctx: [ctx.committee.pk])
    expect = {**VIEWERS, ANONYMOUS: 401}

# --- meetings, agenda, record, recusals and action items (views/meetings.py, agenda.py, record.py, actions.py) ---
# On the committee's upcoming meeting (ctx.meeting): its members and the staff read it, its co-chairs (and the staff)
# run it; OTHER_MEMBER, OWN_USER and OWN_ADMIN do not sit on the committee: to them its meetings do not exist.


def meeting_form(ctx) -> dict:
    return {"form_token": str(uuid.uuid4()), "title": "Bilan", "day": "2030-03-10", "starts": "14:00",
            "ends": "16:00", "time_zone": "America/Montreal", "place": "Salle 3", "video_url": ""}


class TestMeetingList(GovernanceMatrix):
    url = "governance:meeting-list"
    args = staticmethod(lambda ctx: [ctx.meeting.body_id])  # the committee, its meeting made
    expect = SITTING_READS


class TestMeetingDetail(GovernanceMatrix):
    url = "governance:meeting-detail"
    args = staticmethod(lambda ctx: [ctx.meeting.pk])
    expect = SITTING_READS


class TestMeetingCalendar(GovernanceMatrix):
    url = "governance:meeting-ics"
    args = staticmethod(lambda ctx: [ctx.meeting.pk])
    expect = SITTING_READS


class TestAgendaDocumentDownload(GovernanceMatrix):
    url = "governance:document-download"
    args = staticmethod(lambda ctx: [ctx.document.pk])
    expect = SITTING_READS


class TestMeetingCreatePage(GovernanceMatrix):
    url = "governance:meeting-create"
    args = staticmethod(lambda ctx: [ctx.committee.pk])
    expect = SITTING_CHAIRS_PAGE


class TestMeetingCreate(GovernanceMatrix):
    url = "governance:meeting-create"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.committee.pk])
    data = staticmethod(meeting_form)
    expect = SITTING_CHAIRS_WRITE
    audit_action = "meeting.scheduled"


class TestMeetingEditPage(GovernanceMatrix):
    url = "governance:meeting-edit"
    args = staticmethod(lambda ctx: [ctx.meeting.pk])
    expect = SITTING_CHAIRS_PAGE


class TestMeetingEdit(GovernanceMatrix):
    url = "governance:meeting-edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.meeting.pk])
    data = staticmethod(meeting_form)
    expect = SITTING_CHAIRS_WRITE
    audit_action = "meeting.changed"
    effect = staticmethod(lambda ctx, pk: Meeting.objects.get(pk=pk).title)


class TestMeetingCancel(GovernanceMatrix):
    url = "governance:meeting-cancel"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.meeting.pk])
    expect = SITTING_CHAIRS_WRITE
    audit_action = "meeting.cancelled"
    effect = staticmethod(lambda ctx, pk: Meeting.objects.get(pk=pk).status)


class TestMeetingRecordPage(GovernanceMatrix):
    url = "governance:meeting-record"
    args = staticmethod(lambda ctx: [ctx.meeting.pk])
    expect = SITTING_CHAIRS_PAGE


class TestMeetingRecord(GovernanceMatrix):
    url = "governance:meeting-record"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.meeting.pk])
    data = staticmethod(lambda ctx: {f"notes_{ctx.item.pk}": "On a discuté du budget.",
                                     f"attendance_{ctx.body_member.pk}": "present"})
    expect = SITTING_CHAIRS_WRITE
    audit_action = "meeting.record_saved"
    effect = staticmethod(lambda ctx, pk: AgendaItem.objects.get(pk=ctx.item.pk).notes)


class TestAgendaItemCreate(GovernanceMatrix):
    url = "governance:item-create"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.meeting.pk])
    data = staticmethod(lambda ctx: {"form_token": str(uuid.uuid4()), "title": "Bilan",
                                     "description": "", "presenter": ctx.body_member.pk,
                                     "duration_minutes": 20})
    expect = SITTING_CHAIRS_WRITE
    audit_action = "agenda.item_added"


class TestAgendaItemEditPage(GovernanceMatrix):
    url = "governance:item-edit"
    args = staticmethod(lambda ctx: [ctx.item.pk])
    expect = SITTING_CHAIRS_PAGE


class TestAgendaItemEdit(GovernanceMatrix):
    url = "governance:item-edit"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.item.pk])
    data = staticmethod(lambda ctx: {"form_token": str(uuid.uuid4()), "title": "Mot d’accueil",
                                     "description": "", "presenter": "", "duration_minutes": 5})
    expect = SITTING_CHAIRS_WRITE
    audit_action = "agenda.item_changed"
    effect = staticmethod(lambda ctx, pk: AgendaItem.objects.get(pk=pk).title)


class TestAgendaItemMove(GovernanceMatrix):
    url = "governance:item-move"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.item2.pk])
    data = staticmethod(lambda ctx: {"direction": "up"})
    expect = SITTING_CHAIRS_WRITE
    audit_action = "agenda.reordered"
    effect = staticmethod(lambda ctx, pk: list(ctx.meeting.items.values_list("pk", flat=True)))


class TestAgendaItemDelete(GovernanceMatrix):
    url = "governance:item-delete"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.item.pk])
    expect = SITTING_CHAIRS_WRITE
    audit_action = "agenda.item_removed"


class TestAgendaDocumentUpload(GovernanceMatrix):
    url = "governance:document-upload"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.item.pk])
    data = staticmethod(lambda ctx: {"form_token": str(uuid.uuid4()), "file": SimpleUploadedFile(
        "ordre-du-jour.pdf", b"%PDF-1.4 agenda")})
    expect = SITTING_CHAIRS_WRITE
    audit_action = "agenda.document_added"


class TestAgendaDocumentDelete(GovernanceMatrix):
    url = "governance:document-delete"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.document.pk])
    expect = SITTING_CHAIRS_WRITE
    audit_action = "agenda.document_removed"


class TestRecusalDeclare(GovernanceMatrix):
    """A member of the body declares their own conflict; the staff, who do not sit on it, have none to
    declare."""

    url = "governance:recusal-declare"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.item.pk])
    data = staticmethod(lambda ctx: {"reason": "Mon employeur soumissionne"})
    expect = {**NOT_SITTING, STAFF: 403, CO_CHAIR: 302, BODY_MEMBER: 302}
    audit_action = "recusal.declared"


class TestRecusalWithdraw(GovernanceMatrix):
    """The recused member withdraws their own recusal; a co-chair or the staff one recorded by mistake."""

    url = "governance:recusal-withdraw"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.recusal.pk])
    expect = {**NOT_SITTING, STAFF: 302, CO_CHAIR: 302, BODY_MEMBER: 302}
    audit_action = "recusal.withdrawn"


class TestMyActions(GovernanceMatrix):
    url = "governance:my-actions"
    args = listing("action")  # BODY_MEMBER's
    expect = {**dict.fromkeys(GOVERNANCE_ACTORS, 200), ANONYMOUS: 302}


class TestBodyActions(GovernanceMatrix):
    url = "governance:body-actions"
    args = staticmethod(lambda ctx: [ctx.action.meeting.body_id])  # the committee, its action made
    expect = SITTING_CHAIRS_PAGE


class TestActionDone(GovernanceMatrix):
    """The owner marks their action done, and so may a co-chair or the staff."""

    url = "governance:action-done"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.action.pk])
    data = staticmethod(lambda ctx: {"done": "1"})
    expect = {**NOT_SITTING, OBSERVER: 404, STAFF: 302, CO_CHAIR: 302, BODY_MEMBER: 302}
    audit_action = "action.done"
    effect = staticmethod(lambda ctx, pk: ActionItem.objects.get(pk=pk).status)


# --- minutes (views/minutes.py) ---
# On the committee's held meetings, one per state of their minutes. A draft or circulated version is the body's: to
# members who do not sit on it, it does not exist; approved minutes are every member's; the observer reads none. Its
# co-chairs (and the staff) generate, circulate and approve; its members comment.


def status_of(minutes: str):
    """The effect: the status of ctx's `minutes`."""
    return staticmethod(lambda ctx, *args: Minutes.objects.get(pk=getattr(ctx, minutes).pk).status)


class TestMeetingMinutes(GovernanceMatrix):
    url = "governance:meeting-minutes"
    args = staticmethod(lambda ctx: [ctx.approved_meeting.pk])
    expect = VIEWERS


class TestApprovedMinutes(GovernanceMatrix):
    url = "governance:minutes-detail"
    args = staticmethod(lambda ctx: [ctx.approved_minutes.pk])
    expect = VIEWERS


class TestApprovedMinutesInTheOtherLanguage(GovernanceMatrix):
    url = "governance:minutes-detail"
    args = staticmethod(lambda ctx: [ctx.approved_minutes.pk])
    query = "lang=en"
    expect = VIEWERS


class TestApprovedMinutesPdf(GovernanceMatrix):
    url = "governance:minutes-pdf"
    args = staticmethod(lambda ctx: [ctx.approved_minutes.pk])
    expect = VIEWERS


class TestDraftMinutes(GovernanceMatrix):
    url = "governance:minutes-detail"
    args = staticmethod(lambda ctx: [ctx.draft_minutes.pk])
    expect = SITTING_READS


class TestCirculatedMinutesPdf(GovernanceMatrix):
    url = "governance:minutes-pdf"
    args = staticmethod(lambda ctx: [ctx.circulated_minutes.pk])
    expect = SITTING_READS


class TestGenerateMinutes(GovernanceMatrix):
    url = "governance:minutes-generate"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.unminuted_meeting.pk])
    # The meeting of a committee they do not sit on does not exist for other members.
    expect = SITTING_CHAIRS_WRITE
    audit_action = "minutes.generated"


class TestCirculateMinutes(GovernanceMatrix):
    url = "governance:minutes-circulate"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.draft_minutes.pk])
    expect = SITTING_CHAIRS_WRITE
    audit_action = "minutes.circulated"
    effect = status_of("draft_minutes")


class TestApproveMinutes(GovernanceMatrix):
    url = "governance:minutes-approve"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.circulated_minutes.pk])
    expect = SITTING_CHAIRS_WRITE
    audit_action = "minutes.approved"
    effect = status_of("circulated_minutes")


class TestCommentMinutes(GovernanceMatrix):
    """The body's members comment (its co-chairs sit on it); the staff read the comments, but a staff member who
    does not sit on the body does not comment."""

    url = "governance:minutes-comment"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.circulated_minutes.pk])
    data = staticmethod(lambda ctx: {"text": "Au point 2, lire « 30 jours ».", "form_token": str(uuid.uuid4())})
    expect = {**SITTING_READS, STAFF: 403, CO_CHAIR: 302, BODY_MEMBER: 302}
    audit_action = "minutes.commented"
    effect = staticmethod(lambda ctx, pk: MinutesComment.objects.filter(minutes=pk).count())


class TestDecisions(GovernanceMatrix):
    url = "governance:decisions"
    args = listing("approved_minutes")
    expect = VIEWERS


# --- resolutions and votes (views/resolutions.py, api/resolutions.py) ---
# The committee's electors are organisation A (its co-chair sits for it) and D (BODY_MEMBER). A's administrator
# and the co-chair cast A's vote; BODY_MEMBER casts D's; A's plain user (not on the committee), B's member, the
# staff (staff seats do not vote) and the observer cast nothing. A draft is seen by those who may publish it.

VOTERS_ONLY = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 302, STAFF: 403, OBSERVER: 403,
               CO_CHAIR: 302, BODY_MEMBER: 302}


def resolution_form(ctx) -> dict:
    now = timezone.localtime()
    return {"form_token": "8f5c0a7e-3c1f-4a55-9f0e-5d7a8c1b2e40", "body": ctx.committee.pk, "title_fr": "Feuille",
            "title_en": "Roadmap", "options": "Pour / For\nContre / Against",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"), "quorum_percent": "50",
            "majority": "simple", "max_proxies": "1"}


class TestResolutionList(GovernanceMatrix):
    url = "governance:resolution-list"
    args = listing("resolution")
    expect = VIEWERS


class TestResolutionNew(GovernanceMatrix):
    url = "governance:resolution-new"
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 403, STAFF: 200, OBSERVER: 403,
              CO_CHAIR: 200, BODY_MEMBER: 403}


class TestResolutionDraft(GovernanceMatrix):
    url = "governance:resolution-new"
    method = "post"
    data = staticmethod(resolution_form)
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 403, STAFF: 302, OBSERVER: 403,
              CO_CHAIR: 302, BODY_MEMBER: 403}
    audit_action = "resolution.drafted"


class TestResolutionDetail(GovernanceMatrix):
    url = "governance:resolution-detail"
    args = staticmethod(lambda ctx: [ctx.resolution.pk])
    expect = VIEWERS


class TestResolutionPublish(GovernanceMatrix):
    url = "governance:resolution-publish"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.draft.pk])
    expect = {ANONYMOUS: 302, OTHER_MEMBER: 404, OWN_USER: 404, OWN_ADMIN: 404, STAFF: 302, OBSERVER: 403,
              CO_CHAIR: 302, BODY_MEMBER: 404}
    audit_action = "resolution.published"


class TestResolutionVote(GovernanceMatrix):
    url = "governance:resolution-vote"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.resolution.pk])
    data = staticmethod(lambda ctx: {"option": option(ctx.resolution, "For").pk})
    expect = VOTERS_ONLY
    audit_action = "vote.cast"


class TestProxyGive(GovernanceMatrix):
    url = "governance:resolution-proxy"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.resolution.pk])
    data = staticmethod(lambda ctx: {"holder": ctx.org_d.pk})
    # D's person would give D's proxy to D itself: refused, the form shown again with the reason.
    expect = {**VOTERS_ONLY, BODY_MEMBER: 200}
    writers = {OWN_ADMIN, CO_CHAIR}
    audit_action = "proxy.given"


class TestProxyWithdraw(GovernanceMatrix):
    url = "governance:resolution-proxy-withdraw"
    method = "post"
    args = staticmethod(lambda ctx: [ctx.proxied.pk])
    expect = VOTERS_ONLY
    writers = {OWN_ADMIN, CO_CHAIR}  # D gave no proxy: told so, nothing changes
    audit_action = "proxy.withdrawn"


class TestResolutionResults(GovernanceMatrix):
    url = "governance:resolution-results"
    args = staticmethod(lambda ctx: [ctx.closed.pk])
    expect = VIEWERS


class TestResolutionListApi(GovernanceMatrix):
    url = "api:governance-resolutions"
    args = listing("resolution")
    expect = {**VIEWERS, ANONYMOUS: 401}


class TestResolutionVoteApi(GovernanceMatrix):
    url = "api:governance-resolution-vote"
    method = "post"
    content_type = "application/json"
    args = staticmethod(lambda ctx: [ctx.resolution.pk])
    data = staticmethod(lambda ctx: {"option": option(ctx.resolution, "Against").pk})
    expect = {ANONYMOUS: 401, OTHER_MEMBER: 403, OWN_USER: 403, OWN_ADMIN: 200, STAFF: 403, OBSERVER: 404,
              CO_CHAIR: 200, BODY_MEMBER: 200}
    audit_action = "vote.cast"
