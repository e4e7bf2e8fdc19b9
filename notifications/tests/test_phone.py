"""Phone verification by SMS code: services, the site page and the API."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from kalpla.exceptions import ApplicationError, Conflict
from kalpla.models import OutboxMessage
from kalpla.testing.moto import moto_data
from notifications.models import PhoneNumber
from notifications.services import phone as svc

pytestmark = pytest.mark.django_db

PHONE = "+919876543210"
OTHER = "+14155550123"


def last_code(number: str = PHONE) -> str:
    message = OutboxMessage.objects.filter(channel="sms", to=number).order_by("-id").first()
    assert message is not None, "no SMS was sent"
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def age_code(user, seconds: int) -> None:
    """Pretend the last code was sent ``seconds`` ago."""
    PhoneNumber.objects.filter(user=user).update(
        code_sent_at=timezone.now() - timedelta(seconds=seconds)
    )


# --- services ------------------------------------------------------------------------------


def test_start_sends_a_code_by_sms_and_stores_only_a_hash():
    user = UserFactory()
    phone = svc.phone_start(user=user, number=PHONE)
    message = OutboxMessage.objects.get(channel="sms")
    assert message.to == PHONE
    assert message.data == {"sms_type": "Transactional"}
    code = last_code()
    assert "Kalpla" in message.body
    assert code not in phone.code_hash and len(phone.code_hash) == 64
    assert (phone.number, phone.is_verified, phone.code_attempts) == (PHONE, False, 0)


def test_the_code_sms_is_in_the_users_language():
    user = UserFactory(language="hi")
    svc.phone_start(user=user, number=PHONE)
    body = OutboxMessage.objects.get(channel="sms").body
    code = last_code()
    assert code in body
    # gettext falls back to English until the catalogue has the text; either way not mangled
    assert "%(" not in body


def test_verify_with_the_right_code():
    user = UserFactory()
    svc.phone_start(user=user, number=PHONE)
    phone = svc.phone_verify(user=user, code=last_code())
    assert phone.is_verified and phone.code_hash == ""
    with pytest.raises(ApplicationError) as info:
        svc.phone_verify(user=user, code=last_code())
    assert info.value.code == "no_code_requested" and isinstance(info.value, Conflict)


def test_wrong_code_counts_attempts_and_five_void_the_code():
    user = UserFactory()
    svc.phone_start(user=user, number=PHONE)
    code = last_code()
    for attempt in range(1, svc.MAX_ATTEMPTS):
        with pytest.raises(ApplicationError) as info:
            svc.phone_verify(user=user, code=wrong(code))
        assert info.value.code == "wrong_code"
        assert PhoneNumber.objects.get(user=user).code_attempts == attempt
    with pytest.raises(ApplicationError) as info:
        svc.phone_verify(user=user, code=wrong(code))
    assert info.value.code == "too_many_attempts"
    # even the right code no longer works: a new one is needed
    with pytest.raises(ApplicationError) as info:
        svc.phone_verify(user=user, code=code)
    assert info.value.code == "no_code_requested"
    assert not PhoneNumber.objects.get(user=user).is_verified
    age_code(user, svc.RESEND_SECONDS + 1)
    svc.phone_start(user=user, number=PHONE)
    assert svc.phone_verify(user=user, code=last_code()).is_verified


def test_one_code_per_minute():
    user = UserFactory()
    svc.phone_start(user=user, number=PHONE)
    with pytest.raises(svc.CodeThrottled) as info:
        svc.phone_start(user=user, number=PHONE)
    assert 0 < info.value.retry_after <= svc.RESEND_SECONDS
    with pytest.raises(svc.CodeThrottled):
        svc.phone_start(user=user, number=OTHER)  # another number does not get around it
    assert OutboxMessage.objects.count() == 1
    age_code(user, svc.RESEND_SECONDS + 1)
    svc.phone_resend(user=user)
    assert OutboxMessage.objects.count() == 2


def test_a_number_gets_only_a_few_codes_per_hour_whoever_asks():
    for _ in range(svc.NUMBER_CODES_PER_HOUR):
        svc.phone_start(user=UserFactory(), number=PHONE)
    with pytest.raises(svc.CodeThrottled):
        svc.phone_start(user=UserFactory(), number=PHONE)
    assert OutboxMessage.objects.count() == svc.NUMBER_CODES_PER_HOUR


def test_expired_code():
    user = UserFactory()
    svc.phone_start(user=user, number=PHONE)
    code = last_code()
    age_code(user, int(svc.CODE_TTL.total_seconds()) + 1)
    with pytest.raises(ApplicationError) as info:
        svc.phone_verify(user=user, code=code)
    assert info.value.code == "code_expired" and isinstance(info.value, Conflict)


@pytest.mark.parametrize("number", ["9876543210", "+0123", "phone", ""])
def test_invalid_numbers_are_refused(number):
    with pytest.raises(ValidationError):
        svc.phone_start(user=UserFactory(), number=number)
    assert not OutboxMessage.objects.exists()


def test_a_new_number_replaces_the_verified_one_and_turns_sms_mfa_off():
    user = UserFactory()
    PhoneNumber.objects.create(
        user=user, number=PHONE, verified_at=timezone.now(), sms_mfa_enabled=True
    )
    with pytest.raises(ApplicationError) as info:
        svc.phone_start(user=user, number=PHONE)
    assert info.value.code == "already_verified" and isinstance(info.value, Conflict)
    phone = svc.phone_start(user=user, number=OTHER)
    assert (phone.number, phone.is_verified, phone.sms_mfa_enabled) == (OTHER, False, False)
    assert svc.phone_verified_get(user=user) is None
    # the code was for the new number only
    assert svc.phone_verify(user=user, code=last_code(OTHER)).number == OTHER


def test_sms_mfa_needs_a_verified_number():
    user = UserFactory()
    svc.phone_start(user=user, number=PHONE)
    with pytest.raises(ApplicationError) as info:
        svc.phone_sms_mfa_set(user=user, enabled=True)
    assert info.value.code == "phone_not_verified" and isinstance(info.value, Conflict)
    svc.phone_verify(user=user, code=last_code())
    assert svc.phone_sms_mfa_set(user=user, enabled=True).sms_mfa_enabled


def test_code_sms_through_sns_on_moto(aws):
    user = UserFactory()
    svc.phone_start(user=user, number=PHONE)
    [sms] = moto_data(aws)["sns"]["SMS"]
    assert sms["phone_number"] == PHONE
    code = re.search(r"\b(\d{6})\b", sms["message"]).group(1)
    assert svc.phone_verify(user=user, code=code).is_verified


# --- the site page -------------------------------------------------------------------------


def test_phone_page_needs_sign_in(client):
    response = client.get("/notifications/phone/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_phone_page_flow(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get("/notifications/phone/")
    assert page.status_code == 200 and 'name="phone-number"' in page.content.decode()
    # a bad number is a form error
    bad = client.post("/notifications/phone/", {"action": "start", "phone-number": "12345"})
    assert bad.status_code == 200 and "international format" in bad.content.decode()
    # enter number -> code page
    response = client.post("/notifications/phone/", {"action": "start", "phone-number": PHONE})
    assert response.status_code == 302
    page = client.get("/notifications/phone/").content.decode()
    assert 'name="verify-code"' in page and PHONE in page
    # a wrong code is a form error
    wrong_code = wrong(last_code())
    bad = client.post("/notifications/phone/", {"action": "verify", "verify-code": wrong_code})
    assert bad.status_code == 200 and "not right" in bad.content.decode()
    # the right code verifies
    client.post("/notifications/phone/", {"action": "verify", "verify-code": last_code()})
    page = client.get("/notifications/phone/").content.decode()
    assert "Verified" in page and "Use SMS codes at sign-in" in page
    assert PhoneNumber.objects.get(user=user).is_verified


def test_turning_sms_sign_in_codes_on_asks_for_the_password_again(client):
    user = UserFactory()
    PhoneNumber.objects.create(user=user, number=PHONE, verified_at=timezone.now())
    client.force_login(user)  # no recent password entry in this session
    response = client.post("/notifications/phone/sms-sign-in/", {"enabled": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not PhoneNumber.objects.get(user=user).sms_mfa_enabled
    # after confirming the password, the suspended request is carried out
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    assert PhoneNumber.objects.get(user=user).sms_mfa_enabled
    # turning it off again within the reauthentication window works at once
    client.post("/notifications/phone/sms-sign-in/", {"enabled": "0"})
    assert not PhoneNumber.objects.get(user=user).sms_mfa_enabled


def test_removing_the_number(client):
    user = UserFactory()
    PhoneNumber.objects.create(user=user, number=PHONE, verified_at=timezone.now())
    client.force_login(user)
    response = client.post("/notifications/phone/remove/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert PhoneNumber.objects.filter(user=user).exists()
    client.post(response["Location"], {"password": PASSWORD})
    assert not PhoneNumber.objects.filter(user=user).exists()


# --- the API -------------------------------------------------------------------------------


def test_api_phone_flow(student_api, student):
    empty = student_api.get("/api/v1/me/phone/")
    assert empty.status_code == 200
    assert empty.json() == {
        "number": None,
        "verified": False,
        "verified_at": None,
        "sms_mfa_enabled": False,
        "code_sent_at": None,
        "resend_after": 0,
    }
    started = student_api.post("/api/v1/me/phone/", {"number": PHONE})
    assert started.status_code == 200
    assert started.json()["number"] == PHONE and started.json()["verified"] is False
    assert 0 < started.json()["resend_after"] <= 60
    assert started.json()["code_sent_at"].endswith("Z")
    # too soon: 429 with Retry-After
    again = student_api.post("/api/v1/me/phone/", {"number": PHONE})
    assert again.status_code == 429
    assert again.json()["code"] == "throttled"
    assert 0 < int(again["Retry-After"]) <= 60
    # wrong code
    bad = student_api.post("/api/v1/me/phone/verify/", {"code": wrong(last_code())})
    assert bad.status_code == 400
    assert bad.json()["code"] == "wrong_code" and "code" in bad.json()["errors"]
    # right code
    ok = student_api.post("/api/v1/me/phone/verify/", {"code": last_code()})
    assert ok.status_code == 200 and ok.json()["verified"] is True
    # SMS sign-in codes
    on = student_api.patch("/api/v1/me/phone/", {"sms_mfa_enabled": True})
    assert on.status_code == 200 and on.json()["sms_mfa_enabled"] is True
    # remove
    assert student_api.delete("/api/v1/me/phone/").status_code == 204
    assert student_api.get("/api/v1/me/phone/").json()["number"] is None
    assert student_api.delete("/api/v1/me/phone/").status_code == 204


def test_api_phone_validation_errors(student_api):
    bad = student_api.post("/api/v1/me/phone/", {"number": "12345"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert "international format" in bad.json()["errors"]["number"][0]
    unknown = student_api.post("/api/v1/me/phone/", {"number": PHONE, "extra": 1})
    assert unknown.status_code == 400 and "extra" in unknown.json()["errors"]


@pytest.mark.parametrize(
    "number", ["+91 98765 43210", " +919876543210", "+919876543210\n", "+123456", "+0123456789"]
)
def test_api_phone_number_is_e164_exactly_as_the_schema_states(student_api, number):
    # the pattern the schema states: +, a country code and the number, 7 to 15 digits
    response = student_api.post("/api/v1/me/phone/", {"number": number}, format="json")
    assert response.status_code == 400 and "number" in response.json()["errors"]
    assert not OutboxMessage.objects.exists()


def test_api_phone_number_as_a_json_number_is_refused(student_api):
    response = student_api.post("/api/v1/me/phone/", {"number": 919876543210}, format="json")
    assert response.status_code == 400 and "number" in response.json()["errors"]


def test_api_phone_state_conflicts_are_409(student_api):
    # no number yet
    off = student_api.patch("/api/v1/me/phone/", {"sms_mfa_enabled": False})
    assert off.status_code == 409 and off.json()["code"] == "phone_missing"
    no_code = student_api.post("/api/v1/me/phone/verify/", {"code": "123456"})
    assert no_code.status_code == 409 and no_code.json()["code"] == "no_code_requested"
    # a number, not verified yet
    assert student_api.post("/api/v1/me/phone/", {"number": PHONE}).status_code == 200
    mfa = student_api.patch("/api/v1/me/phone/", {"sms_mfa_enabled": True})
    assert mfa.status_code == 409 and mfa.json()["code"] == "phone_not_verified"
    assert student_api.post("/api/v1/me/phone/verify/", {"code": last_code()}).status_code == 200
    # verified: the same number again
    PhoneNumber.objects.filter(number=PHONE).update(
        code_sent_at=timezone.now() - timedelta(seconds=svc.RESEND_SECONDS + 1)
    )
    again = student_api.post("/api/v1/me/phone/", {"number": PHONE})
    assert again.status_code == 409 and again.json()["code"] == "already_verified"


def test_schema_documents_the_phone_conflicts(client):
    schema = client.get("/api/schema/?format=json").json()
    phone = schema["paths"]["/api/v1/me/phone/"]
    assert "409" in phone["patch"]["responses"] and "409" in phone["post"]["responses"]
    assert "409" in schema["paths"]["/api/v1/me/phone/verify/"]["post"]["responses"]
    number = schema["components"]["schemas"]["PhoneStartInRequest"]["properties"]["number"]
    assert number["pattern"] == r"^\+[1-9]\d{6,14}$"


def test_api_phone_needs_credentials(api_client, db):
    for method in ("get", "post", "delete"):
        response = getattr(api_client, method)("/api/v1/me/phone/")
        assert response.status_code == 401
    assert api_client.post("/api/v1/me/phone/verify/", {"code": "1"}).status_code == 401


def test_allauths_own_phone_endpoint_points_to_ours_instead_of_crashing(client):
    # allauth's headless /account/phone needs allauth phone support Kalpla does not use
    client.force_login(UserFactory())
    app = {"X-Session-Token": client.session.session_key}
    for url, headers in (
        ("/_allauth/app/v1/account/phone", app),
        ("/_allauth/browser/v1/account/phone", {}),
    ):
        read = client.get(url, headers=headers)
        change = client.post(
            url, {"phone": "+919800000000"}, content_type="application/json", headers=headers
        )
        for response in (read, change):
            assert response.status_code == 404
            assert "/api/v1/me/phone/" in response.json()["errors"][0]["message"]
