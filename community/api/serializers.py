from typing import Any

from rest_framework import serializers

from kalpla.api.serializers import InputSerializer, StrictCharField


class ModerationAuthorOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ModerationTargetOut(serializers.Serializer):
    kind = serializers.CharField(help_text="review, course, gone (deleted) or a model name.")
    title = serializers.CharField()
    text = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True, help_text="Site page showing the content.")
    image_url = serializers.CharField(allow_blank=True, help_text="The flagged image, if any.")
    author = ModerationAuthorOut(allow_null=True)


class ModerationItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    reason_label = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    score = serializers.FloatField(allow_null=True)
    labels = serializers.JSONField()
    origin = serializers.CharField(help_text="`auto` (an automatic check) or who reported it.")
    status = serializers.ChoiceField(choices=["pending", "approved", "rejected"])
    created_at = serializers.DateTimeField()
    decided_by = ModerationAuthorOut(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField(allow_blank=True)
    can_hide = serializers.BooleanField(help_text="Whether `hide` is possible for this content.")
    target = ModerationTargetOut()


class ModerationDecisionIn(InputSerializer):
    action = serializers.ChoiceField(
        choices=["approve", "hide"], help_text="`approve` keeps the content; `hide` hides it."
    )
    note = StrictCharField(
        max_length=1000, required=False, allow_blank=True, default="",
        help_text="Kept with the decision (audit trail).",
    )  # fmt: skip


def _person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.name or user.get_short_name()}


def moderation_row_data(row: dict[str, Any]) -> dict[str, Any]:
    item, target = row["item"], row["target"]
    return {
        "id": item.pk,
        "reason": item.reason,
        "reason_label": str(item.get_reason_display()),
        "detail": item.detail,
        "score": item.score,
        "labels": item.labels,
        "origin": item.source,
        "status": item.status,
        "created_at": item.created_at,
        "decided_by": _person(item.decided_by),
        "decided_at": item.decided_at,
        "decision_note": item.decision_note,
        "can_hide": row["can_hide"],
        "target": {
            "kind": target.kind,
            "title": target.title,
            "text": target.text,
            "url": target.url,
            "image_url": target.image_url,
            "author": _person(target.author),
        },
    }
