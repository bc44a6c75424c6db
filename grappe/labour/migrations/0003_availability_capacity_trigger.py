"""On PostgreSQL, a write to an availability (its people or its period) is checked against the loans it holds.

Migration 0002 guards the loans; this guards the other side: a constraint trigger, AFTER UPDATE OF people, start,
"end" on labour_availability, not deferred (it fires at the end of each statement, like 0002's), refuses new values
that leave a holding loan (requested or agreed) outside the period, or that bring the people posted below the
people those loans lend on one day (the peak is reached on a day one of them starts). The services check the same
with the row locked and say why in words; this is the backstop for any other writer. SQLite relies on the
services alone.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION labour_availability_holds_its_loans() RETURNS trigger AS $$
DECLARE
  peak integer;
BEGIN
  IF EXISTS (SELECT 1 FROM labour_loan WHERE availability_id = NEW.id AND status IN ('requested', 'agreed')
             AND (start < NEW.start OR "end" > NEW."end")) THEN
    RAISE EXCEPTION 'availability % would leave a loan outside its period', NEW.id USING ERRCODE = '23514';
  END IF;
  SELECT max(total) INTO peak FROM (
    SELECT sum(loan.people) AS total
    FROM (SELECT DISTINCT start AS day FROM labour_loan
          WHERE availability_id = NEW.id AND status IN ('requested', 'agreed')) AS days
    JOIN labour_loan AS loan ON loan.availability_id = NEW.id
      AND loan.status IN ('requested', 'agreed') AND loan.start <= days.day AND loan."end" >= days.day
    GROUP BY days.day) AS per_day;
  IF peak > NEW.people THEN
    RAISE EXCEPTION 'availability % would post % people, its loans lend %', NEW.id, NEW.people, peak
      USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER labour_availability_holds_its_loans AFTER UPDATE OF people, start, "end"
  ON labour_availability FOR EACH ROW EXECUTE FUNCTION labour_availability_holds_its_loans();
"""

DROP = """
DROP TRIGGER IF EXISTS labour_availability_holds_its_loans ON labour_availability;
DROP FUNCTION IF EXISTS labour_availability_holds_its_loans();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # None: its % are not placeholders


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("labour", "0002_capacity_trigger")]
    operations = [migrations.RunPython(create, drop)]
