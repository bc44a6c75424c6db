"""ImportJob becomes a core Job (grappe.core.models.Job). Its one `status` of the file's journey is split into
the `step` under way or last done (read, check, commit) and that step's job status (queued, running, done,
failed); the pages read the journey back from both (ImportJob.stage). `created_by` is now `owner`,
`total_rows` and `processed_rows` are `total` and `processed`."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Least

# old status -> (step, job status); "invalid" is a finished check (or commit) whose report lists errors
STEPS = {
    "reading": ("read", "queued"),
    "uploaded": ("read", "done"),
    "checking": ("check", "running"),
    "checked": ("check", "done"),
    "importing": ("commit", "running"),
    "done": ("commit", "done"),
    "failed": ("check", "failed"),
}


def split_status(apps, schema_editor):
    ImportJob = apps.get_model("members", "ImportJob")
    # Old and new values overlap ("done", "failed"): read every old status before writing any new one.
    ids = {old: list(ImportJob.objects.filter(status=old).values_list("pk", flat=True))
           for old in [*STEPS, "invalid"]}
    commits = set(ImportJob.objects.filter(status="invalid", report__phase="commit").values_list("pk", flat=True))
    for old, (step, status) in STEPS.items():
        ImportJob.objects.filter(pk__in=ids[old]).update(step=step, status=status)
    for step, pks in (("commit", commits), ("check", set(ids["invalid"]) - commits)):
        ImportJob.objects.filter(pk__in=pks).update(step=step, status="done")
    ImportJob.objects.update(processed=Least("processed", "total"))


def join_status(apps, schema_editor):
    ImportJob = apps.get_model("members", "ImportJob")
    ImportJob.objects.filter(status="done", report__errors_total__gt=0).update(status="invalid")
    ImportJob.objects.filter(status="running", step="read").update(status="reading")
    ImportJob.objects.filter(status="queued", step="check").update(status="checking")
    ImportJob.objects.filter(status="queued", step="commit").update(status="importing")
    for old, (step, status) in STEPS.items():
        ImportJob.objects.filter(step=step, status=status).update(status=old)


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0005_import_job_reading_status"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("importjob", "created_by", "owner"),
        migrations.AlterField(
            model_name="importjob", name="owner",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="started by")),
        migrations.RenameField("importjob", "total_rows", "total"),
        migrations.RenameField("importjob", "processed_rows", "processed"),
        migrations.AddField(model_name="importjob", name="step",
                            field=models.CharField(choices=[("read", "Reading the file"), ("check", "Checking the rows"),
                                                            ("commit", "Importing")], default="read", max_length=10)),
        migrations.AddField(model_name="importjob", name="message", field=models.CharField(blank=True, max_length=200)),
        migrations.AddField(model_name="importjob", name="error", field=models.TextField(blank=True)),
        migrations.AddField(model_name="importjob", name="started_at", field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(model_name="importjob", name="heartbeat_at",
                            field=models.DateTimeField(blank=True, null=True)),
        migrations.AlterField(  # every old value fits in 10 characters
            model_name="importjob", name="status",
            field=models.CharField(choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"),
                                            ("failed", "Failed")], default="queued", max_length=10,
                                   verbose_name="status")),
        # Last: on PostgreSQL no table may be altered after rows were updated in the same transaction (the
        # constraint on the progress is therefore added by the next migration).
        migrations.RunPython(split_status, join_status),
    ]
