"""The email channel: per-kind templates inside one layout, in the recipient's language.

Per-kind templates live in ``templates/notifications/<kind>/``: ``subject.txt``, ``body.txt``
and ``body.html`` (a fragment; the layout in ``notifications/email/base.{html,txt}`` adds the
logo, the action link and the footer with the unsubscribe and preferences links). A missing
template falls back to the notification's title and body, so a new kind can ship before its
texts.

Non-transactional mail carries ``List-Unsubscribe`` with a signed one-click link per category
(RFC 8058), which /notifications/unsubscribe/<token>/ honours.
"""

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template import Context, Template, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

from kalpla.exceptions import ApplicationError
from kalpla.integrations.ses import email_send
from notifications.kinds import CATEGORIES, KINDS, Kind
from notifications.models import Channel, Delivery, Notification, NotificationPreference
from notifications.services.channels import SkipDelivery
from notifications.services.suppression import email_is_suppressed

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# The digest's one-click link: every category that can be muted.
ALL_CATEGORIES = "all"
LAYOUT_HTML = "notifications/email/base.html"
LAYOUT_TEXT = "notifications/email/base.txt"


# --- rendering (shared with the SMS and push senders) --------------------------------------


def absolute_url(path: str) -> str:
    if not path:
        return ""
    if re.match(r"^[a-z][a-z0-9+.-]*://", path, re.IGNORECASE):
        return path
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/"))


@contextmanager
def recipient_locale(user: Any) -> Iterator[None]:
    """Render in the recipient's language and time zone, not the sender's."""
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    zone = getattr(user, "timezone", "") or settings.TIME_ZONE
    with translation.override(language), timezone.override(zone):
        yield


def notification_context(notification: Notification, user: Any) -> dict[str, Any]:
    data = notification.data if isinstance(notification.data, dict) else {}
    return {
        **data,
        "user": user,
        "notification": notification,
        "site_url": settings.SITE_URL,
        "action_url": absolute_url(notification.url),
    }


def template_render(name: str, context: dict[str, Any]) -> str:
    """Render a template; ``.txt`` ones without HTML escaping (plain-text mail, SMS, push)."""
    template = get_template(name)
    inner = getattr(template, "template", None)
    if name.endswith(".txt") and isinstance(inner, Template):
        return inner.render(Context(context, autoescape=False))
    return template.render(context)


def kind_template_render(kind_name: str, name: str, context: dict[str, Any]) -> str | None:
    """Render ``notifications/<kind>/<name>``, or None when the kind has no such template."""
    try:
        return template_render(f"notifications/{kind_name}/{name}", context)
    except TemplateDoesNotExist:
        return None


def one_line(text: str, limit: int = 200) -> str:
    """Subjects and titles: no newlines (header injection), trimmed."""
    return " ".join(text.split())[:limit]


# --- unsubscribe links ---------------------------------------------------------------------


def category_is_transactional(category: str) -> bool:
    """A category nobody can mute: every kind in it is transactional (security alerts)."""
    kinds = [kind for kind in KINDS.values() if kind.category == category]
    return bool(kinds) and all(kind.transactional for kind in kinds)


def unsubscribe_token(*, user: Any, category: str) -> str:
    return signing.dumps({"u": user.pk, "c": category}, salt=UNSUBSCRIBE_SALT, compress=True)


@dataclass(frozen=True)
class UnsubscribeRequest:
    user_id: int
    category: str


def unsubscribe_token_read(token: str) -> UnsubscribeRequest:
    """Raises signing.SignatureExpired (older than KALPLA_UNSUBSCRIBE_MAX_AGE_DAYS) or
    signing.BadSignature (tampered, truncated)."""
    max_age = settings.KALPLA_UNSUBSCRIBE_MAX_AGE_DAYS * 24 * 3600
    payload = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=max_age)
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise signing.BadSignature("Malformed unsubscribe token.")
    category = str(payload.get("c") or "")
    if category != ALL_CATEGORIES and category not in CATEGORIES:
        raise signing.BadSignature("Unknown category in unsubscribe token.")
    return UnsubscribeRequest(user_id=payload["u"], category=category)


def unsubscribe_url(*, user: Any, category: str) -> str:
    token = unsubscribe_token(user=user, category=category)
    return absolute_url(reverse("notifications:unsubscribe", args=[token]))


def unsubscribe_categories(category: str) -> list[str]:
    """The categories an unsubscribe request mutes (never a transactional one)."""
    names = list(CATEGORIES) if category == ALL_CATEGORIES else [category]
    return [name for name in names if not category_is_transactional(name)]


def category_label(category: str) -> str:
    if category == ALL_CATEGORIES:
        return str(translation.gettext("All emails you can turn off"))
    return str(CATEGORIES.get(category, category))


@transaction.atomic
def email_unsubscribe(*, user: Any, category: str) -> list[str]:
    """Turn email off for ``category`` (or every mutable one); returns what was muted."""
    categories = unsubscribe_categories(category)
    if not categories:
        raise ApplicationError(
            translation.gettext(
                "These emails are about your account's security and cannot be turned off."
            ),
            code="transactional",
        )
    for name in categories:
        NotificationPreference.objects.update_or_create(
            user=user, category=name, channel=Channel.EMAIL, defaults={"enabled": False}
        )
    return categories


