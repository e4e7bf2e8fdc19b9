"""Writes of enrollment imports: the upload, and the run that enrolls the file's rows.

A run goes through the rows in batches (``KALPLA_ENROLLMENT_IMPORT_BATCH_SIZE``, 1,000 by
default), each in one transaction with the import's counts and the job's progress, so the
people watching see it move and a run that breaks off goes on where it stopped. A batch costs
a fixed number of statements whatever its size: the users of its addresses (one look-up),
the accounts made for unknown ones (``accounts.invitations.users_invite``: four), the
existing enrollments (one), the cohorts' seats (two, when rows name cohorts), the new
enrollments (one ``INSERT ... SELECT unnest(...) ON CONFLICT DO NOTHING``), re-activations
and course counts (one per course), and the import's record. Per-row work happens after
commit, in the background: invitation emails (one task per batch) and ``enrollment_changed``
for the other apps (one task per batch; course groups, gradebooks).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.invitations import users_invite
from accounts.selectors import user_ids_by_email
from courses.selectors.lessons import course_by_slug_in_bulk
from courses.services.catalogue import course_enrollment_count_change
from courses.tasks import RETRYING
from enrollments.cache import learning_lists_invalidate
from enrollments.cohorts.selectors import cohort_annotated, cohort_find
from enrollments.imports.parsing import (
    ImportRow,
    csv_check,
    csv_decode,
    csv_read,
    row_shape_error,
)
from enrollments.imports.policies import (
    enrollment_import_can_enroll_into,
    enrollment_import_can_start,
)
from enrollments.models import Cohort, Enrollment, EnrollmentImport, WaitlistEntry
from enrollments.signals import enrollment_changed_send, enrollment_track
from jobs.services import job_enqueue, job_progress_record
from kalpla.exceptions import PermissionDenied

if TYPE_CHECKING:
    from courses.models import Course

logger = logging.getLogger(__name__)

JOB_KIND = "enrollments.import"


@transaction.atomic
def enrollment_import_create(*, user: Any, file_name: str, data: bytes) -> EnrollmentImport:
    """Keep the uploaded file and queue its run (job kind ``enrollments.import``).

    The file is read now, so a file that cannot be an import (not UTF-8 CSV, no ``email`` or
    ``course`` column, no rows, too many) is refused with a ValidationError on ``file``
    before anything is queued; the rows themselves are checked by the run.
    """
    if not enrollment_import_can_start(user=user):
        raise PermissionDenied(
            _("Only staff and mentors can import enrollments."), code="not_allowed"
        )
    text = csv_decode(data)
    enrollment_import = EnrollmentImport(
        created_by=user,
        file_name=(file_name or "enrollments.csv")[-255:],
        source=text,
        total_rows=csv_check(text),
    )
    enrollment_import.full_clean()
    enrollment_import.save()
    enrollment_import.job = job_enqueue(kind=JOB_KIND, target=enrollment_import)
    enrollment_import.save(update_fields=["job"])
    logger.info(
        "user %s uploaded enrollment import %s (%d rows)",
        user.pk,
        enrollment_import.pk,
        enrollment_import.total_rows,
    )
    return enrollment_import


@dataclass
class _Run:
    """What a run knows across batches: the uploader, the file's courses and cohorts (looked
    up once), and the first row of each (email, course) seen, for duplicates."""

    uploader: Any
    courses: dict[str, Course]
    now: datetime = field(default_factory=timezone.now)
    allowed: dict[int, bool] = field(default_factory=dict)
    cohorts: dict[tuple[int, str], Cohort | None] = field(default_factory=dict)
    seen: dict[tuple[str, str], int] = field(default_factory=dict)

    def may_enroll_into(self, course: Course) -> bool:
        if course.pk not in self.allowed:
            self.allowed[course.pk] = enrollment_import_can_enroll_into(
                user=self.uploader, course=course
            )
        return self.allowed[course.pk]

    def cohort(self, course: Course, name: str) -> Cohort | None:
        key = (course.pk, name.lower())
        if key not in self.cohorts:
            self.cohorts[key] = cohort_find(course=course, name=name)
        return self.cohorts[key]


@dataclass
class _Valid:
    row: ImportRow
    course: Course
    cohort: Cohort | None


@dataclass
class _Outcome:
    enrolled: int = 0
    invited: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def fail(self, row: ImportRow, message: str) -> None:
        self.errors.append({"row": row.number, "error": message})

    def skip(self, row: ImportRow, message: str) -> None:
        self.skipped.append({"row": row.number, "reason": message})


def enrollment_import_run(*, enrollment_import: EnrollmentImport) -> dict[str, int]:
    """Run (or go on with) the import, batch by batch; returns its counts. Idempotent: a
    finished import is not run again, and batches already recorded are not redone."""
    if enrollment_import.is_finished:
        return _counts(enrollment_import)
    now = timezone.now()
    EnrollmentImport.objects.filter(pk=enrollment_import.pk).update(
        status=EnrollmentImport.Status.RUNNING, started_at=enrollment_import.started_at or now
    )
    enrollment_import.status = EnrollmentImport.Status.RUNNING
    uploader = enrollment_import.created_by
    rows = csv_read(enrollment_import.source).rows
    if uploader is None or not uploader.is_active:
        return _fail(
            enrollment_import,
            _("The person who uploaded the file can no longer import enrollments."),
        )
    run = _Run(uploader=uploader, courses=course_by_slug_in_bulk(slugs={r.course for r in rows}))
    for row in rows[: enrollment_import.processed_rows]:
        run.seen.setdefault((row.email, row.course), row.number)
    size = settings.KALPLA_ENROLLMENT_IMPORT_BATCH_SIZE
    for start in range(enrollment_import.processed_rows, len(rows), size):
        batch = rows[start : start + size]
        with transaction.atomic():
            outcome = _batch(run, batch, invited_by_id=uploader.pk)
            _record(enrollment_import, outcome, done=start + len(batch))
    enrollment_import.status = EnrollmentImport.Status.SUCCEEDED
    enrollment_import.finished_at = timezone.now()
    enrollment_import.save(update_fields=["status", "finished_at"])
    logger.info(
        "enrollment import %s finished: %s", enrollment_import.pk, _counts(enrollment_import)
    )
    return _counts(enrollment_import)


def _fail(enrollment_import: EnrollmentImport, message: str) -> dict[str, int]:
    enrollment_import.status = EnrollmentImport.Status.FAILED
    enrollment_import.error = message
    enrollment_import.finished_at = timezone.now()
    enrollment_import.save(update_fields=["status", "error", "finished_at"])
    return _counts(enrollment_import)


def _counts(enrollment_import: EnrollmentImport) -> dict[str, int]:
    return {
        "total": enrollment_import.total_rows,
        "processed": enrollment_import.processed_rows,
        "enrolled": enrollment_import.enrolled_count,
        "invited": enrollment_import.invited_count,
        "skipped": enrollment_import.skipped_count,
        "failed": enrollment_import.failed_count,
    }


def _record(enrollment_import: EnrollmentImport, outcome: _Outcome, *, done: int) -> None:
    """The batch's outcome on the import (in the batch's transaction) and the job's progress."""
    enrollment_import.processed_rows = done
    enrollment_import.enrolled_count += outcome.enrolled
    enrollment_import.invited_count += outcome.invited
    enrollment_import.skipped_count += len(outcome.skipped)
    enrollment_import.failed_count += len(outcome.errors)
    enrollment_import.errors = [*enrollment_import.errors, *outcome.errors]
    enrollment_import.skipped = [*enrollment_import.skipped, *outcome.skipped]
    enrollment_import.save(
        update_fields=[
            "processed_rows",
            "enrolled_count",
            "invited_count",
            "skipped_count",
            "failed_count",
            "errors",
            "skipped",
        ]
    )
    if enrollment_import.job_id is not None:
        job_progress_record(
            job_id=enrollment_import.job_id, done=done, total=enrollment_import.total_rows
        )


