"""Side effects the directory's services queue on commit: notifications and signals."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.urls import reverse

from mentorship.models import Mentorship
from mentorship.signals import mentorship_changed
from notifications.services.notify import notify


def notify_on_commit(
    *,
    recipient: Any,
    kind: str,
    context: Mapping[str, Any],
    url_name: str,
    url_kwargs: Mapping[str, Any] | None = None,
) -> None:
    url = reverse(url_name, kwargs=dict(url_kwargs or {}))
    transaction.on_commit(
        lambda: notify(recipients=[recipient], kind=kind, context=dict(context), url=url)
    )


def mentorship_changed_on_commit(*, mentorship: Mentorship, by: Any, change: str) -> None:
    transaction.on_commit(
        lambda: mentorship_changed.send(
            sender=Mentorship, mentorship=mentorship, by=by, change=change
        )
    )
