"""A funded project's milestones, its progress reports and its claims for money.

The staff set the milestones of a commitment (name, due date, amount): their sum never exceeds the commitment. At
each milestone the lead's people report progress and may claim up to what remains of it; the staff approve a
claim, which records its disbursement through services/budget.py (so the budget's invariants and locks hold), or
send it back with a reason. One claim awaits review per milestone at a time.

Lock order, the budget's: Program → Commitment → Milestone → Claim. The staff's writes take the program's row
first (budget.locked_program); a member's claim locks its milestone only, so no two writes wait on each other in
opposite orders. An approval checks the claim's status under its lock: approving twice (a double click, two
officers at once) pays once.
"""

import datetime
import uuid
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit, notify
from grappe.core.amounts import format_amount
from grappe.core.errors import Conflict
from grappe.core.permissions import require
from grappe.members.selectors import staff_users

from ..models import Claim, ClaimStatus, Commitment, Milestone, ProgressReport
from . import budget
from .notices import tell_lead


def set_milestones(*, actor, commitment: Commitment, rows: list[Mapping]) -> list[Milestone]:
    """Make the commitment's milestones those of `rows` ({"id": None for a new one, "name", "due_on", "amount"});
    those left out are removed. A milestone reported on is not removed, one already paid keeps at least what was
    paid, and the sum never exceeds the commitment (refused with both figures)."""
    with transaction.atomic():
        budget.locked_program(actor, commitment.program_id)
        commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
        current = {m.pk: m for m in Milestone.objects.select_for_update().filter(commitment=commitment)}
        before = _state(current.values())
        _check_rows(commitment, current, rows)
        kept = {row["id"] for row in rows if row.get("id")}
        for pk in set(current) - kept:
            if current[pk].reports.exists():  # a claim comes with its report
                raise Conflict(_("“%(name)s” has progress reports: it cannot be removed.") % {
                    "name": current[pk].name}, code="milestone_reported")
            current[pk].delete()
        # Names are unique per commitment: renamed rows first take a temporary name, so that two can swap.
        for row in rows:
            if row.get("id") and current[row["id"]].name != row["name"].strip():
                Milestone.objects.filter(pk=row["id"]).update(name=str(uuid.uuid4()))
        for row in rows:
            fields = {"name": row["name"].strip(), "due_on": row["due_on"], "amount": row["amount"]}
            if row.get("id"):
                Milestone.objects.filter(pk=row["id"]).update(**fields)
            else:
                Milestone.objects.create(commitment=commitment, **fields)
        milestones = list(Milestone.objects.filter(commitment=commitment))
        after = _state(milestones)
        if after != before:
            audit.record(actor, "commitment.milestones", commitment, before={"milestones": before},
                         after={"milestones": after})
    return milestones


def _check_rows(commitment: Commitment, current: dict[int, Milestone], rows: list[Mapping]) -> None:
    names = [row["name"].strip().casefold() for row in rows]
    if len(set(names)) != len(names):
        raise ValidationError(_("Two milestones have the same name."), code="duplicate_milestone")
    for row in rows:
        if row.get("id") and row["id"] not in current:
            raise ValidationError(_("A milestone of another commitment was given."), code="unknown_milestone")
        if row["amount"] <= 0:
            raise ValidationError(_("An amount must be more than zero."), code="not_positive")
        paid = current[row["id"]].paid if row.get("id") else Decimal(0)
        if row["amount"] < paid:
            raise ValidationError(
                _("“%(name)s” cannot be less than the %(paid)s already paid at it.") % {
                    "name": row["name"], "paid": format_amount(paid)}, code="below_paid")
    total = sum((row["amount"] for row in rows), Decimal(0))
    if total > commitment.amount:
        raise ValidationError(
            _("The milestones add up to %(total)s, more than the %(committed)s committed.") % {
                "total": format_amount(total), "committed": format_amount(commitment.amount)},
            code="milestones_exceed_commitment")


def _state(milestones) -> list[dict]:
    return [{"id": m.pk, "name": m.name, "due_on": str(m.due_on), "amount": str(m.amount)}
            for m in sorted(milestones, key=lambda m: m.pk)]


def claimable(milestone: Milestone) -> Decimal:
    """What may still be claimed at the milestone: what remains of it, within what remains of the commitment."""
    return min(milestone.remaining, milestone.commitment.remaining)