def _check(run: _Run, row: ImportRow) -> _Valid | str:
    """The row's course and cohort, or what is wrong with it (no queries but the first
    look-up of each cohort and each course's instructors check)."""
    key = (row.email, row.course)
    first = run.seen.setdefault(key, row.number)
    problem = row_shape_error(row)
    if problem:
        return problem
    if first != row.number:
        return _("Repeats row %(row)d (same email and course).") % {"row": first}
    course = run.courses.get(row.course)
    if course is None:
        return _("There is no course “%(slug)s”.") % {"slug": row.course}
    if not run.may_enroll_into(course):
        return _("You may not enroll people in “%(title)s”.") % {"title": course.title}
    if not course.is_published:
        return _("“%(title)s” is not published.") % {"title": course.title}
    if not row.cohort:
        if course.requires_cohort:
            return _("“%(title)s” is taught in cohorts: name one in the cohort column.") % {
                "title": course.title
            }
        return _Valid(row=row, course=course, cohort=None)
    cohort = run.cohort(course, row.cohort)
    if cohort is None:
        return _("“%(title)s” has no cohort “%(name)s”.") % {
            "title": course.title,
            "name": row.cohort,
        }
    if not cohort.is_active:
        return _("The cohort “%(name)s” is archived.") % {"name": cohort.name}
    if cohort.ends_at <= run.now:
        return _("The cohort “%(name)s” has ended.") % {"name": cohort.name}
    return _Valid(row=row, course=course, cohort=cohort)


