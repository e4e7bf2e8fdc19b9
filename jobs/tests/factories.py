"""Factories of the jobs app's records."""

from typing import Any

import factory
from django.contrib.contenttypes.models import ContentType

from jobs.models import ProcessingJob


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
