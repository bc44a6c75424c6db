"""A demo government program on the demo cluster: a funder's envelope with a closed call (applications alone and
one as a consortium, screened, each scored by two evaluators, decided, funds committed, milestones set and
partly paid on the lead's claims, one claim awaiting review) and an open call (closing in three weeks, one
draft and one submitted application, screened as it came in and waiting for the demo evaluator's scores).
The best funded project's summary is published for the government observers.

Written through the app's services wherever one exists (the program, its calls and their grids, publishing and
closing, applications, consortium, submission, screening, assignment, decisions, commitments, milestones, progress
reports and claims, whose approval records the disbursements), so that the invariants hold and every step is
audited; each evaluator submits their scores through the scoring service, and the committee's ranking
(matching.committee) chooses what is funded: only applications that meet the passing score, best first, within
the envelope. The closed call's deadline alone is moved into the past directly (no service sets a deadline that
has passed). Deterministic for a seed. Runs after the members' demo (it takes their organisations and the
cluster's staff) and does nothing when the demo program is already there.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from grappe.members.models import MembershipStatus, Organisation, OrganisationKind, Person, Role, User
from matching import committee as figures

from . import committee
from .eligibility import reasons_not_eligible
from .models import (
    CENT,
    Application,
    ApplicationStatus,
    Call,
    DocumentKind,
    Outcome,
    Program,
    Recommendation,
)
from .services import (
    applications,
    budget,
    calls,
    decisions,
    documents,
    evaluation,
    milestones,
    programs,
    reporting,
    scoring,
)

DEMO_NAME_FR = "Programme d'innovation collaborative — MEIE"
ENVELOPE = Decimal("2500000.00")
EVALUATOR_EMAIL = "evaluation@grappe.demo"
APPLICANT_KINDS = [OrganisationKind.SME, OrganisationKind.TIER1, OrganisationKind.TIER2, OrganisationKind.TIER3]
CLOSED_APPLICATIONS = 6  # alone; one more as a consortium
FUNDED = 4
CRITERIA = [  # (fr, en, weight)
    ("Caractère innovant du projet", "Innovativeness of the project", Decimal("3")),
    ("Retombées économiques au Québec", "Economic benefits for Quebec", Decimal("2")),
    ("Capacité de l'équipe à réaliser le projet", "The team's ability to carry out the project", Decimal("2")),
    ("Solidité du montage financier", "Soundness of the financial plan", Decimal("1")),
]
PROJECTS = [  # (title, summary)
    ("Fabrication additive de supports moteurs en titane",
     "Qualifier un procédé de fusion laser sur lit de poudre pour des supports moteurs allégés de 30 %."),
    ("Jumeau numérique d'une ligne d'assemblage de trains d'atterrissage",
     "Simuler la ligne pour réduire de 20 % le temps de cycle avant la montée en cadence."),
    ("Inspection automatisée des composites par thermographie",
     "Remplacer l'inspection ultrasonore manuelle des panneaux composites par une cellule robotisée."),
    ("Usinage à haute vitesse de l'aluminium-lithium",
     "Mettre au point les paramètres de coupe et l'outillage pour les nouvelles nuances de fuselage."),
    ("Traitement de surface sans chrome hexavalent",
     "Remplacer l'anodisation chromique par un procédé sol-gel conforme à REACH."),
    ("Maintenance prédictive des bancs d'essai moteurs",
     "Capteurs et modèles d'apprentissage pour prévoir les pannes des bancs d'essai."),
    ("Recyclage des chutes de préimprégnés de fibre de carbone",
     "Une filière québécoise de valorisation des chutes de préimprégnés en pièces non structurales."),
]
CONSORTIUM_PROJECT = ("Cellule d'assemblage collaborative pour nacelles",
                      "Trois membres développent ensemble une cellule robotisée d'assemblage de nacelles : "
                      "intégration, outillage et validation chez le donneur d'ordres.")
OPEN_PROJECTS = [
    ("Électrification des équipements de servitude au sol",
     "Convertir les groupes de parc au diesel en unités électriques à batteries."),
    ("Carburant d'aviation durable : essais de compatibilité des joints",
     "Vérifier la tenue des élastomères des circuits carburant aux carburants d'aviation durables."),
]
MILESTONES = [("Jalon 1 — démarrage du projet", -30), ("Jalon 2 — rapport d'étape", -15),
              ("Jalon 3 — rapport final", 300)]  # (name, due in days from now)
MILESTONE_SHARES = [Decimal("0.30"), Decimal("0.25")]  # the last one takes the rest
REPORTS = ["Équipe constituée, équipements commandés et plan d'essais validé avec le donneur d'ordres.",
           "Premiers essais réalisés : les résultats intermédiaires sont joints au rapport d'étape."]


@dataclass(frozen=True)
class DemoProgram:
    program: Program
    closed_call: Call
    open_call: Call
    applications: int
    funded: int


def generate_programs(seed: int = 2026, leave_out: frozenset[int] = frozenset()) -> DemoProgram | None:
    """Create the demo program and its two calls. None when it exists, or without staff or enough members.
    The organisations of `leave_out` (primary keys) apply to neither call."""
    if Program.objects.filter(name_fr=DEMO_NAME_FR).exists():
        return None
    staff = (User.objects.filter(role=Role.STAFF_PROGRAMS, is_active=True).order_by("pk").first()
             or User.objects.filter(role=Role.STAFF_ADMIN, is_active=True).order_by("pk").first())
    if staff is None:
        return None
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        program = _program(staff)
        closed = _closed_call(program, staff, now)
        candidates = _eligible_applicants(closed, now, exclude=_demo_member_ids() | leave_out)
        if len(candidates) < CLOSED_APPLICATIONS + 3:
            transaction.set_rollback(True)
            return None
        rng.shuffle(candidates)
        leads, partners = candidates[:CLOSED_APPLICATIONS + 1], candidates[CLOSED_APPLICATIONS + 1:][:2]
        made = [_apply(rng, closed, org, PROJECTS[i]) for i, org in enumerate(leads[:-1])]
        made.append(_apply_as_consortium(rng, closed, leads[-1], partners))
        ineligible = _ineligible_applicant(closed, now)
        if ineligible is not None:
            made.append(_apply(rng, closed, ineligible, PROJECTS[-1]))
        for application in made:
            attach_documents(application, _speaker(application.lead))
            applications.submit(actor=_speaker(application.lead), application=application)
        calls.close_call(actor=staff, call=closed)
        Call.objects.filter(pk=closed.pk).update(closes_at=now - datetime.timedelta(days=45))
        closed.refresh_from_db()
        funded = _evaluate_and_decide(rng, closed, staff, now)
        open_call = _open_call(program, staff, now)
        _open_applications(rng, open_call, exclude={o.pk for o in leads + partners} | leave_out)
        _evaluation_to_do(open_call, staff)
    return DemoProgram(program, closed, open_call, len(made) + 2, funded)


def _program(staff: User) -> Program:
    return programs.create_program(actor=staff, data=dict(
        funder="Ministère de l'Économie, de l'Innovation et de l'Énergie (MEIE)",
        name_fr=DEMO_NAME_FR, name_en="Collaborative Innovation Program — MEIE", envelope=ENVELOPE,
        rules_fr="Projets d'innovation menés au Québec par des membres de la grappe, seuls ou en consortium. "
                 "L'aide couvre au plus 50 % des dépenses admissibles ; les versements suivent les jalons.",
        rules_en="Innovation projects carried out in Quebec by members of the cluster, alone or as a consortium. "
                 "The grant covers at most 50% of the eligible costs; payments follow the milestones."))


def demo_call(program: Program, staff: User, **fields) -> Call:
    """A published call of the program, with the demo's grid, rules and required documents (`fields` override)."""
    defaults = {"eligible_kinds": list(APPLICANT_KINDS),
                "requires_good_standing": True, "max_share_of_cost": Decimal("50.00"),
                "passing_score": Decimal("65.00"),
                "required_documents": [DocumentKind.BUSINESS_PLAN, DocumentKind.PROJECT_BUDGET,
                                       DocumentKind.FINANCIAL_STATEMENTS]}
    criteria = [{"name_fr": fr, "name_en": en, "weight": weight, "max_score": 10} for fr, en, weight in CRITERIA]
    call = calls.create_call(actor=staff, program=program, data={**defaults, **fields}, criteria=criteria)
    return calls.publish_call(actor=staff, call=call)