def _batch(run: _Run, rows: Sequence[ImportRow], *, invited_by_id: int) -> _Outcome:
    outcome = _Outcome()
    valid: list[_Valid] = []
    for row in rows:
        checked = _check(run, row)
        if isinstance(checked, str):
            outcome.fail(row, checked)
        else:
            valid.append(checked)
    if not valid:
        return outcome
    users, invited = _users(valid, outcome, invited_by_id=invited_by_id)
    existing = _existing_enrollments(users.values(), {v.course.pk for v in valid})
    new: list[tuple[_Valid, int]] = []
    back: list[tuple[_Valid, int]] = []
    for item in valid:
        user_id = users.get(item.row.email)
        if user_id is None:
            outcome.fail(item.row, _("The account of this address is deactivated."))
            continue
        status = existing.get((user_id, item.course.pk))
        if status is None:
            new.append((item, user_id))
        elif status == Enrollment.Status.CANCELLED:
            back.append((item, user_id))
        else:
            outcome.skip(item.row, _("Already enrolled in this course."))
    seated = _seats(new + back, outcome)
    enrolled = _insert([p for p in new if id(p[0]) in seated], outcome)
    enrolled += _reactivate([p for p in back if id(p[0]) in seated])
    outcome.enrolled = len(enrolled)
    _waitlists_close(
        enrolled, {(u, v.course.pk): v.cohort.pk for v, u in new + back if v.cohort is not None}
    )
    _after(enrolled, invited=invited)
    return outcome


def _users(
    valid: list[_Valid], outcome: _Outcome, *, invited_by_id: int
) -> tuple[dict[str, int], set[int]]:
    """``{email: user_id}`` of the batch's active users, with invited accounts made for
    unknown addresses (the first row's name is the account's name), and the ids of those."""
    emails = list(dict.fromkeys(v.row.email for v in valid))
    accounts = user_ids_by_email(emails=emails)
    found = {email: user_id for email, (user_id, _active) in accounts.items()}
    inactive = {email for email, (_user_id, active) in accounts.items() if not active}
    names: dict[str, str] = {}
    for item in valid:
        names.setdefault(item.row.email, item.row.name)
    unknown = [(email, names[email]) for email in emails if email not in found]
    created = users_invite(people=unknown, invited_by_id=invited_by_id)
    outcome.invited = len(created)
    found.update(created)
    if len(created) < len(unknown):  # made by someone else meanwhile: theirs now
        late = user_ids_by_email(emails=[e for e, _name in unknown if e not in created])
        found.update((email, user_id) for email, (user_id, _active) in late.items())
    active = {email: user_id for email, user_id in found.items() if email not in inactive}
    return active, set(created.values())


