"""Planning an import: what each row would create, update or leave alone, and what is wrong with it.

Nothing here writes. The existing keys are fetched once for the whole file, never one query per row.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models.functions import Lower
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from ...models import ImportJob, ImportKind, Organisation, Person
from ...search import fold
from . import duplicates
from .columns import missing_columns, target_label
from .creations import creation_summary, new_organisation
from .files import Sheet, read_sheet
from .options import ImportOptions
from .rows import ROW_FORMS
from .updates import organisation_update, update_values

PROGRESS_EVERY = 100  # rows between two progress reports
REPORT_MAX_ERRORS = 1000  # a file of garbage rows must not make a report of megabytes
REPORT_TEXT_CHARACTERS = 300  # a message or a value the report quotes: the job page prints it as it is
BATCH_SIZE = 500


@dataclass
class CleanedRow:
    """A row's values that passed validation (all of them, if the row is valid), for the non-empty cells."""

    number: int
    values: dict


@dataclass
class Plan:
    """What an import would do: the objects to create and update, and what the report says about it."""

    kind: str
    mapping: dict[str, str]
    errors: list[dict] = field(default_factory=list)
    to_create: list = field(default_factory=list)
    to_update: list = field(default_factory=list)
    update_fields: set[str] = field(default_factory=set)
    created: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    unchanged: int = 0
    error_rows: set[int | None] = field(default_factory=set)
    shown: dict = field(default_factory=dict)  # field -> how to show its values in the report (else as is)
    undecided: int = 0  # probable duplicates staff have not decided yet: the plan cannot be committed
    decisions: dict = field(default_factory=dict)  # what the report says of duplicates, names and new values

    def error(self, row: int | None, name: str, message: str) -> None:
        self.error_rows.add(row)
        self.errors.append({"row": row, "column": self.mapping.get(name, ""), "message": _shortened(str(message))})

    def record_change(self, row: int, instance, values: dict, label: str) -> None:
        """Apply `values` to an existing object, and note it as updated (with before/after) or unchanged."""
        fields = []
        for name, value in values.items():
            old = getattr(instance, name)
            if old != value:
                show = self.shown.get(name) or _shown_as_choice(instance, name) or _json
                fields.append([name, _change_label(self.kind, name), _shortened(show(old)), _shortened(show(value))])
                setattr(instance, name, value)
                self.update_fields.add(name)
        if fields:
            self.to_update.append(instance)
            self.changes.append({"row": row, "label": label, "fields": fields})
        else:
            self.unchanged += 1

    def record_creation(self, row: int, instance, label: str) -> None:
        self.to_create.append(instance)
        self.created.append({"row": row, "label": label})

    def report(self, phase: str) -> dict:
        """What the job page shows: counts, errors by row and, for each updated object, before and after."""
        ordered = sorted(self.errors, key=lambda e: (e["row"] or 0))
        decisions = dict(self.decisions)
        if self.kind == ImportKind.ORGANISATIONS:
            decisions["creation_summary"] = creation_summary(self.to_create, done=phase == "commit" and not self.errors)
        return {
            "phase": phase,
            "counts": {"created": len(self.to_create), "updated": len(self.to_update), "unchanged": self.unchanged,
                       "error_rows": len(self.error_rows)},
            "errors": ordered[:REPORT_MAX_ERRORS],
            "errors_total": len(ordered),
            "created": self.created,
            "changes": self.changes,
            **decisions,
        }


def _shortened(value):
    """A text the report quotes, cut to REPORT_TEXT_CHARACTERS: a cell may hold a long description (or a
    message quote a long cell), and the report is stored, then printed whole on the job page."""
    return Truncator(value).chars(REPORT_TEXT_CHARACTERS) if isinstance(value, str) else value


def _change_label(kind: str, name: str) -> str:
    return _("organisation") if name == "organisation_id" else target_label(kind, name)


def _shown_as_choice(instance, name: str):
    """For a field with choices, show a value as people read it ("SME", not "sme"); None for other fields."""
    choices = dict(instance._meta.get_field(name).flatchoices)
    return (lambda value: str(choices.get(value, value))) if choices else None