def _closed_call(program: Program, staff: User, now: datetime.datetime) -> Call:
    # Open while the demo's applications are submitted, then closed in the past.
    return demo_call(
        program, staff, title_fr="Appel de projets 2026 — volet 1", title_en="2026 call for projects — part 1",
        text_fr="Projets d'innovation en procédés de fabrication aérospatiale, de 12 à 24 mois.",
        text_en="Innovation projects in aerospace manufacturing processes, lasting 12 to 24 months.",
        opens_at=now - datetime.timedelta(days=120), closes_at=now + datetime.timedelta(hours=1),
        max_amount=Decimal("400000.00"))


def _open_call(program: Program, staff: User, now: datetime.datetime) -> Call:
    closes = (timezone.localtime(now) + datetime.timedelta(days=21)).replace(hour=17, minute=0, second=0,
                                                                             microsecond=0)
    return demo_call(
        program, staff, title_fr="Appel de projets 2026 — volet 2 : transition verte",
        title_en="2026 call for projects — part 2: green transition",
        text_fr="Projets qui réduisent l'empreinte environnementale de la production et des opérations "
                "aérospatiales.",
        text_en="Projects that reduce the environmental footprint of aerospace production and operations.",
        opens_at=now - datetime.timedelta(days=10), closes_at=closes, max_amount=Decimal("250000.00"),
        eligible_kinds=list(APPLICANT_KINDS) + [OrganisationKind.RESEARCH_CENTRE])


