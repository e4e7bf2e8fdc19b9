from datetime import time

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import UserFactory
from notifications.kinds import KINDS, Kind, get_kind
from notifications.models import (
    Channel,
    Delivery,
    NotificationPreference,
    NotificationSettings,
)
from notifications.services import delivery as delivery_service
from notifications.services.notify import notify
from notifications.services.preferences import (
    channel_enabled,
    locked_channels,
    preference_matrix,
    preferences_update,
)

pytestmark = pytest.mark.django_db

ALL_ON = {"in_app": True, "email": True, "sms": True, "push": True}


@pytest.fixture
def payments_security_kind(monkeypatch):
    """A category whose every kind is transactional: its default channels are locked."""
    kind = Kind(
        name="payments.receipt_test",
        category="payments",
        transactional=True,
        defaults={
            Channel.IN_APP: True,
            Channel.EMAIL: True,
            Channel.SMS: False,
            Channel.PUSH: False,
        },
    )
    monkeypatch.setitem(KINDS, kind.name, kind)
    return kind


def _update(user, matrix=None, **kwargs):
    params = {"quiet_start": None, "quiet_end": None, "digest": "off", **kwargs}
    return preferences_update(user=user, matrix=matrix or {}, **params)


def test_preference_matrix_defaults_follow_the_kinds(student):
    matrix = preference_matrix(user=student)
    assert matrix["account"] == {"in_app": True, "email": True, "sms": False, "push": True}
    assert matrix["announcements"] == {"in_app": True, "email": True, "sms": False, "push": False}
    # a category without kinds yet shows the usual defaults
    assert matrix["learning"] == {"in_app": True, "email": True, "sms": False, "push": True}
    assert not NotificationPreference.objects.exists()


def test_preferences_update_stores_only_choices_that_differ_from_defaults(student):
    _update(
        student, {"announcements": {"in_app": True, "email": False, "sms": False, "push": False}}
    )
    rows = list(
        NotificationPreference.objects.filter(user=student).values_list(
            "category", "channel", "enabled"
        )
    )
    assert rows == [("announcements", "email", False)]
    assert preference_matrix(user=student)["announcements"]["email"] is False

    # saving the defaults again removes the explicit choice
    _update(student, preference_matrix(user=UserFactory()))
    assert not NotificationPreference.objects.filter(user=student).exists()


def test_preference_explicit_off_stops_the_channel(student, django_capture_on_commit_callbacks):
    _update(student, {"announcements": {"email": False}})
    with django_capture_on_commit_callbacks():
        [n] = notify(
            recipients=[student],
            kind="announcements.general",
            context={"title": "Hi", "message": "x"},
        )
    assert not Delivery.objects.filter(notification=n, channel=Channel.EMAIL).exists()
    assert n.read_at is None  # in-app still on


