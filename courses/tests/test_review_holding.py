"""Reviews are screened when written: above the hold threshold (or every review under
KALPLA_REVIEW_MODERATION=pre) they stay off the course page and its rating until approved."""

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from community.services.sanctions import moderation_act
from courses.models import Course, Review
from courses.services.reviews import review_create_or_update
from courses.tests.factories import CourseFactory
from enrollments.models import Enrollment
from moderation.models import ModerationItem

pytestmark = pytest.mark.django_db

RUDE = "You are all idiots"  # the example: the local analyzer scores it 0.8


@pytest.fixture
def course(mentor):
    return CourseFactory(instructors=[mentor])


def write(course, text: str, rating: int = 1) -> Review:
    student = UserFactory()
    Enrollment.objects.create(user=student, course=course)
    return review_create_or_update(user=student, course=course, rating=rating, text=text)


def test_a_review_above_the_hold_threshold_is_held_and_queued(course):
    review = write(course, RUDE)
    assert review.is_held
    item = ModerationItem.objects.get(object_id=str(review.pk), content_type__model="review")
    assert item.reason == "toxic" and item.score == pytest.approx(0.8)
    course.refresh_from_db()
    assert course.rating_count == 0  # left out of the rating until approved


def test_a_held_review_is_off_the_course_page_but_its_author_sees_it_marked(client, course):
    review = write(course, RUDE)
    write(course, "Clear and useful", rating=5)
    page = client.get(f"/courses/{course.slug}/").content.decode()
    assert "idiots" not in page and "Clear and useful" in page
    client.force_login(review.user)
    page = client.get(f"/courses/{course.slug}/").content.decode()
    assert "idiots" in page and "Held for review" in page
    api = APIClient()
    assert [
        r["text"] for r in api.get(f"/api/v1/courses/{course.slug}/reviews/").json()["results"]
    ] == ["Clear and useful"]
    api.force_authenticate(review.user)
    mine = api.get(f"/api/v1/courses/{course.slug}/reviews/").json()["results"]
    assert {(r["text"], r["held"]) for r in mine} == {(RUDE, True), ("Clear and useful", False)}


def test_approving_a_held_review_publishes_it(course, moderator):
    review = write(course, RUDE)
    item = ModerationItem.objects.get(object_id=str(review.pk))
    moderation_act(item=item, by=moderator, action="approve", note="Harsh but fair")
    review.refresh_from_db()
    assert not review.is_held
    assert Course.objects.get(pk=course.pk).rating_count == 1


def test_hiding_a_held_review_keeps_it_off(course, moderator):
    review = write(course, RUDE)
    item = ModerationItem.objects.get(object_id=str(review.pk))
    moderation_act(item=item, by=moderator, action="hide")
    review.refresh_from_db()
    assert review.is_hidden


def test_post_moderation_shows_a_mildly_flagged_review(settings, course):
    settings.KALPLA_MODERATION_HOLD_THRESHOLD = 0.9
    review = write(course, RUDE)
    assert not review.is_held
    assert ModerationItem.objects.filter(object_id=str(review.pk), reason="toxic").exists()


def test_pre_moderated_reviews_are_all_held(settings, course):
    settings.KALPLA_REVIEW_MODERATION = "pre"
    review = write(course, "Lovely course", rating=5)
    assert review.is_held
    assert ModerationItem.objects.get(object_id=str(review.pk)).reason == "premoderation"
    # a rating without text has nothing to hold
    assert not write(course, "", rating=4).is_held


def test_a_clean_review_is_shown_at_once(course):
    review = write(course, "Clear explanations", rating=5)
    assert not review.is_held
    assert not ModerationItem.objects.filter(object_id=str(review.pk)).exists()


def test_the_site_tells_the_author_their_review_is_held(client, course):
    student = UserFactory()
    Enrollment.objects.create(user=student, course=course)
    client.force_login(student)
    response = client.post(
        f"/courses/{course.slug}/review/", {"rating": 1, "text": RUDE}, follow=True
    )
    assert "It is held for review" in response.content.decode()
    api = APIClient()
    api.force_authenticate(student)
    saved = api.post(
        f"/api/v1/courses/{course.slug}/reviews/", {"rating": 1, "text": RUDE + "!"}, format="json"
    )
    assert saved.status_code == 200 and saved.json()["held"] is True
