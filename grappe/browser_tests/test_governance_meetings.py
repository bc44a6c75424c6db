"""A co-chair running a meeting, in the browser: the agenda built (an item added, moved up), then, during the
meeting, one page with attendance and each item's notes and decision; a save refused (an action without owner)
keeps every note typed; the record saved and the meeting marked held. Every meeting page reads well at a phone's
and a laptop's width, in French and English (the sweep's checks: no sideways scroll, no overlap, axe, no string
of the other language)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grappe.conftest import make_member, make_organisation, make_staff
from grappe.governance.models import ActionItem, AgendaItem, ChairSeat, Meeting, MeetingStatus
from grappe.governance.tests.factories import make_body, seat

from .helpers import in_french, url
from .test_sweep import check_page, interface_strings

pytestmark = pytest.mark.browser


@pytest.fixture
def committee(transactional_db):
    chair = make_member(make_organisation("Delta Avionique", neq="4444444444"), "chair@delta.test")
    member = make_member(make_organisation("Echo Aero", neq="5555555555"), "member@echo.test")
    body = make_body(name="Comité environnement", name_en="Environment committee")
    seat(body, make_staff(), chair_seat=ChairSeat.STAFF)
    seat(body, chair, chair_seat=ChairSeat.INDUSTRY)
    seat(body, member)
    starts = timezone.now() + datetime.timedelta(days=7)
    meeting = Meeting.objects.create(body=body, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
                                     place="Salle du conseil, 1000 rue Sherbrooke Ouest, Montréal",
                                     video_url="https://visio.example.org/comite-environnement-2027-03-10")
    AgendaItem.objects.create(meeting=meeting, position=0, title="Mot de bienvenue et adoption de l’ordre du jour",
                              duration_minutes=10, presenter=chair)
    AgendaItem.objects.create(meeting=meeting, position=1, title="Feuille de route", duration_minutes=30)
    ActionItem.objects.create(meeting=meeting, description="Recenser les bancs d’essai disponibles", owner=member,
                              due_on=timezone.localdate() - datetime.timedelta(days=1))
    return body, meeting, chair, member


def test_a_co_chair_builds_the_agenda_and_keeps_the_record_without_losing_a_note(page, sign_in, committee):
    body, meeting, chair, member = committee
    sign_in(chair)
    page.goto(url("governance:meeting-detail", meeting.pk))
    page.fill("#id_title", "Projets collaboratifs")
    page.fill("#id_duration_minutes", "20")
    page.get_by_role("button", name=in_french("Add to the agenda")).click()
    expect(page.locator("#agenda + p")).to_contain_text("60")
    page.get_by_role("button", name=in_french("Move up") + " Projets collaboratifs").click()
    titles = list(meeting.items.order_by("position").values_list("title", flat=True))
    assert titles[1] == "Projets collaboratifs"

    page.goto(url("governance:meeting-record", meeting.pk))
    first, second = meeting.items.order_by("position")[:2]
    page.get_by_label(in_french("Present")).first.check()
    page.fill(f"#id_notes_{first.pk}", "Le quorum est atteint.")
    page.fill(f"#id_notes_{second.pk}", "Trois idées de projets présentées.")
    page.fill(f"#id_new_decision_{second.pk}", "Les fiches sont reçues jusqu’à la prochaine réunion.")
    page.fill("#id_action_description", "Préparer le gabarit de fiche")  # no owner: refused
    page.get_by_role("button", name=in_french("Save the record")).click()
    expect(page.locator(".alert-danger").first).to_be_visible()
    expect(page.locator(f"#id_notes_{second.pk}")).to_have_value("Trois idées de projets présentées.")
    expect(page.locator("#id_action_description")).to_have_value("Préparer le gabarit de fiche")
    page.select_option("#id_action_owner", str(member.pk))
    page.fill("#id_action_due_on", "2030-01-15")
    page.get_by_role("button", name=in_french("Save and mark the meeting held")).click()
    expect(page.locator(".alert-success")).to_contain_text(in_french("The meeting is marked as held."))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert AgendaItem.objects.get(pk=second.pk).notes == "Trois idées de projets présentées."
    assert ActionItem.objects.filter(owner=member, description="Préparer le gabarit de fiche").exists()


def test_the_meeting_pages_read_well_at_every_width(page, sign_in, committee):
    body, meeting, chair, member = committee
    strings = interface_strings()
    item = meeting.items.first()
    pages = {chair: [("governance:meeting-list", body.pk), ("governance:meeting-detail", meeting.pk),
                     ("governance:meeting-create", body.pk), ("governance:meeting-edit", meeting.pk),
                     ("governance:meeting-record", meeting.pk), ("governance:item-edit", item.pk),
                     ("governance:body-actions", body.pk)],
             member: [("governance:meeting-detail", meeting.pk), ("governance:my-actions",)]}
    failures = []
    for user, names in pages.items():
        sign_in(user)
        for lang, width in (("fr", 1280), ("fr", 390), ("en", 1280), ("en", 390)):
            page.set_viewport_size({"width": width, "height": 800})
            for name, *args in names:
                response = page.goto(url(name, *args, language=lang))
                assert response.status == 200, f"{name} {lang}: {response.status}"
                failures += [f"{user} {lang} {width} {name}: {failure}"
                             for failure in check_page(page, lang, width, lang == "fr", strings)]
    assert not failures, "\n".join(failures)