def _demo_member_ids() -> set[int]:
    """Organisations whose people sign in to the demo (left free for the open call)."""
    return set(User.objects.filter(person__isnull=False).exclude(password__startswith="!")
               .values_list("person__organisation", flat=True))


def _eligible_applicants(call: Call, now: datetime.datetime, exclude: set[int]) -> list[Organisation]:
    today = now.date()
    organisations = (Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE, kind__in=APPLICANT_KINDS,
                                                 people__is_active=True)
                     .exclude(pk__in=exclude).distinct().order_by("pk").prefetch_related("certifications"))
    return [o for o in organisations if not reasons_not_eligible(call, o, today)]


def _ineligible_applicant(call: Call, now: datetime.datetime) -> Organisation | None:
    """A member of a kind the call does not fund (a research centre, a school): screened out."""
    return (Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE, people__is_active=True)
            .exclude(kind__in=APPLICANT_KINDS).order_by("pk").first())


def _speaker(organisation: Organisation) -> User:
    """The organisation's first active person's account, created (without a password) when missing."""
    person = (Person.objects.filter(organisation=organisation, is_active=True).select_related("user")
              .order_by("pk").first())
    if person.user is None:
        person.user = User.objects.create_user(person.email, None, full_name=person.full_name,
                                               language=person.language)
        person.save(update_fields=["user", "updated_at"])
    return person.user


