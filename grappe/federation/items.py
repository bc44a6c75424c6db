"""What of a local item travels to partner clusters, and when it may.

Five kinds (`ItemKind`): an opportunity and a declared need (partnering), an availability of staff (labour), a
public event (events) and an organisation's capability profile (members). For each:

- `to_object(kind, item)` is EXACTLY what travels: an ActivityStreams object (`Page`, or `Event` for an event)
  with its id (`protocol.object_url`), `grappe:kind`, name, content, dates, the organisation's public name and
  the kind's public fields. Never a contact, a person's name, an email, a phone number, a budget or a field its
  app keeps confidential: the free text is cleared of emails, phone numbers and the names of the organisation's
  people, in case someone typed them there. The share page previews this very object
  (`fields_for_display`), so a member sees what leaves before it leaves.
- `is_shareable(kind, item)`: whether it may travel now, with the reason when not. An item that stops being
  shareable (closed, withdrawn, made private, over) is withdrawn at the partners (`is_withdrawn`).
- `load`, `organisation_of`: the item from its kind and key, and whose it is (none for an event: the staff's).

Codes travel with their French and English labels ({code, label_fr, label_en}), since a partner's taxonomy and
choices may differ from ours: the reader shows the label of its own language.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.conf import settings
from django.db.models import Model
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.core.amounts import format_amount
from grappe.core.links import absolute_url
from grappe.events.models import Audience, Event, Phase
from grappe.labour.models import Availability, Clearance, PostStatus, WorkMode
from grappe.labour.selectors import is_on_board
from grappe.listening.selectors.briefs import EMAIL, PHONE, REMOVED
from grappe.members.models import (
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Person,
    Region,
    SizeBand,
)
from grappe.partnering.models import (
    DeclaredNeed,
    NeedKind,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    Visibility,
)

from . import protocol
from .models import ITEM_NAMES, ItemKind

SUMMARY_LENGTH = 300
# A partner keeps texts of up to 20,000 characters (services/received.py): ours stay well below.
CONTENT_LENGTH = 10_000
# Events that guests may find (announced, not over): what a partner cluster's members may be told of.
ANNOUNCED_PHASES = (Phase.REGISTRATION, Phase.REQUESTS, Phase.SCHEDULING, Phase.PUBLISHED)
MODELS = {ItemKind.OPPORTUNITY: Opportunity, ItemKind.DECLARED_NEED: DeclaredNeed,
          ItemKind.AVAILABILITY: Availability, ItemKind.EVENT: Event, ItemKind.PROFILE: Organisation}
RELATED = {
    ItemKind.OPPORTUNITY: (("initiator",), ("needs__capability", "required_certifications")),
    ItemKind.DECLARED_NEED: (("organisation", "capability", "certification_type"), ()),
    ItemKind.AVAILABILITY: (("organisation",), ("skills",)),
    ItemKind.EVENT: ((), ("sessions",)),
    ItemKind.PROFILE: ((), ("capabilities__capability", "certifications__certification_type")),
}


class Shareable(NamedTuple):
    """Whether an item may travel now; `reason` says why not, in the reader's language."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def load(kind: str, object_id) -> Model | None:
    """The local item of this kind, by its key or its object's id (`protocol.object_url`, as a partner names it),
    with what `to_object` reads; None when there is none."""
    if kind not in MODELS:
        return None
    if isinstance(object_id, str) and "/" in object_id:
        found = parse_object_url(object_id)
        if found is None or found[0] != kind:
            return None
        object_id = found[1]
    joined, prefetched = RELATED[kind]
    return MODELS[kind].objects.select_related(*joined).prefetch_related(*prefetched).filter(pk=object_id).first()


def parse_object_url(url: str) -> tuple[str, int] | None:
    """The (kind, key) of one of our items' ids, None for any other address."""
    prefix = protocol.object_url("kind", 0).rsplit("/", 2)[0]  # …/federation/items
    if not isinstance(url, str) or not url.startswith(prefix + "/"):
        return None
    kind, _slash, pk = url[len(prefix) + 1:].partition("/")
    if kind not in MODELS or not pk.isdigit():
        return None
    return kind, int(pk)


def organisation_of(kind: str, item) -> Organisation | None:
    """Whose item it is: its organisation's administrators share it. None for an event (the staff's)."""
    if kind == ItemKind.OPPORTUNITY:
        return item.initiator
    if kind in (ItemKind.DECLARED_NEED, ItemKind.AVAILABILITY):
        return item.organisation
    if kind == ItemKind.PROFILE:
        return item
    return None


