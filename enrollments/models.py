"""Who is enrolled in what, and how far they got."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
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
    # RESTRICT: a cohort that people are enrolled in is archived, not deleted (its start
    # date times their lessons); deleting the whole course still deletes both.
    cohort = models.ForeignKey(
        "enrollments.Cohort",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="enrollments",
        verbose_name=_("cohort"),
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


class Cohort(models.Model):
    """A dated run of a course: students enrolled in it start together, and lessons released
    "N days after enrolling" count from ``starts_at``. ``capacity`` None is unlimited."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("name"), max_length=120)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for unlimited seats.")
    )
    opens_at = models.DateTimeField(
        _("enrollment opens"), null=True, blank=True, help_text=_("Empty: open now.")
    )
    closes_at = models.DateTimeField(
        _("enrollment closes"), null=True, blank=True, help_text=_("Empty: open until it ends.")
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Unticked: archived, no new enrollments.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ("starts_at", "id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="cohort_ends_after_start",
                violation_error_message=_("A cohort ends after it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="cohort_window_closes_after_open",
                violation_error_message=_("Enrollment closes after it opens."),
            ),
            models.UniqueConstraint(
                Lower("name"),
                "course",
                name="cohort_unique_name_in_course",
                violation_error_message=_("This course already has a cohort with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def enrollment_open(self, now: datetime) -> bool:
        """Takes enrollments at ``now``: active, inside its window, not over."""
        return (
            self.is_active
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
            and now < self.ends_at
        )


class WaitlistEntry(models.Model):
    """A student waiting for a seat in a full cohort. Promotion goes in (created_at, id)
    order; an offer (paid courses) holds a seat until ``offer_expires_at``."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Seat offered")
        ENROLLED = "enrolled", _("Enrolled")
        LEFT = "left", _("Left the waitlist")
        EXPIRED = "expired", _("Offer expired")
        DECLINED = "declined", _("Offer declined")

    OPEN_STATUSES = (Status.WAITING, Status.OFFERED)

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="waitlist")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user"],
                condition=models.Q(status__in=["waiting", "offered"]),
                name="waitlist_unique_open_entry",
            )
        ]
        indexes = [
            models.Index(fields=["cohort", "status", "created_at", "id"]),
            models.Index(fields=["status", "offer_expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} waiting for {self.cohort_id}"


class EnrollmentImport(models.Model):
    """One upload of a CSV of people to enroll (enrollments/imports/), run as a job.

    The file is kept as uploaded (decoded text) for the run and the error report; counts and
    row outcomes grow batch by batch (``processed_rows``), so a run that is interrupted goes
    on from the last committed batch.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="enrollment_imports",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    source = models.TextField(_("file contents"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows done"), default=0)
    enrolled_count = models.PositiveIntegerField(_("enrolled"), default=0)
    invited_count = models.PositiveIntegerField(_("accounts invited"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    # [{"row": 3, "error": "..."}], rows numbered from the first under the header
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    skipped = models.JSONField(_("skipped rows"), default=list, blank=True)
    error = models.TextField(_("why the import failed"), blank=True)
    job = models.ForeignKey(
        "jobs.ProcessingJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrollment import")
        verbose_name_plural = _("enrollment imports")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.SUCCEEDED or not self.total_rows:
            return 100 if self.status == self.Status.SUCCEEDED else 0
        return min(100, (100 * self.processed_rows) // self.total_rows)


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
