"""Real rows for the sweep: the demo generator's activity around the permission matrix's small cluster.

The matrix's objects (test_permissions.py) give every page its arguments; on their own most lists would be
empty, and an empty page hides the defects of a full one (wide tables, long names, charts). So before the sweep
the demo generator adds a small cluster with its activity: members' needs and surveys with answers, the themes
found in them, a published B2B day whose schedule holds the matrix's own people (the generator registers the
people with an account first), and a published brief. Organisation A, the matrix's "own", is asked to answer
the open surveys (its opportunity and introduction come from the matrix), so its member and admin see rows too.
The demo program adds a closed call (scored, decided, partly paid) and an open one, which every member's list
of open calls shows with its eligibility, organisation A's included; A starts a draft to the open call, and the
programs pages that take an object (program, call, application) are swept with these. A draft call and a funded
project of A (a pilot call of its own, every step through the services; milestones, a claim awaiting review) give
the setup and milestone pages theirs. The demo's governance bodies give the governance pages theirs.
"""

import datetime
from decimal import Decimal

from django.test.utils import override_settings
from django.utils import timezone, translation

DEMO_ORGANISATIONS = 24
DEMO_PEOPLE = 72
DEMO_NEEDS = 160


def seed_demo_activity(ctx) -> None:
    from grappe.events.demo_data import generate_event
    from grappe.listening.demo_data import generate_listening
    from grappe.listening.models import Invitation, Survey, SurveyStatus, ThemeRun
    from grappe.listening.services import briefs
    from grappe.listening.services import themes as theme_services
    from grappe.members import demo_data
    from grappe.members.models import Capability, RequestKind
    from grappe.members.services import colleague_requests
    from grappe.members.services.taxonomy import load_taxonomy
    from grappe.members.taxonomy_file import read_taxonomy
    from grappe.programs.demo_data import generate_programs
    from grappe.programs.services import applications

    if not Capability.objects.filter(parent__isnull=False).exclude(pk=ctx.capability.pk).exists():
        load_taxonomy(read_taxonomy())
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                           GRAPPE_THEME_ENCODER="none"):
        demo_data.generate_cluster(organisations=DEMO_ORGANISATIONS, people=DEMO_PEOPLE, seed=2026)
        generate_listening(seed=2026, needs=DEMO_NEEDS)
        theme_services.execute_run(ThemeRun.objects.create().pk)
        generate_event(seed=2026, time_limit=2)  # a schedule, not the best one: the sweep reads pages
        for survey in Survey.objects.filter(status=SurveyStatus.OPEN):
            Invitation.objects.get_or_create(survey=survey, organisation=ctx.org_a,
                                             defaults={"sent_at": timezone.now()})
        # What A's admin asked of A's user: the user's home and the admin's requests page show real rows.
        survey = Survey.objects.filter(status=SurveyStatus.OPEN).first()
        if survey is not None:
            colleague_requests.ask(actor=ctx.own_admin, organisation=ctx.org_a, colleague=ctx.own_user,
                                   kind=RequestKind.SURVEY, subject_id=survey.pk, note="La section 2 est pour toi.",
                                   due_on=timezone.localdate() + datetime.timedelta(days=14))
        colleague_requests.ask(actor=ctx.own_admin, organisation=ctx.org_a, colleague=ctx.own_user,
                               kind=RequestKind.OTHER, note="Envoyer le certificat d'assurance à jour.")
        today = timezone.localdate()
        brief = briefs.create_brief(actor=ctx.staff, period_start=today - datetime.timedelta(days=365),
                                    period_end=today, language="fr")
        briefs.publish_brief(actor=ctx.staff, brief=brief)
        # A decided, partly paid closed call and an open one; A's draft to the open call. The programs pages
        # that take an object read these (the programs matrix's own objects are not in this cluster).
        demo = generate_programs(seed=2026, leave_out=frozenset({ctx.org_a.pk}))  # A's draft is made below
        if demo is not None:
            ctx.program, ctx.call = demo.program, demo.open_call
            ctx.closed_call = demo.closed_call  # the committee's pages (ranking, summary) read its scores
            ctx.application = applications.start_application(
                actor=ctx.own_user, call=demo.open_call,
                data={"title": "Réduction du bruit des nacelles par revêtements acoustiques",
                      "summary": "Des revêtements absorbants imprimés en 3D pour les nacelles de turboréacteurs.",
                      "amount_requested": Decimal("150000.00"), "total_cost": Decimal("400000.00")})
            # Its business plan is attached: the application's page shows a document and what is still missing.
            from django.core.files.uploadedfile import SimpleUploadedFile

            from grappe.programs.demo_data import demo_pdf
            from grappe.programs.services import documents

            documents.upload_document(actor=ctx.own_user, application=ctx.application, kind="business_plan",
                                      upload=SimpleUploadedFile("Plan d'affaires — Alpha Usinage.pdf",
                                                                demo_pdf("Plan d'affaires", ctx.application.title)))
            _funded_project(ctx, demo)
        _governance(ctx)
        _bulletins(ctx)
        _labour(ctx)
        _greening(ctx)
        _partner_clusters(ctx)


