"""The raw learning event stream: append-only, one row per event."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from activity.verbs import Verb

PLATFORMS = [
    ("server", _("server")),
    ("web", _("web")),
    ("ios", _("iOS")),
    ("android", _("Android")),
    ("api", _("API client")),
]


class Event(models.Model):
    """One thing a person did (xAPI-shaped: actor, verb, object, result, context).

    Append-only. PostgreSQL indexes ``occurred_at`` with BRIN (rows arrive in time order, so
    a day's range is a few block ranges; migration 0002). The actor is a plain reference
    without a database constraint, so inserts check nothing; erasing a person nulls it and
    clears the personal parts of their events (``services.events.events_erase_actor``).
    """

    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    anonymous_id = models.CharField(_("anonymous id"), max_length=64, blank=True)
    verb = models.CharField(_("verb"), max_length=32, choices=Verb.choices)
    object_type = models.CharField(_("object type"), max_length=32)
    object_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    course_id = models.BigIntegerField(_("course id"), null=True, blank=True)
    platform = models.CharField(_("platform"), max_length=16, choices=PLATFORMS, default="server")
    result = models.JSONField(_("result"), default=dict, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ("-occurred_at", "-id")

    def __str__(self) -> str:
        return f"{self.actor_id or self.anonymous_id or '-'} {self.verb} {self.object_type}:{self.object_id}"
