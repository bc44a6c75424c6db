"""TextEmbedding, moved from listening (see listening's 0009, which renames the table to core_textembedding):
taken into core's state only, its rows kept."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0011_remove_notification_text"),
        # The table exists once listening has created and renamed it; on a fresh database listening's 0001
        # creates it and its 0009 renames it.
        ("listening", "0009_embeddings_more_texts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name="TextEmbedding",
                fields=[
                    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                               verbose_name="ID")),
                    ("text_hash", models.CharField(max_length=64)),
                    ("model_name", models.CharField(max_length=100)),
                    ("vector", models.BinaryField()),
                    ("created_at", models.DateTimeField(auto_now_add=True)),
                ],
                options={
                    "constraints": [models.UniqueConstraint(fields=("text_hash", "model_name"),
                                                            name="one_embedding_per_text")],
                },
            ),
        ]),
    ]
