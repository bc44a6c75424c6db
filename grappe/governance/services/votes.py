"""Casting an organisation's vote, and proxies from one organisation to another.

One organisation, one vote: an authorised person (grappe/governance/rules.py) casts the vote of their
organisation, and of each organisation whose proxy it holds. In an open ballot the organisation's Vote row is
changed until closing (one row per organisation: a database constraint, so two of its people voting at the same
instant make one vote). In a secret ballot the organisation's Participation and an anonymous SecretBallot are
written in one transaction (all or nothing); no column joins them, so the vote is final. Being one transaction,
they share PostgreSQL's `xmin` until the count, which rewrites the ballots in its own transaction and a random
order, then VACUUMs the originals away (services/resolutions.py, docs/security.md).

Locks. A cast holds a *share* lock on the resolution row (casts never wait for one another on it) and locks
only its organisation's row; a proxy given or withdrawn, and the count, take the row's exclusive lock. So a
proxy is never given while its grantor's vote is being cast, the cap of proxies per holder is checked with no
other proxy being given, and a count waits for the casts under way (a cast after it finds the resolution
counted).

Nothing here records what a secret ballot holds beyond the SecretBallot row: its audit entry says that the
organisation voted, never the option.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from grappe.core import audit, feed_versions
from grappe.core.errors import Conflict
from grappe.core.permissions import require
from grappe.members.models import MembershipStatus, Organisation

from ..models import Elector, Participation, Proxy, Resolution, ResolutionOption, SecretBallot, Vote


def _casting_state(resolution_id: int, option_id, own_id: int, organisation_id: int) -> Resolution:
    """The resolution under a share lock (PostgreSQL: FOR SHARE; SQLite writes one at a time anyway) with what a
    cast must know, in one round trip, since a cast's time under load is mostly round trips: `option_ok` (the
    option is the resolution's), `elector` (the caster's organisation votes on it), `gave_to` (the holder of the
    proxy it gave, if any), `holds` (it holds `organisation_id`'s proxy)."""
    quote = connection.ops.quote_name
    resolutions, options, electors, proxies = (quote(model._meta.db_table)
                                                for model in (Resolution, ResolutionOption, Elector, Proxy))
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    found = list(Resolution.objects.raw(
        f"SELECT r.*, "  # noqa: S608 — our tables' names, the values are parameters
        f"EXISTS(SELECT 1 FROM {options} o WHERE o.id = %s AND o.resolution_id = r.id) AS option_ok, "
        f"EXISTS(SELECT 1 FROM {electors} e WHERE e.resolution_id = r.id AND e.organisation_id = %s) AS elector, "
        f"(SELECT p.holder_id FROM {proxies} p WHERE p.resolution_id = r.id AND p.grantor_id = %s) AS gave_to, "
        f"EXISTS(SELECT 1 FROM {proxies} p WHERE p.resolution_id = r.id AND p.grantor_id = %s "
        f"AND p.holder_id = %s) AS holds "
        f"FROM {resolutions} r WHERE r.id = %s{lock}",
        [option_id, own_id, own_id, organisation_id, own_id, resolution_id]))
    return found[0]


def _insert_unless_there(model, values: dict) -> int | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: the new row's id, or None when the organisation's row is
    already there (a colleague's, committed first: PostgreSQL waits for it). No savepoint round trips."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in values)
    holes = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({holes}) "  # noqa: S608
                       f"ON CONFLICT DO NOTHING RETURNING id", list(values.values()))
        row = cursor.fetchone()
    return row[0] if row else None


def _moment(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def check_window(resolution) -> None:
    """Refuse a vote or a proxy outside the resolution's voting window, or once counted."""
    if resolution.published_at is None:
        raise Conflict(_("This resolution is not open to votes."))
    now = timezone.now()
    if resolution.counted_at is not None or now >= resolution.closes_at:
        raise Conflict(_("Voting closed on %(date)s: the vote can no longer change.")
                       % {"date": _moment(resolution.closes_at)})
    if now < resolution.opens_at:
        raise Conflict(_("Voting opens on %(date)s.") % {"date": _moment(resolution.opens_at)})


def _is_elector(resolution, organisation) -> bool:
    return Elector.objects.filter(resolution=resolution, organisation=organisation).exists()


def has_voted(resolution, organisation) -> bool:
    ballots = Participation if resolution.secret else Vote
    return ballots.objects.filter(resolution=resolution, organisation=organisation).exists()


def _casting_for(resolution, own, organisation) -> bool:
    """Check that the caster's organisation `own` may cast `organisation`'s vote now; True when by proxy."""
    if organisation.pk == own.pk:
        if not resolution.elector:
            raise PermissionDenied
        if resolution.gave_to is not None:
            raise Conflict(_("Your organisation gave its proxy to %(holder)s: withdraw it to vote yourselves.")
                           % {"holder": Organisation.objects.get(pk=resolution.gave_to)})
        return False
    if not resolution.holds:
        raise PermissionDenied
    if organisation.membership_status != MembershipStatus.ACTIVE:
        raise Conflict(_("%(organisation)s is no longer a member in good standing: its proxy cannot be used.")
                       % {"organisation": organisation})
    return True


def cast(*, actor, resolution, option, organisation=None) -> str:
    """Cast `organisation`'s vote (the actor's own, or one whose proxy it holds) for `option` (an option or its
    id). Answers "cast", or "changed" when an open ballot's vote was changed."""
    require(actor, "governance.vote", resolution)
    own = actor.organisation
    organisation = organisation or own
    option_id = getattr(option, "pk", option)
    with transaction.atomic():
        resolution = _casting_state(resolution.pk, option_id, own.pk, organisation.pk)
        check_window(resolution)
        if not resolution.option_ok:
            raise ValidationError({"option": _("Choose one of this resolution's options.")})
        by_proxy = _casting_for(resolution, own, organisation)
        feed_versions.bump_organisation(organisation.pk)  # the vote leaves its feed (bumped on commit only)
        if resolution.secret:
            return _cast_secret(actor, resolution, organisation, option_id, by_proxy)
        return _cast_open(actor, resolution, organisation, option_id, by_proxy)


def _cast_open(actor, resolution, organisation, option_id, by_proxy) -> str:
    """The organisation's one Vote row: inserted, or (already there) locked and changed."""
    now = timezone.now()
    inserted = _insert_unless_there(Vote, {
        "resolution_id": resolution.pk, "organisation_id": organisation.pk, "option_id": option_id,
        "cast_by_id": actor.pk, "by_proxy": by_proxy, "cast_at": connection.ops.adapt_datetimefield_value(now)})
    after = {"organisation": organisation.pk, "option": option_id, "by_proxy": by_proxy}
    if inserted is not None:
        audit.record(actor, "vote.cast", resolution, after=after)
        return "cast"
    vote = Vote.objects.select_for_update().get(resolution=resolution, organisation=organisation)
    before = _open_vote(vote)
    vote.option_id, vote.cast_by, vote.by_proxy, vote.cast_at = option_id, actor, by_proxy, now
    vote.save(update_fields=["option", "cast_by", "by_proxy", "cast_at"])
    audit.record(actor, "vote.changed", resolution, before=before, after=after)
    return "changed"


def _open_vote(vote) -> dict:
    return {"organisation": vote.organisation_id, "option": vote.option_id, "by_proxy": vote.by_proxy}


def _cast_secret(actor, resolution, organisation, option_id, by_proxy) -> str:
    """That the organisation voted (Participation, unique) and what (SecretBallot: no voter, no time, a random
    key), in this one transaction; the audit entry says only that it voted."""
    if _insert_unless_there(Participation, {"resolution_id": resolution.pk,
                                            "organisation_id": organisation.pk}) is None:
        raise Conflict(_("%(organisation)s has already voted: in a secret ballot the vote is final.")
                       % {"organisation": organisation})
    SecretBallot.objects.create(resolution_id=resolution.pk, option_id=option_id)
    audit.record(actor, "vote.cast", resolution, after={"organisation": organisation.pk, "by_proxy": by_proxy})
    return "cast"


def give_proxy(*, actor, resolution, holder) -> Proxy:
    """The actor's organisation entrusts its vote to `holder`, another elector, before it voted: no chain (a holder
    that gave its own proxy, a grantor that holds proxies) and at most `max_proxies` per holder."""
    require(actor, "governance.vote", resolution)
    grantor = actor.organisation
    with transaction.atomic():
        resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
        check_window(resolution)
        if not _is_elector(resolution, grantor):
            raise PermissionDenied
        if holder.pk == grantor.pk:
            raise ValidationError({"holder": _("An organisation cannot give its proxy to itself.")})
        if not _is_elector(resolution, holder):
            raise ValidationError({"holder": _("%(holder)s does not vote on this resolution.")
                                   % {"holder": holder}})
        if resolution.max_proxies == 0:
            raise ValidationError({"holder": _("This vote takes no proxies.")})
        given = Proxy.objects.filter(resolution=resolution, grantor=grantor).select_related("holder").first()
        if given is not None:
            raise Conflict(_("Your organisation already gave its proxy to %(holder)s.") % {"holder": given.holder})
        if has_voted(resolution, grantor):
            raise Conflict(_("Your organisation has already voted: it can no longer give its proxy."))
        passed_on = Proxy.objects.filter(resolution=resolution, grantor=holder).select_related("holder").first()
        if passed_on is not None:
            raise ValidationError({"holder": _(
                "%(holder)s gave its own proxy to %(other)s: a proxy cannot be passed on.")
                % {"holder": holder, "other": passed_on.holder}})
        if Proxy.objects.filter(resolution=resolution, holder=grantor).exists():
            raise ValidationError({"holder": _(
                "Your organisation holds other organisations’ proxies: it cannot give its own.")})
        if Proxy.objects.filter(resolution=resolution, holder=holder).count() >= resolution.max_proxies:
            raise ValidationError({"holder": _(
                "%(holder)s already holds %(count)s proxies, the most this vote allows.")
                % {"holder": holder, "count": resolution.max_proxies}})
        proxy = Proxy.objects.create(resolution=resolution, grantor=grantor, holder=holder, given_by=actor)
        audit.record(actor, "proxy.given", resolution, after={"grantor": grantor.pk, "holder": holder.pk})
    return proxy


def withdraw_proxy(*, actor, resolution) -> None:
    """The actor's organisation takes its proxy back, as long as the holder has not voted for it."""
    require(actor, "governance.vote", resolution)
    grantor = actor.organisation
    with transaction.atomic():
        resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
        check_window(resolution)
        proxy = Proxy.objects.filter(resolution=resolution, grantor=grantor).select_related("holder").first()
        if proxy is None:
            raise Conflict(_("Your organisation has given no proxy on this resolution."))
        if has_voted(resolution, grantor):
            raise Conflict(_("%(holder)s has already voted for your organisation: the proxy can no longer be "
                             "withdrawn.") % {"holder": proxy.holder})
        proxy.delete()
        audit.record(actor, "proxy.withdrawn", resolution, before={"grantor": grantor.pk, "holder": proxy.holder_id})


