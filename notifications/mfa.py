"""SMS codes as a second factor at sign-in, as an allauth login stage.

allauth 65 runs a login through the stages its account adapter lists
(``DefaultAccountAdapter.get_login_stages()``: login by code, phone and email verification,
then ``allauth.mfa.stages.AuthenticateStage`` for TOTP/WebAuthn). ``SmsCodeStage`` is named in
``settings.KALPLA_LOGIN_STAGES_BEFORE_MFA``, which the account adapter puts right before the MFA
stage (accounts sits below notifications and does not import it).

The stage applies to users with a verified phone and ``sms_mfa_enabled``:

- SMS only: the code is sent at once and the user enters it at /notifications/sms-code/.
- SMS and an authenticator app: /notifications/sms-code/ first asks which to use; choosing the
  app continues to allauth's TOTP page, a correct SMS code skips it.

The headless API (mobile apps) shows the pending flow ``sms_code`` in its 401 answer; the app
posts the code to ``/_allauth/{client}/v1/auth/2fa/sms`` (``headless_urlpatterns``). A user who
also has an authenticator app gets allauth's ``mfa_authenticate`` flow (the app's usual 2FA
screen); SMS stays on offer there: ``GET .../auth/2fa/sms`` says whether it is (and to which
masked number), ``POST {"resend": true}`` texts a code and ``POST {"code": ...}`` signs in with
it instead of the authenticator code.
"""

import time
from typing import Any

from allauth.account.internal.flows.login import record_authentication
from allauth.account.internal.stagekit import clear_login, stash_login
from allauth.account.stages import LoginStage, LoginStageController
from allauth.core.internal.httpkit import headed_redirect_response, is_headless_request
from allauth.headless.base.response import AuthenticationResponse, UnauthorizedResponse
from allauth.headless.base.views import APIView, AuthenticationStageAPIView
from allauth.headless.constants import Client
from allauth.headless.internal.restkit import inputs
from allauth.headless.internal.restkit.response import APIResponse
from allauth.mfa.internal.flows import trust
from allauth.mfa.models import Authenticator
from allauth.mfa.stages import AuthenticateStage
from allauth.mfa.utils import is_mfa_enabled
from allauth.mfa.webauthn.internal.flows import did_use_passwordless_login
from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalpla.exceptions import ApplicationError
from notifications.services.phone import (
    CODE_LENGTH,
    CODE_TTL,
    MAX_ATTEMPTS,
    RESEND_SECONDS,
    CodeThrottled,
    code_generate,
    code_hash,
    code_matches,
    number_quota_take,
    phone_verified_get,
    sms_code_send,
)

SMS_STAGE_KEY = "sms_code"
MAX_SENDS = 5  # per sign-in attempt
MFA_CODES_PER_HOUR = 10  # per number, whatever the sign-in attempts
SMS_TEXT = gettext_lazy(
    "Your Kalpla sign-in code is %(code)s. It expires in %(minutes)d minutes. "
    "Do not share it with anyone."
)


def has_app_authenticator(user: Any) -> bool:
    return bool(is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]))


class SmsCodeStage(LoginStage):
    key = SMS_STAGE_KEY
    urlname = "notifications:sms_code"

    def handle(self) -> tuple[HttpResponse | None, bool]:
        user = self.login.user
        if user is None or not self._should_handle(user):
            return None, True
        phone = phone_verified_get(user=user)
        if phone is None or not phone.sms_mfa_enabled:
            return None, True
        both = has_app_authenticator(user)
        if both and is_headless_request(self.request):
            # The app's 2FA screen (allauth's MFA stage) asks next; SMS stays on offer there.
            self.state.update(
                {"alternative": True, "number": phone.number, "sends": 0, "attempts": 0}
            )
            return None, True
        self.state.update(
            {"required": True, "number": phone.number, "choose": both, "sends": 0, "attempts": 0}
        )
        if not both:
            try:
                sms_login_code_send(self, persist=False)
            except ApplicationError as exc:
                # The page offers "send again"; it shows why the first send failed.
                self.state["send_error"] = exc.message
        return headed_redirect_response(self.urlname), True

    def _should_handle(self, user: Any) -> bool:
        # Same exemptions as allauth's TOTP stage: passkey sign-in is already two factors.
        if did_use_passwordless_login(self.request, user):
            return False
        return not trust.is_trusted_browser(self.request, user)


# --- the stage's steps (used by the site page and the headless endpoint) -------------------


def sms_login_resend_wait(stage: LoginStage) -> int:
    sent_at = stage.state.get("sent_at")
    if not sent_at:
        return 0
    return max(0, int(RESEND_SECONDS - (time.time() - float(sent_at)) + 0.999))


def sms_login_code_send(stage: LoginStage, *, persist: bool = True) -> None:
    """Text a new sign-in code (the previous one stops working). Raises CodeThrottled or
    ApplicationError (SMS down)."""
    user = stage.login.user
    assert user is not None
    if wait := sms_login_resend_wait(stage):
        raise CodeThrottled(
            _("Please wait %(seconds)d seconds before asking for a new code.") % {"seconds": wait},
            retry_after=wait,
        )
    if int(stage.state.get("sends", 0)) >= MAX_SENDS:
        raise ApplicationError(
            _("Too many codes were sent. Please sign in again."), code="too_many_codes"
        )
    number = str(stage.state["number"])
    number_quota_take(number, purpose="mfa", limit=MFA_CODES_PER_HOUR)
    code = code_generate()
    sms_code_send(user=user, number=number, code=code, text=SMS_TEXT)
    stage.state.update(
        {
            "code_hash": code_hash(purpose="mfa", user_id=user.pk, target=number, code=code),
            "sent_at": time.time(),
            "sends": int(stage.state.get("sends", 0)) + 1,
            "attempts": 0,
            "choose": False,
        }
    )
    stage.state.pop("send_error", None)
    if persist:
        stash_login(stage.request, stage.login)


