"""The programs officer's writes on a whole call: screening every submitted application at once, and the
committee's decisions recorded in bulk, all or nothing.

Each application goes through the same service as one alone does (applications.screen, decisions.decide), so
the checks, the audit entries and the notifications are the same. Lock order: the program's row first (as
budget.py takes it), then the applications' in the order of their ids, so that two bulk writes on one call run
one after the other and never deadlock.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.core.errors import reason
from grappe.core.permissions import require
from grappe.members.models import User

from ..models import Application, ApplicationStatus, Call, Decision, Outcome
from . import applications, decisions
from .budget import locked_program


def screen_call(*, actor: User, call: Call) -> list[Application]:
    """Screen every submitted application of the call from its rules (eligible or not, with the reasons
    computed at submission); one audit entry each. Applications screened meanwhile by someone else are left."""
    require(actor, "programs.manage_program")
    with transaction.atomic():
        pending = list(Application.objects.select_for_update()
                       .filter(call=call, status=ApplicationStatus.SUBMITTED).order_by("pk"))
        return [applications.screen(actor=actor, application=application) for application in pending]


@dataclass(frozen=True)
class Choice:
    """One row of a bulk decision: fund (the amount granted) or decline (with the reason)."""

    application: Application
    outcome: str
    amount: Decimal | None = None
    reason: str = ""


class RowsRefused(ValidationError):
    """Some rows of a bulk decision were refused, so none was recorded. `rows` says why, per application id."""

    def __init__(self, rows: dict[int, str]):
        self.rows = rows
        super().__init__(ngettext(
            "%(count)d application could not be decided; nothing was recorded. Correct it and submit again.",
            "%(count)d applications could not be decided; nothing was recorded. Correct them and submit again.",
            len(rows)) % {"count": len(rows)}, code="rows_refused")


def decide_many(*, actor: User, call: Call, choices: list[Choice]) -> list[Decision]:
    """Record the committee's decisions on several applications of a call in one transaction: either every row
    is recorded, or none is and `RowsRefused` says why each refused row was (decided already, not evaluated,
    more than asked, no reason to a decline, past what the envelope has left once the funded decisions still
    waiting for their commitment are counted: decisions.decide checks each row as it does alone)."""
    require(actor, "programs.manage_program")
    if not choices:
        raise ValidationError(_("Select at least one application to decide."), code="nothing_selected")
    refused: dict[int, str] = {}
    made = []
    with transaction.atomic():
        locked_program(actor, call.program_id)  # decisions.decide takes it again, as it does alone
        for choice in sorted(choices, key=lambda c: c.application.pk):
            try:
                with transaction.atomic():
                    made.append(_decide(actor, call, choice))
            except ValidationError as error:
                refused[choice.application.pk] = reason(error)
        if refused:
            raise RowsRefused(refused)
    return made


def _decide(actor: User, call: Call, choice: Choice) -> Decision:
    if choice.application.call_id != call.pk:
        raise ValidationError(_("This application is not one of this call's."), code="other_call")
    if choice.outcome == Outcome.DECLINED and not choice.reason.strip():
        raise ValidationError(_("Say why the application is declined."), code="reason_required")
    return decisions.decide(actor=actor, application=choice.application, outcome=choice.outcome,
                            amount=choice.amount, reason=choice.reason)