def _funded_project(ctx, demo) -> None:
    """A draft call of the demo program (its setup page), and a funded project of A, with its milestones and a
    claim awaiting review: the milestone pages read them (ctx.draft_call, ctx.funded_application, ctx.milestone).
    The project goes the whole way through the services, as any funded one: a pilot call of the program, A's
    application with its documents, submitted, the call closed, screened, scored by the demo's evaluator,
    decided by the staff, its funds committed."""
    from grappe.members.models import User
    from grappe.programs.demo_data import EVALUATOR_EMAIL, attach_documents, demo_call
    from grappe.programs.models import ApplicationStatus, Outcome, Recommendation
    from grappe.programs.services import applications, budget, calls, decisions, evaluation, milestones, scoring

    now = timezone.now()
    staff = ctx.staff
    ctx.draft_call = calls.create_call(actor=staff, program=demo.program, data={
        "title_fr": "Appel de projets 2027 — en préparation", "title_en": "2027 call for projects — in preparation",
        "opens_at": now + datetime.timedelta(days=60), "closes_at": now + datetime.timedelta(days=120)})
    pilot = demo_call(demo.program, staff, title_fr="Appel de projets 2026 — volet pilote",
                      title_en="2026 call for projects — pilot part",
                      text_fr="Projets pilotes d'usinage de pièces de structure.",
                      text_en="Pilot projects in machining structural parts.",
                      opens_at=now - datetime.timedelta(days=90), closes_at=now + datetime.timedelta(hours=1),
                      max_amount=Decimal("400000.00"))
    application = applications.start_application(actor=ctx.own_user, call=pilot, data={
        "title": "Usinage 5 axes de pièces de train d'atterrissage", "summary": "Une cellule 5 axes qualifiée.",
        "amount_requested": Decimal("120000.00"), "total_cost": Decimal("300000.00")})
    attach_documents(application, ctx.own_user)
    applications.submit(actor=ctx.own_user, application=application)
    calls.close_call(actor=staff, call=pilot)
    application = applications.screen(actor=staff, application=application)
    if application.status == ApplicationStatus.INELIGIBLE:  # the matrix's A may miss a rule of the demo's call
        application = applications.override_eligibility(actor=staff, application=application, eligible=True,
                                                        reason="Admissibilité confirmée par le personnel.")
    evaluator = User.objects.get(email=EVALUATOR_EMAIL)
    assignment = evaluation.assign_evaluator(actor=staff, application=application, evaluator=evaluator)
    scoring.submit(actor=evaluator, assignment=assignment, recommendation=Recommendation.FUND, sheet={
        criterion.pk: scoring.Entry(Decimal(8), "Solide et bien documenté.") for criterion in pilot.criteria.all()})
    decisions.decide(actor=staff, application=application, outcome=Outcome.FUNDED, amount=Decimal("100000.00"),
                     reason="Projet pilote retenu par le comité.")
    ctx.funded_application = application
    commitment = budget.commit_funds(actor=staff, application=application, amount=Decimal("100000.00"))
    ctx.milestone = milestones.set_milestones(actor=staff, commitment=commitment, rows=[
        {"id": None, "name": "Jalon 1 — démarrage", "due_on": now.date(), "amount": Decimal("40000.00")},
        {"id": None, "name": "Jalon 2 — rapport final", "due_on": (now + datetime.timedelta(days=200)).date(),
         "amount": Decimal("60000.00")}])[0]
    milestones.submit_report(actor=ctx.own_user, milestone=ctx.milestone, text="Équipement installé, essais lancés.",
                             amount=Decimal("40000.00"))


