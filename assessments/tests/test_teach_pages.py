"""Mentors' quiz pages: settings in the course's time zone, slots, banks with GIFT/Aiken
import and export, ordering questions, the grading queue and the grading page."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import UserFactory
from assessments.models import Question, QuizSlot
from assessments.services import attempts as attempt_services
from assessments.tests.factories import QuestionBankFactory, QuizFactory, QuizSlotFactory
from enrollments.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(mentor):
    quiz = QuizFactory(lesson__module__course__instructors=[mentor])
    quiz.course.time_zone = "Asia/Kolkata"
    quiz.course.save()
    return quiz


@pytest.fixture
def teacher(client, mentor):
    client.force_login(mentor)
    return client


SETTINGS = {
    "instructions": "Read carefully.",
    "behaviour": "deferred",
    "retry_penalty": "0.3333333",
    "max_tries": "3",
    "attempts_allowed": "2",
    "grading_method": "highest",
    "time_limit": "600",
    "opens_at": "2027-01-10T09:00",
    "closes_at": "2027-01-10T11:30",
    "questions_per_page": "1",
    "pass_percent": "50",
    "review_score": "immediately",
    "review_correctness": "immediately",
    "review_right_answers": "after_close",
    "review_feedback": "immediately",
}


def test_quiz_settings_are_entered_in_the_course_time_zone(quiz, teacher):
    url = reverse("assessments:teach_quiz", args=[quiz.lesson_id])
    assert teacher.get(url).status_code == 200
    saved = teacher.post(url, SETTINGS)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    quiz.refresh_from_db()
    assert quiz.opens_at == datetime(2027, 1, 10, 3, 30, tzinfo=UTC)  # 09:00 in Kolkata
    assert quiz.attempts_allowed == 2
    html = teacher.get(url).content.decode()
    assert 'value="2027-01-10T09:00"' in html  # shown back in the course's zone
    bad = teacher.post(url, {**SETTINGS, "closes_at": "2027-01-10T08:00"})
    assert bad.status_code == 400
    assert "After opening" in bad.content.decode() or "close after" in bad.content.decode()


def test_slots_are_added_moved_and_removed(quiz, teacher):
    bank = QuestionBankFactory(course=quiz.course)
    teacher.post(
        reverse("assessments:teach_bank", args=[bank.pk]),
        {
            "import-format": "gift",
            "import-text": "::One:: A {T}\n\n::Two:: B {F}\n\n::Three:: C {T}",
        },
    )
    one = Question.objects.get(name="One")
    add = reverse("assessments:teach_slot_add", args=[quiz.lesson_id])
    assert teacher.post(add, {"question": one.pk}).status_code == 302
    teacher.post(add, {"bank": bank.pk, "count": "2"})
    slots = list(QuizSlot.objects.filter(quiz=quiz).order_by("position"))
    assert [s.question_id for s in slots] == [one.pk, None]
    teacher.post(reverse("assessments:teach_slot_move", args=[slots[1].pk]), {"direction": "up"})
    assert list(
        QuizSlot.objects.filter(quiz=quiz).order_by("position").values_list("pk", flat=True)
    ) == [slots[1].pk, slots[0].pk]
    too_many = teacher.post(add, {"bank": bank.pk, "count": "50"}, follow=True)
    assert "matching questions" in too_many.content.decode()
    teacher.post(reverse("assessments:teach_slot_remove", args=[slots[0].pk]))
    assert QuizSlot.objects.filter(quiz=quiz).count() == 1
    html = teacher.get(reverse("assessments:teach_quiz", args=[quiz.lesson_id])).content.decode()
    assert "random questions from" in html


def test_banks_import_export_and_ordering(quiz, teacher):
    banks = reverse("assessments:teach_banks", args=[quiz.course.slug])
    assert "No question banks yet" in teacher.get(banks).content.decode()
    made = teacher.post(banks, {"title": "Week 1"})
    bank_url = made.url
    bad = teacher.post(
        bank_url, {"import-format": "gift", "import-text": "Ok {=a ~b}\n\nBroken {=a"}
    )
    assert bad.status_code == 400
    assert "Line 3" in bad.content.decode()
    assert Question.objects.count() == 0
    upload = SimpleUploadedFile("q.txt", b"Capital of France?\nA. Rome\nB. Paris\nANSWER: B\n")
    good = teacher.post(bank_url, {"import-format": "aiken", "import-file": upload})
    assert good.status_code == 302
    assert Question.objects.get().kind == "single_choice"
    bank_id = Question.objects.get().bank_id
    ordering = teacher.post(
        reverse("assessments:teach_bank_ordering", args=[bank_id]),
        {
            "ordering-text": "Order these",
            "ordering-items": "first\nsecond\nthird",
            "ordering-points": "2",
        },
    )
    assert ordering.status_code == 302
    exported = teacher.get(reverse("assessments:teach_bank_export", args=[bank_id, "gift"]))
    assert exported["Content-Disposition"].startswith("attachment")
    assert b"Paris" in exported.content
    html = teacher.get(bank_url).content.decode()
    assert "Order these" in html and "Paris" in html


def test_grading_queue_and_page(quiz, mentor, teacher, student, django_capture_on_commit_callbacks):
    QuizSlotFactory(
        quiz=quiz,
        question__kind="essay",
        question__raw={"grader_info": "Look for causes."},
        question__points=10,
    )
    EnrollmentFactory(user=student, course=quiz.course)
    attempt = attempt_services.attempt_start(quiz=quiz, user=student)
    attempt_services.attempt_answers_save(
        attempt_id=attempt.pk, user=student, responses={0: "Because."}
    )
    with django_capture_on_commit_callbacks(execute=True):
        attempt_services.attempt_submit(attempt_id=attempt.pk, user=student)
    queue = teacher.get(reverse("assessments:teach_grading")).content.decode()
    aq = attempt.questions.get()
    assert reverse("assessments:teach_grade", args=[aq.pk]) in queue
    page = teacher.get(reverse("assessments:teach_grade", args=[aq.pk])).content.decode()
    assert "Because." in page and "Look for causes." in page
    too_high = teacher.post(reverse("assessments:teach_grade", args=[aq.pk]), {"score": "11"})
    assert too_high.status_code == 400
    done = teacher.post(
        reverse("assessments:teach_grade", args=[aq.pk]), {"score": "8", "comment": "Good."}
    )
    assert done.status_code == 302 and done.url == reverse("assessments:teach_grading")
    assert "Nothing to grade" in teacher.get(reverse("assessments:teach_grading")).content.decode()


def test_other_mentors_and_students_are_refused(quiz, client, student):
    bank = QuestionBankFactory(course=quiz.course)
    for user in (UserFactory(roles=("Mentor",)), student):
        client.force_login(user)
        assert (
            client.get(reverse("assessments:teach_quiz", args=[quiz.lesson_id])).status_code == 403
        )
        assert (
            client.get(reverse("assessments:teach_banks", args=[quiz.course.slug])).status_code
            == 403
        )
        assert client.get(reverse("assessments:teach_bank", args=[bank.pk])).status_code == 403
        assert (
            client.get(reverse("assessments:teach_bank_export", args=[bank.pk, "gift"])).status_code
            == 403
        )
