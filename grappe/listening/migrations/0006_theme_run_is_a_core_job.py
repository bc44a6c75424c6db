"""ThemeRun becomes a core Job (grappe.core.models.Job): `requested_by` is now `owner`, the failure moves from
`report["error"]` to `error`, and a heartbeat tells a live worker from a dead one."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def error_out_of_report(apps, schema_editor):
    ThemeRun = apps.get_model("listening", "ThemeRun")
    for run in ThemeRun.objects.filter(report__has_key="error"):
        run.error = run.report.pop("error") or ""
        run.save(update_fields=["error", "report"])


class Migration(migrations.Migration):

    dependencies = [
        ("listening", "0005_theme_public_keywords"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="themerun", name="theme_run_progress_within_total"),
        migrations.RenameField("themerun", "requested_by", "owner"),
        migrations.AlterField(
            model_name="themerun", name="owner",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="started by")),
        migrations.AlterField(
            model_name="themerun", name="status",
            field=models.CharField(choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"),
                                            ("failed", "Failed")], default="queued", max_length=10,
                                   verbose_name="status")),
        migrations.AddField(model_name="themerun", name="message", field=models.CharField(blank=True, max_length=200)),
        migrations.AddField(model_name="themerun", name="error", field=models.TextField(blank=True)),
        migrations.AddField(model_name="themerun", name="heartbeat_at",
                            field=models.DateTimeField(blank=True, null=True)),
        migrations.AddConstraint(
            model_name="themerun",
            constraint=models.CheckConstraint(condition=models.Q(("processed__lte", models.F("total"))),
                                              name="listening_themerun_progress_within_total")),
        # Last: on PostgreSQL no table may be altered after rows were updated in the same transaction.
        migrations.RunPython(error_out_of_report, migrations.RunPython.noop),
    ]
