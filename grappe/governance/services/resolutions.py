"""A resolution's life: drafted by the staff (to the whole membership) or a body's co-chair (to the body), published
(its electorate frozen, its members told), counted once at closing.

The count runs under the resolution's row lock and only once (`counted_at`): from the task queued for the closing
time when the task backend can wait (the database backend in production), from `queue_daily_tasks`, and lazily
when someone opens the resolution after its closing time (`count_if_due`). Casting holds a share lock on the same
row (services/votes.py), so a count waits for the casts under way and a cast that comes after it sees it counted.
"""

import logging
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from grappe.core import audit, feed_versions, notify
from grappe.core.errors import Conflict
from grappe.core.permissions import require
from grappe.members.models import MembershipStatus, Organisation, OrgRole, User

from ..models import (
    MAX_PROXIES,
    BodyMember,
    Elector,
    Majority,
    MembershipState,
    Participation,
    Resolution,
    ResolutionOption,
    SecretBallot,
    Vote,
)

RESOLUTION_FIELDS = ("title_fr", "title_en", "text_fr", "text_en", "opens_at", "closes_at", "quorum_percent",
                     "majority", "secret", "max_proxies")
COUNT_TASK = "grappe.governance.tasks.count_resolution_task"

log = logging.getLogger(__name__)


def default_options() -> list[dict]:
    """For, Against, Abstain: what a resolution offers unless its author writes other options."""
    return [{"label_fr": "Pour", "label_en": "For", "is_abstention": False},
            {"label_fr": "Contre", "label_en": "Against", "is_abstention": False},
            {"label_fr": "Abstention", "label_en": "Abstain", "is_abstention": True}]


def check_resolution(data: dict, options: list[dict]) -> None:
    """Refuse what cannot be put to a vote, each reason beside its field, in the reader's language."""
    errors = {}
    if len([o for o in options if (o.get("label_fr") or o.get("label_en"))]) < 2:
        errors["options"] = _("A resolution needs at least two options to choose from.")
    elif sum(1 for o in options if not o.get("is_abstention")) < 1:
        errors["options"] = _("At least one option must be something other than an abstention.")
    if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
        errors["closes_at"] = _("Voting must close after it opens.")
    quorum = data.get("quorum_percent")
    if quorum is not None and not Decimal(0) <= Decimal(quorum) <= Decimal(100):
        errors["quorum_percent"] = _("The quorum is a share of the member organisations: between 0 and 100 %.")
    if data.get("max_proxies") is not None and int(data["max_proxies"]) < 0:
        errors["max_proxies"] = _("The number of proxies one organisation may hold cannot be negative.")
    elif data.get("max_proxies") is not None and int(data["max_proxies"]) > MAX_PROXIES:
        errors["max_proxies"] = (_("One organisation may hold at most %(limit_value)s proxies.")
                                 % {"limit_value": MAX_PROXIES})
    if errors:
        raise ValidationError(errors)


def draft_resolution(*, actor, body, data: dict, options: list[dict], item=None) -> Resolution:
    """A draft resolution to `body` (None: the whole membership) with its options, in their order."""
    if body is None:
        require(actor, "governance.manage_bodies")
    else:
        require(actor, "governance.chair_body", body)
    if item is not None and (body is None or item.meeting.body_id != body.pk):
        raise ValidationError({"item": _("The agenda item must be one of this body's meetings.")})
    check_resolution(data, options)
    with transaction.atomic():
        resolution = Resolution.objects.create(body=body, item=item, created_by=actor,
                                               **{name: data[name] for name in RESOLUTION_FIELDS})
        ResolutionOption.objects.bulk_create(
            ResolutionOption(resolution=resolution, position=position, label_fr=o["label_fr"] or o["label_en"],
                             label_en=o["label_en"] or o["label_fr"], is_abstention=bool(o.get("is_abstention")))
            for position, o in enumerate(options))
        audit.record(actor, "resolution.drafted", resolution, after={
            **audit.snapshot(resolution, exclude=("results",)),
            "options": [o["label_en"] or o["label_fr"] for o in options]})
    return resolution


