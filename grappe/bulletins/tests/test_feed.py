"""A member's feed: everything that concerns its organisation, and nothing that does not; the feed page, the home
page's block, and `since` for the digests."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from grappe.bulletins import feed
from grappe.bulletins.models import BulletinStatus, Category
from grappe.conftest import committed, make_organisation
from grappe.events.models import Phase, RegistrationStatus
from grappe.events.tests.factories import make_event, register
from grappe.governance.models import Minutes, MinutesStatus, Vote
from grappe.governance.tests.factories import make_body, make_resolution, meeting_with_record, option, seat
from grappe.listening.models import Invitation, Response, ResponseStatus, Survey, SurveyStatus
from grappe.members.models import OrganisationKind
from grappe.programs.tests.factories import make_call, make_program

from .factories import make_bulletin

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(bulletins_matrix):
    """Something of each kind for organisation A, and the same kinds that do not concern it."""
    ctx = bulletins_matrix
    now = timezone.now()
    program = make_program(ctx.staff)
    ctx.call_open = make_call(program, title_en="Green shift 2027")
    ctx.call_not_eligible = make_call(program, title_en="Universities only",
                                      eligible_kinds=[OrganisationKind.UNIVERSITY]
                                      if ctx.org_a.kind != OrganisationKind.UNIVERSITY else [OrganisationKind.SME])
    ctx.call_closed = make_call(program, title_en="Closed call", opens_at=now - datetime.timedelta(days=30),
                                closes_at=now - datetime.timedelta(days=1))
    ctx.event_open = make_event(ctx.staff, title="Aero B2B day", phase=Phase.REGISTRATION)
    ctx.event_registered = make_event(ctx.staff, title="MRO summit", phase=Phase.SCHEDULING)
    register(ctx.event_registered, ctx.own_user)
    ctx.event_other = make_event(ctx.staff, title="Other's summit", phase=Phase.SCHEDULING)
    register(ctx.event_other, ctx.other_member)
    ctx.event_draft = make_event(ctx.staff, title="Draft fair", phase=Phase.DRAFT)
    committee = make_body(name="Comité réglementaire", name_en="Regulatory committee")
    seat(committee, ctx.own_user)
    elsewhere = make_body(name="Comité RH", name_en="HR committee")
    seat(elsewhere, ctx.other_member)
    for body in (committee, elsewhere):
        meeting = meeting_with_record(body, people=[ctx.own_user if body is committee else ctx.other_member],
                                      items=1)
        Minutes.objects.create(meeting=meeting, version=1, content={}, status=MinutesStatus.APPROVED,
                               approved_at=now - datetime.timedelta(days=2))
    ctx.survey = Survey.objects.create(title_fr="Pouls", title_en="Cluster pulse", status=SurveyStatus.OPEN,
                                       opens_at=now - datetime.timedelta(days=3), created_by=ctx.staff)
    Invitation.objects.create(survey=ctx.survey, organisation=ctx.org_a, sent_at=now)
    ctx.vote_open = make_resolution(title_en="Adopt the roadmap")
    ctx.vote_cast = make_resolution(title_en="Adopt the budget")
    Vote.objects.create(resolution=ctx.vote_cast, organisation=ctx.org_a, option=option(ctx.vote_cast, "For"),
                        cast_by=ctx.own_user, cast_at=now)
    return ctx


def titles(items):
    return {item.title for item in items}


def test_the_feed_gathers_what_concerns_the_organisation_and_nothing_else(world):
    ctx = world
    items = feed.feed_for(ctx.org_a)
    found = titles(items)
    assert {"Salon du Bourget (EN)", "Tarifs douaniers : ce qui vous concerne (EN)", "Green shift 2027",
            "Aero B2B day", "MRO summit", "Cluster pulse", "Adopt the roadmap"} <= found
    assert any(item.kind == "minutes" and "Regulatory committee" in item.title for item in items)
    assert not any("HR committee" in item.title for item in items)
    assert not found & {"Universities only", "Closed call", "Other's summit", "Draft fair", "Adopt the budget",
                        "Brouillon (EN)"}
    assert [item.when for item in items] == sorted((item.when for item in items), reverse=True)
    assert {item.kind for item in items} == set(feed.KINDS)


def test_organisation_b_sees_its_own_feed(world):
    found = titles(feed.feed_for(world.org_b))
    assert "Other's summit" in found and "Tarifs douaniers : ce qui vous concerne (EN)" not in found
    assert "MRO summit" not in found and "Cluster pulse" not in found


def test_a_submitted_survey_and_a_cancelled_registration_leave_the_feed(world):
    ctx = world
    Response.objects.create(survey=ctx.survey, organisation=ctx.org_a, status=ResponseStatus.SUBMITTED,
                            submitted_at=timezone.now())
    ctx.event_registered.registrations.update(status=RegistrationStatus.CANCELLED)
    found = titles(feed.feed_for(ctx.org_a))
    assert "Cluster pulse" not in found and "MRO summit" not in found


def test_since_keeps_only_what_is_newer(world):
    ctx = world
    since = timezone.now() - datetime.timedelta(hours=2)
    items = feed.feed_for(ctx.org_a, since=since)
    assert items and all(item.when > since for item in items)
    assert "Green shift 2027" not in titles(items)  # opened ten days ago
    assert "Adopt the roadmap" in titles(items)  # opened an hour ago


def test_limit_keeps_the_newest(world):
    assert feed.feed_for(world.org_a, limit=3) == feed.feed_for(world.org_a)[:3]


def test_the_feed_costs_a_few_queries_whatever_it_holds(world, django_assert_max_num_queries):
    for n in range(5):
        make_bulletin(title=f"Veille {n}", status=BulletinStatus.SENT, audience=[world.org_a])
    with django_assert_max_num_queries(10):  # one to three per source, whatever it holds
        feed.build_feed(world.org_a)


def test_the_feeds_of_many_organisations_read_together_are_each_ones_own(world):
    """A digest run reads its readers' feeds together: each organisation gets what it would get alone."""
    ctx = world
    since = timezone.now() - datetime.timedelta(days=4)
    together = feed.feeds_for([ctx.org_a, ctx.org_b], since=since)
    assert together == {organisation.pk: feed.build_feed(organisation, since=since)
                        for organisation in (ctx.org_a, ctx.org_b)}
    assert titles(together[ctx.org_a.pk]) != titles(together[ctx.org_b.pk])
    assert feed.feeds_for([ctx.org_a, ctx.org_b], limit=2)[ctx.org_a.pk] == feed.build_feed(ctx.org_a)[:2]


