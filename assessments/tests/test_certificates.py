"""Certificates: earned by completing a course with a course total at or above its pass mark
(the gradebook's, released marks); the PDF's text and QR
code; the public check page (valid, revoked); revoke and reissue; who may download; the API."""

import io
from datetime import UTC, datetime

import pypdfium2
import pytest
import zxingcpp
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from assessments.file_links import certificate_link
from assessments.jobs import certificate_verify_url
from assessments.models import Certificate
from assessments.services import attempts as attempt_services
from assessments.services.certificates import (
    certificate_issue_if_earned,
    certificate_reissue,
    certificate_revoke,
)
from assessments.tests.factories import QuizFactory, QuizSlotFactory
from enrollments.tests.factories import EnrollmentFactory
from jobs.services import job_enqueue, job_rerun
from kalpla.exceptions import Conflict, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_with_quiz(mentor):
    quiz = QuizFactory(
        lesson__module__course__instructors=[mentor], lesson__is_required=False, pass_percent=50
    )
    mentor.name = "Maya Mentor"
    mentor.save()
    for answer in (True, False):
        QuizSlotFactory(quiz=quiz, question__raw={"answer": answer})
    return quiz


def _take(quiz, user, right: int, capture):
    attempt = attempt_services.attempt_start(quiz=quiz, user=user)
    rows = list(attempt.questions.order_by("position"))
    answers = {
        aq.position: aq.data["answer"] if i < right else not aq.data["answer"]
        for i, aq in enumerate(rows)
    }
    attempt_services.attempt_answers_save(attempt_id=attempt.pk, user=user, responses=answers)
    with capture(execute=True):
        attempt_services.attempt_submit(attempt_id=attempt.pk, user=user)


def test_issued_when_the_course_is_completed_and_the_total_passes(
    course_with_quiz, django_capture_on_commit_callbacks
):
    quiz = course_with_quiz
    student = UserFactory(roles=("Student",), name="Asha Learner")
    enrollment = EnrollmentFactory(user=student, course=quiz.course)
    _take(quiz, student, right=0, capture=django_capture_on_commit_callbacks)
    assert certificate_issue_if_earned(student_id=student.pk, course_id=quiz.course_id) is None
    enrollment.status = "completed"
    enrollment.save()
    assert certificate_issue_if_earned(student_id=student.pk, course_id=quiz.course_id) is None
    quiz.attempts_allowed = 2
    quiz.save()
    _take(quiz, student, right=2, capture=django_capture_on_commit_callbacks)  # graded: issued
    certificate = Certificate.objects.get(student=student)
    assert certificate.status == "valid" and len(certificate.code) == 14
    assert certificate.pdf  # the job ran (eager Celery)
    again = certificate_issue_if_earned(student_id=student.pk, course_id=quiz.course_id)
    assert again.pk == certificate.pk  # once


