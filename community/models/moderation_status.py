"""The moderation state every piece of community content carries (posts, comments, chat
messages): readers other than its author and moderators see only published content."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModerationStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    HELD = "held", _("Held for review")
    HIDDEN = "hidden", _("Hidden by a moderator")
