"""Writes of the community app: <noun>_<verb>(*, ...) functions."""

from typing import Any, Literal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.policies import user_is_moderator
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError
from moderation.models import ModerationItem
from moderation.services import moderation_can_hide, moderation_decide, moderation_item_hide

Decision = Literal["approve", "hide"]


@transaction.atomic
def moderation_item_decide(
    *, item: ModerationItem, by: Any, action: Decision, note: str = ""
) -> ModerationItem:
    """A moderator's decision on a queue item: keep the content, or hide it.

    Recorded with who, when and the note (the audit trail); a decided item cannot be decided
    again (Conflict), content the platform cannot hide can only be kept (ValidationError).
    """
    if not user_is_moderator(by):
        raise PermissionDenied(
            _("Only moderators can decide on flagged content."), code="not_moderator"
        )
    locked = ModerationItem.objects.select_for_update().get(pk=item.pk)
    if locked.status != ModerationItem.Status.PENDING:
        raise Conflict(
            _("Another moderator has already decided on this item."), code="already_decided"
        )
    if action == "approve":
        return moderation_decide(item=locked, by=by, approve=True, note=note)
    target = locked.target
    if target is not None and not moderation_can_hide(target):
        raise ValidationError(
            _("This kind of content cannot be hidden from here; keep it or use the admin."),
            code="cannot_hide",
        )
    return moderation_item_hide(item=locked, by=by, note=note)
