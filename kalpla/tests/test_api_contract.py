"""Property-based contract test of the whole REST API against its own OpenAPI schema.

Schemathesis generates valid and invalid requests for every operation in /api/schema/ and
sends them in-process to the WSGI app, signed in as a student and as a mentor, running every
check (``--checks all``): no 5xx, status codes, content types, headers and bodies as
documented, invalid input refused with a 4xx and valid input accepted.
"""

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import schemathesis
from django.core.exceptions import ValidationError
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from PIL import Image
from rest_framework.test import APIClient
from schemathesis.checks import CHECKS, load_all_checks

from accounts.tests.factories import PASSWORD, UserFactory
from courses.tests.factories import CourseFactory, LessonFactory, ReviewFactory
from enrollments.tests.factories import EnrollmentFactory
from files.uploads import validate_declared_upload

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("api-contract")]

load_all_checks()
_BUILT_IN_CHECKS = CHECKS.get_all()
_NEGATIVE_DATA_REJECTION = next(
    c for c in _BUILT_IN_CHECKS if c.__name__ == "negative_data_rejection"
)


def negative_data_rejection_unless_partial(ctx: Any, response: Any, case: Any) -> bool | None:
    """Schemathesis' check that invalid data is refused, except for a batch answered 207:
    ``POST /api/v1/events/`` stores a batch's valid events and refuses the others one by one
    with their errors (an invalid event does not cost the valid ones); a batch with no valid
    event, or invalid fields of its own, is still a 400 and still checked."""
    if response.status_code == 207:
        return None
    return _NEGATIVE_DATA_REJECTION(ctx, response, case)


ALL_CHECKS = [
    negative_data_rejection_unless_partial if c is _NEGATIVE_DATA_REJECTION else c
    for c in _BUILT_IN_CHECKS
]

# Documented false positives: check name -> reason. Keep this list short and explain each.
EXCLUDED_CHECKS: dict[str, str] = {}
MAX_EXAMPLES = 12


def _image(image_format: str, width: int, height: int, color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format=image_format)
    return buffer.getvalue()


# File fields whose content the server reads (what no schema can state; their encodings list
# the accepted types) get parts of those types: the avatar real images, an enrollment import a
# CSV with the columns it needs.
for _media_type, _image_format in {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}.items():
    schemathesis.openapi.media_type(
        _media_type,
        st.builds(
            _image,
            st.just(_image_format),
            st.integers(1, 64),
            st.integers(1, 64),
            st.tuples(*[st.integers(0, 255)] * 3),
        ),
    )


def _enrollment_csv(emails: list[str], course: str) -> bytes:
    return ("email,course,name\n" + "".join(f"{e},{course},A\n" for e in emails)).encode()


schemathesis.openapi.media_type(
    "text/csv",
    st.builds(
        _enrollment_csv,
        st.lists(st.from_regex(r"[a-z]{1,8}@example\.com", fullmatch=True), min_size=1, max_size=5),
        st.from_regex(r"[a-z0-9-]{1,20}", fullmatch=True),
    ),
)


