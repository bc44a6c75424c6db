"""The minutes of a 20-item meeting: reading the record into a version, and its PDF (PostgreSQL).

A committee meeting is generated: 30 people of 20 member organisations on the attendance list (present, excused,
absent), 20 agenda items each with its presenter, notes of 180 to 320 words (French sentences of a committee's
business), one to three decisions, one or two action items and, on every fourth item, a recusal. Rows are written
directly; the minutes' content is built by `minutes_record.build` (the reads of `services.minutes.generate`,
without its audit entry, so that the data can be removed afterwards: an approved version never can be).

Timed, in process, the way the download view runs them: the record read into the content, then the tagged PDF
(WeasyPrint, PDF/UA-1) in the body's language and in the other one. The first PDF of a process pays
WeasyPrint's import; the median of the next ones is the figure. Target: PDF < 3 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe_bench .venv/bin/python bench/governance_minutes.py
"""

import argparse
import datetime
import random
import statistics
import time

from common import figure, load_average, setup_django

TARGET_S = 3
ITEMS, PEOPLE, ORGANISATIONS = 20, 30, 20

SENTENCES = [
    "La coprésidence rappelle le mandat du comité et les livrables attendus pour le prochain cycle de financement.",
    "Les membres discutent de l'empreinte carbone des procédés d'usinage et des données à réunir auprès des PME.",
    "Le représentant du centre de recherche présente les résultats préliminaires des essais sur les composites "
    "recyclés.",
    "Plusieurs entreprises signalent des délais d'approvisionnement en titane qui retardent leurs projets pilotes.",
    "Le comité convient de consulter les donneurs d'ordre avant de fixer les cibles de réduction pour 2030.",
    "Une discussion s'engage sur l'accès des sous-traitants de rang 3 aux programmes d'aide à la décarbonation.",
    "La permanence fait le point sur le sondage mené auprès des membres : 62 organisations ont répondu.",
    "Les participants soulignent l'importance d'un vocabulaire commun pour déclarer les émissions de portée 3.",
    "Il est proposé de mutualiser les audits énergétiques entre les entreprises d'une même région.",
    "Le comité examine le calendrier du chantier sur la main-d'œuvre et ses liens avec la formation continue.",
    "Un membre rappelle que les exigences des clients européens entreront en vigueur dès l'an prochain.",
    "Les coûts de certification environnementale restent un frein pour les plus petites entreprises.",
    "La discussion porte ensuite sur la gouvernance des données partagées et les garanties de confidentialité.",
    "Les membres demandent que les résultats soient présentés par région et par taille d'entreprise.",
]
DECISIONS = [
    "Le comité adopte le plan de travail présenté, sous réserve des précisions demandées sur le budget.",
    "Le comité recommande au conseil d'administration de financer l'étude de faisabilité à hauteur de 45 000 $.",
    "Le comité crée un groupe de travail restreint sur les données d'émissions, coordonné par la permanence.",
    "Le comité reporte la décision à la prochaine réunion, dans l'attente de l'avis des donneurs d'ordre.",
    "Le comité approuve la liste des indicateurs suivis pour l'année, avec l'ajout de l'intensité énergétique.",
]
ACTIONS = [
    "Transmettre aux membres la synthèse des résultats du sondage",
    "Préparer une note sur les programmes d'aide à la décarbonation ouverts aux PME",
    "Consulter les donneurs d'ordre sur les cibles de réduction",
    "Proposer un calendrier pour les audits énergétiques mutualisés",
    "Rassembler les exigences des clients européens dans un document de référence",
]
TITLES = [
    "Mot d'ouverture et adoption de l'ordre du jour", "Suivi des actions de la dernière réunion",
    "Empreinte carbone des procédés d'usinage", "Composites recyclés : résultats des essais",
    "Approvisionnement en titane", "Cibles de réduction 2030", "Programmes d'aide à la décarbonation",
    "Résultats du sondage aux membres", "Déclaration des émissions de portée 3", "Audits énergétiques mutualisés",
    "Chantier main-d'œuvre", "Exigences des clients européens", "Certification environnementale",
    "Gouvernance des données partagées", "Tableau de bord régional", "Budget du comité",
    "Partenariats avec les centres collégiaux", "Événement annuel sur l'aérospatiale durable",
    "Varia", "Date de la prochaine réunion",
]


def notes(rng: random.Random) -> str:
    words, paragraphs = 0, []
    target = rng.randint(180, 320)
    while words < target:
        paragraph = " ".join(rng.sample(SENTENCES, rng.randint(2, 4)))
        paragraphs.append(paragraph)
        words += len(paragraph.split())
    return "\n\n".join(paragraphs)


