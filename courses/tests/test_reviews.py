from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses.models import Course, Review
from courses.services.reviews import (
    SENTIMENT_JOB,
    review_create_or_update,
    review_hide,
    review_reply,
)
from courses.tests.factories import CourseFactory, ReviewFactory
from enrollments.models import Enrollment
from jobs.models import ProcessingJob
from kalpla.exceptions import ApplicationError, PermissionDenied
from moderation.models import ModerationItem

pytestmark = pytest.mark.django_db


def enroll(user, course, **kwargs) -> Enrollment:
    return Enrollment.objects.create(user=user, course=course, **kwargs)


@pytest.fixture
def course(mentor):
    return CourseFactory(instructors=[mentor])


def test_review_create_requires_an_enrollment(course, student):
    with pytest.raises(ApplicationError) as exc:
        review_create_or_update(user=student, course=course, rating=5, text="Great")
    assert exc.value.code == "not_enrolled"
    assert isinstance(exc.value, PermissionDenied)
    assert not Review.objects.exists()


def test_review_create_refused_after_cancelling(course, student):
    enroll(student, course, status=Enrollment.Status.CANCELLED)
    with pytest.raises(ApplicationError) as exc:
        review_create_or_update(user=student, course=course, rating=5, text="")
    assert exc.value.code == "not_enrolled"


def test_review_create_updates_the_course_rating(course, student):
    enroll(student, course)
    other = UserFactory()
    enroll(other, course, status=Enrollment.Status.COMPLETED)

    review_create_or_update(user=student, course=course, rating=5, text="")
    review_create_or_update(user=other, course=course, rating=2, text="")

    course.refresh_from_db()
    assert course.rating_count == 2
    assert course.rating_average == Decimal("3.50")


def test_review_is_one_per_user_and_updates(course, student):
    enroll(student, course)
    first = review_create_or_update(user=student, course=course, rating=2, text="Meh")
    second = review_create_or_update(user=student, course=course, rating=4, text="Better now")

    assert first.pk == second.pk
    assert Review.objects.filter(course=course, user=student).count() == 1
    course.refresh_from_db()
    assert (course.rating_average, course.rating_count) == (Decimal("4.00"), 1)


def test_review_rating_is_validated(course, student):
    enroll(student, course)
    with pytest.raises(ValidationError):
        review_create_or_update(user=student, course=course, rating=6, text="")


def test_review_sentiment_is_stored_after_the_job_runs(
    course, student, django_capture_on_commit_callbacks
):
    enroll(student, course)
    with django_capture_on_commit_callbacks(execute=True):
        review = review_create_or_update(
            user=student,
            course=course,
            rating=5,
            text="This course is wonderful, clear and really helpful. I loved it!",
        )

    review.refresh_from_db()
    assert review.sentiment == "POSITIVE"
    assert review.sentiment_score is not None and review.sentiment_score > 0
    job = ProcessingJob.objects.get(kind=SENTIMENT_JOB)
    assert job.status == ProcessingJob.Status.SUCCEEDED


def test_review_sentiment_job_queued_on_commit_only_when_text_changes(
    course, student, django_capture_on_commit_callbacks
):
    enroll(student, course)
    jobs = ProcessingJob.objects.filter(kind=SENTIMENT_JOB)
    with django_capture_on_commit_callbacks() as callbacks:
        review_create_or_update(user=student, course=course, rating=5, text="Terrible and boring.")
    assert jobs.count() == 1
    assert jobs.get().status == ProcessingJob.Status.PENDING  # runs only after the commit
    assert any("_schedule" in getattr(cb, "__qualname__", "") for cb in callbacks)

    review_create_or_update(user=student, course=course, rating=1, text="Terrible and boring.")
    review_create_or_update(user=student, course=course, rating=1, text="")
    assert jobs.count() == 1


def test_review_sentiment_of_an_edited_text_is_not_overwritten_by_an_old_job(
    course, student, django_capture_on_commit_callbacks
):
    enroll(student, course)
    with django_capture_on_commit_callbacks() as first:
        review_create_or_update(user=student, course=course, rating=1, text="Awful, hated it.")
    with django_capture_on_commit_callbacks(execute=True):
        review = review_create_or_update(
            user=student, course=course, rating=5, text="Actually excellent, I love it."
        )
    for callback in first:  # the stale job runs last
        callback()
    review.refresh_from_db()
    assert review.sentiment == "POSITIVE"


