"""Resolutions and votes: one organisation, one vote; proxies capped and never chained; a count once at closing
with turnout, quorum and the majority rule; bad input refused in the reader's words."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from grappe.conftest import api_key_headers, committed, make_member, make_organisation
from grappe.core import notify
from grappe.core.errors import Conflict
from grappe.core.models import AuditEntry, Notification
from grappe.governance.demo_data import generate_votes
from grappe.governance.documents import minutes as documents
from grappe.governance.models import AgendaItem, ChairSeat, Elector, Meeting, Proxy, Recusal, Resolution, Vote
from grappe.governance.services import minutes as minutes_services
from grappe.governance.services import resolutions, votes
from grappe.governance.tasks import count_closed_resolutions_task
from grappe.members.models import MembershipStatus, OrgRole

from .factories import make_body, make_resolution, meeting_with_record, option, seat

pytestmark = pytest.mark.django_db


def admin_of(organisation, n=0):
    return make_member(organisation, f"admin{n}@{organisation.slug}.test", OrgRole.ADMIN)


def close(resolution):
    Resolution.objects.filter(pk=resolution.pk).update(opens_at=timezone.now() - datetime.timedelta(days=2),
                                                       closes_at=timezone.now() - datetime.timedelta(seconds=1))
    resolution.refresh_from_db()


def data(**changes):
    now = timezone.now()
    values = {"title_fr": "Feuille de route", "title_en": "Roadmap", "text_fr": "", "text_en": "",
              "opens_at": now, "closes_at": now + datetime.timedelta(days=7), "quorum_percent": Decimal("50"),
              "majority": "simple", "secret": False, "max_proxies": 1}
    return {**values, **changes}


# Drafting and publishing ----------------------------------------------------------------------------------------

def test_bad_input_is_refused_beside_its_field_in_french(staff):
    cases = [
        ({}, [], "options", "au moins deux options"),
        ({}, resolutions.default_options()[:1], "options", "au moins deux options"),
        ({"closes_at": timezone.now() - datetime.timedelta(days=1)}, None, "closes_at", "après"),
        ({"quorum_percent": Decimal("120")}, None, "quorum_percent", "entre 0 et 100"),
        ({"quorum_percent": Decimal("-1")}, None, "quorum_percent", "entre 0 et 100"),
    ]
    for changes, options, field, words in cases:
        with pytest.raises(ValidationError) as refusal:
            resolutions.draft_resolution(actor=staff, body=None, data=data(**changes),
                                         options=resolutions.default_options() if options is None else options)
        assert words in " ".join(refusal.value.message_dict[field]), refusal.value.message_dict
    assert not Resolution.objects.exists()
    assert not AuditEntry.objects.filter(action="resolution.drafted").exists()


def test_the_staff_draft_to_the_membership_and_a_co_chair_to_their_body_only(staff, org_a, org_b):
    chair = make_member(org_a, "chair@alpha.test")
    body, other = make_body(), make_body(name="Comité main-d’œuvre")
    seat(body, chair, chair_seat="industry")
    drafted = resolutions.draft_resolution(actor=chair, body=body, data=data(), options=resolutions.default_options())
    assert [o.label_en for o in drafted.options.all()] == ["For", "Against", "Abstain"]
    assert drafted.options.get(label_en="Abstain").is_abstention
    for target in (None, other):
        with pytest.raises(PermissionDenied):
            resolutions.draft_resolution(actor=chair, body=target, data=data(), options=resolutions.default_options())
    resolutions.draft_resolution(actor=staff, body=None, data=data(), options=resolutions.default_options())
    assert AuditEntry.objects.filter(action="resolution.drafted").count() == 2


def test_publishing_freezes_the_electorate_and_tells_the_voters_in_their_language(staff, org_a, org_b, settings):
    # The production task backend (the test suite runs tasks at once): it holds the count until the closing time.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    suspended = make_organisation("Suspendue", membership_status=MembershipStatus.SUSPENDED)
    admin_a, admin_b, admin_s = admin_of(org_a), admin_of(org_b), admin_of(suspended)
    plain = make_member(org_a, "plain@alpha.test")
    resolution = resolutions.draft_resolution(actor=staff, body=None, data=data(),
                                              options=resolutions.default_options())
    with committed():
        resolutions.publish(actor=staff, resolution=resolution)
    assert set(Elector.objects.filter(resolution=resolution).values_list("organisation", flat=True)) == {
        org_a.pk, org_b.pk}
    told = set(Notification.objects.filter(kind="governance.resolution_published").values_list("user", flat=True))
    assert told == {admin_a.pk, admin_b.pk}
    assert admin_s.pk not in told and plain.pk not in told
    with translation.override("en"):
        assert "“Roadmap”" in notify.readable(Notification.objects.first()).text
    with translation.override("fr"):
        assert "« Feuille de route »" in notify.readable(Notification.objects.first()).text or (
            "“Feuille de route”" in notify.readable(Notification.objects.first()).text)
    with pytest.raises(Conflict):
        resolutions.publish(actor=staff, resolution=resolution)
    # The database task backend runs the count at the closing time.
    queued = DBTaskResult.objects.get(task_path="grappe.governance.tasks.count_resolution_task")
    assert queued.run_after == resolution.closes_at and queued.args_kwargs["args"] == [resolution.pk]


def test_a_body_votes_by_its_member_organisations_never_by_staff_seats(staff, org_a, org_b):
    body = make_body()
    seat(body, staff, chair_seat="staff")
    seat(body, make_member(org_a, "seat@alpha.test"))
    former = make_member(org_b, "former@bravo.test")
    seat(body, former)
    former.person.is_active = False  # left Bravo: its seat no longer makes Bravo an elector
    former.person.save()
    assert resolutions.electorate(make_resolution(body, published=False)) == [org_a.pk]


# Casting ---------------------------------------------------------------------------------------------------------

def test_two_people_of_one_organisation_make_one_vote_which_the_second_changes(org_a):
    first, second = admin_of(org_a, 1), admin_of(org_a, 2)
    resolution = make_resolution()
    assert votes.cast(actor=first, resolution=resolution, option=option(resolution, "For")) == "cast"
    assert votes.cast(actor=second, resolution=resolution, option=option(resolution, "Against")) == "changed"
    vote = Vote.objects.get(resolution=resolution)
    assert (vote.organisation, vote.option.label_en, vote.cast_by) == (org_a, "Against", second)
    assert list(AuditEntry.objects.filter(action__startswith="vote.").values_list("action", flat=True)
                .order_by("pk")) == ["vote.cast", "vote.changed"]


def test_who_may_cast_an_organisations_vote(org_a, org_b):
    body = make_body()
    sitting, plain = make_member(org_a, "sits@alpha.test"), make_member(org_a, "plain@alpha.test")
    seat(body, sitting)
    seat(body, make_member(org_b, "sits@bravo.test"))
    resolution = make_resolution(body)
    with pytest.raises(PermissionDenied):
        votes.cast(actor=plain, resolution=resolution, option=option(resolution, "For"))
    votes.cast(actor=sitting, resolution=resolution, option=option(resolution, "For"))
    votes.cast(actor=admin_of(org_a), resolution=resolution, option=option(resolution, "Against"))
    assert Vote.objects.get().option.label_en == "Against"
    # A person who left the organisation loses the right at once.
    sitting.person.is_active = False
    sitting.person.save()
    with pytest.raises(PermissionDenied):
        votes.cast(actor=sitting, resolution=resolution, option=option(resolution, "For"))


def test_a_vote_outside_its_window_or_once_counted_is_refused(org_a):
    admin = admin_of(org_a)
    early = make_resolution(opens_in=2)
    with pytest.raises(Conflict, match="opens|ouvre"):
        votes.cast(actor=admin, resolution=early, option=option(early, "For"))
    resolution = make_resolution()
    votes.cast(actor=admin, resolution=resolution, option=option(resolution, "For"))
    close(resolution)
    with pytest.raises(Conflict):
        votes.cast(actor=admin, resolution=resolution, option=option(resolution, "Against"))
    resolutions.count(resolution)
    with pytest.raises(Conflict):
        votes.cast(actor=admin, resolution=resolution, option=option(resolution, "Against"))
    assert Vote.objects.get().option.label_en == "For"


def test_a_recused_person_casts_nothing(org_a, staff):
    body = make_body()
    meeting = Meeting.objects.create(body=body, starts_at=timezone.now(),
                                     ends_at=timezone.now() + datetime.timedelta(hours=1))
    item = AgendaItem.objects.create(meeting=meeting, title="Budget")
    admin = admin_of(org_a)
    seat(body, admin)
    resolution = make_resolution(body, item=item)
    Recusal.objects.create(item=item, user=admin, reason="Fournisseur concerné")
    with pytest.raises(PermissionDenied):
        votes.cast(actor=admin, resolution=resolution, option=option(resolution, "For"))


def test_a_secret_vote_is_final(org_a):
    resolution = make_resolution(secret=True)
    votes.cast(actor=admin_of(org_a, 1), resolution=resolution, option=option(resolution, "For"))
    with pytest.raises(Conflict, match="final|définitif"):
        votes.cast(actor=admin_of(org_a, 2), resolution=resolution, option=option(resolution, "Against"))


# Proxies ---------------------------------------------------------------------------------------------------------

def test_a_proxy_lets_the_holder_cast_the_grantors_vote_until_withdrawn(org_a, org_b):
    admin_a, admin_b = admin_of(org_a), admin_of(org_b)
    resolution = make_resolution()
    votes.give_proxy(actor=admin_a, resolution=resolution, holder=org_b)
    with pytest.raises(Conflict, match="Bravo"):
        votes.cast(actor=admin_a, resolution=resolution, option=option(resolution, "For"))
    votes.withdraw_proxy(actor=admin_a, resolution=resolution)
    votes.give_proxy(actor=admin_a, resolution=resolution, holder=org_b)
    votes.cast(actor=admin_b, resolution=resolution, option=option(resolution, "Against"), organisation=org_a)
    vote = Vote.objects.get(organisation=org_a)
    assert vote.by_proxy and vote.cast_by == admin_b
    with pytest.raises(Conflict):
        votes.withdraw_proxy(actor=admin_a, resolution=resolution)
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="proxy.").order_by("pk")] == [
        "proxy.given", "proxy.withdrawn", "proxy.given"]


def test_proxies_to_oneself_in_chains_or_past_the_cap_are_refused(org_a, org_b):
    org_c, org_d = make_organisation("Charlie Aéro"), make_organisation("Delta Aéro")
    admin_a, admin_b, admin_c, admin_d = (admin_of(o) for o in (org_a, org_b, org_c, org_d))
    resolution = make_resolution(max_proxies=1)

    def refusal(actor, holder):
        with pytest.raises(ValidationError) as refused:
            votes.give_proxy(actor=actor, resolution=resolution, holder=holder)
        return " ".join(refused.value.messages)

    assert "elle-même" in refusal(admin_a, org_a)
    votes.give_proxy(actor=admin_a, resolution=resolution, holder=org_b)
    assert "au plus" in refusal(admin_c, org_b) or "déjà" in refusal(admin_c, org_b)
    assert "transmise" in refusal(admin_c, org_a)         # A gave its own proxy to B: no chain through A
    assert "détient" in refusal(admin_b, org_d)           # B holds A's proxy: it cannot give its own
    votes.give_proxy(actor=admin_c, resolution=resolution, holder=org_d)
    assert Proxy.objects.count() == 2
    votes.cast(actor=admin_d, resolution=resolution, option=option(resolution, "For"))
    with pytest.raises(Conflict):
        votes.give_proxy(actor=admin_d, resolution=resolution, holder=org_b)   # voted already


# Counting --------------------------------------------------------------------------------------------------------

def electors(n):
    return [admin_of(make_organisation(f"Org {i}")) for i in range(n)]


def cast_all(resolution, people, labels):
    for person, label in zip(people, labels, strict=False):
        votes.cast(actor=person, resolution=resolution, option=option(resolution, label))


@pytest.mark.parametrize(("majority", "labels", "outcome"), [
    ("simple", ["For", "For", "Against", "Abstain", "Abstain"], "carried"),
    ("simple", ["For", "Against", "Abstain"], "no_majority"),
    ("two_thirds", ["For", "For", "Against", "Abstain"], "carried"),
    ("two_thirds", ["For", "For", "Against", "Against"], "no_majority"),
    ("unanimity", ["For", "For", "Abstain"], "carried"),
    ("unanimity", ["For", "For", "Against"], "no_majority"),
])
def test_the_count_applies_the_majority_leaving_abstentions_out(majority, labels, outcome):
    people = electors(5)
    resolution = make_resolution(majority=majority, quorum="50")
    cast_all(resolution, people, labels)
    close(resolution)
    results = resolutions.count(resolution).results
    assert results["outcome"] == outcome
    assert results["voted"] == len(labels) and results["electors"] == 5
    if outcome == "carried":
        assert results["carried"] == option(resolution, "For").pk


@pytest.mark.parametrize(("labels", "fr", "en"), [
    (["For", "For", "Against"], "Pour", "For"),
    (["Against", "Against", "For"], "Contre", "Against"),
])
def test_the_results_and_the_minutes_name_the_option_retained_never_adopted(client, staff, labels, fr, en):
    """The option with the majority is "retained", whichever it is: when "Against" is, the motion is rejected, so
    neither the results page nor the minutes may say it was adopted."""
    people = electors(3)
    body = make_body()
    seat(body, staff, chair_seat=ChairSeat.STAFF)
    for n, person in enumerate(people):
        seat(body, person, chair_seat=ChairSeat.INDUSTRY if n == 0 else None)
    meeting = meeting_with_record(body, people=[staff, *people])
    resolution = make_resolution(body, item=meeting.items.get(position=1))
    cast_all(resolution, people, labels)
    close(resolution)
    results = resolutions.count(resolution).results
    assert (results["outcome"], results["carried"]) == ("carried", option(resolution, en).pk)

    client.force_login(staff)
    page = client.get(reverse("governance:resolution-results", args=[resolution.pk])).content.decode()
    assert f"Option retenue : “{fr}”." in page and "Adoptée" not in page
    minutes = minutes_services.generate(actor=people[0], meeting=meeting)
    french, english = documents.render_body(minutes, "fr"), documents.render_body(minutes, "en")
    assert f"Option retenue : “{fr}”." in french and "Adoptée" not in french
    assert f"Option retained: “{en}”." in english and "Carried" not in english


def test_without_a_majority_or_a_quorum_no_option_is_retained(client, staff):
    people = electors(4)
    split = make_resolution(quorum="50")
    cast_all(split, people, ["For", "Against"])
    empty = make_resolution(quorum="75")
    cast_all(empty, people, ["For"])
    for resolution in (split, empty):
        close(resolution)
        resolutions.count(resolution)
    client.force_login(staff)
    split_page = client.get(reverse("governance:resolution-results", args=[split.pk])).content.decode()
    empty_page = client.get(reverse("governance:resolution-results", args=[empty.pk])).content.decode()
    assert "Aucune option n’a atteint la majorité requise" in split_page and "Non adoptée" not in split_page
    assert "Quorum non atteint : aucune option n’est retenue." in empty_page


def test_quorum_not_met_and_the_count_happens_once(settings):
    people = electors(4)
    resolution = make_resolution(quorum="60", secret=True)
    cast_all(resolution, people, ["For", "For"])
    close(resolution)
    first = resolutions.count(resolution)
    again = resolutions.count(resolution)
    assert first.results == again.results and first.counted_at == again.counted_at
    assert (first.results["outcome"], first.results["quorum_met"]) == ("quorum_not_met", False)
    assert [o["votes"] for o in first.results["options"]] == [2, 0, 0]
    assert AuditEntry.objects.filter(action="resolution.counted").count() == 1


def test_the_daily_task_counts_what_closed():
    resolution = make_resolution()
    electors(1)
    close(resolution)
    assert count_closed_resolutions_task.call() == 1
    resolution.refresh_from_db()
    assert resolution.counted_at is not None


def test_the_demo_votes_one_open_and_one_counted(staff):
    people = electors(6)
    body = make_body()
    for person in people[:3]:
        seat(body, person)
    summary = generate_votes([body], seed=7)
    opened, closed = Resolution.objects.get(pk=summary["open"]), Resolution.objects.get(pk=summary["closed"])
    assert opened.body == body and opened.counted_at is None and summary["open_votes"] >= 1
    assert Vote.objects.filter(resolution=opened, by_proxy=True).count() == 1
    assert closed.body is None and closed.secret and closed.counted_at is not None
    assert closed.results["voted"] == summary["closed_votes"]
    assert generate_votes([body], seed=7) is None


def test_the_draft_form_says_every_refusal_at_once_and_keeps_what_was_typed(client, staff):
    client.force_login(staff)
    response = client.post(reverse("governance:resolution-new"), {
        "form_token": "0b6f1c9e-27c4-4c1e-9a7a-3f2d1e0c5b11", "title_fr": "Feuille de route", "title_en": "",
        "options": "Pour / For", "quorum_percent": "120", "majority": "simple", "max_proxies": "1",
        "opens_at": "2027-01-10T09:00", "closes_at": "2027-01-09T09:00"})
    page = response.content.decode()
    assert response.status_code == 200 and not Resolution.objects.exists()
    for words in ("au moins deux options", "entre 0 et 100", "se clore après", "Feuille de route", "120"):
        assert words in page, words


@pytest.mark.parametrize("typed", ["32768", "100000", "51", "-1"])
def test_a_number_of_proxies_out_of_bounds_comes_back_with_its_message_not_an_error(client, staff, typed):
    client.force_login(staff)
    response = client.post(reverse("governance:resolution-new"), {
        "form_token": "0b6f1c9e-27c4-4c1e-9a7a-3f2d1e0c5b12", "title_fr": "Feuille de route", "title_en": "Roadmap",
        "options": "Pour / For\nContre / Against", "quorum_percent": "50", "majority": "simple",
        "max_proxies": typed, "opens_at": "2027-01-10T09:00", "closes_at": "2027-01-11T09:00"})
    page = response.content.decode()
    assert response.status_code == 200 and not Resolution.objects.exists()
    assert f'value="{typed}"' in page
    assert ("ne peut pas être négatif" if typed == "-1" else "au plus 50 procurations") in page


def test_the_service_refuses_more_than_fifty_proxies_in_french(staff):
    with pytest.raises(ValidationError) as refusal:
        resolutions.draft_resolution(actor=staff, body=None, data=data(max_proxies=32768),
                                     options=resolutions.default_options())
    assert "au plus 50 procurations" in " ".join(refusal.value.message_dict["max_proxies"])
    Resolution(**data(max_proxies=50), created_by=staff).full_clean(exclude=["created_by", "body", "item"])
    with pytest.raises(ValidationError):
        Resolution(**data(max_proxies=51)).full_clean(exclude=["created_by", "body", "item"])


def test_the_holders_ballot_page_shows_its_own_vote_and_the_proxy(client, org_a, org_b):
    admin_a, admin_b = admin_of(org_a), admin_of(org_b)
    resolution = make_resolution()
    votes.give_proxy(actor=admin_a, resolution=resolution, holder=org_b)
    client.force_login(admin_b)
    page = client.get(reverse("governance:resolution-detail", args=[resolution.pk])).content.decode()
    assert f"Pour {org_b} (votre organisation)" in page and f"Par procuration pour {org_a}" in page
    response = client.post(reverse("governance:resolution-vote", args=[resolution.pk]),
                           {"option": option(resolution, "For").pk, "organisation": org_a.pk})
    assert response.status_code == 302
    assert Vote.objects.get(organisation=org_a).by_proxy


def test_the_api_casts_through_the_same_service_and_says_why_it_refuses(client, org_a):
    admin = admin_of(org_a)
    resolution = make_resolution(secret=True)
    path = reverse("api:governance-resolution-vote", args=[resolution.pk])
    headers = api_key_headers(admin)
    other = make_resolution(title_en="Other")
    assert client.post(path, {"option": option(other, "For").pk}, content_type="application/json",
                       **headers).status_code == 422
    first = client.post(path, {"option": option(resolution, "For").pk}, content_type="application/json", **headers)
    assert first.status_code == 200 and first.json()["result"] == "cast"
    again = client.post(path, {"option": option(resolution, "Against").pk}, content_type="application/json",
                        **headers)
    assert again.status_code == 409
    listed = client.get(reverse("api:governance-resolutions"), **headers).json()
    assert {r["id"] for r in listed} == {resolution.pk, other.pk}
    assert all(o["votes"] is None for r in listed for o in r["options"])  # no count before closing
