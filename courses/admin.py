"""Courses in the admin. Workflow changes (publish, return to draft, archive) and review
moderation go through the services, so the admin notifies people like the site does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from courses.models import Category, Course, Lesson, Module, Resource, Review, Tag
from courses.services import authoring
from courses.services.changes import course_changed
from courses.services.reviews import review_hide
from kalpla.exceptions import ApplicationError

if TYPE_CHECKING:
    from accounts.models import User


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    """A name per language (English, Hindi); an empty Hindi name shows the English one."""

    list_display = ("name", "slug", "parent", "order")
    list_editable = ("order",)
    list_select_related = ("parent",)
    search_fields = ("name_en", "name_hi", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class FreeFilter(admin.SimpleListFilter):
    title = _("price")
    parameter_name = "free"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Free")), ("no", _("Paid"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(price=0)
        if self.value() == "no":
            return queryset.filter(price__gt=0)
        return queryset


def _course_of(form: forms.ModelForm, data: dict[str, Any]) -> Course | None:
    module = data.get("module") or getattr(form.instance, "module", None)
    course = data.get("course") or (module.course if module is not None else None)
    return course if course is not None else getattr(form.instance, "course", None)


class LessonPublishForm(forms.ModelForm):
    """Staff publishing a lesson in the admin meet the rule mentors meet in the outline editor:
    in a course students can open, a lesson with nothing to show stays a draft."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lesson = self.instance
        publishing = data.get("is_published") and (
            lesson.pk is None or "is_published" in self.changed_data
        )
        course = _course_of(self, data)
        if not publishing or course is None or course.status != Course.Status.PUBLISHED:
            return data
        candidate = Lesson(
            pk=lesson.pk,
            kind=data.get("kind", lesson.kind),
            content=data.get("content", lesson.content),
            media=data.get("media") or lesson.media,
            media_status=lesson.media_status,
        )
        if not authoring.lesson_has_content(lesson=candidate):
            self.add_error(
                "is_published",
                gettext(
                    "This lesson has nothing to show yet: add its text, or wait until its "
                    "media is ready, before publishing it."
                ),
            )
        return data