def electorate(resolution) -> list[int]:
    """The organisations that vote on the resolution now: for a body, those with a member seat held by one of
    their people (staff seats do not vote); for the whole membership, every member organisation; in good standing."""
    if resolution.body_id is None:
        found = Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE).values_list("pk", flat=True)
    else:
        found = (BodyMember.objects.filter(
            body_id=resolution.body_id, state=MembershipState.ACTIVE, organisation__isnull=False,
            organisation__membership_status=MembershipStatus.ACTIVE,
            user__person__organisation=F("organisation"), user__person__is_active=True)
            .values_list("organisation", flat=True))
    return sorted(set(found))


def publish(*, actor, resolution) -> Resolution:
    """Open the resolution to its electorate, frozen now; tell the people who may vote, in their language."""
    require(actor, "governance.manage_resolution", resolution)
    with transaction.atomic():
        resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
        if resolution.published_at is not None:
            raise Conflict(_("This resolution is already published."))
        now = timezone.now()
        if resolution.closes_at <= now:
            raise ValidationError({"closes_at": _("Its closing time has passed: set a later one first.")})
        organisations = electorate(resolution)
        if not organisations:
            raise Conflict(_("No member organisation in good standing would vote on it."))
        Elector.objects.bulk_create(Elector(resolution=resolution, organisation_id=pk) for pk in organisations)
        resolution.published_at = now
        resolution.save(update_fields=["published_at"])
        audit.record(actor, "resolution.published", resolution, after={"electors": len(organisations)})
        notify.on_commit(_tell_voters, resolution.pk)
        feed_versions.bump_cluster()  # a vote waiting in every elector's feed
        transaction.on_commit(lambda: _count_at_closing(resolution))
    return resolution


def voters(resolution) -> list[User]:
    """The people who may cast a vote of an elector organisation: its administrators, and for a body's resolution
    its people who sit on the body."""
    electors = Elector.objects.filter(resolution=resolution).values("organisation")
    people = User.objects.filter(is_active=True, person__is_active=True, person__organisation__in=electors)
    admins = people.filter(person__org_role=OrgRole.ADMIN)
    if resolution.body_id is None:
        return list(admins)
    seated = people.filter(governance_seats__body_id=resolution.body_id,
                           governance_seats__state=MembershipState.ACTIVE)
    return list((admins | seated).distinct())


def _tell_voters(resolution_id: int) -> None:
    resolution = Resolution.objects.get(pk=resolution_id)
    notify.send(voters(resolution), "governance.resolution_published",
                {"resolution": resolution.pk, "title_fr": resolution.title_fr, "title_en": resolution.title_en,
                 "closes_at": resolution.closes_at.isoformat()},
                url=resolution_url(resolution))


def resolution_url(resolution) -> str:
    from django.urls import reverse

    return reverse("governance:resolution-detail", args=[resolution.pk])


def _count_at_closing(resolution) -> None:
    """Queue the count for the closing time, when the task backend can run a task later (the database backend);
    otherwise the daily tasks and the first reader after closing count it."""
    task = import_string(COUNT_TASK)
    if task.get_backend().supports_defer:
        task.using(run_after=resolution.closes_at).enqueue(resolution.pk)


def count_if_due(resolution) -> Resolution:
    """Count the resolution if its voting closed and it is not counted yet (once: see `count`)."""
    if resolution.published_at and resolution.counted_at is None and timezone.now() >= resolution.closes_at:
        return count(resolution)
    return resolution


def count_due() -> int:
    """Count every published resolution whose voting closed; the number counted (queue_daily_tasks)."""
    due = Resolution.objects.filter(published_at__isnull=False, counted_at__isnull=True,
                                    closes_at__lte=timezone.now())
    return sum(1 for resolution in due if count(resolution).counted_at)


def count(resolution) -> Resolution:
    """Count the votes once voting closed: per option, turnout, quorum and outcome under the majority rule, kept
    in `results`. Idempotent under the resolution's lock: a second call finds it counted and returns it."""
    with transaction.atomic():
        resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
        if resolution.counted_at is not None or resolution.published_at is None:
            return resolution
        if timezone.now() < resolution.closes_at:
            raise Conflict(_("Voting is still open: it is counted at its closing time."))
        if resolution.secret:
            _rewrite_ballots(resolution)
        resolution.results = tally(resolution)
        resolution.counted_at = timezone.now()
        resolution.save(update_fields=["results", "counted_at"])
        feed_versions.bump_cluster()
        results = resolution.results
        audit.record(None, "resolution.counted", resolution, after={
            "electors": results["electors"], "voted": results["voted"], "quorum_met": results["quorum_met"],
            "outcome": results["outcome"], "carried": results["carried"]})
    return resolution


