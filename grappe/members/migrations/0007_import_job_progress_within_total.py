from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0006_import_job_is_a_core_job"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="importjob",
            constraint=models.CheckConstraint(condition=models.Q(("processed__lte", models.F("total"))),
                                              name="members_importjob_progress_within_total")),
    ]
