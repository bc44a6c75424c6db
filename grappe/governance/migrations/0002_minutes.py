"""Minutes: a circulated version corrected before its approval is kept as "replaced" (superseded); on PostgreSQL
the database itself refuses to change or delete an approved version (see Minutes' docstring). The references to
the people who generated or approved it may still be emptied when an account is deleted (SET_NULL)."""

from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION governance_minutes_approved_unchanged() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'approved minutes are kept: version % of meeting % cannot be deleted',
            OLD.version, OLD.meeting_id;
    END IF;
    IF (NEW.meeting_id, NEW.version, NEW.content, NEW.status, NEW.created_at, NEW.circulated_at, NEW.approved_at)
       IS DISTINCT FROM
       (OLD.meeting_id, OLD.version, OLD.content, OLD.status, OLD.created_at, OLD.circulated_at, OLD.approved_at)
       OR (NEW.created_by_id IS NOT NULL AND NEW.created_by_id IS DISTINCT FROM OLD.created_by_id)
       OR (NEW.approved_by_id IS NOT NULL AND NEW.approved_by_id IS DISTINCT FROM OLD.approved_by_id) THEN
        RAISE EXCEPTION 'approved minutes never change: version % of meeting % is approved',
            OLD.version, OLD.meeting_id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER governance_minutes_approved_unchanged BEFORE UPDATE OR DELETE ON governance_minutes
    FOR EACH ROW WHEN (OLD.status = 'approved') EXECUTE FUNCTION governance_minutes_approved_unchanged();
"""
DROP = """
DROP TRIGGER IF EXISTS governance_minutes_approved_unchanged ON governance_minutes;
DROP FUNCTION IF EXISTS governance_minutes_approved_unchanged();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_bodies_meetings_votes")]
    operations = [
        migrations.AlterField(
            model_name="minutes",
            name="status",
            field=models.CharField(choices=[("draft", "Draft"), ("circulated", "Circulated for comments"),
                                            ("approved", "Approved"), ("superseded", "Replaced before approval")],
                                   default="draft", max_length=12, verbose_name="status"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
