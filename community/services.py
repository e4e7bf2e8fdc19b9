"""Writes of the community app: <noun>_<verb>(*, ...) functions."""

from typing import Any, Literal

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import status

from accounts.roles import is_moderator
from community.models import ModerationItem
from community.moderation import moderation_can_hide, moderation_decide, moderation_item_hide
from kalpla.exceptions import ApplicationError

Decision = Literal["approve", "hide"]


@transaction.atomic
def moderation_item_decide(
    *, item: ModerationItem, by: Any, action: Decision, note: str = ""
) -> ModerationItem:
    """A moderator's decision on a queue item: keep the content, or hide it.

    Recorded with who, when and the note (the audit trail); a decided item cannot be decided
    again (409), content the platform cannot hide can only be kept (400).
    """
    if not is_moderator(by):
        raise ApplicationError(
            _("Only moderators can decide on flagged content."),
            code="not_moderator",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    locked = ModerationItem.objects.select_for_update().get(pk=item.pk)
    if locked.status != ModerationItem.Status.PENDING:
        raise ApplicationError(
            _("Another moderator has already decided on this item."),
            code="already_decided",
            status_code=status.HTTP_409_CONFLICT,
        )
    if action == "approve":
        return moderation_decide(item=locked, by=by, approve=True, note=note)
    target = locked.target
    if target is not None and not moderation_can_hide(target):
        raise ApplicationError(
            _("This kind of content cannot be hidden from here; keep it or use the admin."),
            code="cannot_hide",
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    return moderation_item_hide(item=locked, by=by, note=note)
