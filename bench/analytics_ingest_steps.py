"""The Django side of the analytics_ingest suite (bench/analytics_ingest.py), run in child
processes with the bench environment:

    python -m bench.analytics_ingest_steps prepare OUT.json CLIENTS
    python -m bench.analytics_ingest_steps baseline BATCHES.json OUT.json
    python -m bench.analytics_ingest_steps count OUT.json

``prepare`` makes one learner per client and a signed-in session for each (its key is the
app's X-Session-Token, as the mobile apps send it).

``baseline`` empties the event table, then times a psycopg COPY of the rows the endpoint
stores for the batches the driver is about to send (the same values, event ids, actors and
JSON) into the same table (its unique index on event_id and its BRIN index), counts them and
empties the table again for the endpoint's run.

``count`` counts what the endpoint stored: all rows and distinct event ids.
"""

import json
import sys
import time
from datetime import datetime
from pathlib import Path

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from analytics.models import Event  # noqa: E402
from bench.prepare import session_for  # noqa: E402

TABLE = Event._meta.db_table
COLUMNS = (
    "event_id, occurred_at, received_at, actor_id, anonymous_id, verb, object_type, "
    "object_id, course_id, platform, result, context"
)


def _email(i: int) -> str:
    return f"bench-viewer{i}@bench.test"


def prepare(out: str, clients: int) -> None:
    users = User.objects.bulk_create(
        User(email=_email(i), name=f"Viewer {i}", password="!") for i in range(clients)
    )
    Path(out).write_text(
        json.dumps({"clients": [{"user": u.pk, "token": session_for(u)} for u in users]})
    )


def _truncate() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}")


def baseline(batches_path: str, out: str) -> None:
    """``batches_path``: [{"user": id, "body": the request body}, ...]."""
    batches = json.loads(Path(batches_path).read_text())
    _truncate()
    now = timezone.now()
    t0 = time.perf_counter()
    rows = 0
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {TABLE} ({COLUMNS}) FROM STDIN") as copy,
    ):
        for batch in batches:
            body = batch["body"]
            for event in body["events"]:
                copy.write_row(
                    (
                        event["id"],
                        datetime.fromisoformat(event["timestamp"]),
                        now,
                        batch["user"],
                        "",
                        event["verb"],
                        event["object"]["type"],
                        event["object"]["id"],
                        event["course"],
                        body["platform"],
                        json.dumps(event["result"]),
                        json.dumps(event.get("context", {})),
                    )
                )
                rows += 1
    seconds = time.perf_counter() - t0
    stored = Event.objects.count()
    _truncate()
    Path(out).write_text(json.dumps({"rows": rows, "stored": stored, "seconds": seconds}))


def count(out: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), count(DISTINCT event_id) FROM {TABLE}")  # noqa: S608
        rows, distinct = cursor.fetchone()
    Path(out).write_text(json.dumps({"rows": rows, "distinct": distinct}))


if __name__ == "__main__":
    step = sys.argv[1]
    if step == "prepare":
        prepare(sys.argv[2], int(sys.argv[3]))
    elif step == "baseline":
        baseline(sys.argv[2], sys.argv[3])
    elif step == "count":
        count(sys.argv[2])
    else:
        raise SystemExit(f"unknown step {step!r}")
