"""The demo's information circulation: a year of bulletins of every category for an aerospace cluster in Quebec,
in French and English (a few in French only), each targeted by the members' own data and sent as sending does —
its audience frozen (Audience), one delivery per person it reached (consent and unsubscriptions respected),
mailed at once or kept for a digest by each person's preference — with a few opens and clicks; a scheduled
bulletin and two drafts; the public ones on the news page and in the Atom and RSS feeds.

Bulletins about calls link to the demo program's calls, those about events to the demo event, committee news to
the demo's governance bodies (and one to its open vote). Deterministic for a seed; does nothing when bulletins
exist. Written straight to the tables (the sending service is tested on its own): mail is never queued.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from grappe.events.models import Event, Phase
from grappe.governance.models import Body, Resolution
from grappe.members.models import (
    STAFF_ROLES,
    Capability,
    CertificationType,
    MembershipStatus,
    OrganisationKind,
    Person,
    Region,
    User,
)
from grappe.programs.models import Call, CallStatus

from . import targeting
from .models import (
    Audience,
    Bulletin,
    BulletinStatus,
    Category,
    Channel,
    Delivery,
    Frequency,
    MailPreference,
    Topic,
    Unsubscription,
)

STAFF_EMAIL = "staff@grappe.demo"
LINK_FIELDS = {"open_call": "call", "closed_call": "call", "event": "event", "vote": "resolution"}


@dataclass
class DemoBulletins:
    sent: int
    public: int
    deliveries: int
    scheduled: int
    drafts: int


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _ul(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


# (days ago, category, public, target, link, title_fr, title_en, summary_fr, summary_en, body_fr, body_en)
# target: {"kinds": [...], "regions": [...], "certifications": [codes], "capabilities": [codes], "bodies": [names]}
# link: "open_call", "closed_call", "event", "vote" or None. An empty English title: French only.
BULLETINS = [
    (350, Category.REGULATORY, True, {"kinds": ["mro"]}, None,
     "Transports Canada modifie les exigences des organismes de maintenance agréés",
     "Transport Canada amends the requirements for approved maintenance organizations",
     "Nouvelles exigences du RAC 573 sur les systèmes de gestion de la sécurité, en vigueur dans 12 mois.",
     "New CAR 573 requirements on safety management systems, in force in 12 months.",
     _p("Transports Canada a publié dans la <em>Gazette du Canada</em>, Partie II, les modifications au "
        "Règlement de l’aviation canadien visant les organismes de maintenance agréés (OMA).",
        "Ce qui change pour vous :")
     + _ul("un système de gestion de la sécurité (SGS) documenté pour tous les OMA ;",
           "des audits internes annuels consignés ;",
           "une période de transition de 12 mois.")
     + _p("La grappe tiendra une séance d’information à l’intention des membres MRO."),
     _p("Transport Canada has published in the <em>Canada Gazette</em>, Part II, amendments to the Canadian "
        "Aviation Regulations for approved maintenance organizations (AMOs).", "What changes for you:")
     + _ul("a documented safety management system (SMS) for every AMO;", "yearly recorded internal audits;",
           "a 12-month transition period.")
     + _p("The cluster will hold an information session for MRO members.")),
    (330, Category.ECONOMIC, False, {"kinds": ["prime", "tier1", "tier2", "tier3", "sme"]}, None,
     "Droits de douane américains : ce que les fournisseurs doivent savoir",
     "US tariffs: what suppliers need to know",
     "Les pièces aérospatiales restent exemptées sous l’ACEUM, mais l’acier et l’aluminium sont visés.",
     "Aerospace parts remain exempt under CUSMA, but steel and aluminium are targeted.",
     _p("Les nouveaux droits de douane américains de 25 % sur l’acier et l’aluminium touchent les matières "
        "premières de plusieurs ateliers d’usinage et de tôlerie.",
        "Les pièces certifiées d’aéronefs conservent leur exemption au titre de l’ACEUM ; vérifiez la "
        "classification tarifaire de vos exportations avec votre courtier."),
     _p("The new 25% US tariffs on steel and aluminium hit the raw materials of many machining and sheet-metal "
        "shops.", "Certified aircraft parts keep their CUSMA exemption; check the tariff classification of your "
        "exports with your broker.")),
    (315, Category.REGULATORY, False, {"certifications": ["cgp", "itar"]}, None,
     "Programme des marchandises contrôlées : renouvellement des inscriptions",
     "Controlled Goods Program: renewing your registration",
     "Les inscriptions au PMC doivent être renouvelées tous les cinq ans ; le délai de traitement s’allonge.",
     "CGP registrations must be renewed every five years; processing times are getting longer.",
     _p("Services publics et Approvisionnement Canada rappelle que l’inscription au Programme des marchandises "
        "contrôlées (PMC) expire après cinq ans.", "Présentez votre demande de renouvellement au moins "
        "quatre mois avant l’échéance et tenez à jour la liste de vos responsables désignés."),
     _p("Public Services and Procurement Canada reminds registrants that a Controlled Goods Program (CGP) "
        "registration expires after five years.", "Apply for renewal at least four months before it expires and "
        "keep the list of your designated officials up to date.")),
    (300, Category.POLITICAL, True, {}, None,
     "Stratégie québécoise de l’aérospatiale : les priorités de la grappe",
     "Quebec aerospace strategy: the cluster’s priorities",
     "Notre mémoire au ministère de l’Économie propose trois priorités pour la prochaine stratégie.",
     "Our brief to the Ministry of the Economy proposes three priorities for the next strategy.",
     _p("La grappe a déposé son mémoire dans le cadre des consultations sur la prochaine Stratégie québécoise "
        "de l’aérospatiale.")
     + _ul("la décarbonation de la chaîne d’approvisionnement ;", "la relève et la formation de la main-d’œuvre ;",
           "l’accès des PME aux programmes des grands donneurs d’ordres."),
     _p("The cluster filed its brief in the consultations on the next Quebec aerospace strategy.")
     + _ul("decarbonising the supply chain;", "training and attracting the workforce;",
           "access for SMEs to the programs of the large primes.")),
    (285, Category.EVENTS, True, {}, "event",
     "Journée B2B aérospatiale : les inscriptions sont ouvertes",
     "Aerospace B2B day: registration is open",
     "Rencontres préplanifiées avec les donneurs d’ordres et les fournisseurs de la grappe.",
     "Pre-scheduled meetings with the cluster’s primes and suppliers.",
     _p("Inscrivez-vous et demandez vos rencontres : le planificateur place les rendez-vous de 25 minutes "
        "selon les demandes de chacun."),
     _p("Register and request your meetings: the scheduler places the 25-minute meetings from everyone’s "
        "requests.")),
    (270, Category.ECONOMIC, False, {}, None,
     "Taux de change : le dollar canadien sous 0,72 $ US", "",
     "Un huard faible favorise les exportateurs mais renchérit les intrants achetés en dollars américains.", "",
     _p("Le dollar canadien s’échange sous 0,72 $ US. Les exportateurs facturant en dollars américains en "
        "profitent ; les ateliers qui achètent leurs matières et leurs machines aux États-Unis voient leurs "
        "coûts augmenter.", "Pensez aux contrats de change à terme pour vos commandes de l’année."), ""),
    (255, Category.CALLS, True, {}, "closed_call",
     "Appel à projets : virage vert de la chaîne d’approvisionnement",
     "Call for projects: greening the supply chain",
     "Jusqu’à 50 % des coûts admissibles pour les projets de décarbonation des PME membres.",
     "Up to 50% of eligible costs for decarbonisation projects of member SMEs.",
     _p("Le programme finance les projets de réduction des émissions des ateliers : électrification des "
        "procédés, récupération de chaleur, réduction des rebuts.", "Déposez votre demande en ligne."),
     _p("The program funds projects that cut the shops’ emissions: electrifying processes, heat recovery, "
        "less scrap.", "Apply online.")),
    (240, Category.COMMITTEES, False, {"bodies": ["Comité environnement"]}, None,
     "Comité environnement : bilan carbone des ateliers", "Environment committee: the shops’ carbon footprint",
     "Le comité a adopté une méthode commune de mesure des émissions de portée 1 et 2.",
     "The committee adopted a common method to measure scope 1 and 2 emissions.",
     _p("Le comité environnement propose aux membres un gabarit de bilan carbone et un accompagnement par le "
        "chantier décarbonation."),
     _p("The environment committee offers members a carbon-footprint template and support from the "
        "decarbonisation work stream.")),
    (225, Category.REGULATORY, False, {"certifications": ["as9100"]}, None,
     "AS9100 : la révision D reste en vigueur jusqu’à la publication de la révision E",
     "AS9100: revision D stays in force until revision E is published",
     "L’IAQG confirme le calendrier de transition ; aucune action immédiate n’est requise.",
     "The IAQG confirms the transition schedule; no immediate action is needed.",
     _p("L’International Aerospace Quality Group a confirmé que les certificats AS9100D restent valides. "
        "La transition vers la révision E s’étalera sur trois ans après sa publication."),
     _p("The International Aerospace Quality Group confirmed that AS9100D certificates remain valid. The move "
        "to revision E will be spread over three years after its publication.")),
    (210, Category.NOTICE, False, {}, None,
     "Avis de convocation : assemblée générale annuelle", "Notice of the annual general meeting",
     "L’assemblée générale annuelle des membres aura lieu le 15 juin à Montréal.",
     "The members’ annual general meeting will be held on June 15 in Montreal.",
     _p("Conformément aux règlements généraux, les membres sont convoqués à l’assemblée générale annuelle. "
        "Ordre du jour : états financiers, élection des administrateurs, cotisations."),
     _p("Under the by-laws, members are called to the annual general meeting. Agenda: financial statements, "
        "election of directors, membership fees.")),
    (195, Category.ECONOMIC, True, {"kinds": ["mro"]}, None,
     "Tendances MRO : la demande de maintenance dépasse les niveaux d’avant 2020",
     "MRO trends: maintenance demand exceeds pre-2020 levels",
     "Le vieillissement des flottes et la pénurie de moteurs neufs soutiennent la demande.",
     "Ageing fleets and the shortage of new engines support demand.",
     _p("Les heures de vol mondiales ont dépassé leur niveau de 2019. Les retards de livraison d’avions neufs "
        "prolongent la vie des flottes et soutiennent la demande de maintenance lourde et de moteurs."),
     _p("Global flight hours are above their 2019 level. Delays in new aircraft deliveries extend fleet lives "
        "and support the demand for heavy maintenance and engine shop visits.")),
    (180, Category.POLITICAL, False, {"regions": [Region.MONTREAL.value]}, None,
     "Budget fédéral : ce qui touche l’aérospatiale", "Federal budget: what affects aerospace",
     "Crédit d’impôt à l’investissement pour les technologies propres et fonds pour la défense.",
     "Clean technology investment tax credit and defence funding.",
     _p("Le budget fédéral prolonge le crédit d’impôt à l’investissement dans les technologies propres et "
        "annonce de nouveaux investissements en défense, avec des retombées industrielles et technologiques "
        "pour les fournisseurs canadiens."),
     _p("The federal budget extends the clean technology investment tax credit and announces new defence "
        "spending, with industrial and technological benefits for Canadian suppliers.")),
    (165, Category.EVENTS, False, {}, None,
     "Webinaire : cybersécurité et CMMC pour les fournisseurs de la défense", "",
     "Une heure pour comprendre les exigences CMMC 2.0 des contrats américains.", "",
     _p("Les donneurs d’ordres américains exigent désormais la certification CMMC de leurs fournisseurs. "
        "Un expert présentera les niveaux et les étapes de préparation."), ""),
    (150, Category.COMMITTEES, False, {"bodies": ["Main-d’œuvre"]}, None,
     "Axe main-d’œuvre : programme de stages en usinage", "Workforce axis: machining internship program",
     "Vingt stages rémunérés en partenariat avec les centres de formation professionnelle.",
     "Twenty paid internships with the vocational training centres.",
     _p("L’axe main-d’œuvre lance, avec les centres de formation professionnelle, un programme de stages en "
        "techniques d’usinage. Les entreprises intéressées peuvent accueillir un ou deux stagiaires."),
     _p("The workforce axis launches, with the vocational training centres, an internship program in "
        "machining. Interested companies may host one or two interns.")),
    (135, Category.REGULATORY, True, {}, None,
     "Exportations : nouvelles règles de licences pour les biens à double usage",
     "Exports: new licensing rules for dual-use goods",
     "Affaires mondiales Canada met à jour la Liste des marchandises et technologies d’exportation contrôlée.",
     "Global Affairs Canada updates the Export Control List.",
     _p("La mise à jour de la Liste des marchandises et technologies d’exportation contrôlée ajoute certains "
        "composants de fabrication additive. Vérifiez vos classifications avant vos prochaines expéditions."),
     _p("The update of the Export Control List adds some additive manufacturing components. Check your "
        "classifications before your next shipments.")),
    (120, Category.ECONOMIC, False, {"kinds": ["sme", "tier2", "tier3"]}, None,
     "Pénurie de main-d’œuvre : résultats de notre sondage", "Labour shortage: our survey’s results",
     "Six membres sur dix retardent des commandes faute de machinistes qualifiés.",
     "Six members in ten delay orders for want of qualified machinists.",
     _p("Notre sondage éclair montre que la pénurie de machinistes et d’inspecteurs retarde des commandes "
        "dans 60 % des ateliers répondants."),
     _p("Our pulse survey shows that the shortage of machinists and inspectors delays orders in 60% of the "
        "responding shops.")),
    (100, Category.CALLS, True, {}, "open_call",
     "Deuxième appel du programme Virage vert", "Second call of the Green shift program",
     "Un nouvel appel est ouvert : projets collaboratifs de réduction des émissions.",
     "A new call is open: collaborative emission reduction projects.",
     _p("Le deuxième appel finance les projets collaboratifs entre au moins deux membres. Consultez les "
        "critères d’admissibilité et déposez votre demande avant la date limite."),
     _p("The second call funds collaborative projects between at least two members. Read the eligibility "
        "rules and apply before the deadline.")),
    (85, Category.POLITICAL, False, {}, None,
     "Rencontre avec le ministre de l’Économie", "Meeting with the Minister of the Economy",
     "La grappe a présenté les enjeux des PME : financement, main-d’œuvre, accès aux marchés.",
     "The cluster presented the SMEs’ issues: funding, workforce, market access.",
     _p("Une délégation de la grappe a rencontré le ministre pour présenter les priorités des membres."),
     _p("A delegation of the cluster met the minister to present the members’ priorities.")),
    (70, Category.COMMITTEES, False, {"bodies": ["Comité environnement", "Chantier décarbonation"]}, "vote",
     "Vote : feuille de route environnementale", "Vote: the environmental roadmap",
     "Les membres du comité sont invités à voter sur la feuille de route.",
     "The committee’s members are invited to vote on the roadmap.",
     _p("Le comité soumet au vote la feuille de route environnementale 2027-2030."),
     _p("The committee puts the 2027–2030 environmental roadmap to a vote.")),
    (55, Category.REGULATORY, False, {"certifications": ["tc-amo", "faa-145", "easa-145"]}, None,
     "FAA et EASA : reconnaissance mutuelle des certificats de maintenance", "",
     "L’entente bilatérale simplifie la surveillance des OMA canadiens.", "",
     _p("Les accords bilatéraux entre Transports Canada, la FAA et l’AESA allègent les audits des organismes "
        "de maintenance canadiens titulaires d’approbations étrangères."), ""),
    (40, Category.EVENTS, True, {}, None,
     "Salon de Farnborough : mission commerciale du Québec", "Farnborough Airshow: Quebec trade mission",
     "Joignez-vous au pavillon du Québec ; places limitées.",
     "Join the Quebec pavilion; places are limited.",
     _p("La grappe organise, avec ses partenaires, la participation des membres au pavillon du Québec."),
     _p("The cluster organises, with its partners, the members’ participation in the Quebec pavilion.")),
    (25, Category.ECONOMIC, True, {}, None,
     "Carnets de commandes : Airbus et Boeing prévoient une hausse des cadences",
     "Order books: Airbus and Boeing plan higher production rates",
     "Les cadences de l’A220 et du 737 augmentent : préparez vos capacités.",
     "A220 and 737 rates are increasing: prepare your capacity.",
     _p("Les hausses de cadence annoncées sur l’A220, produit à Mirabel, et sur le 737 se traduiront par des "
        "commandes supplémentaires pour les fournisseurs de pièces élémentaires et d’aérostructures."),
     _p("The rate increases announced on the A220, built in Mirabel, and on the 737 will bring additional "
        "orders for detail-part and aerostructure suppliers.")),
    (12, Category.NOTICE, False, {}, None,
     "Avis : cotisations de l’année à venir", "Notice: next year’s membership fees",
     "Les factures de cotisation seront envoyées le mois prochain.",
     "Membership invoices will be sent next month.",
     _p("Le conseil d’administration a maintenu le barème des cotisations. Les factures seront envoyées le "
        "mois prochain."),
     _p("The board kept the membership fee scale unchanged. Invoices will be sent next month.")),
    (4, Category.REGULATORY, True, {"capabilities": ["surface-treatment"]}, None,
     "Chrome hexavalent : échéancier de substitution", "Hexavalent chromium: substitution schedule",
     "Environnement et Changement climatique Canada propose d’interdire progressivement le chrome VI.",
     "Environment and Climate Change Canada proposes to phase out chromium VI.",
     _p("Le projet de règlement prévoit l’élimination progressive du chrome hexavalent dans les traitements de "
        "surface, avec des exemptions temporaires pour l’aérospatiale."),
     _p("The proposed regulation phases out hexavalent chromium in surface treatments, with temporary "
        "exemptions for aerospace.")),
]

# Not sent yet: (days ahead or None for a draft, category, title_fr, title_en)
UNSENT = [
    (5, Category.EVENTS, "Gala de la grappe : réservez votre table", "Cluster gala: book your table"),
    (None, Category.ECONOMIC, "Perspectives économiques du prochain trimestre", "Economic outlook for next quarter"),
    (None, Category.REGULATORY, "Brouillon : révision AS9100E", ""),
]


def generate_bulletins(seed: int = 2026) -> DemoBulletins | None:
    """The demo's bulletins (see above). None when bulletins exist, or without staff or members."""
    if Bulletin.objects.exists():
        return None
    staff = (User.objects.filter(email=STAFF_EMAIL, is_active=True).first()
             or User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("pk").first())
    people = list(Person.objects.filter(is_active=True, organisation__membership_status=MembershipStatus.ACTIVE)
                  .order_by("pk").values_list("pk", flat=True))
    if staff is None or not people:
        return None
    rng = random.Random(seed)
    now = timezone.now()
    links = _links()
    with transaction.atomic():
        _preferences(people, rng)
        sent = deliveries = public = 0
        for spec in BULLETINS:
            (days, category, is_public, target_spec, link, title_fr, title_en, summary_fr, summary_en,
             body_fr, body_en) = spec
            bulletin = Bulletin.objects.create(
                category=category, is_public=is_public, title_fr=title_fr, title_en=title_en,
                summary_fr=summary_fr, summary_en=summary_en if title_en else "", body_fr=body_fr,
                body_en=body_en if title_en else "", created_by=staff, status=BulletinStatus.SENT,
                sent_at=now - datetime.timedelta(days=days, hours=rng.randint(0, 8)),
                **({LINK_FIELDS[link]: links[link]} if link and links.get(link) else {}))
            target = _target(bulletin, target_spec)
            deliveries += _send(bulletin, target, rng)
            sent += 1
            public += is_public
        for ahead, category, title_fr, title_en in UNSENT:
            Bulletin.objects.create(
                category=category, title_fr=title_fr, title_en=title_en, created_by=staff,
                body_fr=_p("Texte à venir."), body_en=_p("Text to come.") if title_en else "",
                status=BulletinStatus.SCHEDULED if ahead else BulletinStatus.DRAFT,
                scheduled_for=now + datetime.timedelta(days=ahead) if ahead else None)
    return DemoBulletins(sent=sent, public=public, deliveries=deliveries,
                         scheduled=sum(1 for u in UNSENT if u[0]), drafts=sum(1 for u in UNSENT if not u[0]))


