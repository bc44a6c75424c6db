"""A member's greening commitments: a reduction target from a base year, or a pledge (ISO 14001, SBTi, net zero).

A reduction target is measured against a baseline, so its base year must have one; its target year comes after
the base year and its percentage is more than 0 and at most 100.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit
from grappe.core.errors import Conflict
from grappe.core.permissions import require

from ..models import Baseline, Commitment, CommitmentKind
from ..progress import progress_changed


def make_commitment(actor, organisation, *, kind: str, target_year: int, base_year: int | None = None,
                    reduction_percent: Decimal | None = None, note: str = "") -> Commitment:
    commitment = Commitment(organisation=organisation, kind=kind, target_year=target_year, note=note, made_by=actor)
    require(actor, "greening.edit_figures", commitment)
    if kind not in CommitmentKind.values:
        raise ValidationError(_("Unknown kind of commitment."))
    if kind == CommitmentKind.REDUCTION:
        _check_reduction(organisation, target_year, base_year, reduction_percent)
        commitment.base_year, commitment.reduction_percent = base_year, Decimal(reduction_percent)
    elif target_year < timezone.localdate().year:
        raise ValidationError(_("A pledge's target year cannot be in the past."))
    with transaction.atomic():
        commitment.save()
        audit.record(actor, "commitment.made", commitment, after={
            "kind": kind, "target_year": target_year, "base_year": commitment.base_year,
            "reduction_percent": None if commitment.reduction_percent is None else str(commitment.reduction_percent)})
        progress_changed()
    return commitment


def _check_reduction(organisation, target_year, base_year, percent) -> None:
    if base_year is None or percent is None:
        raise ValidationError(_("A reduction target needs a base year and a percentage."))
    if not Decimal(0) < Decimal(percent) <= Decimal(100):
        raise ValidationError(_("The reduction must be more than 0 % and at most 100 %."))
    if target_year <= base_year:
        raise ValidationError(_("The target year must come after the base year."))
    if not Baseline.objects.filter(organisation=organisation, year=base_year).exists():
        raise ValidationError(_("Record the baseline of %(year)s first: a reduction is measured from it.") % {
            "year": base_year})


def withdraw_commitment(actor, commitment: Commitment) -> Commitment:
    require(actor, "greening.edit_figures", commitment)
    with transaction.atomic():
        commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if commitment.withdrawn_at is not None:
            raise Conflict(_("This commitment is already withdrawn."))
        commitment.withdrawn_at = timezone.now()
        commitment.save(update_fields=["withdrawn_at"])
        audit.record(actor, "commitment.withdrawn", commitment)
        progress_changed()
    return commitment
