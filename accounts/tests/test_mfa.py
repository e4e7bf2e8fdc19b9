import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

from accounts.tests.factories import PASSWORD
from accounts.tests.mfa import totp_now

pytestmark = pytest.mark.django_db


def _password_login(client, user):
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def test_totp_enrolment_through_the_site(client, student):
    # given a signed-in student, asked to confirm their password before changing security
    _password_login(client, student)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "data:image/svg+xml" in body  # the QR code
    secret = page.context["form"].secret
    assert re.fullmatch(r"[A-Z2-7]+", secret)
    # a wrong code is refused with a form error
    bad = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert bad.status_code == 200 and bad.context["form"].errors
    # the right code activates TOTP and offers recovery codes
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_now(secret)})
    assert response.status_code == 302
    types = set(Authenticator.objects.filter(user=student).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert client.get("/accounts/2fa/recovery-codes/").status_code == 200


@pytest.fixture
def totp_student(student):
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(student, secret)
    codes = RecoveryCodes.activate(student)
    return student, secret, codes


def test_login_with_totp_code(client, totp_student):
    user, secret, _codes = totp_student
    response = _password_login(client, user)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    bad = client.post("/accounts/2fa/authenticate/", {"code": "123456"})
    assert bad.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_now(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_recovery_code_once(client, totp_student):
    user, _secret, codes = totp_student
    code = codes.get_unused_codes()[0]
    _password_login(client, user)
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    # the same recovery code does not work twice
    client.logout()
    _password_login(client, user)
    again = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert again.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_stages_before_mfa_puts_the_extra_stages_right_before_the_mfa_stage():
    from accounts.adapters import login_stages_before_mfa

    stages = [
        "allauth.account.stages.EmailVerificationStage",
        "allauth.mfa.stages.AuthenticateStage",
        "allauth.mfa.stages.TrustStage",
    ]
    extra = ["notifications.mfa.SmsCodeStage"]
    expected = [stages[0], *extra, *stages[1:]]
    assert login_stages_before_mfa(stages, extra) == expected
    assert login_stages_before_mfa(expected, extra) == expected  # calling twice changes nothing
    assert login_stages_before_mfa(stages[:1], extra) == [stages[0], *extra]
