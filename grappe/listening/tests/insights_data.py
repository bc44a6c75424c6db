"""A cluster big enough for figures above k: twelve member organisations that say things in French and English
over the past months (the same few subjects, so themes have something to find), and a survey they answered."""

import datetime

from django.utils import timezone

from grappe.conftest import make_member, make_organisation
from grappe.members.models import Person
from grappe.listening.models import (
    Answer,
    Invitation,
    Need,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
)

SUBJECTS = {
    "workforce": ("Nous n'arrivons pas à recruter des machinistes et des soudeurs qualifiés.",
                  "We cannot hire qualified machinists and welders for the shop."),
    "export": ("Les tarifs douaniers américains menacent nos exportations vers les États-Unis.",
               "US customs tariffs threaten our exports to the United States."),
    "supply_chain": ("Les délais de livraison du titane et des pièces forgées explosent.",
                     "Lead times for titanium and forged parts keep growing, deliveries are late."),
}


def crowd(staff, organisations: int = 12, months: int = 4):
    """`organisations` members (each with a user), each raising every subject once a month for `months` months
    (one in two in English); the first organisation's texts are 'named' (may be quoted), one in three staff-only."""
    now = timezone.now()
    made = []
    for i in range(organisations):
        org = make_organisation(f"Usinage Delta {i:02d}", slug=f"delta-{i:02d}")
        user = make_member(org, f"person{i:02d}@delta.test")

        Person.objects.filter(user=user).update(first_name=f"Gaston{i:02d}", last_name="Lapointe")
        made.append((org, user))
    for m in range(months):
        for i, (org, user) in enumerate(made):
            for category, (fr, en) in SUBJECTS.items():
                english = (i + m) % 2
                visibility = "named" if i < 7 else ("staff" if i % 3 == 0 else "anonymous")
                Need.objects.create(organisation=org, submitted_by=user, category=category,
                                    text=(en if english else fr) + f" (Gaston{i:02d} Lapointe, 514 555 01{i:02d})",
                                    language="en" if english else "fr", visibility=visibility,
                                    urgency="high" if i % 2 else "low",
                                    created_at=now - datetime.timedelta(days=31 * m + 2))
    return made


def answered_survey(staff, made, answering: int, status: str = SurveyStatus.OPEN):
    """A survey (open unless `status` says otherwise) sent to every organisation of `made`; the first
    `answering` submitted a Likert point, a choice and a number."""
    survey = Survey.objects.create(title_fr="Pouls", title_en="Pulse", status=status, created_by=staff)
    likert = Question.objects.create(survey=survey, position=1, kind=QuestionKind.LIKERT, wording_fr="Difficile ?",
                                     wording_en="Hard?")
    single = Question.objects.create(survey=survey, position=2, kind=QuestionKind.SINGLE, wording_fr="Exportez ?",
                                     wording_en="Export?", choices=[{"value": "oui", "fr": "Oui", "en": "Yes"},
                                                                    {"value": "non", "fr": "Non", "en": "No"}])
    number = Question.objects.create(survey=survey, position=3, kind=QuestionKind.NUMBER, wording_fr="Employés ?",
                                     wording_en="Employees?")
    text = Question.objects.create(survey=survey, position=4, kind=QuestionKind.TEXT, wording_fr="Autre ?",
                                   wording_en="Else?")
    for i, (org, user) in enumerate(made):
        Invitation.objects.create(survey=survey, organisation=org, sent_at=timezone.now())
        if i >= answering:
            continue
        response = Response.objects.create(survey=survey, organisation=org, status=ResponseStatus.SUBMITTED,
                                           submitted_at=timezone.now(), submitted_by=user)
        for question, value in ((likert, str(1 + i % 5)), (single, "oui" if i % 4 else "non"), (number, 10 + i),
                                (text, f"Réponse confidentielle de l'organisation {i}")):
            Answer.objects.create(response=response, question=question, value=value,
                                  question_snapshot=question.snapshot(), answered_by=user)
    return survey