def _rewrite_ballots(resolution) -> None:
    """Write the secret ballots anew, in this count's transaction: the same options, new random keys, in a
    shuffled order. A ballot is inserted with its organisation's Participation (one transaction: a vote is all or
    nothing), so until now PostgreSQL's system columns paired them (`xmin`, the inserting transaction, and the
    rows' physical order, the casting order); rewritten, every ballot carries the count's transaction and a random
    place. Once committed, VACUUM removes the originals' dead rows (`_vacuum_ballots`)."""
    ballots = SecretBallot.objects.filter(resolution=resolution)
    chosen = list(ballots.values_list("option_id", flat=True))
    if not chosen:
        return
    secrets.SystemRandom().shuffle(chosen)
    ballots.delete()
    SecretBallot.objects.bulk_create(SecretBallot(resolution_id=resolution.pk, option_id=option_id)
                                     for option_id in chosen)
    if connection.vendor == "postgresql":
        transaction.on_commit(_vacuum_ballots)


def _vacuum_ballots() -> None:
    """VACUUM the ballots' table, so that the dead rows of the ballots as cast are gone too. VACUUM cannot run in a
    transaction block: on this connection when it is back in autocommit (the count committed), otherwise (a caller's
    outer block, tests) on a connection of its own. The count is committed already: a failure is only logged."""
    table = connection.ops.quote_name(SecretBallot._meta.db_table)
    own = None
    try:
        if connection.in_atomic_block or not connection.get_autocommit():
            own = target = connection.copy()
        else:
            target = connection
        with target.cursor() as cursor:
            cursor.execute(f"VACUUM {table}")
    except Exception:  # noqa: BLE001 — the count stands; the next count's VACUUM will clear them
        log.exception("VACUUM of the secret ballots failed")
    finally:
        if own is not None:
            own.close()


def tally(resolution) -> dict:
    """The figures of the count (see `count`). Abstentions count toward the turnout and the quorum, not among the
    votes the majority is taken on; unanimity is every vote that is not an abstention for one option.

    `outcome` "carried" and `carried` (its id) name the option that reached the majority, whichever it is: when
    "Against" does, the motion is rejected. The pages and the minutes say "option retained", never "adopted"."""
    rows = (SecretBallot if resolution.secret else Vote).objects.filter(resolution=resolution)
    per_option = dict(rows.values_list("option").annotate(n=Count("pk")).values_list("option", "n"))
    voted = (Participation if resolution.secret else Vote).objects.filter(resolution=resolution).count()
    electors = resolution.electors.count()
    options = [{"id": o.pk, "label_fr": o.label_fr, "label_en": o.label_en, "is_abstention": o.is_abstention,
                "votes": per_option.get(o.pk, 0)} for o in resolution.options.all()]
    quorum_met = voted * 100 >= resolution.quorum_percent * electors
    expressed = sum(o["votes"] for o in options if not o["is_abstention"])
    leader = max((o for o in options if not o["is_abstention"]), key=lambda o: o["votes"], default=None)
    carried = None
    if not quorum_met:
        outcome = "quorum_not_met"
    elif not expressed:
        outcome = "no_votes"
    else:
        needed = {Majority.SIMPLE: lambda n: n * 2 > expressed, Majority.TWO_THIRDS: lambda n: n * 3 >= expressed * 2,
                  Majority.UNANIMITY: lambda n: n == expressed}[resolution.majority]
        tied = sum(1 for o in options if not o["is_abstention"] and o["votes"] == leader["votes"]) > 1
        if needed(leader["votes"]) and not tied:
            outcome, carried = "carried", leader["id"]
        else:
            outcome = "no_majority"
    return {"options": options, "electors": electors, "voted": voted, "expressed": expressed,
            "quorum_percent": str(resolution.quorum_percent), "quorum_met": quorum_met,
            "majority": resolution.majority, "outcome": outcome, "carried": carried}
