"""Enrollment imports: the run's row checks, invited accounts, idempotency, cohorts, batches
and their queries, and 10,000 rows."""

import threading
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.roles import user_has_role
from accounts.tests.factories import UserFactory
from courses.models import Course
from courses.tests.factories import CourseFactory
from enrollments.imports import services
from enrollments.imports.selectors import enrollment_import_error_report
from enrollments.imports.services import enrollment_import_create, enrollment_import_run
from enrollments.models import Enrollment, EnrollmentImport, WaitlistEntry
from enrollments.tests.factories import CohortFactory, EnrollmentFactory, WaitlistEntryFactory
from enrollments.tests.imports_helpers import count_queries, csv_bytes, upload_and_run
from jobs.models import ProcessingJob
from jobs.services import job_progress_record
from kalpla.exceptions import PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(roles=("Admin",), is_staff=True)


@pytest.fixture
def course():
    return CourseFactory(slug="python-basics", title="Python basics", price=49)


def test_import_enrolls_existing_and_invites_unknown_people(
    staff, course, django_capture_on_commit_callbacks
):
    # given: one known student and one address nobody has
    known = UserFactory(email="asha@example.com")
    data = csv_bytes(
        "Asha@Example.com,python-basics,,", "new.person@example.com,python-basics,,Ravi Kumar"
    )

    result = upload_and_run(django_capture_on_commit_callbacks, user=staff, data=data)

    assert result.status == EnrollmentImport.Status.SUCCEEDED
    assert (result.enrolled_count, result.invited_count, result.failed_count) == (2, 1, 0)
    invited = User.objects.get(email="new.person@example.com")
    assert invited.name == "Ravi Kumar" and not invited.has_usable_password()
    assert user_has_role(invited, "Student")
    assert EmailAddress.objects.get(user=invited).verified is False
    enrollments = Enrollment.objects.filter(course=course)
    assert {e.user_id for e in enrollments} == {known.pk, invited.pk}
    # a paid course: the import is a grant
    assert {e.source for e in enrollments} == {Enrollment.Source.IMPORT}
    course.refresh_from_db()
    assert course.enrollment_count == 2
    # one invitation, to the new account only, with its set-password link
    assert [m.to for m in mail.outbox] == [["new.person@example.com"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    job = ProcessingJob.objects.get(pk=result.job_id)
    assert job.status == ProcessingJob.Status.SUCCEEDED and job.result["enrolled"] == 2


def test_import_rows_that_fail_are_reported_and_good_rows_proceed(
    staff, course, django_capture_on_commit_callbacks
):
    CourseFactory(slug="draft-course", status=Course.Status.DRAFT)
    data = csv_bytes(
        "ok@example.com,python-basics,,",
        "not-an-email,python-basics,,",
        ",python-basics,,",
        "who@example.com,,,",
        "x@example.com,no-such-course,,",
        "OK@example.com,python-basics,,",
        "y@example.com,draft-course,,",
        "z@example.com,python-basics,Nope,",
    )

    result = upload_and_run(django_capture_on_commit_callbacks, user=staff, data=data)

    assert (result.enrolled_count, result.failed_count, result.skipped_count) == (1, 7, 0)
    errors = {item["row"]: item["error"] for item in result.errors}
    assert "not a valid email" in errors[2]
    assert "email is missing" in errors[3]
    assert "course is missing" in errors[4]
    assert "no course “no-such-course”" in errors[5]
    assert errors[6] == "Repeats row 1 (same email and course)."
    assert "not published" in errors[7]
    assert "no cohort “Nope”" in errors[8]
    assert not User.objects.filter(email="x@example.com").exists()


def test_import_error_report_is_the_failed_rows_with_an_error_column(
    staff, course, django_capture_on_commit_callbacks
):
    data = csv_bytes(
        "ok@example.com,python-basics,,Ok",
        "bad,python-basics,,Bad Row",
        header="email,course,cohort,name",
    )
    result = upload_and_run(django_capture_on_commit_callbacks, user=staff, data=data)
    result = EnrollmentImport.objects.get(pk=result.pk)

    name, text = enrollment_import_error_report(enrollment_import=result)

    assert name == "people-errors.csv"
    lines = text.strip().splitlines()
    assert lines[0] == "email,course,cohort,name,error"
    assert lines[1].startswith("bad,python-basics,,Bad Row,")
    assert "not a valid email" in lines[1]
    assert len(lines) == 2


def test_import_same_file_twice_enrolls_and_invites_nobody_twice(
    staff, course, django_capture_on_commit_callbacks
):
    data = csv_bytes("a@example.com,python-basics,,A", "b@example.com,python-basics,,B")
    first = upload_and_run(django_capture_on_commit_callbacks, user=staff, data=data)
    assert (first.enrolled_count, first.invited_count) == (2, 2)
    assert len(mail.outbox) == 2

    second = upload_and_run(django_capture_on_commit_callbacks, user=staff, data=data)

    assert second.pk != first.pk
    assert (second.enrolled_count, second.invited_count, second.failed_count) == (0, 0, 0)
    assert second.skipped_count == 2
    assert {s["reason"] for s in second.skipped} == {"Already enrolled in this course."}
    assert User.objects.filter(email__in=["a@example.com", "b@example.com"]).count() == 2
    assert Enrollment.objects.filter(course=course).count() == 2
    assert len(mail.outbox) == 2
    course.refresh_from_db()
    assert course.enrollment_count == 2


def test_import_brings_back_a_cancelled_enrollment(
    staff, course, django_capture_on_commit_callbacks
):
    student = UserFactory(email="back@example.com")
    enrollment = EnrollmentFactory(
        user=student, course=course, status=Enrollment.Status.CANCELLED, progress_percent=40
    )

    result = upload_and_run(
        django_capture_on_commit_callbacks,
        user=staff,
        data=csv_bytes("back@example.com,python-basics,,"),
    )

    assert result.enrolled_count == 1
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE and enrollment.progress_percent == 40
    assert enrollment.cancelled_at is None


def test_import_refuses_deactivated_accounts(staff, course, django_capture_on_commit_callbacks):
    UserFactory(email="banned@example.com", is_active=False)

    result = upload_and_run(
        django_capture_on_commit_callbacks,
        user=staff,
        data=csv_bytes("banned@example.com,python-basics,,"),
    )

    assert result.failed_count == 1 and "deactivated" in result.errors[0]["error"]
    assert not Enrollment.objects.exists()


def test_mentor_imports_into_own_courses_only(course, django_capture_on_commit_callbacks):
    mentor = UserFactory(roles=("Mentor",))
    course.instructors.add(mentor)
    CourseFactory(slug="someone-elses", title="Someone else's")

    result = upload_and_run(
        django_capture_on_commit_callbacks,
        user=mentor,
        data=csv_bytes("a@example.com,python-basics,,", "b@example.com,someone-elses,,"),
    )

    assert (result.enrolled_count, result.failed_count) == (1, 1)
    assert result.errors == [{"row": 2, "error": "You may not enroll people in “Someone else's”."}]
    # nobody is invited for a row that failed
    assert not User.objects.filter(email="b@example.com").exists()


@pytest.mark.parametrize("roles", [("Student",), ("Moderator",)])
def test_students_and_moderators_may_not_import(roles, course):
    with pytest.raises(PermissionDenied):
        enrollment_import_create(
            user=UserFactory(roles=roles),
            file_name="a.csv",
            data=csv_bytes("a@example.com,python-basics,,"),
        )
    assert not EnrollmentImport.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00bad", "not UTF-8"),
        (b"name,cohort\nA,B\n", "missing: email, course"),
        (b"email,course\n", "no rows"),
        (b"email,course\na@example.com,x,extra,cells\n", "more cells"),
    ],
)
def test_import_refuses_files_that_cannot_be_imports(staff, data, message):
    with pytest.raises(ValidationError) as error:
        enrollment_import_create(user=staff, file_name="a.csv", data=data)
    assert message in error.value.errors["file"][0]
    assert not EnrollmentImport.objects.exists()


