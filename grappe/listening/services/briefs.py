"""Writes of listening's government brief: one click makes it, the staff add recommendations, publishing freezes
it.

A draft's figures (selectors.briefs.compute_figures) can be refreshed; its PDF and XLSX (documents.py) are
drawn from them on demand. `publish_brief` computes them one last time and stores the figures and both files:
a published brief never changes, whatever happens to the data, the templates or the threshold afterwards.
Every observer reads it, so publishing records its segments' populations in the aggregation service's one
ledger (see selectors.briefs), and the observers are told.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit, notify
from grappe.core.permissions import require
from grappe.members.models import User

from .. import documents
from ..models import Brief, BriefStatus
from ..selectors.briefs import compute_figures


def create_brief(*, actor, period_start: datetime.date, period_end: datetime.date, language: str) -> Brief:
    """A draft brief for the period, its figures computed now."""
    require(actor, "listening.manage_briefs")
    if period_start > period_end:
        raise ValidationError(_("The period must start before it ends."), code="period")
    with transaction.atomic():
        brief = Brief.objects.create(period_start=period_start, period_end=period_end, language=language,
                                     created_by=actor)
        brief.figures = compute_figures(brief)
        brief.save(update_fields=["figures"])
        audit.record(actor, "brief.created", brief, after={"period": [str(period_start), str(period_end)],
                                                            "language": language})
    return brief


def _draft(actor, brief: Brief) -> Brief:
    require(actor, "listening.manage_briefs", brief)
    brief = Brief.objects.select_for_update().get(pk=brief.pk)
    if brief.is_published:
        raise ValidationError(_("This brief is published: it can no longer change."), code="published")
    return brief


def update_recommendations(*, actor, brief: Brief, recommendations: str) -> Brief:
    with transaction.atomic():
        brief = _draft(actor, brief)
        before = brief.recommendations
        brief.recommendations = recommendations
        brief.save(update_fields=["recommendations", "updated_at"])
        audit.record(actor, "brief.recommendations_edited", brief, before={"recommendations": before},
                     after={"recommendations": recommendations})
    return brief


def refresh_figures(*, actor, brief: Brief) -> Brief:
    with transaction.atomic():
        brief = _draft(actor, brief)
        brief.figures = compute_figures(brief)
        brief.save(update_fields=["figures", "updated_at"])
        audit.record(actor, "brief.refreshed", brief)
    return brief


def publish_brief(*, actor, brief: Brief) -> Brief:
    """Freeze the brief: figures computed one last time, the PDF and XLSX stored; observers are told."""
    with transaction.atomic():
        brief = _draft(actor, brief)
        brief.figures = compute_figures(brief, publishing=True)
        brief.status, brief.published_at, brief.published_by = BriefStatus.PUBLISHED, timezone.now(), actor
        brief.pdf, brief.xlsx = documents.render_brief_pdf(brief), documents.render_brief_xlsx(brief)
        brief.save()
        audit.record(actor, "brief.published", brief, after={"published_at": brief.published_at.isoformat()})
        notify.on_commit(_tell_observers, brief.pk)
    return brief


def _tell_observers(brief_id: int) -> None:
    brief = Brief.objects.get(pk=brief_id)
    notify.send(User.objects.filter(role="observer", is_active=True), "listening.brief_published",
                {"brief_id": brief.pk, "start": brief.period_start.isoformat(), "end": brief.period_end.isoformat(),
                 "language": brief.language},
                reverse("listening:brief-detail", args=[brief.pk]))
