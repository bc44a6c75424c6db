"""Two co-chairs generating a meeting's minutes at the same instant make one version, and a comment sent while the
version is being approved is either in before the approval or refused (PostgreSQL, real threads, real
transactions: see grappe/core/tests/test_concurrency.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grappe.conftest import make_member, make_organisation, make_staff, run_together
from grappe.core.models import AuditEntry
from grappe.core.tests.test_concurrency import overlapping_transactions  # noqa: F401 — a fixture
from grappe.governance.models import ChairSeat, Minutes, MinutesComment, MinutesStatus
from grappe.governance.services import minutes as minutes_services

from .factories import make_body, meeting_with_record, seat

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("overlapping_transactions"),  # each write waits after its audit entry: the race happens
]


@pytest.fixture
def committee(reference_data):
    body = make_body()
    staff_chair = make_staff("chair@grappe.test")
    co_chair = make_member(make_organisation("Echo Aerostructures", neq="5555555555"), "cochair@echo.test")
    member = make_member(make_organisation("Foxtrot Avionique", neq="6666666666"), "member@foxtrot.test")
    seat(body, staff_chair, chair_seat=ChairSeat.STAFF)
    seat(body, co_chair, chair_seat=ChairSeat.INDUSTRY)
    seat(body, member)
    body.people = [staff_chair, co_chair, member]
    return body


def test_two_co_chairs_generating_at_once_make_one_version(committee):
    staff_chair, co_chair, _member = committee.people
    meeting = meeting_with_record(committee, people=committee.people)

    outcomes = run_together(lambda: minutes_services.generate(actor=staff_chair, meeting=meeting),
                            lambda: minutes_services.generate(actor=co_chair, meeting=meeting))

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert list(Minutes.objects.filter(meeting=meeting).values_list("version", "status")) == [(1, "draft")]
    assert sorted(AuditEntry.objects.filter(action__startswith="minutes.").values_list("action", flat=True)) == [
        "minutes.generated", "minutes.regenerated"]


def test_a_comment_sent_during_the_approval_is_in_before_it_or_refused(committee):
    staff_chair, co_chair, member = committee.people
    meeting = meeting_with_record(committee, people=committee.people)
    minutes = minutes_services.generate(actor=co_chair, meeting=meeting)
    minutes_services.circulate(actor=co_chair, minutes=minutes)

    outcomes = run_together(lambda: minutes_services.approve(actor=staff_chair, minutes=minutes),
                            lambda: minutes_services.comment(actor=member, minutes=minutes, text="Un ajout"))

    approved, commented = outcomes
    assert not isinstance(approved, Exception), approved
    assert Minutes.objects.get(pk=minutes.pk).status == MinutesStatus.APPROVED
    if isinstance(commented, Exception):
        assert isinstance(commented, ValidationError) and commented.code == "not_circulated"
        assert not MinutesComment.objects.exists()
    else:
        comment = MinutesComment.objects.get()
        assert comment.created_at < Minutes.objects.get(pk=minutes.pk).approved_at
