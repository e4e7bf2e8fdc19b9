"""The moderation queue on the site (/moderation/) and in the API (/api/v1/moderation/)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from courses.jobs import review_sentiment_job
from courses.models import Course, Review
from courses.tests.factories import CourseFactory, ReviewFactory
from jobs.models import ProcessingJob
from moderation.models import ModerationItem
from moderation.services import moderation_flag

pytestmark = pytest.mark.django_db

QUEUE = "/moderation/"
API = "/api/v1/moderation/items/"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def flagged_review(db):
    review = ReviewFactory(text="You are all idiots", rating=1)
    item = moderation_flag(
        target=review, reason=ModerationItem.Reason.TOXIC, detail="Toxic language", score=0.93
    )
    return review, item


@pytest.fixture
def flagged_cover(db):
    course = CourseFactory(title="Shady cover")
    course.cover.name = default_storage.save("courses/covers/shady.png", ContentFile(b"png"))
    course.thumbnails = {"480": "courses/1/cover-x-480.webp"}
    course.save()
    item = moderation_flag(target=course, reason=ModerationItem.Reason.IMAGE_UNCHECKED)
    return course, item


# --- who may see it ------------------------------------------------------------------------


def test_queue_is_for_moderators_only(client, student, mentor, flagged_review):
    _review, item = flagged_review
    assert client.get(QUEUE).status_code == 302  # to sign in
    for user in (student, mentor):
        client.force_login(user)
        assert client.get(QUEUE).status_code == 403
        response = client.post(f"{QUEUE}{item.pk}/decide/", {"action": "hide"})
        assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == "pending"


def test_api_is_for_moderators_only(api_client, student, mentor, flagged_review):
    _review, item = flagged_review
    assert api_client.get(API).status_code == 401
    for user in (student, mentor):
        client = api_for(user)
        assert client.get(API).status_code == 403
        response = client.post(f"{API}{item.pk}/decide/", {"action": "hide"}, format="json")
        assert response.status_code == 403
    assert ModerationItem.objects.get(pk=item.pk).status == "pending"


def test_admin_role_may_moderate(client, flagged_review):
    client.force_login(UserFactory(roles=("Admin",)))
    assert client.get(QUEUE).status_code == 200


# --- the site ---------------------------------------------------------------------------------


def test_queue_shows_flagged_content_with_its_context(client, moderator, flagged_review):
    review, _item = flagged_review
    client.force_login(moderator)
    body = client.get(QUEUE).content.decode()
    assert "You are all idiots" in body and "Toxic language" in body
    assert f"/courses/{review.course.slug}/#review-{review.pk}" in body
    assert "1 item waits for a decision." in body
    assert 'value="hide"' in body and 'value="approve"' in body


def test_hiding_a_review_hides_it_and_records_the_decision(client, moderator, flagged_review):
    review, item = flagged_review
    client.force_login(moderator)
    response = client.post(
        f"{QUEUE}{item.pk}/decide/", {"action": "hide", "note": "Insults", "status": "pending"}
    )
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}?status=pending"
    review.refresh_from_db()
    item.refresh_from_db()
    assert review.is_hidden is True
    assert (item.status, item.decided_by, item.decision_note) == ("rejected", moderator, "Insults")
    assert item.decided_at is not None
    course_page = client.get(f"/courses/{review.course.slug}/").content.decode()
    assert "Hidden" in course_page  # moderators still see it, marked hidden
    decided = client.get(QUEUE + "?status=decided").content.decode()
    assert "Insults" in decided and moderator.name in decided


def test_keeping_leaves_the_content_alone(client, moderator, flagged_review):
    review, item = flagged_review
    client.force_login(moderator)
    client.post(f"{QUEUE}{item.pk}/decide/", {"action": "approve"})
    review.refresh_from_db()
    item.refresh_from_db()
    assert review.is_hidden is False and item.status == "approved"
    assert "Nothing waits for a decision" in client.get(QUEUE).content.decode()


def test_hiding_a_cover_takes_it_down(client, moderator, flagged_cover):
    course, item = flagged_cover
    client.force_login(moderator)
    body = client.get(QUEUE).content.decode()
    assert "Cover of “Shady cover”" in body and "/files/" in body  # the image to judge
    client.post(f"{QUEUE}{item.pk}/decide/", {"action": "hide"})
    course.refresh_from_db()
    assert not course.cover and course.thumbnails == {}


def test_bad_or_repeated_decisions_are_refused(client, moderator, flagged_review):
    _review, item = flagged_review
    client.force_login(moderator)
    response = client.post(
        f"{QUEUE}{item.pk}/decide/", {"action": "delete-everything"}, follow=True
    )
    assert "Choose an action" in response.content.decode()
    assert ModerationItem.objects.get(pk=item.pk).status == "pending"
    client.post(f"{QUEUE}{item.pk}/decide/", {"action": "approve"})
    response = client.post(f"{QUEUE}{item.pk}/decide/", {"action": "hide"}, follow=True)
    assert "already decided" in response.content.decode()
    assert ModerationItem.objects.get(pk=item.pk).status == "approved"
    assert client.post(f"{QUEUE}999999/decide/", {"action": "hide"}).status_code == 404


def test_other_items_about_the_same_content_are_settled_together(client, moderator):
    review = ReviewFactory(text="Call me on 98765 43210, idiot")
    toxic = moderation_flag(target=review, reason=ModerationItem.Reason.TOXIC)
    pii = moderation_flag(target=review, reason=ModerationItem.Reason.PII)
    client.force_login(moderator)
    client.post(f"{QUEUE}{toxic.pk}/decide/", {"action": "hide"})
    assert ModerationItem.objects.get(pk=pii.pk).status == "rejected"


def test_queue_filters_by_reason_and_paginates(client, moderator):
    for n in range(25):
        moderation_flag(target=ReviewFactory(text=f"text {n}"), reason=ModerationItem.Reason.PII)
    moderation_flag(target=ReviewFactory(text="rude"), reason=ModerationItem.Reason.TOXIC)
    client.force_login(moderator)
    assert (
        client.get(QUEUE + "?reason=toxic").content.decode().count('class="card queue-item"') == 1
    )
    first = client.get(QUEUE).content.decode()
    assert first.count('class="card queue-item"') == 20 and "Page 1 of 2" in first
    assert client.get(QUEUE + "?page=2").content.decode().count('class="card queue-item"') == 6
    assert client.get(QUEUE + "?status=nonsense&reason=nonsense").status_code == 200


def test_queue_query_count_does_not_grow_with_the_page(
    client, moderator, django_assert_max_num_queries
):
    client.force_login(moderator)
    moderation_flag(target=ReviewFactory(), reason=ModerationItem.Reason.TOXIC)
    client.get(QUEUE)
    with django_assert_max_num_queries(30) as small:
        client.get(QUEUE)
    for _ in range(10):
        moderation_flag(target=ReviewFactory(), reason=ModerationItem.Reason.TOXIC)
        moderation_flag(target=CourseFactory(), reason=ModerationItem.Reason.IMAGE_UNCHECKED)
    with django_assert_max_num_queries(len(small) + 2):  # + the course type's prefetch
        body = client.get(QUEUE).content.decode()
    assert body.count('class="card queue-item"') == 20


def test_deleted_content_can_still_be_settled(client, moderator, flagged_review):
    review, item = flagged_review
    Review.objects.filter(pk=review.pk).delete()
    client.force_login(moderator)
    assert "no longer exists" in client.get(QUEUE).content.decode()
    client.post(f"{QUEUE}{item.pk}/decide/", {"action": "hide"})
    assert ModerationItem.objects.get(pk=item.pk).status == "rejected"


def test_home_shows_the_pending_count_to_moderators(client, moderator, student, flagged_review):
    client.force_login(moderator)
    body = client.get("/").content.decode()
    assert "1 item waits for a decision." in body and QUEUE in body
    assert f"#item-{flagged_review[1].pk}" in body and "Toxic language" in body  # recent ones
    client.force_login(student)
    assert QUEUE not in client.get("/").content.decode()


# --- the API ----------------------------------------------------------------------------------


def test_api_lists_and_decides(moderator, flagged_review, flagged_cover):
    review, item = flagged_review
    client = api_for(moderator)
    body = client.get(API).json()
    assert body["count"] == 2
    first = next(row for row in body["results"] if row["id"] == item.pk)
    assert first["target"]["kind"] == "review" and first["target"]["text"] == review.text
    assert first["target"]["author"]["id"] == review.user_id and first["can_hide"] is True
    assert first["reason"] == "toxic" and first["status"] == "pending"

    response = client.post(
        f"{API}{item.pk}/decide/", {"action": "hide", "note": "Insults"}, format="json"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "rejected" and data["decided_by"]["id"] == moderator.pk
    assert data["decision_note"] == "Insults"
    assert Review.objects.get(pk=review.pk).is_hidden is True
    assert client.get(API, {"status": "decided"}).json()["count"] == 1
    assert client.get(API, {"reason": "image_unchecked"}).json()["count"] == 1


def test_api_refuses_bad_input_with_field_messages(moderator, flagged_review):
    _review, item = flagged_review
    client = api_for(moderator)
    response = client.post(f"{API}{item.pk}/decide/", {"action": "burn"}, format="json")
    assert response.status_code == 400 and "action" in response.json()["errors"]
    response = client.get(API, {"status": "later", "reason": "nope"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "reason"}
    assert client.post(f"{API}999999/decide/", {"action": "hide"}, format="json").status_code == 404
    client.post(f"{API}{item.pk}/decide/", {"action": "approve"}, format="json")
    response = client.post(f"{API}{item.pk}/decide/", {"action": "hide"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "already_decided"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": ""}, "status"),
        ({"reason": ""}, "reason"),
        ({"reason": "rude"}, "reason"),
        ({"page": "0"}, "page"),
        ({"page_size": "101"}, "page_size"),
    ],
)
def test_api_list_refuses_empty_or_bad_parameters(moderator, flagged_review, query, field):
    response = api_for(moderator).get(API, query)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_api_list_pages_by_page_size(moderator):
    for _ in range(3):
        moderation_flag(target=ReviewFactory(), reason=ModerationItem.Reason.TOXIC)
    body = api_for(moderator).get(API, {"page_size": 2, "reason": "toxic"}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_api_list_schema_states_parameters_and_a_paginated_answer(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"][API]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert parameters["status"]["enum"] == ["decided", "pending"]
    assert "toxic" in parameters["reason"]["enum"]
    assert parameters["page"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"]["maximum"] == 100
    assert {"400", "401", "403", "404"} <= set(operation["responses"])
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert page.endswith("/PaginatedModerationItemOutList")


def test_api_decide_refuses_unknown_fields_and_non_string_notes(moderator, flagged_review):
    _review, item = flagged_review
    client = api_for(moderator)
    for body in ({"action": "approve", "colour": "red"}, {"action": "approve", "note": 7}):
        response = client.post(f"{API}{item.pk}/decide/", body, format="json")
        assert response.status_code == 400, body
    assert ModerationItem.objects.get(pk=item.pk).status == ModerationItem.Status.PENDING


# --- where items come from ----------------------------------------------------------------------


def test_a_toxic_review_lands_in_the_queue(settings):
    course = CourseFactory(status=Course.Status.PUBLISHED)
    review = ReviewFactory(course=course, text="This course is stupid garbage and you are idiots")
    from courses.services.reviews import review_text_digest as _digest

    job = ProcessingJob(target=review, params={"digest": _digest(review.text)})
    result = review_sentiment_job(job)
    assert "toxic" in result["flagged"]
    assert ModerationItem.objects.filter(object_id=str(review.pk), reason="toxic").exists()


def test_api_list_query_count_does_not_grow_with_the_page(moderator, django_assert_max_num_queries):
    client = api_for(moderator)
    moderation_flag(target=ReviewFactory(), reason=ModerationItem.Reason.TOXIC)
    client.get(API)
    with django_assert_max_num_queries(30) as small:
        client.get(API)
    for _ in range(12):
        moderation_flag(target=ReviewFactory(), reason=ModerationItem.Reason.PII)
        moderation_flag(target=CourseFactory(), reason=ModerationItem.Reason.IMAGE_UNCHECKED)
    with django_assert_max_num_queries(len(small) + 2):  # + the course type's prefetch
        body = client.get(API).json()
    assert len(body["results"]) == 20 and body["count"] == 25