def test_preference_transactional_kind_cannot_be_muted(
    student, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setitem(delivery_service.CHANNEL_SENDERS, Channel.EMAIL, lambda delivery: "m-1")
    _update(student, {"account": {"in_app": False, "email": False, "sms": False, "push": False}})
    assert channel_enabled(
        kind=get_kind("account.password_changed"), channel="email", explicit=False
    )
    assert not channel_enabled(kind=get_kind("account.welcome"), channel="email", explicit=False)

    with django_capture_on_commit_callbacks(execute=True):
        [n] = notify(recipients=[student], kind="account.password_changed")
    assert n.read_at is None  # in-app is on for a transactional kind whatever the choice
    assert (
        Delivery.objects.get(notification=n, channel=Channel.EMAIL).status == Delivery.Status.SENT
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert notify(recipients=[student], kind="account.welcome") == []  # muted everywhere


def test_preference_transactional_kind_can_be_opted_into_an_extra_channel(student):
    kind = get_kind("account.password_changed")
    assert channel_enabled(kind=kind, channel="sms", explicit=None) is False
    assert channel_enabled(kind=kind, channel="sms", explicit=True) is True


def test_locked_channels_only_for_all_transactional_categories(payments_security_kind, student):
    assert locked_channels("account") == set()  # welcome can be muted
    assert locked_channels("payments") == {"in_app", "email"}
    _update(student, {"payments": {"in_app": False, "email": False, "sms": True}})
    matrix = preference_matrix(user=student)
    # push follows the category's kinds (commerce's payment notices push by default)
    assert {ch: on for ch, on in matrix["payments"].items() if ch != "push"} == {
        "in_app": True,
        "email": True,
        "sms": True,
    }


@pytest.mark.parametrize(
    ("matrix", "kwargs", "field"),
    [
        ({"gossip": {"email": False}}, {}, "matrix"),
        ({"account": {"fax": True}}, {}, "matrix"),
        ({"account": {"email": "no"}}, {}, "matrix"),
        ({}, {"quiet_start": time(22)}, "quiet_end"),
        ({}, {"quiet_end": time(7)}, "quiet_start"),
        ({}, {"quiet_start": time(7), "quiet_end": time(7)}, "quiet_end"),
        ({}, {"digest": "hourly"}, "digest"),
    ],
)
def test_preferences_update_refuses_bad_input(student, matrix, kwargs, field):
    with pytest.raises(ValidationError) as info:
        _update(student, matrix, **kwargs)
    assert field in info.value.message_dict


def test_preferences_turning_digest_off_releases_waiting_email(
    student, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setitem(
        delivery_service.CHANNEL_SENDERS, Channel.EMAIL, lambda d: sent.append(d.pk) or f"m{d.pk}"
    )
    _update(student, digest="daily")
    with django_capture_on_commit_callbacks(execute=True):
        [n] = notify(
            recipients=[student],
            kind="announcements.general",
            context={"title": "T", "message": "M"},
        )
    delivery = Delivery.objects.get(notification=n, channel=Channel.EMAIL)
    assert delivery.status == Delivery.Status.DIGEST and sent == []

    with django_capture_on_commit_callbacks(execute=True):
        _update(student, digest="off")
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and sent == [delivery.pk]


# --- the site page -----------------------------------------------------------------------


BELL = "notifications.context_processors.bell"


@pytest.fixture
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


def test_preferences_page_shows_the_matrix(client, student, bell, django_assert_max_num_queries):
    client.force_login(student)
    client.get("/notifications/")  # the first request of a session records it (usersessions)
    with django_assert_max_num_queries(12):
        response = client.get("/notifications/preferences/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="announcements__email"' in html
    assert 'name="digest"' in html and 'type="time"' in html


def test_preferences_page_saves_choices(client, student):
    client.force_login(student)
    data = {f"{c}__{ch}": "on" for c in ("account", "learning") for ch in ("in_app", "email")}
    data.update({"quiet_start": "22:00", "quiet_end": "07:00", "digest": "weekly"})
    response = client.post("/notifications/preferences/", data)
    assert response.status_code == 302
    prefs = NotificationSettings.objects.get(user=student)
    assert (prefs.quiet_start, prefs.quiet_end, prefs.digest) == (time(22), time(7), "weekly")
    matrix = preference_matrix(user=student)
    assert matrix["account"] == {"in_app": True, "email": True, "sms": False, "push": False}
    assert matrix["announcements"] == {"in_app": False, "email": False, "sms": False, "push": False}
    assert "saved" in client.get("/notifications/preferences/").content.decode()


def test_preferences_page_keeps_typed_values_on_error(client, student):
    client.force_login(student)
    response = client.post(
        "/notifications/preferences/",
        {"announcements__sms": "on", "quiet_start": "22:30", "quiet_end": "", "digest": "daily"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Set both the start and the end of quiet hours" in html
    assert 'value="22:30"' in html
    assert 'name="announcements__sms" id="id_announcements__sms" checked' in html
    assert not NotificationSettings.objects.filter(user=student, digest="daily").exists()


def test_preferences_page_locks_transactional_categories(client, student, payments_security_kind):
    client.force_login(student)
    html = client.get("/notifications/preferences/").content.decode()
    assert 'name="payments__email" disabled id="id_payments__email" checked' in html
    assert "Always on" in html
    # a locked box left unticked (disabled inputs are not sent) stays on
    client.post("/notifications/preferences/", {"digest": "off"})
    assert preference_matrix(user=student)["payments"]["email"] is True


def test_preferences_page_needs_sign_in(client, db):
    response = client.get("/notifications/preferences/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the API -----------------------------------------------------------------------------

URL = "/api/v1/notification-preferences/"


def test_api_preferences_get_shape(student_api):
    body = student_api.get(URL).json()
    assert set(body) == {
        "matrix",
        "quiet_start",
        "quiet_end",
        "digest",
        "timezone",
        "categories",
        "channels",
    }
    assert body["matrix"]["announcements"]["email"] is True
    assert body["quiet_start"] is None and body["digest"] == "off"
    assert {"category": "account", "name": "Account and security", "locked_channels": []} in body[
        "categories"
    ]
    assert [c["channel"] for c in body["channels"]] == ["in_app", "email", "sms", "push"]


def test_api_preferences_put_replaces_everything(student_api, student):
    payload = {
        "matrix": {"announcements": {**ALL_ON, "email": False}},
        "quiet_start": "22:00",
        "quiet_end": "07:00",
        "digest": "daily",
    }
    response = student_api.put(URL, payload, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["matrix"]["announcements"] == {**ALL_ON, "email": False}
    assert (body["quiet_start"], body["quiet_end"], body["digest"]) == ("22:00", "07:00", "daily")
    # a second PUT without quiet hours removes them
    response = student_api.put(
        URL, {"matrix": {}, "quiet_start": None, "quiet_end": None, "digest": "off"}, format="json"
    )
    assert response.json()["quiet_start"] is None
    assert response.json()["matrix"]["announcements"]["email"] is True


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"matrix": {"gossip": {"email": True}}}, "matrix"),
        ({"matrix": {"account": {"fax": True}}}, "matrix"),
        ({"matrix": {"account": {"email": "maybe"}}}, "matrix"),
        ({"matrix": "all"}, "matrix"),
        ({"quiet_start": "25:00"}, "quiet_start"),
        ({"quiet_start": "7:05", "quiet_end": "22:00"}, "quiet_start"),
        ({"quiet_start": "22:00", "quiet_end": "07:00:00"}, "quiet_end"),
        ({"quiet_start": "22:00\n", "quiet_end": "07:00"}, "quiet_start"),
        ({"quiet_start": "00:00:00Z", "quiet_end": "07:00"}, "quiet_start"),
        ({"quiet_start": 2200, "quiet_end": "07:00"}, "quiet_start"),
        ({"quiet_start": "22:00", "quiet_end": None}, "quiet_end"),
        ({"digest": "hourly"}, "digest"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_api_preferences_put_bad_input_is_400_with_field_errors(student_api, payload, field):
    base = {"matrix": {}, "quiet_start": None, "quiet_end": None, "digest": "off"}
    response = student_api.put(URL, {**base, **payload}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"], body
    assert all(isinstance(m, str) for m in body["errors"][field])


def test_api_preferences_needs_auth(api_client, db):
    assert api_client.get(URL).status_code == 401
    assert api_client.put(URL, {}, format="json").status_code == 401


def test_api_preferences_schema_states_the_hh_mm_pattern(client):
    schema = client.get("/api/schema/?format=json").json()
    body = schema["components"]["schemas"]["NotificationPreferencesInRequest"]["properties"]
    for name in ("quiet_start", "quiet_end"):
        assert body[name]["pattern"] == "^([01]\\d|2[0-3]):[0-5]\\d$"
        assert body[name]["nullable"] is True and "format" not in body[name]
