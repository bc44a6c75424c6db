"""Meetings, agenda, record, recusals and action items: what co-chairs, members and owners may do, and what the
invitations say."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from grappe.conftest import committed, make_member
from grappe.core import notify
from grappe.core.models import AuditEntry, Notification
from grappe.governance import selectors
from grappe.governance.models import ActionItem, ActionStatus, AgendaItem, Attendance, MeetingStatus, Recusal
from grappe.governance.documents import invitation
from grappe.governance.services import actions, agenda, meetings, record

from .factories import co_chaired, make_body, seat

pytestmark = pytest.mark.django_db
MONTREAL = ZoneInfo("America/Montreal")


@pytest.fixture
def body(staff, org_admin, org_user, other_member):
    """A committee co-chaired by the staff member and A's administrator; A's user and B's member sit on it."""
    staff.language = "en"
    staff.save()
    body = co_chaired(make_body(name="Comité environnement", name_en="Environment committee"), staff, org_admin)
    seat(body, org_user)
    seat(body, other_member)
    return body


def when(day=10, hour=14):
    return datetime.datetime(2027, 3, day, hour, 0, tzinfo=MONTREAL)


def schedule(actor, body, **fields):
    values = {"title": "", "starts_at": when(), "ends_at": when(hour=16), "time_zone": "America/Montreal",
              "place": "Salle 3", "video_url": ""}
    return meetings.schedule_meeting(actor=actor, body=body, **{**values, **fields})


def calendar_of(message):
    [(name, content, mimetype)] = message.attachments
    calendar = Calendar.from_ical(content)
    assert name.endswith(".ics") and mimetype == f"text/calendar; method={calendar['METHOD']}"
    return calendar


def test_each_member_is_invited_in_their_language_with_the_meetings_ics(body, org_admin, org_user, staff):
    with committed():
        meeting = schedule(org_admin, body)

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {member.user.email for member in body.members.all()}
    english, french = calendar_of(by_address[staff.email]), calendar_of(by_address[org_user.email])
    for calendar in (english, french):
        [event] = calendar.walk("VEVENT")
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == str(meeting.uid) and int(event["SEQUENCE"]) == 0
        starts = event.decoded("DTSTART")
        assert starts == when() and starts.utcoffset() == datetime.timedelta(0)  # written in UTC
        assert str(event["LOCATION"]) == "Salle 3"
    assert str(english.walk("VEVENT")[0]["SUMMARY"]) == "Meeting of Environment committee"
    assert str(french.walk("VEVENT")[0]["SUMMARY"]) == "Réunion de Comité environnement"
    assert by_address[staff.email].subject.startswith("Invitation:")
    assert by_address[org_user.email].subject == "Convocation : Réunion de Comité environnement"
    notifications = Notification.objects.filter(kind="governance.meeting_scheduled")
    assert notifications.count() == 4
    assert notify.readable(notifications.first()).text == (
        "Vous êtes convoqué·e à une réunion de Comité environnement le 10 mars 2027, 14:00.")
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["meeting.scheduled"]


def test_a_change_sends_the_next_sequence_and_a_cancellation_cancels(body, org_admin, org_user):
    with committed():
        meeting = schedule(org_admin, body)
    mail.outbox.clear()
    with committed():
        meetings.change_meeting(actor=org_admin, meeting=meeting, title="Bilan", starts_at=when(11),
                                ends_at=when(11, 16), time_zone="America/Montreal", place="",
                                video_url="https://meet.example/x")
    [event] = calendar_of(next(m for m in mail.outbox if m.to == [org_user.email])).walk("VEVENT")
    assert int(event["SEQUENCE"]) == 1 and event.decoded("DTSTART") == when(11)
    mail.outbox.clear()
    with committed():
        meetings.cancel_meeting(actor=org_admin, meeting=meeting)
    calendar = calendar_of(next(m for m in mail.outbox if m.to == [org_user.email]))
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL"
    assert int(event["SEQUENCE"]) == 2 and str(event["STATUS"]) == "CANCELLED"
    with pytest.raises(ValidationError):
        meetings.change_meeting(actor=org_admin, meeting=meeting, title="", starts_at=when(),
                                ends_at=when(hour=16), time_zone="America/Montreal", place="Salle", video_url="")


def test_only_a_co_chair_or_the_staff_schedules_and_a_place_or_link_is_required(body, org_user, org_admin):
    with pytest.raises(PermissionDenied):
        schedule(org_user, body)
    with pytest.raises(ValidationError):
        schedule(org_admin, body, place="")
    with pytest.raises(ValidationError):
        schedule(org_admin, body, ends_at=when(hour=13))