def _amounts(rng: random.Random, ceiling: int) -> dict:
    requested = Decimal(rng.randrange(80, ceiling // 1000 + 1) * 1000)
    share = Decimal(rng.choice([35, 40, 45, 50]))
    cost = (requested * 100 / share).quantize(Decimal("1000"))
    return {"amount_requested": requested, "total_cost": max(cost, requested * 2)}


def _apply(rng: random.Random, call: Call, organisation: Organisation, project: tuple[str, str],
           ceiling: int = 400_000) -> Application:
    title, summary = project
    return applications.start_application(actor=_speaker(organisation), call=call,
                                          data={"title": title, "summary": summary, **_amounts(rng, ceiling)})


def _apply_as_consortium(rng: random.Random, call: Call, lead: Organisation,
                         partners: list[Organisation]) -> Application:
    actor = _speaker(lead)
    application = _apply(rng, call, lead, CONSORTIUM_PROJECT)
    shares = {lead: (Decimal("50.00"), Decimal("45.00"))}
    shares.update(zip(partners, [(Decimal("30.00"), Decimal("35.00")), (Decimal("20.00"), Decimal("20.00"))]))
    members = applications.set_consortium(actor=actor, application=application, shares=shares)
    for member in members:
        if member.organisation_id != lead.pk:
            applications.confirm_share(actor=_speaker(member.organisation), member=member)
    return application


def _evaluator() -> User:
    user = User.objects.filter(email=EVALUATOR_EMAIL).first()
    if user is None:
        user = User.objects.create_user(EVALUATOR_EMAIL, None, role=Role.EVALUATOR,
                                        full_name="Évaluatrice externe — Isabelle Fortin")
    return user


def _evaluate_and_decide(rng: random.Random, call: Call, staff: User, now: datetime.datetime) -> int:
    """Screen, assign two evaluators each, score (each evaluator submits their sheet through the scoring service),
    then decide from the committee's ranking: fund, best first, the applications whose mean meets the passing
    score and whose amount fits in the envelope (at most FUNDED of them); decline the others. Commit and pay part
    of what is funded."""
    for application in Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED).order_by("pk"):
        applications.screen(actor=staff, application=application)
    evaluators = [_evaluator(), staff]
    admin = User.objects.filter(role=Role.STAFF_ADMIN, is_active=True).exclude(pk=staff.pk).order_by("pk").first()
    if admin is not None:
        evaluators.append(admin)
    evaluation.assign_call(actor=staff, call=call, evaluators=evaluators, per_application=2)
    criteria = list(call.criteria.all())
    grid = [figures.Criterion(c.pk, c.weight, c.max_score) for c in criteria]
    for application in Application.objects.filter(call=call, status=ApplicationStatus.UNDER_REVIEW).order_by("pk"):
        quality = rng.uniform(4.5, 9.0)
        for assignment in application.assignments.select_related("evaluator").order_by("pk"):
            values = [Decimal(str(round(min(c.max_score, max(0, rng.gauss(quality, 1.2))), 1))) for c in criteria]
            score = figures.weighted_score(grid, {c.pk: v for c, v in zip(criteria, values)})
            recommendation = Recommendation.FUND if score >= call.passing_score else Recommendation.DO_NOT_FUND
            scoring.submit(actor=assignment.evaluator, assignment=assignment, recommendation=recommendation,
                           sheet={c.pk: scoring.Entry(v, _comment(v, c.max_score)) for c, v in zip(criteria, values)})
    funded = 0
    for row in committee.ranking(call).rows:
        application = row.application
        if funded < FUNDED and row.row.passes and row.row.within_envelope:
            amount = (application.amount_requested * Decimal(rng.choice(["1", "0.9", "0.8"]))).quantize(
                Decimal("1000"))
            decisions.decide(actor=staff, application=application, outcome=Outcome.FUNDED, amount=amount,
                             reason="Projet classé parmi les meilleurs par le comité.")
            commitment = budget.commit_funds(actor=staff, application=application, amount=amount)
            _milestones_paid(staff, commitment, now, paid=funded % 2 + 1)
            if funded == 0:  # the observers read one published summary
                reporting.set_summary_published(actor=staff, application=application, published=True)
            funded += 1
        else:
            decisions.decide(actor=staff, application=application, outcome=Outcome.DECLINED,
                             reason="Note sous le seuil de financement retenu par le comité.")
    return funded


def _milestones_paid(staff: User, commitment, now: datetime.datetime, paid: int) -> None:
    """The commitment's milestones (30 %, 25 %, the rest at the final report); the first `paid` of them reported,
    claimed and approved (each approval records its disbursement); with one paid, the second claimed and awaiting
    the staff's review."""
    shares = [(commitment.amount * share).quantize(CENT) for share in MILESTONE_SHARES]
    rows = [{"id": None, "name": name, "due_on": (now + datetime.timedelta(days=days)).date(), "amount": share}
            for (name, days), share in zip(MILESTONES, [*shares, commitment.amount - sum(shares)])]
    made = milestones.set_milestones(actor=staff, commitment=commitment, rows=rows)
    lead = _speaker(commitment.application.lead)
    for index, (milestone, text) in enumerate(zip(made, REPORTS)):
        report = milestones.submit_report(actor=lead, milestone=milestone, text=text, amount=milestone.amount)
        if index < paid:
            milestones.approve_claim(actor=staff, claim=report.claim,
                                     paid_on=(now - datetime.timedelta(days=20 - 10 * index)).date())


def _comment(value: Decimal, maximum: int) -> str:
    ratio = value / maximum
    if ratio >= Decimal("0.8"):
        return "Très solide ; bien documenté."
    if ratio >= Decimal("0.6"):
        return "Convaincant, quelques précisions attendues."
    return "Insuffisamment démontré dans le dossier."


def _open_applications(rng: random.Random, call: Call, exclude: set[int]) -> None:
    """One submitted application (the demo SME's, when it is there) and one draft."""
    candidates = _eligible_applicants(call, timezone.now(), exclude=exclude)
    demo = [o for o in candidates if o.pk in _demo_member_ids()]
    others = [o for o in candidates if o.pk not in _demo_member_ids()]
    chosen = (demo + others)[:2]
    for organisation, project, submitted in zip(chosen, OPEN_PROJECTS, [True, False]):
        application = _apply(rng, call, organisation, project, ceiling=250_000)
        # The draft has its business plan only: its page shows what is still missing.
        attach_documents(application, _speaker(organisation), None if submitted else 1)
        if submitted:
            applications.submit(actor=_speaker(organisation), application=application)


def attach_documents(application: Application, actor: User, count: int | None = None) -> None:
    """The documents the call requires (the first `count` of them), each a one-page PDF, through the service."""
    for kind in application.call.required_documents[:count]:
        label = str(DocumentKind(kind).label)
        content = demo_pdf(label, application.title)
        documents.upload_document(actor=actor, application=application, kind=kind,
                                  upload=SimpleUploadedFile(f"{label} — {application.lead.display_name}.pdf",
                                                            content, content_type="application/pdf"))


def demo_pdf(*lines: str) -> bytes:
    """A real one-page PDF of a few lines of text (Helvetica, Windows-1252), written directly: a few hundred bytes,
    and no time spent laying out HTML for the demo's documents."""
    def text(line: str) -> str:
        plain = line.encode("cp1252", "replace").decode("latin-1")
        return "(" + plain.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
    stream = "BT /F1 14 Tf 72 720 Td 18 TL " + " ".join(f"{text(line)} Tj T*" for line in lines) + " ET"
    objects = [
        "<</Type/Catalog/Pages 2 0 R>>",
        "<</Type/Pages/Kids[3 0 R]/Count 1>>",
        "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>",
        "<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>",
        f"<</Length {len(stream.encode('latin-1'))}>>stream\n{stream}\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _evaluation_to_do(call: Call, staff: User) -> None:
    """The open call's submitted application, screened as it came in, waits for the demo evaluator's scores."""
    for application in Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED).order_by("pk"):
        applications.screen(actor=staff, application=application)
        application.refresh_from_db()
        if application.status == ApplicationStatus.ELIGIBLE:
            evaluation.assign_evaluator(actor=staff, application=application, evaluator=_evaluator())
