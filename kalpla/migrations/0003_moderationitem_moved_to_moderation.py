# ModerationItem now belongs to the moderation app (moderation/migrations/0001_initial.py),
# which keeps this table: only Django's state forgets the model here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("kalpla", "0002_processingjob_moved_to_jobs"),
        ("moderation", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ModerationItem")],
            database_operations=[],
        ),
    ]