def _governance(ctx) -> None:
    """The demo's axes, committees and work stream (governance.demo_data), and on them the attributes the
    governance policies read (grappe/governance/tests/matrix.py): the environment axis and committee (ctx.axis,
    ctx.committee: co-chaired, with members and pending requests); the committee's upcoming meeting (ctx.meeting,
    whose agenda may still change), its first item with a document (ctx.item, ctx.document) and an action item
    of its past meetings (ctx.action); its older meeting's approved minutes (ctx.approved_meeting,
    ctx.approved_minutes), with a correction in draft (ctx.draft_minutes), and its latest meeting's circulated ones
    (ctx.circulated_minutes). A's user sits on the open work stream (the list's "My committees"), A's admin is
    invited to the committee (the list's "accept"). The demo's votes: the committee's open resolution
    (ctx.resolution) and the membership's closed and counted one (ctx.closed)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grappe.governance.demo_data import CLOSED_TITLE, OPEN_TITLE, generate_governance
    from grappe.governance.models import ActionItem, MeetingStatus, Minutes, MinutesStatus, Resolution
    from grappe.governance.services import agenda, membership
    from grappe.governance.services import minutes as minutes_services
    from grappe.programs.demo_data import demo_pdf

    made = generate_governance(seed=2026)["bodies"]
    ctx.axis, ctx.committee = made["environment_axis"], made["environment_committee"]
    membership.join(actor=ctx.own_user, body=made["decarbonisation"])
    membership.invite(actor=ctx.staff, body=ctx.committee, user=ctx.own_admin)
    ctx.resolution, ctx.closed = (Resolution.objects.get(title_fr=title) for title in (OPEN_TITLE, CLOSED_TITLE))
    ctx.meeting = ctx.committee.meetings.get(status=MeetingStatus.SCHEDULED)
    ctx.item = ctx.meeting.items.order_by("position").first()
    ctx.document = agenda.add_document(actor=ctx.staff, item=ctx.item, upload=SimpleUploadedFile(
        "Feuille de route.pdf", demo_pdf("Feuille de route", ctx.committee.name)))
    ctx.action = ActionItem.objects.filter(meeting__body=ctx.committee).order_by("pk").first()
    minutes = Minutes.objects.filter(meeting__body=ctx.committee).select_related("meeting")
    ctx.approved_minutes = minutes.get(status=MinutesStatus.APPROVED)
    ctx.circulated_minutes = minutes.get(status=MinutesStatus.CIRCULATED)
    ctx.approved_meeting = ctx.approved_minutes.meeting
    ctx.draft_minutes = minutes_services.generate(actor=ctx.staff, meeting=ctx.approved_meeting)


def _bulletins(ctx) -> None:
    """A year of the demo's bulletins (bulletins.demo_data: every category, targeted and sent, with deliveries,
    opens and clicks; a scheduled one and drafts), then the bulletins matrix's own objects
    (grappe/bulletins/tests/matrix.py): a public bulletin sent to A and B (ctx.public_bulletin), one sent to A only
    (ctx.bulletin_to_a), a draft (ctx.draft), and for the writing, sending, unsubscribing and statistics pages a
    scheduled one, a delivery of A's user and its signed links, an image and a bounced address."""
    from django.core.files.base import ContentFile

    from grappe.bulletins import links
    from grappe.bulletins.demo_data import generate_bulletins
    from grappe.bulletins.models import (
        BulletinImage,
        BulletinStatus,
        Category,
        Channel,
        Delivery,
        MailPreference,
    )
    from grappe.bulletins.tests.factories import make_bulletin
    from grappe.core.models import BouncedAddress

    generate_bulletins(seed=2026)
    ctx.public_bulletin = make_bulletin(title="Salon du Bourget", category=Category.EVENTS,
                                        status=BulletinStatus.SENT, is_public=True, audience=[ctx.org_a, ctx.org_b])
    ctx.bulletin_to_a = make_bulletin(title="Tarifs douaniers : ce qui vous concerne", category=Category.ECONOMIC,
                                      status=BulletinStatus.SENT, audience=[ctx.org_a])
    ctx.draft = make_bulletin(title="Brouillon", created_by=ctx.staff)
    ctx.bulletin = ctx.draft
    ctx.scheduled_bulletin = make_bulletin(title="Gala de la grappe", category=Category.EVENTS,
                                           status=BulletinStatus.SCHEDULED, created_by=ctx.staff)
    ctx.scheduled = ctx.scheduled_bulletin
    # The staff page of a bulletin ready to send (grappe/bulletins/tests/matrix.py, sending_matrix).
    ctx.sendable = make_bulletin(title="Convocation à l’assemblée", category=Category.NOTICE, created_by=ctx.staff)
    from grappe.bulletins.models import SendJob

    SendJob.objects.create(bulletin=ctx.public_bulletin, owner=ctx.staff, status="done", total=2, processed=2)
    ctx.sent_bulletin = ctx.bulletin_to_a
    person = ctx.own_user.person
    ctx.delivery = Delivery.objects.create(bulletin=ctx.bulletin_to_a, person=person, channel=Channel.IMMEDIATE,
                                           mailed_at=timezone.now())
    MailPreference.objects.get_or_create(person=person)
    ctx.unsubscribe_token = links.sign(links.UNSUBSCRIBE, [person.pk, Category.ECONOMIC.value])
    ctx.preferences_token = links.sign(links.PREFERENCES, person.pk)
    ctx.open_token = links.sign(links.OPENED, ctx.delivery.pk)
    ctx.click_token = links.sign(links.CLICKED, [ctx.delivery.pk, "https://www.tc.canada.ca/"])
    image = BulletinImage(extension="png", content_type="image/png", width=1, height=1, uploaded_by=ctx.staff)
    image.file.save("pixel.png", ContentFile(_PIXEL), save=False)
    image.save()
    ctx.image = image
    ctx.bounce = BouncedAddress.objects.create(email="refused@bravo.test", reason="550 5.1.1 mailbox unknown")


