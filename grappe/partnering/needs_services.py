"""Writes about what a member needs (declared needs) and its confidential succession wish.

Each function checks the actor's right, works in one transaction, leaves an audit entry and, for a new
succession flag, tells the cluster staff once the transaction commits.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from grappe.core import audit, notify
from grappe.core.permissions import require
from grappe.members.models import Capability, CertificationType, Organisation
from grappe.members.selectors import staff_users
from matching.text import fold

from .models import DeclaredNeed, NeedKind, SuccessionFlag

# Declared needs ---------------------------------------------------------------------------------


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


# Succession flags -------------------------------------------------------------------------------


def raise_succession_flag(*, actor, organisation: Organisation, kind: str, horizon: str = "",
                          note: str = "") -> SuccessionFlag:
    """Tell the staff, in confidence, that the owner wishes to sell, seeks a successor or is open to a merger.

    An organisation has one current flag (a database constraint): raising it again changes it.
    """
    require(actor, "partnering.manage_succession_flag", organisation)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).exists()
        flag = organisation.succession_flags.filter(is_active=True).first()
        if flag is None:
            flag = SuccessionFlag.objects.create(organisation=organisation, kind=kind, horizon=horizon.strip(),
                                                 note=note.strip(), created_by=actor)
            audit.record(actor, "succession.raised", flag, after=audit.snapshot(flag))
            notify.on_commit(_tell_staff_of_flag, flag)
        else:
            before = audit.snapshot(flag)
            flag.kind, flag.horizon, flag.note = kind, horizon.strip(), note.strip()
            flag.save(update_fields=["kind", "horizon", "note"])
            audit.record(actor, "succession.changed", flag, before=before, after=audit.snapshot(flag))
    return flag


def withdraw_succession_flag(*, actor, flag: SuccessionFlag) -> None:
    require(actor, "partnering.manage_succession_flag", flag.organisation)
    with transaction.atomic():
        flag = SuccessionFlag.objects.select_for_update().get(pk=flag.pk)
        if not flag.is_active:
            return
        flag.is_active = False
        flag.save(update_fields=["is_active"])
        audit.record(actor, "succession.withdrawn", flag)


def _tell_staff_of_flag(flag: SuccessionFlag) -> None:
    """Each staff member hears of it in the language they chose."""
    recipients = list(staff_users())
    for language, _name in settings.LANGUAGES:
        users = [user for user in recipients if user.language == language]
        if users:
            with translation.override(language):
                text = _("%(organisation)s flagged a succession wish: %(wish)s.") % {
                    "organisation": flag.organisation, "wish": flag.get_kind_display()}
                notify.send(users, text, reverse("partnering:staff-succession"))