def _session_token(email: str) -> str:
    response = APIClient().post(
        "/_allauth/app/v1/auth/login", {"email": email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["meta"]["session_token"])


@pytest.fixture(params=["Student", "Mentor"])
def role(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def wsgi_keeps_test_connection(session_token: str) -> Iterator[None]:
    """The WSGI handler closes database connections per request; the test's transaction
    must survive, as Django's own test client arranges (after it signed in: that client
    connects the handler again after each request)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def session_token(db: Any, role: str, monkeypatch: pytest.MonkeyPatch) -> str:
    # Hundreds of requests a minute from one user: the throttles have their own tests.
    from django.conf import settings
    from rest_framework.throttling import SimpleRateThrottle

    unlimited = dict.fromkeys(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "1000000/min")
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", unlimited)
    user = UserFactory(roles=(role,))
    other = UserFactory(roles=("Mentor",))
    taught = CourseFactory(instructors=[user if role == "Mentor" else other])
    LessonFactory(module__course=taught)
    EnrollmentFactory(user=user, course=CourseFactory())
    ReviewFactory(course=taught)
    token = _session_token(str(user.email))
    CURRENT_TOKEN["token"] = token
    return token


def _load_schema() -> Any:
    # Built in-process, the way /api/schema/ builds it, so collecting needs no request.
    from drf_spectacular.generators import SchemaGenerator

    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    loaded.app = get_wsgi_application()
    return loaded


schema = _load_schema()
# The signed-in user of the running test (tests of one process run one after another).
CURRENT_TOKEN: dict[str, str] = {}


@schema.auth(refresh_interval=None, retry_on=[])
class SessionTokenAuth:
    """The mobile apps' credentials. Declared as auth, not as a plain header, so schemathesis
    also checks that each operation refuses the request without it or with a bad one."""

    def get(self, case: Any, ctx: Any) -> str:
        return CURRENT_TOKEN.get("token", "")  # also asked while collecting

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "X-Session-Token": data}


def _quiet_hours_paired(body: dict[str, Any]) -> bool:
    times = (body.get("quiet_start"), body.get("quiet_end"))
    if {type(value) for value in times} == {str, type(None)}:
        return False
    return not (isinstance(times[0], str) and times[0] == times[1])


def _declared_file_accepted(body: dict[str, Any]) -> bool:
    try:
        validate_declared_upload(
            kind=body.get("kind"), content_type=body.get("content_type"), size=body.get("size")
        )
    except (ValidationError, TypeError, AttributeError):
        return False
    return True


def _starts_in_the_future(body: dict[str, Any]) -> bool:
    value = body.get("starts_at")
    if not isinstance(value, str):
        return True
    try:
        starts_at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return True
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=UTC)
    return starts_at > datetime.now(UTC) + timedelta(minutes=1)


# Rules that JSON Schema cannot state (the operations' descriptions do), which the server
# rightly enforces with a 400: the generator keeps to them instead of the check excluding them.
RULES_NO_SCHEMA_STATES = {
    # quiet hours are both times or both null, and do not end when they start
    "PUT /api/v1/notification-preferences/": _quiet_hours_paired,
    # a file type (and size) the kind of upload accepts
    "POST /api/v1/uploads/": _declared_file_accepted,
    # a live class starts in the future
    "POST /api/v1/live-classes/": _starts_in_the_future,
    "PATCH /api/v1/live-classes/{live_class_id}/": _starts_in_the_future,
}


def _analytics_range(query: dict[str, Any]) -> bool:
    """The analytics figures' range: from on or before to, from 2000 on, to not in the
    future, at most 366 days (analytics.selectors.rollups.period_make)."""
    from datetime import date

    try:
        start = date.fromisoformat(query["from"]) if "from" in query else None
        end = date.fromisoformat(query["to"]) if "to" in query else None
    except (TypeError, ValueError):
        return True  # not a date: the schema's own refusal
    today = datetime.now(UTC).date()
    end = end or today
    start = start or end - timedelta(days=29)
    return date(2000, 1, 1) <= start <= end <= today and (end - start).days < 366


RULES_QUERY_NO_SCHEMA_STATES = {
    f"GET /api/v1/analytics/{path}": _analytics_range
    for path in ("overview/", "courses/", "courses/{slug}/", "courses/{slug}/lessons/")
}


@schema.hook("filter_query")
def keep_query_rules_no_schema_states(ctx: Any, query: Any) -> bool:
    rule = RULES_QUERY_NO_SCHEMA_STATES.get(ctx.operation.label if ctx.operation else "")
    return rule is None or not isinstance(query, dict) or rule(query)


@schema.hook("filter_body")
def keep_rules_no_schema_states(ctx: Any, body: Any) -> bool:
    rule = RULES_NO_SCHEMA_STATES.get(ctx.operation.label if ctx.operation else "")
    return rule is None or not isinstance(body, dict) or rule(body)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_matches_its_schema(
    case: Any, session_token: str, wsgi_keeps_test_connection: None
) -> None:
    excluded = [check for check in ALL_CHECKS if check.__name__ in EXCLUDED_CHECKS]
    case.call_and_validate(checks=ALL_CHECKS, excluded_checks=excluded)