def is_shareable(kind: str, item) -> Shareable:
    """Whether the item may travel to partner clusters now; the reason when it may not."""
    organisation = organisation_of(kind, item)
    if organisation is not None and organisation.membership_status != MembershipStatus.ACTIVE:
        return Shareable(False, _("Only the items of active members travel to partner clusters."))
    reason = _REFUSALS[kind](item)
    return Shareable(not reason, reason)


def is_withdrawn(kind: str, item) -> bool:
    """Whether partners must no longer show it: gone, or no longer shareable (closed, withdrawn, private, over)."""
    return item is None or not is_shareable(kind, item)


def _opportunity_refusal(opportunity) -> str:
    if opportunity.status == OpportunityStatus.CLOSED:
        return _("This opportunity is closed.")
    if opportunity.visibility != Visibility.MEMBERS:
        return _("Only an opportunity published to members may travel: this one is seen by you and the cluster "
                 "staff only.")
    return ""


def _need_refusal(need) -> str:
    return "" if need.is_active else _("This need is withdrawn.")


def _availability_refusal(availability) -> str:
    return "" if is_on_board(availability) else _("This availability is no longer on the board (withdrawn, "
                                                  "closed or over).")


def _event_refusal(event) -> str:
    if event.audience != Audience.MEMBERS_AND_GUESTS:
        return _("Only an event open to guests may travel: this one is for members only.")
    if event.phase == Phase.DRAFT:
        return _("This event is not announced yet.")
    if event.phase not in ANNOUNCED_PHASES:
        return _("This event is over.")
    return ""


def _profile_refusal(organisation) -> str:
    return ""  # an active member's profile travels once its administrator consents (shares it)


_REFUSALS = {ItemKind.OPPORTUNITY: _opportunity_refusal, ItemKind.DECLARED_NEED: _need_refusal,
             ItemKind.AVAILABILITY: _availability_refusal, ItemKind.EVENT: _event_refusal,
             ItemKind.PROFILE: _profile_refusal}


def organisation_candidates(organisation: Organisation) -> list[tuple[str, Model]]:
    """What an organisation's administrator may choose to share: its opportunities not closed, its declared needs
    still active, its availabilities on the board, and its capability profile."""
    found = [(ItemKind.OPPORTUNITY, pk) for pk in Opportunity.objects.filter(initiator=organisation).exclude(
        status=OpportunityStatus.CLOSED).order_by("-created_at").values_list("pk", flat=True)]
    found += [(ItemKind.DECLARED_NEED, pk) for pk in DeclaredNeed.objects.filter(
        organisation=organisation, is_active=True).order_by("-created_at").values_list("pk", flat=True)]
    found += [(ItemKind.AVAILABILITY, pk) for pk in Availability.objects.filter(
        organisation=organisation, status=PostStatus.OPEN, end__gte=timezone.localdate()).order_by(
        "start").values_list("pk", flat=True)]
    found.append((ItemKind.PROFILE, organisation.pk))
    return [(kind, load(kind, pk)) for kind, pk in found]


def event_candidates() -> list[tuple[str, Model]]:
    """The cluster's events the staff may choose to share: every one not over (those that may not travel yet
    say why)."""
    pks = Event.objects.exclude(phase=Phase.FINISHED).order_by("registration_opens").values_list("pk", flat=True)
    return [(ItemKind.EVENT, load(ItemKind.EVENT, pk)) for pk in pks]


# One item of each kind, as the share page names it.
KIND_NAMES = ITEM_NAMES

# What never travels of each kind, said beside the preview of what does.
NEVER_SENT = {
    ItemKind.OPPORTUNITY: gettext_lazy(
        "Never sent: your contacts and people, the budget, the introductions, and anything the cluster keeps "
        "private."),
    ItemKind.DECLARED_NEED: gettext_lazy("Never sent: your contacts and people."),
    ItemKind.AVAILABILITY: gettext_lazy(
        "Never sent: your contacts and people, the employees who would be lent, the loans and their agreements."),
    ItemKind.EVENT: gettext_lazy(
        "Never sent: the participants, their registrations and meetings, and the staff's contacts."),
    ItemKind.PROFILE: gettext_lazy(
        "Never sent: your address, emails and phone numbers, your people, your certificates' numbers and the "
        "evidence of your capabilities."),
}


