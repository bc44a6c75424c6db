"""Participants' pages about meetings: whom to meet (suggestions), requests sent and received, the agenda,
and what came of each meeting. Only validated participants use them; anyone else gets 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language, gettext as _
from django.views.decorators.http import require_POST

from grappe.core import downloads
from grappe.core.idempotency import submit_once
from grappe.core.pages import refused

from .. import access, suggestions
from ..documents import agenda as agendas
from ..forms.participant import AnswerForm, OutcomeForm, RequestForm
from ..models import MeetingSeat, Priority
from ..selectors import participant as selectors
from ..services import outcomes, requests


def _other(event, registration, other_pk: int):
    return get_object_or_404(selectors.participants(event, excluding=registration), pk=other_pk)


def participant_list(request, pk):
    """The other validated participants, best fit first, with the reasons and where each request stands."""
    event, me = access.participation(request, pk, active=True)
    ranked = suggestions.rank(me, selectors.participants(event, excluding=me))
    query = request.GET.get("q", "").strip().lower()
    if query:
        ranked = [s for s in ranked if query in f"{s.registration.display_name} {s.registration.organisation_name} "
                                                f"{s.registration.pitch}".lower()]
    found = selectors.requests_by_other_side(me)
    for suggestion in ranked:
        suggestion.existing = found.get(suggestion.registration.pk)
    return render(request, "events/participant/participant_list.html", {
        "event": event, "registration": me, "suggestions": ranked, "query": query})


def participant_detail(request, pk, other_pk):
    event, me = access.participation(request, pk, active=True)
    other = _other(event, me, other_pk)
    suggestion = suggestions.rank(me, [other], colleagues=True)[0]
    return render(request, "events/participant/participant_detail.html", {
        "event": event, "registration": me, "other": other, "suggestion": suggestion,
        "existing": selectors.with_live_meetings(selectors.open_requests_between(me, other)).first(),
        "colleagues": selectors.colleagues_requests(me, other), "form": RequestForm(),
        "can_ask": _why_not(me, other)})


def _why_not(me, other) -> str | bool:
    """True when the participant may ask the other, else the reason it may not."""
    try:
        requests.check_can_ask(me, other)
    except ValidationError as error:
        return error.messages[0]
    return True


@require_POST
def request_send(request, pk, other_pk):
    event, me = access.participation(request, pk, active=True)
    other = _other(event, me, other_pk)
    form = RequestForm(request.POST)
    back = reverse("events:participant-detail", args=[event.pk, other.pk])
    if not form.is_valid():
        messages.error(request, _("Choose a priority for your request."))
        return redirect(back)

    def work() -> str:
        meeting_request = requests.send_request(user=request.user, participant=me, recipient=other,
                                                priority=form.cleaned_data["priority"],
                                                message=form.cleaned_data["message"])
        if meeting_request.requester_id == me.pk:
            messages.success(request, _("Your request is sent to %(name)s.") % {"name": other.display_name})
        else:
            messages.success(request, _("%(name)s had already asked you: you accepted their request.")
                             % {"name": other.display_name})
        return reverse("events:request-list", args=[event.pk])
    try:
        return redirect(submit_once(form.cleaned_data["form_token"], work))
    except ValidationError as error:
        refused(request, error)
        return redirect(back)


def request_list(request, pk):
    """The participant's requests, sent and received: an agreed one says whether it is placed (when and where)
    or why not; then its colleagues' agreed meetings, whose they are."""
    event, me = access.participation(request, pk, active=True)
    agreed = selectors.agreed_meetings(me)
    mine = {row.request.pk: row for row in agreed if row.mine}
    received, sent = list(selectors.requests_received(me)), list(selectors.requests_sent(me))
    for meeting_request in received + sent:
        meeting_request.agreed = mine.get(meeting_request.pk)
    return render(request, "events/participant/request_list.html", {
        "event": event, "registration": me, "received": received, "sent": sent,
        "priorities": Priority.choices, "can_answer": event.phase in requests.ANSWER_PHASES,
        "colleagues_meetings": [row for row in agreed if not row.mine]})


@require_POST
def request_answer(request, pk, request_pk):
    event, me = access.participation(request, pk, active=True)
    meeting_request = access.own_request_or_404(me, request_pk)
    if meeting_request.recipient_id != me.pk:
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["answer"] == "accept"
        try:
            requests.answer_request(user=request.user, participant=me, meeting_request=meeting_request,
                                    accept=accept, priority=form.cleaned_data["priority"] or Priority.NORMAL)
        except ValidationError as error:
            refused(request, error)
        else:
            messages.success(request, _("Accepted: the organiser will place the meeting in the schedule.") if accept
                             else _("Declined."))
    return redirect("events:request-list", event.pk)


@require_POST
def request_withdraw(request, pk, request_pk):
    event, me = access.participation(request, pk, active=True)
    meeting_request = access.own_request_or_404(me, request_pk)
    try:
        requests.withdraw_request(user=request.user, participant=me, meeting_request=meeting_request)
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(request, _("The request is withdrawn."))
    return redirect("events:request-list", event.pk)


def agenda(request, pk):
    """The participant's day: its meetings with times and tables once the organiser publishes them; then its
    agreed meetings not in it (not yet published, or not placed and why), and its colleagues' meetings."""
    event, me = access.participation(request, pk, active=True)
    context = selectors.sheet_context(me)
    agreed = selectors.agreed_meetings(me)
    context["not_in_agenda"] = [row for row in agreed if row.mine and row.state != "published"]
    context["colleagues_meetings"] = [row for row in agreed if not row.mine]
    for _session, rows in context["sessions"]:
        for row in rows:
            if row.seat:
                row.seat.form = OutcomeForm(initial=_outcome_initial(row.seat), prefix=str(row.seat.pk))
    return render(request, "events/participant/agenda.html", context)


def _outcome_initial(seat: MeetingSeat) -> dict:
    return {"happened": {True: "yes", False: "no"}.get(seat.happened, ""), "outcome": seat.outcome,
            "notes": seat.notes}


def _download(content: bytes, event, extension: str) -> HttpResponse:
    name = slugify(event.title) or "agenda"
    return downloads.attachment(content, f"{name}-{slugify(_('agenda'))}.{extension}")


def agenda_pdf(request, pk):
    event, me = access.participation(request, pk, active=True)
    return _download(agendas.agenda_pdf(me, get_language()), event, "pdf")


def agenda_ics(request, pk):
    event, me = access.participation(request, pk, active=True)
    return _download(agendas.agenda_ics(me, get_language()), event, "ics")


@require_POST
def meeting_outcome(request, pk, seat_pk):
    event, me = access.participation(request, pk, active=True)
    seat = get_object_or_404(MeetingSeat, pk=seat_pk, registration=me)
    form = OutcomeForm(request.POST, prefix=str(seat.pk))
    if form.is_valid():
        data = form.cleaned_data
        try:
            outcomes.record_outcome(user=request.user, participant=me, seat=seat, happened=data["happened"],
                                    outcome=data["outcome"] or "", notes=data["notes"])
        except ValidationError as error:
            refused(request, error)
        else:
            messages.success(request, _("Thank you: your account of the meeting is saved."))
    return redirect(reverse("events:agenda", args=[event.pk]) + f"#seat-{seat.pk}")
