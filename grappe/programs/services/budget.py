"""The money of a program: funds committed from its envelope to funded applications, and disbursements paid
against a commitment at its milestones. The sum of commitments never exceeds the envelope, and what is paid never
exceeds what was committed, however many people commit at once.

Lock order, for every write of a program's money: Program → Call → Application (and its Decision) → Commitment →
Milestone → Claim. Every write here locks the Program row first (`SELECT … FOR UPDATE`), then the rows it changes
in that order. Two writes to one program therefore run one after the other, and no two
writes can each hold a lock the other waits for: no deadlock. The running totals (Program.committed and
.disbursed, Commitment.disbursed) are read and written under that lock, and check constraints in the database
refuse any total past its bound, should some other code forget the lock.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from grappe.core import audit, notify
from grappe.core.amounts import format_amount
from grappe.core.errors import Conflict
from grappe.core.permissions import require
from ..models import Application, ApplicationStatus, Commitment, Decision, Disbursement, Milestone, Outcome, Program
from .notices import tell_lead


def locked_program(actor, program_id: int) -> Program:
    """The program as it is now, locked until the transaction ends, if the actor runs programs. The first lock
    every write of the program's money takes."""
    require(actor, "programs.manage_program")
    return Program.objects.select_for_update().get(pk=program_id)


def commit_funds(*, actor, application: Application, amount: Decimal) -> Commitment:
    """Set `amount` of the program's envelope aside for a funded application, at most what its decision granted.
    Refused, with both figures, past the grant, and with what remains when the envelope cannot hold it."""
    _check_positive(amount)
    with transaction.atomic():
        program = locked_program(actor, application.call.program_id)
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != ApplicationStatus.FUNDED:
            raise Conflict(_("Only a funded application receives a commitment."), code="not_funded")
        if Commitment.objects.filter(application=application).exists():
            raise Conflict(_("Funds are already committed to this application."), code="already_committed")
        decision = Decision.objects.select_for_update().filter(application=application).first()
        if decision is None or decision.outcome != Outcome.FUNDED or decision.amount is None:
            raise Conflict(_("Only a funded application receives a commitment."), code="not_funded")
        if amount > decision.amount:
            raise ValidationError(
                _("%(amount)s is more than the %(granted)s granted.") % {
                    "amount": format_amount(amount), "granted": format_amount(decision.amount)},
                code="above_grant")
        if amount > program.remaining:
            raise ValidationError(
                _("The envelope cannot hold %(amount)s: %(remaining)s remain of %(envelope)s.") % {
                    "amount": format_amount(amount), "remaining": format_amount(program.remaining),
                    "envelope": format_amount(program.envelope)},
                code="envelope_exceeded")
        commitment = Commitment.objects.create(program=program, application=application, amount=amount,
                                               committed_by=actor)
        Program.objects.filter(pk=program.pk).update(committed=F("committed") + amount)
        audit.record(actor, "commitment.created", commitment, after=audit.snapshot(commitment))
        notify.on_commit(tell_lead, application, "programs.funds_committed", amount=str(amount))
    return commitment


def pay_milestone(*, actor, milestone: Milestone, amount: Decimal, paid_on: datetime.date) -> Disbursement:
    """Pay `amount` at a milestone of a commitment: the one way money is paid, a staff payment and an approved claim
    alike (services/milestones.py). Milestone.paid, Commitment.disbursed and Program.disbursed move together under
    the locks. Refused, with what remains, past the milestone or the commitment."""
    _check_positive(amount)
    with transaction.atomic():
        locked_program(actor, milestone.commitment.program_id)
        commitment = Commitment.objects.select_for_update().get(pk=milestone.commitment_id)
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if amount > milestone.remaining:
            raise ValidationError(
                _("%(amount)s is more than what remains of this milestone: %(remaining)s of %(milestone)s.") % {
                    "amount": format_amount(amount), "remaining": format_amount(milestone.remaining),
                    "milestone": format_amount(milestone.amount)}, code="milestone_exceeded")
        if amount > commitment.remaining:
            raise ValidationError(
                _("%(amount)s is more than what remains to pay on this commitment: %(remaining)s of "
                  "%(committed)s.") % {"amount": format_amount(amount), "remaining": format_amount(commitment.remaining),
                                       "committed": format_amount(commitment.amount)},
                code="commitment_exceeded")
        disbursement = Disbursement.objects.create(commitment=commitment, milestone=milestone, amount=amount,
                                                   paid_on=paid_on, recorded_by=actor)
        Milestone.objects.filter(pk=milestone.pk).update(paid=F("paid") + amount)
        Commitment.objects.filter(pk=commitment.pk).update(disbursed=F("disbursed") + amount)
        Program.objects.filter(pk=commitment.program_id).update(disbursed=F("disbursed") + amount)
        audit.record(actor, "disbursement.recorded", disbursement, after=audit.snapshot(disbursement))
    return disbursement


def _check_positive(amount: Decimal) -> None:
    if amount <= 0:
        raise ValidationError(_("An amount must be more than zero."), code="not_positive")

