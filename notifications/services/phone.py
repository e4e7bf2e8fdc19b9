"""Phone numbers: verified by a code sent by SMS before any SMS notification or SMS sign-in
code goes to them.

Codes are six digits, valid for CODE_TTL, stored only as an HMAC bound to the user and number,
one per RESEND_SECONDS per user (and a few per number per hour, whoever asks: no SMS bombing
through many accounts), MAX_ATTEMPTS wrong tries and the code is void. The code SMS goes out at
once through the messaging integration (transactional), not through notify(): it is part of a
form the user is filling in.
"""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalpla.exceptions import ApplicationError, Conflict, Throttled, Unavailable
from kalpla.integrations.base import TransientIntegrationError
from kalpla.integrations.sns import get_messenger, validate_phone
from notifications.models import PhoneNumber

CODE_LENGTH = 6
CODE_TTL = timedelta(minutes=10)
RESEND_SECONDS = 60
MAX_ATTEMPTS = 5
NUMBER_CODES_PER_HOUR = 5


class CodeThrottled(Throttled):
    """Asked for a new code too soon; ``retry_after`` says when the next one may be sent."""


def code_generate() -> str:
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def code_hash(*, purpose: str, user_id: int, target: str, code: str) -> str:
    """Keyed with SECRET_KEY: a leaked row or session cannot be brute-forced offline."""
    return salted_hmac(
        f"notifications.{purpose}", f"{user_id}:{target}:{code}", algorithm="sha256"
    ).hexdigest()


def code_matches(*, expected_hash: str, purpose: str, user_id: int, target: str, code: str) -> bool:
    code = "".join((code or "").split())
    if not expected_hash or not code.isdigit() or len(code) != CODE_LENGTH:
        return False
    actual = code_hash(purpose=purpose, user_id=user_id, target=target, code=code)
    return constant_time_compare(actual, expected_hash)


