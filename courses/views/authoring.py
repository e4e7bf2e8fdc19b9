"""Authoring pages under /courses/teach/: mentors build courses, staff review them.

Every change is a POST form that works without JavaScript; static/js/upload.js adds direct
uploads with a progress bar and htmx refreshes the media status while jobs run.
"""

import copy
from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import signed_in_user
from courses import policies
from courses.activities import lesson_activity
from courses.file_links import course_cover_link, lesson_preview_link
from courses.forms import (
    CaptionsForm,
    CaptionsUploadForm,
    CourseForm,
    CoverForm,
    LessonCreateForm,
    LessonForm,
    MediaUploadForm,
    ModuleForm,
    ModuleRenameForm,
    MoveForm,
    PublishForm,
    ReorderForm,
    RerunForm,
    ResourceForm,
    ReturnToDraftForm,
)
from courses.guards import AuthoringDenied
from courses.models import Course, Lesson, Module
from courses.selectors.authoring import (
    course_get_for_editing,
    course_outline_for_editing,
    lesson_get_for_editing,
    module_get_for_editing,
    resource_get_for_editing,
    review_queue,
    teach_course_list,
)
from courses.services import authoring, media
from kalpla.errors import service_run
from kalpla.exceptions import error_body

ACCEPT = {
    "video": "video/mp4,video/webm,video/quicktime",
    "audio": "audio/mpeg,audio/wav,audio/ogg,audio/mp4,audio/webm",
    "document": ".pdf,.docx,.xlsx,.pptx,.zip,.txt",
    "image": "image/jpeg,image/png,image/webp",
}


# --- helpers ----------------------------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _require_author(request: HttpRequest) -> None:
    if not policies.course_can_create(user=signed_in_user(request)):
        raise AuthoringDenied(_("Only mentors can teach courses."))


# The authoring selectors give a page its object only for someone who may edit it (403 for
# others): the views check nothing themselves.


def _editable_course(request: HttpRequest, slug: str) -> Course:
    return course_get_for_editing(slug=slug, user=signed_in_user(request))


def _editable_lesson(request: HttpRequest, lesson_id: int) -> Lesson:
    return lesson_get_for_editing(lesson_id=lesson_id, user=signed_in_user(request))


def _editable_module(request: HttpRequest, module_id: int) -> Module:
    return module_get_for_editing(module_id=module_id, user=signed_in_user(request))


def _outline_url(course: Course, anchor: str = "") -> str:
    url = reverse("courses:teach_outline", kwargs={"slug": course.slug})
    return f"{url}#{anchor}" if anchor else url


def _lesson_url(lesson: Lesson, anchor: str = "") -> str:
    url = reverse("courses:teach_lesson", kwargs={"lesson_id": lesson.pk})
    return f"{url}#{anchor}" if anchor else url


def clock(seconds: int) -> str:
    """mm:ss, or h:mm:ss from an hour on."""
    hours, rest = divmod(max(int(seconds or 0), 0), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def preview_url(lesson: Lesson) -> str:
    """The student's player in preview mode (instructors pass the access rule)."""
    url = reverse("courses:lesson", kwargs={"slug": lesson.course.slug, "lesson_id": lesson.pk})
    return f"{url}?preview=1"


# --- my courses -------------------------------------------------------------------------------


@login_required
@require_GET
def teach_home(request: HttpRequest) -> HttpResponse:
    _require_author(request)
    courses = list(teach_course_list(user=signed_in_user(request)))
    is_staff = policies.course_can_review(user=signed_in_user(request))
    in_review = review_queue().count() if is_staff else 0
    return render(
        request,
        "courses/teach/course_list.html",
        {"courses": courses, "is_staff": is_staff, "in_review": in_review},
    )


def _course_data(form: forms.BaseForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.fields if name in form.cleaned_data}


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    _require_author(request)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = service_run(
            request,
            partial(authoring.course_create, user=signed_in_user(request), **_course_data(form)),
            form=form,
            success=lambda course: (
                _("Course “%(title)s” created. Add its modules and lessons.")
                % {"title": course.title}
            ),
        )
        if done.ok:
            return redirect(_outline_url(done.result))
    return render(request, "courses/teach/course_form.html", {"form": form, "course": None})


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, slug: str) -> HttpResponse:
    course = _editable_course(request, slug)
    form = CourseForm(request.POST or None, instance=copy.copy(course))
    if request.method == "POST" and form.is_valid():
        user, data = signed_in_user(request), _course_data(form)
        update = partial(authoring.course_update, user=user, course=course, data=data)
        if service_run(request, update, form=form, success=_("Course details saved.")).ok:
            return redirect("courses:teach_course", slug=course.slug)
    return render(request, "courses/teach/course_form.html", _course_context(request, course, form))


