"""API: /api/v1/notifications/... status codes, shapes and permissions."""

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from notifications.models import Notification
from notifications.services.notify import notify

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications/"


def make(user, count=1):
    created = []
    for i in range(count):
        created += notify(
            recipients=[user],
            kind="announcements.general",
            context={"title": f"Note {i}", "message": f"Body {i}"},
            url=f"/courses/{i}/",
        )
    return created


def test_list_shape_newest_first(student_api, student):
    first, second = make(student, 2)
    make(UserFactory(), 1)
    body = student_api.get(LIST).json()
    assert set(body) == {"next", "previous", "results"}
    assert [n["id"] for n in body["results"]] == [second.pk, first.pk]
    item = body["results"][0]
    assert set(item) == {
        "id",
        "kind",
        "category",
        "title",
        "body",
        "url",
        "urgent",
        "is_read",
        "read_at",
        "created_at",
    }
    assert item["kind"] == "announcements.general" and item["category"] == "announcements"
    assert item["title"] == "Note 1" and item["url"] == "/courses/1/"
    assert item["is_read"] is False and item["read_at"] is None
    assert item["created_at"].endswith("Z")


def test_list_cursor_pagination(student_api, student):
    make(student, 5)
    page = student_api.get(LIST, {"page_size": 2}).json()
    seen = [n["title"] for n in page["results"]]
    while page["next"]:
        page = student_api.get(page["next"]).json()
        seen += [n["title"] for n in page["results"]]
    assert seen == ["Note 4", "Note 3", "Note 2", "Note 1", "Note 0"]


def test_list_unread_filter(student_api, student):
    read, unread = make(student, 2)
    student_api.post(f"{LIST}{read.pk}/read/")
    assert [n["id"] for n in student_api.get(LIST, {"unread": "true"}).json()["results"]] == [
        unread.pk
    ]
    assert [n["id"] for n in student_api.get(LIST, {"unread": "false"}).json()["results"]] == [
        read.pk
    ]
    assert len(student_api.get(LIST).json()["results"]) == 2


def test_list_bounded_queries(student_api, student, django_assert_max_num_queries):
    make(student, 50)
    with django_assert_max_num_queries(3):
        response = student_api.get(LIST, {"page_size": 50})
    assert len(response.json()["results"]) == 50


def test_read_one(student_api, student):
    [n] = make(student)
    response = student_api.post(f"{LIST}{n.pk}/read/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == n.pk and body["is_read"] is True and body["read_at"].endswith("Z")
    # again: still 200, unchanged
    assert student_api.post(f"{LIST}{n.pk}/read/").json()["read_at"] == body["read_at"]


def test_read_all_and_unread_count(student_api, student, django_capture_on_commit_callbacks):
    make(student, 3)
    assert student_api.get(f"{LIST}unread-count/").json() == {"count": 3}
    with django_capture_on_commit_callbacks(execute=True):  # the cached count goes on commit
        response = student_api.post(f"{LIST}read-all/")
    assert response.status_code == 200
    assert response.json() == {"marked": 3, "unread_count": 0}
    assert student_api.get(f"{LIST}unread-count/").json() == {"count": 0}


def test_another_users_notification_is_404(student_api):
    [theirs] = make(UserFactory())
    response = student_api.post(f"{LIST}{theirs.pk}/read/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert student_api.get(LIST).json()["results"] == []


def test_read_all_touches_only_my_notifications(student_api, student):
    make(student, 1)
    [theirs] = make(UserFactory())
    student_api.post(f"{LIST}read-all/")
    assert Notification.objects.get(pk=theirs.pk).read_at is None


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", LIST),
        ("post", f"{LIST}1/read/"),
        ("post", f"{LIST}read-all/"),
        ("get", f"{LIST}unread-count/"),
    ],
)
def test_anonymous_is_401(api_client: APIClient, db, method, url):
    response = getattr(api_client, method)(url)
    assert response.status_code == 401
    assert set(response.json()) >= {"message", "code"}


def test_session_token_client_sees_its_notifications(db):
    from django.test import Client

    from accounts.tests.factories import PASSWORD

    user = UserFactory()
    make(user, 1)
    token = (
        Client()
        .post(
            "/_allauth/app/v1/auth/login",
            {"email": user.email, "password": PASSWORD},
            content_type="application/json",
        )
        .json()["meta"]["session_token"]
    )
    client = APIClient()
    response = client.get(LIST, headers={"X-Session-Token": token})
    assert response.status_code == 200 and len(response.json()["results"]) == 1