def test_feeds_read_together_cost_the_same_queries_for_two_organisations_as_for_hundreds(
        world, django_assert_num_queries):
    ctx = world
    with CaptureQueriesContext(connection) as two:
        feed.feeds_for([ctx.org_a, ctx.org_b])
    many = [make_organisation(f"Atelier {n}") for n in range(30)]
    with django_assert_num_queries(len(two.captured_queries)):
        found = feed.feeds_for([ctx.org_a, ctx.org_b, *many])
    assert titles(found[ctx.org_a.pk]) == titles(feed.build_feed(ctx.org_a))


def test_a_cached_feed_costs_one_query(world, django_assert_num_queries):
    first = feed.feed_for(world.org_a)
    with django_assert_num_queries(1):  # the versions
        assert feed.feed_for(world.org_a) == first


def test_the_feed_page_lists_everything_and_filters_by_kind(world, client):
    client.force_login(world.own_user)
    page = client.get("/en/news/feed/").content.decode()
    assert "Green shift 2027" in page and "Cluster pulse" in page and "Tarifs douaniers" in page
    page = client.get("/en/news/feed/?kind=call").content.decode()
    assert "Green shift 2027" in page and "Cluster pulse" not in page and "Tarifs douaniers" not in page


def test_the_home_page_shows_the_feed_and_links_to_the_whole_of_it(world, client):
    world.own_user.language = "en"
    world.own_user.save(update_fields=["language"])
    client.force_login(world.own_user)
    page = client.get(reverse("home:home")).content.decode()
    assert "For your organisation" in page and "All of your organisation" in page
    assert reverse("bulletins:feed") in page
    assert reverse("programs:call-detail", args=[world.call_open.pk]) in page
    block = page.split('data-testid="organisation-feed"')[1].split("</section>")[0]
    assert 0 < block.count("data-kind=") <= 8


