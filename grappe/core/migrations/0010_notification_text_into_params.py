from django.db import migrations
from django.db.models import F
from django.db.models.functions import JSONObject


def text_into_params(apps, schema_editor):
    """A notification written as a sentence stays readable as it was written: kind "core.text", its text in
    params."""
    Notification = apps.get_model("core", "Notification")
    Notification.objects.update(kind="core.text", params=JSONObject(text=F("text")))


def params_into_text(apps, schema_editor):
    Notification = apps.get_model("core", "Notification")
    for notification in Notification.objects.filter(kind="core.text"):
        notification.text = notification.params.get("text", "")[:500]
        notification.save(update_fields=["text"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_notification_kind"),
    ]

    operations = [
        migrations.RunPython(text_into_params, params_into_text),
    ]
