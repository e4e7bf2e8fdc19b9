"""In-app: the cached unread count, mark read, the notifications page and the bell."""

import pytest
from django.core.cache import cache

from accounts.tests.factories import UserFactory
from notifications.models import Notification
from notifications.selectors import (
    decode_cursor,
    notification_page,
    unread_cache_key,
    unread_count,
)
from notifications.services.inapp import notification_mark_read, notifications_mark_all_read
from notifications.services.notify import notify

pytestmark = pytest.mark.django_db

BELL = "notifications.context_processors.bell"


@pytest.fixture(autouse=True)
def bell(settings):
    """The bell's context processor, until settings list it."""
    options = settings.TEMPLATES[0]["OPTIONS"]
    if BELL not in options["context_processors"]:
        settings.TEMPLATES = [
            {
                **settings.TEMPLATES[0],
                "OPTIONS": {
                    **options,
                    "context_processors": [*options["context_processors"], BELL],
                },
            }
        ]


def make(user, count=1, **kwargs):
    """``count`` in-app notifications for ``user`` (email off, so nothing else is planned)."""
    created = []
    for i in range(count):
        created += notify(
            recipients=[user],
            kind="announcements.general",
            context={"title": f"Note {i}", "message": f"Body {i}"},
            **kwargs,
        )
    return created


# --- unread count cache ------------------------------------------------------------------


def test_unread_count_is_cached(student, django_assert_num_queries):
    make(student, 2)
    with django_assert_num_queries(1):
        assert unread_count(user_id=student.pk) == 2
    with django_assert_num_queries(0):
        assert unread_count(user_id=student.pk) == 2


def test_unread_count_invalidated_on_create_and_read(student, django_capture_on_commit_callbacks):
    assert unread_count(user_id=student.pk) == 0
    with django_capture_on_commit_callbacks(execute=True):
        [n] = make(student)
    assert cache.get(unread_cache_key(student.pk)) is None
    assert unread_count(user_id=student.pk) == 1

    with django_capture_on_commit_callbacks(execute=True):
        make(student, 2)
    assert unread_count(user_id=student.pk) == 3

    with django_capture_on_commit_callbacks(execute=True):
        _, count = notification_mark_read(notification=n)
    assert count == 2
    assert unread_count(user_id=student.pk) == 2

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_mark_all_read(user=student) == 2
    assert unread_count(user_id=student.pk) == 0


def test_unread_count_not_invalidated_before_commit(student, django_capture_on_commit_callbacks):
    assert unread_count(user_id=student.pk) == 0
    with django_capture_on_commit_callbacks(execute=False):
        make(student)
        # a reader inside the transaction window still sees the cached value until commit
        assert cache.get(unread_cache_key(student.pk)) == 0


def test_mark_read_is_idempotent_and_publishes_count(student, django_capture_on_commit_callbacks):
    [n] = make(student)
    with django_capture_on_commit_callbacks() as callbacks:
        notification_mark_read(notification=n)
    # cache invalidation plus two publishes (user_<id> and notifications_<id>)
    assert len(callbacks) == 3
    first = n.read_at
    with django_capture_on_commit_callbacks() as callbacks:
        notification_mark_read(notification=n)
    assert callbacks == [] and n.read_at == first


# --- selectors ---------------------------------------------------------------------------


def test_notification_page_is_newest_first_with_a_cursor(student):
    notes = make(student, 5)
    other = UserFactory()
    make(other, 2)
    first = notification_page(user=student, size=2)
    assert [n.pk for n in first.items] == [notes[4].pk, notes[3].pk]
    second = notification_page(user=student, cursor=first.next_cursor, size=2)
    assert [n.pk for n in second.items] == [notes[2].pk, notes[1].pk]
    last = notification_page(user=student, cursor=second.next_cursor, size=2)
    assert [n.pk for n in last.items] == [notes[0].pk] and last.next_cursor == ""


@pytest.mark.parametrize("cursor", ["", "garbage", "!!!", "Zm9v", "x" * 500])
def test_bad_cursors_mean_the_first_page(cursor):
    assert decode_cursor(cursor) is None


# --- the notifications page --------------------------------------------------------------


def test_notifications_page_empty_state(client, student):
    client.force_login(student)
    html = client.get("/notifications/").content.decode()
    assert "No notifications yet." in html
    assert "Mark all as read" not in html


