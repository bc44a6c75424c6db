"""What keeps the directory fast with 5,000 organisations (figures in docs/benchmarks.md).

An index for the plain directory: active, listed members ordered by name.

On PostgreSQL, the full-text search reads a stored tsvector kept in the row.

With the expression index of migration 0002, PostgreSQL parsed the search text of every candidate row again
to recheck the match, and once more to rank it: a broad query ("AS9100": 2,000 of 5,000 organisations) took
a second (bench/directory.py). A generated column keeps the parsed vector, with its own GIN index, and
`toast_tuple_target` keeps rows of up to 8 kB whole in the table: otherwise PostgreSQL moves the 2–3 kB
vector out to the TOAST table, and fetching it back for each row costs as much as parsing it.

The model does not declare the column (the database computes it); members.search reads it on PostgreSQL.
"""

from django.db import migrations, models

FORWARDS = [
    # First, so that the rewrite of the table by ADD COLUMN already keeps the rows whole.
    "ALTER TABLE members_organisation SET (toast_tuple_target = 8160)",
    "ALTER TABLE members_organisation ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, COALESCE(search_text, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS members_organisation_search_vector_gin ON members_organisation "
    "USING gin (search_vector)",
    "DROP INDEX IF EXISTS members_organisation_search_gin",
]
BACKWARDS = [
    "ALTER TABLE members_organisation RESET (toast_tuple_target)",
    "CREATE INDEX IF NOT EXISTS members_organisation_search_gin ON members_organisation "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))",
    "ALTER TABLE members_organisation DROP COLUMN IF EXISTS search_vector",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)
    return apply


class Migration(migrations.Migration):
    dependencies = [("members", "0002_search_index_and_certification_types")]
    operations = [
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["membership_status", "listed_in_directory", "legal_name"],
                               name="organisation_directory_order"),
        ),
        migrations.RunPython(run(FORWARDS), run(BACKWARDS)),
    ]
