"""The minutes: generated in one click from the meeting's record and frozen, written in the body's language with the
other offered, circulated for the members' comments, approved, and never changed once approved (a correction is
the next version)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation

from grappe.conftest import committed, make_member, make_organisation, make_staff
from grappe.core.models import AuditEntry, Notification
from grappe.core.notify import readable
from grappe.governance import minutes_record, selectors
from grappe.governance.documents import minutes as documents
from grappe.governance.models import (
    AgendaItem,
    ApprovedMinutesError,
    ChairSeat,
    Decision,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesComment,
    MinutesStatus,
    Resolution,
    ResolutionOption,
)
from grappe.governance.services import minutes as minutes_services

from .factories import make_body, meeting_with_record, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(db):
    """A committee working in French: a staff co-chair, an industry co-chair (Echo) and a member (Foxtrot)."""
    org_e = make_organisation("Echo Aerostructures", neq="5555555555")
    org_f = make_organisation("Foxtrot Avionique", neq="6666666666")
    body = make_body(name="Comité environnement", name_en="Environment committee")
    staff_chair = make_staff("chair@grappe.test")
    co_chair = make_member(org_e, "cochair@echo.test")
    member = make_member(org_f, "member@foxtrot.test")
    seat(body, staff_chair, chair_seat=ChairSeat.STAFF)
    seat(body, co_chair, chair_seat=ChairSeat.INDUSTRY)
    seat(body, member)
    body.co_chair, body.member, body.staff_chair = co_chair, member, staff_chair
    return body


@pytest.fixture
def meeting(committee):
    return meeting_with_record(committee, people=[committee.co_chair, committee.member, committee.staff_chair])


def generate(committee, meeting):
    return minutes_services.generate(actor=committee.co_chair, meeting=meeting)


# Generation: the record, frozen.

def test_the_minutes_hold_the_whole_record_in_the_agendas_order(committee, meeting):
    AgendaItem.objects.filter(meeting=meeting, position=3).update(position=0)  # item 3 moved first

    content = generate(committee, meeting).content

    assert content["language"] == "fr" and content["body"]["name_en"] == "Environment committee"
    starts = datetime.datetime.fromisoformat(content["meeting"]["starts_at"])
    assert starts == meeting.starts_at
    assert starts.utcoffset() == meeting.starts_at.astimezone(ZoneInfo("America/Montreal")).utcoffset()
    assert content["meeting"]["place"] == "Salle du conseil, Montréal"
    assert [(row["name"], row["organisation"], row["status"]) for row in content["attendance"]] == [
        ("cochair", "Echo Aerostructures", "present"), ("member", "Foxtrot Avionique", "present"),
        ("Nadia Bouchard", "", "excused")]
    assert [item["title"] for item in content["items"]] == ["Point 3", "Point 1", "Point 2"]
    first = content["items"][1]
    assert first["number"] == 2 and first["notes"] == "Notes du point 1."
    assert first["presenter"] == {"name": "cochair", "organisation": "Echo Aerostructures"}
    assert first["decisions"] == ["Décision 1 adoptée."]
    assert first["recusals"] == [{"name": "cochair", "organisation": "Echo Aerostructures",
                                  "reason": "fournisseur du projet"}]
    assert [a["description"] for a in first["actions"]] == ["Action du point 1"]
    assert [(a["description"], a["item"]) for a in content["actions"]][0] == ("Diffuser le compte rendu", None)
    assert len(content["actions"]) == 4


def test_a_counted_resolution_is_minuted_with_its_results_and_an_open_one_without(committee, meeting):
    item = meeting.items.get(position=1)
    now = timezone.now()
    counted = Resolution.objects.create(
        body=committee, item=item, title_fr="Adopter la feuille de route", title_en="Adopt the roadmap",
        opens_at=now - datetime.timedelta(days=8), closes_at=now - datetime.timedelta(days=7), quorum_percent=50,
        published_at=now - datetime.timedelta(days=9), counted_at=now - datetime.timedelta(days=7))
    yes = ResolutionOption.objects.create(resolution=counted, position=0, label_fr="Pour", label_en="For")
    ResolutionOption.objects.create(resolution=counted, position=1, label_fr="Contre", label_en="Against")
    Resolution.objects.filter(pk=counted.pk).update(results={  # as services/resolutions.tally writes them
        "options": [{"id": yes.pk, "label_fr": "Pour", "label_en": "For", "is_abstention": False, "votes": 7}],
        "electors": 12, "voted": 9, "expressed": 7, "quorum_met": True, "outcome": "carried", "carried": yes.pk})
    Resolution.objects.create(body=committee, item=item, title_fr="Ouverte", title_en="Open", opens_at=now,
                              closes_at=now + datetime.timedelta(days=1), quorum_percent=50, published_at=now)

    resolutions = generate(committee, meeting).content["items"][0]["resolutions"]

    assert [r["title_en"] for r in resolutions] == ["Adopt the roadmap", "Open"]
    assert resolutions[0]["results"]["options"][0] == {"label_fr": "Pour", "label_en": "For", "abstention": False,
                                                       "votes": 7}
    assert resolutions[0]["results"]["options"][1]["votes"] is None
    assert resolutions[0]["results"]["carried"] == {"label_fr": "Pour", "label_en": "For"}
    assert resolutions[1]["results"] is None
    minutes = Minutes.objects.get(meeting=meeting)
    english = documents.render_body(minutes, "en")
    assert "Resolution: Adopt the roadmap" in english and "9 of 12 organisations voted." in english
    assert "Option retained: “For”." in english and "The vote had not been counted" in english


def test_a_generated_version_does_not_change_when_people_or_the_record_change(committee, meeting):
    minutes = generate(committee, meeting)
    frozen = minutes.content

    committee.co_chair.full_name = "Renommée Ailleurs"
    committee.co_chair.save()
    AgendaItem.objects.filter(meeting=meeting).update(notes="Réécrit après coup.", title="Autre titre")
    Decision.objects.filter(item__meeting=meeting).update(text="Décision modifiée.")
    committee.name_fr = "Nouveau nom"
    committee.save()

    minutes.refresh_from_db()
    assert minutes.content == frozen
    with translation.override("fr"):
        body = documents.render_body(minutes, "fr")
    assert "Notes du point 1." in body and "Réécrit après coup." not in body and "Renommée" not in body
    assert "Décision 1 adoptée." in body and "Comité environnement" in body


def test_the_page_lists_recusals_and_actions_as_sentences(committee, meeting):
    minutes = generate(committee, meeting)
    with translation.override("fr"):
        french = documents.render_body(minutes, "fr")
    assert ("cochair (Echo Aerostructures) a déclaré un conflit d’intérêts (fournisseur du projet) et n’a pas pris "
            "part au vote.") in french
    english = documents.render_body(minutes, "en")
    assert ("cochair (Echo Aerostructures) declared a conflict of interest (fournisseur du projet) and did not take "
            "part in the vote.") in english
    assert "Excused" in english and "Présents" not in english


def test_only_a_co_chair_or_the_staff_generate_and_only_a_held_meeting(committee, meeting):
    with pytest.raises(PermissionDenied):
        minutes_services.generate(actor=committee.member, meeting=meeting)
    assert minutes_services.generate(actor=make_staff("other@grappe.test"), meeting=meeting).version == 1
    future = meeting_with_record(committee, people=[committee.member], days_ago=-3)
    Meeting.objects.filter(pk=future.pk).update(status=MeetingStatus.SCHEDULED)
    future.refresh_from_db()
    with pytest.raises(ValidationError) as refusal:
        generate(committee, future)
    assert refusal.value.code == "not_held"


def test_a_meeting_its_co_chairs_marked_held_has_its_minutes_even_before_its_planned_start(committee):
    """The record page lets a co-chair mark a meeting held at any time: its minutes then follow in one click."""
    early = meeting_with_record(committee, people=[committee.member], days_ago=-3)
    assert early.status == MeetingStatus.HELD
    assert generate(committee, early).version == 1


# Language: the body's, the other offered.

def test_a_body_working_in_english_has_minutes_in_english_and_french_offered(committee, meeting, client):
    committee.language = "en"
    committee.save()
    minutes = generate(committee, meeting)
    client.force_login(committee.member)

    page = client.get(reverse("governance:minutes-detail", args=[minutes.pk]))  # a French page

    text = page.content.decode()
    assert '<article class="minutes-document" lang="en">' in text
    assert "Minutes — Environment committee" in text and "Attendance" in text
    assert "Read in French" not in text and "Lire en français" in text  # the frame stays in the reader's language
    french = client.get(reverse("governance:minutes-detail", args=[minutes.pk]), {"lang": "fr"}).content.decode()
    assert '<article class="minutes-document" lang="fr">' in french
    assert "Procès-verbal — Comité environnement" in french and "Présences" in french
    assert "Notes du point 1." in french  # the notes as typed, whatever the language


# Circulation, comments, approval.

def test_circulating_tells_the_members_and_they_comment_until_approval(committee, meeting, client):
    minutes = generate(committee, meeting)
    with pytest.raises(ValidationError) as refusal:
        minutes_services.comment(actor=committee.member, minutes=minutes, text="Trop tôt")
    assert refusal.value.code == "not_circulated"

    with committed():
        minutes_services.circulate(actor=committee.co_chair, minutes=minutes)
    told = Notification.objects.filter(kind="governance.minutes_circulated")
    assert sorted(n.user.email for n in told) == ["chair@grappe.test", "member@foxtrot.test"]
    with translation.override("en"):
        assert "are circulated" in readable(told.first()).text

    with committed():
        minutes_services.comment(actor=committee.member, minutes=minutes, text="Au point 2, lire 30 jours.")
    assert sorted(n.user.email for n in Notification.objects.filter(kind="governance.minutes_commented")) == [
        "chair@grappe.test", "cochair@echo.test"]
    client.force_login(committee.co_chair)
    assert "Au point 2, lire 30 jours." in client.get(reverse("governance:minutes-detail", args=[minutes.pk])).content.decode()

    with committed():
        minutes_services.approve(actor=committee.co_chair, minutes=minutes)
    minutes.refresh_from_db()
    assert (minutes.status, minutes.approved_by) == (MinutesStatus.APPROVED, committee.co_chair)
    assert readable(told.first()).lapsed  # the invitation to comment no longer holds
    approved = Notification.objects.get(kind="governance.minutes_approved", user=committee.member)
    with translation.override("fr"):
        assert readable(approved).text == (
            f"Le procès-verbal de la réunion du {formats.date_format(meeting.starts_at.date(), 'DATE_FORMAT')} "
            "de “Comité environnement” est approuvé (version 1).")
    with translation.override("en"):
        assert "of “Environment committee” are approved (version 1)" in readable(approved).text
    with pytest.raises(ValidationError) as refusal:
        minutes_services.comment(actor=committee.member, minutes=minutes, text="Trop tard")
    assert refusal.value.code == "not_circulated"
    assert MinutesComment.objects.filter(minutes=minutes).count() == 1


def test_a_member_who_does_not_sit_on_the_body_neither_reads_the_draft_nor_comments(committee, meeting, client):
    minutes = generate(committee, meeting)
    minutes_services.circulate(actor=committee.co_chair, minutes=minutes)
    outsider = make_member(make_organisation("Golf Aviation", neq="7777777777"), "outsider@golf.test")
    with pytest.raises(PermissionDenied):
        minutes_services.comment(actor=outsider, minutes=minutes, text="Je passe")
    client.force_login(outsider)
    assert client.get(reverse("governance:minutes-detail", args=[minutes.pk])).status_code == 404
    minutes_services.approve(actor=committee.co_chair, minutes=minutes)
    assert client.get(reverse("governance:minutes-detail", args=[minutes.pk])).status_code == 200


def test_a_member_reads_their_own_comments_and_the_co_chairs_read_them_all(committee, meeting, client):
    minutes = generate(committee, meeting)
    minutes_services.circulate(actor=committee.co_chair, minutes=minutes)
    minutes_services.comment(actor=committee.co_chair, minutes=minutes, text="Remarque de la coprésidence")
    minutes_services.comment(actor=committee.member, minutes=minutes, text="Remarque du membre")
    url = reverse("governance:minutes-detail", args=[minutes.pk])
    client.force_login(committee.member)
    page = client.get(url).content.decode()
    assert "Remarque du membre" in page and "Remarque de la coprésidence" not in page
    client.force_login(committee.staff_chair)
    page = client.get(url).content.decode()
    assert "Remarque du membre" in page and "Remarque de la coprésidence" in page


# Versions: one in progress, approved ones never change.

def test_generating_again_replaces_the_draft_then_makes_the_next_version_once_circulated(committee, meeting):
    draft = generate(committee, meeting)
    AgendaItem.objects.filter(meeting=meeting, position=1).update(notes="Notes corrigées.")

    again = generate(committee, meeting)
    assert (again.pk, again.version) == (draft.pk, 1)
    assert again.content["items"][0]["notes"] == "Notes corrigées."

    minutes_services.circulate(actor=committee.co_chair, minutes=again)
    minutes_services.comment(actor=committee.member, minutes=again, text="Il manque un point.")
    second = generate(committee, meeting)
    again.refresh_from_db()
    assert (second.version, second.status, second.content["replaces"]) == (2, MinutesStatus.DRAFT, 1)
    assert again.status == MinutesStatus.SUPERSEDED and again.comments.count() == 1
    assert [a.action for a in AuditEntry.objects.filter(action__startswith="minutes.").order_by("pk")] == [
        "minutes.generated", "minutes.regenerated", "minutes.circulated", "minutes.commented", "minutes.generated"]


def test_a_correction_after_approval_is_the_next_version_and_the_approved_one_stays(committee, meeting, client):
    first = minutes_services.generate_minutes(meeting, committee.co_chair)
    Decision.objects.filter(item__meeting=meeting, item__position=2).update(text="Décision 2 corrigée.")

    second = generate(committee, meeting)
    assert (second.version, second.status, second.content["replaces"]) == (2, MinutesStatus.DRAFT, 1)
    first.refresh_from_db()
    assert first.status == MinutesStatus.APPROVED
    assert selectors.approved_minutes(committee).get() == first  # until version 2 is approved
    minutes_services.circulate(actor=committee.co_chair, minutes=second)
    minutes_services.approve(actor=committee.co_chair, minutes=second)
    assert selectors.approved_minutes(committee).get() == second

    client.force_login(committee.member)
    page = client.get(reverse("governance:minutes-detail", args=[second.pk])).content.decode()
    assert "Version 2" in page and "approuvée le" in page and "remplace la version 1" in page
    old = client.get(reverse("governance:minutes-detail", args=[first.pk])).content.decode()
    assert "Décision 2 adoptée." in old and "Une version plus récente" in old


def test_approved_minutes_cannot_change_through_any_service(committee, meeting):
    approved = minutes_services.generate_minutes(meeting, committee.co_chair)
    frozen = Minutes.objects.values().get(pk=approved.pk)

    for attempt in (lambda: minutes_services.circulate(actor=committee.co_chair, minutes=approved),
                    lambda: minutes_services.approve(actor=committee.co_chair, minutes=approved),
                    lambda: minutes_services.comment(actor=committee.member, minutes=approved, text="Erreur")):
        with pytest.raises(ValidationError):
            attempt()
    minutes_services.generate(actor=committee.co_chair, meeting=meeting)  # a new version, not this one

    assert Minutes.objects.values().get(pk=approved.pk) == frozen
    approved.content = {"forged": True}
    with pytest.raises(ApprovedMinutesError):
        approved.save()
    with pytest.raises(ApprovedMinutesError):
        approved.delete()
    assert Minutes.objects.values().get(pk=approved.pk) == frozen


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_change_or_delete_an_approved_version(committee, meeting):
    approved = minutes_services.generate_minutes(meeting, committee.co_chair)
    for write in (lambda: Minutes.objects.filter(pk=approved.pk).update(content={"forged": True}),
                  lambda: Minutes.objects.filter(pk=approved.pk).update(status=MinutesStatus.DRAFT),
                  lambda: Minutes.objects.filter(pk=approved.pk).delete()):
        with pytest.raises(DatabaseError, match="approved minutes"), transaction.atomic():
            write()
    # The account of the person who approved it may still be deleted: only the reference is emptied.
    Minutes.objects.filter(pk=approved.pk).update(approved_by=None, created_by=None)
    with pytest.raises(DatabaseError, match="never change"), transaction.atomic():
        Minutes.objects.filter(pk=approved.pk).update(approved_by=committee.member)


def test_one_version_in_progress_per_meeting_is_a_database_rule(committee, meeting):
    generate(committee, meeting)
    with pytest.raises(Exception, match="one_minutes_in_progress_per_meeting"), transaction.atomic():
        Minutes.objects.create(meeting=meeting, version=2, content={})


# What members read: approved minutes, the decisions.

def test_the_decisions_page_lists_approved_decisions_most_recent_first(committee, client):
    people = [committee.co_chair, committee.member]
    older = meeting_with_record(committee, people=people, days_ago=40, items=1)
    newer = meeting_with_record(committee, people=people, days_ago=10, items=2)
    draft_only = meeting_with_record(committee, people=people, days_ago=5, items=1)
    Decision.objects.filter(item__meeting=older).update(text="Ancienne décision")
    Decision.objects.filter(item__meeting=draft_only).update(text="Décision en brouillon")
    for made in (older, newer):
        minutes_services.generate_minutes(made, committee.co_chair)
    generate(committee, draft_only)
    client.force_login(make_member(make_organisation("Golf Aviation", neq="7777777777"), "outsider@golf.test"))

    page = client.get(reverse("governance:decisions")).content.decode()

    assert page.index("Décision 2 adoptée.") < page.index("Ancienne décision")
    assert "Décision en brouillon" not in page
    body = [entry.decisions for entry in selectors.body_minutes(committee)]
    assert body == [[(1, "Point 1", "Décision 1 adoptée."), (2, "Point 2", "Décision 2 adoptée.")],
                    [(1, "Point 1", "Ancienne décision")]]


def test_the_body_page_include_lists_its_approved_minutes(committee, meeting):
    from django.template.loader import render_to_string

    minutes_services.generate_minutes(meeting, committee.co_chair)
    html = render_to_string("governance/_body_minutes.html", {"body_minutes": selectors.body_minutes(committee)})
    assert "Décision 3 adoptée." in html and "Version 1" in html


# The PDF.

@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_pdf_opens_and_holds_every_item(committee, meeting, client, language):
    minutes = minutes_services.generate_minutes(meeting, committee.co_chair)
    client.force_login(committee.member)

    response = client.get(reverse("governance:minutes-pdf", args=[minutes.pk]), {"lang": language})

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    expected = {"fr": "proces-verbal-comite-environnement", "en": "minutes-environment-committee"}[language]
    assert expected in response["Content-Disposition"]
    assert pdf_text(minutes, language).count("Notes du point") == 3
    heading = {"fr": "Procès-verbal — Comité environnement", "en": "Minutes — Environment committee"}[language]
    assert heading in pdf_text(minutes, language)


def pdf_text(minutes, language) -> str:
    """The text WeasyPrint laid out on the PDF's pages (pypdf is not installed: the layout is read instead)."""
    from weasyprint import HTML

    document = HTML(string=documents.minutes_html(minutes, language)).render()
    texts = []

    def walk(box):
        if getattr(box, "text", None):
            texts.append(box.text)
        for child in getattr(box, "children", []) or []:
            walk(child)
    for page in document.pages:
        walk(page._page_box)
    return " ".join(texts)