def test_import_refuses_too_many_rows(staff, settings):
    settings.KALPLA_ENROLLMENT_IMPORT_MAX_ROWS = 2
    with pytest.raises(ValidationError):
        enrollment_import_create(
            user=staff,
            file_name="a.csv",
            data=csv_bytes("a@x.com,c,,", "b@x.com,c,,", "c@x.com,c,,"),
        )


def test_import_columns_in_any_order_and_case(staff, course, django_capture_on_commit_callbacks):
    data = b" Name ,COURSE,Email\nMira,python-basics,mira@example.com\n"

    result = upload_and_run(django_capture_on_commit_callbacks, user=staff, data=data)

    assert result.enrolled_count == 1
    assert User.objects.get(email="mira@example.com").name == "Mira"


def test_import_into_cohorts_fills_free_seats_without_jumping_the_waitlist(
    staff, course, django_capture_on_commit_callbacks
):
    # given: 3 seats, one taken, one owed to the person waiting: one free seat
    cohort = CohortFactory(course=course, name="March 2027", capacity=3)
    EnrollmentFactory(course=course, cohort=cohort)
    WaitlistEntryFactory(cohort=cohort)
    archived = CohortFactory(course=course, name="Old", is_active=False)
    ended = CohortFactory(
        course=course,
        name="Last year",
        starts_at=timezone.now() - timedelta(days=400),
        ends_at=timezone.now() - timedelta(days=300),
    )
    data = csv_bytes(
        "a@example.com,python-basics,march 2027,",
        "b@example.com,python-basics,March 2027,",
        "c@example.com,python-basics,Old,",
        "d@example.com,python-basics,Last year,",
    )

    result = upload_and_run(django_capture_on_commit_callbacks, user=staff, data=data)

    assert result.enrolled_count == 1
    assert Enrollment.objects.get(user__email="a@example.com").cohort == cohort
    errors = {item["row"]: item["error"] for item in result.errors}
    assert errors == {
        2: "The cohort “March 2027” is full.",
        3: f"The cohort “{archived.name}” is archived.",
        4: f"The cohort “{ended.name}” has ended.",
    }


