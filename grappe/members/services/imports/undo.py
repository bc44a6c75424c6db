"""Undoing an import from its report, as long as nothing changed its rows since.

An import keeps what undoing it needs (undo_record.py): the ids it created, and the raw values before and
after of what it updated. Undoing gives the updated rows their values back and deletes the rows it created,
in one transaction with the job and those rows locked, so two clicks undo once.

It refuses, naming the records, rather than lose anything entered after the import:
- a row edited since (its `updated_at` is later than the import, or a field no longer holds the imported value);
- a created row that other data now refers to (people, capabilities, needs, registrations…): any relation,
  whatever its on_delete, so a deletion never cascades away or trips over what was added since.
People created who have an account since are kept: the person behind an account is not removed by an undo.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grappe.core import audit
from grappe.core.errors import Conflict
from grappe.core.permissions import require

from ...directory_cache import bump_directory_version, bump_people_version
from ...models import ImportJob, ImportKind, ImportStatus, Organisation, Person
from ...search import organisation_search_text
from .undo_record import restored_value
from .write import SEARCH_TEXT_PREFETCH, update_accounts, update_rows

MODELS = {ImportKind.ORGANISATIONS: Organisation, ImportKind.PEOPLE: Person}
NAMED_AT_MOST = 10  # records a refusal names; the others are counted


@dataclass
class Undo:
    """What undoing a job would do, or why it cannot."""

    job: ImportJob
    deleted: list = field(default_factory=list)  # created rows, to delete
    kept: list = field(default_factory=list)  # created people who have an account now
    restored: list = field(default_factory=list)  # updated rows, their before values set (not yet saved)
    restored_fields: set[str] = field(default_factory=set)
    promoted: list = field(default_factory=list)  # people the import removed as primary contact
    problems: list[str] = field(default_factory=list)

    @property
    def possible(self) -> bool:
        return not self.problems


def undoable(job: ImportJob) -> bool:
    """Whether the job is an import whose report says how to undo it (imports made before undo existed
    cannot be undone)."""
    return job.stage == ImportStatus.DONE and "undo" in (job.report or {})


def undo_preview(job: ImportJob) -> Undo:
    """What undoing the job would do now, or why it cannot (for the confirmation page; nothing is locked)."""
    return _plan_undo(job, lock=False)


def undo_import(*, actor, job: ImportJob) -> bool:
    """Undo an import. False if it was undone already (a second click); Conflict, saying why, if it cannot be."""
    require(actor, "members.import_data")
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job.pk)
            if job.stage == ImportStatus.UNDONE:
                return False
            undo = _plan_undo(job, lock=True)
            if undo.problems:
                raise Conflict(" ".join([_("This import cannot be undone."), *undo.problems]), code="undo_refused")
            UNDOERS[job.kind](undo)
            job.undone_at, job.undone_by = timezone.now(), actor
            job.save(update_fields=["undone_at", "undone_by"])
            audit.record(actor, "import.undone", job, after={
                "kind": job.kind, "file": job.original_name, "deleted": len(undo.deleted),
                "restored": len(undo.restored), "kept": [p.pk for p in undo.kept]})
    except IntegrityError as error:
        raise Conflict(_("The data changed while undoing the import (someone else was editing it). Nothing was "
                         "undone; try again."), code="undo_conflict") from error
    return True


def _plan_undo(job: ImportJob, *, lock: bool) -> Undo:
    undo = Undo(job)
    if not undoable(job):
        undo.problems.append(_("Only an import that was completed can be undone."))
        return undo
    record, model = job.report["undo"], MODELS[job.kind]
    before = {item["id"]: item["fields"] for item in record["updated"]}
    rows = model.objects.filter(pk__in=[*record["created"], *before, *record["demoted"]]).order_by("pk")
    if model is Organisation:
        rows = rows.defer("search_text")
    if lock:
        rows = rows.select_for_update()
    rows = {row.pk: row for row in rows}  # rows deleted since have nothing left to undo
    labels = _labels(job.report, record)
    changed = []
    for pk in record["created"]:
        row = rows.get(pk)
        if row is None:
            continue
        if getattr(row, "user_id", None):
            undo.kept.append(row)
        elif row.updated_at > job.finished_at:
            changed.append(labels.get(pk, str(row)))
        else:
            undo.deleted.append(row)
    for pk, fields in before.items():
        row = rows.get(pk)
        if row is None:
            continue
        if _changed_since(job, row, {name: after for name, (_before, after) in fields.items()}):
            changed.append(labels.get(pk, str(row)))
            continue
        for name, (value, _after) in fields.items():
            setattr(row, name, restored_value(model, name, value))
        undo.restored.append(row)
        undo.restored_fields |= set(fields)
    for pk in record["demoted"]:
        row = rows.get(pk)
        if row is not None and pk not in before:
            if _changed_since(job, row, {"is_primary_contact": False}):
                changed.append(labels.get(pk, str(row)))
            else:
                undo.promoted.append(row)
    if changed:
        undo.problems.append(_("These records were changed since the import: %(records)s.")
                             % {"records": _named(changed)})
    undo.problems.extend(_referred_to(model, undo.deleted, labels))
    return undo


def _changed_since(job: ImportJob, row, after: dict) -> bool:
    """Whether the row was saved after the import, or no longer holds what the import wrote."""
    model = type(row)
    # Compared as Python values: Decimal("45.5") is what the database gives back as Decimal("45.500000").
    return row.updated_at > job.finished_at or any(
        getattr(row, name) != restored_value(model, name, value) for name, value in after.items())


def _referred_to(model, rows: list, labels: dict) -> list[str]:
    """Why rows cannot be deleted: other data refers to them now (one sentence per kind of data)."""
    problems = []
    pks = [row.pk for row in rows]
    for relation in model._meta.related_objects if pks else ():
        related = relation.related_model
        referring = set(related._base_manager.filter(**{f"{relation.field.name}__in": pks})
                        .values_list(relation.field.name, flat=True))
        if referring:
            names = [labels.get(row.pk, str(row)) for row in rows if row.pk in referring]
            problems.append(_("Since the import, %(data)s were added to these records it created: %(records)s.")
                            % {"data": related._meta.verbose_name_plural, "records": _named(names)})
    return problems


def _labels(report: dict, record: dict) -> dict:
    """Each record's name as the report gave it (the created and the changes lists follow the record's order)."""
    labels = dict(zip(record["created"], (item["label"] for item in report.get("created", [])), strict=False))
    labels.update(zip((item["id"] for item in record["updated"]),
                      (item["label"] for item in report.get("changes", [])), strict=False))
    return labels


def _named(names: list[str]) -> str:
    shown = ", ".join(names[:NAMED_AT_MOST])
    more = len(names) - NAMED_AT_MOST
    if more <= 0:
        return shown
    return ngettext("%(names)s and %(count)s other", "%(names)s and %(count)s others", more) % {
        "names": shown, "count": more}


def _undo_organisations(undo: Undo) -> None:
    Organisation.objects.filter(pk__in=[row.pk for row in undo.deleted]).delete()
    # The search text with the values given back, written in the same statement: each UPDATE of an
    # organisation makes PostgreSQL compute its search vector again.
    prefetch_related_objects(undo.restored, *SEARCH_TEXT_PREFETCH)
    for organisation in undo.restored:
        organisation.search_text = organisation_search_text(organisation)
    _restore(Organisation, undo.restored, undo.restored_fields | {"search_text"})
    bump_directory_version()


def _undo_people(undo: Undo) -> None:
    Person.objects.filter(pk__in=[row.pk for row in undo.deleted]).delete()
    # One primary contact per organisation: clear the flags the import set before giving back the old ones.
    # A created person kept for their account stays their organisation's primary contact.
    # A created person kept for their account stays their organisation's primary contact: someone restored
    # gets everything else back, without the flag.
    taken = {p.organisation_id for p in undo.kept if p.is_primary_contact}
    for person in undo.restored:
        if person.is_primary_contact and person.organisation_id in taken:
            person.is_primary_contact = False
    _restore(Person, [p for p in undo.restored if not p.is_primary_contact], undo.restored_fields)
    _restore(Person, [p for p in undo.restored if p.is_primary_contact], undo.restored_fields)
    promoted = [p for p in undo.promoted if p.organisation_id not in taken]
    for person in promoted:
        person.is_primary_contact = True
    _restore(Person, promoted, {"is_primary_contact"})
    update_accounts([p for p in undo.restored if p.user_id])
    bump_people_version()


def _restore(model, rows: list, names: set[str]) -> None:
    now = timezone.now()
    for row in rows:
        row.updated_at = now
    update_rows(model, rows, names | {"updated_at"})


UNDOERS = {ImportKind.ORGANISATIONS: _undo_organisations, ImportKind.PEOPLE: _undo_people}
