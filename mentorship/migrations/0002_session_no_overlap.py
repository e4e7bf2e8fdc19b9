"""Two booked sessions of one mentor never overlap (PostgreSQL only).

An exclusion constraint over (mentor, [starts_at, ends_at)) for booked sessions, with the
btree_gist extension for the equality on mentor. SQLite has no such constraint; there the
booking service's lock (a write transaction: SQLite runs one at a time) is the guard.
"""

from django.db import migrations

CONSTRAINT = "mentor_session_no_overlap"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE mentorship_mentorsession ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (mentor_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status = 'booked')"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE mentorship_mentorsession DROP CONSTRAINT IF EXISTS {CONSTRAINT}"
    )


class Migration(migrations.Migration):
    dependencies = [("mentorship", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