def test_the_pdf_says_who_what_when_and_its_qr_code_opens_the_check_page(
    course_with_quiz, django_capture_on_commit_callbacks
):
    quiz = course_with_quiz
    student = UserFactory(roles=("Student",), name="Asha Learner")
    EnrollmentFactory(user=student, course=quiz.course, status="completed")
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue_if_earned(student_id=student.pk, course_id=quiz.course_id)
    assert certificate is None  # the quiz is not passed yet
    _take(quiz, student, right=2, capture=django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get(student=student)
    data = certificate.pdf.read()
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    for expected in ("Asha Learner", quiz.course.title, "Maya Mentor", certificate.code):
        assert expected in text
    page = pypdfium2.PdfDocument(data)[0].render(scale=2).to_pil()
    codes = zxingcpp.read_barcodes(page)
    assert [c.text for c in codes] == [certificate_verify_url(certificate)]


def test_the_pdf_encodes_its_qr_code_once(monkeypatch):
    from reportlab.graphics.barcode.qr import QrCodeWidget

    from assessments.certificate_pdf import certificate_pdf

    draws = []
    draw = QrCodeWidget.draw
    monkeypatch.setattr(QrCodeWidget, "draw", lambda self: draws.append(1) or draw(self))
    certificate = Certificate(
        code="ONCE-ONLY-2345", name="Asha", course_title="Python",
        issued_at=datetime(2026, 11, 1, tzinfo=UTC),
    )  # fmt: skip
    assert certificate_pdf(certificate=certificate, verify_url="http://x/c/").startswith(b"%PDF")
    assert len(draws) == 1  # asking the widget for its bounds would encode it a second time


def test_the_public_check_page_and_revocation(client, course_with_quiz, admin_user):
    student = UserFactory(name="Ravi")
    certificate = Certificate.objects.create(
        student=student,
        course=course_with_quiz.course,
        code="ABCD-EFGH-JKLM",
        name="Ravi",
        course_title="Python",
        issued_at="2026-11-01T10:00:00Z",
    )
    url = reverse("assessments:certificate_verify", args=[certificate.code])
    page = client.get(url)
    assert page.status_code == 200 and "Valid." in page.content.decode()
    assert client.get(reverse("assessments:certificate_verify", args=["NOPE"])).status_code == 404
    with pytest.raises(PermissionDenied):
        certificate_revoke(user=student, certificate=certificate, reason="no")
    certificate_revoke(user=admin_user, certificate=certificate, reason="Plagiarism found.")
    html = client.get(url).content.decode()
    assert "Revoked." in html and "Plagiarism found." in html
    with pytest.raises(Conflict):
        certificate_revoke(user=admin_user, certificate=certificate, reason="again")


def test_the_pdf_job_writes_a_first_pdf_directly_and_a_rerun_replaces_it(
    course_with_quiz, monkeypatch, django_capture_on_commit_callbacks
):
    # given a certificate without its PDF yet, and a storage that counts what it deletes
    student = UserFactory(name="Asha Learner")
    certificate = Certificate.objects.create(
        student=student, course=course_with_quiz.course, code="FRST-RUN1-2345", name="Asha",
        course_title="Python", issued_at="2026-11-01T10:00:00Z",
    )  # fmt: skip
    deleted: list[str] = []
    delete = default_storage.delete
    monkeypatch.setattr(
        default_storage, "delete", lambda name: deleted.append(name) or delete(name)
    )
    # when its job runs, the first run writes without replacing an earlier file
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(kind="assessments.certificate_pdf", target=certificate)
    job.refresh_from_db()
    certificate.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert certificate.pdf.name == "private/certificates/FRST-RUN1-2345.pdf"
    assert deleted == []
    # then a rerun replaces the file under the same name
    with django_capture_on_commit_callbacks(execute=True):
        job_rerun(job=job)
    certificate.refresh_from_db()
    assert certificate.pdf.name == "private/certificates/FRST-RUN1-2345.pdf"
    assert deleted == [certificate.pdf.name]
    assert certificate.pdf.read().startswith(b"%PDF")


def test_reissue_after_a_name_change(
    course_with_quiz, admin_user, django_capture_on_commit_callbacks
):
    student = UserFactory(name="Old Name")
    EnrollmentFactory(user=student, course=course_with_quiz.course, status="completed")
    old = Certificate.objects.create(
        student=student,
        course=course_with_quiz.course,
        code="OLDC-ODE1-2345",
        name="Old Name",
        course_title="Python",
        issued_at="2026-11-01T10:00:00Z",
    )
    student.name = "New Name"
    student.save()
    with django_capture_on_commit_callbacks(execute=True):
        new = certificate_reissue(user=admin_user, certificate=old)
    old.refresh_from_db()
    assert old.status == "revoked" and new.status == "valid"
    assert new.name == "New Name" and new.code != old.code


def test_only_its_student_and_staff_download_it_and_the_api_lists_mine(
    client, course_with_quiz, admin_user, django_capture_on_commit_callbacks
):
    student = UserFactory(roles=("Student",), name="Asha")
    EnrollmentFactory(user=student, course=course_with_quiz.course, status="completed")
    _take(course_with_quiz, student, right=2, capture=django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get(student=student)
    link = certificate_link(certificate=certificate)
    for user, status in ((student, 200), (admin_user, 200), (UserFactory(), 403)):
        client.force_login(user)
        assert client.get(link).status_code == status
    api = APIClient()
    api.force_authenticate(student)
    mine = api.get("/api/v1/me/certificates/").json()
    assert mine["count"] == 1
    assert mine["results"][0]["code"] == certificate.code
    assert mine["results"][0]["verify_url"].endswith(f"/certificates/{certificate.code}/")
    client.force_login(student)
    page = client.get(reverse("assessments:my_certificates")).content.decode()
    assert certificate.code in page and "Download (PDF)" in page


def test_a_grade_change_that_passes_a_completed_learner_issues_it(
    mentor, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from assessments.models import GradebookSettings
    from assessments.services.gradebook_admin import grade_override
    from assessments.tests.factories import GradeEntryFactory, GradeItemFactory

    quiz = QuizFactory(lesson__module__course__instructors=[mentor])
    course = quiz.course
    GradebookSettings.objects.create(course=course, pass_percent=Decimal(70))
    item = GradeItemFactory(quiz=quiz, max_points=Decimal(10))
    student = UserFactory(roles=("Student",))
    EnrollmentFactory(user=student, course=course, status="completed")
    GradeEntryFactory(item=item, student=student, points=Decimal(6))  # 60%: below 70
    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_issue_if_earned(student_id=student.pk, course_id=course.pk) is None
        grade_override(
            user=mentor,
            item=item,
            student_id=student.pk,
            points=Decimal(8),
            reason="Second marker.",
        )
    assert Certificate.objects.filter(student=student, course=course, status="valid").exists()


def test_a_lower_pass_mark_issues_for_every_completed_learner_now_passing(
    mentor, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from assessments.services.gradebook_admin import gradebook_settings_update
    from assessments.tests.factories import GradeEntryFactory, GradeItemFactory

    quiz = QuizFactory(lesson__module__course__instructors=[mentor])
    course = quiz.course
    item = GradeItemFactory(quiz=quiz, max_points=Decimal(10))
    done, active = UserFactory(), UserFactory()
    EnrollmentFactory(user=done, course=course, status="completed")
    EnrollmentFactory(user=active, course=course)
    for learner in (done, active):
        GradeEntryFactory(item=item, student=learner, points=Decimal(5))
    with django_capture_on_commit_callbacks(execute=True):
        gradebook_settings_update(
            user=mentor, course=course, pass_percent=Decimal(50), scale="A 90\nF 0"
        )
    assert list(Certificate.objects.values_list("student", flat=True)) == [done.pk]


def test_the_check_page_lays_out_its_facts(client, course_with_quiz):
    """The facts list is styled (quiz.css), not the browser's indented definition list."""
    certificate = Certificate.objects.create(
        student=UserFactory(name="Ravi"), course=course_with_quiz.course, code="FACT-SHEE-TSTY",
        name="Ravi", course_title="Python", issued_at="2026-11-01T10:00:00Z",
    )  # fmt: skip
    html = client.get(reverse("assessments:certificate_verify", args=[certificate.code]))
    assert 'class="facts"' in html.content.decode() and "css/quiz.css" in html.content.decode()


def test_my_list_checks_again_while_a_pdf_is_being_made(client, course_with_quiz):
    student = UserFactory(name="Ravi")
    certificate = Certificate.objects.create(
        student=student, course=course_with_quiz.course, code="WAIT-INGF-ORPD", name="Ravi",
        course_title="Python", issued_at="2026-11-01T10:00:00Z",
    )  # fmt: skip
    client.force_login(student)
    url = reverse("assessments:my_certificates")
    html = client.get(url).content.decode()
    assert "The PDF is being made" in html and 'hx-trigger="every 3s"' in html
    certificate.pdf.name = f"private/certificates/{certificate.code}.pdf"
    certificate.save()
    html = client.get(url).content.decode()
    assert "Download (PDF)" in html and "hx-trigger" not in html
    # A revoked certificate whose PDF never came is not waited for.
    certificate.pdf.name, certificate.status = "", "revoked"
    certificate.save()
    assert "hx-trigger" not in client.get(url).content.decode()
