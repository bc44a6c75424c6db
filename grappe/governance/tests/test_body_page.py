"""A body's page gathers what runs in it: its meetings (upcoming and past) for its members and the staff, with the
co-chairs' "schedule a meeting" and "new resolution"; its approved minutes and the resolutions a reader may read
for every member of the cluster. The governance list leads to "my actions", the decisions and the votes."""

import datetime

from django.urls import reverse
from django.utils import timezone, translation

from grappe.governance import selectors
from grappe.governance.models import Meeting, MeetingStatus

from .factories import make_resolution


def meeting(body, days, status=MeetingStatus.SCHEDULED, title=""):
    starts = timezone.now() + datetime.timedelta(days=days)
    return Meeting.objects.create(body=body, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
                                  place="Montréal", status=status, title=title)


def test_upcoming_meetings_come_soonest_first_and_held_or_cancelled_ones_are_past(governance_matrix):
    ctx = governance_matrix
    later, sooner = meeting(ctx.committee, 14), meeting(ctx.committee, 7)
    held = meeting(ctx.committee, 1, MeetingStatus.HELD)
    cancelled = meeting(ctx.committee, 3, MeetingStatus.CANCELLED)
    ended = meeting(ctx.committee, -30)
    upcoming, past = selectors.meetings_split(ctx.committee)
    assert upcoming == [sooner, later]
    assert past == [cancelled, held, ended]


def test_a_co_chair_sees_the_meetings_and_the_buttons_to_schedule_and_to_propose(governance_matrix, client):
    ctx = governance_matrix
    coming = meeting(ctx.committee, 7, title="Réunion de printemps")
    client.force_login(ctx.co_chair)
    page = client.get(reverse("governance:body-detail", args=[ctx.committee.pk])).content.decode()
    assert reverse("governance:meeting-detail", args=[coming.pk]) in page
    assert reverse("governance:meeting-create", args=[ctx.committee.pk]) in page
    assert reverse("governance:meeting-list", args=[ctx.committee.pk]) in page
    assert f'{reverse("governance:resolution-new")}?body={ctx.committee.pk}' in page


def test_a_member_of_the_body_sees_its_meetings_without_the_co_chairs_buttons(governance_matrix, client):
    ctx = governance_matrix
    coming = meeting(ctx.committee, 7)
    client.force_login(ctx.body_member)
    page = client.get(reverse("governance:body-detail", args=[ctx.committee.pk])).content.decode()
    assert reverse("governance:meeting-detail", args=[coming.pk]) in page
    assert reverse("governance:meeting-create", args=[ctx.committee.pk]) not in page
    assert reverse("governance:resolution-new") not in page


def test_another_member_sees_the_resolutions_and_minutes_not_the_meetings(governance_matrix, client):
    ctx = governance_matrix
    coming = meeting(ctx.committee, 7)
    published = make_resolution(ctx.committee, title_fr="Adopter la feuille de route")
    draft = make_resolution(ctx.committee, title_fr="Brouillon confidentiel", published=False)
    client.force_login(ctx.other_member)
    response = client.get(reverse("governance:body-detail", args=[ctx.committee.pk]))
    page = response.content.decode()
    assert reverse("governance:meeting-detail", args=[coming.pk]) not in page
    assert reverse("governance:resolution-detail", args=[published.pk]) in page
    assert reverse("governance:resolution-detail", args=[draft.pk]) not in page
    with translation.override("fr"):
        assert translation.gettext("Approved minutes and decisions") in page


def test_the_new_resolution_form_is_put_to_the_body_it_was_opened_from(governance_matrix, client):
    ctx = governance_matrix
    client.force_login(ctx.co_chair)
    form = client.get(reverse("governance:resolution-new"), {"body": ctx.committee.pk}).context["form"]
    assert form["body"].value() == ctx.committee.pk
    other = client.get(reverse("governance:resolution-new"), {"body": ctx.axis.pk}).context["form"]
    assert not other["body"].value()  # an axis the co-chair does not chair is not chosen for them


def test_the_governance_list_leads_to_my_actions_the_decisions_and_the_votes(governance_matrix, client):
    client.force_login(governance_matrix.other_member)
    page = client.get(reverse("governance:body-list")).content.decode()
    for name in ("governance:my-actions", "governance:decisions", "governance:resolution-list"):
        assert f'href="{reverse(name)}"' in page
