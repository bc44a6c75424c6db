"""Planning an import: what each row would create, update or leave alone, and what is wrong with it.

Nothing here writes. The existing keys are fetched once for the whole file, never one query per row.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models.functions import Lower
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from ...address import derived_address
from ...models import ImportJob, ImportKind, Organisation, Person
from ...search import fold
from .cells import CellReader, GarbledCells
from .columns import missing_columns, target_label, unmapped_columns
from .creations import creation_summary, new_organisation
from .duplicates import Questions, organisations_chosen, rows_repeated
from .files import Sheet, read_sheet
from .options import ImportOptions
from .rows import ROW_FORMS
from .undo_record import stored_value
from .updates import organisation_update, update_values

PROGRESS_EVERY = 100  # rows between two progress reports
REPORT_MAX_ERRORS = 1000  # a file of garbage rows must not make a report of megabytes
ERROR_LIST_MAX = 20_000  # the errors kept for the spreadsheet staff download (ImportJob.error_list)
REPORT_MAX_GROUPS = 100  # groups of identical errors the report keeps, the largest first
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
    created: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    # The same changes as the database holds them, for undoing the import: {"id", "fields": {name: [before,
    # after]}} (see undo.py).
    raw_changes: list[dict] = field(default_factory=list)
    unchanged: int = 0
    error_rows: set[int | None] = field(default_factory=set)
    shown: dict = field(default_factory=dict)  # field -> how to show its values in the report (else as is)
    ignored_columns: list[str] = field(default_factory=list)  # the file's columns no field is mapped to
    garbled: GarbledCells = field(default_factory=GarbledCells)
    unrecognised: set[tuple[str, str]] = field(default_factory=set)  # (field, value) of unknown choice values
    skipping: bool = False  # staff chose to import the valid rows and skip the others
    undecided: int = 0  # probable duplicates staff have not decided yet: the plan cannot be committed
    report_extras: dict = field(default_factory=dict)  # what the report says of duplicates and names

    def error(self, row: int | None, name: str, message: str, value: str = "") -> None:
        """Note what is wrong with a row (None: with the whole file) in the column of field `name`; `value` is
        the cell as read, by which identical errors are grouped."""
        self.error_rows.add(row)
        self.errors.append({"row": row, "column": self.mapping.get(name, ""), "message": _shortened(str(message)),
                            "field": name, "value": _shortened(value)})

    def record_change(self, row: int, instance, values: dict, label: str) -> None:
        """Apply `values` to an existing object, and note it as updated (with before/after) or unchanged."""
        fields, raw = [], {}
        for name, value in values.items():
            old = getattr(instance, name)
            if old != value:
                show = self.shown.get(name) or _shown_as_choice(instance, name) or stored_value
                fields.append([name, _change_label(self.kind, name), _shortened(show(old)), _shortened(show(value))])
                raw[name] = [stored_value(old), stored_value(value)]
                setattr(instance, name, value)
        if fields:
            self.to_update.append(instance)
            self.changes.append({"row": row, "label": label, "fields": fields})
            self.raw_changes.append({"id": instance.pk, "fields": raw})
        else:
            self.unchanged += 1

    def record_creation(self, row: int, instance, label: str) -> None:
        self.to_create.append(instance)
        self.created.append({"row": row, "label": label})

    def report(self, phase: str) -> dict:
        """What the job page shows: counts, errors by row and grouped, garbled text, and, for each updated
        object, before and after."""
        ordered = self.all_errors()
        counts = {"created": len(self.to_create), "updated": len(self.to_update), "unchanged": self.unchanged,
                  "error_rows": len(self.error_rows)}
        if self.skips_rows:
            counts["skipped"] = len(self.error_rows)
        extras = dict(self.report_extras)
        if self.kind == ImportKind.ORGANISATIONS:
            extras["creation_summary"] = creation_summary(self.to_create, done=phase == "commit" and self.writable)
        return {
            "phase": phase,
            "counts": counts,
            "errors": ordered[:REPORT_MAX_ERRORS],
            "errors_total": len(ordered),
            "error_groups": error_groups(self, ordered),
            "error_groups_total": len({_group_key(e) for e in ordered}),
            "garbled": {"count": self.garbled.count, "examples": self.garbled.examples},
            "skip_invalid_rows": self.skips_rows,
            "created": self.created,
            "changes": self.changes,
            "ignored_columns": self.ignored_columns,
            **extras,
        }

    @property
    def skips_rows(self) -> bool:
        """Whether the rows with errors are skipped: staff chose it, and nothing is wrong with the whole file
        (a missing column, an unanswered question), which no skipping gets round."""
        return self.skipping and None not in self.error_rows

    @property
    def writable(self) -> bool:
        return not self.errors or self.skips_rows

    def all_errors(self) -> list[dict]:
        return sorted(self.errors, key=lambda e: (e["row"] or 0))

    def skip_error_rows(self) -> None:
        """Leave out what the rows with errors would have written: the valid rows alone are imported."""
        self.skipping = True
        kept_creations = [(o, c) for o, c in zip(self.to_create, self.created) if c["row"] not in self.error_rows]
        # to_update, changes and raw_changes go together, one item per updated row: filtered together.
        kept_changes = [(o, c, r) for o, c, r in zip(self.to_update, self.changes, self.raw_changes, strict=True)
                        if c["row"] not in self.error_rows]
        self.to_create, self.created = [o for o, _c in kept_creations], [c for _o, c in kept_creations]
        self.to_update = [o for o, _c, _r in kept_changes]
        self.changes = [c for _o, c, _r in kept_changes]
        self.raw_changes = [r for _o, _c, r in kept_changes]


def _group_key(error: dict) -> tuple:
    return error.get("field", ""), error["column"], error.get("value", ""), error["message"]


def error_groups(plan: Plan, errors: list[dict]) -> list[dict]:
    """Identical errors (same column, same value, same message) as one line with their number of rows, the
    largest groups first. A value that is not one of a field's choices offers those choices as its fix."""
    groups = {}
    for error in errors:
        key = _group_key(error)
        group = groups.setdefault(key, {"field": key[0], "column": key[1], "value": key[2], "message": key[3],
                                        "count": 0, "rows": []})
        group["count"] += 1
        if len(group["rows"]) < 10 and error["row"] is not None:
            group["rows"].append(error["row"])
    ordered = sorted(groups.values(), key=lambda g: (-g["count"], g["rows"][:1]))[:REPORT_MAX_GROUPS]
    form_fields = ROW_FORMS[plan.kind].base_fields
    for group in ordered:
        if (group["field"], group["value"]) in plan.unrecognised:
            group["choices"] = [[code, str(label)] for code, label in form_fields[group["field"]].choices]
    return ordered


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


