"""On PostgreSQL, the database itself keeps an availability's loans within its people and its period.

A constraint trigger on every written loan that holds capacity (requested or agreed), not deferred: it fires at
the end of each statement (not at commit). It locks the availability's
row first — so two transactions adding loans to one availability take turns, and the second one's check sees the
first one's loan once it committed (each statement of a PL/pgSQL function reads a fresh snapshot under READ
COMMITTED) — then refuses a loan outside the availability's period, or one that brings the people lent on some day
above the people posted. The peak of overlapping loans is reached on a day one of them starts, so only those days
are summed. The services check the same with the row locked and say why in words; this is the backstop for any
other writer. SQLite (the demo) relies on the services alone.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION labour_loan_within_capacity() RETURNS trigger AS $$
DECLARE
  posted record;
  peak integer;
BEGIN
  IF NEW.status NOT IN ('requested', 'agreed') THEN
    RETURN NULL;
  END IF;
  SELECT people, start, "end" INTO posted FROM labour_availability WHERE id = NEW.availability_id FOR UPDATE;
  IF NEW.start < posted.start OR NEW."end" > posted."end" THEN
    RAISE EXCEPTION 'loan % falls outside its availability''s period', NEW.id USING ERRCODE = '23514';
  END IF;
  SELECT max(total) INTO peak FROM (
    SELECT sum(loan.people) AS total
    FROM (SELECT DISTINCT greatest(start, NEW.start) AS day FROM labour_loan
          WHERE availability_id = NEW.availability_id AND status IN ('requested', 'agreed')
            AND start <= NEW."end" AND "end" >= NEW.start) AS days
    JOIN labour_loan AS loan ON loan.availability_id = NEW.availability_id
      AND loan.status IN ('requested', 'agreed') AND loan.start <= days.day AND loan."end" >= days.day
    GROUP BY days.day) AS per_day;
  IF peak > posted.people THEN
    RAISE EXCEPTION 'loans of availability % would lend % people of its %', NEW.availability_id, peak, posted.people
      USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER labour_loan_within_capacity AFTER INSERT OR UPDATE ON labour_loan
  FOR EACH ROW EXECUTE FUNCTION labour_loan_within_capacity();
"""

DROP = """
DROP TRIGGER IF EXISTS labour_loan_within_capacity ON labour_loan;
DROP FUNCTION IF EXISTS labour_loan_within_capacity();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # None: its % are not placeholders


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("labour", "0001_availabilities_needs_loans")]
    operations = [migrations.RunPython(create, drop)]
