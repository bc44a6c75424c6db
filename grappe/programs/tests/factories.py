"""Programs, calls and applications for tests, with sensible defaults: a published call open now."""

import datetime
from decimal import Decimal

from django.utils import timezone

from grappe.programs.models import Application, ApplicationStatus, Call, CallStatus, Decision, Outcome, Program


def make_program(staff, envelope="1000000.00", **fields) -> Program:
    defaults = {"funder": "Ministère de l'Économie", "name_fr": "Virage vert", "name_en": "Green shift",
                "envelope": Decimal(envelope), "created_by": staff}
    return Program.objects.create(**{**defaults, **fields})


def make_call(program, **fields) -> Call:
    now = timezone.now()
    defaults = {"title_fr": "Appel 2027", "title_en": "2027 call", "opens_at": now - datetime.timedelta(days=10),
                "closes_at": now + datetime.timedelta(days=10), "status": CallStatus.PUBLISHED,
                "created_by": program.created_by}
    return Call.objects.create(program=program, **{**defaults, **fields})


def make_application(call, lead, user, amount="50000.00", cost="200000.00", **fields) -> Application:
    defaults = {"title": f"Projet de {lead}", "amount_requested": Decimal(amount), "total_cost": Decimal(cost),
                "created_by": user}
    if fields.get("status", ApplicationStatus.DRAFT) not in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN):
        defaults["submitted_at"] = timezone.now()
    return Application.objects.create(call=call, lead=lead, **{**defaults, **fields})


def make_funded(call, lead, user, amount="50000.00", **fields) -> Application:
    """A funded application with its decision granting what it asked (made by whoever created the program)."""
    application = make_application(call, lead, user, amount=amount, status=ApplicationStatus.FUNDED, **fields)
    Decision.objects.create(application=application, outcome=Outcome.FUNDED, amount=application.amount_requested,
                            decided_by=call.program.created_by)
    return application
