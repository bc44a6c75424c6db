"""Writing a plan to the database: a few statements for the whole file, inside the caller's transaction.

Each writer returns what undoing the import needs (undo_record.py), which the commit keeps in its report."""

from collections import defaultdict

from django.db import connection
from django.db.models import prefetch_related_objects
from django.utils import timezone

from ...directory_cache import bump_directory_version, bump_people_version
from ...models import ImportKind, Organisation, Person, User
from ...search import organisation_search_text
from .plan import BATCH_SIZE, Plan
from .undo_record import undo_record

# What organisation_search_text reads, fetched for many organisations at once.
SEARCH_TEXT_PREFETCH = ("capabilities__capability__parent", "certifications__certification_type")


def _write_organisations(plan: Plan) -> dict:
    now = timezone.now()
    Organisation.objects.bulk_create(plan.to_create, batch_size=BATCH_SIZE)  # sets their ids (PostgreSQL, SQLite)
    for organisation in plan.to_update:
        organisation.updated_at = now
    _write_changes(Organisation, plan)
    touched = plan.to_create + plan.to_update
    prefetch_related_objects(touched, *SEARCH_TEXT_PREFETCH)
    for organisation in touched:
        organisation.search_text = organisation_search_text(organisation)
    update_rows(Organisation, touched, {"search_text"})
    bump_directory_version()
    return undo_record(plan)


def _write_people(plan: Plan) -> dict:
    now = timezone.now()
    # One primary contact per organisation: the file's choice replaces the current one. The file chose the new
    # people it makes primary and those whose row turns the flag on; a current primary contact whose row leaves
    # the flag alone is replaced too.
    chosen = [p for p in plan.to_create if p.is_primary_contact] + [
        p for p, change in zip(plan.to_update, plan.raw_changes, strict=True)
        if change["fields"].get("is_primary_contact", (None, False))[1] is True]
    demoted = list(Person.objects.filter(
        organisation_id__in={p.organisation_id for p in chosen}, is_primary_contact=True).exclude(
        pk__in=[p.pk for p in chosen if p.pk]).values_list("pk", flat=True))
    Person.objects.filter(pk__in=demoted).update(is_primary_contact=False, updated_at=now)
    for person in plan.to_update:
        if person.pk in demoted:
            person.is_primary_contact = False
    for person in plan.to_update:
        person.updated_at = now
    _write_changes(Person, plan)
    Person.objects.bulk_create(plan.to_create, batch_size=BATCH_SIZE)
    update_accounts([p for p in plan.to_update if p.user_id])
    bump_people_version()
    return undo_record(plan, demoted)


def _write_changes(model, plan: Plan) -> None:
    """Save, in each updated row, only the fields the file changed in it (and when): a field the import left
    alone keeps whatever someone saves in it while the import runs. Rows that changed the same fields are
    written by one statement."""
    rows_by_fields = defaultdict(list)
    for instance, change in zip(plan.to_update, plan.raw_changes, strict=True):
        rows_by_fields[frozenset(change["fields"])].append(instance)
    for names, instances in rows_by_fields.items():
        update_rows(model, instances, names | {"updated_at"})


def update_accounts(people: list[Person]) -> None:
    """An account follows its person's name, language and presence, as when staff edit the person."""
    users = list(User.objects.filter(pk__in=[p.user_id for p in people]))
    person_of = {p.user_id: p for p in people}
    for user in users:
        person = person_of[user.pk]
        user.full_name, user.language, user.is_active = person.full_name, person.language, person.is_active
    update_rows(User, users, {"full_name", "language", "is_active"})


def update_rows(model, instances: list, names: set[str]) -> None:
    """Save these fields of many instances with one UPDATE statement run for each (executemany).

    Django's bulk_update builds a CASE WHEN per field listing every row; for thousands of rows building it
    took seconds of Python. One parameterised statement, which psycopg pipelines, takes a fraction of that.
    """
    if not instances:
        return
    fields = [model._meta.get_field(name) for name in sorted(names)]
    quote = connection.ops.quote_name
    sql = "UPDATE {table} SET {values} WHERE {pk} = %s".format(
        table=quote(model._meta.db_table), pk=quote(model._meta.pk.column),
        values=", ".join(f"{quote(f.column)} = %s" for f in fields))
    params = [[f.get_db_prep_save(getattr(i, f.attname), connection) for f in fields] + [i.pk] for i in instances]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


WRITERS = {ImportKind.ORGANISATIONS: _write_organisations, ImportKind.PEOPLE: _write_people}
