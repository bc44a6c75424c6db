"""Listening for the demo cluster: about 200 needs in French and English over the past year, and three pulse
surveys (one closed with its answers, one open and half answered, one draft).

Deterministic for a seed. Runs after `members.demo_data.generate_cluster`; does nothing when needs exist
already. Organisations that speak need a signed-in person to have said it: the first active person of each
is given an account (no usable password) when it has none. The texts recur on purpose around a few subjects
(shortage of machinists, US tariffs, titanium lead times…) so that themes have something to find, and US
tariffs rise over the last three months so that a trend shows.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from grappe.members.models import MembershipStatus, Organisation, Person, Role, User

from .models import (
    Answer,
    Invitation,
    Need,
    NeedStatus,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
)

NEEDS = 200
ENGLISH_SHARE = 0.3
DAYS = 365

# (category, French, English): what members of an aerospace cluster say, each a recurring subject.
SUBJECTS = [
    ("workforce", "Nous n'arrivons pas à recruter des machinistes CNC qualifiés.",
     "We cannot hire qualified CNC machinists."),
    ("workforce", "Pénurie de soudeurs certifiés pour nos pièces de structure.",
     "Shortage of certified welders for our structural parts."),
    ("workforce", "Nos techniciens partent à la retraite et personne n'est formé pour les remplacer.",
     "Our technicians are retiring and nobody is trained to replace them."),
    ("export", "Les nouveaux tarifs douaniers américains menacent nos contrats avec les clients aux États-Unis.",
     "The new US tariffs threaten our contracts with customers in the United States."),
    ("export", "Nous voulons percer le marché européen mais la certification EASA nous freine.",
     "We want to enter the European market but EASA certification holds us back."),
    ("financing", "Il nous faut du fonds de roulement pour financer les stocks de matière première.",
     "We need working capital to finance raw material inventory."),
    ("financing", "Les crédits d'impôt RS&DE tardent et notre trésorerie en souffre.",
     "SR&ED tax credits are slow to arrive and our cash flow suffers."),
    ("regulation", "L'enregistrement au Programme des marchandises contrôlées prend des mois.",
     "Registration with the Controlled Goods Program takes months."),
    ("regulation", "Les exigences ITAR compliquent l'embauche de travailleurs étrangers.",
     "ITAR requirements make hiring foreign workers complicated."),
    ("supply_chain", "Les délais de livraison du titane dépassent maintenant 40 semaines.",
     "Titanium lead times now exceed 40 weeks."),
    ("supply_chain", "Nos fournisseurs de pièces forgées n'arrivent plus à suivre la cadence.",
     "Our forging suppliers can no longer keep up with the production rate."),
    ("innovation", "Nous aimerions numériser notre atelier mais ne savons pas par où commencer.",
     "We would like to digitise our shop floor but do not know where to start."),
    ("innovation", "Nous cherchons un partenaire de recherche pour la fabrication additive métallique.",
     "We are looking for a research partner for metal additive manufacturing."),
    ("environment", "Nos clients exigent un bilan carbone et nous n'avons pas l'expertise.",
     "Our customers require a carbon footprint and we lack the expertise."),
    ("environment", "Nous voulons réduire nos rejets de solvants dans le traitement de surface.",
     "We want to reduce solvent emissions in our surface treatment."),
    ("infrastructure", "Le transport en commun vers notre usine est insuffisant pour nos employés.",
     "Public transit to our plant is insufficient for our employees."),
    ("infrastructure", "Le manque de logements abordables près de l'usine nuit au recrutement.",
     "The lack of affordable housing near the plant hurts recruitment."),
    ("other", "Nous aimerions plus d'activités de réseautage entre PME de la grappe.",
     "We would like more networking activities between the cluster's SMEs."),
]
DETAILS = [
    ("C'est urgent pour nous.", "This is urgent for us."),
    ("Cela touche environ 20 % de notre chiffre d'affaires.", "It affects about 20% of our revenue."),
    ("D'autres entreprises de notre région vivent la même chose.", "Other companies in our region face the same."),
    ("Nous avons déjà refusé deux commandes à cause de cela.", "We have already turned down two orders because of it."),
    ("", ""),
]
RISING = 3  # index in SUBJECTS of the subject that rises over the last three months (US tariffs)
STATUSES = [NeedStatus.NEW] * 5 + [NeedStatus.IN_PROGRESS] * 2 + [NeedStatus.ANSWERED] * 2 + [NeedStatus.CLOSED]
RESPONSES = ("Nous vous mettons en relation avec le programme d'aide concerné. — We are putting you in touch with "
             "the relevant support program.")


@dataclass(frozen=True)
class Summary:
    needs: int
    surveys: int
    responses: int


def generate_listening(*, seed: int = 2026, needs: int = NEEDS) -> Summary:
    """Fill the demo cluster's listening data. Does nothing (returns zeros) when needs already exist."""
    if Need.objects.exists():
        return Summary(0, 0, 0)
    rng = random.Random(seed)
    organisations = list(Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE).order_by("pk"))
    if not organisations:
        return Summary(0, 0, 0)
    staff = User.objects.filter(role=Role.STAFF_ADMIN).order_by("pk").first() or User.objects.filter(
        is_superuser=True).first()
    with transaction.atomic():
        speakers = _speakers(rng.sample(organisations, min(len(organisations), 120)))
        made = _needs(rng, speakers, needs, staff)
        surveys, responses = _surveys(rng, organisations, speakers, staff) if staff else (0, 0)
    return Summary(made, surveys, responses)


