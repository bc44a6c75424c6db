"""An application's life: started (once per lead organisation and call, however often "apply" is clicked),
changed while it is a draft, its consortium's shares set by the lead and confirmed by each partner, submitted
before the deadline, screened for eligibility (from the call's rules, or by the staff with a reason), reopened by
the staff (the submitted version is kept, readable). Every status change is audited.

The deadline is the call's `closes_at`, an instant the staff set in the call's time zone; the server compares it
with the time of the request, never with a time the browser sends. A refusal shows it in the reader's time zone.

Lock order: the application's row (its consortium's rows follow it), after the call's and the program's when a
write takes those too (see budget.py and evaluation.py).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from grappe.core import audit, notify
from grappe.core.amounts import format_amount
from grappe.core.errors import Conflict
from grappe.core.permissions import require
from grappe.members.models import Organisation, User

from ..eligibility import reasons_not_eligible
from .documents import check_required_documents, document_json
from .notices import tell_lead, tell_partners
from ..models import (
    Application,
    ApplicationStatus,
    ApplicationVersion,
    Call,
    CallStatus,
    ConsortiumMember,
)

APPLICATION_FIELDS = ("title", "summary", "amount_requested", "total_cost")
HUNDRED = Decimal(100)
# What the staff may reopen: submitted, not yet evaluated.
REOPENABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE)


def deadline_text(call: Call) -> str:
    """The call's deadline in the reader's time zone, the zone named ("5 décembre 2026, 17:00 (America/Montreal)")."""
    moment = timezone.localtime(call.closes_at)
    return f"{formats.date_format(moment, 'DATETIME_FORMAT')} ({timezone.get_current_timezone_name()})"


def check_open(call: Call, now: datetime.datetime) -> None:
    """A clear refusal outside the call's window."""
    if call.status != CallStatus.PUBLISHED:
        raise Conflict(_("This call does not take applications."), code="call_not_open")
    if now < call.opens_at:
        raise Conflict(_("This call opens on %(date)s.") % {
            "date": formats.date_format(timezone.localtime(call.opens_at), "DATETIME_FORMAT")}, code="not_open_yet")
    if now >= call.closes_at:
        raise Conflict(_("The deadline of this call has passed: it was %(deadline)s.") % {
            "deadline": deadline_text(call)}, code="deadline_passed")


def start_application(*, actor: User, call: Call, data: dict) -> Application:
    """Start the actor's organisation's application to the call (a draft). Its organisation has one per call:
    starting again (a double click, a colleague) gives the same one."""
    require(actor, "programs.apply", call)
    check_open(call, timezone.now())
    with transaction.atomic():
        application, created = Application.objects.get_or_create(
            call=call, lead=actor.organisation,
            defaults={**{name: data[name] for name in APPLICATION_FIELDS if name in data}, "created_by": actor})
        if created:
            audit.record(actor, "application.created", application, after=audit.snapshot(application))
    return application


def _editable(actor: User, application: Application) -> Application:
    """The application, locked, if the actor's organisation leads it and it is still a draft."""
    require(actor, "programs.change_application", application)
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    if not application.is_editable:
        raise Conflict(_("A submitted application cannot be changed. The cluster staff may reopen it."),
                       code="submitted")
    return application


def update_application(*, actor: User, application: Application, data: dict) -> Application:
    with transaction.atomic():
        application = _editable(actor, application)
        before = audit.snapshot(application)
        for name in APPLICATION_FIELDS:
            if name in data:
                setattr(application, name, data[name])
        application.full_clean(exclude=["call", "lead", "created_by"])
        application.save()
        audit.record(actor, "application.changed", application, before=before, after=audit.snapshot(application))
    return application