def _existing_enrollments(
    user_ids: Iterable[int], course_ids: set[int]
) -> dict[tuple[int, int], str]:
    """The status of each (user, course) pair already enrolled: one statement, the ids as two
    array parameters (not a placeholder each)."""
    if connection.vendor != "postgresql":  # the embedded default (SQLite): no arrays
        rows = Enrollment.objects.filter(
            user_id__in=list(user_ids), course_id__in=sorted(course_ids)
        ).values_list("user_id", "course_id", "status")
        return {(u, c): status for u, c, status in rows}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT user_id, course_id, status FROM {Enrollment._meta.db_table} "  # noqa: S608
            "WHERE user_id = ANY(%s::bigint[]) AND course_id = ANY(%s::bigint[])",
            [list(user_ids), sorted(course_ids)],
        )
        return {(u, c): status for u, c, status in cursor.fetchall()}


def _seats(pending: list[tuple[_Valid, int]], outcome: _Outcome) -> set[int]:
    """The rows that get a seat (``id()`` of their ``_Valid``): all, except rows beyond the
    free seats of a cohort with a capacity, which fail as full. Free seats are those neither
    taken (live enrollments, held offers) nor owed to the people on the waitlist: an import
    does not jump the line. The batch's cohorts are locked (in id order, as everywhere) while
    it counts and fills them; the enrollment window does not apply to an import (a grant)."""
    limited = {v.cohort.pk for v, _u in pending if v.cohort is not None and v.cohort.capacity}
    free: dict[int, int] = {}
    if limited:
        cohorts = cohort_annotated(
            Cohort.objects.select_for_update(of=("self",)).filter(pk__in=limited).order_by("pk")
        )
        # the waitlist's people this batch enrolls are served now, not owed a seat later
        served = Counter(
            WaitlistEntry.objects.filter(
                cohort_id__in=limited,
                user_id__in={u for _v, u in pending},
                status=WaitlistEntry.Status.WAITING,
            ).values_list("cohort_id", flat=True)
        )
        free = {
            c.pk: (c.capacity or 0)
            - c.enrolled_count  # type: ignore[attr-defined]
            - c.offer_count  # type: ignore[attr-defined]
            - (c.waiting_count - served[c.pk])  # type: ignore[attr-defined]
            for c in cohorts
        }
    seated = set()
    for item, _user_id in pending:
        cohort_id = item.cohort.pk if item.cohort is not None else None
        if cohort_id in free:
            if free[cohort_id] <= 0:
                outcome.fail(
                    item.row,
                    _("The cohort “%(name)s” is full.") % {"name": item.cohort.name},  # type: ignore[union-attr]
                )
                continue
            free[cohort_id] -= 1
        seated.add(id(item))
    return seated


def _waitlists_close(
    enrolled: list[tuple[int, int]], cohort_of: dict[tuple[int, int], int]
) -> None:
    """People enrolled into a cohort whose waitlist they were on leave it, enrolled."""
    cohort_ids = {cohort_of[pair] for pair in enrolled if pair in cohort_of}
    if cohort_ids:
        WaitlistEntry.objects.filter(
            cohort_id__in=cohort_ids,
            user_id__in={u for u, _c in enrolled},
            status__in=WaitlistEntry.OPEN_STATUSES,
        ).update(status=WaitlistEntry.Status.ENROLLED, closed_at=timezone.now())


