"""The page a co-chair keeps open during the meeting: attendance, each item's notes and decisions, a new action
item, a recusal, and "save and mark held". One form: a refused save shows everything typed again."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused
from grappe.core.permissions import require

from .. import selectors
from ..forms.record import RecordForm
from ..models import MeetingStatus
from ..services import record
from .meetings import meeting_of


@page_for("governance.view_bodies")
def meeting_record(request, pk):
    meeting = meeting_of(request, pk)
    require(request.user, "governance.run_meeting", meeting)
    seats = selectors.members_sitting(meeting.body)
    planned = selectors.agenda(meeting)
    attendance = dict(meeting.attendance.values_list("user_id", "status"))
    form = RecordForm(seats, planned, attendance, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            held = "held" in request.POST
            anchor = request.POST.get("anchor", "")

            def work():
                record.save_record(actor=request.user, meeting=meeting, held=held, **form.record())
                return f"{request.path}#{anchor}" if anchor.startswith("item-") else request.path
            try:
                token = form.cleaned_data["form_token"]
                url = submit_once(token, work) if token else work()
                messages.success(request, _("The meeting is marked as held.") if held else _("The record is saved."))
                return redirect(url)
            except ValidationError as error:
                refused(request, error)
        status = 422
    attended = {seat.user_id for seat in seats}
    return render(request, "governance/meeting_record.html", {
        "meeting": meeting, "form": form, "cancelled": meeting.status == MeetingStatus.CANCELLED,
        "attendance": [(seat, form[f"attendance_{seat.user_id}"]) for seat in seats],
        "former": [row for row in meeting.attendance.select_related("user") if row.user_id not in attended],
        "items": [{"row": row, "notes": form[f"notes_{row.item.pk}"],
                   "decisions": [form[f"decision_{decision.pk}"] for decision in row.item.decisions.all()],
                   "new_decision": form[f"new_decision_{row.item.pk}"]} for row in planned],
        "actions": meeting.actions.select_related("owner", "item"),
    }, status=status)
