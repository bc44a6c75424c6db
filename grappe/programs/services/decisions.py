"""The committee's decision on an application: funded (with the amount granted) or declined, once, audited,
and told to the applicant. The one path of every decision, alone or in bulk (services/committee.py): it locks the
program first (budget.locked_program, the budget's lock order) and checks that what is granted and not yet
committed fits in what the envelope has left."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from grappe.core import audit, notify
from grappe.core.amounts import format_amount
from grappe.core.errors import Conflict
from grappe.core.permissions import require

from ..models import Application, ApplicationStatus, Decision, Outcome, Program
from .budget import locked_program
from .evaluation import TO_EVALUATE
from .notices import tell_lead


def decide(*, actor, application: Application, outcome: str, amount: Decimal | None = None,
           reason: str = "") -> Decision:
    """Record the decision on an evaluated (or eligible) application. A funded one says the amount granted, at
    most the amount asked; a decision is taken once."""
    require(actor, "programs.manage_program")
    funded = outcome == Outcome.FUNDED
    if funded and (amount is None or amount <= 0):
        raise ValidationError(_("Say how much is granted."), code="amount_required")
    with transaction.atomic():
        program = locked_program(actor, application.call.program_id)
        application = Application.objects.select_for_update().get(pk=application.pk)
        if Decision.objects.filter(application=application).exists():
            raise Conflict(_("This application is already decided."), code="decided")
        if application.status not in TO_EVALUATE:
            raise Conflict(_("Only an eligible application is decided."), code="not_eligible")
        if funded and amount > application.amount_requested:
            raise ValidationError(_("More is granted than was asked."), code="above_request")
        decision = Decision.objects.create(application=application, outcome=outcome,
                                           amount=amount if funded else None, reason=reason.strip(),
                                           decided_by=actor)
        before = {"status": application.status}
        application.status = ApplicationStatus.FUNDED if funded else ApplicationStatus.DECLINED
        application.save(update_fields=["status", "updated_at"])
        audit.record(actor, "application.decided", application, before=before,
                     after={"status": application.status,
                            "decision": audit.snapshot(decision, exclude=("id", "application"))})
        if funded:
            check_envelope(program, granted=amount)
        notify.on_commit(tell_lead, application, "programs.decided", outcome=outcome)
    return decision


def check_envelope(program: Program, granted: Decimal) -> None:
    """Funded decisions awaiting their commitment (those just made included) fit in what the envelope has left;
    `granted` is what the decisions being recorded grant. The program's row must be locked
    (budget.locked_program)."""
    waiting = (Decision.objects.filter(application__call__program=program, outcome=Outcome.FUNDED,
                                       application__commitment__isnull=True)
               .aggregate(total=Sum("amount"))["total"] or Decimal("0.00"))
    if waiting > program.remaining:
        raise ValidationError(
            _("These decisions grant %(granted)s; with the funded applications still awaiting their commitment, "
              "%(waiting)s would be owed, and the envelope has %(remaining)s left. Nothing was recorded.") % {
                "granted": format_amount(granted), "waiting": format_amount(waiting),
                "remaining": format_amount(program.remaining)},
            code="envelope_exceeded")
