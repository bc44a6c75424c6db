"""Segments, the saved sets of organisations (members.segments reads them): create, change, delete."""

from django.db import transaction

from grappe.core import audit
from grappe.core.permissions import require

from ..models import Capability, CertificationType, Segment

SEGMENT_LISTS = ("kinds", "size_bands", "regions", "membership_statuses")


def _segment_snapshot(segment: Segment) -> dict:
    return {**audit.snapshot(segment),
            "capabilities": sorted(segment.capabilities.values_list("pk", flat=True)),
            "certification_types": sorted(segment.certification_types.values_list("pk", flat=True))}


def save_segment(*, actor, data: dict, segment: Segment | None = None) -> Segment:
    """Create or change a segment from a SegmentForm's cleaned data. Audited with its criteria."""
    require(actor, "members.manage_segments")
    with transaction.atomic():
        if segment is None:
            segment, before = Segment(created_by=actor), None
        else:
            segment = Segment.objects.select_for_update().get(pk=segment.pk)
            before = _segment_snapshot(segment)
        segment.name = data["name"].strip()
        for name in SEGMENT_LISTS:
            setattr(segment, name, sorted(set(data.get(name) or ())))
        segment.save()
        segment.capabilities.set(Capability.objects.filter(pk__in=data.get("capabilities") or ()))
        segment.certification_types.set(
            CertificationType.objects.filter(pk__in=data.get("certification_types") or ()))
        after = _segment_snapshot(segment)
        if before != after:
            audit.record(actor, "segment.created" if before is None else "segment.changed", segment,
                         before=before, after=after)
    return segment


def delete_segment(*, actor, segment: Segment) -> None:
    """Delete a segment. One that a survey or a bulletin still uses is protected by their foreign keys
    (ProtectedError), and nothing is deleted."""
    require(actor, "members.manage_segments")
    with transaction.atomic():
        audit.record(actor, "segment.deleted", segment, before=_segment_snapshot(segment))
        segment.delete()
