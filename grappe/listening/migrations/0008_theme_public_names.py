from django.db import migrations, models


class Migration(migrations.Migration):
    """A theme is called outside the staff by phrases of its texts, per language, instead of loose words.
    The words kept so far are dropped: the next run or new text computes the phrases."""

    dependencies = [
        ("listening", "0007_need_visibility_quotable"),
    ]

    operations = [
        migrations.RemoveField(model_name="theme", name="public_keywords"),
        migrations.AddField(model_name="theme", name="public_names", field=models.JSONField(blank=True, default=dict)),
    ]
