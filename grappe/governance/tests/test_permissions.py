"""Who may use each governance page and endpoint (see grappe/core/tests/permission_matrix.py)."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

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

pytestmark = pytest.mark.django_db

MEMBERS_AND_STAFF = {ANONYMOUS: 302, OTHER_MEMBER: 200, OWN_USER: 200, OWN_ADMIN: 200, STAFF: 200, OBSERVER: 403}


class TestBodyList(PermissionMatrix):
    url = "governance:body-list"
    expect = MEMBERS_AND_STAFF


class TestBodyListApi(PermissionMatrix):
    url = "api:governance-bodies"
    expect = {**MEMBERS_AND_STAFF, ANONYMOUS: 401}


# Meetings, agenda, record, recusals and action items. Their own actors beside the matrix's: the CO_CHAIR (the
# industry co-chair, of organisation D) and a BODY_MEMBER (of organisation E) sit on the committee, whose staff
# co-chair is another staff member than STAFF (who stands in as staff). OTHER_MEMBER, OWN_USER and OWN_ADMIN do
# not sit on it: to them its meetings do not exist.
CO_CHAIR = "co_chair"
BODY_MEMBER = "body_member"
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
    ctx.recusal = Recusal.objects.create(item=ctx.item2, user=ctx.body_member, reason="Fournisseur")
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