def _labour(ctx) -> None:
    """The demo's availabilities, needs and loans (labour.demo_data), then the labour matrices' own objects
    (grappe/labour/tests/matrix.py and loans_matrix.py): A's open availability and own need, B's need matching
    A's availability (ctx.availability, ctx.own_need, ctx.need); B's administrator (ctx.lender_admin) lending
    B's availability (ctx.loan_availability) to A, one loan awaiting both acceptances (ctx.requested) and one
    agreed, with its employee named (ctx.agreed)."""
    from grappe.conftest import make_member
    from grappe.labour.demo_data import generate_labour
    from grappe.labour.models import LoanEmployee, LoanStatus
    from grappe.labour.tests import loan_factories
    from grappe.labour.tests.factories import make_availability, make_need
    from grappe.members.models import OrgRole

    generate_labour(seed=2026)
    ctx.availability = make_availability(ctx.org_a, ctx.own_admin, [ctx.capability])
    ctx.need = make_need(ctx.org_b, ctx.other_member, [ctx.capability], title="Besoin de machinistes")
    ctx.own_need = make_need(ctx.org_a, ctx.own_admin, [ctx.domain], title="Besoin de soudeurs")
    ctx.lender_admin = make_member(ctx.org_b, "admin@bravo.test", OrgRole.ADMIN)
    ctx.loan_availability = loan_factories.make_availability(
        ctx.org_b, people=4, start=datetime.date(2025, 1, 1), end=datetime.date(2030, 12, 31),
        created_by=ctx.lender_admin)
    ctx.requested = loan_factories.make_loan(ctx.loan_availability, ctx.org_a, people=1, requested_by=ctx.own_admin,
                                             start=datetime.date(2029, 1, 1), end=datetime.date(2029, 6, 30))
    now = timezone.now()
    ctx.agreed = loan_factories.make_loan(
        ctx.loan_availability, ctx.org_a, people=2, status=LoanStatus.AGREED, requested_by=ctx.own_admin,
        start=datetime.date(2025, 2, 1), end=datetime.date(2028, 12, 31), lender_accepted_at=now,
        lender_accepted_by=ctx.lender_admin, borrower_accepted_at=now, borrower_accepted_by=ctx.own_admin)
    LoanEmployee.objects.create(loan=ctx.agreed, name="Julie Tremblay", role="Machiniste CNC",
                                work_email="julie@bravo.test", work_phone="450 555-0101")


