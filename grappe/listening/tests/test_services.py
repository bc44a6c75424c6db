"""What the listening services promise: one need per submission, answers never lost, surveys that say no
clearly, old answers readable after edits, invitations in each person's language."""

import datetime
import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.utils import timezone, translation

from grappe.conftest import make_organisation
from grappe.core import notify
from grappe.core.models import AuditEntry, MailStatus, Notification, OutgoingMail
from grappe.core.tests.mail_backends import refusing_mail  # noqa: F401
from grappe.listening.models import Answer, Invitation, Need, Question, Response, ResponseStatus
from grappe.listening.selectors import surveys as survey_selectors
from grappe.listening.services import invitations as invitation_services
from grappe.listening.services import needs as need_services
from grappe.listening.services import responses as response_services
from grappe.listening.services import surveys as survey_services
from grappe.members.models import MembershipStatus, Segment
from grappe.members.services import segments as member_segments

from .permission_objects import need_of_a

pytestmark = pytest.mark.django_db

ODD_TEXT = "Pénurie de soudeurs — 溶接工不足 — نقص في اللحامين <script>alert(1)</script> \u200b\u00a0ﬁn"


def submit(ctx, token=None, text="Nous cherchons des machinistes.", **fields):
    data = {"category": "workforce", "text": text, "language": "fr", "urgency": "medium",
            "visibility": "anonymous", **fields}
    return need_services.submit_need(actor=ctx.own_user, organisation=ctx.org_a, token=token, **data)


def test_a_need_is_stored_as_typed_whatever_the_script(ctx):
    need = submit(ctx, text=ODD_TEXT)
    need.refresh_from_db()
    assert need.text == ODD_TEXT
    assert AuditEntry.objects.filter(action="need.submitted").count() == 1


def test_the_same_submission_twice_makes_one_need(ctx):
    token = uuid.uuid4()
    first, second = submit(ctx, token=token), submit(ctx, token=token)
    assert first.pk == second.pk
    assert Need.objects.count() == 1


def test_a_blank_need_is_refused_and_nothing_saved(ctx):
    with pytest.raises(ValidationError):
        submit(ctx, text="   \n ")
    assert Need.objects.count() == 0


def test_only_a_member_of_the_organisation_submits_its_needs(ctx):
    for actor in (ctx.other_member, ctx.staff, ctx.observer):
        with pytest.raises(PermissionDenied):
            need_services.submit_need(actor=actor, organisation=ctx.org_a, category="export", text="x", language="fr",
                                      urgency="low", visibility="staff")


def test_the_staffs_response_reaches_the_organisations_people(ctx, django_capture_on_commit_callbacks):
    need = need_of_a(ctx)
    with django_capture_on_commit_callbacks(execute=True):
        need_services.respond_to_need(actor=ctx.staff, need=need, status="answered",
                                      response="Nous vous mettons en contact avec le cégep.")
    need.refresh_from_db()
    assert need.responded_by == ctx.staff and need.responded_at is not None
    assert set(Notification.objects.values_list("user__email", flat=True)) == {"admin@alpha.test",
                                                                               "user@alpha.test"}
    with translation.override("fr"):  # the category in the reader's language, whatever the staff's
        assert {notify.readable(n).text for n in Notification.objects.all()} == {
            f"La grappe a répondu à l'un de vos besoins ({need.get_category_display()})."}
    with pytest.raises(PermissionDenied):
        need_services.respond_to_need(actor=ctx.own_admin, need=need, response="", status="closed")


# Answering --------------------------------------------------------------------------------------------------

def test_a_missing_required_answer_keeps_the_rest_and_names_what_is_missing(ctx, pulse):
    result = response_services.save_response(
        actor=ctx.own_user, survey=pulse, submit=True,
        values={pulse.single.pk: "non", pulse.questions.get(position=4).pk: "12"})
    assert not result.submitted
    assert [q.position for q in result.missing] == [1]
    assert survey_selectors.answer_values(result.response) == {pulse.single.pk: "non",
                                                               pulse.questions.get(position=4).pk: 12}


def test_a_branch_question_is_required_only_when_asked(ctx, pulse):
    countries = pulse.questions.get(position=3)
    result = response_services.save_response(actor=ctx.own_user, survey=pulse, submit=True,
                                             values={pulse.likert.pk: "4", pulse.single.pk: "oui"})
    assert result.missing == [countries]
    result = response_services.save_response(actor=ctx.own_admin, survey=pulse, submit=True,
                                             values={countries.pk: "Mexique, France"})
    assert result.submitted
    # Saying "no" afterwards hides the branch: its answer no longer counts.
    response_services.save_response(actor=ctx.own_user, survey=pulse, submit=True, values={pulse.single.pk: "non"})
    assert Answer.objects.get(question=countries).value is None


