"""TextEmbedding moves down to core (core.vectors): opportunities and capability names are encoded too, and
partnering may not import listening. The rows stay: the table is renamed to core's name here, then the model
leaves listening's state; core's 0012 takes it into its state without touching the database."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("listening", "0008_theme_public_names"),
    ]

    operations = [
        migrations.AlterModelTable(name="textembedding", table="core_textembedding"),
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="TextEmbedding")]),
    ]
