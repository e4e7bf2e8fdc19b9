"""Assignments: hand in text and files, lateness and the late penalty, the cut-off,
resubmission with history, extensions, grading, releasing marks, and who may see what."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from assessments.file_links import submission_file_link
from assessments.models import Assignment, GradeChange, Submission
from assessments.services import assignments as svc
from courses.models import Lesson
from courses.tests.factories import LessonFactory
from enrollments.tests.factories import EnrollmentFactory
from files.tests.samples import PDF, png_bytes
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(mentor):
    lesson = LessonFactory(module__course__instructors=[mentor], kind=Lesson.Kind.ASSIGNMENT)
    return svc.assignment_update(
        user=mentor,
        assignment=svc.assignment_ensure(user=mentor, lesson=lesson),
        accepts_file=True,
        file_kinds=["document"],
        points=Decimal(20),
        due_at=timezone.now() + timedelta(days=2),
        penalty_per_day=Decimal(10),
        penalty_cap=Decimal(30),
    )


@pytest.fixture
def learner(student, assignment):
    EnrollmentFactory(user=student, course=assignment.course)
    return student


def _pdf(name="work.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_hand_in_text_and_a_file_then_resubmit_with_history(assignment, learner):
    first = svc.submission_create(user=learner, assignment=assignment, text="Draft one.")
    second = svc.submission_create(user=learner, assignment=assignment, text="Final.", file=_pdf())
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert not first.is_latest and second.is_latest
    assert second.file_type == "application/pdf" and second.file.name.startswith("private/")
    assert Submission.objects.filter(assignment=assignment, student=learner).count() == 2


def test_files_are_checked_by_the_upload_layer(assignment, learner):
    with pytest.raises(ValidationError) as exc:
        svc.submission_create(
            user=learner,
            assignment=assignment,
            file=SimpleUploadedFile("cat.pdf", png_bytes(), content_type="application/pdf"),
        )
    assert "file" in exc.value.errors  # an image named .pdf is not a document
    assignment.max_file_mb = 1
    assignment.save()
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError):
        svc.submission_create(user=learner, assignment=assignment, file=big)
    with pytest.raises(ValidationError):
        svc.submission_create(user=learner, assignment=assignment)  # nothing handed in


@pytest.mark.parametrize(
    ("hours_late", "days", "penalty"), [(0, 0, "0"), (1, 1, "10"), (49, 3, "30"), (200, 9, "30")]
)
def test_late_days_and_the_capped_penalty(assignment, learner, mentor, hours_late, days, penalty):
    assignment.due_at = timezone.now() - timedelta(
        hours=hours_late, minutes=1 if hours_late else -60
    )
    assignment.save()
    submission = svc.submission_create(user=learner, assignment=assignment, text="Work.")
    assert submission.days_late == days
    graded = svc.submission_grade(grader=mentor, submission=submission, score=Decimal(15))
    assert graded.penalty_percent == Decimal(penalty)
    assert graded.final_score == (Decimal(15) * (100 - Decimal(penalty)) / 100).quantize(
        Decimal("0.01")
    )


def test_the_cut_off_refuses_work_and_resubmission_closes_at_the_due_date(assignment, learner):
    svc.submission_create(user=learner, assignment=assignment, text="On time.")
    assignment.due_at = timezone.now() - timedelta(hours=1)
    assignment.cutoff_at = timezone.now() + timedelta(hours=1)
    assignment.save()
    with pytest.raises(Conflict) as exc:
        svc.submission_create(user=learner, assignment=assignment, text="Again.")
    assert exc.value.code == "resubmission_closed"
    other = UserFactory(roles=("Student",))
    EnrollmentFactory(user=other, course=assignment.course)
    assert svc.submission_create(user=other, assignment=assignment, text="Late.").days_late == 1
    assignment.cutoff_at = timezone.now() - timedelta(minutes=1)
    assignment.due_at = timezone.now() - timedelta(hours=2)
    assignment.save()
    newcomer = UserFactory(roles=("Student",))
    EnrollmentFactory(user=newcomer, course=assignment.course)
    with pytest.raises(Conflict) as exc:
        svc.submission_create(user=newcomer, assignment=assignment, text="Too late.")
    assert exc.value.code == "cutoff_passed"


def test_an_extension_moves_one_students_dates(assignment, learner, mentor):
    assignment.due_at = timezone.now() - timedelta(days=1)
    assignment.cutoff_at = timezone.now() - timedelta(hours=1)
    assignment.save()
    svc.extension_grant(
        user=mentor, assignment=assignment, student=learner,
        due_at=timezone.now() + timedelta(days=1), reason="Illness",
    )  # fmt: skip
    submission = svc.submission_create(user=learner, assignment=assignment, text="Thanks.")
    assert submission.days_late == 0
    with pytest.raises(PermissionDenied):
        svc.extension_grant(
            user=UserFactory(roles=("Mentor",)), assignment=assignment, student=learner,
            due_at=timezone.now(),
        )  # fmt: skip


def test_marks_stay_hidden_until_released_and_students_are_told(
    client, assignment, learner, mentor, django_capture_on_commit_callbacks
):
    submission = svc.submission_create(user=learner, assignment=assignment, text="Mine.")
    svc.submission_grade(grader=mentor, submission=submission, score=Decimal(18), feedback="Great.")
    client.force_login(learner)
    page = client.get(
        reverse("assessments:assignment", args=[assignment.lesson_id])
    ).content.decode()
    assert "Great." not in page and "18.00" not in page
    with django_capture_on_commit_callbacks(execute=True):  # the notices' task, eager
        assert svc.grades_release(user=mentor, assignment=assignment) == 1
        assert svc.grades_release(user=mentor, assignment=assignment) == 0  # told once
    page = client.get(
        reverse("assessments:assignment", args=[assignment.lesson_id])
    ).content.decode()
    assert "Great." in page and "18.00" in page
    notice = Notification.objects.get(recipient=learner, kind="assessments.grade_released")
    assert "18.00" in notice.body or "18.00" in str(notice.data)
    with pytest.raises(Conflict):
        svc.submission_create(user=learner, assignment=assignment, text="Again after release.")


def test_regrade_keeps_the_trail(assignment, learner, mentor):
    submission = svc.submission_create(user=learner, assignment=assignment, text="Mine.")
    svc.submission_grade(grader=mentor, submission=submission, score=Decimal(10))
    svc.submission_grade(grader=mentor, submission=submission, score=Decimal(12), reason="Misread.")
    trail = list(GradeChange.objects.filter(submission=submission).order_by("id"))
    assert [(c.old_score, c.new_score, c.reason) for c in trail] == [
        (None, Decimal(10), "graded by hand"),
        (Decimal(10), Decimal(12), "Misread."),
    ]
    with pytest.raises(ValidationError):
        svc.submission_grade(grader=mentor, submission=submission, score=Decimal(21))


def test_only_enrolled_students_hand_in_and_files_are_private(client, assignment, learner, mentor):
    with pytest.raises(PermissionDenied):
        svc.submission_create(user=UserFactory(roles=("Student",)), assignment=assignment, text="x")
    with pytest.raises(PermissionDenied):
        svc.submission_create(user=mentor, assignment=assignment, text="x")
    submission = svc.submission_create(user=learner, assignment=assignment, file=_pdf())
    link = submission_file_link(submission=submission)
    client.force_login(learner)
    assert client.get(link).status_code == 200
    client.force_login(mentor)
    assert client.get(link).status_code == 200
    client.force_login(UserFactory(roles=("Student",)))
    assert client.get(link).status_code == 403
    client.force_login(UserFactory(roles=("Mentor",)))
    assert client.get(link).status_code == 403


def test_settings_are_checked(assignment, mentor):
    with pytest.raises(ValidationError) as exc:
        svc.assignment_update(
            user=mentor, assignment=assignment, accepts_text=False, accepts_file=False
        )
    assert "accepts_text" in exc.value.errors
    with pytest.raises(ValidationError) as exc:
        svc.assignment_update(
            user=mentor,
            assignment=Assignment.objects.get(pk=assignment.pk),
            cutoff_at=assignment.due_at - timedelta(days=1),
        )
    assert "cutoff_at" in exc.value.errors


def test_pages_hand_in_grade_and_release(
    client, assignment, learner, mentor, django_capture_on_commit_callbacks
):
    client.force_login(learner)
    url = reverse("assessments:assignment", args=[assignment.lesson_id])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"text": ""})
    assert bad.status_code == 400
    done = client.post(url, {"text": "My essay.", "file": _pdf()})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "Version 1" in page and "My essay." in page and "work.pdf" in page
    client.force_login(mentor)
    teach = reverse("assessments:teach_assignment", args=[assignment.lesson_id])
    assert (
        learner.email in client.get(teach).content.decode()
        or learner.name in client.get(teach).content.decode()
    )
    submission = Submission.objects.get(student=learner)
    graded = client.post(
        reverse("assessments:teach_submission", args=[submission.pk]),
        {"score": "17", "feedback": "Well argued."},
    )
    assert graded.status_code == 302
    queue = client.get(reverse("assessments:teach_grading")).content.decode()
    assert "No assignment work to grade." in queue  # nothing left to grade
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:teach_assignment_release", args=[assignment.lesson_id]))
    assert Submission.objects.get(pk=submission.pk).released_at is not None
    for user in (UserFactory(roles=("Mentor",)), learner):
        client.force_login(user)
        assert client.get(teach).status_code == 403
        assert (
            client.get(reverse("assessments:teach_submission", args=[submission.pk])).status_code
            == 403
        )


def test_the_assignment_api_as_a_mobile_app_uses_it(assignment, learner, mentor):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(learner)
    base = f"/api/v1/lessons/{assignment.lesson_id}/assignment/"
    info = api.get(base)
    assert info.status_code == 200, info.content
    assert info.json()["submissions"] == [] and info.json()["accepts_file"] is True
    text = api.post(base + "submissions/", {"text": "From my phone."}, format="json")
    assert text.status_code == 201, text.content
    upload = api.post(base + "submissions/", {"file": _pdf()}, format="multipart")
    assert upload.status_code == 201, upload.content
    body = upload.json()
    assert body["version"] == 2 and body["file_url"].startswith("http")
    assert body["score"] is None
    bad = api.post(
        base + "submissions/",
        {"file": SimpleUploadedFile("x.pdf", png_bytes())},
        format="multipart",
    )
    assert bad.status_code == 400 and "file" in bad.json()["errors"]
    svc.submission_grade(
        grader=mentor, submission=Submission.objects.get(pk=body["id"]), score=Decimal(19)
    )
    hidden = api.get(base).json()["submissions"][0]
    assert hidden["score"] is None and hidden["final_score"] is None
    svc.grades_release(user=mentor, assignment=assignment)
    assert api.get(base).json()["submissions"][0]["final_score"] == "19.00"
    assert api.post(base + "submissions/", {"text": "more"}, format="json").status_code == 409
    outsider = APIClient()
    outsider.force_authenticate(UserFactory(roles=("Student",)))
    assert outsider.get(base).status_code == 403
    assert outsider.post(base + "submissions/", {"text": "x"}, format="json").status_code == 403


# --- rubrics ----------------------------------------------------------------------------------

RUBRIC = "Clarity: 0 Hard to follow | 2 Mostly clear | 4 Clear\nCorrectness: 0 Wrong | 3 Partly | 6 Right\n"


def test_rubric_text_is_parsed_with_errors_by_line(assignment, mentor):
    from assessments.services import rubrics

    with pytest.raises(ValidationError) as exc:
        rubrics.rubric_parse("Good: 0 a | 1 b\nNo colon here\nBad: x y | 1 z\nOne: 1 only\n")
    assert set(exc.value.errors) == {"line 2", "line 3", "line 4"}
    rubric = rubrics.rubric_create(
        user=mentor, course=assignment.course, title="Essay", text=RUBRIC
    )
    assert rubrics.rubric_total(rubric=rubric) == Decimal(10)
    with pytest.raises(PermissionDenied):
        rubrics.rubric_create(
            user=UserFactory(roles=("Mentor",)), course=assignment.course, title="x", text=RUBRIC
        )


def test_rubric_math_scales_to_the_assignment_and_takes_the_penalty(assignment, learner, mentor):
    from assessments.models import RubricScore
    from assessments.services import rubrics

    rubric = rubrics.rubric_create(
        user=mentor, course=assignment.course, title="Essay", text=RUBRIC
    )
    svc.assignment_update(user=mentor, assignment=assignment, rubric=rubric)
    assignment.due_at = timezone.now() - timedelta(hours=1)
    assignment.save()
    submission = svc.submission_create(user=learner, assignment=assignment, text="Late work.")
    clarity, correctness = rubric.criteria.order_by("position")
    mostly = clarity.levels.get(points=2)
    right = correctness.levels.get(points=6)
    graded = rubrics.submission_grade_with_rubric(
        grader=mentor,
        submission=submission,
        level_ids={clarity.pk: mostly.pk, correctness.pk: right.pk},
    )
    # (2 + 6) of 10 on a 20-point assignment is 16; one day late at 10% a day: 14.40
    assert (graded.score, graded.penalty_percent, graded.final_score) == (
        Decimal("16.00"), Decimal("10.00"), Decimal("14.40"),
    )  # fmt: skip
    assert RubricScore.objects.filter(submission=submission).count() == 2
    with pytest.raises(ValidationError):
        rubrics.submission_grade_with_rubric(
            grader=mentor, submission=submission, level_ids={clarity.pk: mostly.pk}
        )
    with pytest.raises(ValidationError):  # a level of another criterion
        rubrics.submission_grade_with_rubric(
            grader=mentor,
            submission=submission,
            level_ids={clarity.pk: right.pk, correctness.pk: right.pk},
        )


def test_rubric_pages(client, assignment, learner, mentor):
    client.force_login(mentor)
    add = reverse("assessments:teach_assignment_rubric", args=[assignment.lesson_id])
    bad = client.post(add, {"rubric-title": "Essay", "rubric-text": "nonsense"}, follow=True)
    assert "line 1" in bad.content.decode()
    client.post(add, {"rubric-title": "Essay", "rubric-text": RUBRIC})
    assignment.refresh_from_db()
    assert assignment.rubric is not None
    submission = svc.submission_create(user=learner, assignment=assignment, text="Mine.")
    page = reverse("assessments:teach_submission", args=[submission.pk])
    html = client.get(page).content.decode()
    assert "Mostly clear" in html
    clarity, correctness = assignment.rubric.criteria.order_by("position")
    # One group of radios a criterion, named by its legend (the grading form is narrow).
    assert html.count('<fieldset class="rubric-criterion">') == 2
    assert f"<legend>{clarity.title}</legend>" in html
    response = client.post(
        page,
        {
            f"level-{clarity.pk}": clarity.levels.get(points=4).pk,
            f"level-{correctness.pk}": correctness.levels.get(points=3).pk,
            "feedback": "Clear; check the second part.",
        },
    )
    assert response.status_code == 302
    assert Submission.objects.get(pk=submission.pk).final_score == Decimal("14.00")


def test_the_mentors_assignment_api(
    assignment, learner, mentor, django_capture_on_commit_callbacks
):
    from rest_framework.test import APIClient

    from assessments.services import rubrics

    api = APIClient()
    api.force_authenticate(mentor)
    base = f"/api/v1/lessons/{assignment.lesson_id}/assignment/"
    submission = svc.submission_create(user=learner, assignment=assignment, text="Mine.")
    listed = api.get(base + "submissions/latest/?state=submitted")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert api.get(base + "submissions/latest/?state=nope").status_code == 400
    both = api.post(f"/api/v1/submissions/{submission.pk}/grade/", {}, format="json")
    assert both.status_code == 400
    graded = api.post(
        f"/api/v1/submissions/{submission.pk}/grade/",
        {"score": "15", "feedback": "Good."},
        format="json",
    )
    assert graded.status_code == 200 and graded.json()["final_score"] == "15.00"
    rubric = rubrics.rubric_create(user=mentor, course=assignment.course, title="R", text=RUBRIC)
    svc.assignment_update(user=mentor, assignment=assignment, rubric=rubric)
    levels = [
        {"criterion_id": c.pk, "level_id": c.levels.order_by("-points").first().pk}
        for c in rubric.criteria.all()
    ]
    by_rubric = api.post(
        f"/api/v1/submissions/{submission.pk}/grade/", {"levels": levels}, format="json"
    )
    assert by_rubric.json()["final_score"] == "20.00"
    with django_capture_on_commit_callbacks(execute=True):
        released = api.post(base + "release/", {}, format="json")
    assert released.json() == {"released": 1}
    extension = api.post(
        base + "extensions/",
        {"student_id": learner.pk, "due_at": "2030-01-01T10:00:00Z", "reason": "Family"},
        format="json",
    )
    assert extension.status_code == 200, extension.content
    stranger = api.post(
        base + "extensions/",
        {"student_id": UserFactory().pk, "due_at": "2030-01-01T10:00:00Z"},
        format="json",
    )
    assert stranger.status_code == 404
    other = APIClient()
    other.force_authenticate(UserFactory(roles=("Mentor",)))
    assert other.get(base + "submissions/latest/").status_code == 403
    assert (
        other.post(
            f"/api/v1/submissions/{submission.pk}/grade/", {"score": "1"}, format="json"
        ).status_code
        == 403
    )


# --- speaking assignments ---------------------------------------------------------------------


def test_spoken_work_is_transcribed_for_the_grader(
    assignment, learner, mentor, client, tmp_path, django_capture_on_commit_callbacks
):
    import subprocess

    from jobs.models import ProcessingJob
    from kalpla.testing.tools import require_tool

    espeak = require_tool("espeak-ng")
    require_tool("ffmpeg")
    svc.assignment_update(
        user=mentor, assignment=assignment, speaking=True, file_kinds=["document"]
    )
    assignment.refresh_from_db()
    assert assignment.accepts_file and "audio" in assignment.file_kinds
    wav = tmp_path / "answer.wav"
    sentence = "Welcome to the course. Today we learn about computers and numbers."
    subprocess.run([espeak, "-v", "en-us", "-w", str(wav), sentence], check=True)
    with django_capture_on_commit_callbacks(execute=True):
        submission = svc.submission_create(
            user=learner,
            assignment=assignment,
            file=SimpleUploadedFile("answer.wav", wav.read_bytes(), content_type="audio/wav"),
        )
    assert submission.file_type == "audio/wav"
    job = ProcessingJob.objects.get(kind="assessments.submission_transcript")
    assert job.status == "succeeded", job.error
    submission.refresh_from_db()
    assert submission.transcript_state == "ready"
    assert submission.transcript.split()  # what pocketsphinx heard (offline, rough)
    client.force_login(mentor)
    page = client.get(
        reverse("assessments:teach_submission", args=[submission.pk])
    ).content.decode()
    assert "<audio" in page and submission.transcript in page


def test_the_recorder_is_offered_on_speaking_assignments(client, assignment, learner, mentor):
    client.force_login(learner)
    url = reverse("assessments:assignment", args=[assignment.lesson_id])
    assert "data-recorder" not in client.get(url).content.decode()
    svc.assignment_update(user=mentor, assignment=assignment, speaking=True)
    html = client.get(url).content.decode()
    assert "data-recorder" in html and "js/recorder.js" in html
