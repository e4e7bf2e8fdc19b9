"""SMS codes as a second factor at sign-in: the site flow end to end, and the headless app."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import include, path
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.mfa import totp_now
from kalpla import urls as kalpla_urls
from kalpla.models import OutboxMessage
from kalpla.testing.moto import moto_data
from notifications import mfa
from notifications.models import PhoneNumber

pytestmark = pytest.mark.django_db

PHONE = "+919876543210"
SMS_PAGE = "/notifications/sms-code/"
APP = "/_allauth/app/v1"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# The headless endpoint, mounted as kalpla/urls.py should mount it (see notifications.mfa).
urlpatterns = [path("_allauth/", include(mfa.headless_urlpatterns)), *kalpla_urls.urlpatterns]


@pytest.fixture
def sms_user():
    user = UserFactory()
    PhoneNumber.objects.create(
        user=user, number=PHONE, verified_at=timezone.now(), sms_mfa_enabled=True
    )
    return user


def codes_sent() -> list[str]:
    bodies = OutboxMessage.objects.filter(channel="sms", to=PHONE).order_by("id")
    return [re.search(r"\b(\d{6})\b", m.body).group(1) for m in bodies]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def password_login(client, user):
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def signed_in(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


# --- the stage list ------------------------------------------------------------------------


def test_sms_stage_goes_right_before_the_mfa_stage():
    from allauth.account.adapter import get_adapter

    stages = get_adapter().get_login_stages()
    sms = f"{mfa.SmsCodeStage.__module__}.{mfa.SmsCodeStage.__qualname__}"
    assert stages.count(sms) == 1
    assert stages.index(sms) + 1 == stages.index("allauth.mfa.stages.AuthenticateStage")


# --- the site ------------------------------------------------------------------------------


def test_password_then_sms_code_signs_in(client, sms_user):
    # when the password is right
    response = password_login(client, sms_user)
    # then a code is texted and the session is not signed in yet
    assert response.status_code == 302 and response["Location"] == SMS_PAGE
    assert not signed_in(client, sms_user)
    [code] = codes_sent()
    page = client.get(SMS_PAGE)
    assert page.status_code == 200
    assert "3210" in page.content.decode() and PHONE not in page.content.decode()
    # a wrong code is a form error
    bad = client.post(SMS_PAGE, {"code": wrong(code)})
    assert bad.status_code == 200
    assert bad.context["form"].errors["code"] == ["That code is not right."]
    assert not signed_in(client, sms_user)
    # the right code signs in
    response = client.post(SMS_PAGE, {"code": code})
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client, sms_user)
    methods = [r["method"] for r in client.session["account_authentication_methods"]]
    assert methods == ["password", "mfa"]


def test_code_through_sns_on_moto(client, sms_user, aws):
    password_login(client, sms_user)
    [sms] = moto_data(aws)["sns"]["SMS"]
    assert sms["phone_number"] == PHONE
    code = re.search(r"\b(\d{6})\b", sms["message"]).group(1)
    client.post(SMS_PAGE, {"code": code})
    assert signed_in(client, sms_user)


def test_five_wrong_codes_start_over(client, sms_user):
    password_login(client, sms_user)
    [code] = codes_sent()
    for _ in range(mfa.MAX_ATTEMPTS - 1):
        assert client.post(SMS_PAGE, {"code": wrong(code)}).status_code == 200
    response = client.post(SMS_PAGE, {"code": wrong(code)})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    # the sign-in is gone: even the right code does nothing now
    response = client.post(SMS_PAGE, {"code": code})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert not signed_in(client, sms_user)
    # signing in again sends a new code that works
    password_login(client, sms_user)
    client.post(SMS_PAGE, {"code": codes_sent()[-1]})
    assert signed_in(client, sms_user)


def test_new_code_at_most_once_a_minute_and_the_old_one_stops_working(
    client, sms_user, monkeypatch
):
    password_login(client, sms_user)
    client.post(SMS_PAGE, {"action": "send"})
    assert len(codes_sent()) == 1  # too soon
    later = mfa.time.time() + mfa.RESEND_SECONDS + 1
    monkeypatch.setattr(mfa.time, "time", lambda: later)
    client.post(SMS_PAGE, {"action": "send"})
    old, new = codes_sent()
    client.post(SMS_PAGE, {"code": old})
    assert not signed_in(client, sms_user)
    client.post(SMS_PAGE, {"code": new})
    assert signed_in(client, sms_user)


def test_cancel_goes_back_to_sign_in(client, sms_user):
    password_login(client, sms_user)
    response = client.post(SMS_PAGE, {"action": "cancel"})
    assert response["Location"] == "/accounts/login/"
    assert client.get(SMS_PAGE)["Location"] == "/accounts/login/"


def test_users_without_sms_sign_in_are_not_asked(client):
    user = UserFactory()
    PhoneNumber.objects.create(user=user, number=PHONE, verified_at=timezone.now())
    response = password_login(client, user)
    assert response["Location"] == "/"
    assert signed_in(client, user)
    assert codes_sent() == []
    assert client.get(SMS_PAGE).status_code == 302


def test_an_unverified_number_is_never_a_second_factor(client):
    user = UserFactory()
    PhoneNumber.objects.create(user=user, number=PHONE, sms_mfa_enabled=True)
    password_login(client, user)
    assert signed_in(client, user)
    assert codes_sent() == []


def test_with_totp_too_the_user_chooses_the_app(client, sms_user):
    TOTP.activate(sms_user, TOTP_SECRET)
    response = password_login(client, sms_user)
    assert response["Location"] == SMS_PAGE
    page = client.get(SMS_PAGE).content.decode()
    assert "Use my authenticator app" in page and "Text a code to" in page
    assert codes_sent() == []  # nothing texted until asked for
    response = client.post(SMS_PAGE, {"action": "use_app"})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    client.post("/accounts/2fa/authenticate/", {"code": totp_now(TOTP_SECRET)})
    assert signed_in(client, sms_user)


def test_with_totp_too_the_user_chooses_sms(client, sms_user):
    TOTP.activate(sms_user, TOTP_SECRET)
    password_login(client, sms_user)
    response = client.post(SMS_PAGE, {"action": "send"})
    assert response["Location"] == SMS_PAGE
    [code] = codes_sent()
    assert "Use my authenticator app instead" in client.get(SMS_PAGE).content.decode()
    response = client.post(SMS_PAGE, {"code": code})
    # the SMS code was the second factor: no TOTP page after it
    assert response["Location"] == "/"
    assert signed_in(client, sms_user)


def test_totp_only_users_still_get_allauths_page(client):
    user = UserFactory()
    TOTP.activate(user, TOTP_SECRET)
    assert password_login(client, user)["Location"] == "/accounts/2fa/authenticate/"


# --- the headless app API ------------------------------------------------------------------


def app_login(client, user):
    return client.post(
        f"{APP}/auth/login",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )


@pytest.mark.urls(__name__)
def test_app_sign_in_with_an_sms_code(client, sms_user):
    response = app_login(client, sms_user)
    assert response.status_code == 401
    flows = response.json()["data"]["flows"]
    assert {"id": "sms_code", "is_pending": True} in flows
    pending = response.json()["meta"]["session_token"]
    assert client.get("/api/v1/me/", headers={"X-Session-Token": pending}).status_code == 401
    [code] = codes_sent()
    bad = client.post(
        f"{APP}/auth/2fa/sms",
        {"code": wrong(code)},
        content_type="application/json",
        headers={"X-Session-Token": pending},
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["param"] == "code"
    ok = client.post(
        f"{APP}/auth/2fa/sms",
        {"code": code},
        content_type="application/json",
        headers={"X-Session-Token": pending},
    )
    assert ok.status_code == 200
    token = ok.json()["meta"]["session_token"]
    me = client.get("/api/v1/me/", headers={"X-Session-Token": token})
    assert me.status_code == 200 and me.json()["email"] == sms_user.email


@pytest.mark.urls(__name__)
def test_app_sms_endpoint_without_a_pending_sign_in_is_401(client, sms_user):
    response = client.post(
        f"{APP}/auth/2fa/sms", {"code": "123456"}, content_type="application/json"
    )
    assert response.status_code == 401


@pytest.mark.urls(__name__)
def test_app_users_with_totp_are_asked_for_totp(client, sms_user):
    TOTP.activate(sms_user, TOTP_SECRET)
    response = app_login(client, sms_user)
    flows = response.json()["data"]["flows"]
    assert any(f["id"] == "mfa_authenticate" and f.get("is_pending") for f in flows)
    assert codes_sent() == []


def _app(client, method: str, token: str, body: dict | None = None):
    headers = {"X-Session-Token": token}
    if method == "get":
        return client.get(f"{APP}/auth/2fa/sms", headers=headers)
    return client.post(
        f"{APP}/auth/2fa/sms", body or {}, content_type="application/json", headers=headers
    )


@pytest.mark.urls(__name__)
def test_app_users_with_totp_may_sign_in_with_sms_instead(client, sms_user):
    TOTP.activate(sms_user, TOTP_SECRET)
    response = app_login(client, sms_user)
    assert response.status_code == 401
    pending = response.json()["meta"]["session_token"]
    offer = _app(client, "get", pending)
    assert offer.status_code == 200
    assert offer.json()["data"] == {"number": "+91••••••••10", "code_sent": False, "resend_wait": 0}
    assert codes_sent() == []  # nothing is texted until the app asks

    sent = _app(client, "post", pending, {"resend": True})
    assert sent.status_code == 401  # still signing in: mfa_authenticate pending
    flows = sent.json()["data"]["flows"]
    assert any(f["id"] == "mfa_authenticate" and f.get("is_pending") for f in flows)
    [code] = codes_sent()
    assert _app(client, "get", pending).json()["data"]["code_sent"] is True

    bad = _app(client, "post", pending, {"code": wrong(code)})
    assert bad.status_code == 400 and bad.json()["errors"][0]["param"] == "code"
    ok = _app(client, "post", pending, {"code": code})
    assert ok.status_code == 200
    token = ok.json()["meta"]["session_token"]
    me = client.get("/api/v1/me/", headers={"X-Session-Token": token})
    assert me.status_code == 200 and me.json()["email"] == sms_user.email


@pytest.mark.urls(__name__)
def test_app_users_with_totp_only_get_no_sms_offer(client):
    user = UserFactory()
    TOTP.activate(user, TOTP_SECRET)
    pending = app_login(client, user).json()["meta"]["session_token"]
    assert _app(client, "get", pending).status_code == 401
    assert _app(client, "post", pending, {"resend": True}).status_code == 401
    assert codes_sent() == []


@pytest.mark.urls(__name__)
def test_app_sms_only_users_see_the_offer_with_the_code_already_sent(client, sms_user):
    pending = app_login(client, sms_user).json()["meta"]["session_token"]
    data = _app(client, "get", pending).json()["data"]
    assert data["code_sent"] is True and data["resend_wait"] > 0


@pytest.mark.urls(__name__)
def test_app_users_offered_sms_can_still_use_their_authenticator(client, sms_user):
    TOTP.activate(sms_user, TOTP_SECRET)
    pending = app_login(client, sms_user).json()["meta"]["session_token"]
    _app(client, "post", pending, {"resend": True})  # asked for a text, then used the app
    response = client.post(
        f"{APP}/auth/2fa/authenticate",
        {"code": totp_now(TOTP_SECRET)},
        content_type="application/json",
        headers={"X-Session-Token": pending},
    )
    assert response.status_code == 200
    token = response.json()["meta"]["session_token"]
    assert client.get("/api/v1/me/", headers={"X-Session-Token": token}).status_code == 200