def test_colleagues_share_one_response(ctx, pulse):
    response_services.save_response(actor=ctx.own_user, survey=pulse, values={pulse.likert.pk: "2"})
    response_services.save_response(actor=ctx.own_admin, survey=pulse, values={pulse.single.pk: "non"}, submit=True)
    response = Response.objects.get()
    assert response.status == ResponseStatus.SUBMITTED and response.submitted_by == ctx.own_admin
    assert survey_selectors.answer_values(response) == {pulse.likert.pk: "2", pulse.single.pk: "non"}


def test_a_colleagues_later_change_is_not_overwritten_by_a_stale_form(ctx, pulse):
    first = response_services.save_response(actor=ctx.own_user, survey=pulse, values={pulse.likert.pk: "2"})
    loaded = first.response.revision
    response_services.save_response(actor=ctx.own_admin, survey=pulse, values={pulse.likert.pk: "5"},
                                    loaded_revision=loaded)
    stale = response_services.save_response(actor=ctx.own_user, survey=pulse, loaded_revision=loaded,
                                            values={pulse.likert.pk: "2", pulse.single.pk: "oui"})
    assert stale.conflicts == [pulse.likert]
    assert survey_selectors.answer_values(stale.response)[pulse.likert.pk] == "5"
    assert survey_selectors.answer_values(stale.response)[pulse.single.pk] == "oui"


def test_a_closed_survey_refuses_answers_with_a_clear_message(ctx, pulse):
    pulse.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    pulse.opens_at = timezone.now() - datetime.timedelta(days=3)
    pulse.save()
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        response_services.save_response(actor=ctx.own_user, survey=pulse, values={pulse.likert.pk: "3"})
    assert refused.value.code == "closed" and "no longer accepted" in " ".join(refused.value.messages)
    assert not Response.objects.exists()


def test_an_invalid_value_is_refused_with_its_question(ctx, pulse):
    with pytest.raises(ValidationError) as refused:
        response_services.save_response(actor=ctx.own_user, survey=pulse, values={pulse.likert.pk: "9"})
    assert f"q{pulse.likert.pk}" in refused.value.message_dict


def test_an_organisation_not_invited_cannot_answer(ctx, pulse):
    from django.http import Http404

    with pytest.raises(Http404):
        response_services.save_response(actor=ctx.other_member, survey=pulse, values={pulse.likert.pk: "3"})


# Editing a survey that has answers --------------------------------------------------------------------------

def test_a_survey_edited_after_answers_keeps_the_old_answers_readable(ctx, pulse):
    response_services.save_response(actor=ctx.own_user, survey=pulse, values={pulse.single.pk: "oui"})
    survey_services.update_question(actor=ctx.staff, question=pulse.single, data={
        "wording_fr": "Vendez-vous hors Québec ?", "wording_en": "Do you sell outside Quebec?",
        "choices": [{"value": "yes", "fr": "Oui", "en": "Yes"}, {"value": "no", "fr": "Non", "en": "No"}]})
    answer = Answer.objects.get(question=pulse.single)
    assert answer.wording in ("Exportez-vous ?", "Do you export?")
    assert answer.display() in ("Oui", "Yes")
    with pytest.raises(ValidationError):
        survey_services.update_question(actor=ctx.staff, question=pulse.single, data={"kind": "text"})


def test_an_answered_question_is_retired_not_deleted(ctx, pulse):
    response_services.save_response(actor=ctx.own_user, survey=pulse, values={pulse.likert.pk: "3"})
    assert survey_services.remove_question(actor=ctx.staff, question=pulse.likert) is False
    pulse.likert.refresh_from_db()
    assert pulse.likert.retired and Answer.objects.filter(question=pulse.likert).exists()
    number = pulse.questions.get(position=4)
    assert survey_services.remove_question(actor=ctx.staff, question=number) is True
    assert not Question.objects.filter(pk=number.pk).exists()


def test_a_question_on_which_another_depends_cannot_be_removed_or_passed(ctx, pulse):
    with pytest.raises(ValidationError):
        survey_services.remove_question(actor=ctx.staff, question=pulse.single)
    with pytest.raises(ValidationError):
        survey_services.move_question(actor=ctx.staff, question=pulse.single, offset=1)
    survey_services.move_question(actor=ctx.staff, question=pulse.single, offset=-1)
    assert list(pulse.questions.values_list("position", "kind")) == [
        (1, "single"), (2, "likert"), (3, "text"), (4, "number")]


def test_choices_are_paired_line_by_line_and_a_mismatch_is_refused():
    assert survey_services.choices_from_lines("Oui\nNon\n", "Yes\nNo") == [
        {"value": "oui", "fr": "Oui", "en": "Yes"}, {"value": "non", "fr": "Non", "en": "No"}]
    with pytest.raises(ValidationError):
        survey_services.choices_from_lines("Oui\nNon\nPeut-être", "Yes\nNo")


