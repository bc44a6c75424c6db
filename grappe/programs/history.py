"""How the audit trail's values that only this app can read are said (registered in apps.py): an evaluation's
scores by criterion name ("Innovation : 7,50 — Bien"), an application's eligibility reasons in words."""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .eligibility import Reason
from .models import Criterion


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

