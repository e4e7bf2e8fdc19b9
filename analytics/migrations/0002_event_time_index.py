"""Events are read by time range: BRIN on PostgreSQL (rows arrive in time order, so the index
is a few pages for millions of rows and costs inserts almost nothing), a B-tree elsewhere."""

from django.db import migrations

INDEX = "analytics_event_occurred_at"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON analytics_event USING brin (occurred_at) "
            "WITH (pages_per_range = 32)"
        )
    else:
        schema_editor.execute(f"CREATE INDEX {INDEX} ON analytics_event (occurred_at)")


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_events")]

    operations = [migrations.RunPython(create, drop)]