def _greening(ctx) -> None:
    """The demo's factor set, three years of baselines for a third of the members with their commitments and two
    shared initiatives (greening.demo_data), then the greening matrices' own objects
    (grappe/greening/tests/matrix.py and progress_matrix.py): A's reported 2022 baseline (ctx.baseline) and
    commitment (ctx.commitment) on the current factor set (ctx.factor_set); B's initiatives, published
    (ctx.initiative), joined by A (ctx.joined_initiative) and private (ctx.private_initiative); a reported 2025
    baseline of A and B."""
    from grappe.greening.demo_data import generate_greening, generate_initiatives
    from grappe.greening.models import (
        Baseline,
        BaselineStatus,
        Commitment,
        CommitmentKind,
        InitiativeParticipant,
        InitiativeTheme,
    )
    from grappe.greening.services import factors
    from grappe.greening.services.baselines import LineInput, save_baseline
    from grappe.greening.services.initiatives import start_initiative
    from grappe.greening.tests.factories import baseline
    from grappe.partnering.models import Visibility

    generate_greening(seed=2026)
    generate_initiatives(seed=2026)
    ctx.factor_set, _created = factors.load_file()
    Baseline.objects.filter(organisation=ctx.org_a, year=2022).delete()  # the demo's, if A was among its third
    ctx.baseline = save_baseline(ctx.own_admin, ctx.org_a, year=2022, employees=20, lines=[
        LineInput("natural_gas", Decimal(40_000), "m3"), LineInput("electricity", Decimal(300_000), "kWh", "QC")])
    Baseline.objects.filter(pk=ctx.baseline.pk).update(status=BaselineStatus.SUBMITTED)
    Commitment.objects.filter(organisation=ctx.org_a).delete()
    ctx.commitment = Commitment.objects.create(organisation=ctx.org_a, kind=CommitmentKind.REDUCTION, base_year=2022,
                                               target_year=2030, reduction_percent=Decimal(30))
    ctx.admin_b = ctx.lender_admin

    def started(title, visibility=Visibility.MEMBERS):
        return start_initiative(actor=ctx.admin_b, organisation=ctx.org_b, title=title,
                                description="Achat groupé de panneaux solaires en Montérégie.",
                                theme=InitiativeTheme.ENERGY, visibility=visibility)

    ctx.initiative = started("Achat solaire groupé")
    ctx.joined_initiative = started("Filière de recyclage")
    InitiativeParticipant.objects.create(initiative=ctx.joined_initiative, organisation=ctx.org_a)
    ctx.private_initiative = started("Projet discret", Visibility.PRIVATE)
    for organisation, scope1, scope2, employees in ((ctx.org_a, 1000, 500, 10), (ctx.org_b, 2000, 100, 20)):
        if not Baseline.objects.filter(organisation=organisation, year=2025).exists():
            baseline(organisation, 2025, scope1, scope2, employees=employees)


_PIXEL = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                       "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


