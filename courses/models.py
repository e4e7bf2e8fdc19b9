"""Catalogue content: categories, courses, modules, lessons, resources and reviews."""

import uuid
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_timezone


def _unique_name(prefix: str, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"courses/{prefix}/{uuid.uuid4().hex}.{suffix[:8]}"


def cover_upload_to(instance: models.Model, filename: str) -> str:
    return _unique_name("covers", filename)


def pending_cover_upload_to(instance: models.Model, filename: str) -> str:
    # Not under courses/covers/, which development serves publicly: a cover waiting for a
    # moderator stays private.
    return _unique_name("pending-covers", filename)


def lesson_media_upload_to(instance: models.Model, filename: str) -> str:
    return _unique_name("media", filename)


def resource_upload_to(instance: models.Model, filename: str) -> str:
    return _unique_name("resources", filename)


# django-modeltranslation swaps the managers' classes for classes it makes at start-up
# (courses/translation.py), which the type checker cannot resolve.
class Category(models.Model):  # type: ignore[django-manager-missing]
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ("order", "name")

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    slug = models.SlugField(_("slug"), unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")
        ALL = "all", _("All levels")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    description = models.TextField(_("description (Markdown)"), blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.ALL)
    language = models.CharField(_("language"), max_length=10, default="en")
    # Dates of the course's quizzes and assignments are entered and shown in this zone.
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_("Quiz and assignment dates are set in this time zone."),
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="courses"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="courses")
    cover = models.ImageField(_("cover image"), upload_to=cover_upload_to, blank=True)
    thumbnails = models.JSONField(_("thumbnails"), default=dict, blank=True)
    # A new cover waits here, unseen by the public, until the image check or a moderator
    # clears it (courses.services.media); the current cover stays up meanwhile.
    cover_pending = models.ImageField(
        _("cover waiting for review"), upload_to=pending_cover_upload_to, blank=True
    )
    price = models.DecimalField(
        _("price"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="INR")
    # Students pick one of the course's cohorts (enrollments.Cohort) to enroll.
    requires_cohort = models.BooleanField(
        _("students enroll in a cohort"),
        default=False,
        help_text=_("Students choose one of the course's cohorts (dated runs) when enrolling."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="taught_courses"
    )
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_for"
    )
    estimated_duration = models.PositiveIntegerField(_("estimated duration (seconds)"), default=0)
    # Maintained by services so catalogue pages read them without aggregating.
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0"))
    rating_count = models.PositiveIntegerField(default=0)
    enrollment_count = models.PositiveIntegerField(default=0)
    search_document = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ("-published_at", "-created_at")
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    # The values the row had when it was read (Django's "customizing model loading"): the
    # cache's receivers compare them on save to tell a catalogue-wide change from a local one.
    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> "Course":
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    def loaded_values(self) -> dict[str, Any] | None:
        """Field values (by attname) as last read or saved; None for a new instance."""
        return getattr(self, "_loaded_values", None)

    def remember_loaded_values(self) -> None:
        self._loaded_values = {
            f.attname: getattr(self, f.attname)
            for f in self._meta.concrete_fields
            if f.attname in self.__dict__  # deferred fields are left out
        }

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ModuleQuerySet(models.QuerySet["Module"]):
    def visible(self) -> "ModuleQuerySet":
        """Modules students see: published ones (drafts are for their course's mentors)."""
        return self.filter(is_published=True)


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    # New modules of a published course start as drafts (courses.services.authoring).
    is_published = models.BooleanField(_("published"), default=True)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ("course", "order", "id")

    def __str__(self) -> str:
        return self.title


class LessonQuerySet(models.QuerySet["Lesson"]):
    def visible(self) -> "LessonQuerySet":
        """Lessons students see and progress counts: published, in a published module."""
        return self.filter(is_published=True, module__is_published=True)


class Lesson(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Audio")
        TEXT = "text", _("Text")
        FILE = "file", _("File resource")
        QUIZ = "quiz", _("Quiz")
        ASSIGNMENT = "assignment", _("Assignment")

    class Release(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        AFTER_DAYS = "after_days", _("Days after enrolment")
        ON_DATE = "on_date", _("On a date")

    class MediaStatus(models.TextChoices):
        NONE = "none", _("No media")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class CaptionsState(models.TextChoices):
        NONE = "none", _("No captions")
        NO_SPEECH = "no_speech", _("No speech found")
        DRAFT = "draft", _("Automatic draft, review it")
        REVIEWED = "reviewed", _("Reviewed")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TEXT)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_preview = models.BooleanField(_("free preview"), default=False)
    is_required = models.BooleanField(_("required for completion"), default=True)
    duration = models.PositiveIntegerField(_("duration (seconds)"), default=0)
    release = models.CharField(
        _("release"), max_length=12, choices=Release.choices, default=Release.IMMEDIATE
    )
    release_days = models.PositiveIntegerField(_("days after enrolment"), default=0)
    release_date = models.DateTimeField(_("release date"), null=True, blank=True)
    content = models.TextField(_("content (Markdown)"), blank=True)
    media = models.FileField(_("media file"), upload_to=lesson_media_upload_to, blank=True)
    media_status = models.CharField(
        max_length=12, choices=MediaStatus.choices, default=MediaStatus.NONE
    )
    captions = models.FileField(
        _("captions (WebVTT)"), upload_to=lesson_media_upload_to, blank=True
    )
    captions_state = models.CharField(
        _("captions state"), max_length=12, choices=CaptionsState.choices, default="none"
    )
    transcript = models.TextField(_("transcript"), blank=True)
    narration = models.FileField(_("narration audio"), upload_to=lesson_media_upload_to, blank=True)
    poster = models.ImageField(_("poster"), upload_to=lesson_media_upload_to, blank=True)
    # New lessons of a published course start as drafts (courses.services.authoring).
    is_published = models.BooleanField(_("published"), default=True)
    # When students were told about the lesson: at most once, however often it is republished.
    announced_at = models.DateTimeField(_("announced to students"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ("module__order", "order", "id")
        indexes = [models.Index(fields=["course", "module", "order"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_visible(self) -> bool:
        """Published in a published module (reads ``module``: have it loaded)."""
        return self.is_published and self.module.is_published


class Resource(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=resource_upload_to)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ("id",)

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_reviews"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("review"), blank=True, max_length=5000)
    sentiment = models.CharField(_("sentiment"), max_length=16, blank=True)
    sentiment_score = models.FloatField(null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    # Held by the automatic check or pre-moderation: off the course page until approved.
    is_held = models.BooleanField(_("held for review"), default=False)
    reply = models.TextField(_("instructor reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="review_one_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ on {self.course_id}"
