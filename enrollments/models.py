"""Who is enrolled in what, and how far they got."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        FREE = "free", _("Free enrolment")
        PAID = "paid", _("Payment")
        STAFF = "staff", _("Granted by staff")
        IMPORT = "import", _("Imported")

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
