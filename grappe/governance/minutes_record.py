"""The minutes as a frozen record: what a meeting's record (attendance, agenda items with their notes, decisions,
recusals, resolutions and action items) held when a co-chair generated them, written once into Minutes.content,
and read back for the page and the PDF.

`build(meeting)` freezes plain values only — people's and organisations' names, the texts people typed, dates
and moments as ISO strings, codes (an attendance status, a majority rule) — so that a person renamed, a note
edited or an action done after the generation never changes a generated version. Labels are not frozen: `read`
turns the content back into a `Document` whose labels are written in the active language when read, so one
version reads in French or in English (documents/minutes.py, render_body, chooses which). The notes, decisions and
resolutions are the people's own words, shown as typed (a resolution's title and text in both languages, as
its author wrote them).

The content's shape (SCHEMA 1):

    {"schema": 1, "language": "fr", "generated_at": "2026-11-12T19:02:11+00:00", "replaces": 1 | null,
     "body": {"id", "kind", "name_fr", "name_en"},
     "meeting": {"id", "title", "starts_at", "ends_at" (ISO, in the meeting's time zone), "time_zone", "place",
                 "video_url"},
     "attendance": [{"name", "organisation", "status": "present" | "excused" | "absent"}],
     "items": [{"number", "title", "description", "presenter": {"name", "organisation"} | null, "notes",
                "decisions": [text], "recusals": [{"name", "organisation", "reason"}],
                "resolutions": [{"title_fr", "title_en", "text_fr", "text_en", "majority", "secret",
                                 "results": null | {"options": [{"label_fr", "label_en", "votes", "abstention"}],
                                                    "turnout", "electors", "quorum_met", "outcome",
                                                    "carried": {"label_fr", "label_en"} | null}}],
                "actions": [action]}],
     "actions": [{"description", "owner", "organisation", "due_on" (ISO date), "item": number | null}]}
"""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.utils import timezone

from grappe.members.models import in_language

from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Majority,
    Meeting,
    Recusal,
    Resolution,
)

SCHEMA = 1
ATTENDANCE_ORDER = [status for status, _label in AttendanceStatus.choices]


# Building: the meeting's record now, as plain values.

def build(meeting: Meeting, *, replaces: int | None = None) -> dict:
    """The content of a new version of the meeting's minutes (see the module's doc). `replaces`: the number of the
    version this one follows, if any."""
    zone = ZoneInfo(meeting.time_zone)
    items = list(meeting.items.select_related("presenter__person__organisation").prefetch_related(
        "decisions",
        Prefetch("recusals", queryset=Recusal.objects.select_related("user__person__organisation")
                 .order_by("created_at", "pk")),
        Prefetch("resolutions", queryset=Resolution.objects.prefetch_related("options").order_by("opens_at", "pk")),
    ).order_by("position", "pk"))
    numbers = {item.pk: number for number, item in enumerate(items, 1)}
    actions = [_action(action, numbers) for action in ActionItem.objects.filter(meeting=meeting)
               .select_related("owner__person__organisation").order_by("due_on", "pk")]
    body = meeting.body
    return {
        "schema": SCHEMA,
        "language": body.language,
        "generated_at": timezone.now().isoformat(),
        "replaces": replaces,
        "body": {"id": body.pk, "kind": body.kind, "name_fr": body.name_fr, "name_en": body.name_en},
        "meeting": {"id": meeting.pk, "title": meeting.title,
                    "starts_at": meeting.starts_at.astimezone(zone).isoformat(),
                    "ends_at": meeting.ends_at.astimezone(zone).isoformat(),
                    "time_zone": meeting.time_zone, "place": meeting.place, "video_url": meeting.video_url},
        "attendance": _attendance(meeting),
        "items": [_item(item, numbers[item.pk], [a for a in actions if a["item"] == numbers[item.pk]])
                  for item in items],
        "actions": actions,
    }


def _name(user) -> str:
    """How the minutes name a person: the account's full name, else the name their organisation gave them; never
    their email address, which approved minutes would show to every member."""
    if user.full_name:
        return user.full_name
    person = getattr(user, "person", None)
    if person is not None:
        return f"{person.first_name} {person.last_name}".strip()
    return user.email.split("@")[0]


def _organisation_of(user) -> str:
    organisation = user.organisation
    return organisation.display_name if organisation is not None else ""


def _attendance(meeting: Meeting) -> list[dict]:
    rows = [{"name": _name(row.user), "organisation": row.organisation.display_name if row.organisation else "",
             "status": row.status}
            for row in Attendance.objects.filter(meeting=meeting).select_related("user__person", "organisation")]
    return sorted(rows, key=lambda row: (ATTENDANCE_ORDER.index(row["status"]), row["name"].casefold()))


def _item(item: AgendaItem, number: int, actions: list[dict]) -> dict:
    presenter = item.presenter
    return {
        "number": number,
        "title": item.title,
        "description": item.description,
        "presenter": {"name": _name(presenter), "organisation": _organisation_of(presenter)} if presenter else None,
        "notes": item.notes,
        "decisions": [decision.text for decision in item.decisions.all()],
        "recusals": [{"name": _name(r.user), "organisation": _organisation_of(r.user), "reason": r.reason}
                     for r in item.recusals.all()],
        "resolutions": [_resolution(resolution) for resolution in item.resolutions.all()
                        if resolution.published_at is not None],
        "actions": actions,
    }


