"""The listening pages as people use them: what they typed is kept, odd text is shown escaped, a survey says
what is missing or that it is closed, the staff build a survey and watch its response rate."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from grappe.listening.models import Need, Question, Response, ResponseStatus, Survey, SurveyStatus
from grappe.members.models import Segment

pytestmark = pytest.mark.django_db


def test_a_need_form_with_an_error_keeps_what_was_typed(client, ctx):
    client.force_login(ctx.own_user)
    typed = "Nous cherchons 3 soudeurs certifiés CWB."
    response = client.post(reverse("listening:need-create"), {"text": typed, "language": "fr", "urgency": "high",
                                                               "visibility": "named", "form_token": uuid.uuid4()})
    assert response.status_code == 200
    assert typed in response.content.decode()
    assert not Need.objects.exists()


def test_a_double_submitted_need_form_makes_one_need(client, ctx):
    client.force_login(ctx.own_user)
    data = {"category": "export", "text": "Salon au Mexique", "language": "fr", "urgency": "low",
            "visibility": "anonymous", "form_token": uuid.uuid4()}
    for _ in range(2):
        assert client.post(reverse("listening:need-create"), data).status_code == 302
    assert Need.objects.count() == 1


def test_pasted_markup_is_shown_escaped(client, ctx):
    Need.objects.create(organisation=ctx.org_a, submitted_by=ctx.own_user, category="other", language="fr",
                        text='<img src=x onerror="alert(1)"> 溶接 « Œuvre »')
    for user, url in ((ctx.own_user, "listening:need-list"), (ctx.staff, "listening:staff-need-list")):
        client.force_login(user)
        page = client.get(reverse(url)).content.decode()
        assert "&lt;img src=x" in page and "<img src=x" not in page
        assert "溶接 « Œuvre »" in page


def test_a_member_sees_the_clusters_response_but_not_other_organisations_needs(client, ctx):
    Need.objects.create(organisation=ctx.org_a, submitted_by=ctx.own_user, category="export", language="fr",
                        text="Besoin A", response="Contactez Export Québec.", responded_at=timezone.now())
    Need.objects.create(organisation=ctx.org_b, submitted_by=ctx.other_member, category="export", language="fr",
                        text="Besoin confidentiel de B", visibility="staff")
    client.force_login(ctx.own_user)
    page = client.get(reverse("listening:need-list")).content.decode()
    assert "Contactez Export Québec." in page and "Besoin confidentiel de B" not in page


def test_submitting_without_a_required_answer_keeps_the_rest_and_says_what_is_missing(client, ctx, pulse):
    client.force_login(ctx.own_user)
    with translation.override("en"):
        url = reverse("listening:survey-answer", args=[pulse.pk])
    response = client.post(url, {f"q{pulse.single.pk}": "oui", "revision": 0, "submit": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1. Hiring is hard." in page and "requires an answer" in page
    saved = Response.objects.get()
    assert saved.status == ResponseStatus.DRAFT
    assert saved.answers.get(question=pulse.single).value == "oui"


def test_a_draft_saved_by_one_colleague_is_continued_and_submitted_by_another(client, ctx, pulse):
    url = reverse("listening:survey-answer", args=[pulse.pk])
    client.force_login(ctx.own_user)
    assert client.post(url, {f"q{pulse.likert.pk}": "2", "revision": 0, "save": "1"}).status_code == 302
    client.force_login(ctx.own_admin)
    page = client.get(url).content.decode()
    assert f'name="q{pulse.likert.pk}" value="2" id="id_q{pulse.likert.pk}_1" checked>' in page
    revision = Response.objects.get().revision
    response = client.post(url, {f"q{pulse.likert.pk}": "2", f"q{pulse.single.pk}": "non", "revision": revision,
                                 "submit": "1"})
    assert response.status_code == 302
    assert Response.objects.get().status == ResponseStatus.SUBMITTED


def test_a_closed_survey_refuses_with_a_clear_message(client, ctx, pulse):
    Survey.objects.filter(pk=pulse.pk).update(status=SurveyStatus.CLOSED)
    client.force_login(ctx.own_user)
    response = client.post(reverse("listening:survey-answer", args=[pulse.pk]),
                           {f"q{pulse.likert.pk}": "3", "revision": 0, "save": "1"})
    assert response.status_code == 200
    assert "Ce sondage est fermé : les réponses ne sont plus acceptées." in response.content.decode()
    assert not Response.objects.exists()


def test_autosave_answers_with_the_new_revision(client, ctx, pulse):
    client.force_login(ctx.own_user)
    response = client.post(reverse("listening:survey-autosave", args=[pulse.pk]),
                           {f"q{pulse.likert.pk}": "5", "revision": 0})
    assert response.status_code == 200
    assert 'id="id_revision" value="1" hx-swap-oob="true"' in response.content.decode()
    assert Response.objects.get().answers.get().value == "5"


def test_the_staff_build_open_and_send_a_survey(client, ctx, django_capture_on_commit_callbacks):
    from django.core import mail

    client.force_login(ctx.staff)
    response = client.post(reverse("listening:staff-survey-create"), {
        "title_fr": "Main-d'œuvre 2026", "title_en": "Workforce 2026",
        "closes_at": (timezone.now() + datetime.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")})
    survey = Survey.objects.get()
    assert response.url == reverse("listening:staff-survey-detail", args=[survey.pk])
    new_question = reverse("listening:staff-question-create", args=[survey.pk])
    client.post(new_question, {"kind": "single", "wording_fr": "Recrutez-vous ?", "wording_en": "Are you hiring?",
                               "choices_fr": "Oui\nNon", "choices_en": "Yes\nNo", "required": "on"})
    hiring = Question.objects.get()
    response = client.post(new_question, {"kind": "number", "wording_fr": "Combien de postes ?",
                                          "wording_en": "How many positions?",
                                          "show_if_question": hiring.pk, "show_if_value": "Yes"})
    assert response.status_code == 302
    assert Question.objects.get(kind="number").show_if_value == "oui"
    client.post(reverse("listening:staff-survey-status", args=[survey.pk]), {"action": "open"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("listening:staff-survey-invite", args=[survey.pk]), {"action": "invite"})
    assert {m.to[0] for m in mail.outbox} == {"admin@alpha.test", "user@alpha.test", "admin@bravo.test"}
    rate = client.get(reverse("listening:staff-survey-rate-live", args=[survey.pk])).content.decode()
    assert "0%" in rate and "Alpha Usinage" in rate


def test_the_staff_target_a_survey_at_a_segment_and_see_who_it_is_sent_to(client, ctx, pulse):
    segment = Segment.objects.create(name="PME de Montréal", kinds=["sme"], regions=["06"])
    client.force_login(ctx.staff)
    with translation.override("en"):
        edit = reverse("listening:staff-survey-edit", args=[pulse.pk])
        assert "PME de Montréal" in client.get(edit).content.decode()  # offered in the form
        response = client.post(edit, {"title_fr": pulse.title_fr, "title_en": pulse.title_en,
                                      "target_segment": segment.pk})
        assert response.status_code == 302
        detail = client.get(reverse("listening:staff-survey-detail", args=[pulse.pk])).content.decode()
        listing = client.get(reverse("listening:staff-survey-list")).content.decode()
    assert "Sent to: SMEs in Montréal" in detail and "PME de Montréal" in listing
    assert Survey.objects.get(pk=pulse.pk).target_segment == segment


def test_a_question_with_too_few_choices_is_refused_and_the_form_kept(client, ctx, pulse):
    client.force_login(ctx.staff)
    response = client.post(reverse("listening:staff-question-create", args=[pulse.pk]), {
        "kind": "multiple", "wording_fr": "Quels marchés ?", "wording_en": "Which markets?",
        "choices_fr": "Europe", "choices_en": "Europe"})
    assert response.status_code == 200
    assert "Quels marchés ?" in response.content.decode()


def test_the_staff_read_answers_with_the_wording_they_answered(client, ctx, pulse):
    from grappe.listening.services import responses as response_services
    from grappe.listening.services import surveys as survey_services

    response_services.save_response(actor=ctx.own_user, survey=pulse, values={pulse.likert.pk: "4"})
    survey_services.update_question(actor=ctx.staff, question=pulse.likert, data={"wording_fr": "Nouvelle formulation",
                                                                            "wording_en": "New wording"})
    client.force_login(ctx.staff)
    page = client.get(reverse("listening:staff-survey-answers", args=[pulse.pk])).content.decode()
    assert "Le recrutement est difficile." in page and "Nouvelle formulation" not in page


def test_the_need_forms_privacy_choice_is_a_fieldset_with_one_line_per_option(client, ctx):
    from django.test.html import parse_html

    from grappe.core.tests.test_forms import elements, text
    from grappe.listening.models import NeedVisibility

    client.force_login(ctx.own_user)
    page = parse_html(client.get(reverse("listening:need-create")).content.decode())
    (privacy,) = [f for f in elements(page, "fieldset") if any(
        dict(i.attributes).get("name") == "visibility" for i in elements(f, "input"))]
    with translation.override("fr"):
        assert text(elements(privacy, "legend")[0]).startswith("Qui peut le voir")
        labels = {dict(label.attributes)["for"]: text(label) for label in elements(privacy, "label")}
        inputs = elements(privacy, "input")
        assert [labels[dict(i.attributes)["id"]] for i in inputs] == [str(label) for _v, label in NeedVisibility.choices]


def test_the_privacy_choice_and_its_help_say_the_same_thing_in_both_languages():
    from grappe.listening.forms.needs import NeedForm
    from grappe.listening.models import NeedVisibility

    for language, quotable, no_name in (("en", "Quotable", "without"), ("fr", "Citable", "sans")):
        with translation.override(language):
            label = str(NeedVisibility.NAMED.label)
            help_text = str(NeedForm._meta.help_texts["visibility"])
            assert label.startswith(quotable) and quotable in help_text
            assert no_name in label and no_name in help_text
            assert "Nominatif" not in label + help_text and "Named" not in label + help_text