def _partner_clusters(ctx) -> None:
    """The staff's partner clusters (grappe/federation/tests/partner_factories.py): an active partner with two
    deliveries given up and the items it shared (ctx.partner, _partner_items), a suspended one (ctx.suspended), and three
    more so that the list has rows of every status."""
    from grappe.federation import keys
    from grappe.federation.models import PartnerStatus
    from grappe.federation.tests.partner_factories import give_up, make_partner

    keys.instance_key()
    ctx.partner = make_partner(ctx.staff, kinds=["opportunity", "availability", "event"])
    give_up(ctx.partner)
    give_up(ctx.partner, "Update", "HTTPSConnectionPool(host='logistique.example.org', port=443): Max retries "
                                   "exceeded with url: /federation/inbox (Caused by NewConnectionError)")
    ctx.suspended = make_partner(ctx.staff, "Grappe IA", "https://ia.example.org", status=PartnerStatus.SUSPENDED)
    make_partner(ctx.staff, "Grappe des technologies propres du Québec", "https://technologies-propres.example.org",
                 status=PartnerStatus.WAITING, kinds=["opportunity", "need", "availability", "event", "profile"])
    make_partner(ctx.staff, "Grappe santé", "https://sante.example.org", status=PartnerStatus.REVOKED)
    _partner_items(ctx)