# What travels -------------------------------------------------------------------------------------------------

def to_object(kind: str, item) -> dict:
    """The ActivityStreams object that travels for this item (see the module's docstring)."""
    return _OBJECTS[kind](item)


def _opportunity(opportunity) -> dict:
    obj = _page(ItemKind.OPPORTUNITY, opportunity, opportunity.title, opportunity.description,
                opportunity.initiator, opportunity.created_at, opportunity.updated_at)
    obj["grappe:opportunityKind"] = _choice(OpportunityKind, opportunity.kind)
    _put(obj, "grappe:region", _choice(Region, opportunity.region))
    _put(obj, "grappe:deadline", opportunity.deadline.isoformat() if opportunity.deadline else None)
    obj["grappe:capabilities"] = [{**_term(need.capability), "mustHave": need.must_have}
                                  for need in opportunity.needs.all()]
    _put(obj, "grappe:certifications", [_term(c) for c in opportunity.required_certifications.all()])
    return obj


def _need(need) -> dict:
    subject = need.capability or need.certification_type
    names = {}
    for language in ("fr", "en"):
        with translation.override(language):
            kind = str(NeedKind(need.kind).label)
            names[language] = f"{kind} — {getattr(subject, f'label_{language}')}" if subject else kind
    obj = _page(ItemKind.DECLARED_NEED, need, names["fr"], need.description, need.organisation, need.created_at,
                need.created_at)
    obj["nameMap"] = names
    obj["grappe:needKind"] = _choice(NeedKind, need.kind)
    _put(obj, "grappe:capabilities", [_term(need.capability)] if need.capability else [])
    _put(obj, "grappe:certifications", [_term(need.certification_type)] if need.certification_type else [])
    return obj


def _availability(availability) -> dict:
    obj = _page(ItemKind.AVAILABILITY, availability, availability.title, availability.description,
                availability.organisation, availability.created_at, availability.updated_at)
    obj.update({
        "grappe:skills": [_term(skill) for skill in availability.skills.all()],
        "grappe:people": availability.people,
        "grappe:period": {"start": availability.start.isoformat(), "end": availability.end.isoformat()},
        "grappe:region": _choice(Region, availability.region),
        "grappe:mode": _choice(WorkMode, availability.mode),
        "grappe:rate": {"amount": str(availability.hourly_rate), "currency": "CAD", "per": "hour", "atCost": True},
        "grappe:clearance": _choice(Clearance, availability.clearance),
        "grappe:controlledGoods": availability.controlled_goods,
    })
    return obj


def _event(event) -> dict:
    obj = _page(ItemKind.EVENT, event, event.title, event.description, None, event.created_at, event.updated_at,
                url=_page_url(reverse("events:event-detail", args=[event.pk])))
    obj["type"] = "Event"
    sessions = list(event.sessions.all())
    if sessions:
        first, last = sessions[0], sessions[-1]
        obj["startTime"] = _moment(first.date, first.starts)
        obj["endTime"] = _moment(last.date, last.ends)
        obj["grappe:sessions"] = [{"date": s.date.isoformat(), "starts": s.starts.strftime("%H:%M"),
                                   "ends": s.ends.strftime("%H:%M")} for s in sessions]
    if event.venue:
        obj["location"] = {"type": "Place", "name": event.venue}
    obj["grappe:registrationCloses"] = event.registration_closes.isoformat()
    obj["grappe:phase"] = _choice(Phase, event.phase)
    return obj


def _profile(organisation) -> dict:
    url = None
    if organisation.listed_in_directory:
        url = _page_url(reverse("members:organisation-detail", args=[organisation.slug]))
    description = organisation.description_fr or organisation.description_en
    obj = _page(ItemKind.PROFILE, organisation, organisation.display_name, description, organisation,
                organisation.created_at, organisation.updated_at, url=url)
    obj["contentMap"] = {language: _public_text(text, organisation) for language, text in
                         (("fr", organisation.description_fr), ("en", organisation.description_en)) if text}
    obj["grappe:organisationKind"] = _choice(OrganisationKind, organisation.kind)
    _put(obj, "grappe:sizeBand", _choice(SizeBand, organisation.size_band))
    _put(obj, "grappe:region", _choice(Region, organisation.region))
    obj["grappe:capabilities"] = [{**_term(held.capability), "level": held.level}
                                  for held in organisation.capabilities.all()]
    # The certificates in force: their types only (never a certificate's number or scope).
    obj["grappe:certifications"] = [_term(c.certification_type) for c in organisation.certifications.all()
                                    if not c.is_expired]
    return obj


