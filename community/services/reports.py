"""Reports: any signed-in user tells the moderators about someone else's content.

A report is kept (``Report``: who, what, why) and puts the content in the queue as one
pending ``reported`` item per content (later reports add their line to it). What can be
reported is registered by kind (``REPORTABLE``): chat messages and course reviews here; posts
and comments register theirs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from community.errors import field_error
from community.models import Message, ModerationStatus, Report
from community.selectors.chat import message_get
from community.selectors.moderation import room_group_get
from community.selectors.posts import comment_get, post_get
from community.services.screening import group_context
from courses.selectors.catalogue import review_get
from kalpla.exceptions import Conflict, NotFound, ValidationError
from moderation.models import ModerationItem
from moderation.services import moderation_flag

MAX_TEXT = 1000
DETAIL_MAX = 5000


@dataclass(frozen=True)
class Reportable:
    """``get(user, id)``: the content the user may see (NotFound otherwise), ``author_id`` and
    ``context`` (where it lives, for the queue's filters)."""

    get: Callable[[Any, int], models.Model]
    author_id: Callable[[Any], int]
    context: Callable[[Any], str]


def _message_get(user: Any, message_id: int) -> Message:
    message = message_get(message_id=message_id, user=user)
    if message.is_deleted or message.status == ModerationStatus.HIDDEN:
        raise NotFound(_("No such message."), code="message_not_found")
    return message


def _message_context(message: Message) -> str:
    return group_context(room_group_get(room_id=message.room_id))


def _review_get(user: Any, review_id: int) -> Any:
    review = review_get(review_id=review_id)
    if review.is_hidden or (review.is_held and review.user_id != user.pk):
        raise NotFound(_("No such review."), code="review_not_found")
    return review


def _post_get(user: Any, post_id: int) -> Any:
    post, _access = post_get(post_id=post_id, user=user)
    if post.is_deleted or post.status == ModerationStatus.HIDDEN:
        raise NotFound(_("No such post."), code="post_not_found")
    return post


def _comment_get(user: Any, comment_id: int) -> Any:
    comment, _access = comment_get(comment_id=comment_id, user=user)
    if comment.is_deleted or comment.status == ModerationStatus.HIDDEN:
        raise NotFound(_("No such comment."), code="comment_not_found")
    return comment


REPORTABLE: dict[str, Reportable] = {
    "message": Reportable(
        get=_message_get, author_id=lambda m: m.author_id, context=_message_context
    ),
    "review": Reportable(get=_review_get, author_id=lambda r: r.user_id, context=lambda r: ""),
    "post": Reportable(
        get=_post_get, author_id=lambda p: p.author_id, context=lambda p: f"group:{p.group_id}"
    ),
    "comment": Reportable(
        get=_comment_get,
        author_id=lambda c: c.author_id,
        context=lambda c: f"group:{c.post.group_id}",
    ),
}


def reportable_get(*, kind: str, object_id: int, user: Any) -> models.Model:
    if kind not in REPORTABLE:
        raise field_error("kind", _("This kind of content cannot be reported."), code="invalid")
    if not 0 < object_id < 2**63:
        raise NotFound(_("No such content."), code="not_found")
    return REPORTABLE[kind].get(user, object_id)


@transaction.atomic
def report_create(
    *, reporter: Any, kind: str, object_id: int, reason: str, text: str = ""
) -> Report:
    """Report the content; Conflict when this user already reported it, ValidationError for
    one's own content or an unknown reason."""
    target = reportable_get(kind=kind, object_id=object_id, user=reporter)
    spec = REPORTABLE[kind]
    if spec.author_id(target) == reporter.pk:
        raise ValidationError(
            _("You cannot report your own content; edit or delete it instead."), code="own_content"
        )
    if reason not in Report.Reason.values:
        raise field_error("reason", _("Choose a reason."), code="invalid")
    text = " ".join((text or "").split())
    if len(text) > MAX_TEXT:
        raise field_error("text", _("At most 1000 characters."), code="too_long")
    content_type = ContentType.objects.get_for_model(target)
    if Report.objects.filter(
        reporter=reporter, content_type=content_type, object_id=str(target.pk)
    ).exists():
        raise Conflict(_("You have already reported this."), code="already_reported")
    label = str(Report.Reason(reason).label)
    line = _("Reported by %(name)s (%(reason)s): %(text)s") % {
        "name": reporter.display_name,
        "reason": label,
        "text": text or _("no details given"),
    }
    item = moderation_flag(
        target=target,
        reason=ModerationItem.Reason.REPORTED,
        detail=line,
        labels=[{"name": reason}],
        source="report",
        context=spec.context(target),
    )
    if line not in item.detail:
        item.detail = f"{item.detail}\n{line}"[-DETAIL_MAX:]
        labels = list(item.labels or [])
        if {"name": reason} not in labels:
            labels.append({"name": reason})
        item.labels = labels
        item.save(update_fields=["detail", "labels"])
    report = Report(
        reporter=reporter,
        content_type=content_type,
        object_id=str(target.pk),
        reason=reason,
        text=text,
        item=item,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise Conflict(_("You have already reported this."), code="already_reported") from None
    return report


def report_keep(*, reporter: Any, target: models.Model, reason: str, text: str, item: Any) -> None:
    """Keep a report another app took (a course review reported from its page): who, what,
    why, beside every other report. A second report by the same person is kept once."""
    Report.objects.get_or_create(
        reporter=reporter,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        defaults={"reason": reason, "text": " ".join(text.split())[:MAX_TEXT], "item": item},
    )
