"""The local SMS/push outbox: storage of kalpla/integrations/sns.py's local backend.

It stays in the project package on purpose: it is the integration's stand-in for Amazon SNS
(what a developer's machine "sent"), not a notification record, and the integrations layer
imports no app above it. Notifications keeps its own records (Delivery) of what it sent.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """SMS and push messages the local messaging backend 'sent' (SNS stand-in)."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        PUSH = "push", _("Push")

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    to = models.CharField(_("to"), max_length=512)
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    data = models.JSONField(_("data"), default=dict, blank=True)
    message_id = models.CharField(_("message id"), max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox (local SMS and push)")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.channel} to {self.to}"
