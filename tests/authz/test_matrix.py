"""The authorization matrix: every URL of the project, requested as every role.

The expected outcomes live in tests/authz/policy.py; a new URL fails here until it has a row.
"""

import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.messages import constants
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.services.groups import group_create
from enrollments.tests.factories import EnrollmentFactory
from kalpla.asgi import application
from mentorship.tests.factories import LiveClassFactory, MentorSessionFactory, MentorshipFactory
from tests.authz.conftest import ROLES, World, role_client
from tests.authz.patterns import Pattern, url_patterns, websocket_patterns
from tests.authz.policy import POLICY, WEBSOCKET_POLICY, Rule

URLCONF = "tests.authz.urls"
# Paths whose clients speak JSON; the rest are site pages posting forms.
JSON_PREFIXES = ("/api/", "/_allauth/", "/anymail/")
# allauth's reauthentication pages, where it sends a signed-in user before sensitive pages.
REAUTH_PREFIXES = ("/accounts/reauthenticate/", "/accounts/2fa/reauthenticate/")


@pytest.fixture(autouse=True)
def _matrix_urls(settings) -> None:
    settings.ROOT_URLCONF = URLCONF


def _patterns() -> list[Pattern]:
    return url_patterns(URLCONF)


def test_every_url_pattern_has_a_policy_row():
    keys = {p.key for p in _patterns()}
    missing = sorted(keys - POLICY.keys())
    stale = sorted(POLICY.keys() - keys)
    ws_keys = {p.key for p in websocket_patterns()}
    ws_missing = sorted(ws_keys - WEBSOCKET_POLICY.keys())
    ws_stale = sorted(WEBSOCKET_POLICY.keys() - ws_keys)
    lines = []
    if missing or ws_missing:
        lines.append(
            "URL patterns without a row in tests/authz/policy.py, add them with one outcome"
            f" per role ({' '.join(ROLES)}):"
        )
        lines += [f'    "{key}": get("…"),' for key in missing]
        lines += [f'    "{key}": "…",  (WEBSOCKET_POLICY)' for key in ws_missing]
    if stale or ws_stale:
        lines.append("Rows in tests/authz/policy.py whose URL pattern no longer exists, remove:")
        lines += [f"    {key}" for key in stale + ws_stale]
    assert not lines, "\n".join(lines)


def _url(pattern: Pattern, rule: Rule, world: World) -> str:
    if not pattern.name:
        return "/" + pattern.route  # unnamed routes take no parameters
    # a rule's kwarg "@name" is the world's object of that name (e.g. the quiz lesson's id)
    chosen = {
        key: world.kwargs[value[1:]] if isinstance(value, str) and value.startswith("@") else value
        for key, value in rule.kwargs.items()
    }
    kwargs = {**world.kwargs, **chosen}
    if pattern.key in world.tokens:
        kwargs["token"] = world.tokens[pattern.key]
    return _reverse(pattern.name, kwargs) + (f"?{rule.query}" if rule.query else "")


def _reverse(name: str, available: dict[str, object]) -> str:
    """``reverse(name)`` with whichever of the available kwargs the pattern takes."""
    resolver = get_resolver(URLCONF)
    *namespaces, short = name.split(":")
    for ns in namespaces:
        resolver = resolver.namespace_dict[ns][1]
    for _possibility, _pattern, _defaults, _converters in resolver.reverse_dict.getlist(short):
        for _result, params in _possibility:
            try:
                return reverse(name, urlconf=URLCONF, kwargs={p: available[p] for p in params})
            except (KeyError, NoReverseMatch):
                continue
    raise AssertionError(f"cannot fill the kwargs of {name!r} from the matrix's objects")


def _outcome(response: HttpResponse, rule: Rule) -> str:
    code = response.status_code
    if code == 401:
        # allauth headless: 401 with is_authenticated is its "reauthenticate first" flow
        if response.get("Content-Type", "").startswith("application/json"):
            meta = response.json().get("meta") or {}
            if meta.get("is_authenticated"):
                return "reauth"
        return "login"
    if 300 <= code < 400:
        location = response.headers.get("Location", "")
        if location.startswith(reverse("account_login")):
            return "login"
        if location.startswith(REAUTH_PREFIXES):
            return "reauth"
        if _error_message_queued(response) and not (rule.write and rule.body is None):
            return "refused"
        return "ok"
    if 200 <= code < 300 or (rule.write and rule.body is None and code == 400):
        return "ok"
    return str(code)