def set_consortium(*, actor: User, application: Application,
                   shares: dict[Organisation, tuple[Decimal, Decimal]]) -> list[ConsortiumMember]:
    """The lead sets its consortium: each organisation (its own included) with its shares of the work and of the
    budget, in %, each adding up to 100. A partner whose shares changed confirms them again, and its people are
    asked to; an empty dict makes the application one of the lead alone."""
    with transaction.atomic():
        application = _editable(actor, application)
        if shares:
            if application.lead not in shares:
                raise ValidationError(_("The lead organisation is part of its consortium: give it its shares."),
                                      code="lead_missing")
            check_shares(list(shares.values()))
        current = {member.organisation_id: member for member in application.consortium.all()}
        before = [_member_json(member) for member in current.values()]
        application.consortium.exclude(organisation__in=[o.pk for o in shares]).delete()
        now = timezone.now()
        asked = []
        for organisation, (work, budget) in shares.items():
            member = current.get(organisation.pk) or ConsortiumMember(application=application,
                                                                      organisation=organisation)
            if (member.share_of_work, member.share_of_budget) != (work, budget):
                member.share_of_work, member.share_of_budget = work, budget
                member.confirmed_at = member.confirmed_by = None
                asked.append(organisation.pk)
            if organisation.pk == application.lead_id:  # the lead's shares are its own to set
                member.confirmed_at, member.confirmed_by = now, actor
            member.save()
        members = list(application.consortium.select_related("organisation"))
        audit.record(actor, "application.consortium", application, before={"consortium": before},
                     after={"consortium": [_member_json(member) for member in members]})
        notify.on_commit(tell_partners, application, [pk for pk in asked if pk != application.lead_id])
    return members


def percent_text(value: Decimal) -> str:
    """A percentage as the reader writes it, without trailing zeros: "20", "26,67" in French."""
    value = value.quantize(Decimal("0.01"))
    return formats.number_format(value.quantize(Decimal(1)) if value == value.to_integral() else value)


def check_shares(shares: list[tuple[Decimal, Decimal]]) -> None:
    """Both the shares of the work and of the budget add up to 100 %; refused with the sums when they do not."""
    work, budget = sum(w for w, _b in shares), sum(b for _w, b in shares)
    if work != HUNDRED or budget != HUNDRED:
        raise ValidationError(
            _("The consortium's shares must each add up to 100 %%: the work adds up to %(work)s %%, the budget to "
              "%(budget)s %%.") % {"work": percent_text(work), "budget": percent_text(budget)},
            code="shares")


def confirm_share(*, actor: User, member: ConsortiumMember) -> ConsortiumMember:
    """A partner confirms its organisation's shares of the work and of the budget."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=member.application_id)
        require(actor, "programs.confirm_share", application)
        member = ConsortiumMember.objects.select_for_update().get(pk=member.pk)
        if member.organisation_id != actor.organisation.pk:
            raise Conflict(_("Only the partner confirms its own shares."), code="not_partner")
        if not application.is_editable:
            raise Conflict(_("A submitted application cannot be changed. The cluster staff may reopen it."),
                           code="submitted")
        if member.confirmed_at is None:
            member.confirmed_at, member.confirmed_by = timezone.now(), actor
            member.save(update_fields=["confirmed_at", "confirmed_by"])
            audit.record(actor, "consortium.confirmed", member, after=_member_json(member))
    return member


def submit(*, actor: User, application: Application) -> Application:
    """Submit the application before the deadline. Refused, with what to fix, when its amounts exceed the call's
    limits, a document the call requires is missing, its consortium's shares do not add up or a partner has not
    confirmed. Submitting it twice (a double click) submits it once. Its eligibility is computed from the call's
    rules and kept with their reasons."""
    now = timezone.now()
    with transaction.atomic():
        require(actor, "programs.change_application", application)
        application = Application.objects.select_for_update().select_related("call", "lead").get(pk=application.pk)
        if application.status == ApplicationStatus.SUBMITTED:
            return application
        application = _editable(actor, application)
        call = application.call
        check_open(call, now)
        _check_amounts(application, call)
        check_required_documents(application)
        members = list(application.consortium.select_related("organisation"))
        if members:
            check_shares([(m.share_of_work, m.share_of_budget) for m in members])
            waiting = [m.organisation.display_name for m in members if m.confirmed_at is None]
            if waiting:
                raise ValidationError(_("Each partner confirms its shares before the application is submitted; "
                                        "waiting for: %(names)s.") % {"names": ", ".join(waiting)},
                                      code="unconfirmed")
        reasons = reasons_not_eligible(call, application.lead, now.astimezone(call.zone).date())
        application.status, application.submitted_at = ApplicationStatus.SUBMITTED, now
        application.eligibility_reasons = [reason.as_json() for reason in reasons]
        application.save(update_fields=["status", "submitted_at", "eligibility_reasons", "updated_at"])
        audit.record(actor, "application.submitted", application, before={"status": ApplicationStatus.DRAFT},
                     after={"status": application.status, "version": application.version,
                            "eligibility_reasons": application.eligibility_reasons})
        notify.on_commit(tell_lead, application, "programs.application_submitted")
    return application


def _check_amounts(application: Application, call: Call) -> None:
    if call.max_amount is not None and application.amount_requested > call.max_amount:
        raise ValidationError(_("This call grants at most %(max)s; %(amount)s are asked.") % {
            "max": format_amount(call.max_amount), "amount": format_amount(application.amount_requested)},
            code="above_max_amount")
    if call.max_share_of_cost is not None:
        share = application.amount_requested * HUNDRED / application.total_cost
        if share > call.max_share_of_cost:
            raise ValidationError(
                _("This call funds at most %(max)s %% of a project's cost; %(share)s %% are asked.") % {
                    "max": percent_text(call.max_share_of_cost), "share": percent_text(share)},
                code="above_max_share")


def screen(*, actor: User, application: Application) -> Application:
    """The staff screen a submitted application: eligible or not, as its reasons computed at submission say."""
    require(actor, "programs.manage_program")
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != ApplicationStatus.SUBMITTED:
            raise Conflict(_("Only a submitted application is screened."), code="not_submitted")
        status = ApplicationStatus.INELIGIBLE if application.eligibility_reasons else ApplicationStatus.ELIGIBLE
        _set_status(actor, application, status, "application.eligibility")
    return application


def override_eligibility(*, actor: User, application: Application, eligible: bool, reason: str) -> Application:
    """The staff decide eligibility by hand, against the rules' answer: the reason is required and kept."""
    require(actor, "programs.manage_program")
    if not reason.strip():
        raise ValidationError(_("Say why eligibility is decided by hand."), code="reason_required")
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status not in REOPENABLE:
            raise Conflict(_("Eligibility is decided before the evaluation starts."), code="under_review")
        application.eligibility_override_reason = reason.strip()
        status = ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.INELIGIBLE
        _set_status(actor, application, status, "application.eligibility",
                    extra={"eligibility_override_reason": application.eligibility_override_reason})
    return application


