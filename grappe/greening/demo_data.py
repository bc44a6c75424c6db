"""Demo data of greening."""


def generate_initiatives(seed: int = 0) -> list:
    """Two shared initiatives for the demo, with participants: a pooled solar purchase in Montérégie and a
    composite-scrap recycling route. Deterministic for a seed; does nothing when initiatives exist. Made through
    the services (started by an administrator of the initiator, joined by administrators of the others), so
    they carry their audit entries and notifications as real ones would. Returns the initiatives made."""
    import random
    from decimal import Decimal

    from grappe.greening.models import Initiative, InitiativeTheme
    from grappe.greening.services.initiatives import join_initiative, start_initiative
    from grappe.members.models import MembershipStatus, OrgRole, Person
    from grappe.partnering.models import Visibility

    if Initiative.objects.exists():
        return []
    rng = random.Random(f"greening-initiatives-{seed}")
    admins = list(Person.objects.filter(org_role=OrgRole.ADMIN, is_active=True, user__isnull=False,
                                        user__is_active=True,
                                        organisation__membership_status=MembershipStatus.ACTIVE)
                  .select_related("organisation", "user").order_by("organisation_id", "pk"))
    by_organisation = {}
    for person in admins:
        by_organisation.setdefault(person.organisation_id, person)
    people = list(by_organisation.values())
    if len(people) < 4:
        return []
    in_monteregie = [p for p in people if p.organisation.region == "16"] or people
    makers = [p for p in people if p.organisation.kind in ("tier1", "tier2", "tier3", "sme")] or people
    plans = [
        (in_monteregie, InitiativeTheme.ENERGY, Decimal("180000"),
         "Achat groupé de panneaux solaires en Montérégie",
         "Un achat groupé de panneaux solaires pour les toits des usines de Montérégie : un seul appel d'offres, "
         "un installateur, des prix de volume, et le suivi de la production de chaque toit. Ouvert aux membres "
         "de la région qui ont un toit plat de plus de 1 000 m²."),
        (makers, InitiativeTheme.MATERIALS, Decimal("95000"),
         "Filière de recyclage des retailles de composites",
         "Une collecte mensuelle des retailles de fibre de carbone et de préimprégnés chez les membres, vers un "
         "recycleur qui les broie pour des pièces non structurales ; les membres partagent le transport et "
         "évitent l'enfouissement."),
    ]
    made = []
    for pool, theme, reduction, title, description in plans:
        initiator = rng.choice(pool)
        initiative = start_initiative(actor=initiator.user, organisation=initiator.organisation, title=title,
                                      description=description, theme=theme, expected_reduction_kg=reduction,
                                      visibility=Visibility.MEMBERS)
        others = [p for p in pool if p.organisation_id != initiator.organisation_id]
        for person in rng.sample(others, min(len(others), rng.randint(3, 6))):
            join_initiative(actor=person.user, initiative=initiative, organisation=person.organisation)
        made.append(initiative)
    return made
