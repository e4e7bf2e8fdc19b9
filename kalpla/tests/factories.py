"""Factories of the platform records in kalpla/models.py: jobs, the moderation queue and the
local SMS/push outbox."""

from typing import Any

import factory
from django.contrib.contenttypes.models import ContentType

from jobs.models import ProcessingJob
from kalpla.models import OutboxMessage
from moderation.models import ModerationItem


class ProcessingJobFactory(factory.django.DjangoModelFactory):
    """A pending job with no target; ``ProcessingJobFactory(target=obj)`` points it at one."""

    class Meta:
        model = ProcessingJob
        exclude = ("target",)

    target: Any = None
    kind = "tests.noop"
    key = factory.Sequence(lambda n: f"tests:job:{n}")
    content_type = factory.LazyAttribute(
        lambda o: ContentType.objects.get_for_model(o.target) if o.target is not None else None
    )
    object_id = factory.LazyAttribute(lambda o: str(o.target.pk) if o.target is not None else "")


class ModerationItemFactory(factory.django.DjangoModelFactory):
    """A pending item: a user's report on a review unless ``target``/``reason`` say otherwise."""

    class Meta:
        model = ModerationItem
        exclude = ("target",)

    # By path: kalpla sits below courses and does not import it.
    target = factory.SubFactory("courses.tests.factories.ReviewFactory")
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.target))
    object_id = factory.LazyAttribute(lambda o: str(o.target.pk))
    reason = ModerationItem.Reason.REPORTED
    source = "report"
    detail = "Reported as rude."


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxMessage

    channel = OutboxMessage.Channel.SMS
    to = factory.Sequence(lambda n: f"+9197{n:08d}")
    body = "Your code is 123456."
    message_id = factory.Sequence(lambda n: f"local-{n}")
