"""Assignments in Chromium: a student hands in work; the mentor grades it from the grading
queue with the assignment's rubric and feedback, and releases the marks; the student reads
the released mark, completes the course and downloads the certificate PDF, whose public
check page says valid. And the grader of a speaking assignment hears the recording beside
its transcript."""

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.tests.factories import PASSWORD, UserFactory
from assessments.models import Certificate, Submission, TranscriptState
from assessments.services import assignments as assignment_services
from assessments.services import rubrics as rubric_services
from courses.models import Lesson
from courses.tests.factories import LessonFactory
from enrollments.tests.factories import EnrollmentFactory

from .helpers import assert_page_basics, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def assignment(db):
    mentor = UserFactory(roles=("Mentor",), name="Maya Mentor")
    lesson = LessonFactory(
        module__course__instructors=[mentor],
        module__course__title="Planets for beginners",
        kind=Lesson.Kind.ASSIGNMENT,
        title="Describe Mars",
    )
    assignment = assignment_services.assignment_ensure(user=mentor, lesson=lesson)
    rubric = rubric_services.rubric_create(
        user=mentor,
        course=lesson.course,
        title="Essay rubric",
        text="Accuracy: 0 Wrong | 5 Mostly right | 10 Right\nClarity: 0 Unclear | 10 Clear",
    )
    assignment = assignment_services.assignment_update(
        user=mentor, assignment=assignment, points=Decimal(20), rubric=rubric
    )
    assignment.mentor = mentor
    return assignment


def test_mentor_grades_with_the_rubric_releases_and_the_student_gets_a_certificate(
    page: Page, live_server, assignment
) -> None:
    base = live_server.url
    course = assignment.course
    student = UserFactory(name="Asha Verma")
    EnrollmentFactory(user=student, course=course)
    page.on("dialog", lambda dialog: dialog.accept())  # "Release graded marks?" asks first

    # The student hands in their work and gets a receipt.
    sign_in(page, base, student.email, PASSWORD)
    page.goto(f"{base}/assignments/lessons/{assignment.lesson_id}/")
    page.get_by_label("Your answer").fill("Mars is red because of iron oxide dust.")
    page.get_by_role("button", name="Hand in").click()
    expect(page.get_by_text(re.compile(r"Handed in: version 1"))).to_be_visible()
    expect(page.get_by_text("Not graded yet, or the grade is not released.")).to_be_visible()

    # The mentor opens it from the grading queue, marks it with the rubric and feedback.
    sign_out(page)
    sign_in(page, base, assignment.mentor.email, PASSWORD)
    page.goto(f"{base}/quizzes/teach/grading/")
    page.get_by_role("link", name="Asha Verma").click()
    expect(page.get_by_text("Mars is red because of iron oxide dust.")).to_be_visible()
    assert_page_basics(page, "grade-submission")
    page.get_by_role("group", name="Accuracy").get_by_label("5 Mostly right").check()
    page.get_by_role("group", name="Clarity").get_by_label("10 Clear").check()
    page.get_by_label("Feedback").fill("Clear writing; say why the dust is red.")
    page.get_by_role("button", name="Save mark").click()
    expect(page.get_by_text("Mark saved; release it when you are ready.")).to_be_visible()
    submission = Submission.objects.get(student=student)
    assert submission.score == Decimal("15.00")  # 15 of the rubric's 20 points, out of 20
    assert submission.released_at is None

    # Not released yet: the student sees no mark.
    page.goto(f"{base}/assignments/teach/lessons/{assignment.lesson_id}/")
    page.get_by_role("button", name="Release graded marks").click()
    expect(page.get_by_text("1 grades released; the students are told.")).to_be_visible()

    # The student reads the released mark and the feedback on the assignment page.
    sign_out(page)
    sign_in(page, base, student.email, PASSWORD)
    page.goto(f"{base}/assignments/lessons/{assignment.lesson_id}/")
    expect(page.get_by_text(re.compile(r"Mark: 15\.00"))).to_be_visible()
    expect(page.get_by_text("Clear writing; say why the dust is red.")).to_be_visible()
    assert_page_basics(page, "assignment-graded")

    # The assignment was the course's last lesson: completing it completes the course.
    page.goto(f"{base}/courses/{course.slug}/lessons/{assignment.lesson_id}/")
    page.get_by_role("button", name="Mark complete").click()
    expect(page.get_by_text("Course completed. Well done!")).to_be_visible()

    # The certificate: listed, downloaded as a PDF with the student's name.
    page.goto(f"{base}/certificates/")
    expect(page.get_by_text("Planets for beginners")).to_be_visible()
    assert_page_basics(page, "my-certificates")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download (PDF)").click()
    download = download_info.value
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Asha Verma" in text and "Planets for beginners" in text
    certificate = Certificate.objects.get(student=student, course=course)
    assert certificate.code in text

    # Anyone may check it, signed out.
    sign_out(page)
    page.goto(f"{base}/certificates/{certificate.code}/")
    expect(page.get_by_role("status")).to_contain_text("Valid.")
    expect(page.get_by_text("Asha Verma")).to_be_visible()
    assert_page_basics(page, "certificate-check")