def _json(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _validated_rows(job: ImportJob, sheet: Sheet, plan: Plan, on_progress) -> list[tuple[CleanedRow, bool]]:
    """Every row's cleaned values, and whether the whole row is valid; errors go to the plan."""
    columns = {name: sheet.headers.index(column) for name, column in job.mapping.items()}
    form_class = ROW_FORMS[job.kind]
    rows = []
    for count, row in enumerate(sheet.rows, 1):
        data = {name: row.cells[i] for name, i in columns.items() if i < len(row.cells) and row.cells[i]}
        form = form_class(data)
        valid = form.is_valid()
        for name, messages in form.errors.items():
            for message in messages:
                plan.error(row.number, name, message)
        cleaned = getattr(form, "cleaned_data", {})
        rows.append((CleanedRow(row.number, {k: cleaned[k] for k in data if k in cleaned}), valid))
        if on_progress is not None and count % PROGRESS_EVERY == 0:
            on_progress(count)
    return rows


def _reject_repeated(plan: Plan, rows: list[CleanedRow], key, name: str, message: str) -> None:
    """Mark the rows whose key appears on another row of the file too."""
    rows_by_key = defaultdict(list)
    for row in rows:
        if value := key(row):
            rows_by_key[value].append(row)
    for group in rows_by_key.values():
        for row in group if len(group) > 1 else ():
            others = ", ".join(str(other.number) for other in group if other is not row)
            plan.error(row.number, name, message % {"value": row.values[name], "rows": others})


def _plan_organisations(job: ImportJob, sheet: Sheet, on_progress=None) -> Plan:
    """Each valid row found by a sure key (Grappe ID, NEQ, its one legal name) updates that organisation; rows
    that may be the same organisation as another row or as an organisation of the directory are questions
    (duplicates.py), answered by staff; the other rows create organisations with staff's chosen values."""
    options = ImportOptions.of(job)
    plan = Plan(kind=job.kind, mapping=job.mapping)
    checked = _validated_rows(job, sheet, plan, on_progress)
    _reject_repeated(plan, [row for row, _valid in checked], lambda r: r.values.get("neq"), "neq",
                     _("The NEQ %(value)s is also on row %(rows)s."))
    directory = _Directory()
    found, same_name = {}, {}
    for row, valid in checked:
        if not valid or row.number in plan.error_rows:
            continue
        organisation, namesakes, problem = directory.find(row.values)
        if problem:
            plan.error(row.number, "neq", problem)
        elif organisation is not None:
            found[row.number] = organisation
        elif namesakes:
            same_name[row.number] = namesakes
    rows = [row for row, valid in checked if valid and row.number not in plan.error_rows]
    questions = duplicates.Questions(options.duplicates)
    repeated = duplicates.rows_repeated(rows, found, questions)
    rows = [row for row in rows if row.number not in repeated]
    found |= duplicates.organisations_chosen([row for row in rows if row.number not in found],
                                             directory.organisations, same_name, questions)
    names = _plan_organisation_rows(plan, rows, found, directory.slugs, options)
    plan.undecided = questions.undecided
    plan.decisions = {
        "duplicates": sorted(questions.asked, key=lambda q: q["row"]), "duplicates_undecided": questions.undecided,
        "repeated": [{"row": row, "same_as": first} for row, first in sorted(repeated.items())],
        "names": names,
    }
    return plan


def _plan_organisation_rows(plan: Plan, rows: list[CleanedRow], found: dict[int, Organisation], slugs: set[str],
                            options: ImportOptions) -> list[dict]:
    """Plan each row as a creation or an update of the organisation found for it; return what the updates did
    with the names (updates.py), for the report."""
    claimed, names = {}, []
    for row in rows:
        organisation = found.get(row.number)
        values = {name: value for name, value in row.values.items() if name != "grappe_id"}
        if organisation is not None and organisation.pk in claimed:
            plan.error(row.number, "legal_name",
                       _("Row %(row)s already describes this organisation.") % {"row": claimed[organisation.pk]})
            continue
        notes = []
        if organisation is not None:
            # A row of Grappe's own export renames on purpose; another file's legal name keeps the known name.
            keep_shown_name = row.values.get("grappe_id") != organisation.slug
            values, notes = organisation_update(organisation, values, options.update_mode, keep_shown_name)
        if not _dates_in_order(values, organisation):
            plan.error(row.number, "membership_ends", _("The membership cannot end before it starts."))
        elif organisation is None:
            created = new_organisation(values, slugs, options)
            plan.record_creation(row.number, created, str(created))
        else:
            claimed[organisation.pk] = row.number
            plan.record_change(row.number, organisation, values, str(organisation))
            names += [{"row": row.number, "label": str(organisation), "message": note} for note in notes]
    return names


class _Directory:
    """The organisations already in Grappe, fetched once, by the keys a row may give."""

    def __init__(self):
        self.organisations = list(Organisation.objects.defer("search_text"))
        self.by_slug = {o.slug: o for o in self.organisations}
        self.by_neq = {o.neq: o for o in self.organisations if o.neq}
        self.by_name = defaultdict(list)
        for organisation in self.organisations:
            self.by_name[fold(organisation.legal_name)].append(organisation)
        self.slugs = set(self.by_slug)

    def find(self, values: dict) -> tuple[Organisation | None, list[Organisation], str]:
        """The organisation a row's sure keys give (or None); else the organisations that share its legal name
        with others, to ask about; or why the row cannot be matched."""
        neq = values.get("neq")
        organisation = self.by_slug.get(values.get("grappe_id"))
        if organisation is not None:
            owner = self.by_neq.get(neq)
            if owner is not None and owner is not organisation:
                return None, [], _("The NEQ %(neq)s is that of another organisation, “%(name)s”.") % {
                    "neq": neq, "name": owner}
            return organisation, [], ""
        if neq and neq in self.by_neq:
            return self.by_neq[neq], [], ""
        namesakes = self.by_name.get(fold(values["legal_name"]), [])
        if neq:
            # A new NEQ for an organisation we know only by its name: the row gives it its NEQ.
            namesakes = [o for o in namesakes if not o.neq]
        if len(namesakes) == 1:
            return namesakes[0], [], ""
        return None, namesakes, ""


def _dates_in_order(values: dict, organisation: Organisation | None) -> bool:
    """Whether the membership would end after it starts, once the row's dates replace the current ones."""
    start = values.get("member_since", organisation.member_since if organisation else None)
    end = values.get("membership_ends", organisation.membership_ends if organisation else None)
    return start is None or end is None or end >= start


def _plan_people(job: ImportJob, sheet: Sheet, on_progress=None) -> Plan:
    organisations = _OrganisationIndex()
    plan = Plan(kind=job.kind, mapping=job.mapping, shown={"organisation_id": organisations.name_of})
    update_mode = ImportOptions.of(job).update_mode
    checked = _validated_rows(job, sheet, plan, on_progress)
    _reject_repeated(plan, [row for row, _valid in checked], lambda r: r.values.get("email"), "email",
                     _("The email %(value)s is also on row %(rows)s."))
    existing = _people_by_email([row.values.get("email") for row, _valid in checked])
    primary_rows = defaultdict(list)
    for row, valid in checked:
        if not valid or row.number in plan.error_rows:
            continue
        values = dict(row.values)
        neq, name = values.pop("organisation_neq", None), values.pop("organisation_name", None)
        organisation_id, problem = organisations.find(neq, name)
        if problem:
            plan.error(row.number, "organisation_neq" if neq else "organisation_name", problem)
            continue
        values["organisation_id"] = organisation_id
        if values.get("is_primary_contact"):
            primary_rows[organisation_id].append(row.number)
        person = existing.get(values["email"])
        if person is None:
            created = Person(**values)
            plan.record_creation(row.number, created, f"{created.full_name} <{created.email}>")
            continue
        if person.organisation_id != organisation_id:
            # Someone who changes employer is not their new organisation's primary contact unless the row says so.
            values.setdefault("is_primary_contact", False)
        values = update_values(person, values, update_mode)
        plan.record_change(row.number, person, values, f"{person.full_name} <{person.email}>")
    for numbers in primary_rows.values():
        for number in numbers if len(numbers) > 1 else ():
            plan.error(number, "is_primary_contact",
                       _("An organisation has one primary contact; rows %(rows)s name several.")
                       % {"rows": ", ".join(str(n) for n in numbers)})
    return plan


class _OrganisationIndex:
    """Finds the organisation of a person's row by NEQ, or by legal or trade name (folded)."""

    def __init__(self):
        self.by_neq, self.by_name, self.names = {}, defaultdict(set), {}
        for pk, neq, legal_name, trade_name in Organisation.objects.values_list("pk", "neq", "legal_name",
                                                                                 "trade_name"):
            self.names[pk] = trade_name or legal_name
            if neq:
                self.by_neq[neq] = pk
            for name in (legal_name, trade_name):
                if name:
                    self.by_name[fold(name)].add(pk)

    def name_of(self, pk: int | None) -> str:
        return self.names.get(pk, "")

    def find(self, neq: str | None, name: str | None) -> tuple[int | None, str]:
        if neq:
            if neq not in self.by_neq:
                return None, _("No organisation has the NEQ %(neq)s. Import the organisations first.") % {"neq": neq}
            return self.by_neq[neq], ""
        if not name:
            return None, _("Give the organisation's NEQ or name.")
        found = self.by_name.get(fold(name), set())
        if not found:
            return None, _("No organisation is called “%(name)s”. Import the organisations first.") % {"name": name}
        if len(found) > 1:
            return None, _("Several organisations are called “%(name)s”: give its NEQ instead.") % {"name": name}
        return next(iter(found)), ""


def _people_by_email(emails: list[str | None]) -> dict[str, Person]:
    wanted = sorted({e for e in emails if e})
    people = {}
    for start in range(0, len(wanted), BATCH_SIZE):
        chunk = wanted[start:start + BATCH_SIZE]
        for person in Person.objects.alias(email_lower=Lower("email")).filter(email_lower__in=chunk):
            people[person.email.lower()] = person
    return people


PLANNERS = {ImportKind.ORGANISATIONS: _plan_organisations, ImportKind.PEOPLE: _plan_people}


def plan_import(job: ImportJob, on_progress=None) -> Plan:
    """Read the job's file and plan it with its mapping; `on_progress(rows)` hears every PROGRESS_EVERY rows."""
    with job.file.open("rb") as stored:
        sheet = read_sheet(stored.read(), job.original_name)
    missing = missing_columns(job.kind, job.mapping)
    unknown = sorted(set(job.mapping.values()) - set(sheet.headers))
    if missing or unknown:
        plan = Plan(kind=job.kind, mapping=job.mapping)
        for label in missing:
            plan.error(None, "", _("A required column is missing: %(field)s.") % {"field": label})
        for column in unknown:
            plan.error(None, "", _("The file has no column “%(column)s”.") % {"column": column})
        return plan
    return PLANNERS[job.kind](job, sheet, on_progress)
