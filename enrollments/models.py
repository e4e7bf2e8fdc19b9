"""Who is enrolled in what, and how far they got."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        # Access paused (a lapsed plan): progress is kept and comes back with the plan.
        SUSPENDED = "suspended", _("Suspended")

    class Source(models.TextChoices):
        FREE = "free", _("Free enrolment")
        PAID = "paid", _("Payment")
        STAFF = "staff", _("Granted by staff")
        IMPORT = "import", _("Imported")
        PLAN = "plan", _("Subscription plan")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="enrollments"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.FREE
    )
    # What granted a paid enrollment ("order:12", "pass:subscription:5"): a refund or a lapsed
    # plan takes back exactly what it granted (enrollments.grants).
    grant_reference = models.CharField(
        _("granted by"), max_length=64, blank=True, default="", db_index=True
    )
    progress_percent = models.PositiveSmallIntegerField(_("progress"), default=0)
    last_lesson = models.ForeignKey(
        "courses.Lesson", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrollment_unique_user_course")
        ]
        indexes = [models.Index(fields=["user", "status", "-last_viewed_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id}"

    @property
    def has_new_lessons(self) -> bool:
        """Completed, and lessons were published since: progress counts them."""
        return self.status == self.Status.COMPLETED and self.progress_percent < 100


class LessonProgress(models.Model):
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey("courses.Lesson", on_delete=models.CASCADE, related_name="+")
    position_seconds = models.FloatField(_("position"), default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "lesson"], name="progress_unique_lesson")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}/{self.lesson_id}"


class AccessPass(models.Model):
    """Access to a set of courses (or the whole catalogue) that something above granted.

    A subscription plan holds one per subscriber (reference "subscription:<id>"). While the
    pass is live, the paid courses it covers enroll like free ones (source "plan"); when it
    lapses those enrollments are suspended (progress kept) and they resume on renewal.
    Enrollments knows nothing of plans: the commerce app sets passes through
    ``enrollments.grants.access_pass_set``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_passes"
    )
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    all_courses = models.BooleanField(_("whole catalogue"), default=False)
    courses = models.ManyToManyField("courses.Course", blank=True, related_name="+")
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("access pass")
        verbose_name_plural = _("access passes")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["user", "is_active"])]

    def __str__(self) -> str:
        return self.reference