def test_a_readers_document_is_read_back_in_the_active_language(committee, meeting):
    content = generate(committee, meeting).content
    with translation.override("en"):
        document = minutes_record.read(content)
    assert document.body_name == "Environment committee"
    assert [label for label, _people in document.attendance_groups] == ["Present", "Excused"]
    assert document.decision_count == 3


def test_an_empty_comment_is_refused_on_the_page_and_nothing_is_recorded(committee, meeting, client):
    minutes = generate(committee, meeting)
    minutes_services.circulate(actor=committee.co_chair, minutes=minutes)
    client.force_login(committee.member)

    page = client.post(reverse("governance:minutes-comment", args=[minutes.pk]),
                       {"text": "   ", "form_token": "6f1c8a52-8a3e-4c55-9f7e-0d6c3c1e9a11"})

    assert page.status_code == 200 and "invalid-feedback" in page.content.decode()
    assert not MinutesComment.objects.exists()
    assert not AuditEntry.objects.filter(action="minutes.commented").exists()


def test_a_person_without_a_full_name_is_named_by_their_organisation_never_by_their_email(committee, meeting):
    committee.member.full_name = ""
    committee.member.save()
    committee.member.person.first_name, committee.member.person.last_name = "Léa", "Roy"
    committee.member.person.save()

    content = generate(committee, meeting).content

    assert [row["name"] for row in content["attendance"]][:2] == ["cochair", "Léa Roy"]
    assert "member@foxtrot.test" not in str(content)


