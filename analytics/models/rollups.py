"""Daily rollups of the event stream: what the dashboards read (never the raw events).

One service (``analytics.services.rollups.rollup_day``) rewrites a day's rows of every table
here in one transaction (delete + insert), so a day can be recomputed any number of times.

Sums over a range are exact for counts and totals (enrollments, views, seconds, points).
Distinct people are not: the learners active on Monday and on Tuesday are not the sum of both
days' counts. For those the rollups keep one compact row per person and day
(``PersonDay`` for the platform, ``CourseLearnerDay`` per course), so "active learners from
the 3rd to the 27th" is one COUNT(DISTINCT) over a few thousand small rows, never a scan of
the events. Each completion keeps its own row (``CourseCompletion``) for the median time.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class SiteDay(models.Model):
    """The platform's figures for one day (UTC). WAU and MAU: distinct signed-in people with
    any event in the 7 and 30 days ending that day."""

    day = models.DateField(_("day"), unique=True)
    dau = models.PositiveIntegerField(_("daily active users"), default=0)
    wau = models.PositiveIntegerField(_("weekly active users"), default=0)
    mau = models.PositiveIntegerField(_("monthly active users"), default=0)
    signups = models.PositiveIntegerField(_("sign-ups"), default=0)
    enrollments = models.PositiveIntegerField(_("enrollments"), default=0)
    completions = models.PositiveIntegerField(_("course completions"), default=0)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("platform day")
        verbose_name_plural = _("platform days")
        ordering = ("-day",)

    def __str__(self) -> str:
        return str(self.day)


class RevenueDay(models.Model):
    """Money in and out on one day, per currency (amounts in major units)."""

    day = models.DateField(_("day"))
    currency = models.CharField(_("currency"), max_length=3)
    payments = models.PositiveIntegerField(_("payments"), default=0)
    revenue = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2, default=Decimal(0))
    refunds = models.PositiveIntegerField(_("refunds"), default=0)
    refunded = models.DecimalField(
        _("refunded amount"), max_digits=14, decimal_places=2, default=Decimal(0)
    )

    class Meta:
        verbose_name = _("revenue day")
        verbose_name_plural = _("revenue days")
        ordering = ("-day", "currency")
        constraints = [
            models.UniqueConstraint(fields=("day", "currency"), name="analytics_revenue_day_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.currency}"


class PersonDay(models.Model):
    """One person seen on one day and the funnel steps they took that day.

    ``person`` is ``u:<user id>`` for a signed-in actor and ``a:<visitor id>`` for an
    anonymous one (a visitor who signs up later counts as a second person: events do not say
    who an anonymous visitor became)."""

    day = models.DateField(_("day"))
    person = models.CharField(_("person"), max_length=80)
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    catalogue = models.BooleanField(_("viewed the catalogue"), default=False)
    course_page = models.BooleanField(_("viewed a course page"), default=False)
    enrolled = models.BooleanField(_("enrolled"), default=False)
    paid = models.BooleanField(_("paid"), default=False)

    class Meta:
        verbose_name = _("person day")
        verbose_name_plural = _("person days")
        constraints = [
            models.UniqueConstraint(fields=("day", "person"), name="analytics_person_day_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.person}"


class CourseDay(models.Model):
    """One course's figures for one day. Averages are kept as sums and counts so that any
    range's average is exact."""

    course_id = models.BigIntegerField(_("course id"))
    day = models.DateField(_("day"))
    enrollments = models.PositiveIntegerField(_("enrollments"), default=0)
    active_learners = models.PositiveIntegerField(_("active learners"), default=0)
    completions = models.PositiveIntegerField(_("completions"), default=0)
    lesson_views = models.PositiveIntegerField(_("lesson views"), default=0)
    watch_seconds = models.BigIntegerField(_("watch time (s)"), default=0)
    quiz_submissions = models.PositiveIntegerField(_("quiz submissions"), default=0)
    quiz_graded = models.PositiveIntegerField(_("quizzes graded"), default=0)
    quiz_score_sum = models.FloatField(_("sum of quiz scores"), default=0.0)
    ratings = models.PositiveIntegerField(_("ratings"), default=0)
    rating_sum = models.PositiveIntegerField(_("sum of stars"), default=0)

    class Meta:
        verbose_name = _("course day")
        verbose_name_plural = _("course days")
        ordering = ("-day", "course_id")
        constraints = [
            models.UniqueConstraint(fields=("course_id", "day"), name="analytics_course_day_uniq")
        ]
        # the rollup rewrites a day of every course (PostgreSQL 15 has no skip scan)
        indexes = [models.Index(fields=("day",), name="analytics_course_day_day")]

    def __str__(self) -> str:
        return f"course {self.course_id} {self.day}"


class CourseLearnerDay(models.Model):
    """A learner active in a course on a day (any event of the course): exact distinct
    active learners over any range."""

    course_id = models.BigIntegerField(_("course id"))
    day = models.DateField(_("day"))
    user_id = models.BigIntegerField(_("user id"))

    class Meta:
        verbose_name = _("course learner day")
        verbose_name_plural = _("course learner days")
        constraints = [
            models.UniqueConstraint(
                fields=("course_id", "day", "user_id"), name="analytics_course_learner_day_uniq"
            )
        ]
        indexes = [models.Index(fields=("day",), name="analytics_learner_day_day")]

    def __str__(self) -> str:
        return f"course {self.course_id} {self.day} user {self.user_id}"


class CourseLessonDay(models.Model):
    """A lesson's views and first completions on a day (drop-off over the outline)."""

    course_id = models.BigIntegerField(_("course id"))
    lesson_id = models.BigIntegerField(_("lesson id"))
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)
    completions = models.PositiveIntegerField(_("completions"), default=0)

    class Meta:
        verbose_name = _("lesson day")
        verbose_name_plural = _("lesson days")
        constraints = [
            models.UniqueConstraint(
                fields=("course_id", "day", "lesson_id"), name="analytics_lesson_day_uniq"
            )
        ]
        indexes = [models.Index(fields=("day",), name="analytics_lesson_day_day")]

    def __str__(self) -> str:
        return f"lesson {self.lesson_id} {self.day}"


class CourseCompletion(models.Model):
    """One course completion and how long it took from enrollment (median time to complete)."""

    course_id = models.BigIntegerField(_("course id"))
    day = models.DateField(_("day"))
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    duration_seconds = models.BigIntegerField(_("time to complete (s)"), null=True, blank=True)

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        indexes = [
            models.Index(fields=("course_id", "day"), name="analytics_completion_day"),
            models.Index(fields=("day",), name="analytics_completion_day_day"),
        ]

    def __str__(self) -> str:
        return f"course {self.course_id} {self.day} user {self.user_id}"
