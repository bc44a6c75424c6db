"""The programs' reads that more than one page or endpoint needs."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone

from grappe.members.models import Certification, Organisation

from .eligibility import Reason, reasons_not_eligible
from .models import Application, Call, CallStatus, Program


def open_calls(now=None) -> QuerySet:
    """Published calls taking applications now, the soonest deadline first."""
    now = now or timezone.now()
    return (Call.objects.filter(status=CallStatus.PUBLISHED, opens_at__lte=now, closes_at__gt=now)
            .select_related("program").prefetch_related("required_certifications").order_by("closes_at"))


@dataclass(frozen=True)
class CallForMember:
    call: Call
    reasons: list[Reason]

    @property
    def eligible(self) -> bool:
        return not self.reasons


def open_calls_for(organisation: Organisation | None, now=None) -> list[CallForMember]:
    """Every open call, with why the organisation may not apply to it (nothing when it may); eligible ones first."""
    now = now or timezone.now()
    calls = list(open_calls(now))
    if organisation is None:
        return [CallForMember(call, []) for call in calls]
    # The signed-in user's organisation is loaded already: only its certifications are read (one query).
    prefetch_related_objects([organisation], Prefetch("certifications", Certification.objects.all()))
    today = timezone.localdate(now)
    rows = [CallForMember(call, reasons_not_eligible(call, organisation, today)) for call in calls]
    return sorted(rows, key=lambda row: not row.eligible)


def programs_with_figures() -> QuerySet:
    return Program.objects.annotate(call_count=Count("calls")).order_by("-created_at")


def call_applications(call: Call) -> QuerySet:
    """A call's applications for the staff, with the size of each one's consortium (0: alone)."""
    return (Application.objects.filter(call=call).select_related("lead")
            .annotate(consortium_size=Count("consortium")).order_by("status", "title"))