def test_import_of_someone_waiting_for_the_cohort_takes_their_seat_and_closes_the_entry(
    staff, course, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(course=course, name="March", capacity=1)
    entry = WaitlistEntryFactory(cohort=cohort, user=UserFactory(email="waits@example.com"))

    result = upload_and_run(
        django_capture_on_commit_callbacks,
        user=staff,
        data=csv_bytes("waits@example.com,python-basics,March,"),
    )

    assert result.enrolled_count == 1
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.ENROLLED and entry.closed_at is not None


def test_import_into_a_course_taught_in_cohorts_needs_a_cohort(
    staff, course, django_capture_on_commit_callbacks
):
    Course.objects.filter(pk=course.pk).update(requires_cohort=True)

    result = upload_and_run(
        django_capture_on_commit_callbacks,
        user=staff,
        data=csv_bytes("a@example.com,python-basics,,"),
    )

    assert result.errors == [
        {"row": 1, "error": "“Python basics” is taught in cohorts: name one in the cohort column."}
    ]


def test_import_progress_is_recorded_batch_by_batch(staff, course, settings, monkeypatch):
    settings.KALPLA_ENROLLMENT_IMPORT_BATCH_SIZE = 2
    data = csv_bytes(*(f"p{i}@example.com,python-basics,," for i in range(5)))
    enrollment_import = enrollment_import_create(user=staff, file_name="a.csv", data=data)
    job = enrollment_import.job
    job.status = ProcessingJob.Status.RUNNING
    job.save()
    seen = []

    def spy(**kwargs):
        seen.append((kwargs["done"], kwargs["total"]))
        job_progress_record(**kwargs)

    monkeypatch.setattr(services, "job_progress_record", spy)
    enrollment_import_run(enrollment_import=enrollment_import)

    assert seen == [(2, 5), (4, 5), (5, 5)]
    job.refresh_from_db()
    assert job.result["progress"] == {"done": 5, "total": 5}
    enrollment_import.refresh_from_db()
    assert enrollment_import.progress_percent == 100


def test_import_goes_on_from_the_last_recorded_batch(staff, course, settings):
    # given: a run that recorded its first batch of 2 and then broke off
    settings.KALPLA_ENROLLMENT_IMPORT_BATCH_SIZE = 2
    data = csv_bytes(
        *(f"p{i}@example.com,python-basics,," for i in range(4)), "p0@example.com,python-basics,,"
    )
    enrollment_import = enrollment_import_create(user=staff, file_name="a.csv", data=data)
    EnrollmentImport.objects.filter(pk=enrollment_import.pk).update(
        processed_rows=2, enrolled_count=2
    )
    enrollment_import.refresh_from_db()

    enrollment_import_run(enrollment_import=enrollment_import)

    enrollment_import.refresh_from_db()
    # rows 1-2 were not run again; row 5 is still known as a repeat of row 1
    assert Enrollment.objects.count() == 2
    assert enrollment_import.enrolled_count == 4
    assert enrollment_import.errors == [
        {"row": 5, "error": "Repeats row 1 (same email and course)."}
    ]


def _rows(n: int, offset: int = 0) -> bytes:
    return csv_bytes(*(f"person{offset + i}@example.com,python-basics,,P {i}" for i in range(n)))


def test_import_queries_grow_by_a_constant_per_batch(staff, course, settings):
    """Each batch costs the same number of statements whatever its rows: 2 batches vs 4."""
    settings.KALPLA_ENROLLMENT_IMPORT_BATCH_SIZE = 50
    UserFactory.create_batch(3)  # nothing special about an empty table

    def run(rows: int, offset: int) -> int:
        enrollment_import = enrollment_import_create(
            user=staff, file_name="a.csv", data=_rows(rows, offset)
        )
        enrollment_import = EnrollmentImport.objects.select_related("created_by").get(
            pk=enrollment_import.pk
        )
        return count_queries(lambda: enrollment_import_run(enrollment_import=enrollment_import))

    two, four, eight = run(100, 0), run(200, 1000), run(400, 5000)

    per_batch = (four - two) / 2
    assert per_batch == (eight - four) / 4
    assert per_batch <= 12, f"{per_batch} queries per batch of 50 rows"
    assert Enrollment.objects.count() == 700


def test_import_of_10000_rows(staff, course, django_capture_on_commit_callbacks):
    """10,000 people (a quarter of them known) in one file; checks counts, not time (the
    bench times it against COPY: make bench)."""
    User.objects.bulk_create(
        User(email=f"person{i}@example.com", password="!") for i in range(0, 10_000, 4)
    )
    data = _rows(10_000) + b"person0@example.com,python-basics,,again\n"

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enrollment_import = enrollment_import_create(user=staff, file_name="big.csv", data=data)
        result = enrollment_import_run(
            enrollment_import=EnrollmentImport.objects.select_related("created_by").get(
                pk=enrollment_import.pk
            )
        )

    assert result == {
        "total": 10_001,
        "processed": 10_001,
        "enrolled": 10_000,
        "invited": 7_500,
        "skipped": 0,
        "failed": 1,
    }
    assert Enrollment.objects.filter(course=course).count() == 10_000
    assert User.objects.filter(email__startswith="person").count() == 10_000
    course.refresh_from_db()
    assert course.enrollment_count == 10_000
    # emails and signals go after commit, a few tasks per batch, never one per row
    assert 0 < len(callbacks) < 100


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_the_same_people_enroll_each_once(staff, course):
    """Two imports of the same file at once (PostgreSQL): one account and one enrollment
    each, whichever run got there first; the other reports them as already enrolled. (The
    on-commit work runs here too, eagerly: each enrollment's receivers, hence few rows.)"""
    data = _rows(100)
    imports = [
        enrollment_import_create(user=staff, file_name=f"{n}.csv", data=data) for n in range(2)
    ]
    barrier = threading.Barrier(2)
    failures = []

    def run(enrollment_import_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            enrollment_import_run(
                enrollment_import=EnrollmentImport.objects.select_related("created_by").get(
                    pk=enrollment_import_id
                )
            )
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i.pk,)) for i in imports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert User.objects.filter(email__startswith="person").count() == 100
    assert Enrollment.objects.filter(course=course).count() == 100
    results = list(EnrollmentImport.objects.order_by("pk"))
    assert sum(r.enrolled_count for r in results) == 100
    assert sum(r.skipped_count for r in results) == 100
    assert sum(r.invited_count for r in results) == 100
    course.refresh_from_db()
    assert course.enrollment_count == 100


