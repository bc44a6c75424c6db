"""Whom a targeted bulletin reaches, in a 5,000-organisation, 50,000-person cluster (PostgreSQL).

Six bulletins are written with targets of different shapes: every member; SMEs and tier 3 suppliers of two regions;
a capability domain with an AS9100 certification; a saved segment (tier 1 and tier 2 suppliers of one region); a
committee under a strategic axis with 400 seated organisations; and a notice to members (which ignores consent).
For each, the sending job's own reads are timed, as it runs them (grappe/bulletins/services/sending.py): the
organisations of the target (the audience it freezes), then the people to mail with what each email needs (their
address, language, organisation and digest preference), less those who withdrew consent, left the category or
whose address the mail server refused. The figure is the slowest target's median of five runs; the reach shown to
the staff before sending (targeting.reach: five counts) is reported beside it. Target: < 1 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grappe_bench .venv/bin/python bench/bulletin_recipients.py
"""

import statistics
import time

from common import figure, load_average, setup_django

TARGET_S = 1.0
RUNS = 5
SEATED = 400


def committee(stamp: str):
    """An axis and a committee under it, with one seat for each of SEATED member organisations."""
    from grappe.governance.models import Body, BodyMember
    from grappe.members.models import Organisation, User

    axis = Body.objects.create(kind="axis", name_fr=f"Axe banc {stamp}", name_en=f"Bench axis {stamp}")
    body = Body.objects.create(kind="committee", parent=axis, name_fr=f"Comité banc {stamp}",
                               name_en=f"Bench committee {stamp}")
    organisations = list(Organisation.objects.filter(membership_status="active").order_by("?")[:SEATED])
    users = User.objects.bulk_create(User(email=f"bench-seat-{stamp}-{n}@seats.bench", password="!")
                                     for n in range(SEATED))
    BodyMember.objects.bulk_create(BodyMember(body=body, user=user, organisation=organisation)
                                   for user, organisation in zip(users, organisations, strict=True))
    return axis, body, users


def bulletins(stamp: str, axis):
    from grappe.bulletins.models import Bulletin, Category
    from grappe.members.models import Capability, CertificationType, Segment

    def bulletin(label, category=Category.REGULATORY, **fields):
        return label, Bulletin.objects.create(title_fr=f"Banc {stamp} {label}", title_en="Bench", category=category,
                                              body_fr="<p>Banc</p>", **fields)

    made = [bulletin("every member"), bulletin("SMEs and tier 3 of Montréal and Laval", kinds=["sme", "tier3"],
                                               regions=["06", "13"])]
    label, domain = bulletin("machining with AS9100")
    domain.capabilities.set([Capability.objects.get(code="machining")])
    domain.certification_types.set([CertificationType.objects.get(code="as9100")])
    made.append((label, domain))
    segment = Segment.objects.create(name=f"Banc {stamp}", kinds=["tier1", "tier2"], regions=["16"])
    made.append(bulletin("saved segment: tier 1 and 2 of Montérégie", segment=segment))
    label, seated = bulletin(f"a committee's {SEATED} organisations (through its axis)")
    seated.bodies.set([axis])
    made.append((label, seated))
    made.append(bulletin("notice to members (consent ignored)", category=Category.NOTICE))
    return made, segment


def resolve(bulletin) -> tuple[float, int, int]:
    """(seconds, organisations, people) of the sending job's reads."""
    from grappe.bulletins import targeting
    from grappe.bulletins.services import sending

    started = time.perf_counter()
    target = targeting.organisations(targeting.Target.of(bulletin))
    organisations = list(target.values_list("pk", flat=True))  # the audience the job freezes
    people = sending._people(bulletin, target)  # the job reads them through the frozen audience, as a subquery
    return time.perf_counter() - started, len(organisations), len(people)


def main() -> None:
    setup_django()
    from grappe.bulletins import targeting

    stamp = time.strftime("%Y%m%d%H%M%S")
    axis, body, users = committee(stamp)
    made, segment = bulletins(stamp, axis)
    slowest = 0.0
    try:
        for label, bulletin in made:
            runs = [resolve(bulletin) for _ in range(RUNS)]
            median = statistics.median(seconds for seconds, _o, _p in runs)
            started = time.perf_counter()
            reach = targeting.reach(bulletin.category, targeting.Target.of(bulletin))
            reach_seconds = time.perf_counter() - started
            _s, organisations, people = runs[0]
            print(f"  {label}: {organisations:,} organisations, {people:,} people in {1000 * median:.0f} ms "
                  f"(median of {RUNS}); reach shown to the staff in {1000 * reach_seconds:.0f} ms", flush=True)
            slowest = max(slowest, median)
        figure("bulletins: recipients of a targeted bulletin resolved (slowest of six targets, 50,000 people)",
               slowest, "s", TARGET_S, load_average())
    finally:
        for _label, bulletin in made:
            bulletin.delete()
        segment.delete()
        body.members.all().delete()
        body.delete()
        axis.delete()
        type(users[0]).objects.filter(pk__in=[user.pk for user in users]).delete()


if __name__ == "__main__":
    main()
