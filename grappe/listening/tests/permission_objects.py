"""Listening objects the permission policies and tests need, made in the `matrix` fixture's small cluster."""

import datetime

from django.utils import timezone

from grappe.listening.models import (
    Invitation,
    Need,
    Question,
    QuestionKind,
    Survey,
    SurveyStatus,
)


def need_of_a(ctx, visibility: str = "staff") -> Need:
    return Need.objects.create(organisation=ctx.org_a, submitted_by=ctx.own_user, category="workforce",
                               text="Nous manquons de machinistes CNC.", language="fr", visibility=visibility)


def survey(ctx, status: str = SurveyStatus.OPEN, invite=("org_a",), **fields) -> Survey:
    """A survey (open by default) with a required Likert question, a choice, a conditional free text."""
    made = Survey.objects.create(title_fr="Pouls de la grappe", title_en="Cluster pulse", status=status,
                                 created_by=ctx.staff, **fields)
    likert = Question.objects.create(survey=made, position=1, kind=QuestionKind.LIKERT, required=True,
                                     wording_fr="Le recrutement est difficile.", wording_en="Hiring is hard.")
    single = Question.objects.create(
        survey=made, position=2, kind=QuestionKind.SINGLE, wording_fr="Exportez-vous ?", wording_en="Do you export?",
        choices=[{"value": "oui", "fr": "Oui", "en": "Yes"}, {"value": "non", "fr": "Non", "en": "No"}])
    Question.objects.create(survey=made, position=3, kind=QuestionKind.TEXT, required=True,
                            wording_fr="Vers quels pays ?", wording_en="To which countries?",
                            show_if_question=single, show_if_value="oui")
    Question.objects.create(survey=made, position=4, kind=QuestionKind.NUMBER, wording_fr="Employés ?",
                            wording_en="Employees?")
    for name in invite:
        Invitation.objects.create(survey=made, organisation=getattr(ctx, name), sent_at=timezone.now())
    made.likert = likert
    made.single = single
    return made


def sent_survey(ctx) -> Survey:
    """The open survey sent to A, made once per test: a write's data names the questions of the survey its URL
    names."""
    if not hasattr(ctx, "sent_survey"):
        ctx.sent_survey = survey(ctx)
    return ctx.sent_survey


def closed_survey(ctx) -> Survey:
    return survey(ctx, closes_at=timezone.now() - datetime.timedelta(days=1),
                  opens_at=timezone.now() - datetime.timedelta(days=10))


def draft_survey(ctx) -> Survey:
    return survey(ctx, status=SurveyStatus.DRAFT)


def theme(ctx):
    from grappe.listening.models import Theme, ThemeAssignment

    made = Theme.objects.create(name_fr="Main-d'oeuvre", name_en="Workforce")
    ThemeAssignment.objects.create(theme=made, need=need_of_a(ctx, visibility="named"))
    return made


def theme_run(ctx):
    from grappe.listening.models import ThemeRun

    return ThemeRun.objects.create(owner=ctx.staff, total=10, processed=3, status="running")


def brief(ctx, published: bool = False):
    from grappe.listening.models import Brief

    today = timezone.localdate()
    fields = {"status": "published", "published_at": timezone.now(), "published_by": ctx.staff,
              "pdf": b"%PDF-1.7 frozen", "xlsx": b"PK frozen"} if published else {}
    return Brief.objects.create(period_start=today - datetime.timedelta(days=90), period_end=today, language="fr",
                                created_by=ctx.staff, **fields)


def themes_found(ctx):
    """A theme of four texts on two subjects found by a run (lexical, quick), which the staff may split."""
    from django.test import override_settings

    from grappe.listening.models import ThemeAssignment, ThemeRun
    from grappe.listening.services import themes as theme_services

    for text in ("Nous manquons de machinistes CNC.", "We cannot hire CNC machinists.",
                 "Les tarifs douaniers menacent nos exportations.", "Customs tariffs threaten our exports."):
        Need.objects.create(organisation=ctx.org_a, submitted_by=ctx.own_user, category="workforce",
                            text=text, language="fr", visibility="named")
    with override_settings(GRAPPE_THEME_ENCODER="none"):
        theme_services.execute_run(ThemeRun.objects.create(owner=ctx.staff).pk)
    whole = ThemeAssignment.objects.first().theme
    ThemeAssignment.objects.update(theme=whole)
    return whole
