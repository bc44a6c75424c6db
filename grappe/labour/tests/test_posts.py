"""Posting availabilities and needs: only an organisation's administrator, for a member in good standing; each
rule refused with its reason and nothing written; one audit entry for each write; an availability never shrinks
below what its loans hold."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from grappe.conftest import make_member
from grappe.core.models import AuditEntry
from grappe.labour.models import Availability, Loan, LoanStatus, Need, PostStatus
from grappe.labour.services import posts
from grappe.members.models import Capability, MembershipStatus, OrgRole

from .factories import period

pytestmark = pytest.mark.django_db


def availability_fields(ctx, **more) -> dict:
    start, end = period()
    return {"title": "Trois techniciens composites", "skills": [ctx.capability], "people": 3, "start": start,
            "end": end, "region": "06", "mode": "on_site", "hourly_rate": Decimal("58.00"),
            "at_cost_confirmed": True, **more}


def need_fields(ctx, **more) -> dict:
    start, end = period()
    return {"title": "Renfort soudage", "skills": [ctx.domain], "people": 2, "start": start, "end": end,
            "region": "13", **more}


def entries(action) -> list:
    return list(AuditEntry.objects.filter(action=action).values_list("actor", "target_id"))


def test_an_administrator_posts_an_availability_with_one_audit_entry(labour_matrix):
    ctx = labour_matrix
    availability = posts.post_availability(ctx.own_admin, ctx.org_a, **availability_fields(ctx))
    assert (availability.organisation, availability.people, availability.status) == (ctx.org_a, 3, PostStatus.OPEN)
    assert list(availability.skills.all()) == [ctx.capability]
    assert entries("availability.posted") == [(ctx.own_admin.pk, str(availability.pk))]
    assert AuditEntry.objects.get(action="availability.posted").after["skills"] == [ctx.capability.pk]


def test_an_administrator_posts_a_need_with_one_audit_entry(labour_matrix):
    ctx = labour_matrix
    need = posts.post_need(ctx.own_admin, ctx.org_a, **need_fields(ctx, max_hourly_rate=Decimal("70")))
    assert (need.organisation, need.max_hourly_rate) == (ctx.org_a, Decimal("70"))
    assert entries("need.posted") == [(ctx.own_admin.pk, str(need.pk))]


@pytest.mark.parametrize("who", ["own_user", "other_member", "staff", "observer"])
def test_only_the_organisations_administrator_posts_for_it(labour_matrix, who):
    ctx = labour_matrix
    before = Availability.objects.count(), Need.objects.count()
    with pytest.raises(PermissionDenied):
        posts.post_availability(getattr(ctx, who), ctx.org_a, **availability_fields(ctx))
    with pytest.raises(PermissionDenied):
        posts.post_need(getattr(ctx, who), ctx.org_a, **need_fields(ctx))
    assert (Availability.objects.count(), Need.objects.count()) == before
    assert not AuditEntry.objects.exists()


def test_an_organisation_not_in_good_standing_posts_nothing(labour_matrix):
    ctx = labour_matrix
    ctx.org_a.membership_status = MembershipStatus.SUSPENDED
    ctx.org_a.save()
    with pytest.raises(PermissionDenied):
        posts.post_availability(ctx.own_admin, ctx.org_a, **availability_fields(ctx))
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"people": 0}, "people"),
    ({"start": timezone.localdate() + datetime.timedelta(days=9),
      "end": timezone.localdate() + datetime.timedelta(days=3)}, "end"),
    ({"start": timezone.localdate() - datetime.timedelta(days=30),
      "end": timezone.localdate() - datetime.timedelta(days=1)}, "end"),
    ({"hourly_rate": Decimal("0")}, "hourly_rate"),
    ({"at_cost_confirmed": False}, "at_cost_confirmed"),
    ({"skills": []}, "skills"),
])
def test_each_rule_of_an_availability_is_refused_with_its_reason_and_nothing_written(labour_matrix, change, field):
    ctx = labour_matrix
    before = Availability.objects.count()
    with pytest.raises(ValidationError) as refused:
        posts.post_availability(ctx.own_admin, ctx.org_a, **availability_fields(ctx, **change))
    assert field in refused.value.error_dict
    assert Availability.objects.count() == before and not AuditEntry.objects.exists()


def test_a_period_already_started_but_not_over_is_accepted(labour_matrix):
    ctx = labour_matrix
    today = timezone.localdate()
    availability = posts.post_availability(ctx.own_admin, ctx.org_a, **availability_fields(
        ctx, start=today - datetime.timedelta(days=10), end=today))
    assert availability.pk


def test_skills_come_from_the_taxonomy_in_use(labour_matrix):
    ctx = labour_matrix
    retired = Capability.objects.create(parent=ctx.domain, code="old", label_fr="Vieux", label_en="Old",
                                        is_active=False)
    for skills in ([retired], [ctx.capability.pk, 999999]):
        with pytest.raises(ValidationError) as refused:
            posts.post_need(ctx.own_admin, ctx.org_a, **need_fields(ctx, skills=skills))
        assert "skills" in refused.value.error_dict
    need = posts.post_need(ctx.own_admin, ctx.org_a, **need_fields(ctx, skills=[ctx.capability.pk, ctx.domain.pk]))
    assert set(need.skills.all()) == {ctx.capability, ctx.domain}


def test_a_need_refuses_a_highest_rate_of_zero(labour_matrix):
    ctx = labour_matrix
    with pytest.raises(ValidationError) as refused:
        posts.post_need(ctx.own_admin, ctx.org_a, **need_fields(ctx, max_hourly_rate=Decimal("0")))
    assert "max_hourly_rate" in refused.value.error_dict


def test_the_administrator_changes_an_availability_with_one_entry_before_and_after(labour_matrix):
    ctx = labour_matrix
    availability = posts.update_availability(ctx.own_admin, ctx.availability, people=4, skills=[ctx.domain])
    availability.refresh_from_db()
    assert availability.people == 4 and list(availability.skills.all()) == [ctx.domain]
    entry = AuditEntry.objects.get(action="availability.changed")
    assert (entry.actor, entry.before["people"], entry.after["people"]) == (ctx.own_admin, 2, 4)
    assert entry.after["skills"] == [ctx.domain.pk]


def test_a_member_of_another_organisation_or_a_plain_member_changes_nothing(labour_matrix):
    ctx = labour_matrix
    for who in (ctx.other_member, ctx.own_user, ctx.staff):
        with pytest.raises(PermissionDenied):
            posts.update_availability(who, ctx.availability, people=9)
        with pytest.raises(PermissionDenied):
            posts.withdraw_need(who, ctx.need)
    ctx.availability.refresh_from_db()
    assert ctx.availability.people == 2 and not AuditEntry.objects.exists()


def lend(ctx, people, start_in, days, status=LoanStatus.AGREED):
    start = timezone.localdate() + datetime.timedelta(days=start_in)
    return Loan.objects.create(availability=ctx.availability, borrower=ctx.org_b, people=people, start=start,
                               end=start + datetime.timedelta(days=days - 1), hourly_rate=Decimal("62.50"),
                               status=status, requested_by=ctx.other_member, lender_accepted_at=timezone.now(),
                               borrower_accepted_at=timezone.now())


def test_an_availability_keeps_the_people_its_loans_hold_at_once(labour_matrix):
    ctx = labour_matrix
    posts.update_availability(ctx.own_admin, ctx.availability, people=5)
    lend(ctx, 2, 7, 14)
    lend(ctx, 1, 14, 14, status=LoanStatus.REQUESTED)
    lend(ctx, 3, 30, 5, status=LoanStatus.CANCELLED)  # holds nothing
    with pytest.raises(ValidationError) as refused:
        posts.update_availability(ctx.own_admin, ctx.availability, people=2)
    assert "gardez-en au moins 3" in refused.value.message_dict["people"][0]  # the number still allowed
    ctx.availability.refresh_from_db()
    assert ctx.availability.people == 5 and entries("availability.changed") == [(ctx.own_admin.pk,
                                                                                 str(ctx.availability.pk))]
    posts.update_availability(ctx.own_admin, ctx.availability, people=3)


def test_an_availability_keeps_the_period_its_loans_run_in(labour_matrix):
    ctx = labour_matrix
    loan = lend(ctx, 1, 14, 14)
    shorter = ctx.availability.start + datetime.timedelta(days=19)  # the loan ends on day 20
    with pytest.raises(ValidationError) as refused:
        posts.update_availability(ctx.own_admin, ctx.availability, end=shorter)
    window = refused.value.message_dict["end"][0]  # the window still allowed
    assert date_format(loan.start) in window and date_format(loan.end) in window
    with pytest.raises(ValidationError) as later:
        posts.update_availability(ctx.own_admin, ctx.availability, start=ctx.availability.start
                                  + datetime.timedelta(days=10))
    assert "start" in later.value.error_dict
    posts.update_availability(ctx.own_admin, ctx.availability, end=ctx.availability.start + datetime.timedelta(
        days=20))


def test_withdrawing_takes_the_post_off_once_with_one_entry(labour_matrix):
    ctx = labour_matrix
    posts.withdraw_availability(ctx.own_admin, ctx.availability)
    ctx.availability.refresh_from_db()
    assert ctx.availability.status == PostStatus.WITHDRAWN
    assert entries("availability.withdrawn") == [(ctx.own_admin.pk, str(ctx.availability.pk))]
    with pytest.raises(ValidationError):
        posts.withdraw_availability(ctx.own_admin, ctx.availability)
    with pytest.raises(ValidationError):
        posts.update_availability(ctx.own_admin, ctx.availability, people=3)
    assert AuditEntry.objects.count() == 1


def test_the_needs_administrator_changes_and_withdraws_it(labour_matrix):
    ctx = labour_matrix
    b_admin = make_member(ctx.org_b, "admin@bravo.test", OrgRole.ADMIN)
    posts.update_need(b_admin, ctx.need, people=3, mode="remote")
    posts.withdraw_need(b_admin, ctx.need)
    ctx.need.refresh_from_db()
    assert (ctx.need.people, ctx.need.mode, ctx.need.status) == (3, "remote", PostStatus.WITHDRAWN)
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["need.changed", "need.withdrawn"]


def test_an_administrator_posts_for_their_own_organisation_only(labour_matrix):
    ctx = labour_matrix
    with pytest.raises(PermissionDenied):
        posts.post_need(ctx.own_admin, ctx.org_b, **need_fields(ctx))
    assert not Need.objects.filter(organisation=ctx.org_b, title="Renfort soudage").exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(("language", "message"), [("en", "The end must come after the start."),
                                                   ("fr", "La fin doit venir après le début.")])
def test_an_end_before_the_start_says_the_end_must_come_after_it(labour_matrix, language, message):
    from django.utils import translation

    ctx = labour_matrix
    start = timezone.localdate() + datetime.timedelta(days=9)
    with translation.override(language), pytest.raises(ValidationError) as refused:
        posts.post_availability(ctx.own_admin, ctx.org_a, **availability_fields(
            ctx, start=start, end=start - datetime.timedelta(days=6)))
    assert refused.value.message_dict["end"] == [message]