def _speakers(organisations) -> dict[int, User]:
    """A user for each organisation: its first active person's account, created when missing."""
    speakers = {}
    people = Person.objects.filter(organisation__in=organisations, is_active=True).select_related("user")
    for person in people.order_by("organisation_id", "pk"):
        if person.organisation_id in speakers:
            continue
        if person.user is None:
            person.user = User.objects.create_user(person.email, None, full_name=person.full_name,
                                                   language=person.language)
            person.save(update_fields=["user", "updated_at"])
        speakers[person.organisation_id] = person.user
    return speakers


def _needs(rng: random.Random, speakers: dict[int, User], count: int, staff: User | None) -> int:
    now = timezone.now()
    organisation_ids = sorted(speakers)
    rows = []
    for _ in range(count):
        days_ago = rng.randrange(DAYS)
        subject = rng.randrange(len(SUBJECTS))
        if rng.random() < 0.15:  # the rising subject: recent needs only
            subject, days_ago = RISING, rng.randrange(90)
        category, french, english = SUBJECTS[subject]
        detail_fr, detail_en = rng.choice(DETAILS)
        language = "en" if rng.random() < ENGLISH_SHARE else "fr"
        text = f"{french} {detail_fr}" if language == "fr" else f"{english} {detail_en}"
        status = rng.choice(STATUSES)
        answered = status in (NeedStatus.ANSWERED, NeedStatus.CLOSED) and staff is not None
        created = now - datetime.timedelta(days=days_ago, minutes=rng.randrange(1440))
        organisation_id = rng.choice(organisation_ids)
        rows.append(Need(
            organisation_id=organisation_id, submitted_by=speakers[organisation_id], category=category,
            text=text.strip(), language=language, urgency=rng.choice(["low", "medium", "medium", "high"]),
            visibility=rng.choice(["staff", "anonymous", "anonymous", "named"]), status=status, created_at=created,
            response=RESPONSES if answered else "", responded_by=staff if answered else None,
            responded_at=created + datetime.timedelta(days=3) if answered else None))
    Need.objects.bulk_create(rows)
    return len(rows)


# Surveys ----------------------------------------------------------------------------------------------------

WORKFORCE_QUESTIONS = [
    (QuestionKind.LIKERT, "Le recrutement de personnel qualifié est notre principal défi.",
     "Hiring qualified staff is our main challenge.", [], True),
    (QuestionKind.SINGLE, "Prévoyez-vous embaucher dans les 12 prochains mois ?",
     "Do you plan to hire in the next 12 months?", [("oui", "Oui", "Yes"), ("non", "Non", "No")], True),
    (QuestionKind.NUMBER, "Combien de postes prévoyez-vous pourvoir ?", "How many positions do you plan to fill?",
     [], False),
    (QuestionKind.MULTIPLE, "Quels métiers vous manquent ?", "Which trades do you lack?",
     [("machinistes", "Machinistes", "Machinists"), ("soudeurs", "Soudeurs", "Welders"),
      ("ingenieurs", "Ingénieurs", "Engineers"), ("inspecteurs", "Inspecteurs qualité", "Quality inspectors")], False),
    (QuestionKind.TEXT, "Que devrait faire la grappe en priorité ?", "What should the cluster do first?", [], False),
]
TEXT_ANSWERS = [
    "Un programme de formation accéléré avec les cégeps.", "Recruit abroad together, as a cluster.",
    "Faire connaître nos métiers dans les écoles secondaires.", "Shared apprenticeships between SMEs.",
    "Un guichet unique pour l'immigration des travailleurs qualifiés.",
]


