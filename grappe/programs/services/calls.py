"""A call as the staff set it up within its program: its texts, window and time zone, who may apply, how much may
be asked, the documents required and the evaluation grid; then published (in French and English) and closed.

A published call has told members its rules: they can no longer change (who may apply, amounts, documents, the
grid, the opening and the time zone). Only its texts may be corrected and its deadline extended; a closed call
no longer changes. Publishing needs a grid (at least one criterion) and a deadline still to come.

Lock order: the call's row (after the program's, as in services/budget.py, when a write takes both).
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from grappe.core import audit, feed_versions
from grappe.core.errors import Conflict
from grappe.core.permissions import require
from grappe.members.models import CertificationType, OrganisationKind, Region, SizeBand

from ..models import CENT, Call, CallStatus, Criterion, DocumentKind, Program

TEXT_FIELDS = ("title_fr", "title_en", "text_fr", "text_en")
RULE_FIELDS = ("opens_at", "time_zone", "eligible_kinds", "eligible_size_bands", "eligible_regions",
               "requires_good_standing", "max_amount", "max_share_of_cost", "required_documents", "passing_score")
CALL_FIELDS = (*TEXT_FIELDS, "closes_at", *RULE_FIELDS)
CRITERION_FIELDS = ("name_fr", "name_en", "weight", "max_score")
CHOICES = {"eligible_kinds": OrganisationKind, "eligible_size_bands": SizeBand, "eligible_regions": Region,
           "required_documents": DocumentKind}
# The passing score is read against the weighted score as a percentage of the grid's maximum.
MAX_PASSING_SCORE = Decimal(100)


def create_call(*, actor, program: Program, data: Mapping, certifications: Iterable[CertificationType] = (),
                criteria: Iterable[Mapping] = ()) -> Call:
    """A new call of the program, as a draft (nobody but the staff sees it until it is published)."""
    require(actor, "programs.manage_program")
    with transaction.atomic():
        call = Call(program=program, created_by=actor, status=CallStatus.DRAFT,
                    **{name: data[name] for name in CALL_FIELDS if name in data})
        _check(call)
        call.save()
        call.required_certifications.set(certifications)
        _set_criteria(call, list(criteria))
        audit.record(actor, "call.created", call, after=_state(call))
    return call


def update_call(*, actor, call: Call, data: Mapping, certifications: Iterable[CertificationType] | None = None,
                criteria: Iterable[Mapping] | None = None) -> Call:
    """Change the call: anything while it is a draft; once published, its texts and a later deadline only."""
    require(actor, "programs.manage_program")
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        before = _state(call)
        original = {name: getattr(call, name) for name in CALL_FIELDS}
        if call.status == CallStatus.CLOSED:
            raise Conflict(_("This call is closed: it can no longer be changed."), code="call_closed")
        for name in CALL_FIELDS:
            if name in data:
                setattr(call, name, data[name])
        criteria = list(criteria) if criteria is not None else None
        if call.status == CallStatus.PUBLISHED:
            _check_published_change(call, original, before, certifications, criteria)
        _check(call)
        call.save()
        if call.status == CallStatus.DRAFT:
            if certifications is not None:
                call.required_certifications.set(certifications)
            if criteria is not None:
                _set_criteria(call, criteria)
        call.refresh_from_db()
        after = _state(call)
        if after != before:
            audit.record(actor, "call.changed", call, before=before, after=after)
            if call.status != CallStatus.DRAFT:
                feed_versions.bump_cluster()  # its title or deadline, in every eligible member's feed
    return call


def publish_call(*, actor, call: Call) -> Call:
    """Publish a draft call in French and English: it needs its grid and a deadline still to come."""
    require(actor, "programs.manage_program")
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if call.status != CallStatus.DRAFT:
            raise Conflict(_("Only a draft call is published."), code="not_draft")
        problems = []
        if not call.criteria.exists():
            problems.append(_("Give it an evaluation grid of at least one criterion."))
        if call.closes_at <= timezone.now():
            problems.append(_("Its deadline (%(deadline)s) has passed: set one to come.") % {
                "deadline": _in_call_zone(call)})
        if problems:
            raise ValidationError(_("The call cannot be published yet. %(problems)s") % {
                "problems": " ".join(problems)}, code="not_publishable")
        call.status = CallStatus.PUBLISHED
        call.save(update_fields=["status", "updated_at"])
        audit.record(actor, "call.published", call, before={"status": CallStatus.DRAFT},
                     after={"status": call.status})
        feed_versions.bump_cluster()
    return call


def close_call(*, actor, call: Call) -> Call:
    """Close a published call: it takes no more applications, whatever its deadline."""
    require(actor, "programs.manage_program")
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if call.status != CallStatus.PUBLISHED:
            raise Conflict(_("Only a published call is closed."), code="not_published")
        call.status = CallStatus.CLOSED
        call.save(update_fields=["status", "updated_at"])
        audit.record(actor, "call.closed", call, before={"status": CallStatus.PUBLISHED},
                     after={"status": call.status})
        feed_versions.bump_cluster()
    return call


def _in_call_zone(call: Call, moment=None) -> str:
    """A moment (the call's deadline by default) as the call's time zone reads it, the zone named."""
    moment = timezone.localtime(moment or call.closes_at, call.zone)
    return f"{formats.date_format(moment, 'DATETIME_FORMAT')} ({call.time_zone})"


def _check_published_change(call: Call, original: dict, before: dict, certifications, criteria) -> None:
    """Refuse any change to what a published call told members, and a deadline brought forward."""
    changed = [name for name in RULE_FIELDS if getattr(call, name) != original[name]]
    if certifications is not None and sorted(c.pk for c in certifications) != before["required_certifications"]:
        changed.append("required_certifications")
    if criteria is not None and [_criterion_json(c) for c in criteria] != before["criteria"]:
        changed.append("criteria")
    if changed:
        raise Conflict(_("This call is published: its rules and evaluation grid can no longer change, only its "
                         "texts may be corrected and its deadline extended."), code="published_rules")
    if call.closes_at < original["closes_at"]:
        deadline = _in_call_zone(call, original["closes_at"])
        raise ValidationError({"closes_at": _("The deadline of a published call may only be extended: it is "
                                              "%(deadline)s.") % {"deadline": deadline}}, code="deadline_earlier")


def _check(call: Call) -> None:
    errors = {}
    for name, choices in CHOICES.items():
        unknown = [value for value in getattr(call, name) if value not in choices.values]
        if unknown:
            errors[name] = _("Not a choice: %(values)s.") % {"values": ", ".join(map(str, unknown))}
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        errors["closes_at"] = _("The deadline must come after the opening.")
    if call.passing_score is not None and call.passing_score > MAX_PASSING_SCORE:
        errors["passing_score"] = _("The passing score is out of 100.")
    if errors:
        raise ValidationError(errors)
    call.full_clean(exclude=["created_by", "program"])


def _set_criteria(call: Call, rows: list[Mapping]) -> None:
    """The grid of a draft call, replaced (nobody has scored it yet)."""
    names = [row["name_fr"].strip().casefold() for row in rows]
    if len(set(names)) != len(names):
        raise ValidationError(_("Two criteria have the same French name."), code="duplicate_criterion")
    for row in rows:
        if row["weight"] <= 0 or row["max_score"] <= 0:
            raise ValidationError(_("A criterion's weight and maximum score must be more than zero."),
                                  code="criterion_not_positive")
    call.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(call=call, position=position, name_fr=row["name_fr"].strip(), name_en=row["name_en"].strip(),
                  weight=row["weight"], max_score=row["max_score"]) for position, row in enumerate(rows))


def _criterion_json(row) -> list:
    """A criterion (a row typed, or one stored) as the audit keeps it and as rows are compared."""
    values = row if isinstance(row, Mapping) else {name: getattr(row, name) for name in CRITERION_FIELDS}
    return [values["name_fr"].strip(), values["name_en"].strip(), str(Decimal(values["weight"]).quantize(CENT)),
            int(values["max_score"])]


def _state(call: Call) -> dict:
    """What the audit keeps of a call: its fields, certifications and grid."""
    state = {name: audit.json_value(getattr(call, name)) for name in (*CALL_FIELDS, "status")}
    state["required_certifications"] = sorted(call.required_certifications.values_list("pk", flat=True))
    state["criteria"] = [_criterion_json(c) for c in call.criteria.all()]
    return state