_OBJECTS = {ItemKind.OPPORTUNITY: _opportunity, ItemKind.DECLARED_NEED: _need,
            ItemKind.AVAILABILITY: _availability, ItemKind.EVENT: _event, ItemKind.PROFILE: _profile}


def _page(kind, item, name, text, organisation, published, updated, *, url=None) -> dict:
    content = _public_text(text, organisation)
    obj = {"id": protocol.object_url(kind, item.pk), "type": "Page", "grappe:kind": str(kind), "name": name,
           "summary": _summary(content), "content": content, "published": published.isoformat(),
           "updated": updated.isoformat(),
           "attributedTo": organisation.display_name if organisation is not None else cluster_name()}
    if url:
        obj["url"] = url
    return obj


def cluster_name() -> str:
    """Our cluster's public name: what a partner reads as the author of the staff's items (events)."""
    return settings.GRAPPE_CLUSTER_NAME or protocol.base_url()


def _put(obj: dict, key: str, value) -> None:
    """Set a field only when it has a value: an empty field does not travel."""
    if value not in (None, "", []):
        obj[key] = value


def _choice(choices, value) -> dict | None:
    if not value:
        return None
    labels = {}
    for language in ("fr", "en"):
        with translation.override(language):
            labels[f"label_{language}"] = str(choices(value).label)
    return {"code": value, **labels}


def _term(term) -> dict:
    """A capability or a certification type of our taxonomy, with its labels in both languages."""
    return {"code": term.code, "label_fr": term.label_fr, "label_en": term.label_en}


def _moment(day, time) -> str:
    return timezone.make_aware(datetime.datetime.combine(day, time)).isoformat()


def _page_url(path: str) -> str:
    """A public page's address, in the default language (a partner's reader follows the language switch)."""
    with translation.override(settings.LANGUAGE_CODE):
        return absolute_url(path)


def _summary(text: str) -> str:
    return _cut(" ".join(text.split()), SUMMARY_LENGTH)


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


def _public_text(text: str, organisation: Organisation | None) -> str:
    """The free text without what could reach a person (emails, phone numbers, the names of the organisation's
    people: a full name whatever its case, a last name alone when capitalised, so that "Petit" goes and "un petit
    lot" stays), cut to CONTENT_LENGTH."""
    text = EMAIL.sub(REMOVED, text or "")
    text = PHONE.sub(lambda m: REMOVED if sum(ch.isdigit() for ch in m.group(0)) >= 9 else m.group(0), text)
    if organisation is not None:
        people = Person.objects.filter(organisation=organisation).values_list("first_name", "last_name")
        full_names = {f"{first} {last}".strip() for first, last in people}
        last_names = {last.strip() for _first, last in people if len(last.strip()) > 2}
        for names, flags in ((full_names, re.IGNORECASE), (last_names, 0)):
            if names:
                alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
                text = re.sub(rf"(?<!\w)({alternatives})(?!\w)", REMOVED, text, flags=flags)
    return _cut(text.strip(), CONTENT_LENGTH)


# What a reader sees ---------------------------------------------------------------------------------------------

def fields_for_display(kind: str, data: dict) -> list[tuple[str, str]]:
    """The object's fields as labelled lines in the reader's language: the share page's preview of what will be
    sent, and a partner's item as our members read it. `data` may come from another instance: every field is
    optional and read as text."""
    lines = [(_("Title"), title_of(data)),
             (_("Organisation"), _text(data.get("attributedTo")))]
    for key, label in _KIND_FIELDS.get(kind, ()):
        value = data.get(key)
        if value not in (None, "", [], {}):
            lines.append((str(label), _FORMATS.get(key, _label)(value)))
    lines.append((_("Description"), _text(_localised(data, "content"))))
    if data.get("url"):
        lines.append((_("Public page"), _text(data["url"])))
    return [(label, value) for label, value in lines if value]


def title_of(data: dict) -> str:
    """The object's name in the reader's language (a declared need's is written in both)."""
    return _text(_localised(data, "name"))


