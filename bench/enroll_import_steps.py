"""The Django side of the enroll_import suite (bench/enroll_import.py), run in child processes
with the bench environment (tasks queued to Redis for a worker that is not started: the
invitation emails and enrollment_changed are background work, queued within the measured
time and not run):

    python -m bench.enroll_import_steps prepare ROWS ROUNDS
    python -m bench.enroll_import_steps round OUT.json ROUND ROWS

``prepare`` makes the uploader (staff), one published course per round, and the known
quarter of each round's people (existing students). ``round`` times, in one process:

1. the baseline: a psycopg COPY of the rows the import stores for the file (the new people's
   users, email addresses and Student memberships, and every row's enrollment) into the real
   tables (their indexes, unique constraints and foreign keys), in one transaction that is
   rolled back once every constraint is checked (the rows would collide with the import's);
   the client reads the CSV with the csv module, as a program that trusts its input would;
2. the import: ``enrollment_import_create`` (upload: decode, parse, record, queue the job) and
   ``enrollment_import_run`` (the job's work), as the job runs it, counting the statements of
   each batch;

then checks the import's counts and writes times, statements and the peak RSS of the process.
"""

import csv
import io
import json
import resource
import sys
import time
from pathlib import Path

import django

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from courses.models import Course  # noqa: E402
from enrollments.imports.services import (  # noqa: E402
    enrollment_import_create,
    enrollment_import_run,
)
from enrollments.models import Enrollment, EnrollmentImport  # noqa: E402

UPLOADER = "bench-importer@bench.test"
KNOWN_EVERY = 4  # one row in four is someone with an account already


def _slug(round_no: int) -> str:
    return f"bench-import-course-{round_no}"


def _email(round_no: int, i: int) -> str:
    return f"learner{i}.r{round_no}@bench.test"


def _csv(round_no: int, rows: int) -> str:
    lines = ["email,course,cohort,name"]
    lines += [f"{_email(round_no, i)},{_slug(round_no)},,Learner {i}" for i in range(rows)]
    return "\n".join(lines) + "\n"


def prepare(rows: int, rounds: int) -> None:
    now = timezone.now()
    User.objects.create_superuser(email=UPLOADER, password="bench-password-not-secret")
    Course.objects.bulk_create(
        Course(
            slug=_slug(r), title=f"Bench import course {r}", status="published", published_at=now
        )
        for r in range(rounds)
    )
    known = User.objects.bulk_create(
        User(email=_email(r, i), name=f"Learner {i}", password="!")
        for r in range(rounds)
        for i in range(0, rows, KNOWN_EVERY)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in known
    )
    student, _ = Group.objects.get_or_create(name=str(Role.STUDENT))
    student.user_set.add(*known)


class _RolledBack(Exception):
    pass


def baseline(text: str, known: dict[str, int], course_id: int, group_id: int) -> float:
    """COPY what the import stores for ``text`` into the real tables, in a transaction that
    is then rolled back (the rows would collide with the import's); seconds taken."""
    user_table = User._meta.db_table
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            pg = cursor.cursor
            now = timezone.now()
            rows = list(csv.DictReader(io.StringIO(text)))
            user_ids = dict(known)
            new = []
            for row in rows:
                if row["email"] not in user_ids:
                    user_ids[row["email"]] = 0
                    new.append((row["email"], row["name"]))
            # the new users' ids, as the table's identity column would give them
            pg.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [user_table, len(new)],
            )
            ids = [r[0] for r in pg.fetchall()]
            columns = (
                "id, password, email, name, avatar, bio, timezone, language, is_staff, "
                "is_active, is_superuser, date_joined"
            )
            with pg.copy(f"COPY {user_table} ({columns}) FROM STDIN") as copy:
                for user_id, (email, name) in zip(ids, new, strict=True):
                    user_ids[email] = user_id
                    copy.write_row(
                        (user_id, "!unusable", email, name, "", "", "UTC", "", False, True,
                         False, now)
                    )  # fmt: skip
            with pg.copy(
                f'COPY {EmailAddress._meta.db_table} (user_id, email, verified, "primary") '
                "FROM STDIN"
            ) as copy:
                for user_id, (email, _name) in zip(ids, new, strict=True):
                    copy.write_row((user_id, email, False, True))
            with pg.copy(
                f"COPY {User.groups.through._meta.db_table} (user_id, group_id) FROM STDIN"
            ) as copy:
                for user_id in ids:
                    copy.write_row((user_id, group_id))
            with pg.copy(
                f"COPY {Enrollment._meta.db_table} (user_id, course_id, status, source, "
                "grant_reference, progress_percent, created_at) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(
                        (user_ids[row["email"]], course_id, "active", "import", "", 0, now)
                    )
            # every constraint checked (deferred ones too) before the time is taken
            pg.execute("SET CONSTRAINTS ALL IMMEDIATE")
            elapsed = time.perf_counter() - started
            raise _RolledBack
    except _RolledBack:
        pass
    return elapsed


class _Statements:
    """Counts statements, cut into batches at each batch's progress record."""

    def __init__(self) -> None:
        self.current = 0
        self.batches: list[int] = []

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.current += 1
        if "kalpla_processingjob" in sql and sql.lstrip().upper().startswith("UPDATE"):
            self.batches.append(self.current)
            self.current = 0
        return execute(sql, params, many, context)


def round_(out: str, round_no: int, rows: int) -> None:
    text = _csv(round_no, rows)
    course = Course.objects.get(slug=_slug(round_no))
    group = Group.objects.get(name=str(Role.STUDENT))
    emails = [_email(round_no, i) for i in range(0, rows, KNOWN_EVERY)]
    known = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    copy_s = baseline(text, known, course.pk, group.pk)

    uploader = User.objects.get(email=UPLOADER)
    statements = _Statements()
    started = time.perf_counter()
    cpu = time.process_time()
    with connection.execute_wrapper(statements):
        enrollment_import = enrollment_import_create(
            user=uploader, file_name=f"bench-{round_no}.csv", data=text.encode()
        )
        enrollment_import = EnrollmentImport.objects.select_related("created_by").get(
            pk=enrollment_import.pk
        )
        upload_s = time.perf_counter() - started
        counts = enrollment_import_run(enrollment_import=enrollment_import)
    import_s = time.perf_counter() - started
    import_cpu = time.process_time() - cpu
    enrolled = Enrollment.objects.filter(course=course).count()
    Path(out).write_text(
        json.dumps(
            {
                "rows": rows,
                "copy_s": copy_s,
                "import_s": import_s,
                "upload_s": upload_s,
                "import_cpu_s": import_cpu,
                "counts": counts,
                "enrolled_in_db": enrolled,
                "batch_statements": statements.batches,
                "statements_total": sum(statements.batches) + statements.current,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    step, *rest = sys.argv[1:]
    if step == "prepare":
        prepare(int(rest[0]), int(rest[1]))
    elif step == "round":
        round_(rest[0], int(rest[1]), int(rest[2]))
    else:
        raise SystemExit(f"unknown step {step!r}")
