"""The staff's page of one bulletin: where it stands, whom it reaches, its sending's progress, and the buttons to
schedule, unschedule, send now or cancel it. Thin: parse, call one service (services/sending.py), render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused

from .. import selectors, targeting
from ..forms.sending import ScheduleForm
from ..models import Bulletin, BulletinStatus
from ..services import sending


def _bulletin(pk) -> Bulletin:
    return get_object_or_404(Bulletin.objects.select_related("segment", "created_by"), pk=pk)


def _page(request, bulletin: Bulletin, form: ScheduleForm | None = None):
    if form is None:
        form = ScheduleForm(initial={"when": bulletin.scheduled_for} if bulletin.scheduled_for else None)
    editable = bulletin.status in sending.SENDABLE
    return render(request, "bulletins/staff_detail.html", {
        "bulletin": bulletin, "form": form, "target": selectors.target_in_words(bulletin),
        "reach": targeting.reach(bulletin.category, targeting.Target.of(bulletin)) if editable else None,
        "job": selectors.last_send_job(bulletin), "statuses": BulletinStatus,
        "may_schedule": editable, "may_cancel": bulletin.status in (*sending.SENDABLE, BulletinStatus.SENDING),
        "may_send": editable or bulletin.status == BulletinStatus.SENDING,
    })


def _back(bulletin: Bulletin):
    return redirect("bulletins:staff-detail", pk=bulletin.pk)


@page_for("bulletins.manage_bulletins")
def staff_detail(request, pk):
    return _page(request, _bulletin(pk))


@page_for("bulletins.manage_bulletins")
def send_progress(request, pk):
    """The sending's progress bar, polled by htmx; once the job is over, the page reloads to show the result."""
    bulletin = _bulletin(pk)
    job = selectors.last_send_job(bulletin)
    if job is None:
        raise Http404
    if request.htmx and not job.busy:
        return HttpResponseClientRefresh()
    return render(request, "bulletins/_send_progress.html", {"bulletin": bulletin, "job": job})


@require_POST
@page_for("bulletins.manage_bulletins")
def schedule(request, pk):
    bulletin = _bulletin(pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            url = submit_once(form.cleaned_data["form_token"], lambda: reverse("bulletins:staff-detail", args=[
                sending.schedule(actor=request.user, bulletin=bulletin, when=form.cleaned_data["when"]).pk]))
            messages.success(request, _("The bulletin is scheduled."))
            return redirect(url)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)  # beside its field (a time in the past)
            else:
                refused(request, error)
    return _page(request, bulletin, form)


def _act(request, pk, service, done: str):
    """A button of the page: the service acts on the bulletin, and the page says what it did or why not."""
    bulletin = _bulletin(pk)
    try:
        service(actor=request.user, bulletin=bulletin)
        messages.success(request, done)
    except ValidationError as error:
        refused(request, error)
    return _back(bulletin)


@require_POST
@page_for("bulletins.manage_bulletins")
def unschedule(request, pk):
    return _act(request, pk, sending.unschedule, _("The bulletin is back to draft: it will not be sent."))


@require_POST
@page_for("bulletins.manage_bulletins")
def send(request, pk):
    return _act(request, pk, sending.send_now, _("The bulletin is being sent."))


@require_POST
@page_for("bulletins.manage_bulletins")
def cancel(request, pk):
    return _act(request, pk, sending.cancel, _("The bulletin is cancelled."))