def test_the_home_page_feed_holds_at_most_eight_items(world, client):
    for n in range(12):
        make_bulletin(title=f"Veille {n}", category=Category.REGULATORY, status=BulletinStatus.SENT,
                      audience=[world.org_a])
    client.force_login(world.own_user)
    page = client.get(reverse("home:home")).content.decode()
    block = page.split('data-testid="organisation-feed"')[1].split("</section>")[0]
    assert block.count('data-kind="') == 8


# The feed is cached per organisation and language (feed.cached_feed): what a member sees changes at once, because
# each service that changes a feed bumps its version (grappe/core/feed_versions.py). Each test reads the home page
# once (the feed is then cached), changes something through its service, and reads the page again.

def home_feed_titles(client) -> str:
    page = client.get(reverse("home:home")).content.decode()
    return page.split('data-testid="organisation-feed"')[1].split("</section>")[0]


@pytest.fixture
def member_home(world, client):
    world.own_user.language = "en"
    world.own_user.save(update_fields=["language"])
    client.force_login(world.own_user)
    return client


def test_a_vote_cast_disappears_from_the_home_feed_at_once(world, member_home):
    from grappe.governance.services import votes

    assert "Adopt the roadmap" in home_feed_titles(member_home)
    assert "Adopt the roadmap" in home_feed_titles(member_home)  # from the cache
    with committed():
        votes.cast(actor=world.own_admin, resolution=world.vote_open, option=option(world.vote_open, "For"))
    assert "Adopt the roadmap" not in home_feed_titles(member_home)


def test_a_newly_sent_bulletin_appears_at_once(world, member_home):
    from grappe.bulletins.services import sending

    notice = make_bulletin(title="Convocation à l’assemblée", category=Category.NOTICE, created_by=world.staff)
    assert "Convocation" not in home_feed_titles(member_home)
    with committed():
        sending.send_now(actor=world.staff, bulletin=notice)
    notice.refresh_from_db()
    assert notice.status == BulletinStatus.SENT
    assert "Convocation" in home_feed_titles(member_home)


def test_an_answered_survey_disappears_at_once(world, member_home):
    from grappe.listening.services import responses

    assert "Cluster pulse" in home_feed_titles(member_home)
    with committed():
        responses.save_response(actor=world.own_user, survey=world.survey, values={}, submit=True)
    assert Response.objects.get(survey=world.survey, organisation=world.org_a).status == ResponseStatus.SUBMITTED
    assert "Cluster pulse" not in home_feed_titles(member_home)


def test_a_new_call_appears_at_once(world, member_home):
    from decimal import Decimal

    from grappe.programs.services import calls

    call = calls.create_call(actor=world.staff, program=world.call_open.program, data={
        "title_fr": "Appel neuf", "title_en": "Brand new call", "opens_at": timezone.now(),
        "closes_at": timezone.now() + datetime.timedelta(days=30)},
        criteria=[{"name_fr": "Innovation", "name_en": "Innovation", "weight": Decimal("1"), "max_score": 10}])
    assert "Brand new call" not in home_feed_titles(member_home)
    with committed():
        calls.publish_call(actor=world.staff, call=call)
    assert "Brand new call" in home_feed_titles(member_home)


def test_a_call_whose_deadline_passed_leaves_the_cached_feed_at_once(world, monkeypatch):
    first = feed.feed_for(world.org_a)
    assert "Green shift 2027" in titles(first)
    key = feed.cache_key(world.org_a.pk, timezone.now())
    later = world.call_open.closes_at + datetime.timedelta(seconds=1)
    # The same entry is read (same versions, same ten minutes of the clock), a second after the call's deadline.
    monkeypatch.setattr(feed, "cache_key", lambda organisation_id, now: key)
    monkeypatch.setattr(feed.timezone, "now", lambda: later)
    with monkeypatch.context() as patched:
        patched.setattr(feed, "build_feed", lambda *args, **kwargs: pytest.fail("rebuilt instead of read"))
        found = titles(feed.feed_for(world.org_a))
    assert "Green shift 2027" not in found and "Cluster pulse" in found