def test_notifications_page_lists_newest_first_with_bounded_queries(
    client, student, django_assert_max_num_queries
):
    make(student, 50)
    make(UserFactory(), 3)
    client.force_login(student)
    client.get("/notifications/")  # the first request of a session records it (usersessions)
    cache.clear()
    with django_assert_max_num_queries(10):
        response = client.get("/notifications/")
    html = response.content.decode()
    assert html.index("Note 49") < html.index("Note 48")
    assert html.count('data-notification-id="') == 20
    assert "Show older notifications" in html
    assert "Mark all as read" in html


def test_notifications_page_load_more_without_and_with_htmx(client, student):
    make(student, 25)
    client.force_login(student)
    first = client.get("/notifications/").context["page"]
    url = f"/notifications/?cursor={first.next_cursor}"
    # without JavaScript the link opens the older page
    html = client.get(url).content.decode()
    assert html.count('data-notification-id="') == 5
    assert "Back to the newest notifications" in html
    # htmx gets just the items to append
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.count('data-notification-id="') == 5
    assert "<html" not in partial


def test_mark_one_read_without_js_and_with_htmx(client, student):
    first, second = make(student, 2)
    client.force_login(student)
    response = client.post(f"/notifications/{first.pk}/read/", {"next": "/notifications/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    first.refresh_from_db()
    assert first.read_at is not None

    response = client.post(f"/notifications/{second.pk}/read/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Trigger"] == '{"notifications:unread": {"count": 0}}'
    assert f'id="notification-{second.pk}"' in response.content.decode()
    assert "Mark as read" not in response.content.decode()


def test_mark_read_refuses_get_and_unsafe_next(client, student):
    [n] = make(student)
    client.force_login(student)
    assert client.get(f"/notifications/{n.pk}/read/").status_code == 405
    response = client.post(f"/notifications/{n.pk}/read/", {"next": "https://evil.example/"})
    assert response["Location"] == "/notifications/"


def test_mark_all_read(client, student):
    make(student, 3)
    client.force_login(student)
    response = client.post("/notifications/read-all/", follow=True)
    assert "All notifications are marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=student, read_at__isnull=True).exists()


def test_open_marks_read_and_follows_internal_links_only(client, student):
    [inside] = make(student, url="/account/profile/")
    [outside] = make(student, url="https://evil.example/")
    client.force_login(student)
    response = client.get(f"/notifications/{inside.pk}/open/")
    assert response["Location"] == "/account/profile/"
    inside.refresh_from_db()
    assert inside.read_at is not None
    assert client.get(f"/notifications/{outside.pk}/open/")["Location"] == "/notifications/"


def test_another_users_notification_is_404(client, student):
    [theirs] = make(UserFactory())
    client.force_login(student)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    html = client.get("/notifications/").content.decode()
    assert "Note 0" not in html


def test_notifications_pages_need_sign_in(client, db):
    for url in ("/notifications/", "/notifications/1/open/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post("/notifications/read-all/").status_code == 302


# --- the bell ----------------------------------------------------------------------------


def test_bell_shows_the_unread_count_on_every_page(client, student):
    make(student, 3)
    client.force_login(student)
    html = client.get("/").content.decode()
    assert "data-notifications-bell" in html
    assert "<span data-unread-count>3</span>" in html
    assert "js/notifications.js" in html
    response = client.get("/account/profile/")
    assert "<span data-unread-count>3</span>" in response.content.decode()


def test_bell_hides_a_zero_count_and_caps_at_99(client, student):
    client.force_login(student)
    html = client.get("/").content.decode()
    assert "data-unread-badge hidden" in html
    cache.set(unread_cache_key(student.pk), 150)
    assert "<span data-unread-count>99+</span>" in client.get("/").content.decode()


def test_bell_absent_for_visitors(client, db):
    assert "data-notifications-bell" not in client.get("/").content.decode()


def test_bell_costs_at_most_one_query(rf, student, django_assert_num_queries):
    from notifications.context_processors import bell as bell_processor

    request = rf.get("/")
    request.user = student
    context = bell_processor(request)
    with django_assert_num_queries(1):
        assert context["notifications_unread"] == 0
        assert str(context["notifications_unread"]) == "0"
    with django_assert_num_queries(0):
        assert bell_processor(request)["notifications_unread"] == 0
