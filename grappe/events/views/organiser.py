"""The organiser's pages (cluster staff): events, registrations, phases, the scheduler, the schedule grid,
publishing, printing, exports and follow-ups. Thin: parse, call a service or a selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from grappe.core import downloads
from grappe.core.idempotency import submit_once
from grappe.core.models import JobStatus
from grappe.core.pages import page_for, refused
from grappe.core.paging import paginate
from grappe.core.permissions import require

from ..documents import exports
from ..forms.organiser import EventForm, PhaseForm, PlaceForm, RegistrationsForm, phase_actions
from ..models import Event, Meeting, MeetingRequest, PrintJob, RegistrationStatus, ScheduleRun
from ..selectors import organiser as selectors
from ..selectors import runs
from ..services import meetings, organiser, print_jobs, scheduling

PER_PAGE = 50


def _event(request, pk) -> Event:
    """The event, for the staff only (403 for anyone else signed in)."""
    require(request.user, "events.manage_event")
    return get_object_or_404(Event, pk=pk)


def _url(name: str, event: Event, *args) -> str:
    return reverse(f"events:{name}", args=[event.pk, *args])


@page_for("events.manage_event")
def event_list(request):
    page, query = paginate(request, Event.objects.all(), PER_PAGE)
    return render(request, "events/organiser/event_list.html", {"page": page, "query": query})


@page_for("events.manage_event")
def event_form(request, pk=None):
    event = get_object_or_404(Event, pk=pk) if pk else None
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        def work():
            data = form.cleaned_data
            saved = organiser.save_event(actor=request.user, event=event, data=form.event_data(),
                                         sessions=data["sessions"], tables=data["tables"])
            messages.success(request, _("The event is saved."))
            return _url("organiser-event", saved)
        try:
            return redirect(submit_once(form.cleaned_data["form_token"], work))
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "events/organiser/event_form.html", {"form": form, "event": event})


@login_required
def event_overview(request, pk):
    event = _event(request, pk)
    return render(request, "events/organiser/event_overview.html", {
        "event": event, "figures": selectors.event_figures(event), "actions": phase_actions(event),
        "sessions": event.sessions.all(), "tables": event.tables.all(), "tab": "overview"})


@login_required
@require_POST
def event_phase(request, pk):
    event = _event(request, pk)
    form = PhaseForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            if action == "publish":
                count = meetings.publish(actor=request.user, event=event)
                text = ngettext("%(count)s meeting published; participants are told.",
                                "%(count)s meetings published; participants are told.", count)
                messages.success(request, text % {"count": count})
            else:
                event = organiser.change_phase(actor=request.user, event=event, action=action)
                messages.success(request,
                                 _("The event is now at “%(phase)s”.") % {"phase": event.get_phase_display()})
        except ValidationError as error:
            refused(request, error)
    return redirect(request.POST.get("next") or _url("organiser-event", event))


@login_required
def registrations(request, pk):
    event = _event(request, pk)
    form = RegistrationsForm(request.POST or None, event=event)
    if request.method == "POST":
        if form.is_valid():
            validate = form.cleaned_data["action"] == "validate"
            count = organiser.answer_registrations(
                actor=request.user, event=event, registrations=form.cleaned_data["registrations"],
                validate=validate)
            text = (ngettext("%(count)s registration validated.", "%(count)s registrations validated.", count)
                    if validate else
                    ngettext("%(count)s registration refused.", "%(count)s registrations refused.", count))
            messages.success(request, text % {"count": count})
        else:
            messages.error(request, _("Tick at least one registration."))
        return redirect(request.get_full_path())
    status = request.GET.get("status", "")
    status = status if status in RegistrationStatus.values else ""
    page, query = paginate(request, selectors.registrations_for_review(event, status), PER_PAGE)
    return render(request, "events/organiser/registrations.html", {
        "event": event, "page": page, "query": query, "status": status,
        "statuses": RegistrationStatus.choices, "tab": "registrations"})


@login_required
def scheduler_page(request, pk):
    event = _event(request, pk)
    if request.method == "POST":
        return _start(request, event, scheduling.start_run, "organiser-scheduler")
    run = event.schedule_runs.first()
    return render(request, "events/organiser/scheduler.html", {
        "event": event, "run": run, "runs": event.schedule_runs.all()[:10], "tab": "scheduler",
        "unplaced": runs.unplaced_rows(run) if run and run.status == JobStatus.DONE else [],
        "can_run": event.phase in scheduling.RUNNABLE_PHASES,
        "more_percent": run.gap * 100 if run else 0, "first_draft_count": run.greedy_count if run else 0})


def _start(request, event: Event, start, page: str):
    """Start a background job (or find the one under way) and go back to its page, which shows its progress."""
    try:
        start(actor=request.user, event=event, language=get_language())
    except ValidationError as error:
        refused(request, error)
    return redirect(_url(page, event))


@login_required
def run_progress(request, pk, run_pk):
    """The scheduler run's progress bar, polled by htmx; once the run is over, the page reloads to show the
    results."""
    event = _event(request, pk)
    return _progress_bar(request, event, get_object_or_404(ScheduleRun, pk=run_pk, event=event),
                         "organiser-run-progress", "events/organiser/_run_progress.html")


def _progress_bar(request, event: Event, job: ScheduleRun | PrintJob, url_name: str, template: str):
    """The job's progress bar, polled by htmx at `url_name`; once the job is over, a reload of the whole page."""
    if request.htmx and not job.busy:
        return HttpResponseClientRefresh()
    return render(request, template, {"event": event, "job": job, "progress_url": _url(url_name, event, job.pk)})