def sms_code_send(*, user: Any, number: str, code: str, text: Promise) -> None:
    """Send a code by SMS now, in the user's language; integration outages raise Unavailable."""
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        message = str(text) % {"code": code, "minutes": int(CODE_TTL.total_seconds() // 60)}
    try:
        get_messenger().send_sms(phone=number, text=message, transactional=True)
    except TransientIntegrationError as exc:
        raise Unavailable(
            _("We could not send the SMS right now. Please try again in a minute."),
            code="sms_unavailable",
        ) from exc


def number_quota_take(
    number: str, *, purpose: str = "phone", limit: int = NUMBER_CODES_PER_HOUR
) -> None:
    """Count a code sent to ``number``; CodeThrottled past ``limit`` an hour (SMS pumping)."""
    digest = hashlib.sha256(number.encode()).hexdigest()[:32]
    key = f"notifications:{purpose}-codes:{digest}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    if count > limit:
        raise CodeThrottled(
            _("Too many codes were sent to this number. Please try again later."),
            retry_after=3600,
        )


# --- selectors -----------------------------------------------------------------------------


def phone_get(*, user: Any) -> PhoneNumber | None:
    return PhoneNumber.objects.filter(user=user).first()


def phone_verified_get(*, user: Any) -> PhoneNumber | None:
    return PhoneNumber.objects.filter(user=user, verified_at__isnull=False).first()


def phone_resend_wait(*, phone: PhoneNumber | None) -> int:
    """Seconds until another code may be sent (0: now)."""
    if phone is None or phone.code_sent_at is None:
        return 0
    elapsed = (timezone.now() - phone.code_sent_at).total_seconds()
    return max(0, int(RESEND_SECONDS - elapsed + 0.999))


def phone_code_pending(*, phone: PhoneNumber | None) -> bool:
    """A code was sent and can still be entered."""
    return bool(
        phone is not None
        and phone.code_hash
        and phone.code_sent_at is not None
        and timezone.now() - phone.code_sent_at <= CODE_TTL
    )


# --- services ------------------------------------------------------------------------------


@transaction.atomic
def phone_start(*, user: Any, number: str) -> PhoneNumber:
    """Set the number to verify (or ask again for the current one) and text it a code.

    A new number replaces the old one, which stops SMS (and SMS sign-in codes) until the new
    one is verified. Raises ValidationError (not E.164), CodeThrottled, ApplicationError.
    """
    number = validate_phone("".join((number or "").split()))
    phone = PhoneNumber.objects.select_for_update().filter(user=user).first()
    if phone is not None and phone.number == number and phone.is_verified:
        raise Conflict(
            _("This number is already verified."),
            code="already_verified",
        )
    if wait := phone_resend_wait(phone=phone):
        raise CodeThrottled(
            _("Please wait %(seconds)d seconds before asking for a new code.") % {"seconds": wait},
            retry_after=wait,
        )
    if phone is None:
        phone = PhoneNumber(user=user)
    if phone.number != number:
        phone.number = number
        phone.verified_at = None
        phone.sms_mfa_enabled = False
    number_quota_take(number)
    code = code_generate()
    phone.code_hash = code_hash(purpose="phone", user_id=user.pk, target=number, code=code)
    phone.code_sent_at = timezone.now()
    phone.code_attempts = 0
    phone.full_clean()
    phone.save()
    sms_code_send(
        user=user,
        number=number,
        code=code,
        text=gettext_lazy(
            "Your Kalpla verification code is %(code)s. It expires in %(minutes)d minutes."
        ),
    )
    return phone


def phone_resend(*, user: Any) -> PhoneNumber:
    phone = phone_get(user=user)
    if phone is None or phone.is_verified:
        raise Conflict(_("There is no number waiting for a code."), code="no_pending")
    return phone_start(user=user, number=phone.number)


def phone_verify(*, user: Any, code: str) -> PhoneNumber:
    """Check the code; MAX_ATTEMPTS wrong ones void it. Raises ApplicationError."""
    with transaction.atomic():
        phone = PhoneNumber.objects.select_for_update().filter(user=user).first()
        if phone is None or phone.is_verified or not phone.code_hash:
            raise Conflict(
                _("Ask for a code first."),
                code="no_code_requested",
            )
        if not phone_code_pending(phone=phone):
            raise Conflict(
                _("The code has expired. Ask for a new one."),
                code="code_expired",
            )
        if code_matches(
            expected_hash=phone.code_hash,
            purpose="phone",
            user_id=user.pk,
            target=phone.number,
            code=code,
        ):
            phone.verified_at = timezone.now()
            phone.code_hash = ""
            phone.code_attempts = 0
            phone.save(update_fields=["verified_at", "code_hash", "code_attempts"])
            return phone
        phone.code_attempts += 1
        exhausted = phone.code_attempts >= MAX_ATTEMPTS
        if exhausted:
            phone.code_hash = ""
        phone.save(update_fields=["code_attempts", "code_hash"])
    # Outside the atomic block: the attempt must be counted even though we raise.
    if exhausted:
        raise Conflict(_("Too many wrong codes. Ask for a new code."), code="too_many_attempts")
    raise ApplicationError(
        _("That code is not right."),
        code="wrong_code",
        errors={"code": [_("That code is not right.")]},
    )


@transaction.atomic
def phone_sms_mfa_set(*, user: Any, enabled: bool) -> PhoneNumber:
    phone = PhoneNumber.objects.select_for_update().filter(user=user).first()
    if enabled and (phone is None or not phone.is_verified):
        raise Conflict(
            _("Verify your phone number before using it for sign-in codes."),
            code="phone_not_verified",
        )
    if phone is None:
        raise Conflict(
            _("You have no phone number."),
            code="phone_missing",
        )
    phone.sms_mfa_enabled = enabled
    phone.save(update_fields=["sms_mfa_enabled"])
    return phone


def phone_delete(*, user: Any) -> None:
    """Forget the number: no more SMS notifications or SMS sign-in codes."""
    PhoneNumber.objects.filter(user=user).delete()
