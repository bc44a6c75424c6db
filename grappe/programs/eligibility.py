"""Whether an organisation may apply to a call, and if not, why: the call's rules read against the organisation.

A reason is stored with the application at its submission (code and plain params, like a notification) and
written in the reader's language when it is read, so that the member's list of open calls, the screening page
and the API all say the same thing.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from grappe.members.models import MembershipStatus, Organisation, OrganisationKind, Region, SizeBand, in_language
from grappe.members.segments import KIND_PLURALS

from .models import Call


@dataclass(frozen=True)
class Reason:
    """One rule of the call the organisation does not meet."""

    code: str
    params: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return SENTENCES[self.code](self.params)

    def as_json(self) -> dict:
        return {"code": self.code, "params": self.params}

    @classmethod
    def from_json(cls, data: dict) -> "Reason":
        return cls(data["code"], data.get("params", {}))


def _labels(choices, values) -> str:
    return ", ".join(str(choices(value).label) for value in values if value in choices.values)


SENTENCES = {
    "good_standing": lambda p: _("Reserved for members in good standing."),
    "kind": lambda p: _("Reserved for %(kinds)s.") % {
        "kinds": ", ".join(str(KIND_PLURALS[k]) for k in p["kinds"] if k in KIND_PLURALS)},
    "size": lambda p: _("Reserved for organisations of %(sizes)s; yours is %(size)s.") % {
        "sizes": _labels(SizeBand, p["sizes"]),
        "size": _labels(SizeBand, [p["size"]]) if p["size"] else _("not known (add it to your profile)")},
    "region": lambda p: _("Reserved for organisations in %(regions)s.") % {"regions": _labels(Region, p["regions"])},
    "certification": lambda p: _("Requires a valid %(certification)s certification.") % {
        "certification": in_language(p["fr"], p["en"])},
}


def reasons_not_eligible(call: Call, organisation: Organisation, today: datetime.date) -> list[Reason]:
    """The call's rules `organisation` does not meet on `today` (none: it may apply). Reads the call's required
    certifications and the organisation's certifications through `.all()`, so a prefetch serves them."""
    reasons = []
    if call.requires_good_standing and not (
            organisation.membership_status == MembershipStatus.ACTIVE
            and (organisation.membership_ends is None or organisation.membership_ends >= today)):
        reasons.append(Reason("good_standing"))
    if call.eligible_kinds and organisation.kind not in call.eligible_kinds:
        reasons.append(Reason("kind", {"kinds": [k for k in call.eligible_kinds if k in OrganisationKind.values]}))
    if call.eligible_size_bands and organisation.size_band not in call.eligible_size_bands:
        reasons.append(Reason("size", {"sizes": call.eligible_size_bands, "size": organisation.size_band}))
    if call.eligible_regions and organisation.region not in call.eligible_regions:
        reasons.append(Reason("region", {"regions": call.eligible_regions}))
    held = {c.certification_type_id for c in organisation.certifications.all()
            if c.expires_on is None or c.expires_on >= today}
    for required in call.required_certifications.all():
        if required.pk not in held:
            reasons.append(Reason("certification", {"fr": required.label_fr, "en": required.label_en}))
    return reasons
