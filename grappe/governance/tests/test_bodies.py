"""The staff set up bodies and their co-chairs: a co-chair who is not a member is refused (by the service, in the
user's language, and by the database), each seat has the right kind of person, a seat moves to its new holder,
a form refused keeps what was typed, two staff giving one seat at once leave one co-chair (PostgreSQL, real
connections); the activity overview counts what each body did."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from grappe.conftest import committed, make_member, make_organisation, make_staff, run_together
from grappe.core.models import AuditEntry, Notification
from grappe.core.notify import readable
from grappe.core.tests.test_concurrency import overlapping_transactions  # noqa: F401 — a fixture
from grappe.governance import selectors
from grappe.governance.models import (
    ActionItem,
    ActionStatus,
    Body,
    BodyKind,
    BodyMember,
    ChairSeat,
    Meeting,
    MeetingStatus,
    MembershipState,
    Minutes,
    MinutesStatus,
)
from grappe.governance.services import bodies
from grappe.members.models import MembershipStatus

from .factories import make_body, seat

pytestmark = pytest.mark.django_db


def test_staff_create_a_committee_under_an_axis_with_one_audit_entry(governance_matrix):
    ctx = governance_matrix
    body = bodies.create_body(actor=ctx.staff, data={
        "kind": BodyKind.COMMITTEE, "parent": ctx.axis, "name_fr": "Comité innovation",
        "name_en": "Innovation committee", "language": "en", "open_to_members": True})
    assert (body.parent, body.language, body.open_to_members) == (ctx.axis, "en", True)
    assert AuditEntry.objects.filter(action="body.created", target_id=str(body.pk)).count() == 1


def test_a_committee_sits_under_an_axis_and_an_axis_under_nothing(governance_matrix):
    ctx = governance_matrix
    with pytest.raises(ValidationError) as under_committee:
        bodies.create_body(actor=ctx.staff, data={"kind": BodyKind.WORK_STREAM, "parent": ctx.committee,
                                                  "name_fr": "x", "name_en": "x"})
    with pytest.raises(ValidationError) as axis_under_axis:
        bodies.create_body(actor=ctx.staff, data={"kind": BodyKind.AXIS, "parent": ctx.axis,
                                                  "name_fr": "x", "name_en": "x"})
    assert "parent" in under_committee.value.error_dict and "parent" in axis_under_axis.value.error_dict


def test_only_the_staff_manage_bodies(governance_matrix):
    ctx = governance_matrix
    with pytest.raises(PermissionDenied):
        bodies.create_body(actor=ctx.co_chair, data={"kind": BodyKind.AXIS, "name_fr": "x", "name_en": "x"})
    with pytest.raises(PermissionDenied):
        bodies.appoint_co_chair(actor=ctx.co_chair, body=ctx.committee, seat=ChairSeat.INDUSTRY,
                                user=ctx.body_member)


def test_an_axis_is_archived_once_nothing_runs_under_it(governance_matrix):
    ctx = governance_matrix
    with pytest.raises(ValidationError) as refusal:
        bodies.archive_body(actor=ctx.staff, body=ctx.axis)
    assert refusal.value.code == "has_children"
    bodies.archive_body(actor=ctx.staff, body=ctx.committee)
    bodies.archive_body(actor=ctx.staff, body=ctx.axis)
    assert not selectors.bodies().filter(pk__in=[ctx.axis.pk, ctx.committee.pk]).exists()


def test_a_co_chair_who_is_not_a_member_of_the_committee_is_refused_in_the_users_language(governance_matrix):
    ctx = governance_matrix
    for language, words in (("fr", "n’est pas membre"), ("en", "is not a member")):
        with translation.override(language), pytest.raises(ValidationError) as refusal:
            bodies.appoint_co_chair(actor=ctx.staff, body=ctx.committee, seat=ChairSeat.INDUSTRY, user=ctx.own_user)
        assert refusal.value.code == "not_a_member"
        assert words in refusal.value.messages[0]
    # Invited is not a member either: the seat waits for the person's answer.
    seat(ctx.committee, ctx.own_user, state=MembershipState.INVITED)
    with pytest.raises(ValidationError):
        bodies.appoint_co_chair(actor=ctx.staff, body=ctx.committee, seat=ChairSeat.INDUSTRY, user=ctx.own_user)
    assert BodyMember.objects.get(body=ctx.committee, chair_seat=ChairSeat.INDUSTRY).user == ctx.co_chair
    assert not AuditEntry.objects.filter(action="body.co_chair_appointed").exists()


def test_the_database_refuses_a_co_chair_who_is_not_an_active_member(governance_matrix):
    ctx = governance_matrix
    body = make_body(name="Comité main-d’œuvre")
    with transaction.atomic(), pytest.raises(IntegrityError, match="co_chair_is_an_active_member"):
        BodyMember.objects.create(body=body, user=ctx.co_chair, organisation=ctx.org_a,
                                  state=MembershipState.INVITED, chair_seat=ChairSeat.INDUSTRY)
    with transaction.atomic(), pytest.raises(IntegrityError, match="one_co_chair_per_seat"):
        seat(ctx.committee, ctx.own_user, chair_seat=ChairSeat.INDUSTRY)


def test_each_seat_takes_its_kind_of_person(governance_matrix):
    ctx = governance_matrix
    with pytest.raises(ValidationError) as staff_seat:
        bodies.appoint_co_chair(actor=ctx.staff, body=ctx.committee, seat=ChairSeat.STAFF, user=ctx.body_member)
    assert staff_seat.value.code == "not_staff"
    second_staff = ctx.staff.__class__.objects.create_user("staff2@grappe.test", "x", role=ctx.staff.role)
    seat(ctx.committee, second_staff)
    with pytest.raises(ValidationError) as industry_seat:
        bodies.appoint_co_chair(actor=ctx.staff, body=ctx.committee, seat=ChairSeat.INDUSTRY, user=second_staff)
    assert industry_seat.value.code == "not_industry"
    # A member whose organisation is no longer in good standing does not take the industry seat.
    ctx.org_d.membership_status = MembershipStatus.SUSPENDED
    ctx.org_d.save()
    with pytest.raises(ValidationError) as lapsed:
        bodies.appoint_co_chair(actor=ctx.staff, body=ctx.committee, seat=ChairSeat.INDUSTRY, user=ctx.body_member)
    assert lapsed.value.code == "not_industry"


def test_a_new_co_chair_takes_the_seat_and_the_previous_one_stays_a_member(governance_matrix):
    ctx = governance_matrix
    with committed():
        bodies.appoint_co_chair(actor=ctx.staff, body=ctx.committee, seat=ChairSeat.INDUSTRY, user=ctx.body_member)
    seats = dict(BodyMember.objects.filter(body=ctx.committee).values_list("user", "chair_seat"))
    assert seats == {ctx.staff_chair.pk: ChairSeat.STAFF, ctx.body_member.pk: ChairSeat.INDUSTRY, ctx.co_chair.pk: None}
    entry = AuditEntry.objects.get(action="body.co_chair_appointed")
    assert (entry.before["user"], entry.after["user"]) == (ctx.co_chair.pk, ctx.body_member.pk)
    notice = Notification.objects.get(user=ctx.body_member, kind="governance.co_chair_appointed")
    with translation.override("en"):
        assert readable(notice).text == "You are now industry co-chair of “Environment committee”."


def test_a_refused_co_chair_form_keeps_the_choice_made(governance_matrix, client):
    ctx = governance_matrix
    client.force_login(ctx.staff)
    member = BodyMember.objects.get(body=ctx.committee, user=ctx.body_member)
    response = client.post(reverse("governance:body-co-chairs", args=[ctx.committee.pk]), {
        "form_token": "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "seat": ChairSeat.STAFF, "member": member.pk})
    assert response.status_code == 200
    assert "siège de la permanence" in response.content.decode()
    assert response.context["form"]["member"].value() == str(member.pk)
    assert response.context["form"]["seat"].value() == ChairSeat.STAFF


def test_a_refused_body_form_keeps_what_was_typed(governance_matrix, client):
    ctx = governance_matrix
    client.force_login(ctx.staff)
    response = client.post(reverse("governance:body-create"), {
        "form_token": "8b1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "kind": BodyKind.AXIS, "parent": ctx.axis.pk,
        "name_fr": "Axe mal placé", "name_en": "Misplaced axis", "language": "fr"})
    assert response.status_code == 200
    assert "Axe mal placé" in response.content.decode()
    assert not Body.objects.filter(name_fr="Axe mal placé").exists()


def test_a_co_chair_who_leaves_their_organisation_loses_the_co_chairs_actions_at_once(governance_matrix, client):
    ctx = governance_matrix
    client.force_login(ctx.co_chair)
    invite = reverse("governance:body-invite", args=[ctx.committee.pk])
    detail = reverse("governance:body-detail", args=[ctx.committee.pk])
    assert client.get(invite).status_code == 200
    page = client.get(detail)
    assert page.context["manages"] and page.context["members"] is not None
    # They move to organisation B: the seat is still theirs in the table, their rights in it are not.
    ctx.co_chair.person.organisation = ctx.org_b
    ctx.co_chair.person.save()
    assert client.get(invite).status_code == 403
    page = client.get(detail)
    assert page.status_code == 200  # a member user of B still reads the bodies
    assert not page.context["manages"] and page.context["members"] is None
    assert "Invitations et demandes" not in page.content.decode()


def test_the_activity_overview_counts_each_bodys_meetings_actions_and_minutes(governance_matrix):
    ctx = governance_matrix
    now = timezone.now()
    past = Meeting.objects.create(body=ctx.committee, starts_at=now - datetime.timedelta(days=30),
                                  ends_at=now - datetime.timedelta(days=30, hours=-2), status=MeetingStatus.HELD)
    Meeting.objects.create(body=ctx.committee, starts_at=now - datetime.timedelta(days=400),
                           ends_at=now - datetime.timedelta(days=400, hours=-2), status=MeetingStatus.HELD)
    Meeting.objects.create(body=ctx.committee, starts_at=now - datetime.timedelta(days=10),
                           ends_at=now - datetime.timedelta(days=10, hours=-1), status=MeetingStatus.CANCELLED)
    upcoming = Meeting.objects.create(body=ctx.committee, starts_at=now + datetime.timedelta(days=7),
                                      ends_at=now + datetime.timedelta(days=7, hours=2))
    today = timezone.localdate()
    for due, status in ((-3, ActionStatus.OPEN), (5, ActionStatus.OPEN), (-9, ActionStatus.DONE)):
        ActionItem.objects.create(meeting=past, description="Suivi", owner=ctx.co_chair,
                                  due_on=today + datetime.timedelta(days=due), status=status,
                                  done_at=now if status == ActionStatus.DONE else None)
    approved_at = now - datetime.timedelta(days=20)
    Minutes.objects.create(meeting=past, version=1, content={}, status=MinutesStatus.APPROVED,
                           approved_at=approved_at)

    rows = {body.pk: body for body in selectors.activity()}
    committee, axis = rows[ctx.committee.pk], rows[ctx.axis.pk]
    assert (committee.member_count, committee.meetings_held, committee.open_actions, committee.overdue_actions) == (
        3, 1, 2, 1)
    assert committee.next_meeting == upcoming.starts_at and committee.last_minutes == approved_at
    assert [seat.user for seat in committee.co_chair_seats] == [ctx.co_chair, ctx.staff_chair]  # industry, staff
    assert (axis.meetings_held, axis.open_actions, axis.next_meeting, axis.last_minutes) == (0, 0, None, None)


def test_the_body_list_shows_axes_with_their_committees_and_the_viewers_invitation(governance_matrix, client):
    ctx = governance_matrix
    seat(ctx.committee, ctx.own_user, state=MembershipState.INVITED)
    loose = make_body(name="Comité hors axe")
    client.force_login(ctx.own_user)
    response = client.get(reverse("governance:body-list"))
    html = response.content.decode()
    assert [axis.pk for axis in response.context["axes"]] == [ctx.axis.pk]
    assert [body.pk for body in response.context["axes"][0].under] == [ctx.committee.pk]
    assert [body.pk for body in response.context["loose"]] == [loose.pk]
    assert "Invitation : accepter" in html and "cochair" in html
    assert [body.pk for body in response.context["my_bodies"]] == [ctx.committee.pk]


def test_a_person_of_an_organisation_that_is_not_a_member_sees_no_governance(db, client):
    organisation = make_organisation("Hotel Suspendu", membership_status=MembershipStatus.SUSPENDED)
    client.force_login(make_member(organisation, "lapsed@hotel.test"))
    assert client.get(reverse("governance:body-list")).status_code == 403


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("overlapping_transactions")  # each write waits after its audit entry: the race happens
def test_two_staff_appointing_the_same_seat_at_once_leave_one_co_chair(org_a, org_b, staff):
    other_staff = make_staff("staff2@grappe.test")
    body = make_body(name="Comité innovation")
    first, second = make_member(org_a, "first@alpha.test"), make_member(org_b, "second@bravo.test")
    for user in (first, second):
        seat(body, user)

    appointed = run_together(
        lambda: bodies.appoint_co_chair(actor=staff, body=body, seat=ChairSeat.INDUSTRY, user=first),
        lambda: bodies.appoint_co_chair(actor=other_staff, body=body, seat=ChairSeat.INDUSTRY, user=second))

    assert not [outcome for outcome in appointed if isinstance(outcome, Exception)], appointed
    assert BodyMember.objects.filter(body=body, chair_seat=ChairSeat.INDUSTRY).count() == 1
    assert AuditEntry.objects.filter(action="body.co_chair_appointed").count() == 2  # the second moved the seat
