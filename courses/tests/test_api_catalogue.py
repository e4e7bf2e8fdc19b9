from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from courses.models import Course, Lesson, Review
from courses.tests.factories import (
    CategoryFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    ReviewFactory,
    TagFactory,
)
from enrollments.models import Enrollment

pytestmark = pytest.mark.django_db

LIST = "/api/v1/courses/"


def detail(slug: str) -> str:
    return f"/api/v1/courses/{slug}/"


def reviews(slug: str) -> str:
    return f"/api/v1/courses/{slug}/reviews/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_course_list_is_public_paginated_and_shaped(api_client):
    mentor = UserFactory(name="Meera Mentor", roles=("Mentor",))
    category = CategoryFactory(slug="programming", name="Programming")
    course = CourseFactory(
        title="Python for Data",
        price=Decimal("49"),
        category=category,
        instructors=[mentor],
        tags=[TagFactory(slug="python", name="python")],
        rating_average="4.60",
        rating_count=25,
    )
    LessonFactory.create_batch(2, module=ModuleFactory(course=course), duration=100)

    response = api_client.get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    card = body["results"][0]
    assert card["slug"] == course.slug
    assert card["price"] == {"amount": "49.00", "currency": "INR"}
    assert card["is_free"] is False
    assert card["category"] == {"slug": "programming", "name": "Programming"}
    assert card["tags"] == [{"slug": "python", "name": "python"}]
    assert card["instructors"] == [{"id": mentor.pk, "name": "Meera Mentor", "avatar_url": None}]
    assert card["rating"] == {"average": "4.60", "count": 25}
    assert (card["lesson_count"], card["duration"]) == (2, 200)
    assert card["thumbnail_url"] is None
    assert card["published_at"].endswith("Z")


def test_course_list_filters_search_and_ordering(api_client):
    CategoryFactory(slug="art")
    a = CourseFactory(title="Watercolour", level="beginner", rating_average="4.9", rating_count=3)
    b = CourseFactory(title="Oil painting", level="advanced", price=Decimal("10"))
    c = CourseFactory(title="Sketching", level="beginner", enrollment_count=99)

    def slugs(**params):
        response = api_client.get(LIST, params)
        assert response.status_code == 200, response.json()
        return [card["slug"] for card in response.json()["results"]]

    assert set(slugs(level="beginner")) == {a.slug, c.slug}
    assert slugs(is_free="false") == [b.slug]
    assert slugs(min_rating="4.5") == [a.slug]
    assert slugs(search="painting") == [b.slug]
    assert slugs(ordering="popular")[0] == c.slug
    assert slugs(ordering="rating")[0] == a.slug
    assert slugs(category="art") == []


def test_course_list_page_size(api_client):
    CourseFactory.create_batch(5)
    body = api_client.get(LIST, {"page_size": 2, "page": 2}).json()
    assert body["count"] == 5 and len(body["results"]) == 2
    assert body["next"] and body["previous"]


