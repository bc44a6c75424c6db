"""What the staff make public of a program's results: a funded project's summary, published for the government
observers (its title, lead organisation, amount granted and summary), or withdrawn again. Audited."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit
from grappe.core.errors import Conflict
from grappe.core.permissions import require

from ..models import Application, Decision, Outcome


def set_summary_published(*, actor, application: Application, published: bool) -> Decision:
    """Publish (or withdraw) a funded application's summary for the observers. Publishing twice keeps the first
    date; only a funded application's summary may be published."""
    require(actor, "programs.manage_program")
    with transaction.atomic():
        decision = Decision.objects.select_for_update().filter(application=application).first()
        if decision is None or decision.outcome != Outcome.FUNDED:
            raise Conflict(_("Only a funded project's summary may be published."), code="not_funded")
        if (decision.summary_published_at is not None) == published:
            return decision
        before = {"summary_published_at": audit.snapshot(decision)["summary_published_at"]}
        decision.summary_published_at = timezone.now() if published else None
        decision.summary_published_by = actor if published else None
        decision.save(update_fields=["summary_published_at", "summary_published_by"])
        audit.record(actor, "application.summary_published" if published else "application.summary_withdrawn",
                     application, before=before,
                     after={"summary_published_at": audit.snapshot(decision)["summary_published_at"]})
    return decision
