"""Serializers of the analytics figures API (the dashboards' data, as the site shows it)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from analytics.selectors.rollups import PRESETS
from kalpla.api.serializers import InputSerializer


class AnalyticsPeriodIn(InputSerializer):
    """``days`` (a preset ending today) or ``from``/``to`` (both included; default the last
    30 days). A bad range is a 400 naming ``from``, ``to`` or ``days``."""

    days = serializers.ChoiceField(
        choices=PRESETS, required=False, help_text="The last 7, 30 or 90 days, today included."
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        # "from" is a Python keyword: declared here rather than as class attributes
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False, help_text="First day (YYYY-MM-DD, UTC). Default: 29 days before `to`."
        )
        fields["to"] = serializers.DateField(
            required=False, help_text="Last day, included (YYYY-MM-DD, UTC). Default: today."
        )
        return fields


class AnalyticsPeriodOut(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        fields["to"] = serializers.DateField()
        return fields


class AnalyticsHeadlineOut(serializers.Serializer):
    key = serializers.CharField(help_text="Stable name of the figure, e.g. `enrollments`.")
    label = serializers.CharField(  # type: ignore[assignment]  # a field, not Field.label
        help_text="The figure's name for people (translated)."
    )
    value = serializers.FloatField(
        allow_null=True, help_text="The figure over the period (null: nothing to measure)."
    )
    previous = serializers.FloatField(
        allow_null=True, help_text="The same figure over the previous period of equal length."
    )
    delta = serializers.FloatField(
        allow_null=True,
        help_text="Change from the previous period in percent (null when it was 0).",
    )
    unit = serializers.ChoiceField(
        choices=["", "ratio", "seconds", "stars"],
        help_text="How to read `value`: a count (empty), a 0..1 ratio, seconds or stars (1..5).",
    )


class AnalyticsSiteDayOut(serializers.Serializer):
    day = serializers.DateField()
    dau = serializers.IntegerField(help_text="Distinct signed-in people active that day.")
    wau = serializers.IntegerField(help_text="... in the 7 days ending that day.")
    mau = serializers.IntegerField(help_text="... in the 30 days ending that day.")
    signups = serializers.IntegerField()
    enrollments = serializers.IntegerField()
    completions = serializers.IntegerField()


class AnalyticsMoneyOut(serializers.Serializer):
    amount = serializers.CharField(help_text="Decimal string in major units.")
    currency = serializers.CharField(help_text="ISO 4217.")


@extend_schema_field(AnalyticsMoneyOut)
class _MoneyField(serializers.Field):
    """An amount of the row (a decimal string) with the row's currency."""

    def __init__(self, key: str, **kwargs: Any) -> None:
        self.key = key
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> dict[str, str]:
        return {"amount": value[self.key], "currency": value["currency"]}


class AnalyticsRevenueOut(serializers.Serializer):
    currency = serializers.CharField()
    payments = serializers.IntegerField()
    revenue = _MoneyField("revenue")
    refunds = serializers.IntegerField()
    refunded = _MoneyField("refunded")
    net = _MoneyField("net", help_text="Revenue less refunds.")
    previous_net = _MoneyField("previous_net", help_text="Net over the previous period.")
    delta = serializers.FloatField(allow_null=True, help_text="Net change in percent.")


class AnalyticsFunnelStepOut(serializers.Serializer):
    step = serializers.ChoiceField(choices=["catalogue", "course_page", "enrolled", "paid"])
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    people = serializers.IntegerField(help_text="Distinct people who took this step.")
    of_previous = serializers.FloatField(allow_null=True, help_text="Share of the step before.")
    of_first = serializers.FloatField(allow_null=True, help_text="Share of the first step.")


class AnalyticsOverviewOut(serializers.Serializer):
    period = AnalyticsPeriodOut()
    previous = AnalyticsPeriodOut()
    headline = AnalyticsHeadlineOut(many=True)
    daily = AnalyticsSiteDayOut(many=True)
    revenue = AnalyticsRevenueOut(many=True, help_text="Per currency (never added together).")
    funnel = AnalyticsFunnelStepOut(many=True)


class AnalyticsCourseFiguresOut(serializers.Serializer):
    enrollments = serializers.IntegerField()
    active_learners = serializers.IntegerField(help_text="Distinct learners with any activity.")
    completions = serializers.IntegerField()
    completion_rate = serializers.FloatField(
        allow_null=True, help_text="Completions / enrollments in the period (0..1)."
    )
    lesson_views = serializers.IntegerField()
    watch_seconds = serializers.IntegerField(help_text="Video watched, seconds.")
    quiz_submissions = serializers.IntegerField()
    average_score = serializers.FloatField(allow_null=True, help_text="0..1")
    ratings = serializers.IntegerField()
    average_rating = serializers.FloatField(allow_null=True, help_text="Stars 1..5")


class AnalyticsCourseRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()


class AnalyticsCourseSummaryOut(AnalyticsCourseRefOut):
    figures = AnalyticsCourseFiguresOut(help_text="Over the period asked for.")


class AnalyticsCourseDayOut(serializers.Serializer):
    day = serializers.DateField()
    enrollments = serializers.IntegerField()
    active_learners = serializers.IntegerField()
    completions = serializers.IntegerField()
    lesson_views = serializers.IntegerField()
    watch_seconds = serializers.IntegerField()
    quiz_submissions = serializers.IntegerField()
    average_score = serializers.FloatField(allow_null=True)
    ratings = serializers.IntegerField()
    average_rating = serializers.FloatField(allow_null=True)


class AnalyticsCourseOverviewOut(serializers.Serializer):
    course = AnalyticsCourseRefOut()
    period = AnalyticsPeriodOut()
    previous = AnalyticsPeriodOut()
    headline = AnalyticsHeadlineOut(many=True)
    daily = AnalyticsCourseDayOut(many=True)


class AnalyticsLessonDropoffOut(serializers.Serializer):
    position = serializers.IntegerField(help_text="1-based place in the outline.")
    lesson_id = serializers.IntegerField()
    module = serializers.CharField()
    title = serializers.CharField()
    views = serializers.IntegerField()
    completed = serializers.IntegerField(help_text="Learners who completed it in the period.")
    of_first = serializers.FloatField(
        allow_null=True, help_text="Share of the first lesson's completions (0..1)."
    )
    drop_from_previous = serializers.IntegerField(
        allow_null=True, help_text="Completions lost since the lesson before (null: first)."
    )