@login_required
def schedule(request, pk):
    event = _event(request, pk)
    tables, rows = selectors.schedule_grid(event)
    run = runs.last_done_run(event)
    return render(request, "events/organiser/schedule.html", {
        "event": event, "tables": tables, "rows": rows, "actions": phase_actions(event), "tab": "schedule",
        "unplaced": runs.unplaced_rows(run) if run else []})


@login_required
def meeting_detail(request, pk, meeting_pk):
    """One meeting: move it to another slot or table (POST), or see why the move is refused."""
    event = _event(request, pk)
    meeting = get_object_or_404(selectors.event_meetings(event, live=False), pk=meeting_pk)
    form = PlaceForm(request.POST or None, event=event, initial={"slot": meeting.slot,
                                                                 "table": meeting.table})
    if request.method == "POST" and form.is_valid():
        try:
            meetings.move_meeting(actor=request.user, meeting=meeting, **form.cleaned_data)
            messages.success(request, _("The meeting is moved."))
            return redirect(_url("organiser-schedule", event))
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "events/organiser/meeting.html", {"event": event, "meeting": meeting, "form": form,
                                                              "tab": "schedule"})


@login_required
@require_POST
def meeting_cancel(request, pk, meeting_pk):
    event = _event(request, pk)
    meeting = get_object_or_404(Meeting, pk=meeting_pk, event=event)
    try:
        meetings.cancel_meeting(actor=request.user, meeting=meeting)
        messages.success(request, _("The meeting is cancelled."))
    except ValidationError as error:
        refused(request, error)
    return redirect(_url("organiser-schedule", event))


@login_required
def request_place(request, pk, request_pk):
    """Place an accepted request by hand (one the scheduler left out, say)."""
    event = _event(request, pk)
    meeting_request = get_object_or_404(
        MeetingRequest.objects.select_related("requester__person", "requester__organisation",
                                              "recipient__person",
                                              "recipient__organisation"), pk=request_pk, event=event)
    form = PlaceForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            meetings.place_request(actor=request.user, meeting_request=meeting_request, **form.cleaned_data)
            messages.success(request,
                             _("The meeting is placed (planned: publish to show it to the participants)."))
            return redirect(_url("organiser-schedule", event))
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "events/organiser/place.html", {"event": event, "meeting_request": meeting_request,
                                                            "form": form, "tab": "schedule"})


@login_required
def print_page(request, pk):
    """Every participant's agenda and a sign for each table, as one PDF made in the background: start it (POST),
    follow its progress, download it."""
    event = _event(request, pk)
    if request.method == "POST":
        return _start(request, event, print_jobs.start_print, "organiser-print")
    return render(request, "events/organiser/print.html", {
        "event": event, "job": event.print_jobs.defer("pdf").first(), "tab": "print",
        "can_print": event.phase in print_jobs.PRINTABLE_PHASES,
        "participants": selectors.printed_participants(event).count()})


@login_required
def print_progress(request, pk, job_pk):
    """The print job's progress bar, polled by htmx; once the job is over the page reloads to offer the file."""
    event = _event(request, pk)
    job = get_object_or_404(PrintJob.objects.defer("pdf"), pk=job_pk, event=event)
    return _progress_bar(request, event, job, "organiser-print-progress", "events/organiser/_print_progress.html")


@login_required
def print_download(request, pk, job_pk):
    event = _event(request, pk)
    job = get_object_or_404(PrintJob, pk=job_pk, event=event, status=JobStatus.DONE)
    return downloads.attachment(bytes(job.pdf), f"event-{event.pk}-agendas-and-signs.pdf")


@login_required
def export(request, pk, kind):
    event = _event(request, pk)
    if kind not in exports.KINDS:
        raise Http404
    return downloads.attachment(exports.KINDS[kind](event), f"event-{event.pk}-{kind}.xlsx")


@login_required
def follow_ups(request, pk):
    event = _event(request, pk)
    return render(request, "events/organiser/follow_ups.html", {
        "event": event, "meetings": selectors.follow_ups(event), "tab": "follow-ups"})