def _error_message_queued(response: HttpResponse) -> bool:
    """Site views answer some refusals with a redirect and an error message."""
    storage = getattr(getattr(response, "wsgi_request", None), "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return any(m.level >= constants.ERROR for m in queued)


def _request(client, headers: dict[str, str], rule: Rule, url: str) -> HttpResponse:
    kwargs: dict[str, object] = {}
    if rule.method not in ("GET", "HEAD", "OPTIONS"):
        if url.startswith(JSON_PREFIXES):
            kwargs = {"data": json.dumps(rule.body or {}), "content_type": "application/json"}
        else:
            kwargs = {"data": rule.body or {}}
    if url.startswith("/_allauth/app/"):
        kwargs["headers"] = headers
    call = getattr(client, rule.method.lower())
    # A clean slate per request: throttles and rate limits must not answer for the policy.
    cache.clear()
    with transaction.atomic():
        response = call(url, **kwargs)
        transaction.set_rollback(True)
    return response


def _describe(response: HttpResponse) -> str:
    where = response.headers.get("Location", "")
    return f"{response.status_code}{' -> ' + where if where else ''}"


@pytest.mark.parametrize("role", ROLES)
def test_http_matrix(role: str, world: World):
    client, headers = role_client(world, role)
    wrong = []
    for pattern in _patterns():
        rule = POLICY[pattern.key]
        url = _url(pattern, rule, world)
        response = _request(client, headers, rule, url)
        got, want = _outcome(response, rule), rule.expect[role]
        if got != want:
            wrong.append(
                f"  {rule.method} {url} ({pattern.key}): expected {want}, got {got}"
                f" ({_describe(response)})"
            )
    assert not wrong, f"As {role}, outcomes differ from tests/authz/policy.py:\n" + "\n".join(wrong)


WS_ROLES = {
    "student_a": ("Student",),
    "student_b": ("Student",),
    "mentor": ("Mentor",),
    "other_mentor": ("Mentor",),
    "moderator": ("Moderator",),
    "staff": ("Admin",),
}
WS_HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


@database_sync_to_async
def _ws_cookies() -> dict[str, bytes]:
    """A session cookie per signed-in role (the sockets need committed users)."""
    cookies = {}
    users = {}
    for role in ROLES[1:]:
        client = Client()
        user = users[role] = UserFactory(roles=WS_ROLES[role], is_staff=role == "staff")
        client.force_login(user)
        value = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={value}".encode()
        if role == "student_a":
            group = group_create(name="Matrix", owner=user)  # private: student A only
            cookies["group_id"] = str(group.pk).encode()
            cookies["room_id"] = str(group.channels.get().room_id).encode()
    # a mentoring session of the mentor with student A, open to join now; a live class the
    # mentor hosts for a course student A is enrolled in
    start = timezone.now()
    session = MentorSessionFactory(
        mentorship=MentorshipFactory(mentor=users["mentor"], mentee=users["student_a"]),
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
    )
    live = LiveClassFactory(host=users["mentor"])
    EnrollmentFactory(user=users["student_a"], course=live.course)
    cookies["session_id"] = str(session.pk).encode()
    cookies["live_class_id"] = str(live.pk).encode()
    return cookies


def _ws_path(route: str, cookies: dict[str, bytes]) -> str:
    for name in ("room_id", "group_id", "session_id", "live_class_id"):
        route = route.replace(f"<int:{name}>", cookies[name].decode())
    return "/" + route


async def _ws_outcome(path: str, cookie: bytes | None) -> str:
    headers = WS_HEADERS + ([(b"cookie", cookie)] if cookie else [])
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=5)
    if not connected:
        return str(code)
    # open and quiet for a while (after any greeting frames): signed in
    while not await communicator.receive_nothing(timeout=0.5):
        message = await communicator.receive_output()
        if message["type"] == "websocket.close":
            return str(message.get("code"))
    await communicator.disconnect()
    return "ok"


@pytest.mark.django_db(transaction=True)
async def test_websocket_matrix(settings):
    # a socket without credentials waits this long for a first-frame token, then 4401
    settings.KALPLA_WS_AUTH_TIMEOUT = 0.2
    cookies = await _ws_cookies()
    wrong = []
    for pattern in websocket_patterns():
        want = dict(zip(ROLES, WEBSOCKET_POLICY[pattern.key].split(), strict=True))
        for role in ROLES:
            got = await _ws_outcome(_ws_path(pattern.route, cookies), cookies.get(role))
            if got != want[role]:
                wrong.append(f"/{pattern.route} as {role}: expected {want[role]}, got {got}")
    assert not wrong, "WebSocket outcomes differ from tests/authz/policy.py:\n" + "\n".join(wrong)
