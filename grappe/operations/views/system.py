"""The staff's system page: the task queue, the workers, what failed (retry, discard), the last backup.
Thin: reads selectors.py, acts through services/tasks.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core import charts
from grappe.core.pages import page_for, refused

from .. import selectors
from ..services import tasks


@page_for("operations.view_system")
def system(request):
    hours, done, failed = selectors.tasks_per_hour()
    chart = charts.line(
        [charts.Series(_("Done"), done), charts.Series(_("Failed"), failed)],
        [formats.time_format(timezone.localtime(hour), "H:i") for hour in hours],
        title=_("Background tasks in the last 24 hours"), x_title=_("Hour"), y_title=_("Tasks"),
    ) if any(done) or any(failed) else ""
    return render(request, "operations/system.html", {
        "queue": selectors.queue_summary(),
        "workers": selectors.worker_rows(),
        "failed_tasks": selectors.failed_tasks(),
        "failed_jobs": selectors.failed_jobs(),
        "failed_jobs_days": selectors.FAILED_JOBS_DAYS,
        "mail_given_up": selectors.mail_given_up(),
        "last_backup": selectors.last_backup(),
        "last_good_backup": selectors.last_good_backup(),
        "chart": chart,
    })


@require_POST
@page_for("operations.manage_tasks")
def task_retry(request, pk):
    return _act_on_task(request, tasks.retry_task, pk, _("The task is queued again."))


@require_POST
@page_for("operations.manage_tasks")
def task_discard(request, pk):
    return _act_on_task(request, tasks.discard_task, pk, _("The task is discarded."))


def _act_on_task(request, action, pk, done: str):
    """Run `action` (a service of services/tasks.py) on the failed task `pk`; back to the system page, saying how
    it went."""
    try:
        action(request.user, pk)
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(request, done)
    return redirect("operations:system")