def reopen(*, actor: User, application: Application, reason: str) -> Application:
    """The staff reopen a submitted application so that the applicant may change it: the submitted version is
    kept, readable, as version n; the application becomes a draft of version n + 1."""
    require(actor, "programs.manage_program")
    if not reason.strip():
        raise ValidationError(_("Say why the application is reopened."), code="reason_required")
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status not in REOPENABLE:
            raise Conflict(_("Only an application not yet under evaluation may be reopened."), code="not_reopenable")
        call = application.call
        if call.status != CallStatus.PUBLISHED or timezone.now() >= call.closes_at:
            # A reopened draft is submitted again within its call's window: without one it would stay a draft.
            raise Conflict(_("This call takes no more applications: the application could not be submitted again. "
                             "Extend the call's deadline first, then reopen it."), code="call_not_open")
        members = application.consortium.select_related("organisation")
        submitted = application.documents.current()
        version = ApplicationVersion.objects.create(
            application=application, number=application.version, submitted_at=application.submitted_at,
            reopened_by=actor, reason=reason.strip(),
            content={**audit.snapshot(application), "consortium": [_member_json(m) for m in members],
                     "documents": [document_json(d) for d in submitted]})
        version.documents.set(submitted)
        before = {"status": application.status, "version": application.version}
        application.status, application.submitted_at = ApplicationStatus.DRAFT, None
        application.version += 1
        application.eligibility_reasons, application.eligibility_override_reason = [], ""
        application.save()
        audit.record(actor, "application.reopened", application, before=before,
                     after={"status": application.status, "version": application.version,
                            "versions": {"number": version.number, "reason": version.reason}})
        notify.on_commit(tell_lead, application, "programs.application_reopened")
    return application


def _set_status(actor, application: Application, status: str, action: str, extra: dict | None = None) -> None:
    before = {"status": application.status}
    application.status = status
    application.save()
    audit.record(actor, action, application, before=before, after={"status": status, **(extra or {})})


def _member_json(member: ConsortiumMember) -> dict:
    return {"organisation": member.organisation_id, "share_of_work": str(member.share_of_work),
            "share_of_budget": str(member.share_of_budget),
            "confirmed_at": member.confirmed_at.isoformat() if member.confirmed_at else None}