def _course_context(request: HttpRequest, course: Course, form: forms.BaseForm) -> dict[str, Any]:
    return {
        "form": form,
        "course": course,
        "cover_form": CoverForm(),
        "cover_url": course_cover_link(course=course),
        "pending_cover_url": course_cover_link(course=course, pending=True),
        "accept_image": ACCEPT["image"],
        "is_staff": policies.course_can_review(user=signed_in_user(request)),
        "return_form": ReturnToDraftForm(),
    }


@login_required
@require_POST
def course_cover(request: HttpRequest, slug: str) -> HttpResponse:
    course = _editable_course(request, slug)
    user, key = signed_in_user(request), request.POST.get("key", "")

    def save() -> Course:
        if key:
            return media.course_cover_attach(user=user, course=course, key=key)
        cover_form = CoverForm(request.POST, request.FILES)
        if not cover_form.is_valid():
            raise ValidationError(list(cover_form.errors["cover"]))
        return media.course_cover_upload(
            user=user, course=course, file=cover_form.cleaned_data["cover"]
        )

    wants_json = _wants_json(request)
    done = service_run(
        request,
        save,
        as_json=wants_json,
        success=_("Cover image saved. It goes up once the image check clears it."),
    )
    if not wants_json:
        return redirect("courses:teach_course", slug=course.slug)
    if not done.ok:
        return done.json()
    return JsonResponse({"message": _("Cover image saved."), "reload": True})


# --- workflow ---------------------------------------------------------------------------------


