"""Writes about what a member needs (declared needs): declare one, withdraw it.

Each function checks the actor's right, works in one transaction and leaves an audit entry.
"""

from django.db import transaction

from grappe.core import audit
from grappe.core.permissions import require
from grappe.members.models import Capability, CertificationType, Organisation
from matching.text import fold

from ..models import DeclaredNeed, NeedKind


def declare_need(*, actor, organisation: Organisation, kind: str, capability: Capability | None = None,
                 certification_type: CertificationType | None = None, description: str = "") -> DeclaredNeed:
    """Declare that an organisation needs something. Declaring the same need twice updates it: one active
    need per competency (a database constraint), per certification type, or per wording of a free text."""
    require(actor, "partnering.manage_declared_needs", organisation)
    # A need names a competency only when it is one, a certification only when it is an audit.
    capability = capability if kind == NeedKind.COMPETENCY else None
    certification_type = certification_type if kind == NeedKind.CERTIFICATION_AUDIT else None
    description = description.strip()
    with transaction.atomic():
        # One writer of an organisation's needs at a time, so two identical declarations make one need.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).exists()
        need = _same_active_need(organisation, kind, capability, certification_type, description)
        if need is None:
            need = DeclaredNeed.objects.create(
                organisation=organisation, kind=kind, capability=capability,
                certification_type=certification_type, description=description, created_by=actor)
            audit.record(actor, "need.declared", need, after=audit.snapshot(need))
        elif need.description != description:
            before = audit.snapshot(need)
            need.description = description
            need.save(update_fields=["description"])
            audit.record(actor, "need.changed", need, before=before, after=audit.snapshot(need))
    return need


def _same_active_need(organisation, kind, capability, certification_type, description) -> DeclaredNeed | None:
    needs = DeclaredNeed.objects.filter(organisation=organisation, kind=kind, is_active=True)
    if capability is not None:
        return needs.filter(capability=capability).first()
    if certification_type is not None:
        return needs.filter(certification_type=certification_type).first()
    wording = fold(description)
    return next((need for need in needs.filter(capability=None, certification_type=None)
                 if fold(need.description) == wording), None)


def withdraw_need(*, actor, need: DeclaredNeed) -> None:
    """The organisation no longer needs it. Kept (inactive) so that the audit trail can still point to it."""
    require(actor, "partnering.manage_declared_needs", need.organisation)
    with transaction.atomic():
        need = DeclaredNeed.objects.select_for_update().get(pk=need.pk)
        if not need.is_active:
            return  # withdrawn by a double click or a colleague: nothing more to do
        need.is_active = False
        need.save(update_fields=["is_active"])
        audit.record(actor, "need.withdrawn", need)
