"""Posting, changing and withdrawing availabilities (skilled people a member can lend) and needs (people it is
short of).

Only an administrator of a member organisation in good standing posts for it, and edits or withdraws its posts.
A post names skills of the taxonomy (at least one; a domain stands for every capability in it), at least one
person, a period in order that is not over yet; an availability says its hourly rate, at cost — wages and
charges only, no margin, which the lender confirms. An availability's people and period never shrink below what
its loans hold (requested or agreed): the change is refused with what is still allowed, its row locked so that
a loan requested at the same moment waits (the loans' services and trigger lock it too). No employee is ever
named on a post. Each write is one transaction with one audit entry; nobody is notified (a post is news for
nobody in particular: the board and the matches show it).
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grappe.core import audit
from grappe.core.errors import Conflict
from grappe.core.permissions import require
from grappe.members.models import Capability, Organisation
from matching import labour

from ..models import HOLDING_CAPACITY, Availability, Need, PostStatus

POST_FIELDS = ("title", "description", "people", "start", "end", "region", "location", "mode", "clearance",
               "controlled_goods")
AVAILABILITY_FIELDS = (*POST_FIELDS, "hourly_rate", "at_cost_confirmed")
NEED_FIELDS = (*POST_FIELDS, "max_hourly_rate")


def post_availability(actor, organisation: Organisation, **fields) -> Availability:
    """Post skilled people `organisation` can lend (fields: AVAILABILITY_FIELDS and `skills`)."""
    return _post(actor, organisation, Availability(), AVAILABILITY_FIELDS, fields, "availability.posted")


def post_need(actor, organisation: Organisation, **fields) -> Need:
    """Post skilled people `organisation` is short of (fields: NEED_FIELDS and `skills`)."""
    return _post(actor, organisation, Need(), NEED_FIELDS, fields, "need.posted")


def update_availability(actor, availability: Availability, **fields) -> Availability:
    """Change an open availability; its people and period keep room for its loans."""
    return _update(actor, availability, AVAILABILITY_FIELDS, fields, "availability.changed")


def update_need(actor, need: Need, **fields) -> Need:
    return _update(actor, need, NEED_FIELDS, fields, "need.changed")


def withdraw_availability(actor, availability: Availability) -> Availability:
    """Take an availability off the board: no new loan is requested on it; its loans go on as agreed."""
    return _withdraw(actor, availability, "availability.withdrawn")


def withdraw_need(actor, need: Need) -> Need:
    return _withdraw(actor, need, "need.withdrawn")


def _post(actor, organisation, post, names, fields, action):
    # An administrator of a member in good standing (labour.post_as_admin), for that organisation only.
    require(actor, "labour.post_as_admin")
    if actor.organisation != organisation:
        raise PermissionDenied
    skills = fields.pop("skills", None)
    _set(post, names, fields)
    post.organisation, post.created_by = organisation, actor
    with transaction.atomic():
        skills = _check(post, skills)
        post.save()
        post.skills.set(skills)
        audit.record(actor, action, post, after=_snapshot(post))
    return post


def _update(actor, post, names, fields, action):
    require(actor, "labour.edit_post", post)
    skills = fields.pop("skills", None)
    with transaction.atomic():
        post = type(post).objects.select_for_update().get(pk=post.pk)
        _still_open(post)
        before = _snapshot(post)
        _set(post, names, fields)
        skills = _check(post, post.skills.all() if skills is None else skills)
        if isinstance(post, Availability):
            _room_for_loans(post)
        post.save()
        post.skills.set(skills)
        audit.record(actor, action, post, before=before, after=_snapshot(post))
    return post


def _withdraw(actor, post, action):
    require(actor, "labour.edit_post", post)
    with transaction.atomic():
        post = type(post).objects.select_for_update().get(pk=post.pk)
        _still_open(post)
        post.status = PostStatus.WITHDRAWN
        post.save(update_fields=["status", "updated_at"])
        audit.record(actor, action, post, before={"status": PostStatus.OPEN}, after={"status": post.status})
    return post


def _set(post, names, fields) -> None:
    unknown = set(fields) - set(names)
    if unknown:
        raise TypeError(f"unknown fields of {type(post).__name__}: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(post, name, value)


def _still_open(post) -> None:
    if post.status != PostStatus.OPEN:
        raise Conflict(_("This post is withdrawn or closed: post a new one instead."), code="not_open")


def _check(post, skills: Iterable | None) -> list[Capability]:
    """The post's rules, every refusal said beside its field; the skills of the taxonomy it names."""
    errors = {}
    if post.people is None or post.people < 1:
        errors["people"] = _("At least one person.")
    if post.start and post.end:
        if post.end < post.start:
            errors["end"] = _("The end must come after the start.")
        elif post.end < timezone.localdate():
            errors["end"] = _("This period is over: give one that is not entirely in the past.")
    if isinstance(post, Availability):
        if post.hourly_rate is None or post.hourly_rate <= 0:
            errors["hourly_rate"] = _("Give the hourly rate, above zero.")
        if not post.at_cost_confirmed:
            errors["at_cost_confirmed"] = _(
                "Confirm that the rate is at cost: the wages and charges of the people lent, with no margin.")
    elif post.max_hourly_rate is not None and post.max_hourly_rate <= 0:
        errors["max_hourly_rate"] = _("A highest rate is above zero; leave it empty if you have none.")
    found = _skills(skills)
    if not found:
        errors["skills"] = _("Choose at least one skill of the taxonomy.")
    if errors:
        raise ValidationError(errors)
    post.full_clean(exclude=["organisation", "created_by", "skills"], validate_constraints=False)
    return found


def _skills(skills: Iterable | None) -> list[Capability]:
    """The active capabilities named (instances or ids); any other value makes the list empty (refused)."""
    ids = {getattr(skill, "pk", skill) for skill in skills or ()}
    found = list(Capability.objects.filter(pk__in=ids, is_active=True))
    return found if len(found) == len(ids) else []


def _room_for_loans(availability: Availability) -> None:
    """Refuse people or a period that its loans holding capacity would no longer fit in, saying what is left."""
    loans = list(availability.loans.filter(status__in=HOLDING_CAPACITY).values_list("people", "start", "end"))
    if not loans:
        return
    errors = {}
    peak = labour.peak_people(loans)
    if availability.people < peak:
        errors["people"] = _("Loans hold %(peak)d people of this availability at once: keep at least %(peak)d.") % {
            "peak": peak}
    first, last = min(start for _p, start, _e in loans), max(end for _p, _s, end in loans)
    if availability.start > first or availability.end < last:
        errors["start" if availability.start > first else "end"] = _(
            "Loans run from %(first)s to %(last)s: the period must include them.") % {
            "first": date_format(first), "last": date_format(last)}
    if errors:
        raise ValidationError(errors)


def _snapshot(post) -> dict:
    return {**audit.snapshot(post), "skills": sorted(post.skills.values_list("pk", flat=True))}