def _links() -> dict:
    calls = list(Call.objects.exclude(status=CallStatus.DRAFT).order_by("opens_at"))
    now = timezone.now()
    return {
        "open_call": next((c for c in calls if c.status == CallStatus.PUBLISHED and c.opens_at <= now < c.closes_at),
                          None),
        "closed_call": next((c for c in calls if c.closes_at <= now), None),
        "event": Event.objects.exclude(phase=Phase.DRAFT).order_by("pk").first(),
        "vote": Resolution.objects.filter(published_at__isnull=False, counted_at__isnull=True).order_by("pk").first(),
    }


def _target(bulletin: Bulletin, spec: dict) -> targeting.Target:
    """The bulletin's criteria, each kept only when it leaves someone to reach (the demo's cluster may be small)."""
    kinds = tuple(k for k in spec.get("kinds", ()) if k in OrganisationKind.values)
    certifications = tuple(CertificationType.objects.filter(code__in=spec.get("certifications", ()))
                           .values_list("pk", flat=True))
    capabilities = tuple(Capability.objects.filter(code__in=spec.get("capabilities", ()))
                         .values_list("pk", flat=True))
    bodies = tuple(Body.objects.filter(name_fr__in=spec.get("bodies", ())).values_list("pk", flat=True))
    target = targeting.Target()
    for name, value in (("kinds", kinds), ("regions", tuple(spec.get("regions", ()))),
                        ("certification_types", certifications), ("capabilities", capabilities),
                        ("bodies", bodies)):
        if not value:
            continue
        narrower = targeting.Target(**{**target.__dict__, name: value})
        if targeting.organisations(narrower).exists():
            target = narrower
    bulletin.kinds, bulletin.regions = list(target.kinds), list(target.regions)
    bulletin.save(update_fields=["kinds", "regions"])
    bulletin.capabilities.set(target.capabilities)
    bulletin.certification_types.set(target.certification_types)
    bulletin.bodies.set(target.bodies)
    return target


