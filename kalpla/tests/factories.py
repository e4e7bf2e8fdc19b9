"""Factories of the project's own records in kalpla/models.py: the local SMS/push outbox."""

import factory

from kalpla.models import OutboxMessage


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxMessage

    channel = OutboxMessage.Channel.SMS
    to = factory.Sequence(lambda n: f"+9197{n:08d}")
    body = "Your code is 123456."
    message_id = factory.Sequence(lambda n: f"local-{n}")