class ModulePublishForm(forms.ModelForm):
    """Publishing a module in the admin: its published lessons must each have something."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        module = self.instance
        course = data.get("course") or getattr(module, "course", None)
        if (
            module.pk is None
            or not data.get("is_published")
            or "is_published" not in self.changed_data
            or course is None
            or course.status != Course.Status.PUBLISHED
        ):
            return data
        lessons = module.lessons.filter(is_published=True).prefetch_related("resources")
        empty = [
            lesson.title for lesson in lessons if not authoring.lesson_has_content(lesson=lesson)
        ]
        if empty:
            self.add_error(
                "is_published",
                gettext(
                    "These lessons have nothing to show yet: add their text or media, or take "
                    "them back to draft, before publishing the module: %(titles)s."
                )
                % {"titles": ", ".join(empty)},
            )
        return data


class ModuleInline(admin.TabularInline):
    model = Module
    form = ModulePublishForm
    fields = ("title", "order", "is_published")
    extra = 0
    show_change_link = True


def _run(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Course], step: Any
) -> None:
    """Apply a workflow step to each selected course; report what worked and what not."""
    done, failed = 0, []
    user = request.user
    assert isinstance(user, get_user_model())
    for course in queryset:
        try:
            step(user=user, course=course)
        except (ApplicationError, ValidationError) as exc:
            message = exc.message if isinstance(exc, ApplicationError) else "; ".join(exc.messages)
            failed.append(f"{course.title}: {message}")
        else:
            done += 1
    if done:
        model_admin.message_user(
            request, gettext("%(count)d course(s) updated.") % {"count": done}, messages.SUCCESS
        )
    for line in failed:
        model_admin.message_user(request, line, messages.WARNING)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "status",
        "instructor_names",
        "enrollment_count",
        "rating_average",
        "published_at",
    )
    list_filter = ("status", "category", "level", "language", FreeFilter)
    search_fields = ("title", "slug")
    list_select_related = ("category",)
    readonly_fields = (
        "status",
        "published_at",
        "rating_average",
        "rating_count",
        "enrollment_count",
        "thumbnails",
        "created_by",
        "created_at",
        "updated_at",
    )
    filter_horizontal = ("tags",)
    autocomplete_fields = ("instructors", "prerequisites")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ModuleInline]
    actions = ["publish", "return_to_draft", "archive"]
    date_hierarchy = "published_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Course]:
        return super().get_queryset(request).prefetch_related("instructors")

    @admin.display(description=_("instructors"))
    def instructor_names(self, course: Course) -> str:
        return ", ".join(user.display_name for user in course.instructors.all()) or "-"

    @admin.action(description=_("Publish the selected courses (in review)"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        _run(self, request, queryset, authoring.course_publish)

    @admin.action(description=_("Return the selected courses to draft"))
    def return_to_draft(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        def step(*, user: User, course: Course) -> None:
            authoring.course_return_to_draft(
                user=user, course=course, note=gettext("Returned to draft by staff.")
            )

        _run(self, request, queryset, step)

    @admin.action(description=_("Archive the selected courses"))
    def archive(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        _run(self, request, queryset, authoring.course_archive)

    def save_model(self, request: HttpRequest, obj: Course, form: Any, change: bool) -> None:
        if not change and obj.created_by_id is None and isinstance(request.user, get_user_model()):
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        course_changed(course=form.instance)


class LessonInline(admin.TabularInline):
    model = Lesson
    form = LessonPublishForm
    fields = ("title", "kind", "order", "is_preview", "is_published", "duration", "media_status")
    readonly_fields = ("media_status",)
    extra = 0
    show_change_link = True


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    form = ModulePublishForm
    list_display = ("title", "course", "order", "is_published", "lesson_count")
    list_filter = ("is_published",)
    list_select_related = ("course",)
    search_fields = ("title", "course__title")
    autocomplete_fields = ("course",)
    inlines = [LessonInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Module]:
        return super().get_queryset(request).annotate(lessons_total=Count("lessons"))

    @admin.display(description=_("lessons"), ordering="lessons_total")
    def lesson_count(self, module: Module) -> int:
        return int(getattr(module, "lessons_total", 0))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for instance in formset.save(commit=False):
            if isinstance(instance, Lesson) and instance.course_id is None:
                instance.course_id = form.instance.course_id
            instance.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()
        authoring.course_content_saved(course=form.instance.course)


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = LessonPublishForm
    list_display = (
        "title", "course", "module", "kind", "media_status", "is_preview", "is_published",
        "duration",
    )  # fmt: skip
    list_filter = ("kind", "media_status", "is_preview", "is_published")
    list_select_related = ("course", "module")
    search_fields = ("title", "course__title", "module__title")
    autocomplete_fields = ("course", "module")
    readonly_fields = ("media_status", "announced_at", "created_at", "updated_at")

    def save_model(self, request: HttpRequest, obj: Lesson, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        authoring.course_content_saved(course=obj.course)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("course", "user", "rating", "is_hidden", "sentiment", "created_at")
    list_filter = ("is_hidden", "rating")
    list_select_related = ("course", "user")
    search_fields = ("course__title", "user__email", "text")
    readonly_fields = ("sentiment", "sentiment_score", "created_at", "updated_at")
    raw_id_fields = ("course", "user", "replied_by")
    actions = ["hide", "unhide"]

    def _set_hidden(self, request: HttpRequest, queryset: QuerySet[Review], hidden: bool) -> None:
        user = request.user
        assert isinstance(user, get_user_model())
        count = 0
        try:
            for review in queryset.select_related("course"):
                review_hide(review=review, by=user, hidden=hidden)
                count += 1
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, gettext("%(count)d review(s) updated.") % {"count": count})

    @admin.action(description=_("Hide the selected reviews"))
    def hide(self, request: HttpRequest, queryset: QuerySet[Review]) -> None:
        self._set_hidden(request, queryset, True)

    @admin.action(description=_("Show the selected reviews again"))
    def unhide(self, request: HttpRequest, queryset: QuerySet[Review]) -> None:
        self._set_hidden(request, queryset, False)


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("title", "lesson", "course_title", "created_at")
    list_select_related = ("lesson__course",)
    search_fields = ("title", "lesson__title", "lesson__course__title")
    raw_id_fields = ("lesson",)

    @admin.display(description=_("course"), ordering="lesson__course__title")
    def course_title(self, resource: Resource) -> str:
        return resource.lesson.course.title
