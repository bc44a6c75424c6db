from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabourConfig(AppConfig):
    name = "grappe.labour"
    label = "labour"
    verbose_name = _("Labour sharing")

    def ready(self):
        from grappe.core import audit

        audit.register_actions({
            "availability.posted": _("Staff availability posted"),
            "availability.changed": _("Staff availability changed"),
            "availability.withdrawn": _("Staff availability withdrawn"),
            "need.posted": _("Staffing need posted"),
            "need.changed": _("Staffing need changed"),
            "need.withdrawn": _("Staffing need withdrawn"),
            "loan.requested": _("Loan of staff requested"),
            "loan.refused": _("Loan of staff refused"),
            "loan.cancelled": _("Loan of staff cancelled"),
            "loan.accepted_by_lender": _("Loan agreement accepted by the lender"),
            "loan.accepted_by_borrower": _("Loan agreement accepted by the borrower"),
            "loan.employees_named": _("Employees lent named"),
            "loan.hours_recorded": _("Hours of a loan recorded"),
            "loan.extended": _("Loan of staff extended"),
            "loan.ended": _("Loan of staff ended"),
        })
        # Loans (services/loans.py): what the other side and the employees are told.
        from grappe.core import notify

        from .notifications import KINDS

        notify.register_kinds(KINDS)
