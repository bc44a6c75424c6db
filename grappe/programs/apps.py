from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "grappe.programs"
    label = "programs"
    verbose_name = _("Government programs")

    def ready(self):
        from grappe.core import audit, notify

        from .history import read_eligibility_reasons, read_scores
        from .notifications import KINDS
        from .pending import hidden_audit_entries

        notify.register_kinds(KINDS)
        # The others' scores of an application the reader still has to score are not in the audit log yet.
        audit.register_entry_filter(hidden_audit_entries)

        audit.register_actions({
            "application.assigned": _("Evaluator assigned"),
            "application.changed": _("Application changed"),
            "application.consortium": _("Consortium changed"),
            "application.created": _("Application started"),
            "application.decided": _("Application decided"),
            "application.document_added": _("Document attached"),
            "application.document_removed": _("Document removed"),
            "application.eligibility": _("Eligibility decided"),
            "application.reopened": _("Application reopened"),
            "application.status": _("Application status changed"),
            "application.submitted": _("Application submitted"),
            "application.summary_published": _("Project summary published for observers"),
            "application.summary_withdrawn": _("Project summary withdrawn from observers"),
            "application.unassigned": _("Evaluator removed (conflict of interest)"),
            "call.changed": _("Call changed"),
            "call.closed": _("Call closed"),
            "call.created": _("Call created"),
            "call.published": _("Call published"),
            "claim.approved": _("Claim approved and paid"),
            "claim.sent_back": _("Claim sent back"),
            "claim.submitted": _("Claim submitted"),
            "commitment.milestones": _("Milestones set"),
            "commitment.created": _("Funds committed"),
            "conflict.declared": _("Conflict of interest declared"),
            "consortium.confirmed": _("Consortium shares confirmed"),
            "disbursement.recorded": _("Disbursement recorded"),
            "assignment.saved": _("Evaluation saved as a draft"),
            "assignment.scored": _("Evaluation submitted"),
            "milestone.reported": _("Progress reported"),
            "program.changed": _("Program changed"),
            "program.created": _("Program created"),
        })
        audit.register_values({"programs.evaluatorassignment.scores": read_scores,
                               "programs.application.eligibility_reasons": read_eligibility_reasons})