def _localised(data: dict, key: str) -> str:
    language = (translation.get_language() or "fr")[:2]
    mapped = data.get(f"{key}Map")
    if isinstance(mapped, dict) and mapped.get(language):
        return mapped[language]
    return data.get(key) or ""


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _label(value) -> str:
    """A {code, label_fr, label_en} in the reader's language, or a list of them, or plain text."""
    if isinstance(value, list):
        return ", ".join(filter(None, (_label(v) for v in value)))
    if isinstance(value, dict):
        english = (translation.get_language() or "fr").startswith("en")
        first, second = ("label_en", "label_fr") if english else ("label_fr", "label_en")
        label = _text(value.get(first)) or _text(value.get(second)) or _text(value.get("code"))
        if value.get("mustHave") is False:
            label = _("%(label)s (nice to have)") % {"label": label}
        return label
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value) if isinstance(value, (str, int)) else ""


def _period(value) -> str:
    if not isinstance(value, dict):
        return ""
    return _("from %(start)s to %(end)s") % {"start": _day(value.get("start")), "end": _day(value.get("end"))}


def _rate(value) -> str:
    """"58,50 $ l'heure" in French, "$58.50 an hour" in English for a rate in Canadian dollars; another currency
    (another instance could send one) as it came, its code after the amount."""
    if not isinstance(value, dict):
        return ""
    amount, currency = _text(value.get("amount")), _text(value.get("currency"))
    if currency == "CAD":
        try:
            amount, currency = format_amount(Decimal(amount)), ""
        except (InvalidOperation, ValueError):
            return ""
    return _("%(amount)s an hour, at cost") % {"amount": f"{amount} {currency}".strip()}


def _sessions(value) -> str:
    if not isinstance(value, list):
        return ""
    return "; ".join(f"{_day(s.get('date'))} {_text(s.get('starts'))}–{_text(s.get('ends'))}"
                     for s in value if isinstance(s, dict))


def _place(value) -> str:
    return _text(value.get("name")) if isinstance(value, dict) else ""


def _day(value) -> str:
    """A date (or the day of a moment) as the reader's language writes it; what is not one, as it came."""
    if not isinstance(value, str):
        return ""
    try:
        day = datetime.date.fromisoformat(value[:10])
    except ValueError:
        return value
    return formats.date_format(day, "DATE_FORMAT")


_FORMATS = {"grappe:deadline": _day, "grappe:period": _period, "grappe:rate": _rate, "grappe:sessions": _sessions, "location": _place,
            "grappe:registrationCloses": _day}

# Each kind's fields, in the order a reader sees them.
_REGION = ("grappe:region", gettext_lazy("Region"))
_KIND_FIELDS = {
    ItemKind.OPPORTUNITY: (
        ("grappe:opportunityKind", gettext_lazy("Kind")), _REGION, ("grappe:deadline", gettext_lazy("Deadline")),
        ("grappe:capabilities", gettext_lazy("Competencies needed")),
        ("grappe:certifications", gettext_lazy("Certifications required"))),
    ItemKind.DECLARED_NEED: (
        ("grappe:needKind", gettext_lazy("Kind")), ("grappe:capabilities", gettext_lazy("Competency")),
        ("grappe:certifications", gettext_lazy("Certification"))),
    ItemKind.AVAILABILITY: (
        ("grappe:skills", gettext_lazy("Skills")), ("grappe:people", gettext_lazy("Number of people")),
        ("grappe:period", gettext_lazy("Period")), _REGION, ("grappe:mode", gettext_lazy("On site or remote")),
        ("grappe:rate", gettext_lazy("Rate")), ("grappe:clearance", gettext_lazy("Security clearance")),
        ("grappe:controlledGoods", gettext_lazy("Controlled Goods Program registration"))),
    ItemKind.EVENT: (
        ("grappe:sessions", gettext_lazy("Dates")), ("location", gettext_lazy("Venue")),
        ("grappe:registrationCloses", gettext_lazy("Registration closes")), ("grappe:phase", gettext_lazy("Phase"))),
    ItemKind.PROFILE: (
        ("grappe:organisationKind", gettext_lazy("Type")), ("grappe:sizeBand", gettext_lazy("Size")), _REGION,
        ("grappe:capabilities", gettext_lazy("Capabilities")),
        ("grappe:certifications", gettext_lazy("Certifications"))),
}
