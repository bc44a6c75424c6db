"""How the audit trail's values that only this app can read are said (registered in apps.py): an evaluation's
scores by criterion name ("Innovation : 7,50 — Bien"), an application's eligibility reasons in words."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .eligibility import Reason
from grappe.members.models import Organisation

from .models import ApplicationVersion, Criterion


def read_scores(scores) -> str:
    """{criterion id: {"value": "7.50", "comment": "Bien"}} as "Innovation : 7,50 — Bien; Équipe : 8,00"."""
    if not isinstance(scores, dict):
        return str(scores)
    names = {str(c.pk): c.name for c in Criterion.objects.filter(pk__in=[k for k in scores if k.isdigit()])}
    lines = []
    for key, score in scores.items():
        value = _number(score.get("value")) if isinstance(score, dict) else str(score)
        comment = score.get("comment", "") if isinstance(score, dict) else ""
        line = _("%(name)s: %(value)s") % {"name": names.get(key, f"#{key}"), "value": value}
        lines.append(f"{line} — {comment}" if comment else line)
    return "; ".join(lines)


def read_eligibility_reasons(reasons) -> str:
    if not isinstance(reasons, list):
        return str(reasons)
    return "; ".join(Reason.from_json(reason).text if isinstance(reason, dict) else str(reason)
                     for reason in reasons)


def _number(value) -> str:
    if value is None:
        return "∅"
    try:
        return number_format(Decimal(str(value)), 2)
    except InvalidOperation:
        return str(value)



@dataclass
class EarlierVersion:
    """A reopened application's earlier version as it was submitted: its text, amounts, consortium shares (each
    organisation named) and the documents it holds (downloadable, even once withdrawn from the draft)."""
    version: ApplicationVersion
    amount_requested: Decimal | None
    total_cost: Decimal | None
    consortium: list[tuple[str, Decimal, Decimal]]
    documents: list


def earlier_versions(application) -> list[EarlierVersion]:
    versions = list(application.versions.prefetch_related("documents__organisation"))
    ids = {m["organisation"] for v in versions for m in v.content.get("consortium", [])}
    names = {o.pk: o.display_name for o in Organisation.objects.filter(pk__in=ids)}
    return [EarlierVersion(
        v, _decimal(v.content.get("amount_requested")), _decimal(v.content.get("total_cost")),
        [(names.get(m["organisation"], ""), _decimal(m["share_of_work"]), _decimal(m["share_of_budget"]))
         for m in v.content.get("consortium", [])],
        list(v.documents.all())) for v in versions]


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None
