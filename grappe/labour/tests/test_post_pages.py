"""The pages of availabilities and needs: posting keeps what was typed when refused and posts once however many
clicks; the board filters and links to each post; a withdrawn or finished post leaves the board and the matches;
another member sees a post and its organisation, never a person; a poster's administrator sees the posts that
match theirs, ranked, with the reasons."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grappe.conftest import make_member, make_organisation
from grappe.core.models import AuditEntry
from grappe.labour.models import Availability, Loan, LoanStatus, Need, PostStatus
from grappe.members.models import OrgRole

from .factories import make_availability, make_need, period

pytestmark = pytest.mark.django_db


def form_data(ctx, **more) -> dict:
    start, end = period()
    return {"form_token": str(uuid.uuid4()), "title": "Deux soudeurs TIG", "skills": [ctx.capability.pk],
            "people": "2", "start": start.isoformat(), "end": end.isoformat(), "region": "06", "mode": "on_site",
            "clearance": "none", "hourly_rate": "61.25", "at_cost_confirmed": "on", **more}


def test_the_administrator_posts_an_availability_once_however_many_clicks(labour_matrix, client):
    ctx = labour_matrix
    client.force_login(ctx.own_admin)
    data = form_data(ctx)
    first = client.post(reverse("labour:availability-create"), data)
    second = client.post(reverse("labour:availability-create"), data)
    posted = Availability.objects.get(title="Deux soudeurs TIG")
    assert first.url == second.url == reverse("labour:availability-detail", args=[posted.pk])
    assert AuditEntry.objects.filter(action="availability.posted").count() == 1


def test_a_refused_post_keeps_what_was_typed_and_says_why(labour_matrix, client):
    ctx = labour_matrix
    client.force_login(ctx.own_admin)
    data = form_data(ctx, title="Peintres aéronautiques")
    del data["at_cost_confirmed"]
    response = client.post(reverse("labour:availability-create"), data)
    page = response.content.decode()
    assert response.status_code == 200 and "Peintres aéronautiques" in page and "61.25" in page
    assert "Confirmez que le taux est au prix coûtant" in page  # the reason, beside the box, in French
    assert not Availability.objects.filter(title="Peintres aéronautiques").exists()
    assert not AuditEntry.objects.exists()


def test_the_form_says_the_rate_is_at_cost(labour_matrix, client):
    client.force_login(labour_matrix.own_admin)
    page = client.get(reverse("labour:availability-create")).content.decode()
    assert "au prix coûtant" in page and "aucune marge" in page


def test_the_administrator_changes_a_post_and_the_form_starts_from_it(labour_matrix, client):
    ctx = labour_matrix
    client.force_login(ctx.own_admin)
    url = reverse("labour:need-edit", args=[ctx.own_need.pk])
    assert "Besoin de soudeurs" in client.get(url).content.decode()
    data = form_data(ctx, title="Besoin de soudeurs TIG", people="3")
    del data["hourly_rate"], data["at_cost_confirmed"]
    client.post(url, data)
    ctx.own_need.refresh_from_db()
    assert (ctx.own_need.title, ctx.own_need.people) == ("Besoin de soudeurs TIG", 3)


def test_the_board_filters_by_skill_region_period_and_mode(labour_matrix, client):
    ctx = labour_matrix
    far = make_availability(ctx.org_b, ctx.other_member, [ctx.domain], title="Équipe à distance",
                            region="09", mode="remote")
    client.force_login(ctx.other_member)
    board = reverse("labour:board")
    page = client.get(board).content.decode()
    assert reverse("labour:availability-detail", args=[ctx.availability.pk]) in page
    assert reverse("labour:need-detail", args=[ctx.need.pk]) in page
    by_region = client.get(board, {"region": "09"}).content.decode()
    assert "Équipe à distance" in by_region and "Deux machinistes CNC" not in by_region
    by_mode = client.get(board, {"mode": "remote"}).content.decode()
    assert "Équipe à distance" in by_mode and "Deux machinistes CNC" not in by_mode
    # The domain offered covers a capability in it, and a capability is found under its domain.
    by_skill = client.get(board, {"skill": ctx.capability.pk}).content.decode()
    assert "Équipe à distance" in by_skill and "Deux machinistes CNC" in by_skill
    later = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    by_period = client.get(board, {"start": later}).content.decode()
    assert "Deux machinistes CNC" not in by_period and far.title not in by_period


def test_a_withdrawn_or_finished_post_leaves_the_board_and_the_matches(labour_matrix, client):
    ctx = labour_matrix
    b_admin = make_member(ctx.org_b, "admin@bravo.test", OrgRole.ADMIN)
    client.force_login(b_admin)
    need_page = reverse("labour:need-detail", args=[ctx.need.pk])
    assert "Deux machinistes CNC" in client.get(need_page).content.decode()
    Availability.objects.filter(pk=ctx.availability.pk).update(status=PostStatus.WITHDRAWN)
    assert "Deux machinistes CNC" not in client.get(need_page).content.decode()
    assert "Deux machinistes CNC" not in client.get(reverse("labour:board")).content.decode()
    past = make_availability(ctx.org_a, ctx.own_admin, [ctx.capability], title="Équipe passée",
                             start=timezone.localdate() - datetime.timedelta(days=30),
                             end=timezone.localdate() - datetime.timedelta(days=1))
    assert "Équipe passée" not in client.get(need_page).content.decode()
    assert client.get(reverse("labour:availability-detail", args=[past.pk])).status_code == 404
    client.force_login(ctx.own_admin)  # its organisation still reads it
    assert client.get(reverse("labour:availability-detail", args=[past.pk])).status_code == 200


def test_another_member_sees_the_post_and_its_organisation_never_a_person(labour_matrix, client):
    ctx = labour_matrix
    client.force_login(ctx.other_member)
    page = client.get(reverse("labour:availability-detail", args=[ctx.availability.pk])).content.decode()
    assert "Deux machinistes CNC" in page and ctx.org_a.display_name in page
    for personal in (ctx.own_admin.email, ctx.own_user.email, ctx.person.email, ctx.person.last_name):
        assert personal not in page
    assert reverse("labour:availability-edit", args=[ctx.availability.pk]) not in page
    assert "Besoin de machinistes" not in page  # the matches are its administrator's


def test_the_borrower_sees_the_availabilities_that_match_ranked_with_reasons(labour_matrix, client):
    ctx = labour_matrix
    near = make_availability(make_organisation("Delta Aéro", neq="4444444444"), ctx.staff, [ctx.capability],
                             title="Machinistes à Laval", region="13", people=1)
    make_availability(ctx.org_b, ctx.other_member, [ctx.capability], title="Nos propres machinistes")
    make_availability(ctx.org_a, ctx.own_admin, [ctx.capability], title="Machinistes à distance seulement",
                      clearance="reliability", mode="remote")
    Need.objects.filter(pk=ctx.need.pk).update(clearance="reliability")
    Availability.objects.filter(pk=near.pk).update(clearance="secret")
    b_admin = make_member(ctx.org_b, "admin@bravo.test", OrgRole.ADMIN)
    client.force_login(b_admin)
    page = client.get(reverse("labour:need-detail", args=[ctx.need.pk])).content.decode()
    assert "Machinistes à Laval" in page
    assert "Deux machinistes CNC" not in page  # no clearance: filtered out
    assert "Nos propres machinistes" not in page  # the borrower's own
    assert "Machinistes à distance seulement" not in page  # the need is on site only
    assert "toutes les compétences demandées" in page and "même région" in page and "toute la période" in page


def test_the_lender_sees_the_needs_its_availability_matches(labour_matrix, client):
    ctx = labour_matrix
    client.force_login(ctx.own_admin)
    page = client.get(reverse("labour:availability-detail", args=[ctx.availability.pk])).content.decode()
    assert "Besoin de machinistes" in page and "Bravo Composites" in page and "km" in page
    assert "Besoin de soudeurs" not in page  # A's own need


def test_my_organisations_posts_with_their_status(labour_matrix, client):
    ctx = labour_matrix
    Need.objects.filter(pk=ctx.own_need.pk).update(status=PostStatus.WITHDRAWN)
    client.force_login(ctx.own_user)
    page = client.get(reverse("labour:mine")).content.decode()
    assert "Deux machinistes CNC" in page and "Besoin de soudeurs" in page and "Retiré" in page
    assert "Besoin de machinistes" not in page
    assert reverse("labour:availability-create") not in page  # a plain member does not post


def test_the_people_already_lent_during_the_need_are_not_offered_again(labour_matrix, client):
    ctx = labour_matrix
    Need.objects.filter(pk=ctx.need.pk).update(people=2)
    loan = Loan.objects.create(availability=ctx.availability, borrower=ctx.org_hidden, people=1,
                               start=ctx.availability.start, end=ctx.availability.end, hourly_rate=Decimal("62.50"),
                               requested_by=ctx.staff)
    client.force_login(make_member(ctx.org_b, "admin@bravo.test", OrgRole.ADMIN))
    need_page = reverse("labour:need-detail", args=[ctx.need.pk])
    page = client.get(need_page).content.decode()
    assert "Deux machinistes CNC" in page and "1 personne sur 2" in page
    Loan.objects.filter(pk=loan.pk).update(people=2)
    assert "Deux machinistes CNC" not in client.get(need_page).content.decode()
    Loan.objects.filter(pk=loan.pk).update(status=LoanStatus.CANCELLED)
    assert "assez de personnes" in client.get(need_page).content.decode()


@pytest.mark.parametrize(("code", "values", "french", "english"), [
    ("skills", (1, 3), "1 compétence sur 3", "1 of 3 skills"),
    ("skills", (2, 3), "2 compétences sur 3", "2 of 3 skills"),
    ("skills", (3, 3), "toutes les compétences demandées", "all the skills needed"),
    ("period", (42, 56), "couvre 6 semaines sur 8", "overlaps 6 of 8 weeks"),
    ("period", (55, 56), "couvre 7 semaines sur 8", "overlaps 7 of 8 weeks"),
    ("period", (3, 10), "couvre 3 jours sur 10", "overlaps 3 of 10 days"),
    ("period", (56, 56), "toute la période", "the whole period"),
    ("distance", (120,), "à 120 km", "120 km away"),
    ("remote", (), "à distance", "remote"),
    ("people", (1, 4), "1 personne sur 4", "1 of 4 people"),
    ("people", (5, 4), "assez de personnes", "enough people"),
])
def test_each_reason_is_a_short_sentence_in_either_language(code, values, french, english):
    from django.utils import translation

    from grappe.labour.matches import said
    from matching.labour import Reason

    with translation.override("fr"):
        assert said(Reason(code, values)) == french
    with translation.override("en"):
        assert said(Reason(code, values)) == english