def _workflow(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    user = signed_in_user(request)
    course = course_get_for_editing(slug=slug, user=user)
    done = {
        "submit": _("Submitted for review. Staff will publish it or send it back with a note."),
        "archive": _("Course archived: it is no longer in the catalogue."),
        "publish": _("Course published. Its mentors have been told."),
        "return": _("Course returned to draft; its mentors see your note."),
    }

    def run() -> Course:
        if action == "submit":
            return authoring.course_submit_for_review(user=user, course=course)
        if action == "archive":
            return authoring.course_archive(user=user, course=course)
        if action == "publish":
            return authoring.course_publish(user=user, course=course)
        form = ReturnToDraftForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Write a note for the mentors."))
        return authoring.course_return_to_draft(
            user=user, course=course, note=form.cleaned_data["note"]
        )

    service_run(request, run, success=done[action])
    fallback = (
        reverse("courses:teach_review")
        if action in ("publish", "return")
        else reverse("courses:teach_course", kwargs={"slug": course.slug})
    )
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/courses/teach/") else fallback)


@login_required
@require_POST
def course_submit(request: HttpRequest, slug: str) -> HttpResponse:
    return _workflow(request, slug, "submit")


@login_required
@require_POST
def course_archive(request: HttpRequest, slug: str) -> HttpResponse:
    return _workflow(request, slug, "archive")


@login_required
@require_POST
def course_publish(request: HttpRequest, slug: str) -> HttpResponse:
    return _workflow(request, slug, "publish")


@login_required
@require_POST
def course_return(request: HttpRequest, slug: str) -> HttpResponse:
    return _workflow(request, slug, "return")


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    if not policies.course_can_review(user=signed_in_user(request)):
        raise AuthoringDenied(_("Only staff review courses."))
    return render(
        request,
        "courses/teach/review.html",
        {"courses": list(review_queue()), "return_form": ReturnToDraftForm()},
    )


# --- outline ----------------------------------------------------------------------------------


def _outline(
    request: HttpRequest,
    course: Course,
    *,
    module_form: forms.Form | None = None,
    lesson_forms: dict[int, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    lesson_forms = lesson_forms or {}
    rows: list[dict[str, Any]] = []
    lesson_count = 0
    for module in course_outline_for_editing(course=course):
        lessons: list[Lesson] = getattr(module, "lesson_list", [])
        lesson_count += len(lessons)
        items = [{"lesson": lesson, "duration": clock(lesson.duration)} for lesson in lessons]
        rows.append(
            {
                "module": module,
                "lessons": items,
                "lesson_form": lesson_forms.get(
                    module.pk, LessonCreateForm(prefix=f"m{module.pk}")
                ),
                "rename_form": ModuleRenameForm(
                    prefix=f"r{module.pk}", initial={"title": module.title}
                ),
            }
        )
    context = {
        "course": course,
        "rows": rows,
        "module_form": module_form or ModuleForm(),
        "lesson_count": lesson_count,
    }
    return render(request, "courses/teach/outline.html", context, status=status)


@login_required
@require_GET
def course_outline(request: HttpRequest, slug: str) -> HttpResponse:
    return _outline(request, _editable_course(request, slug))


@login_required
@require_POST
def module_add(request: HttpRequest, slug: str) -> HttpResponse:
    course = _editable_course(request, slug)
    form = ModuleForm(request.POST)
    if form.is_valid():
        user = signed_in_user(request)
        done = service_run(
            request,
            partial(authoring.module_create, user=user, course=course, **form.cleaned_data),
            form=form,
            success=lambda module: _("Module “%(title)s” added.") % {"title": module.title},
        )
        if done.ok:
            return redirect(_outline_url(course, f"module-{done.result.pk}"))
    return _outline(request, course, module_form=form, status=400)


@login_required
@require_POST
def module_rename(request: HttpRequest, module_id: int) -> HttpResponse:
    module = _editable_module(request, module_id)
    form = ModuleRenameForm(request.POST, prefix=f"r{module.pk}")
    if form.is_valid():
        user, title = signed_in_user(request), form.cleaned_data["title"]
        rename = partial(authoring.module_update, user=user, module=module, title=title)
        service_run(request, rename, success=_("Module renamed."))
    else:
        messages.error(request, _("Give the module a title."))
    return redirect(_outline_url(module.course, f"module-{module.pk}"))


@login_required
@require_POST
def module_delete(request: HttpRequest, module_id: int) -> HttpResponse:
    module = _editable_module(request, module_id)
    course, title = module.course, module.title
    authoring.module_delete(user=signed_in_user(request), module=module)
    messages.success(request, _("Module “%(title)s” deleted.") % {"title": title})
    return redirect(_outline_url(course))


@login_required
@require_POST
def module_move(request: HttpRequest, module_id: int) -> HttpResponse:
    module = _editable_module(request, module_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        authoring.module_move(
            user=signed_in_user(request), module=module, direction=form.cleaned_data["direction"]
        )
    return redirect(_outline_url(module.course, f"module-{module.pk}"))


def _reordered(
    request: HttpRequest, course: Course, anchor: str, save: Callable[[list[int]], None]
) -> HttpResponse:
    """Answer a drag-and-drop reorder: 204 (or a redirect without JS), 400 with the reason."""
    form = ReorderForm(request.POST)
    errors: list[str] = []
    if not form.is_valid():
        errors = [str(error) for error in form.errors["order"]]
    else:
        try:
            save(form.cleaned_data["order"])
        except ValidationError as exc:
            errors = exc.messages
    if _wants_json(request):
        if not errors:
            return HttpResponse(status=204)
        body = error_body(" ".join(errors), "invalid", {"order": errors})
        return JsonResponse(body, status=400)
    if errors:
        messages.error(request, " ".join(errors))
    else:
        messages.success(request, _("The new order is saved."))
    return redirect(_outline_url(course, anchor))


@login_required
@require_POST
def module_reorder(request: HttpRequest, slug: str) -> HttpResponse:
    course = _editable_course(request, slug)
    return _reordered(
        request,
        course,
        "",
        lambda ids: authoring.module_reorder(
            user=signed_in_user(request), course=course, module_ids=ids
        ),
    )


@login_required
@require_POST
def lesson_reorder(request: HttpRequest, module_id: int) -> HttpResponse:
    module = _editable_module(request, module_id)
    return _reordered(
        request,
        module.course,
        f"module-{module.pk}",
        lambda ids: authoring.lesson_reorder(
            user=signed_in_user(request), module=module, lesson_ids=ids
        ),
    )


@login_required
@require_POST
def lesson_add(request: HttpRequest, module_id: int) -> HttpResponse:
    module = _editable_module(request, module_id)
    form = LessonCreateForm(request.POST, prefix=f"m{module.pk}")
    if form.is_valid():
        user = signed_in_user(request)
        done = service_run(
            request,
            partial(authoring.lesson_create, user=user, module=module, **form.cleaned_data),
            form=form,
            success=lambda lesson: _("Lesson “%(title)s” added.") % {"title": lesson.title},
        )
        if done.ok:
            return redirect(_lesson_url(done.result))
    return _outline(request, module.course, lesson_forms={module.pk: form}, status=400)


@login_required
@require_POST
def lesson_move(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _editable_lesson(request, lesson_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        authoring.lesson_move(
            user=signed_in_user(request), lesson=lesson, direction=form.cleaned_data["direction"]
        )
    return redirect(_outline_url(lesson.course, f"lesson-{lesson.pk}"))


@login_required
@require_POST
def lesson_delete(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _editable_lesson(request, lesson_id)
    course, title = lesson.course, lesson.title
    authoring.lesson_delete(user=signed_in_user(request), lesson=lesson)
    messages.success(request, _("Lesson “%(title)s” deleted.") % {"title": title})
    return redirect(_outline_url(course))


def _publish_toggled(
    request: HttpRequest, target: Lesson | Module, save: Callable[..., Any]
) -> HttpResponse:
    """Answer a Publish / Unpublish form: back to the outline with what happened.
    ``save(user=..., published=...)`` is the service, bound to ``target``."""
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _outline(request, target.course, status=400)
    published = form.cleaned_data["published"]
    service_run(
        request,
        partial(save, user=signed_in_user(request), published=published),
        success=_("Published: students see it now.") if published else _("Back to draft."),
    )
    anchor = f"{'lesson' if isinstance(target, Lesson) else 'module'}-{target.pk}"
    return redirect(_outline_url(target.course, anchor))


@login_required
@require_POST
def lesson_publish(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _editable_lesson(request, lesson_id)
    return _publish_toggled(request, lesson, partial(authoring.lesson_set_published, lesson=lesson))


@login_required
@require_POST
def module_publish(request: HttpRequest, module_id: int) -> HttpResponse:
    module = _editable_module(request, module_id)
    return _publish_toggled(request, module, partial(authoring.module_set_published, module=module))


# --- lesson editor ----------------------------------------------------------------------------


def _lesson_context(request: HttpRequest, lesson: Lesson, **forms_: Any) -> dict[str, Any]:
    upload_kind = media.LESSON_UPLOAD_KINDS.get(Lesson.Kind(lesson.kind), "")
    activity = lesson_activity(lesson.kind)
    captions_form = forms_.get("captions_form") or CaptionsForm(
        initial={"vtt": media.lesson_captions_read(lesson=lesson)}
    )
    return {
        "lesson": lesson,
        "course": lesson.course,
        "module": lesson.module,
        "form": forms_.get("form") or LessonForm(instance=lesson),
        "upload_kind": upload_kind,
        "accept": ACCEPT.get(upload_kind, ""),
        "media_form": MediaUploadForm(),
        "captions_form": captions_form,
        "captions_upload_form": forms_.get("captions_upload_form") or CaptionsUploadForm(),
        "resource_form": forms_.get("resource_form") or ResourceForm(prefix="resource"),
        "resources": list(lesson.resources.all()),
        "preview_url": preview_url(lesson),
        "activity_link": activity.editor_link(lesson_id=lesson.pk) if activity else None,
        "shows_captions": lesson.kind in (Lesson.Kind.VIDEO, Lesson.Kind.AUDIO),
        **_status_context(request, lesson),
    }


def _status_context(request: HttpRequest, lesson: Lesson) -> dict[str, Any]:
    def url(role: str) -> str:
        return lesson_preview_link(lesson=lesson, role=role)

    jobs = media.lesson_jobs_latest(lesson=lesson)
    job = jobs.get("narration" if lesson.kind == Lesson.Kind.TEXT else "media")
    return {
        "lesson": lesson,
        "job": job,
        "polling": lesson.media_status == Lesson.MediaStatus.PROCESSING,
        "media_url": url("media"),
        "poster_url": url("poster"),
        "narration_url": url("narration"),
        "captions_url": url("captions"),
        "status_url": reverse("courses:teach_media_status", kwargs={"lesson_id": lesson.pk}),
    }


@login_required
@require_http_methods(["GET", "POST"])
def lesson_edit(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _editable_lesson(request, lesson_id)
    form = LessonForm(request.POST or None, instance=copy.copy(lesson))
    if request.method == "POST" and form.is_valid():
        user, data = (
            signed_in_user(request),
            {name: form.cleaned_data[name] for name in form.fields},
        )
        update = partial(authoring.lesson_update, user=user, lesson=lesson, data=data)
        if service_run(request, update, form=form, success=_("Lesson saved.")).ok:
            return redirect(_lesson_url(lesson))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "courses/teach/lesson_edit.html",
        _lesson_context(request, lesson, form=form),
        status=status,
    )


@login_required
@require_GET
def lesson_media_status(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _editable_lesson(request, lesson_id)
    return render(
        request, "courses/teach/_media_status_update.html", _lesson_context(request, lesson)
    )


@login_required
@require_POST
def lesson_media(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Confirm a direct upload (``key``) or take the file itself (no JavaScript)."""
    lesson = _editable_lesson(request, lesson_id)
    form = MediaUploadForm(request.POST, request.FILES)
    user = signed_in_user(request)

    def save() -> None:
        if not form.is_valid():
            raise ValidationError(
                list(form.errors.get("__all__") or [_("Choose a file to upload.")])
            )
        if form.cleaned_data["key"]:
            media.lesson_media_attach(user=user, lesson=lesson, key=form.cleaned_data["key"])
        else:
            media.lesson_media_upload(user=user, lesson=lesson, file=form.cleaned_data["file"])

    wants_json = _wants_json(request)
    done = service_run(
        request, save, as_json=wants_json, success=_("Upload complete. Processing starts now.")
    )
    if not wants_json:
        return redirect(_lesson_url(lesson, "media"))
    if not done.ok:
        return done.json()
    lesson.refresh_from_db()
    return JsonResponse(
        {
            "message": _("Upload complete."),
            "media_status": lesson.media_status,
            "status_url": reverse("courses:teach_media_status", kwargs={"lesson_id": lesson.pk}),
        }
    )


@login_required
@require_POST
def lesson_media_remove(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _editable_lesson(request, lesson_id)
    media.lesson_media_remove(user=signed_in_user(request), lesson=lesson)
    messages.success(request, _("Media file removed."))
    return redirect(_lesson_url(lesson, "media"))


@login_required
@require_POST
def lesson_media_rerun(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _editable_lesson(request, lesson_id)
    form = RerunForm(request.POST)
    if form.is_valid():
        user, which = signed_in_user(request), form.cleaned_data["job"]
        rerun = partial(media.lesson_job_rerun, user=user, lesson=lesson, which=which)
        service_run(request, rerun, success=_("Processing started again."))
    return redirect(_lesson_url(lesson, "media"))


def _captions_view(
    form_class: type[forms.Form], context_key: str, save: Callable[..., Any], done: Any
) -> Callable[..., HttpResponse]:
    """A POST view passing one captions form's single field to ``save(user=, lesson=, ...)``;
    errors stay next to the field (400). The editor and the file upload share it."""

    @login_required
    @require_POST
    def view(request: HttpRequest, lesson_id: int) -> HttpResponse:
        lesson = _editable_lesson(request, lesson_id)
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            user = signed_in_user(request)
            call = partial(save, user=user, lesson=lesson, **form.cleaned_data)
            if service_run(request, call, form=form, success=str(done)).ok:
                return redirect(_lesson_url(lesson, "captions"))
        return render(
            request,
            "courses/teach/lesson_edit.html",
            _lesson_context(request, lesson, **{context_key: form}),
            status=400,
        )

    return view


lesson_captions = _captions_view(
    CaptionsForm, "captions_form", media.lesson_captions_update, gettext_lazy("Captions saved.")
)
# The mentor's own WebVTT or SubRip file instead of the automatic draft.
lesson_captions_upload = _captions_view(
    CaptionsUploadForm,
    "captions_upload_form",
    media.lesson_captions_upload,
    gettext_lazy("Captions uploaded."),
)


@login_required
@require_POST
def resource_add(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _editable_lesson(request, lesson_id)
    form = ResourceForm(request.POST, request.FILES, prefix="resource")
    if form.is_valid():
        user = signed_in_user(request)
        add = partial(authoring.resource_add, user=user, lesson=lesson, **form.cleaned_data)
        if service_run(request, add, form=form, success=_("Resource attached.")).ok:
            return redirect(_lesson_url(lesson, "resources"))
    return render(
        request,
        "courses/teach/lesson_edit.html",
        _lesson_context(request, lesson, resource_form=form),
        status=400,
    )


@login_required
@require_POST
def resource_remove(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = resource_get_for_editing(resource_id=resource_id, user=signed_in_user(request))
    lesson = resource.lesson
    authoring.resource_remove(user=signed_in_user(request), resource=resource)
    messages.success(request, _("Resource removed."))
    return redirect(_lesson_url(lesson, "resources"))