def test_a_member_who_does_not_sit_on_the_body_neither_opens_a_meetings_minutes_nor_generates_them(
        committee, meeting, client):
    outsider = make_member(make_organisation("Golf Aviation", neq="7777777777"), "outsider@golf.test")
    other_chair = make_member(make_organisation("Hotel Aero", neq="8888888888"), "chair@hotel.test")
    other_body = make_body(name="Comité main-d’œuvre")
    seat(other_body, other_chair, chair_seat=ChairSeat.INDUSTRY)
    generate(committee, meeting)  # a draft: the body's business
    for person in (outsider, other_chair):
        client.force_login(person)
        assert client.get(reverse("governance:meeting-minutes", args=[meeting.pk])).status_code == 404
        assert client.post(reverse("governance:minutes-generate", args=[meeting.pk])).status_code == 404
    assert Minutes.objects.filter(meeting=meeting).count() == 1
    client.force_login(committee.member)  # sits on it, does not chair it
    assert client.get(reverse("governance:meeting-minutes", args=[meeting.pk])).status_code == 200
    assert client.post(reverse("governance:minutes-generate", args=[meeting.pk])).status_code == 403


def test_once_approved_any_member_reads_the_meetings_minutes_page(committee, meeting, client):
    minutes = generate(committee, meeting)
    minutes_services.circulate(actor=committee.co_chair, minutes=minutes)
    minutes_services.approve(actor=committee.co_chair, minutes=minutes)
    client.force_login(make_member(make_organisation("Golf Aviation", neq="7777777777"), "outsider@golf.test"))
    response = client.get(reverse("governance:meeting-minutes", args=[meeting.pk]))
    assert response.status_code == 200 and list(response.context["versions"]) == [minutes]
    assert not response.context["may_chair"]