def test_the_agenda_is_reordered_and_a_presenter_sits_on_the_body(body, org_admin, org_user, org_a):
    meeting = schedule(org_admin, body)
    first = agenda.add_item(actor=org_admin, meeting=meeting, title="Accueil", description="",
                            presenter=org_user, duration_minutes=10)
    second = agenda.add_item(actor=org_admin, meeting=meeting, title="Budget", description="", presenter=None,
                             duration_minutes=30)
    agenda.move_item(actor=org_admin, item=second, up=True)
    assert list(meeting.items.values_list("title", flat=True)) == ["Budget", "Accueil"]
    planned = selectors.agenda(meeting)
    assert [row.starts_at for row in planned] == [when(), when() + datetime.timedelta(minutes=30)]
    assert selectors.total_minutes(meeting) == 40
    outsider = make_member(org_a, "outsider@alpha.test")
    with pytest.raises(ValidationError):
        agenda.change_item(actor=org_admin, item=first, title="Accueil", description="", presenter=outsider,
                           duration_minutes=10)
    with pytest.raises(PermissionDenied):
        agenda.move_item(actor=org_user, item=first, up=True)


def test_an_agenda_document_is_read_from_its_content(body, org_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = schedule(org_admin, body)
    item = agenda.add_item(actor=org_admin, meeting=meeting, title="Budget", description="", presenter=None,
                           duration_minutes=30)
    document = agenda.add_document(actor=org_admin, item=item,
                                   upload=SimpleUploadedFile("budget.pdf", b"%PDF-1.4 budget"))
    assert document.content_type == "pdf"
    with pytest.raises(ValidationError, match="PowerPoint"):
        agenda.add_document(actor=org_admin, item=item, upload=SimpleUploadedFile("x.pptx", b"<html>"))


def test_a_recusal_is_declared_for_oneself_or_recorded_by_a_co_chair(body, org_admin, org_user, other_member,
                                                                     observer):
    meeting = schedule(org_admin, body)
    item = agenda.add_item(actor=org_admin, meeting=meeting, title="Contrat", description="", presenter=None,
                           duration_minutes=10)
    record.declare_recusal(actor=org_user, item=item, reason="Mon employeur soumissionne")
    assert selectors.is_recused(org_user, item) and not selectors.is_recused(other_member, item)
    with pytest.raises(PermissionDenied):
        record.declare_recusal(actor=org_user, item=item, reason="x", user=other_member)
    record.declare_recusal(actor=org_admin, item=item, reason="Fournisseur", user=other_member)
    assert selectors.is_recused(other_member, item)
    with pytest.raises(PermissionDenied):
        record.declare_recusal(actor=observer, item=item, reason="x")
    with pytest.raises(ValidationError):
        record.declare_recusal(actor=org_user, item=item, reason="again")


def test_the_record_takes_attendance_of_members_only_and_marks_held(body, org_admin, org_user, org_a,
                                                                    other_member):
    meeting = schedule(org_admin, body)
    item = agenda.add_item(actor=org_admin, meeting=meeting, title="Budget", description="", presenter=None,
                           duration_minutes=30)
    empty = {"notes": {}, "decisions": {}, "new_decisions": {}}
    outsider = make_member(org_a, "outsider@alpha.test")
    with pytest.raises(ValidationError):
        record.save_record(actor=org_admin, meeting=meeting, attendance={outsider.pk: "present"}, **empty)
    with committed():
        record.save_record(actor=org_admin, meeting=meeting, attendance={org_user.pk: "present",
                                                                         other_member.pk: "excused"},
                           notes={item.pk: "On a discuté."}, decisions={}, new_decisions={item.pk: "Adopté."},
                           action={"description": "Envoyer le budget", "owner": org_user,
                                   "due_on": datetime.date(2027, 3, 20), "item": item}, held=True)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert Attendance.objects.get(meeting=meeting, user=org_user).organisation == org_a
    assert AgendaItem.objects.get(pk=item.pk).notes == "On a discuté."
    assert [d.text for d in item.decisions.all()] == ["Adopté."]
    assert ActionItem.objects.get().owner == org_user
    assigned = Notification.objects.get(user=org_user, kind="governance.action_assigned")
    assert notify.readable(assigned).text.startswith(
        "Une action de Comité environnement vous revient, pour le 20 mars")
    assert AuditEntry.objects.filter(action="meeting.held").count() == 1
    with pytest.raises(ValidationError):
        record.save_record(actor=org_admin, meeting=meeting, attendance={}, **empty,
                           action={"description": "x", "owner": outsider, "due_on": datetime.date(2027, 3, 20),
                                   "item": None})


def test_owners_are_reminded_of_due_actions_once_a_day_in_their_language(body, org_admin, org_user, staff):
    with committed():
        meeting = schedule(org_admin, body)
    today = timezone.localdate()
    due = ActionItem.objects.create(meeting=meeting, description="Budget", owner=org_user,
                                    due_on=today + datetime.timedelta(days=2))
    ActionItem.objects.create(meeting=meeting, description="Overdue", owner=staff,
                              due_on=today - datetime.timedelta(days=1))
    ActionItem.objects.create(meeting=meeting, description="Later", owner=org_user,
                              due_on=today + datetime.timedelta(days=10))
    ActionItem.objects.create(meeting=meeting, description="Done", owner=org_user, due_on=today,
                              status=ActionStatus.DONE, done_at=timezone.now())
    mail.outbox.clear()
    with committed():
        assert actions.send_due_reminders() == 2
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[org_user.email] == "Action à faire bientôt : Budget"
    assert subjects[staff.email].startswith("Overdue action")
    assert actions.send_due_reminders() == 0  # not twice the same day
    assert actions.send_due_reminders(now=timezone.now() + datetime.timedelta(days=1, minutes=1)) == 2
    due.refresh_from_db()
    assert due.last_reminded_at is not None


def test_a_person_who_left_their_organisation_loses_the_co_chair_rights_at_once(body, org_admin, org_user):
    meeting = schedule(org_admin, body)
    action = ActionItem.objects.create(meeting=meeting, description="Budget", owner=org_admin,
                                       due_on=timezone.localdate())
    org_admin.person.is_active = False
    org_admin.person.save()
    with pytest.raises(PermissionDenied):
        schedule(org_admin, body)
    with pytest.raises(PermissionDenied):
        actions.set_done(actor=org_admin, action=action)
    assert list(selectors.my_actions(org_admin)) == [action]  # still sees their own actions


def test_the_owner_marks_their_action_done(body, org_admin, org_user, other_member):
    meeting = schedule(org_admin, body)
    action = ActionItem.objects.create(meeting=meeting, description="Budget", owner=org_user,
                                       due_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        actions.set_done(actor=other_member, action=action)
    actions.set_done(actor=org_user, action=action)
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.done_at is not None


def test_the_record_page_keeps_what_was_typed_when_refused(client, body, org_admin, org_user):
    meeting = schedule(org_admin, body)
    item = agenda.add_item(actor=org_admin, meeting=meeting, title="Budget", description="", presenter=None,
                           duration_minutes=30)
    client.force_login(org_admin)
    response = client.post(reverse("governance:meeting-record", args=[meeting.pk]), {
        f"notes_{item.pk}": "Des notes longues qu’on ne veut pas perdre",
        "action_description": "Sans responsable"})
    assert response.status_code == 422
    assert "Des notes longues qu’on ne veut pas perdre" in response.content.decode()
    assert not Recusal.objects.exists() and AgendaItem.objects.get(pk=item.pk).notes == ""


def test_the_demo_gives_each_committee_past_meetings_held_and_one_upcoming(body):
    from grappe.governance.demo_data import generate_meetings

    with committed():
        made = generate_meetings([body])
    assert [meeting.status for meeting in made] == [MeetingStatus.HELD, MeetingStatus.HELD,
                                                    MeetingStatus.SCHEDULED]
    assert all(meeting.items.count() == 5 for meeting in made)
    assert made[0].attendance.count() == body.members.count() and made[0].items.filter(decisions__isnull=False)
    statuses = list(ActionItem.objects.order_by("pk").values_list("status", flat=True))
    assert statuses.count(ActionStatus.DONE) == 2 and statuses.count(ActionStatus.OPEN) == 4
    assert Recusal.objects.count() == 2
    assert generate_meetings([body]) == []  # once


def test_two_co_chairs_keeping_the_record_at_once_keep_each_others_notes(client, body, org_admin, staff):
    meeting = schedule(org_admin, body)
    first = agenda.add_item(actor=org_admin, meeting=meeting, title="Accueil", description="", presenter=None,
                            duration_minutes=10)
    second = agenda.add_item(actor=org_admin, meeting=meeting, title="Budget", description="", presenter=None,
                             duration_minutes=30)
    path = reverse("governance:meeting-record", args=[meeting.pk])
    shown = {f"initial-notes_{first.pk}": "", f"initial-notes_{second.pk}": ""}  # both opened the empty page
    client.force_login(org_admin)
    client.post(path, {**shown, f"notes_{first.pk}": "Notes de la coprésidente", f"notes_{second.pk}": ""})
    client.force_login(staff)
    client.post(path, {**shown, f"notes_{first.pk}": "", f"notes_{second.pk}": "Notes du personnel"})
    assert list(meeting.items.order_by("position").values_list("notes", flat=True)) == [
        "Notes de la coprésidente", "Notes du personnel"]


# The reviewer's defects (issue 15): recusals, the record's double click, reminders, the invitations' .ics.

def test_a_recusal_a_co_chair_recorded_is_lifted_by_a_co_chair_only_and_never_once_held(body, org_admin,
                                                                                         org_user, other_member):
    meeting = schedule(org_admin, body)
    item = agenda.add_item(actor=org_admin, meeting=meeting, title="Contrat", description="", presenter=None,
                           duration_minutes=10)
    recorded = record.declare_recusal(actor=org_admin, item=item, reason="Fournisseur", user=org_user)
    with pytest.raises(PermissionDenied):  # recorded by a co-chair: the recused person cannot lift it to vote
        record.withdraw_recusal(actor=org_user, recusal=recorded)
    assert selectors.is_recused(org_user, item)
    own = record.declare_recusal(actor=other_member, item=item, reason="Mon employeur soumissionne")
    record.withdraw_recusal(actor=other_member, recusal=own)  # their own declaration
    assert not selectors.is_recused(other_member, item)
    record.withdraw_recusal(actor=org_admin, recusal=recorded)  # a co-chair, recorded by mistake
    assert not Recusal.objects.exists()
    assert AuditEntry.objects.filter(action="recusal.withdrawn").count() == 2

    kept = record.declare_recusal(actor=other_member, item=item, reason="Mon employeur soumissionne")
    record.save_record(actor=org_admin, meeting=meeting, attendance={}, notes={}, decisions={}, new_decisions={},
                       held=True)
    for actor in (other_member, org_admin):
        with pytest.raises(ValidationError) as refusal:
            record.withdraw_recusal(actor=actor, recusal=kept)
        assert refusal.value.code == "not_scheduled"
        assert refusal.value.messages == ["Cette réunion n’est plus prévue : ses récusations restent telles quelles."]
    assert Recusal.objects.filter(pk=kept.pk).exists()


def test_a_recusal_stays_while_a_vote_on_its_item_is_open(body, org_admin, org_user, client):
    from .factories import make_resolution

    meeting = schedule(org_admin, body)
    item = agenda.add_item(actor=org_admin, meeting=meeting, title="Contrat", description="", presenter=None,
                           duration_minutes=10)
    own = record.declare_recusal(actor=org_user, item=item, reason="Mon employeur soumissionne")
    resolution = make_resolution(body, item=item)
    client.force_login(org_user)
    response = client.post(reverse("governance:recusal-withdraw", args=[own.pk]), follow=True)
    assert "Un vote sur ce point est ouvert : la récusation reste jusqu’à sa clôture." in response.content.decode()
    with pytest.raises(ValidationError):
        record.withdraw_recusal(actor=org_admin, recusal=own)
    assert Recusal.objects.filter(pk=own.pk).exists()
    resolution.closes_at = timezone.now() - datetime.timedelta(minutes=1)  # closed (not counted yet)
    resolution.opens_at = resolution.closes_at - datetime.timedelta(hours=1)
    resolution.save(update_fields=["opens_at", "closes_at"])
    record.withdraw_recusal(actor=org_user, recusal=own)
    assert not Recusal.objects.exists()


def test_a_double_click_on_the_record_saves_one_decision_and_one_action(client, body, org_admin, org_user):
    meeting = schedule(org_admin, body)
    item = agenda.add_item(actor=org_admin, meeting=meeting, title="Budget", description="", presenter=None,
                           duration_minutes=30)
    path = reverse("governance:meeting-record", args=[meeting.pk])
    client.force_login(org_admin)
    page = client.get(path)
    token = page.context["form"]["form_token"].value()
    assert f'name="form_token" value="{token}"' in page.content.decode()
    data = {"form_token": str(token), f"new_decision_{item.pk}": "Adopté.", "action_description": "Envoyer",
            "action_owner": org_user.pk, "action_due_on": "2027-03-20"}
    with committed():
        first = client.post(path, data)
        second = client.post(path, data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert [decision.text for decision in item.decisions.all()] == ["Adopté."]
    assert ActionItem.objects.filter(meeting=meeting).count() == 1
    assert Notification.objects.filter(user=org_user, kind="governance.action_assigned").count() == 1
    assert AuditEntry.objects.filter(action="meeting.record_saved").count() == 1
    data["form_token"] = str(client.get(path).context["form"]["form_token"].value())  # the next save: a new token
    client.post(path, {**data, f"new_decision_{item.pk}": "Reporté."})
    assert item.decisions.count() == 2


def test_an_action_is_reminded_each_day_even_when_todays_run_starts_earlier(body, org_admin, org_user):
    with committed():  # its invitations sent: the reminders' mail is sent at their commit
        meeting = schedule(org_admin, body)
    action = ActionItem.objects.create(meeting=meeting, description="Budget", owner=org_user,
                                       due_on=datetime.date(2027, 3, 22))
    yesterday = datetime.datetime(2027, 3, 20, 6, 0, 5, tzinfo=MONTREAL)
    ActionItem.objects.filter(pk=action.pk).update(last_reminded_at=yesterday)
    mail.outbox.clear()
    today = datetime.datetime(2027, 3, 21, 6, 0, 0, tzinfo=MONTREAL)  # five seconds earlier in the day
    with committed():
        assert actions.send_due_reminders(now=today) == 1
    assert [message.to for message in mail.outbox] == [[org_user.email]]
    assert actions.send_due_reminders(now=today + datetime.timedelta(hours=17)) == 0  # 23:00, the same day


def test_an_owner_who_no_longer_sits_for_their_organisation_is_not_reminded(body, org_admin, org_user,
                                                                            other_member):
    with committed():  # its invitations sent: the reminders' mail is sent at their commit
        meeting = schedule(org_admin, body)
    today = timezone.localdate()
    for owner in (org_user, other_member):
        ActionItem.objects.create(meeting=meeting, description="Budget", owner=owner, due_on=today)
    org_user.person.is_active = False  # left organisation A
    org_user.person.save()
    mail.outbox.clear()
    with committed():
        assert actions.send_due_reminders() == 1
    assert [message.to for message in mail.outbox] == [[other_member.email]]
    assert ActionItem.objects.get(owner=org_user).last_reminded_at is None


def test_each_invitation_names_the_cluster_as_organizer_and_its_recipient_as_attendee(body, org_admin, org_user,
                                                                                     settings):
    settings.DEFAULT_FROM_EMAIL = "Grappe <gouvernance@grappe.test>"
    settings.GRAPPE_CLUSTER_NAME = "Aéro Mauricie"
    org_user.full_name = "Ursule Utilisatrice"
    org_user.save()
    with committed():  # 21:00 in Montreal is 02:00 the next day in UTC: the file takes Montreal's date
        meeting = schedule(org_admin, body, starts_at=when(day=10, hour=21), ends_at=when(day=10, hour=22))
        meetings.cancel_meeting(actor=org_admin, meeting=meeting)
    mine = [message for message in mail.outbox if message.to == [org_user.email]]
    assert len(mine) == 2
    for message, method in zip(mine, ("REQUEST", "CANCEL"), strict=True):
        [(name, content, mimetype)] = message.attachments
        assert name == "reunion-2027-03-10.ics"
        assert mimetype == f"text/calendar; method={method}"
        calendar = Calendar.from_ical(content)
        [event] = calendar.walk("VEVENT")
        assert str(calendar["METHOD"]) == method
        organizer, attendee = event["ORGANIZER"], event["ATTENDEE"]  # one attendee: a file of its own
        assert str(organizer) == "mailto:gouvernance@grappe.test" and organizer.params["CN"] == "Aéro Mauricie"
        assert str(attendee) == f"mailto:{org_user.email}"
        assert attendee.params["CN"] == "Ursule Utilisatrice" and attendee.params["RSVP"] == "FALSE"
        part = next(part for part in message.message().walk() if part.get_filename())
        assert part.get_content_type() == "text/calendar" and part.get_param("method") == method
    client_file = invitation.meeting_ics(meeting)
    assert b"METHOD" not in client_file and b"ATTENDEE" not in client_file and b"ORGANIZER" not in client_file
