"""Notification kinds, registered in code.

Each kind names its category (what users opt out of), its default per channel, whether it is
urgent (ignores quiet hours and digests) or transactional (cannot be muted: password resets,
security alerts), and its templates under ``templates/notifications/<name>/``:
``subject.txt``, ``body.txt``, ``body.html`` (email), ``sms.txt``, ``push_title.txt``,
``push_body.txt`` and ``title.txt`` / ``inapp.txt`` for the in-app list. Templates get the
``context`` given to notify() plus ``user``.
"""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from notifications.models import Channel

CATEGORIES: dict[str, Promise] = {
    "account": _("Account and security"),
    "learning": _("Courses and learning"),
    "assessments": _("Grades and feedback"),
    "community": _("Community and mentions"),
    "mentorship": _("Mentoring sessions"),
    "payments": _("Payments and receipts"),
    "announcements": _("News and announcements"),
    # Campaigns staff send to segments of people (analytics): never transactional, so one
    # switch per channel turns all of them off.
    "marketing": _("Offers and campaigns"),
}


@dataclass(frozen=True)
class Kind:
    name: str
    category: str
    defaults: dict[str, bool] = field(
        default_factory=lambda: {
            Channel.IN_APP: True,
            Channel.EMAIL: True,
            Channel.SMS: False,
            Channel.PUSH: True,
        }
    )
    urgent: bool = False
    transactional: bool = False

    @property
    def template_dir(self) -> str:
        return f"notifications/{self.name}"


def channel_defaults(
    *, email: bool = True, sms: bool = False, push: bool = True
) -> dict[str, bool]:
    """A kind's defaults per channel (in-app always on) for ``Kind(defaults=...)``."""
    return {Channel.IN_APP: True, Channel.EMAIL: email, Channel.SMS: sms, Channel.PUSH: push}


KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    if kind.category not in CATEGORIES:
        raise ValueError(f"Unknown notification category {kind.category!r}.")
    KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"Unknown notification kind {name!r}.") from None


# Kinds of the accounts app; later apps register theirs in their own kinds.py.
register_kind(Kind(name="account.welcome", category="account"))
register_kind(
    Kind(
        name="account.password_changed",
        category="account",
        urgent=True,
        transactional=True,
        defaults={
            Channel.IN_APP: True,
            Channel.EMAIL: True,
            Channel.SMS: False,
            Channel.PUSH: True,
        },
    )
)
register_kind(
    Kind(
        name="account.api_key_created",
        category="account",
        transactional=True,
        defaults={
            Channel.IN_APP: True,
            Channel.EMAIL: True,
            Channel.SMS: False,
            Channel.PUSH: False,
        },
    )
)
register_kind(
    Kind(
        name="announcements.general",
        category="announcements",
        defaults={
            Channel.IN_APP: True,
            Channel.EMAIL: True,
            Channel.SMS: False,
            Channel.PUSH: False,
        },
    )
)