def _action(action: ActionItem, numbers: dict[int, int]) -> dict:
    return {"description": action.description, "owner": _name(action.owner),
            "organisation": _organisation_of(action.owner), "due_on": action.due_on.isoformat(),
            "item": numbers.get(action.item_id)}


def _resolution(resolution: Resolution) -> dict:
    return {"title_fr": resolution.title_fr, "title_en": resolution.title_en, "text_fr": resolution.text_fr,
            "text_en": resolution.text_en, "majority": resolution.majority, "secret": resolution.secret,
            "results": _results(resolution) if resolution.counted_at is not None else None}


def _results(resolution: Resolution) -> dict:
    """The counted results, as the count wrote them in Resolution.results (services/resolutions.tally): the votes
    per option (a list under "options", by the option's id), the organisations that voted ("voted") among the
    electors, whether the quorum was met, the outcome ("carried", "quorum_not_met", "no_votes", "no_majority") and
    the option retained under "carried": the option that reached the majority, whichever it is ("Against" as well
    as "For"), so the minutes say "option retained", never "adopted". Every figure is optional: a missing one is
    left out of the minutes."""
    results = resolution.results or {}
    votes = {str(row["id"]): row.get("votes") for row in results.get("options") or []
             if isinstance(row, dict) and row.get("id") is not None}
    options = [{"label_fr": option.label_fr, "label_en": option.label_en, "abstention": option.is_abstention,
                "votes": votes.get(str(option.pk))} for option in resolution.options.all()]
    carried = next((option for option in resolution.options.all() if option.pk == results.get("carried")), None)
    return {
        "options": options,
        "turnout": results.get("voted"),
        "electors": results.get("electors"),
        "quorum_met": results.get("quorum_met"),
        "outcome": results.get("outcome"),
        "carried": {"label_fr": carried.label_fr, "label_en": carried.label_en} if carried else None,
    }


# Reading: the frozen content, its labels in the active language.

@dataclass
class VotedResolution:
    title: str
    text: str
    majority: str
    secret: bool
    results: dict | None


@dataclass
class Item:
    number: int
    title: str
    description: str
    presenter: dict | None
    notes: str
    decisions: list[str]
    recusals: list[dict]
    resolutions: list[VotedResolution]
    actions: list[dict]


@dataclass
class Document:
    """A version's content as the page and the PDF read it: moments in the meeting's time zone, labels in the
    active language (read it under translation.override)."""

    language: str
    body_name: str
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    time_zone: str
    place: str
    video_url: str
    attendance: list[dict]
    items: list[Item]
    actions: list[dict]
    generated_at: datetime.datetime
    replaces: int | None
    attendance_groups: list[tuple[str, list[dict]]] = field(default_factory=list)

    @property
    def decision_count(self) -> int:
        return sum(len(item.decisions) for item in self.items)


def read(content: dict) -> Document:
    """The frozen content as a Document, labels in the active language."""
    meeting = content["meeting"]
    attendance = content["attendance"]
    statuses = dict(AttendanceStatus.choices)
    return Document(
        language=content["language"],
        body_name=in_language(content["body"]["name_fr"], content["body"]["name_en"]),
        title=meeting["title"],
        starts_at=datetime.datetime.fromisoformat(meeting["starts_at"]),
        ends_at=datetime.datetime.fromisoformat(meeting["ends_at"]),
        time_zone=meeting["time_zone"],
        place=meeting["place"],
        video_url=meeting["video_url"],
        attendance=attendance,
        attendance_groups=[(str(statuses[status]), [row for row in attendance if row["status"] == status])
                           for status in ATTENDANCE_ORDER if any(row["status"] == status for row in attendance)],
        items=[_read_item(item) for item in content["items"]],
        actions=[_read_action(action) for action in content["actions"]],
        generated_at=datetime.datetime.fromisoformat(content["generated_at"]),
        replaces=content.get("replaces"),
    )


def _read_action(action: dict) -> dict:
    return {**action, "due_on": datetime.date.fromisoformat(action["due_on"])}


def _read_item(item: dict) -> Item:
    majorities = dict(Majority.choices)
    return Item(
        number=item["number"], title=item["title"], description=item["description"], presenter=item["presenter"],
        notes=item["notes"], decisions=item["decisions"], recusals=item["recusals"],
        resolutions=[VotedResolution(
            title=in_language(r["title_fr"], r["title_en"]), text=in_language(r["text_fr"], r["text_en"]),
            majority=str(majorities.get(r["majority"], r["majority"])), secret=r["secret"],
            results=_read_results(r["results"])) for r in item["resolutions"]],
        actions=[_read_action(action) for action in item["actions"]],
    )


def _read_results(results: dict | None) -> dict | None:
    if results is None:
        return None
    carried = results.get("carried")
    return {**results, "options": [{**option, "label": in_language(option["label_fr"], option["label_en"])}
                                   for option in results["options"]],
            "carried": in_language(carried["label_fr"], carried["label_en"]) if carried else ""}


def decisions(content: dict) -> list[tuple[int, str, str]]:
    """(item number, item title, decision) of every decision the version records, in the agenda's order."""
    return [(item["number"], item["title"], text) for item in content["items"] for text in item["decisions"]]