def sms_login_code_check(stage: LoginStage, code: str) -> None:
    """Accept the code or raise ApplicationError: ``wrong_code``, ``code_expired``, or
    ``too_many_attempts`` (the sign-in is cancelled: start over)."""
    user = stage.login.user
    assert user is not None
    sent_at = float(stage.state.get("sent_at") or 0)
    if not stage.state.get("code_hash"):
        raise ApplicationError(_("Ask for a code first."), code="no_code")
    if time.time() - sent_at > CODE_TTL.total_seconds():
        raise ApplicationError(_("The code has expired. Ask for a new one."), code="code_expired")
    if code_matches(
        expected_hash=str(stage.state["code_hash"]),
        purpose="mfa",
        user_id=user.pk,
        target=str(stage.state["number"]),
        code=code,
    ):
        return
    stage.state["attempts"] = int(stage.state.get("attempts", 0)) + 1
    if stage.state["attempts"] >= MAX_ATTEMPTS:
        clear_login(stage.request)
        raise ApplicationError(
            _("Too many wrong codes. Please sign in again."), code="too_many_attempts"
        )
    stash_login(stage.request, stage.login)
    raise ApplicationError(_("That code is not right."), code="wrong_code")


def sms_login_complete(stage: LoginStage) -> HttpResponse:
    """The code was right: this is the second factor, so the TOTP stage is not asked."""
    user = stage.login.user
    stage.state.pop("code_hash", None)
    stage.controller.set_handled(AuthenticateStage.key)
    record_authentication(stage.request, user, method="mfa", type="sms")
    return stage.exit()


def sms_login_use_app(stage: LoginStage) -> HttpResponse:
    """Skip SMS: allauth's MFA stage asks for the authenticator app's code next."""
    if not has_app_authenticator(stage.login.user):
        raise ApplicationError(_("You have no authenticator app set up."), code="no_app")
    stage.state.pop("code_hash", None)
    return stage.exit()


# --- headless (mobile apps) ----------------------------------------------------------------


class SmsCodeInput(inputs.Input):
    code = forms.CharField(required=False, max_length=16)
    resend = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.stage: LoginStage = kwargs.pop("stage")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            if data.get("resend"):
                sms_login_code_send(self.stage)
            else:
                if not data.get("code"):
                    raise ApplicationError(
                        _("Enter the %(length)d-digit code.") % {"length": CODE_LENGTH},
                        code="required",
                    )
                sms_login_code_check(self.stage, data["code"])
        except ApplicationError as exc:
            field = None if data.get("resend") else "code"
            self.add_error(field, forms.ValidationError(exc.message, code=exc.code))
        return data


def _masked(number: str) -> str:
    return number[:3] + "•" * max(0, len(number) - 5) + number[-2:]


class SmsCodeHeadlessView(AuthenticationStageAPIView):
    """POST ``{"code": "123456"}`` (or ``{"resend": true}``) while the flow ``sms_code`` is
    pending, or while ``mfa_authenticate`` is pending for a user who may use SMS instead.
    Answers like allauth's ``/auth/2fa/authenticate``. GET says whether SMS is on offer."""

    input_class = {"POST": SmsCodeInput}
    stage_class = SmsCodeStage

    def handle(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        stage = LoginStageController.enter(request, SmsCodeStage.key)
        if stage is None:
            pending = LoginStageController.enter(request, AuthenticateStage.key)
            alternative = pending.controller.get_stage(SMS_STAGE_KEY) if pending else None
            if alternative is not None and alternative.state.get("alternative"):
                stage = alternative
        if stage is None:
            return UnauthorizedResponse(request)
        self.stage = stage
        return APIView.handle(self, request, *args, **kwargs)

    def get_input_kwargs(self) -> dict[str, Any]:
        return {"stage": self.stage}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return APIResponse(
            request,
            data={
                "number": _masked(str(self.stage.state.get("number", ""))),
                "code_sent": bool(self.stage.state.get("code_hash")),
                "resend_wait": sms_login_resend_wait(self.stage),
            },
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.input.cleaned_data.get("resend"):
            sms_login_complete(self.stage)  # leaves the stage, like respond_next_stage()
        # 200 when signed in, else 401 listing the flow still pending (sms_code after a resend).
        return AuthenticationResponse(request)


class PhoneElsewhereHeadlessView(APIView):
    """allauth's own phone endpoint (``/account/phone``) crashes without allauth phone
    support in the account adapter. Kalpla keeps numbers in this app instead, so the
    endpoint answers 404 pointing there (``/api/v1/me/phone/``)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        message = _("Phone numbers are managed at /api/v1/me/phone/.")
        return APIResponse(request, errors=[{"message": message, "code": "not_found"}], status=404)


headless_urlpatterns: list[URLPattern] = [
    path(
        f"{client.value}/v1/auth/2fa/sms",
        SmsCodeHeadlessView.as_api_view(client=client),
        name=f"headless_{client.value}_sms_code",
    )
    for client in (Client.APP, Client.BROWSER)
] + [
    # before allauth's own route of the same path (kalpla/urls.py includes these first)
    path(
        f"{client.value}/v1/account/phone",
        PhoneElsewhereHeadlessView.as_api_view(client=client),
        name=f"headless_{client.value}_phone",
    )
    for client in (Client.APP, Client.BROWSER)
]