# Invitations and reminders ----------------------------------------------------------------------------------

def test_invitations_are_mailed_once_in_each_persons_language(ctx, pulse, django_capture_on_commit_callbacks):
    Invitation.objects.all().delete()
    ctx.own_user.language = "en"
    ctx.own_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert invitation_services.send_invitations(actor=ctx.staff, survey=pulse) == 2
        assert invitation_services.send_invitations(actor=ctx.staff, survey=pulse) == 0
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects["user@alpha.test"].endswith("Cluster pulse")
    assert subjects["admin@alpha.test"].endswith("Pouls de la grappe")
    assert len(mail.outbox) == 3  # A's two people and B's one


def test_one_refused_address_does_not_stop_a_surveys_invitations(ctx, pulse, refusing_mail,
                                                                  django_capture_on_commit_callbacks):
    Invitation.objects.all().delete()
    refusing_mail.add("user@alpha.test")
    with django_capture_on_commit_callbacks(execute=True):
        assert invitation_services.send_invitations(actor=ctx.staff, survey=pulse) == 2

    assert len(mail.outbox) == 2 and "user@alpha.test" not in {m.to[0] for m in mail.outbox}
    assert OutgoingMail.objects.get(to="user@alpha.test").status == MailStatus.PENDING


def test_a_survey_targeted_at_a_segment_invites_its_active_organisations_only(ctx, pulse):
    ctx.org_b.kind = "tier1"
    ctx.org_b.save()
    make_organisation("Charlie Prospect", membership_status=MembershipStatus.PROSPECT)
    smes = Segment.objects.create(name="PME", kinds=["sme"])
    Invitation.objects.all().delete()
    survey_services.update_survey(actor=ctx.staff, survey=pulse, data={"target_segment": smes})
    assert AuditEntry.objects.filter(action="survey.changed").latest("pk").after["target_segment"] == smes.pk
    pulse.refresh_from_db()
    assert list(survey_selectors.target_organisations(pulse)) == [ctx.org_a]  # B is tier 1, Charlie a prospect
    with translation.override("en"):
        assert survey_selectors.target_description(pulse) == "SMEs"
    assert invitation_services.send_invitations(actor=ctx.staff, survey=pulse) == 1
    assert list(pulse.invitations.values_list("organisation", flat=True)) == [ctx.org_a.pk]


def test_a_segment_that_names_membership_statuses_is_taken_at_its_word(ctx, pulse):
    prospect = make_organisation("Charlie Prospect", membership_status=MembershipStatus.PROSPECT)
    pulse.target_segment = Segment.objects.create(name="Prospects", membership_statuses=["prospect"])
    assert list(survey_selectors.target_organisations(pulse)) == [prospect]
    pulse.target_segment = None
    assert set(survey_selectors.target_organisations(pulse)) == {ctx.org_a, ctx.org_b}
    with translation.override("en"):
        assert survey_selectors.target_description(pulse) == "Every active member"


def test_a_segment_a_survey_targets_cannot_be_deleted(ctx, pulse):
    segment = Segment.objects.create(name="PME", kinds=["sme"])
    survey_services.update_survey(actor=ctx.staff, survey=pulse, data={"target_segment": segment})
    with pytest.raises(ProtectedError):
        member_segments.delete_segment(actor=ctx.staff, segment=segment)
    assert Segment.objects.filter(pk=segment.pk).exists()


def test_reminders_go_only_to_organisations_that_have_not_submitted(ctx, pulse,
                                                                  django_capture_on_commit_callbacks):
    Invitation.objects.create(survey=pulse, organisation=ctx.org_b)
    response_services.save_response(actor=ctx.own_user, survey=pulse,
                                    values={pulse.likert.pk: "3", pulse.single.pk: "non"}, submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert invitation_services.send_reminders(actor=ctx.staff, survey=pulse) == 1
    assert [message.to for message in mail.outbox] == [["admin@bravo.test"]]
    assert Invitation.objects.get(organisation=ctx.org_b).reminders == 1


def test_due_reminders_reach_surveys_closing_soon(ctx, pulse):
    pulse.closes_at = timezone.now() + datetime.timedelta(days=2)
    pulse.save()
    assert invitation_services.send_due_reminders() == 1
    assert invitation_services.send_due_reminders() == 0  # reminded today already


def test_a_survey_without_question_cannot_open(ctx):
    survey = survey_services.create_survey(actor=ctx.staff, data={"title_fr": "Vide", "title_en": "Empty"})
    with pytest.raises(ValidationError):
        survey_services.open_survey(actor=ctx.staff, survey=survey)
