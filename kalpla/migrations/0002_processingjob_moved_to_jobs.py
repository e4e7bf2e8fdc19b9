# ProcessingJob now belongs to the jobs app (jobs/migrations/0001_initial.py), which keeps
# this table: only Django's state forgets the model here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("kalpla", "0001_initial"),
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ProcessingJob")],
            database_operations=[],
        ),
    ]