def _partner_items(ctx) -> None:
    """What the logistics cluster (ctx.partner) shared with us, one item or more of each kind with the fields its
    instance sends (items.to_object: codes with both languages' labels, a long title, a text of a few
    paragraphs), one of the suspended cluster's (hidden); A's availability and profile shared with partners,
    the partners' members' interests in them in every status (ctx.waiting for the staff, ctx.asked for A's
    administrator's consent, one introduced, one declined), and A's interests in the partner's items in every
    status (the member's "Our interests"). The item pages read ctx.remote_item (an opportunity), ctx.remote_need
    (titled in both languages), ctx.remote_availability, ctx.remote_event and ctx.remote_profile."""
    from grappe.events.models import Phase
    from grappe.federation import items
    from grappe.federation.models import Interest, InterestStatus, ItemKind, SharedItem
    from grappe.labour.models import Clearance, WorkMode
    from grappe.members.models import OrganisationKind, Region, SizeBand
    from grappe.partnering.models import NeedKind, OpportunityKind

    now = timezone.now()
    base = ctx.partner.actor_url.removesuffix("/federation/actor")
    organisations = ("Transports Boréal inc.", "Entrepôts frigorifiques de Laval", "Groupe logistique Saint-Laurent",
                     "Cargo Mirabel", "Camionnage Rive-Sud ltée")
    capability = {"code": "logistics.cold-chain", "label_fr": "Chaîne du froid et entreposage à température dirigée",
                  "label_en": "Cold chain and temperature-controlled warehousing"}
    certification = {"code": "iso-9001", "label_fr": "ISO 9001", "label_en": "ISO 9001"}
    paragraphs = ("Nous cherchons un partenaire capable de recevoir, d'entreposer et d'expédier des pièces "
                  "aéronautiques sensibles à la température entre Mirabel et le port de Montréal.\n\n"
                  "Le projet commence au printemps ; les volumes prévus sont de quarante palettes par semaine, avec "
                  "des pointes en fin de trimestre. [retiré]")

    def received(kind, title, organisation, days_ago, fields, obj_type="Page", content=paragraphs):
        n = ctx.partner.items.count()
        published = now - datetime.timedelta(days=days_ago)
        data = {"id": f"{base}/federation/items/{kind}/{n + 100}", "type": obj_type, "grappe:kind": str(kind),
                "name": title, "summary": items._summary(content), "content": content,
                "published": published.isoformat(), "updated": published.isoformat(), "attributedTo": organisation,
                **fields}
        from grappe.federation.models import RemoteItem

        return RemoteItem.objects.create(
            partner=ctx.partner, object_url=data["id"], kind=kind, title=title, summary=data["summary"],
            organisation_name=organisation, data=data, published_at=published, updated_at=published)

    region = items._choice(Region, "13")
    opportunities = [received(ItemKind.OPPORTUNITY, title, organisations[i % 5], i + 1, {
        "grappe:opportunityKind": items._choice(OpportunityKind, kind), "grappe:region": region,
        "grappe:deadline": (now + datetime.timedelta(days=45 + i)).date().isoformat(),
        "grappe:capabilities": [{**capability, "mustHave": True},
                                {"code": "logistics.customs", "label_fr": "Courtage en douane",
                                 "label_en": "Customs brokerage", "mustHave": False}],
        "grappe:certifications": [certification]}, content=text) for i, (title, kind, text) in enumerate((
            ("Entreposage frigorifique partagé de pièces composites entre Mirabel et le port de Montréal",
             OpportunityKind.PROJECT, paragraphs),
            ("Appel d'offres : transport de moteurs d'avion vers Halifax", OpportunityKind.TENDER,
             "Six moteurs par an, sur remorques à suspension pneumatique, avec escorte et assurance tous risques. "
             "Dépôt des soumissions avant la date limite."),
            ("Mutualisation des livraisons du dernier kilomètre sur la Rive-Nord", OpportunityKind.POOLING,
             "Trois transporteurs mettent en commun leurs tournées de Terrebonne à Saint-Jérôme ; une place reste "
             "libre pour un fabricant qui expédie de petits colis chaque jour."),
            ("Client recherché pour un nouveau quai de transbordement", OpportunityKind.CUSTOMER_REQUEST,
             "Un quai de huit portes ouvre à Mirabel en avril, à dix minutes de l'aéroport.")))]
    ctx.remote_item = opportunities[0]
    for i, (need_kind, subject) in enumerate(((NeedKind.COMPETENCY, capability),
                                              (NeedKind.EQUIPMENT, None))):
        names = {}
        for language in ("fr", "en"):
            with translation.override(language):
                label = str(NeedKind(need_kind).label)
            names[language] = f"{label} — {subject[f'label_{language}']}" if subject else label
        fields = {"nameMap": names, "grappe:needKind": items._choice(NeedKind, need_kind)}
        if subject:
            fields["grappe:capabilities"] = [subject]
        need = received(ItemKind.DECLARED_NEED, names["fr"], organisations[i + 2], i + 2, fields,
                 content=("Nous voulons former deux équipes à la manutention de pièces à température dirigée.",
                          "Un chariot élévateur tout-terrain pour la cour, à louer ou à partager.")[i])
        if i == 0:
            ctx.remote_need = need
    availability = received(ItemKind.AVAILABILITY, "Deux répartiteurs de transport disponibles cet hiver",
                            organisations[4], 3, {
        "grappe:skills": [capability, {"code": "logistics.dispatch", "label_fr": "Répartition de transport",
                                       "label_en": "Transport dispatching"}],
        "grappe:people": 2, "grappe:region": region, "grappe:mode": items._choice(WorkMode, WorkMode.HYBRID),
        "grappe:period": {"start": (now + datetime.timedelta(days=20)).date().isoformat(),
                          "end": (now + datetime.timedelta(days=140)).date().isoformat()},
        "grappe:rate": {"amount": "58.50", "currency": "CAD", "per": "hour", "atCost": True},
        "grappe:clearance": items._choice(Clearance, Clearance.RELIABILITY), "grappe:controlledGoods": True},
                            content="Deux répartiteurs d'expérience, habitués aux expéditions sous douane et aux "
                                    "marchandises contrôlées, libres entre deux contrats.")
    day = (now + datetime.timedelta(days=60)).date()
    ctx.remote_availability = availability
    ctx.remote_event = received(ItemKind.EVENT, "Forum logistique 2027 : chaînes d'approvisionnement résilientes", "Grappe logistique",
             4, {"url": f"{base}/fr/evenements/12/", "startTime": f"{day.isoformat()}T08:30:00-05:00",
                 "endTime": f"{day.isoformat()}T17:00:00-05:00",
                 "grappe:sessions": [{"date": day.isoformat(), "starts": "08:30", "ends": "17:00"}],
                 "location": {"type": "Place", "name": "Palais des congrès de Montréal, salle 517"},
                 "grappe:registrationCloses": (day - datetime.timedelta(days=7)).isoformat(),
                 "grappe:phase": items._choice(Phase, Phase.REGISTRATION)}, obj_type="Event",
                     content="Une journée de conférences et de rencontres B2B sur la résilience des chaînes "
                             "d'approvisionnement, ouverte aux membres des grappes partenaires.")
    ctx.remote_profile = received(ItemKind.PROFILE, organisations[1], organisations[1], 5, {
        "url": f"{base}/fr/repertoire/entrepots-frigorifiques-de-laval/",
        "grappe:organisationKind": items._choice(OrganisationKind, OrganisationKind.SME),
        "grappe:sizeBand": items._choice(SizeBand, SizeBand.MEDIUM), "grappe:region": region,
        "grappe:capabilities": [{**capability, "level": 3}], "grappe:certifications": [certification]},
        content="Entrepôt frigorifique de 12 000 palettes à Laval, de -25 °C à +4 °C, certifié ISO 9001, avec quai "
                "réfrigéré et suivi des températures en continu.")
    from grappe.federation.tests.partner_factories import remote_item

    remote_item(ctx.suspended, "Caché : partenariat suspendu")

    # A's items shared with partners, and the partners' members' interests in them.
    shared_availability = SharedItem.objects.create(kind=ItemKind.AVAILABILITY, object_id=ctx.availability.pk,
                                                    organisation=ctx.org_a, shared_by=ctx.own_admin)
    shared_profile = SharedItem.objects.create(kind=ItemKind.PROFILE, object_id=ctx.org_a.pk,
                                               organisation=ctx.org_a, shared_by=ctx.own_admin)

    def interest_received(shared, status, organisation, name, email, message, **fields):
        n = Interest.objects.count()
        return Interest.objects.create(
            activity_id=f"{base}/federation/activities/offer-{n}", partner=ctx.partner, shared_item=shared,
            status=status, remote_organisation=organisation, message=message,
            remote_contact={"name": name, "email": email} if email else {}, **fields)

    ctx.waiting = interest_received(shared_availability, InterestStatus.RECEIVED, organisations[0], "Luc Gagnon",
                                    "luc.gagnon@transports-boreal.example", "Nous avons besoin de deux machinistes "
                                    "pour un contrat de maintenance de remorques frigorifiques, de mars à juin.")
    ctx.asked = interest_received(shared_availability, InterestStatus.ASKED, organisations[3], "Sophie Bélanger",
                                  "sophie.belanger@cargo-mirabel.example", "Intéressés pour un projet d'outillage.",
                                  decided_by=ctx.staff, decided_at=now)
    interest_received(shared_profile, InterestStatus.INTRODUCED, organisations[2], "", "",
                      "Vos capacités d'usinage nous intéressent pour des pièces de convoyeurs.",
                      decided_by=ctx.staff, decided_at=now,
                      answer={"contact": {"name": "Alex Martin", "email": "alex.martin@alpha.test"}})
    interest_received(shared_profile, InterestStatus.DECLINED, organisations[4], "Marc Roy", "marc@rive-sud.example",
                      "Pouvez-vous nous rappeler ?", decided_by=ctx.staff, decided_at=now,
                      answer={"message": "Notre carnet de commandes est plein jusqu'à l'automne."})

    # A's interests in the partner's items, in every status.
    for item, status, answer in (
            (opportunities[1], InterestStatus.SENT, {}),
            (availability, InterestStatus.INTRODUCED, {
                "contact": {"name": "Julie Lévesque", "email": "julie.levesque@rive-sud.example"},
                "message": "Julie vous écrira cette semaine.", "message_fr": "Julie vous écrira cette semaine.",
                "message_en": "Julie will write to you this week."}),
            (opportunities[2], InterestStatus.DECLINED, {"message": "Le projet est déjà pourvu."})):
        Interest.objects.create(activity_id=f"https://grappe.test/federation/activities/interest-{item.pk}",
                                partner=ctx.partner, remote_item=item, organisation=ctx.org_a, person=ctx.own_user,
                                status=status, message="Nous avons un entrepôt à Mirabel.", answer=answer,
                                decided_at=now if answer else None)