def _insert(pending: list[tuple[_Valid, int]], outcome: _Outcome) -> list[tuple[int, int]]:
    """Insert the new enrollments in one statement; ``(user_id, course_id)`` of those made.
    A row someone else enrolled meanwhile (the unique pair) is skipped as already enrolled."""
    if not pending:
        return []
    table = Enrollment._meta.db_table
    if connection.vendor != "postgresql":  # the embedded default (SQLite): the ORM
        return _insert_orm(pending, outcome)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (user_id, course_id, cohort_id, status, source,
                                 grant_reference, progress_percent, created_at)
            SELECT u, c, h, %s, %s, '', 0, %s
            FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS t(u, c, h)
            ON CONFLICT (user_id, course_id) DO NOTHING
            RETURNING user_id, course_id
            """,  # noqa: S608 - the table name is the model's, the values are parameters
            [
                Enrollment.Status.ACTIVE,
                Enrollment.Source.IMPORT,
                timezone.now(),
                [user_id for _v, user_id in pending],
                [v.course.pk for v, _u in pending],
                [v.cohort.pk if v.cohort is not None else None for v, _u in pending],
            ],
        )
        made = {(u, c) for u, c in cursor.fetchall()}
    for item, user_id in pending:
        if (user_id, item.course.pk) not in made:
            outcome.skip(item.row, _("Already enrolled in this course."))
    return sorted(made)


def _insert_orm(pending: list[tuple[_Valid, int]], outcome: _Outcome) -> list[tuple[int, int]]:
    """``_insert`` without arrays: the pairs already there are read first, then the others
    inserted (conflicts ignored: a concurrent enrollment stays as it was)."""
    existing = set(
        _existing_enrollments((u for _v, u in pending), {v.course.pk for v, _u in pending})
    )
    now = timezone.now()
    fresh = [(v, u) for v, u in pending if (u, v.course.pk) not in existing]
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                user_id=u,
                course_id=v.course.pk,
                cohort_id=v.cohort.pk if v.cohort is not None else None,
                status=Enrollment.Status.ACTIVE,
                source=Enrollment.Source.IMPORT,
                created_at=now,
            )
            for v, u in fresh
        ],
        ignore_conflicts=True,
    )
    made = {(u, v.course.pk) for v, u in fresh}
    for item, user_id in pending:
        if (user_id, item.course.pk) not in made:
            outcome.skip(item.row, _("Already enrolled in this course."))
    return sorted(made)


def _reactivate(back: list[tuple[_Valid, int]]) -> list[tuple[int, int]]:
    """Cancelled enrollments become active again (progress kept), into the row's cohort;
    one UPDATE per cohort. A free enrollment becomes an imported one (the grant)."""
    if not back:
        return []
    by_cohort: dict[int | None, list[tuple[int, int]]] = defaultdict(list)
    for item, user_id in back:
        by_cohort[item.cohort.pk if item.cohort else None].append((user_id, item.course.pk))
    done = []
    for cohort_id, pairs in by_cohort.items():
        for course_id in {c for _u, c in pairs}:
            user_ids = [u for u, c in pairs if c == course_id]
            rows = Enrollment.objects.filter(
                course_id=course_id, user_id__in=user_ids, status=Enrollment.Status.CANCELLED
            )
            rows.filter(source=Enrollment.Source.FREE).update(source=Enrollment.Source.IMPORT)
            changes: dict[str, Any] = {"status": Enrollment.Status.ACTIVE, "cancelled_at": None}
            if cohort_id is not None:
                changes["cohort_id"] = cohort_id
            rows.update(**changes)
            done += [(u, course_id) for u in user_ids]
    return done


def _after(enrolled: list[tuple[int, int]], *, invited: set[int]) -> None:
    """Course counts now; the rest of what an enrollment sets off after commit, in bulk.
    Accounts made by this batch have no cached learning lists to retire (never signed in)."""
    if not enrolled:
        return
    per_course: dict[int, int] = defaultdict(int)
    for _user_id, course_id in enrolled:
        per_course[course_id] += 1
    for course_id, delta in sorted(per_course.items()):
        course_enrollment_count_change(course_id=course_id, delta=delta)
    learning_lists_invalidate(user_ids=sorted({u for u, _c in enrolled} - invited))
    pairs = [list(pair) for pair in enrolled]
    transaction.on_commit(lambda: enrollments_announce_task.delay(pairs=pairs), robust=True)


def enrollments_announce(*, pairs: Sequence[Sequence[int]]) -> int:
    """Send ``enrollment_changed`` (active) for each ``(user_id, course_id)``: what
    ``enrollment_create`` sends one by one, for imported enrollments, in the background."""
    for user_id, course_id in pairs:
        enrollment_changed_send(user_id=user_id, course_id=course_id, active=True)
        enrollment_track(user_id=user_id, course_id=course_id, active=True, source="import")
    return len(pairs)


# Lives with the service that queues it (enrollments.tasks re-exports it for autodiscovery).
# The receivers are idempotent (membership and gradebook rows are made if missing), so a
# retry after a partial run repeats nothing harmful.
@shared_task(name="enrollments.imported_announce", **RETRYING)
def enrollments_announce_task(pairs: list[list[int]]) -> int:
    return enrollments_announce(pairs=pairs)