def preferences_url() -> str:
    try:
        path = reverse("notifications:preferences")
    except NoReverseMatch:
        path = "/notifications/preferences/"
    return absolute_url(path)


# --- sending -------------------------------------------------------------------------------


def email_address_check(user: Any) -> str:
    """The address to send to, or SkipDelivery when we must not email it."""
    address = (user.email or "").strip()
    if not address:
        raise SkipDelivery("The user has no email address.")
    if email_is_suppressed(email=address):
        raise SkipDelivery(
            "The address is on the suppression list (bounce or complaint).",
            status=Delivery.Status.SUPPRESSED,
        )
    if not EmailAddress.objects.filter(user=user, email__iexact=address, verified=True).exists():
        raise SkipDelivery("The email address is not verified.")
    return address


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    headers: dict[str, str]


def _layout(
    *, subject: str, text: str, html: SafeString, context: dict[str, Any], category: str | None
) -> RenderedEmail:
    user = context["user"]
    layout = {
        **context,
        "subject": subject,
        "unsubscribe_url": unsubscribe_url(user=user, category=category) if category else "",
        "category_label": category_label(category) if category else "",
        "preferences_url": preferences_url(),
        "LANGUAGE_CODE": translation.get_language(),
    }
    headers: dict[str, str] = {}
    if category:
        headers["List-Unsubscribe"] = f"<{layout['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if "<html" in html[:500].lower():
        full_html = str(html)  # the kind's template extended the layout itself
    else:
        full_html = render_to_string(LAYOUT_HTML, {**layout, "content": html})
    full_text = template_render(LAYOUT_TEXT, {**layout, "content": text.strip()})
    return RenderedEmail(subject=subject, text=full_text, html=full_html, headers=headers)


def notification_email_render(notification: Notification, user: Any) -> RenderedEmail:
    """Subject, text and HTML of one notification; call inside recipient_locale()."""
    kind: Kind | None = KINDS.get(notification.kind)
    category = None if kind is not None and kind.transactional else notification.category
    context = notification_context(notification, user)
    context["unsubscribe_url"] = unsubscribe_url(user=user, category=category) if category else ""
    subject = kind_template_render(notification.kind, "subject.txt", context)
    text = kind_template_render(notification.kind, "body.txt", context)
    html = kind_template_render(notification.kind, "body.html", context)
    if text is None:
        text = notification.body or notification.title
    if html is None:
        html = linebreaks(escape(notification.body or notification.title))
    return _layout(
        subject=one_line(subject or notification.title),
        text=text,
        html=mark_safe(html),  # noqa: S308 - rendered by the template engine (autoescaped)
        context=context,
        category=category,
    )


def _reply_to() -> list[str]:
    return [settings.KALPLA_REPLY_TO_EMAIL] if settings.KALPLA_REPLY_TO_EMAIL else []


def email_deliver(delivery: Delivery) -> str:
    """Send one notification by email; returns the provider's message id."""
    if delivery.provider_message_id:
        return delivery.provider_message_id
    notification = delivery.notification
    if notification is None:
        raise SkipDelivery("The delivery has no notification.")
    user = delivery.user
    address = email_address_check(user)
    with recipient_locale(user):
        rendered = notification_email_render(notification, user)
    result = email_send(
        to=[address],
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        reply_to=_reply_to(),
        headers=rendered.headers,
        tags=[notification.category],
        metadata={"delivery_id": delivery.pk, "kind": notification.kind},
    )
    delivery.destination = address  # saved by the caller with the status
    return result.message_id


# --- digest --------------------------------------------------------------------------------


def digest_email_render(user: Any, notifications: Sequence[Notification]) -> RenderedEmail:
    """One email listing ``notifications``; call inside recipient_locale()."""
    items = [
        {
            "notification": n,
            "title": n.title,
            "body": n.body,
            "url": absolute_url(n.url),
            "category_label": str(CATEGORIES.get(n.category, n.category)),
            "created_at": n.created_at,
        }
        for n in notifications
    ]
    context: dict[str, Any] = {
        "user": user,
        "items": items,
        "count": len(items),
        "site_url": settings.SITE_URL,
        "action_url": "",
    }
    subject = one_line(template_render("notifications/email/digest_subject.txt", context))
    text = template_render("notifications/email/digest.txt", context)
    html = render_to_string("notifications/email/digest.html", context)
    return _layout(
        subject=subject,
        text=text,
        html=mark_safe(html),  # noqa: S308 - rendered by the template engine (autoescaped)
        context=context,
        category=ALL_CATEGORIES,
    )


def email_digest_send(user: Any, notifications: Sequence[Notification]) -> str:
    """Send the digest of ``notifications`` to ``user``; returns the provider's message id.

    Raises SkipDelivery (suppressed or unverified address, nothing to list) like a sender.
    """
    if not notifications:
        raise SkipDelivery("The digest is empty.")
    address = email_address_check(user)
    with recipient_locale(user):
        rendered = digest_email_render(user, notifications)
    result = email_send(
        to=[address],
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        reply_to=_reply_to(),
        headers=rendered.headers,
        tags=["digest"],
        metadata={"digest_for": user.pk, "notifications": len(notifications)},
    )
    return result.message_id