def make_meeting(stamp: str, seed: int = 2026):
    """A committee and its 20-item meeting with its whole record (see the module's doc)."""
    from django.utils import timezone

    from grappe.governance.models import (
        ActionItem,
        AgendaItem,
        Attendance,
        AttendanceStatus,
        Body,
        BodyKind,
        Decision,
        Meeting,
        MeetingStatus,
        Recusal,
    )
    from grappe.members.models import Organisation, Person, User

    rng = random.Random(seed)
    organisations = Organisation.objects.bulk_create(
        Organisation(legal_name=f"Banc procès-verbal {stamp} {n}", slug=f"bench-minutes-{stamp}-{n}", kind="sme")
        for n in range(ORGANISATIONS))
    people = []
    for n in range(PEOPLE):
        user = User.objects.create_user(f"bench-minutes-{stamp}-{n}@grappe.test", None,
                                        full_name=f"Personne {n} Tremblay")
        Person.objects.create(organisation=organisations[n % ORGANISATIONS], user=user, first_name=f"Personne {n}",
                              last_name="Tremblay", email=user.email)
        people.append(user)
    body = Body.objects.create(kind=BodyKind.COMMITTEE, name_fr=f"Comité environnement (banc {stamp})",
                               name_en=f"Environment committee (bench {stamp})")
    starts = timezone.now() - datetime.timedelta(days=3)
    meeting = Meeting.objects.create(body=body, title="Réunion ordinaire", starts_at=starts,
                                     ends_at=starts + datetime.timedelta(hours=3), status=MeetingStatus.HELD,
                                     place="Salle du conseil, Montréal", video_url="https://visio.example.org/env")
    statuses = [AttendanceStatus.PRESENT] * 24 + [AttendanceStatus.EXCUSED] * 4 + [AttendanceStatus.ABSENT] * 2
    Attendance.objects.bulk_create(Attendance(meeting=meeting, user=user, organisation=user.person.organisation,
                                              status=status) for user, status in zip(people, statuses, strict=True))
    for n, title in enumerate(TITLES[:ITEMS]):
        presenter = people[n % PEOPLE]
        item = AgendaItem.objects.create(meeting=meeting, position=n + 1, title=title, presenter=presenter,
                                         notes=notes(rng), duration_minutes=rng.choice([5, 10, 15, 20]))
        Decision.objects.bulk_create(Decision(item=item, text=text)
                                     for text in rng.sample(DECISIONS, rng.randint(1, 3)))
        ActionItem.objects.bulk_create(
            ActionItem(meeting=meeting, item=item, description=text, owner=rng.choice(people),
                       due_on=timezone.localdate() + datetime.timedelta(days=rng.randint(14, 90)))
            for text in rng.sample(ACTIONS, rng.randint(1, 2)))
        if n % 4 == 3:
            Recusal.objects.create(item=item, user=rng.choice(people), reason="client de l'entreprise concernée")
    return meeting, organisations, people


def remove(meeting, organisations, people) -> None:
    """Leave the benchmark database as it was (the minutes stayed a draft: nothing was audited)."""
    from grappe.governance.models import Minutes
    from grappe.members.models import Organisation, Person, User

    body = meeting.body
    Minutes.objects.filter(meeting=meeting).delete()
    meeting.delete()
    body.delete()
    Person.objects.filter(user__in=people).delete()
    User.objects.filter(pk__in=[user.pk for user in people]).delete()
    Organisation.objects.filter(pk__in=[o.pk for o in organisations]).delete()


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5, help="PDFs drawn after the first")
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.utils import translation

    from grappe.governance import minutes_record
    from grappe.governance.documents import minutes as documents
    from grappe.governance.models import Minutes

    call_command("migrate", verbosity=0)
    made = make_meeting(time.strftime("%Y%m%d%H%M%S"))
    meeting = made[0]
    try:
        translation.activate("fr")
        build_s, content = timed(lambda: minutes_record.build(meeting))
        minutes = Minutes.objects.create(meeting=meeting, version=1, content=content)
        first_s, pdf = timed(lambda: documents.minutes_pdf(minutes, "fr"))
        runs = {"fr": [], "en": []}
        for _run in range(args.runs):
            for language in runs:
                seconds, pdf = timed(lambda language=language: documents.minutes_pdf(minutes, language))
                runs[language].append(seconds)
        from weasyprint import HTML  # imported by the first PDF above

        pages = len(HTML(string=documents.minutes_html(minutes, "fr")).render().pages)
    finally:
        translation.deactivate()
        remove(*made)
    words = sum(len(item["notes"].split()) for item in content["items"])
    decisions = sum(len(item["decisions"]) for item in content["items"])
    detail = (f"{ITEMS} items, {words} words of notes, {decisions} decisions, {len(content['actions'])} actions, "
              f"{len(content['attendance'])} people; record read in {1000 * build_s:.0f} ms; first PDF of the "
              f"process (WeasyPrint imported) {first_s:.2f} s; French {', '.join(f'{s:.2f}' for s in runs['fr'])} s; "
              f"English {', '.join(f'{s:.2f}' for s in runs['en'])} s; PDF {len(pdf) // 1024} KB, {pages} pages; "
              f"{load_average()}")
    figure("governance: minutes PDF, 20-item meeting (median)", statistics.median(runs["fr"] + runs["en"]), "s",
           TARGET_S, detail)
    figure("governance: minutes PDF, 20-item meeting (first of a process)", first_s, "s", TARGET_S, detail)


if __name__ == "__main__":
    main()