@pytest.mark.parametrize(
    "email",
    [
        "ok@example.com",
        "first.last+tag@sub.example.co.in",
        "a@localhost",
        "a@[127.0.0.1]",
        "a@-bad-.com",
        "a@b",
        "a b@example.com",
        "a@example..com",
        "@example.com",
        "a@",
    ],
)
def test_row_email_check_agrees_with_djangos_validator(email):
    """The import remembers each domain's verdict (speed); the verdicts are Django's."""
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django.core.validators import validate_email

    from enrollments.imports.parsing import ImportRow, row_shape_error

    try:
        validate_email(email)
        expected = True
    except DjangoValidationError:
        expected = False
    row = ImportRow(number=1, email=email, course="c", cohort="", name="", values=())
    for _twice in range(2):
        assert (row_shape_error(row) is None) is expected


def test_import_of_an_uploader_deactivated_since_fails_with_a_reason(staff, course):
    enrollment_import = enrollment_import_create(
        user=staff, file_name="a.csv", data=csv_bytes("a@example.com,python-basics,,")
    )
    User.objects.filter(pk=staff.pk).update(is_active=False)

    enrollment_import_run(
        enrollment_import=EnrollmentImport.objects.select_related("created_by").get(
            pk=enrollment_import.pk
        )
    )

    enrollment_import.refresh_from_db()
    assert enrollment_import.status == EnrollmentImport.Status.FAILED
    assert "can no longer import" in enrollment_import.error
    assert not Enrollment.objects.exists()
