"""Screening of community content before anyone else sees it, and the spam limits.

``content_screen`` is what a service that stores user content calls right after saving it and
before broadcasting it (chat messages here; posts and comments call it the same way). It runs
the automatic checks (``moderation.screening``), applies the policy and sets
``target.status``:

- the group's ``moderation_policy``: ``post`` (published at once, flagged into the queue when
  a check scores at or above the flag threshold) or ``pre`` (held until a moderator approves);
- in both, a toxicity score at or above the hold threshold holds the content;
- a new account's first ``KALPLA_MODERATION_NEW_ACCOUNT_POSTS`` pieces of group content (its
  published messages so far, plus what ``published_counters`` adds) are held;
- the group's owners and moderators and the site's moderators are never pre-moderated (the
  checks still flag them).

Direct conversations have no group: screened and held above the hold threshold, but never
pre-moderated (moderators do not read private conversations unless something is flagged).

Speed: the local text analyzer is a word list and a few regular expressions, so the analysis
runs inline, before the room's row lock is taken (``screening_analyze``), and adds well under
a millisecond to a send. A held message is simply not broadcast. With the AWS backend the
analysis is one Comprehend round trip per check, still inline: a held message must never be
broadcast, and a flag after the fact would already have been read.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policies import user_is_moderator
from community import live
from community.models import GroupMembership, Message, ModerationStatus, Sanction
from kalpla.exceptions import PermissionDenied, Throttled, ValidationError
from moderation.screening import Analysis, Verdict, screening_analyze, screening_apply

RATE_WINDOW = 60  # seconds: the limits are per minute

# Functions (author id, limit) -> how many pieces of the author's group content are published
# (at most ``limit``); the posts module registers its own (posts and comments).
published_counters: list[Callable[[int, int], int]] = [
    lambda author_id, limit: Message.objects.filter(
        author_id=author_id,
        status=ModerationStatus.PUBLISHED,
        room__kind="channel",
    )[:limit].count()
]


def group_context(group: Any) -> str:
    return f"group:{group.pk}" if group is not None else ""


def _is_group_staff(*, user: Any, group: Any) -> bool:
    if user_is_moderator(user):
        return True
    return GroupMembership.objects.filter(
        group_id=group.pk, user_id=user.pk, role__in=("owner", "moderator")
    ).exists()


TRUSTED_TTL = 24 * 3600


def _new_account(author: Any) -> bool:
    """Fewer than the limit of their group content published. Published content is only ever
    approved into being, so once trusted a user stays trusted: remembered for a day in the
    cache, sparing every later send the count."""
    limit = int(settings.KALPLA_MODERATION_NEW_ACCOUNT_POSTS)
    if limit <= 0:
        return False
    key = f"screen:trusted:{limit}:{author.pk}"
    if cache.get(key):
        return False
    published = 0
    for counter in published_counters:
        published += counter(author.pk, limit - published)
        if published >= limit:
            cache.set(key, 1, timeout=TRUSTED_TTL)
            return False
    return True


def content_screen(
    *,
    target: models.Model,
    text: str,
    author: Any,
    group: Any = None,
    images: tuple[str, ...] = (),
    analysis: Analysis | None = None,
) -> Verdict:
    """Screen the saved ``target`` (which has a ``status`` field), queue what is found, set
    and save ``target.status``. ``analysis``: from ``screening_analyze`` when the caller ran
    it earlier (before taking a lock)."""
    analysis = analysis or screening_analyze(text=text)
    why = ""
    if group is not None:
        if group.moderation_policy == "pre":
            why = "The group is pre-moderated."
        elif _new_account(author):
            why = "A new member's first posts are approved by a moderator."
        if why and _is_group_staff(user=author, group=group):
            why = ""  # the group's own staff are not pre-moderated
    verdict = screening_apply(
        target=target,
        analysis=analysis,
        pre_moderated=bool(why),
        images=images,
        context=group_context(group),
        why_held=why,
    )
    # Screening holds content; only a moderator publishes held or hidden content.
    if verdict.held and getattr(target, "status", None) == ModerationStatus.PUBLISHED:
        target.status = ModerationStatus.HELD  # type: ignore[attr-defined]
        target.save(update_fields=["status"])
    return verdict


# --- spam -------------------------------------------------------------------------------------


def spam_rate_check(*, user: Any, kind: str) -> None:
    """Count one ``kind`` (``message`` or ``post``) for the user in this minute; Throttled when
    over ``KALPLA_MODERATION_MESSAGES_PER_MINUTE`` / ``..._POSTS_PER_MINUTE`` (0: no limit)."""
    limit = int(
        settings.KALPLA_MODERATION_MESSAGES_PER_MINUTE
        if kind == "message"
        else settings.KALPLA_MODERATION_POSTS_PER_MINUTE
    )
    if limit <= 0 or user_is_moderator(user):
        return
    if not live.rate_allow(scope=f"spam:{kind}:{user.pk}", limit=limit, window=RATE_WINDOW):
        raise Throttled(
            _("You are sending too fast. Wait a minute and try again."),
            retry_after=RATE_WINDOW,
            code="rate_limited",
        )


def _fingerprint(text: str) -> str:
    normal = " ".join(text.lower().split())
    return hashlib.sha256(normal.encode()).hexdigest()[:24]


def spam_duplicate_check(*, user: Any, text: str, where: str) -> None:
    """Refuse the same text (case and spacing aside) sent again by the same user within
    ``KALPLA_MODERATION_DUPLICATE_WINDOW`` seconds, anywhere (``where`` only names the kind)."""
    window = int(settings.KALPLA_MODERATION_DUPLICATE_WINDOW)
    if window <= 0 or user_is_moderator(user):
        return
    key = f"spam:dup:{where}:{user.pk}:{_fingerprint(text)}"
    if not cache.add(key, 1, timeout=window):
        raise ValidationError(
            _("You just sent the same text. Write something new or wait a minute."),
            code="duplicate",
            errors={"body": [_("You just sent the same text.")]},
        )


# --- enforcement ------------------------------------------------------------------------------


def _active() -> Q:
    return Q(lifted_at__isnull=True) & (Q(until__isnull=True) | Q(until__gt=timezone.now()))


def sanctions_applying(*, user_id: int, group_id: Any) -> "models.QuerySet[Sanction]":
    """The user's sanctions that apply in the group (a site ban applies everywhere);
    ``group_id`` may be an ``OuterRef`` (checked inside a caller's query) or None."""
    where = Q(group__isnull=True, kind=Sanction.Kind.BAN)
    if group_id is not None:
        where |= Q(group_id=group_id)
    return Sanction.objects.filter(_active(), where, user_id=user_id)


def sanction_active(*, user_id: int, group_id: int | None) -> Sanction | None:
    """The user's sanction that applies in the group (a site ban applies everywhere)."""
    return sanctions_applying(user_id=user_id, group_id=group_id).order_by("-kind").first()


def sanction_check(*, user: Any, group_id: int | None) -> None:
    """PermissionDenied (``muted`` / ``banned``) when the user may not post, send or react."""
    sanction = sanction_active(user_id=user.pk, group_id=group_id)
    if sanction is None:
        return
    if sanction.kind == Sanction.Kind.MUTE:
        if sanction.until:
            message = _("You are muted in this group until %(when)s.") % {
                "when": timezone.localtime(sanction.until).strftime("%d %b %Y, %H:%M")
            }
        else:
            message = _("You are muted in this group.")
        raise PermissionDenied(message, code="muted")
    raise PermissionDenied(_("You are banned from this group."), code="banned")
