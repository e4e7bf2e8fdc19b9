"""Serializers of the experiments API: input and output apart, described for the schema."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from activity.verbs import Verb


class VariantIn(serializers.Serializer):
    key = serializers.SlugField(max_length=64)
    name = serializers.CharField(max_length=200)
    weight = serializers.IntegerField(min_value=1, max_value=10_000)
    is_control = serializers.BooleanField(default=False)


class _Settings(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    hypothesis = serializers.CharField(required=False, allow_blank=True, default="")
    goal_verbs = serializers.ListField(
        child=serializers.ChoiceField(choices=Verb.choices), min_length=1, max_length=5
    )
    primary_goal = serializers.ChoiceField(choices=Verb.choices)
    baseline_rate = serializers.FloatField(min_value=0.0001, max_value=0.9999, default=0.1)
    minimum_detectable_effect = serializers.FloatField(
        min_value=0.0001, max_value=0.9999, default=0.02
    )
    alpha = serializers.FloatField(min_value=0.001, max_value=0.2, default=0.05)
    power = serializers.FloatField(min_value=0.5, max_value=0.99, default=0.8)
    variants = serializers.ListField(child=VariantIn(), min_length=2, max_length=10)


class ExperimentIn(_Settings):
    key = serializers.SlugField(max_length=64)


class ExperimentPatch(_Settings):
    """Any of the settings; the key never changes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class VariantOut(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.IntegerField()
    is_control = serializers.BooleanField()


class ExperimentOut(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    hypothesis = serializers.CharField()
    status = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    stopped_at = serializers.DateTimeField(allow_null=True)
    goal_verbs = serializers.ListField(child=serializers.CharField())
    primary_goal = serializers.CharField()
    baseline_rate = serializers.FloatField()
    minimum_detectable_effect = serializers.FloatField()
    alpha = serializers.FloatField()
    power = serializers.FloatField()
    winner = serializers.SerializerMethodField()
    variants = VariantOut(many=True, source="variants.all")
    created_at = serializers.DateTimeField()

    def get_winner(self, obj: Any) -> str | None:
        return obj.winner.key if obj.winner_id else None


class WinnerIn(serializers.Serializer):
    winner = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A variant's key; empty for none (everyone then gets the control)."),
    )


class ComparisonOut(serializers.Serializer):
    absolute_uplift = serializers.FloatField(source="diff")
    absolute_ci = serializers.SerializerMethodField()
    relative_uplift = serializers.FloatField(source="ratio", allow_null=True)
    relative_ci = serializers.SerializerMethodField()
    z = serializers.FloatField(allow_null=True)
    p_value = serializers.FloatField(allow_null=True)

    def get_absolute_ci(self, obj: Any) -> list[float | None]:
        return [obj.diff_low, obj.diff_high]

    def get_relative_ci(self, obj: Any) -> list[float | None]:
        return [obj.ratio_low, obj.ratio_high]


class VariantResultOut(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    is_control = serializers.BooleanField()
    weight = serializers.IntegerField()
    assigned = serializers.IntegerField()
    exposed = serializers.IntegerField()
    conversions = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    goal_conversions = serializers.DictField(child=serializers.IntegerField())
    vs_control = ComparisonOut(source="comparison", allow_null=True)
    p_adjusted = serializers.FloatField(allow_null=True)
    significant = serializers.BooleanField()


class ResultsOut(serializers.Serializer):
    experiment = serializers.CharField(source="experiment.key")
    status = serializers.CharField(source="experiment.status")
    primary_goal = serializers.CharField(source="experiment.primary_goal")
    planned_per_variant = serializers.IntegerField()
    smallest_sample = serializers.IntegerField()
    enough_sample = serializers.BooleanField()
    peeks = serializers.IntegerField()
    srm_p = serializers.FloatField(allow_null=True)
    srm = serializers.BooleanField()
    independence_p = serializers.FloatField(allow_null=True)
    variants = VariantResultOut(many=True)
    warnings = serializers.SerializerMethodField()
    methods = serializers.SerializerMethodField()

    def get_warnings(self, obj: Any) -> list[dict[str, Any]]:
        return [{"code": code, "value": value} for code, value in obj.warnings]

    def get_methods(self, obj: Any) -> dict[str, str]:
        return {
            "absolute_ci": "newcombe-hybrid-score",
            "relative_ci": "log-adjusted",
            "test": "pooled-two-proportion-z" + ("; holm" if len(obj.variants) > 2 else ""),
            "sample_size": "normal-power-cohens-h",
            "srm": "chi-square-goodness-of-fit",
        }


class AssignmentQuery(serializers.Serializer):
    expose = serializers.BooleanField(
        default=False,
        help_text=_("Record the exposure (once): pass true when the variant is shown."),
    )
    anonymous_id = serializers.RegexField(
        r"^[0-9a-f]{32}$",
        required=False,
        help_text=_(
            "A signed-out app's own visitor id (32 lowercase hex digits); the site's "
            "JavaScript sends the visitor cookie instead."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # a form-style parameter given empty counts as absent for DRF; here it is malformed
        if "anonymous_id" in self.initial_data and not attrs.get("anonymous_id"):
            raise serializers.ValidationError(
                {"anonymous_id": [_("Send 32 lowercase hex digits, or leave it out.")]}
            )
        return attrs


class ExperimentAssignmentOut(serializers.Serializer):
    experiment = serializers.CharField()
    variant = serializers.CharField()
    reason = serializers.ChoiceField(choices=["assigned", "winner", "not_running", "unknown"])
    exposed_at = serializers.DateTimeField(allow_null=True)
