"""The embedded default (SQLite) takes concurrent writers without "database is locked"."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WRITERS = textwrap.dedent(
    """
    import threading
    import django
    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import close_old_connections, connection, transaction

    call_command("migrate", "contenttypes", verbosity=0)
    print(connection.cursor().execute("PRAGMA journal_mode").fetchone()[0])
    errors = []

    def writer(n):
        try:
            for i in range(15):
                # read, then write in one transaction: what a service does
                with transaction.atomic():
                    ContentType.objects.filter(app_label=f"w{n}").count()
                    ContentType.objects.create(app_label=f"w{n}", model=f"m{i}")
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(len(errors), ContentType.objects.filter(app_label__startswith="w").count())
    print(errors[:3])
    """
)


def test_sqlite_default_takes_concurrent_writers(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="kalpla.settings",
        DJANGO_DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "-c", WRITERS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    journal, counts, errors = result.stdout.strip().splitlines()[-3:]
    assert journal == "wal"
    assert counts == "0 120", errors