def test_review_reply_by_the_course_instructor(course, mentor):
    review = ReviewFactory(course=course)
    review_reply(review=review, by=mentor, text="Thank you!")
    review.refresh_from_db()
    assert review.reply == "Thank you!"
    assert review.replied_by == mentor and review.replied_at is not None

    review_reply(review=review, by=mentor, text="")
    review.refresh_from_db()
    assert review.reply == "" and review.replied_by is None


def test_review_reply_refused_for_another_mentor(course):
    other_mentor = UserFactory(roles=("Mentor",))
    review = ReviewFactory(course=course)
    with pytest.raises(ApplicationError) as exc:
        review_reply(review=review, by=other_mentor, text="Hi")
    assert isinstance(exc.value, PermissionDenied)


def test_review_hide_by_moderator_recomputes_the_rating(course, moderator):
    students = UserFactory.create_batch(3)
    for student, rating in zip(students, (5, 4, 1), strict=True):
        enroll(student, course)
        review_create_or_update(user=student, course=course, rating=rating, text="")
    course.refresh_from_db()
    assert (course.rating_average, course.rating_count) == (Decimal("3.33"), 3)

    harsh = Review.objects.get(course=course, rating=1)
    review_hide(review=harsh, by=moderator, hidden=True)
    course.refresh_from_db()
    assert (course.rating_average, course.rating_count) == (Decimal("4.50"), 2)

    review_hide(review=harsh, by=moderator, hidden=False)
    course.refresh_from_db()
    assert course.rating_count == 3


def test_review_hide_refused_for_students_and_mentors(course, student, mentor):
    review = ReviewFactory(course=course)
    for user in (student, mentor):
        with pytest.raises(ApplicationError) as exc:
            review_hide(review=review, by=user, hidden=True)
        assert isinstance(exc.value, PermissionDenied)


def test_review_hide_allowed_for_admins(course, admin_user):
    review = ReviewFactory(course=course)
    review_hide(review=review, by=admin_user, hidden=True)
    assert Review.objects.get(pk=review.pk).is_hidden


def test_review_on_unpublished_course_is_refused(student):
    course = CourseFactory(status=Course.Status.ARCHIVED)
    enroll(student, course)
    with pytest.raises(ApplicationError):
        review_create_or_update(user=student, course=course, rating=4, text="")


# --- site forms ----------------------------------------------------------------------------


def test_site_review_form_creates_and_updates(client, course, student):
    enroll(student, course)
    client.force_login(student)
    url = reverse("courses:review_save", args=[course.slug])

    response = client.post(url, {"rating": "4", "text": "Solid course"})
    assert response.status_code == 302
    assert response["Location"].endswith("#reviews")
    client.post(url, {"rating": "5", "text": "Even better"})

    review = Review.objects.get(course=course, user=student)
    assert (review.rating, review.text) == (5, "Even better")
    body = client.get(reverse("courses:detail", args=[course.slug])).content.decode()
    assert "Edit your review" in body and "Even better" in body


