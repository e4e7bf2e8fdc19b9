"""The idempotency record now belongs to the idempotency app (same table; state only)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0001_initial"),
        ("idempotency", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyRecord")],
            database_operations=[],
        ),
    ]