def test_the_grader_of_a_speaking_assignment_hears_it_beside_its_transcript(
    page: Page, live_server, assignment
) -> None:
    base = live_server.url
    assignment_services.assignment_update(
        user=assignment.mentor, assignment=assignment, speaking=True, rubric=None
    )
    student = UserFactory(name="Ravi Kumar")
    EnrollmentFactory(user=student, course=assignment.course)
    # A recording handed in and transcribed (the transcription job has its own tests).
    submission = Submission(
        assignment=assignment,
        student=student,
        submitted_at=timezone.now(),
        file_name="answer.wav",
        file_type="audio/wav",
        transcript="Mars has two small moons called Phobos and Deimos.",
        transcript_state=TranscriptState.READY,
    )
    submission.file.save("answer.wav", ContentFile(_silent_wav()), save=False)
    submission.save()

    sign_in(page, base, assignment.mentor.email, PASSWORD)
    page.goto(f"{base}/assignments/teach/submissions/{submission.pk}/")
    player = page.locator("audio[controls]")
    expect(player).to_be_visible()
    expect(page.get_by_text("Mars has two small moons called Phobos and Deimos.")).to_be_visible()
    expect(page.locator("[data-transcript-state]")).to_have_text("Ready")
    # The player's source is the signed link to the recording, which the mentor may fetch.
    source = player.get_attribute("src")
    assert source
    fetched = page.request.get(f"{base}{source}" if source.startswith("/") else source)
    assert fetched.ok and fetched.headers["content-type"].startswith("audio/")
    assert_page_basics(page, "grade-speaking")


def _silent_wav(seconds: float = 0.5, rate: int = 8000) -> bytes:
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * int(seconds * rate))
    return out.getvalue()


def test_the_grader_moves_between_submissions_with_j_and_k(
    page: Page, live_server, assignment
) -> None:
    base = live_server.url
    names = ["Anil First", "Bela Second", "Chitra Third"]
    for name in names:
        student = UserFactory(name=name)
        EnrollmentFactory(user=student, course=assignment.course)
        assignment_services.submission_create(
            user=student, assignment=assignment, text=f"Work of {name}."
        )
    sign_in(page, base, assignment.mentor.email, PASSWORD)
    page.goto(f"{base}/quizzes/teach/grading/")
    page.get_by_role("link", name="Anil First").click()
    heading = page.get_by_role("heading", level=1)
    keys_ready = page.locator("[data-grading][data-keys-ready]")

    def press(key: str, then: str) -> None:
        expect(keys_ready).to_have_count(1)  # this page's script listens (it is deferred)
        page.keyboard.press(key)
        expect(heading).to_have_text(then)

    expect(heading).to_have_text("Anil First")
    expect(page.get_by_text("Keys: j next, k previous, Ctrl+Enter save.")).to_be_visible()
    press("j", "Bela Second")
    press("j", "Chitra Third")
    expect(page.get_by_role("link", name="Next →")).to_have_count(0)  # the last one
    press("k", "Bela Second")
    # The visible links do the same without the keys.
    page.get_by_role("link", name="← Previous").click()
    expect(heading).to_have_text("Anil First")
    # Typing in the form is typing, not moving.
    page.get_by_label("Feedback").fill("jk")
    expect(heading).to_have_text("Anil First")