def test_site_review_form_keeps_input_on_errors(client, course, student):
    enroll(student, course)
    client.force_login(student)
    response = client.post(
        reverse("courses:review_save", args=[course.slug]), {"rating": "9", "text": "Kept text"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Kept text" in body and "errorlist" in body


def test_site_review_form_refuses_students_not_enrolled(client, course, student):
    client.force_login(student)
    response = client.post(
        reverse("courses:review_save", args=[course.slug]), {"rating": "5"}, follow=True
    )
    assert "Only students enrolled" in response.content.decode()
    assert not Review.objects.exists()


def test_site_reply_and_hide(client, course, mentor, moderator):
    review = ReviewFactory(course=course, text="Nice")

    client.force_login(mentor)
    client.post(reverse("courses:review_reply", args=[review.pk]), {"text": "Cheers"})
    assert Review.objects.get(pk=review.pk).reply == "Cheers"
    assert client.post(reverse("courses:review_hide", args=[review.pk])).status_code == 403

    client.force_login(UserFactory(roles=("Mentor",)))
    response = client.post(reverse("courses:review_reply", args=[review.pk]), {"text": "Hijack"})
    assert response.status_code == 403

    client.force_login(moderator)
    client.post(reverse("courses:review_hide", args=[review.pk]), {"hidden": "true"})
    assert Review.objects.get(pk=review.pk).is_hidden
    body = client.get(reverse("courses:detail", args=[course.slug])).content.decode()
    assert "Show review" in body  # moderators still see hidden reviews, marked


# --- reports -----------------------------------------------------------------------------------


def _report_url(review) -> str:
    return reverse("courses:review_report", args=[review.pk])


def test_student_reports_a_review_and_moderators_see_it(client, student):
    review = ReviewFactory(text="Rude words here")
    client.force_login(student)
    page = client.get(reverse("courses:detail", args=[review.course.slug])).content.decode()
    assert _report_url(review) in page
    assert "Rude words here" in client.get(_report_url(review)).content.decode()
    response = client.post(_report_url(review), {"reason": "Insults the teacher"})
    assert response.status_code == 302 and f"#review-{review.pk}" in response["Location"]
    item = ModerationItem.objects.get(object_id=str(review.pk), reason="reported")
    assert "Insults the teacher" in item.detail and item.status == "pending"
    # a second report adds to the same item
    other = UserFactory(roles=("Student",), name="Second Reporter")
    client.force_login(other)
    client.post(_report_url(review), {"reason": "Spam"})
    item.refresh_from_db()
    assert "Second Reporter: Spam" in item.detail
    assert ModerationItem.objects.filter(object_id=str(review.pk)).count() == 1


def test_report_form_errors_and_refusals(client, student):
    own = ReviewFactory(user=student)
    client.logout()
    assert client.get(_report_url(own)).status_code == 302  # sign in first
    client.force_login(student)
    response = client.post(_report_url(ReviewFactory()), {"reason": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = client.post(_report_url(own), {"reason": "mine"})
    assert response.status_code == 400 and "your own review" in response.content.decode()
    assert client.get(_report_url(ReviewFactory(is_hidden=True))).status_code == 404
    assert client.get("/courses/reviews/999999/report/").status_code == 404
    assert not ModerationItem.objects.exists()


def test_moderators_hide_instead_of_reporting(client, moderator):
    review = ReviewFactory()
    client.force_login(moderator)
    page = client.get(reverse("courses:detail", args=[review.course.slug])).content.decode()
    assert _report_url(review) not in page and "Hide review" in page


def test_authors_do_not_get_a_report_link_on_their_own_review(client, student):
    review = ReviewFactory(user=student)
    Enrollment.objects.create(user=student, course=review.course)
    client.force_login(student)
    page = client.get(reverse("courses:detail", args=[review.course.slug])).content.decode()
    assert _report_url(review) not in page


def test_api_report(api_client, student_api, student):
    review = ReviewFactory()
    url = f"/api/v1/reviews/{review.pk}/report/"
    assert api_client.post(url, {"reason": "x"}, format="json").status_code == 401
    response = student_api.post(url, {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    for reason in (" ", 42, "x" * 501):
        response = student_api.post(url, {"reason": reason}, format="json")
        assert response.status_code == 400 and "reason" in response.json()["errors"], reason
    response = student_api.post(url, {"reason": "Spam link"}, format="json")
    assert response.status_code == 202 and response.json() == {"reported": True}
    assert ModerationItem.objects.filter(reason="reported", object_id=str(review.pk)).exists()
    own = ReviewFactory(user=student)
    response = student_api.post(f"/api/v1/reviews/{own.pk}/report/", {"reason": "x"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "own_review"
    hidden = ReviewFactory(is_hidden=True)
    response = student_api.post(
        f"/api/v1/reviews/{hidden.pk}/report/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 409
    missing = student_api.post("/api/v1/reviews/999999/report/", {"reason": "x"}, format="json")
    assert missing.status_code == 404
