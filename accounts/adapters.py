import hashlib
import math
import time
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from allauth.core.internal.httpkit import is_headless_request
from allauth.core.internal.ratelimit import get_cache_key, get_ip, get_rates
from allauth.headless.internal.restkit.response import APIResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import get_language

from accounts.selectors import FIRST_VISIT_SESSION_KEY

TOO_MANY_ATTEMPTS = "too_many_login_attempts"
ACCOUNT_LIMIT = "login_failed_account"
"""Wrong passwords for one account from addresses it has never signed in from."""
KNOWN_NETWORK_DAYS = 30


def _known_network_key(request: HttpRequest, email: str) -> str:
    return ":".join(
        ("login", "known", hashlib.sha256(email.lower().encode()).hexdigest(), get_ip(request))
    )


def login_network_remember(request: HttpRequest, *, email: str) -> None:
    """After a sign-in: this address is where the owner signs in from."""
    cache.set(_known_network_key(request, email), 1, timeout=KNOWN_NETWORK_DAYS * 86400)


def login_network_known(request: HttpRequest, *, email: str) -> bool:
    return bool(email) and cache.get(_known_network_key(request, email)) is not None


def login_retry_after(request: HttpRequest, *, limits: list[tuple[str, str]]) -> int:
    """Seconds until the (action, key) limits allow another attempt; the longest
    ``login_failed`` window when no key is known (the MFA step's)."""
    now = time.time()
    wait = 0.0
    longest = 60
    for action, key in limits or [("login_failed", "")]:
        for rate in get_rates(app="allauth.account", action=action):
            longest = max(longest, math.ceil(rate.duration))
            if not key or rate.per == "user":
                continue
            cache_key = get_cache_key(
                request, app="allauth.account", action=action, rate=rate, key=key
            )
            live = [t for t in cache.get(cache_key, []) if t > now - rate.duration]
            if len(live) >= rate.amount:
                wait = max(wait, min(live) + rate.duration - now)
    return max(1, math.ceil(wait)) if limits else longest


MFA_STAGE_PATH = "allauth.mfa.stages.AuthenticateStage"


def login_stages_before_mfa(stages: list[str], extra: list[str]) -> list[str]:
    """allauth's stage list with the ``extra`` stages right before the TOTP/WebAuthn stage
    (at the end when MFA is off)."""
    stages = [stage for stage in stages if stage not in extra]
    at = stages.index(MFA_STAGE_PATH) if MFA_STAGE_PATH in stages else len(stages)
    return [*stages[:at], *extra, *stages[at:]]


class AccountAdapter(DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        # Other apps' second factors (the SMS code of notifications) are named in settings.
        extra = list(getattr(settings, "KALPLA_LOGIN_STAGES_BEFORE_MFA", []))
        return login_stages_before_mfa(super().get_login_stages(), extra)

    def login(self, request: HttpRequest, user: Any) -> None:
        # Django sets last_login while signing in: whether this is the first one is known
        # only before, and the session it starts remembers it.
        first = user.last_login is None
        super().login(request, user)
        if first:
            request.session[FIRST_VISIT_SESSION_KEY] = True
        login_network_remember(request, email=user.email)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Kalpla's mail frame (notifications/email/base.html) names the language it is in.
        super().send_mail(template_prefix, email, {"LANGUAGE_CODE": get_language(), **context})

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts wrong passwords per account; with the client's address as well,
        # a stranger who knows the email locks out only their own address, not the owner.
        # (The per-address limit across accounts, login_failed "10/m/ip", still applies.)
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{get_ip(request)}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        email = str(credentials.get("email", "")).lower()
        self._login_limits = [
            ("login_failed", self._get_login_attempts_cache_key(request, **credentials))
        ]
        super().pre_authenticate(request, **credentials)
        # Many addresses guessing one account's password (a botnet): a cap per account, which
        # the owner, signing in from an address they signed in from before, does not hit.
        self._account_usage = None
        if email and not login_network_known(request, email=email):
            self._login_limits.append((ACCOUNT_LIMIT, email))
            self._account_usage = ratelimit.consume(
                request, app="allauth.account", action=ACCOUNT_LIMIT, key=email
            )
            if self._account_usage is None:
                self._rollback_login_failed_rl_usage()
                raise self.validation_error(TOO_MANY_ATTEMPTS)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        usage = getattr(self, "_account_usage", None)
        if user is not None and usage is not None:
            usage.rollback()
        return user

    def validation_error(self, code: str, *args: Any) -> ValidationError:
        request = context.request
        if code == TOO_MANY_ATTEMPTS and request is not None and is_headless_request(request):
            # The apps get what every throttled API answer is: 429 with Retry-After
            # (allauth would answer 400 with this error).
            raise ImmediateHttpResponse(self._too_many_attempts_response(request))
        return super().validation_error(code, *args)

    def _too_many_attempts_response(self, request: HttpRequest) -> APIResponse:
        error = super().validation_error(TOO_MANY_ATTEMPTS)
        response = APIResponse(
            request,
            errors=[{"message": error.message, "code": TOO_MANY_ATTEMPTS}],
            status=429,
        )
        retry = login_retry_after(request, limits=getattr(self, "_login_limits", []))
        response["Retry-After"] = str(retry)
        return response

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from accounts.services import user_signup_complete

            user_signup_complete(user=user, name=form.cleaned_data.get("name", ""))
        return user


class ProviderNotConfigured(SocialApp.DoesNotExist, Http404):
    """A sign-in provider without a client id in settings: its pages answer 404 (as allauth's
    OpenID Connect views already do), and allauth code catching DoesNotExist still does."""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(
        self, request: HttpRequest | None, provider: str, client_id: str | None = None
    ) -> SocialApp:
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise ProviderNotConfigured(f"No {provider} sign-in is configured.") from None

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        from accounts.services import user_signup_complete

        extra = sociallogin.account.extra_data or {}
        user_signup_complete(user=user, name=extra.get("name", "") or user.name)
        return user