def test_course_list_invalid_parameters_answer_400(api_client):
    response = api_client.get(LIST, {"level": "wizard", "min_rating": "x"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert {"level", "min_rating"} <= set(body["errors"])


def test_course_list_query_budget(api_client, django_assert_max_num_queries):
    # given: 25 courses with several instructors, tags and lessons each
    mentors = UserFactory.create_batch(4, roles=("Mentor",))
    tags = TagFactory.create_batch(4)
    for n in range(25):
        course = CourseFactory(instructors=mentors[: 1 + n % 4], tags=tags[: 1 + n % 4])
        LessonFactory.create_batch(2, module=ModuleFactory(course=course))

    with django_assert_max_num_queries(5):
        response = api_client.get(LIST, {"search": "course", "ordering": "rating"})
    assert len(response.json()["results"]) == 20
    with django_assert_max_num_queries(5):
        assert len(api_client.get(LIST).json()["results"]) == 20


def test_course_detail_shape_for_anonymous(api_client):
    course = CourseFactory(description="**Hello**", price=Decimal("0"))
    module = ModuleFactory(course=course, title="Start")
    lesson = LessonFactory(
        module=module, title="Welcome", kind=Lesson.Kind.VIDEO, duration=90, is_preview=True
    )
    prerequisite = CourseFactory(title="Basics")
    course.prerequisites.add(prerequisite)

    response = api_client.get(detail(course.slug))

    assert response.status_code == 200
    body = response.json()
    assert body["modules"] == [
        {
            "id": module.pk,
            "title": "Start",
            "description": "",
            "duration": 90,
            "lessons": [
                {
                    "id": lesson.pk,
                    "title": "Welcome",
                    "kind": "video",
                    "duration": 90,
                    "is_preview": True,
                }
            ],
        }
    ]
    assert body["is_enrolled"] is False
    assert body["enroll_state"] == "sign_in"
    assert body["price"] == {"amount": "0.00", "currency": "INR"}
    assert body["description_html"] == "<p><strong>Hello</strong></p>"
    assert body["prerequisites"] == [{"slug": prerequisite.slug, "title": "Basics"}]
    assert body["lesson_count"] == 1 and body["duration"] == 90
    assert "content" not in body["modules"][0]["lessons"][0]


def test_course_detail_is_enrolled_for_the_signed_in_student(student):
    course = CourseFactory()
    client = client_for(student)
    assert client.get(detail(course.slug)).json()["enroll_state"] == "enroll"
    Enrollment.objects.create(user=student, course=course)
    body = client.get(detail(course.slug)).json()
    assert body["is_enrolled"] is True
    assert body["enroll_state"] == "continue"


def test_course_detail_unpublished_is_404_except_for_instructors(api_client, student, mentor):
    course = CourseFactory(status=Course.Status.DRAFT, instructors=[mentor])
    assert api_client.get(detail(course.slug)).status_code == 404
    response = client_for(student).get(detail(course.slug))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client_for(mentor).get(detail(course.slug)).json()["status"] == "draft"
    assert api_client.get(detail("no-such-course")).status_code == 404


def test_course_detail_archived_stays_open_to_its_students_only(api_client, student):
    course = CourseFactory(status=Course.Status.ARCHIVED)
    Enrollment.objects.create(user=student, course=course)
    assert api_client.get(detail(course.slug)).status_code == 404
    other = UserFactory(roles=("Student",))
    assert client_for(other).get(detail(course.slug)).status_code == 404
    body = client_for(student).get(detail(course.slug)).json()
    assert body["status"] == "archived" and body["is_enrolled"] is True
    assert body["enroll_state"] == "continue"


def test_course_detail_query_budget(api_client, django_assert_max_num_queries):
    course = CourseFactory(instructors=UserFactory.create_batch(2), tags=TagFactory.create_batch(2))
    for m in range(10):
        module = ModuleFactory(course=course)
        LessonFactory.create_batch(10, module=module)
    with django_assert_max_num_queries(6):
        body = api_client.get(detail(course.slug)).json()
    assert sum(len(m["lessons"]) for m in body["modules"]) == 100


def test_category_list(api_client):
    parent = CategoryFactory(slug="music", name="Music")
    CategoryFactory(slug="tabla", name="Tabla", parent=parent)
    CourseFactory(category=parent)
    response = api_client.get("/api/v1/categories/")
    assert response.status_code == 200
    by_slug = {c["slug"]: c for c in response.json()["results"]}
    assert by_slug["music"] == {"slug": "music", "name": "Music", "parent": None, "course_count": 1}
    assert by_slug["tabla"]["parent"] == "music"


# --- reviews ---------------------------------------------------------------------------------


def test_reviews_list_is_public_and_hides_hidden(api_client, mentor):
    course = CourseFactory(instructors=[mentor])
    ReviewFactory(course=course, text="Visible", reply="Thanks", replied_by=mentor)
    ReviewFactory(course=course, text="Hidden", is_hidden=True)

    response = api_client.get(reviews(course.slug))

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["text"] for r in results] == ["Visible"]
    assert results[0]["reply"]["text"] == "Thanks"
    assert results[0]["reply"]["by"]["id"] == mentor.pk
    assert set(results[0]["user"]) == {"id", "name", "avatar_url"}


def test_review_post_creates_then_updates(student):
    course = CourseFactory()
    Enrollment.objects.create(user=student, course=course)
    client = client_for(student)

    created = client.post(reviews(course.slug), {"rating": 4, "text": "Good"}, format="json")
    updated = client.post(reviews(course.slug), {"rating": 5}, format="json")

    assert created.status_code == 201 and updated.status_code == 200
    assert created.json()["id"] == updated.json()["id"]
    assert Review.objects.get().rating == 5


def test_review_post_not_enrolled_is_403(student):
    course = CourseFactory()
    response = client_for(student).post(reviews(course.slug), {"rating": 4}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_enrolled"


def test_review_post_validation_and_auth(api_client, student):
    course = CourseFactory()
    Enrollment.objects.create(user=student, course=course)
    assert api_client.post(reviews(course.slug), {"rating": 4}, format="json").status_code == 401
    client = client_for(student)
    response = client.post(reviews(course.slug), {"rating": 0}, format="json")
    assert response.status_code == 400
    assert "rating" in response.json()["errors"]
    response = client.post(reviews(course.slug), {"rating": 3, "extra": 1}, format="json")
    assert response.status_code == 400
    assert "extra" in response.json()["errors"]


def test_review_reply_endpoint(mentor):
    course = CourseFactory(instructors=[mentor])
    review = ReviewFactory(course=course)

    response = client_for(mentor).post(
        f"/api/v1/reviews/{review.pk}/reply/", {"text": "Thank you"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["reply"]["text"] == "Thank you"

    other = UserFactory(roles=("Mentor",))
    response = client_for(other).post(
        f"/api/v1/reviews/{review.pk}/reply/", {"text": "Me too"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_instructor"
    assert (
        client_for(mentor).post("/api/v1/reviews/999999/reply/", {"text": "x"}).status_code == 404
    )


def test_review_hide_endpoint(moderator, student, mentor):
    course = CourseFactory(instructors=[mentor])
    review = ReviewFactory(course=course, rating=1)
    url = f"/api/v1/reviews/{review.pk}/hide/"

    for user in (student, mentor):
        assert client_for(user).post(url, {"hidden": True}, format="json").status_code == 403

    response = client_for(moderator).post(url, {"hidden": True}, format="json")
    assert response.status_code == 200
    assert response.json()["is_hidden"] is True
    course.refresh_from_db()
    assert course.rating_count == 0


def test_course_list_is_cached_and_invalidated_by_edits(api_client, django_assert_num_queries):
    course = CourseFactory(title="Old title")
    api_client.get(LIST)

    with django_assert_num_queries(0):
        assert api_client.get(LIST).json()["results"][0]["title"] == "Old title"

    course.title = "New title"
    course.save()
    assert api_client.get(LIST).json()["results"][0]["title"] == "New title"

    course.tags.add(TagFactory(slug="fresh", name="fresh"))
    assert api_client.get(LIST).json()["results"][0]["tags"] == [{"slug": "fresh", "name": "fresh"}]

    LessonFactory(module=ModuleFactory(course=course))
    assert api_client.get(LIST).json()["results"][0]["lesson_count"] == 1


def test_course_list_cache_is_shared_through_redis(api_client, django_assert_num_queries):
    CourseFactory(title="Shared")
    first = api_client.get(LIST)
    assert first["Content-Type"] == "application/json"
    with django_assert_num_queries(0):
        assert api_client.get(LIST).content == first.content


def test_course_list_rating_change_invalidates(api_client, student):
    from courses.services.reviews import review_create_or_update

    course = CourseFactory()
    Enrollment.objects.create(user=student, course=course)
    assert api_client.get(LIST).json()["results"][0]["rating"]["count"] == 0
    review_create_or_update(user=student, course=course, rating=4, text="")
    assert api_client.get(LIST).json()["results"][0]["rating"] == {"average": "4.00", "count": 1}


def test_course_list_search_is_not_cached(api_client):
    CourseFactory(title="Sitar")
    assert api_client.get(LIST, {"search": "sitar"}).json()["count"] == 1
    # bulk_create sends no signal: a cached answer would still say 1
    Course.objects.bulk_create(
        [Course(slug="sitar-2", title="Sitar two", search_document="Sitar two", status="published")]
    )
    assert api_client.get(LIST, {"search": "sitar"}).json()["count"] == 2
