"""Writes about a member's confidential succession wish (to sell, to find a successor, to merge): raise the
flag, change it, withdraw it.

Each function checks the actor's right, works in one transaction, leaves an audit entry and, for a new flag,
tells the cluster staff once the transaction commits.
"""

from django.db import transaction
from django.urls import reverse

from grappe.core import audit, notify
from grappe.core.permissions import require
from grappe.members.models import Organisation
from grappe.members.selectors import staff_users

from ..models import SuccessionFlag


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
    notify.send(staff_users(), "partnering.succession_flagged",
                {"flag_id": flag.pk, "organisation": str(flag.organisation), "wish": flag.kind},
                reverse("partnering:staff-succession"))
