from django.db import migrations, models


class Migration(migrations.Migration):
    """A notification stores what happened (its kind and params) and is written in the reader's language when
    read."""

    dependencies = [
        ("core", "0008_outgoing_mail"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="kind",
            field=models.CharField(default="core.text", max_length=100, verbose_name="kind"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="details"),
        ),
    ]
