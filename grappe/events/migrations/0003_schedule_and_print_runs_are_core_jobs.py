"""ScheduleRun and PrintJob become core Jobs (grappe.core.models.Job): `started_by` is now `owner`, the percent in
`progress` is now `processed` out of a `total` of 100, and a heartbeat tells a live worker from a dead one."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def job_fields(model_name: str) -> list:
    return [
        migrations.RenameField(model_name, "started_by", "owner"),
        migrations.AlterField(
            model_name=model_name, name="owner",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="started by")),
        migrations.RenameField(model_name, "progress", "processed"),
        migrations.AlterField(model_name=model_name, name="processed", field=models.PositiveIntegerField(default=0)),
        # The runs there are counted in percent: out of 100.
        migrations.AddField(model_name=model_name, name="total", field=models.PositiveIntegerField(default=100)),
        migrations.AlterField(model_name=model_name, name="total", field=models.PositiveIntegerField(default=0)),
        migrations.AddField(model_name=model_name, name="message", field=models.CharField(blank=True, max_length=200)),
        migrations.AddField(model_name=model_name, name="started_at",
                            field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(model_name=model_name, name="heartbeat_at",
                            field=models.DateTimeField(blank=True, null=True)),
    ]


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0002_print_job"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="schedulerun", name="schedule_run_progress_percent"),
        migrations.RemoveConstraint(model_name="printjob", name="print_job_progress_percent"),
        *job_fields("schedulerun"),
        *job_fields("printjob"),
        migrations.AddConstraint(
            model_name="schedulerun",
            constraint=models.CheckConstraint(condition=models.Q(("processed__lte", models.F("total"))),
                                              name="events_schedulerun_progress_within_total")),
        migrations.AddConstraint(
            model_name="printjob",
            constraint=models.CheckConstraint(condition=models.Q(("processed__lte", models.F("total"))),
                                              name="events_printjob_progress_within_total")),
    ]