def _preferences(people: list[int], rng: random.Random) -> None:
    """Some people chose a daily or a weekly digest; a couple left a topic."""
    chosen = rng.sample(people, min(len(people), max(2, len(people) // 8)))
    MailPreference.objects.bulk_create(
        [MailPreference(person_id=pk, frequency=Frequency.DAILY if n % 3 == 0 else Frequency.WEEKLY)
         for n, pk in enumerate(chosen)])
    leaving = rng.sample(people, min(len(people), 3))
    Unsubscription.objects.bulk_create([
        Unsubscription(person_id=leaving[0], topic=Topic.POLITICAL),
        *([Unsubscription(person_id=leaving[1], topic=Topic.ECONOMIC)] if len(leaving) > 1 else []),
        *([Unsubscription(person_id=leaving[2], topic=Topic.EVENTS)] if len(leaving) > 2 else []),
    ])


def _send(bulletin: Bulletin, target: targeting.Target, rng: random.Random) -> int:
    """What sending writes: the audience frozen, one delivery per person reached (their channel by preference),
    mailed when sent; about a third opened, a tenth clicked."""
    organisations = targeting.organisations(target)
    Audience.objects.bulk_create([Audience(bulletin=bulletin, organisation_id=pk)
                                  for pk in organisations.values_list("pk", flat=True)])
    digest = set(MailPreference.objects.exclude(frequency=Frequency.IMMEDIATE).values_list("person", flat=True))
    rows = []
    for person_id in targeting.recipients(bulletin.category, organisations).values_list("pk", flat=True):
        opened = rng.random() < 0.35
        clicked = opened and rng.random() < 0.3
        at = bulletin.sent_at + datetime.timedelta(hours=rng.randint(1, 72))
        rows.append(Delivery(bulletin=bulletin, person_id=person_id,
                             channel=Channel.DIGEST if person_id in digest else Channel.IMMEDIATE,
                             mailed_at=bulletin.sent_at, opened_at=at if opened else None,
                             clicked_at=at + datetime.timedelta(minutes=2) if clicked else None))
    Delivery.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
