"""A program as the staff set it up: its funder, names, rules and envelope. The envelope may grow or shrink,
never below what is already committed: the change locks the program's row, the first lock of every write of its
money (services/budget.py), so no commitment slips in between the check and the change."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grappe.core import audit
from grappe.core.amounts import format_amount
from grappe.core.permissions import require

from ..models import Program
from .budget import locked_program

PROGRAM_FIELDS = ("funder", "name_fr", "name_en", "envelope", "rules_fr", "rules_en")


def create_program(*, actor, data: Mapping) -> Program:
    require(actor, "programs.manage_program")
    with transaction.atomic():
        program = Program(created_by=actor, **{name: data[name] for name in PROGRAM_FIELDS if name in data})
        program.full_clean(exclude=["created_by"])
        program.save()
        audit.record(actor, "program.created", program, after=audit.snapshot(program))
    return program


def update_program(*, actor, program: Program, data: Mapping) -> Program:
    """Change the program. An envelope below what is committed is refused, with both figures."""
    with transaction.atomic():
        program = locked_program(actor, program.pk)
        before = audit.snapshot(program)
        for name in PROGRAM_FIELDS:
            if name in data:
                setattr(program, name, data[name])
        if program.envelope < program.committed:
            raise ValidationError(
                {"envelope": _("The envelope cannot be less than what is already committed: %(committed)s are "
                               "committed, %(envelope)s was asked.") % {
                    "committed": format_amount(program.committed), "envelope": format_amount(program.envelope)}},
                code="below_committed")
        program.full_clean(exclude=["created_by"])
        program.save()
        audit.record(actor, "program.changed", program, before=before, after=audit.snapshot(program))
    return program