def _validated_rows(job: ImportJob, sheet: Sheet, plan: Plan, on_progress) -> list[tuple[CleanedRow, bool]]:
    """Every row's cleaned values, and whether the whole row is valid; errors go to the plan."""
    columns = {name: sheet.headers.index(column) for name, column in job.mapping.items()}
    form_class = ROW_FORMS[job.kind]
    cells = CellReader(ImportOptions.of(job), plan.garbled)
    rows = []
    for count, row in enumerate(sheet.rows, 1):
        data = {}
        for name, i in columns.items():
            if i < len(row.cells) and (value := cells.value(name, job.mapping[name], row.cells[i])):
                data[name] = value
        form = form_class(data)
        valid = form.is_valid()
        for name, errors in form.errors.as_data().items():
            _note_field_errors(plan, row.number, name, data.get(name, ""), errors)
        cleaned = getattr(form, "cleaned_data", {})
        rows.append((CleanedRow(row.number, {k: cleaned[k] for k in data if k in cleaned}), valid))
        if on_progress is not None and count % PROGRESS_EVERY == 0:
            on_progress(count)
    return rows


def _note_field_errors(plan: Plan, row: int, name: str, value: str, errors) -> None:
    """A field's errors, each quoting the value it is about (unless it does already), so that a staff member
    sees what to look for in the file."""
    for error in errors:
        if error.code == "invalid_choice":
            plan.unrecognised.add((name, value))
        for message in error:
            if value and value not in message:
                message = _("“%(value)s”: %(message)s") % {"value": Truncator(value).chars(80), "message": message}
            plan.error(row, name, message, value)


def _reject_repeated(plan: Plan, rows: list[CleanedRow], key, name: str, message: str) -> None:
    """Mark the rows whose key appears on another row of the file too."""
    rows_by_key = defaultdict(list)
    for row in rows:
        if value := key(row):
            rows_by_key[value].append(row)
    for group in rows_by_key.values():
        for row in group if len(group) > 1 else ():
            others = ", ".join(str(other.number) for other in group if other is not row)
            plan.error(row.number, name, message % {"value": row.values[name], "rows": others},
                       str(row.values[name]))


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
    questions = Questions(options.duplicates)
    repeated = rows_repeated(rows, found, questions)
    rows = [row for row in rows if row.number not in repeated]
    found |= organisations_chosen([row for row in rows if row.number not in found],
                                  directory.organisations, same_name, questions)
    names = _plan_organisation_rows(plan, rows, found, directory.slugs, options)
    plan.undecided = questions.undecided
    plan.report_extras = {
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
        values |= derived_address(values, organisation)
        if not _dates_in_order(values, organisation):
            start, end = _membership_dates(values, organisation)
            plan.error(row.number, "membership_ends",
                       _("The membership cannot end on %(end)s, before it starts on %(start)s.")
                       % {"end": end.isoformat(), "start": start.isoformat()}, end.isoformat())
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
    start, end = _membership_dates(values, organisation)
    return start is None or end is None or end >= start


def _membership_dates(values: dict, organisation: Organisation | None) -> tuple:
    """When the membership would start and end (or None), once the row's dates replace the current ones."""
    return (values.get("member_since", organisation.member_since if organisation else None),
            values.get("membership_ends", organisation.membership_ends if organisation else None))


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
    plan = PLANNERS[job.kind](job, sheet, on_progress)
    plan.ignored_columns = unmapped_columns(sheet.headers, job.mapping)
    if ImportOptions.of(job).skip_invalid_rows:
        plan.skip_error_rows()
    return plan