def _surveys(rng: random.Random, organisations, speakers: dict[int, User], staff: User) -> tuple[int, int]:
    now = timezone.now()
    closed = _survey(staff, "Pouls main-d'œuvre — printemps", "Workforce pulse — spring", SurveyStatus.CLOSED,
                     now - datetime.timedelta(days=120), now - datetime.timedelta(days=90))
    current = _survey(staff, "Pouls main-d'œuvre — automne", "Workforce pulse — autumn", SurveyStatus.OPEN,
                      now - datetime.timedelta(days=7), now + datetime.timedelta(days=14))
    draft = _survey(staff, "Exportation et tarifs", "Export and tariffs", SurveyStatus.DRAFT, None, None)
    _questions(draft, WORKFORCE_QUESTIONS[:2])
    responses = 0
    for survey, share in ((closed, 0.6), (current, 0.35)):
        questions = _questions(survey, WORKFORCE_QUESTIONS)
        invited = [o for o in organisations if o.pk in speakers] or organisations[:50]
        Invitation.objects.bulk_create([Invitation(survey=survey, organisation=o, sent_at=survey.opens_at)
                                        for o in invited])
        for organisation in invited:
            if rng.random() < share:
                _answer(rng, survey, questions, organisation, speakers.get(organisation.pk))
                responses += 1
    return 3, responses


def _survey(staff, title_fr, title_en, status, opens_at, closes_at) -> Survey:
    return Survey.objects.create(title_fr=title_fr, title_en=title_en, status=status, opens_at=opens_at,
                                 closes_at=closes_at, created_by=staff,
                                 intro_fr="Cinq questions, deux minutes. Vos réponses individuelles restent à "
                                          "l'équipe de la grappe.",
                                 intro_en="Five questions, two minutes. Your individual answers stay with the "
                                          "cluster staff.")


def _questions(survey: Survey, specs) -> list[Question]:
    questions = []
    for position, (kind, fr, en, choices, required) in enumerate(specs, start=1):
        questions.append(Question.objects.create(
            survey=survey, position=position, kind=kind, wording_fr=fr, wording_en=en, required=required,
            choices=[{"value": v, "fr": f, "en": e} for v, f, e in choices]))
    if len(questions) > 2:  # "how many positions" only for those who plan to hire
        Question.objects.filter(pk=questions[2].pk).update(show_if_question=questions[1], show_if_value="oui")
    return questions


def _answer(rng: random.Random, survey: Survey, questions, organisation, user) -> None:
    hiring = rng.random() < 0.7
    values = {
        QuestionKind.LIKERT: str(rng.choice([2, 3, 4, 4, 5, 5])),
        QuestionKind.SINGLE: "oui" if hiring else "non",
        QuestionKind.NUMBER: rng.randint(1, 25) if hiring else None,
        QuestionKind.MULTIPLE: sorted(rng.sample(["machinistes", "soudeurs", "ingenieurs", "inspecteurs"],
                                                 rng.randint(1, 3))),
        QuestionKind.TEXT: rng.choice(TEXT_ANSWERS) if rng.random() < 0.5 else None,
    }
    submitted = rng.random() < 0.85
    when = (survey.opens_at or timezone.now()) + datetime.timedelta(days=rng.randint(0, 6))
    response = Response.objects.create(
        survey=survey, organisation=organisation, revision=1, last_edited_by=user,
        status=ResponseStatus.SUBMITTED if submitted else ResponseStatus.DRAFT,
        submitted_at=when if submitted else None, submitted_by=user if submitted else None)
    Answer.objects.bulk_create([
        Answer(response=response, question=q, value=values[q.kind], question_snapshot=q.snapshot(), revision=1,
               answered_by=user)
        for q in questions if values[q.kind] is not None])
