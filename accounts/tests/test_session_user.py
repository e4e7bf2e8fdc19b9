"""The signed-in user comes from the cache between requests, and every change of the user
(their fields, password, activity, roles) reaches the next request."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _user_queries(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if 'FROM "accounts_user"' in q["sql"]]


def _me(client) -> dict:
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    return response.json()


def test_session_user_costs_no_query_once_cached(client, student):
    client.force_login(student)
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        _me(client)
    assert _user_queries(first)  # loaded once
    with CaptureQueriesContext(connection) as second:
        assert _me(client)["email"] == student.email
    assert _user_queries(second) == []


def test_session_user_sees_a_saved_change_on_the_next_request(client, student):
    client.force_login(student)
    _me(client)
    student.name = "Renamed Student"
    student.save()
    assert _me(client)["name"] == "Renamed Student"


def test_session_user_deactivated_is_signed_out(client, student):
    client.force_login(student)
    _me(client)
    student.is_active = False
    student.save()
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_session_user_password_changed_elsewhere_signs_the_session_out(client, student):
    client.force_login(student)
    _me(client)
    student.set_password("a-brand-new-pass-9")
    student.save()
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert "_auth_user_id" not in client.session


def test_session_user_role_change_reaches_the_next_request(client, student):
    client.force_login(student)
    assert "Mentor" not in _me(client)["roles"]
    student.groups.add(Group.objects.get_or_create(name="Mentor")[0])
    assert "Mentor" in _me(client)["roles"]


def test_session_user_entry_is_not_shared_between_users(client, student, mentor):
    client.force_login(student)
    assert _me(client)["email"] == student.email
    client.force_login(mentor)
    assert _me(client)["email"] == mentor.email


def test_request_user_is_the_user_itself_once_read(rf, student):
    """The lazy proxy is replaced by the user on first use (no proxy on every attribute)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.cache import SessionStore
    from django.utils.functional import SimpleLazyObject

    from accounts.middleware import AuthenticationMiddleware
    from accounts.models import User

    middleware = AuthenticationMiddleware(lambda request: None)
    signed_in, signed_out = rf.get("/"), rf.get("/")
    signed_in.session = SessionStore()
    signed_in.session.update(
        {
            SESSION_KEY: str(student.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: student.get_session_auth_hash(),
        }
    )
    signed_out.session = SessionStore()
    for request in (signed_in, signed_out):
        middleware.process_request(request)
        assert isinstance(request.user, SimpleLazyObject)
    assert signed_in.user.is_authenticated and signed_in.user.pk == student.pk
    assert type(signed_in.user) is User
    assert not signed_out.user.is_authenticated
    assert type(signed_out.user) is AnonymousUser


def test_session_and_its_user_are_read_in_one_round_trip(client, student, round_trips):
    client.force_login(student)
    _me(client)  # caches the user under the session
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from accounts.middleware import session_user

    request = RequestFactory().get("/")
    request.session = client.session.__class__(client.session.session_key)
    round_trips.clear()
    user = session_user(request)
    assert not isinstance(user, AnonymousUser) and user.pk == student.pk
    assert len(round_trips) == 1


def test_a_cached_user_of_another_user_under_the_session_is_not_used(client, student, mentor):
    from accounts.cache import session_user_key
    from kalpla.cache import cache_set_current

    client.force_login(student)
    # an entry for the session that names someone else (a key that changed hands)
    cache_set_current(session_user_key(client.session.session_key), mentor, versions={}, timeout=60)
    assert _me(client)["email"] == student.email
