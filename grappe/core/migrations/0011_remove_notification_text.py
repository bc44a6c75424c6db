from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_notification_text_into_params"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="text",
            field=models.CharField(default="", max_length=500, verbose_name="text"),
        ),
        migrations.RemoveField(
            model_name="notification",
            name="text",
        ),
    ]
