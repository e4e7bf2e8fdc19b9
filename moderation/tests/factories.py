"""Factories of the moderation queue's records."""

import factory
from django.contrib.contenttypes.models import ContentType

from moderation.models import ModerationItem


class ModerationItemFactory(factory.django.DjangoModelFactory):
    """A pending item: a user's report on a review unless ``target``/``reason`` say otherwise."""

    class Meta:
        model = ModerationItem
        exclude = ("target",)

    # By path: moderation sits below courses and does not import it.
    target = factory.SubFactory("courses.tests.factories.ReviewFactory")
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.target))
    object_id = factory.LazyAttribute(lambda o: str(o.target.pk))
    reason = ModerationItem.Reason.REPORTED
    source = "report"
    detail = "Reported as rude."