def submit_report(*, actor, milestone: Milestone, text: str, amount: Decimal | None = None) -> ProgressReport:
    """The lead reports progress at a milestone and, with an amount, claims it (up to what remains of the
    milestone; one claim awaits review at a time). The staff are told of a claim."""
    application = milestone.commitment.application
    require(actor, "programs.report_progress", application)
    if not text.strip():
        raise ValidationError(_("Say what was done."), code="empty_report")
    if amount is not None and amount <= 0:
        raise ValidationError(_("An amount must be more than zero."), code="not_positive")
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().select_related("commitment").get(pk=milestone.pk)
        report = ProgressReport.objects.create(milestone=milestone, text=text.strip(), submitted_by=actor)
        audit.record(actor, "milestone.reported", report, after=audit.snapshot(report))
        if amount is not None:
            claim = _claim(actor, milestone, report, amount)
            notify.on_commit(_tell_staff, claim)
    return report


def _claim(actor, milestone: Milestone, report: ProgressReport, amount: Decimal) -> Claim:
    if Claim.objects.filter(milestone=milestone, status=ClaimStatus.PENDING).exists():
        raise Conflict(_("A claim at this milestone already awaits review."), code="claim_pending")
    remaining = claimable(milestone)
    if amount > remaining:
        raise ValidationError(
            {"amount": _("%(amount)s is more than what remains to claim at this milestone: %(remaining)s of "
                         "%(milestone)s.") % {"amount": format_amount(amount), "remaining": format_amount(remaining),
                                             "milestone": format_amount(milestone.amount)}},
            code="claim_exceeds_milestone")
    claim = Claim.objects.create(milestone=milestone, report=report, amount=amount, submitted_by=actor)
    audit.record(actor, "claim.submitted", claim, after=audit.snapshot(claim))
    return claim


def approve_claim(*, actor, claim: Claim, paid_on: datetime.date | None = None) -> Claim:
    """Approve a claim: its amount is paid (one disbursement, through services/budget.py) and the lead told.
    Approving an approved claim again (a double click) pays nothing more."""
    milestone = claim.milestone
    with transaction.atomic():
        budget.locked_program(actor, milestone.commitment.program_id)
        commitment = Commitment.objects.select_for_update().get(pk=milestone.commitment_id)
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.status == ClaimStatus.APPROVED:
            return claim
        _check_pending(claim)
        if claim.amount > milestone.remaining:
            raise ValidationError(
                _("%(amount)s is more than what remains of this milestone: %(remaining)s of %(milestone)s.") % {
                    "amount": format_amount(claim.amount), "remaining": format_amount(milestone.remaining),
                    "milestone": format_amount(milestone.amount)}, code="claim_exceeds_milestone")
        disbursement = budget.pay_milestone(actor=actor, milestone=milestone, amount=claim.amount,
                                            paid_on=paid_on or timezone.localdate())
        _review(actor, claim, ClaimStatus.APPROVED, disbursement=disbursement)
        notify.on_commit(tell_lead, commitment.application, "programs.claim_approved", milestone=milestone.name,
                         amount=str(claim.amount))
    return claim


def send_back_claim(*, actor, claim: Claim, reason: str) -> Claim:
    """Send a claim back to the lead with the reason; it may claim again."""
    if not reason.strip():
        raise ValidationError(_("Say why the claim is sent back."), code="reason_required")
    milestone = claim.milestone
    with transaction.atomic():
        budget.locked_program(actor, milestone.commitment.program_id)
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        _check_pending(claim)
        _review(actor, claim, ClaimStatus.SENT_BACK, reason=reason.strip())
        notify.on_commit(tell_lead, milestone.commitment.application, "programs.claim_sent_back",
                         milestone=milestone.name, amount=str(claim.amount), reason=claim.reason)
    return claim


def _check_pending(claim: Claim) -> None:
    if claim.status != ClaimStatus.PENDING:
        raise Conflict(_("This claim was already reviewed: %(status)s.") % {"status": claim.get_status_display()},
                       code="claim_reviewed")


def _review(actor, claim: Claim, status: str, **fields) -> None:
    before = {"status": claim.status}
    claim.status, claim.reviewed_by, claim.reviewed_at = status, actor, timezone.now()
    for name, value in fields.items():
        setattr(claim, name, value)
    claim.save()
    audit.record(actor, f"claim.{status}", claim, before=before, after=audit.snapshot(claim))


def _tell_staff(claim: Claim) -> None:
    application = claim.milestone.commitment.application
    notify.send(staff_users(), "programs.claim_submitted",
                {"application_id": application.pk, "title": application.title, "milestone": claim.milestone.name,
                 "amount": str(claim.amount)}, reverse("programs:application-detail", args=[application.pk]))
