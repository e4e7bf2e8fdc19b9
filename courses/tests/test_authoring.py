"""Authoring: services and their permissions, the site pages under /courses/teach/, and
direct uploads end to end (local signed URL and S3 on moto)."""

import json
import urllib.parse

import pytest
import urllib3
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses import policies
from courses.guards import AuthoringDenied
from courses.models import Course, Lesson, Module, Resource
from courses.services import authoring, media
from courses.tests.factories import CourseFactory, TagFactory
from files.tests.samples import MP4, png_bytes
from jobs.models import ProcessingJob
from kalpla.exceptions import error_status
from kalpla.integrations.aws import client as aws_client

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def draft(mentor):
    return authoring.course_create(user=mentor, title="Python from scratch")


@pytest.fixture
def other_mentor(db):
    return UserFactory(roles=("Mentor",))


def outline(course):
    return [
        (m.title, [lesson.title for lesson in m.lessons.order_by("order", "id")])
        for m in course.modules.order_by("order", "id")
    ]


# --- services: courses ------------------------------------------------------------------------


def test_course_create_makes_the_mentor_instructor_with_a_unique_slug(mentor):
    first = authoring.course_create(user=mentor, title="Data Science 101")
    second = authoring.course_create(user=mentor, title="Data science 101!")

    assert first.slug == "data-science-101" and second.slug == "data-science-101-2"
    assert list(first.instructors.all()) == [mentor]
    assert first.status == Course.Status.DRAFT and first.created_by == mentor


def test_course_create_slug_falls_back_for_titles_without_latin_letters(mentor):
    course = authoring.course_create(user=mentor, title="पायथन")

    assert course.slug == "course"


def test_course_slugs_never_shadow_the_teaching_pages(mentor):
    assert authoring.course_create(user=mentor, title="Teach").slug == "teach-2"


def test_course_create_refused_for_a_student(student):
    with pytest.raises(AuthoringDenied) as caught:
        authoring.course_create(user=student, title="Mine")

    # one exception, two faces: a 403 for the API and PermissionDenied for site views
    assert error_status(caught.value) == 403
    assert isinstance(caught.value, PermissionDenied)
    assert not Course.objects.exists()


def test_course_update_by_another_mentor_is_refused(draft, other_mentor):
    with pytest.raises(AuthoringDenied):
        authoring.course_update(user=other_mentor, course=draft, data={"title": "Hijacked"})

    draft.refresh_from_db()
    assert draft.title == "Python from scratch"


def test_course_update_by_a_student_is_refused(draft, student):
    with pytest.raises(AuthoringDenied):
        authoring.module_create(user=student, course=draft, title="Nope")


def test_instructor_who_lost_the_mentor_role_can_no_longer_edit(draft, mentor):
    from accounts.services import user_roles_set

    user_roles_set(user=mentor, roles=("Student",))

    assert not policies.course_can_edit(user=mentor, course=draft)


def test_staff_can_edit_any_course(draft, admin_user):
    authoring.course_update(user=admin_user, course=draft, data={"subtitle": "Edited by staff"})

    draft.refresh_from_db()
    assert draft.subtitle == "Edited by staff"


def test_course_update_changes_fields_tags_and_keeps_the_slug(draft, mentor):
    tag = TagFactory(name="python", slug="python")

    authoring.course_update(
        user=mentor, course=draft, data={"title": "Python, properly", "tags": [tag]}
    )

    draft.refresh_from_db()
    assert draft.title == "Python, properly" and draft.slug == "python-from-scratch"
    assert list(draft.tags.all()) == [tag]


def test_course_update_validates_fields(draft, mentor):
    with pytest.raises(ValidationError) as caught:
        authoring.course_update(user=mentor, course=draft, data={"level": "expert"})

    assert "level" in caught.value.message_dict


def test_prerequisites_cannot_be_circular(draft, mentor):
    basics = CourseFactory(instructors=[mentor])
    authoring.course_update(user=mentor, course=draft, data={"prerequisites": [basics]})

    with pytest.raises(ValidationError, match="circular"):
        authoring.course_update(user=mentor, course=basics, data={"prerequisites": [draft]})
    with pytest.raises(ValidationError, match="itself"):
        authoring.course_update(user=mentor, course=draft, data={"prerequisites": [draft]})


def test_edits_refresh_the_search_document_on_commit(
    draft, mentor, django_capture_on_commit_callbacks
):
    module = authoring.module_create(user=mentor, course=draft, title="Basics")
    with django_capture_on_commit_callbacks(execute=True):
        authoring.lesson_create(user=mentor, module=module, title="Variables and loops")

    draft.refresh_from_db()
    assert "Variables and loops" in draft.search_document


# --- services: modules and lessons ------------------------------------------------------------


def test_modules_are_appended_moved_and_reordered(draft, mentor):
    a, b, c = (authoring.module_create(user=mentor, course=draft, title=t) for t in "ABC")

    authoring.module_move(user=mentor, module=c, direction="up")
    assert [m for m, _ in outline(draft)] == ["A", "C", "B"]
    authoring.module_move(user=mentor, module=a, direction="up")  # already first: no change
    assert [m for m, _ in outline(draft)] == ["A", "C", "B"]
    authoring.module_reorder(user=mentor, course=draft, module_ids=[b.pk, a.pk, c.pk])
    assert [m for m, _ in outline(draft)] == ["B", "A", "C"]
    assert list(draft.modules.order_by("order").values_list("order", flat=True)) == [0, 1, 2]

    with pytest.raises(ValidationError):
        authoring.module_reorder(user=mentor, course=draft, module_ids=[a.pk, b.pk])


def test_module_delete_removes_its_lessons_and_renumbers(draft, mentor):
    a = authoring.module_create(user=mentor, course=draft, title="A")
    b = authoring.module_create(user=mentor, course=draft, title="B")
    authoring.lesson_create(user=mentor, module=a, title="a1")

    authoring.module_delete(user=mentor, module=a)

    assert outline(draft) == [("B", [])]
    b.refresh_from_db()
    assert b.order == 0 and not Lesson.objects.exists()


def test_lessons_move_within_their_module(draft, mentor):
    module = authoring.module_create(user=mentor, course=draft, title="M")
    one, two, three = (
        authoring.lesson_create(user=mentor, module=module, title=t) for t in ("1", "2", "3")
    )

    authoring.lesson_move(user=mentor, lesson=one, direction="down")
    authoring.lesson_move(user=mentor, lesson=three, direction="down")  # already last
    assert outline(draft) == [("M", ["2", "1", "3"])]
    authoring.lesson_reorder(user=mentor, module=module, lesson_ids=[three.pk, two.pk, one.pk])
    assert outline(draft) == [("M", ["3", "2", "1"])]
    authoring.lesson_delete(user=mentor, lesson=two)
    assert outline(draft) == [("M", ["3", "1"])]


def test_lesson_release_rules_are_validated(draft, mentor):
    module = authoring.module_create(user=mentor, course=draft, title="M")

    with pytest.raises(ValidationError) as caught:
        authoring.lesson_create(user=mentor, module=module, title="Later", release="after_days")
    assert "release_days" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        authoring.lesson_create(user=mentor, module=module, title="Later", release="on_date")
    assert "release_date" in caught.value.message_dict

    lesson = authoring.lesson_create(
        user=mentor, module=module, title="Week 2", release="after_days", release_days=7
    )
    authoring.lesson_update(user=mentor, lesson=lesson, data={"release": "immediate"})
    lesson.refresh_from_db()
    assert (lesson.release, lesson.release_days) == ("immediate", 0)


def test_lesson_kinds_preview_and_duration(draft, mentor):
    module = authoring.module_create(user=mentor, course=draft, title="M")
    quiz = authoring.lesson_create(
        user=mentor, module=module, title="Check", kind="quiz", is_preview=True, duration=120
    )

    assert (quiz.kind, quiz.is_preview, quiz.duration) == ("quiz", True, 120)
    draft.refresh_from_db()
    assert draft.estimated_duration == 120
    with pytest.raises(ValidationError):
        authoring.lesson_create(user=mentor, module=module, title="Bad", kind="podcast")


def test_lesson_kind_cannot_change_while_it_has_media(draft, mentor):
    module = authoring.module_create(user=mentor, course=draft, title="M")
    lesson = authoring.lesson_create(user=mentor, module=module, title="Doc", kind="file")
    media.lesson_media_upload(
        user=mentor, lesson=lesson, file=SimpleUploadedFile("a.pdf", PDF, "application/pdf")
    )

    with pytest.raises(ValidationError) as caught:
        authoring.lesson_update(user=mentor, lesson=lesson, data={"kind": "text"})
    assert "kind" in caught.value.message_dict


def test_another_mentor_cannot_touch_lessons_or_modules(draft, mentor, other_mentor):
    module = authoring.module_create(user=mentor, course=draft, title="M")
    lesson = authoring.lesson_create(user=mentor, module=module, title="L")

    for call in (
        lambda: authoring.module_update(user=other_mentor, module=module, title="X"),
        lambda: authoring.module_move(user=other_mentor, module=module, direction="up"),
        lambda: authoring.module_delete(user=other_mentor, module=module),
        lambda: authoring.lesson_create(user=other_mentor, module=module, title="X"),
        lambda: authoring.lesson_update(user=other_mentor, lesson=lesson, data={"title": "X"}),
        lambda: authoring.lesson_delete(user=other_mentor, lesson=lesson),
        lambda: authoring.lesson_move(user=other_mentor, lesson=lesson, direction="down"),
        lambda: media.lesson_captions_update(user=other_mentor, lesson=lesson, vtt="WEBVTT\n"),
    ):
        with pytest.raises(AuthoringDenied):
            call()
    assert outline(draft) == [("M", ["L"])]


def test_resources_are_attached_validated_and_removed(draft, mentor):
    module = authoring.module_create(user=mentor, course=draft, title="M")
    lesson = authoring.lesson_create(user=mentor, module=module, title="L")

    resource = authoring.resource_add(
        user=mentor,
        lesson=lesson,
        title="Slides",
        file=SimpleUploadedFile("slides.pdf", PDF, "application/pdf"),
    )
    assert resource.file.name.endswith(".pdf") and default_storage.exists(resource.file.name)
    with pytest.raises(ValidationError):
        authoring.resource_add(
            user=mentor,
            lesson=lesson,
            title="Evil",
            file=SimpleUploadedFile("x.pdf", b"<svg onload=alert(1)>", "application/pdf"),
        )
    authoring.resource_remove(user=mentor, resource=resource)
    assert not Resource.objects.exists()


# --- site pages -------------------------------------------------------------------------------


def test_teach_pages_are_for_mentors_only(client, student, draft):
    client.force_login(student)

    assert client.get(reverse("courses:teach")).status_code == 403
    assert client.get(reverse("courses:teach_course_create")).status_code == 403
    assert client.get(reverse("courses:teach_outline", args=[draft.slug])).status_code == 403
    client.logout()
    assert client.get(reverse("courses:teach")).status_code == 302  # to sign in


def test_another_mentor_gets_403_on_every_page_of_a_course(client, other_mentor, draft, mentor):
    module = authoring.module_create(user=mentor, course=draft, title="M")
    lesson = authoring.lesson_create(user=mentor, module=module, title="L")
    client.force_login(other_mentor)

    for url in (
        reverse("courses:teach_course", args=[draft.slug]),
        reverse("courses:teach_outline", args=[draft.slug]),
        reverse("courses:teach_lesson", args=[lesson.pk]),
        reverse("courses:teach_media_status", args=[lesson.pk]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("courses:teach_module_move", args=[module.pk]), {"direction": "up"}
    )
    assert response.status_code == 403
    response = client.post(reverse("courses:teach_lesson_delete", args=[lesson.pk]))
    assert response.status_code == 403 and Lesson.objects.filter(pk=lesson.pk).exists()


def test_my_courses_lists_status_and_counts(client, mentor, draft):
    module = authoring.module_create(user=mentor, course=draft, title="M")
    authoring.lesson_create(user=mentor, module=module, title="L")
    client.force_login(mentor)

    page = client.get(reverse("courses:teach")).content.decode()

    assert "Python from scratch" in page and "Draft" in page


def test_my_courses_empty_state(client, mentor):
    client.force_login(mentor)

    assert "No courses yet" in client.get(reverse("courses:teach")).content.decode()


def test_create_course_on_the_site_then_edit_it(client, mentor):
    client.force_login(mentor)

    response = client.post(
        reverse("courses:teach_course_create"),
        {"title": "Web basics", "level": "beginner", "language": "en", "price": "0"},
    )
    course = Course.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:teach_outline", args=[course.slug])

    response = client.post(
        reverse("courses:teach_course", args=[course.slug]),
        {
            "title": "Web basics",
            "subtitle": "HTML and CSS",
            "description": "**Learn** the web.",
            "level": "beginner",
            "language": "hi",
            "price": "49.00",
        },
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.subtitle, course.language, str(course.price)) == ("HTML and CSS", "hi", "49.00")


def test_course_form_errors_sit_next_to_fields_and_keep_what_was_typed(client, mentor):
    client.force_login(mentor)

    response = client.post(
        reverse("courses:teach_course_create"),
        {"title": "", "subtitle": "Keep me", "level": "beginner", "language": "en", "price": "-3"},
    )

    page = response.content.decode()
    assert response.status_code == 200 and not Course.objects.exists()
    assert 'id="id_title_error"' in page and 'id="id_price_error"' in page
    assert 'value="Keep me"' in page


def test_outline_page_queries_do_not_grow_with_modules_and_lessons(
    client, mentor, draft, django_assert_max_num_queries
):
    def add(modules, lessons):
        for m in range(modules):
            module = authoring.module_create(user=mentor, course=draft, title=f"Module {m}")
            for n in range(lessons):
                authoring.lesson_create(user=mentor, module=module, title=f"Lesson {m}.{n}")

    url = reverse("courses:teach_outline", args=[draft.slug])
    client.force_login(mentor)
    add(1, 1)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(6, 6)

    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="outline-lesson"') == 37


def test_outline_reorders_with_plain_post_forms(client, mentor, draft):
    a = authoring.module_create(user=mentor, course=draft, title="A")
    authoring.module_create(user=mentor, course=draft, title="B")
    first = authoring.lesson_create(user=mentor, module=a, title="a1")
    authoring.lesson_create(user=mentor, module=a, title="a2")
    client.force_login(mentor)

    response = client.post(reverse("courses:teach_module_move", args=[a.pk]), {"direction": "down"})
    assert response.status_code == 302 and response["Location"].endswith(f"#module-{a.pk}")
    client.post(reverse("courses:teach_lesson_move", args=[first.pk]), {"direction": "down"})

    assert outline(draft) == [("B", []), ("A", ["a2", "a1"])]


def test_drag_and_drop_reorder_saves_the_order(client, mentor, draft):
    a = authoring.module_create(user=mentor, course=draft, title="A")
    b = authoring.module_create(user=mentor, course=draft, title="B")
    c = authoring.module_create(user=mentor, course=draft, title="C")
    lessons = [authoring.lesson_create(user=mentor, module=a, title=f"a{n}") for n in range(3)]
    client.force_login(mentor)
    headers = {"Accept": "application/json"}

    response = client.post(
        reverse("courses:teach_module_reorder", args=[draft.slug]),
        {"order": f"{c.pk},{a.pk},{b.pk}"},
        headers=headers,
    )
    assert response.status_code == 204
    order = ",".join(str(lesson.pk) for lesson in reversed(lessons))
    response = client.post(
        reverse("courses:teach_lesson_reorder", args=[a.pk]), {"order": order}, headers=headers
    )
    assert response.status_code == 204
    assert outline(draft) == [("C", []), ("A", ["a2", "a1", "a0"]), ("B", [])]

    # Without JavaScript's Accept header the same post redirects back to the outline.
    response = client.post(
        reverse("courses:teach_module_reorder", args=[draft.slug]),
        {"order": f"{a.pk},{b.pk},{c.pk}"},
    )
    assert response.status_code == 302
    assert outline(draft)[0][0] == "A"


@pytest.mark.parametrize(
    "order",
    ["", "1,x", "1;2", "ids"],
)
def test_reorder_refuses_malformed_orders(client, mentor, draft, order):
    module = authoring.module_create(user=mentor, course=draft, title="A")
    client.force_login(mentor)
    response = client.post(
        reverse("courses:teach_module_reorder", args=[draft.slug]),
        {"order": order},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["errors"]["order"]
    assert Module.objects.get(pk=module.pk).order == module.order


def test_reorder_needs_every_item_exactly_once(client, mentor, draft):
    a = authoring.module_create(user=mentor, course=draft, title="A")
    b = authoring.module_create(user=mentor, course=draft, title="B")
    other = authoring.module_create(
        user=mentor, course=CourseFactory(instructors=[mentor]), title="Elsewhere"
    )
    client.force_login(mentor)
    url = reverse("courses:teach_module_reorder", args=[draft.slug])
    for order in (f"{a.pk}", f"{a.pk},{a.pk}", f"{a.pk},{b.pk},{other.pk}", f"{b.pk},{other.pk}"):
        response = client.post(url, {"order": order}, headers={"Accept": "application/json"})
        assert response.status_code == 400, order
        assert "exactly once" in response.json()["errors"]["order"][0]
    assert outline(draft) == [("A", []), ("B", [])]
    response = client.post(url, {"order": f"{a.pk}"})  # the site answers with a message
    assert response.status_code == 302
    assert "exactly once" in client.get(response["Location"]).content.decode()


def test_reorder_is_refused_to_other_mentors_students_and_anonymous(
    client, mentor, other_mentor, student, draft
):
    a = authoring.module_create(user=mentor, course=draft, title="A")
    b = authoring.module_create(user=mentor, course=draft, title="B")
    lesson = authoring.lesson_create(user=mentor, module=a, title="a0")
    urls = [
        (reverse("courses:teach_module_reorder", args=[draft.slug]), f"{b.pk},{a.pk}"),
        (reverse("courses:teach_lesson_reorder", args=[a.pk]), f"{lesson.pk}"),
    ]
    for url, order in urls:
        client.logout()
        assert client.post(url, {"order": order}).status_code == 302  # to sign in
        for user in (other_mentor, student):
            client.force_login(user)
            assert client.post(url, {"order": order}).status_code == 403
        assert client.get(url).status_code == 405
    assert outline(draft) == [("A", ["a0"]), ("B", [])]


def test_outline_page_offers_drag_handles_and_reorder_urls(client, mentor, draft):
    module = authoring.module_create(user=mentor, course=draft, title="A")
    authoring.lesson_create(user=mentor, module=module, title="a0")
    client.force_login(mentor)
    html = client.get(reverse("courses:teach_outline", args=[draft.slug])).content.decode()
    assert reverse("courses:teach_module_reorder", args=[draft.slug]) in html
    assert reverse("courses:teach_lesson_reorder", args=[module.pk]) in html
    assert html.count('class="drag-handle"') == 2 and "js/reorder.js" in html


def test_outline_adds_renames_and_deletes_modules_and_lessons(client, mentor, draft):
    client.force_login(mentor)

    client.post(reverse("courses:teach_module_add", args=[draft.slug]), {"title": "Intro"})
    module = Module.objects.get()
    response = client.post(
        reverse("courses:teach_lesson_add", args=[module.pk]),
        {f"m{module.pk}-title": "Welcome", f"m{module.pk}-kind": "video"},
    )
    lesson = Lesson.objects.get()
    assert response["Location"] == reverse("courses:teach_lesson", args=[lesson.pk])
    assert lesson.kind == "video" and lesson.course == draft
    client.post(
        reverse("courses:teach_module_rename", args=[module.pk]),
        {f"r{module.pk}-title": "Getting started"},
    )
    assert outline(draft) == [("Getting started", ["Welcome"])]

    # an empty title is an error next to the field, on the outline page
    response = client.post(
        reverse("courses:teach_lesson_add", args=[module.pk]),
        {f"m{module.pk}-title": "", f"m{module.pk}-kind": "text"},
    )
    assert response.status_code == 400
    assert f'id="id_m{module.pk}-title_error"' in response.content.decode()

    client.post(reverse("courses:teach_lesson_delete", args=[lesson.pk]))
    client.post(reverse("courses:teach_module_delete", args=[module.pk]))
    assert outline(draft) == []


def test_lesson_editor_saves_and_shows_errors_next_to_fields(client, mentor, draft):
    module = authoring.module_create(user=mentor, course=draft, title="M")
    lesson = authoring.lesson_create(user=mentor, module=module, title="Read me")
    client.force_login(mentor)
    url = reverse("courses:teach_lesson", args=[lesson.pk])

    page = client.get(url).content.decode()
    assert "Preview as a student" in page
    assert f"/courses/{draft.slug}/lessons/{lesson.pk}/?preview=1" in page

    response = client.post(
        url,
        {"title": "Read me", "kind": "text", "release": "on_date", "content": "Typed text"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_release_date_error"' in page and "Typed text" in page

    response = client.post(
        url,
        {
            "title": "Read me first",
            "kind": "text",
            "release": "after_days",
            "release_days": "3",
            "is_preview": "on",
            "is_required": "on",
            "duration": "90",
            "content": "",
        },
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.title, lesson.release_days, lesson.is_preview) == ("Read me first", 3, True)


def test_captions_editor_validates_webvtt_and_keeps_the_text(client, mentor, draft):
    module = authoring.module_create(user=mentor, course=draft, title="M")
    lesson = authoring.lesson_create(user=mentor, module=module, title="Talk", kind="audio")
    Lesson.objects.filter(pk=lesson.pk).update(media="courses/media/talk.mp3")
    client.force_login(mentor)
    url = reverse("courses:teach_captions", args=[lesson.pk])

    response = client.post(url, {"vtt": "not captions at all"})
    assert response.status_code == 400
    assert 'id="id_vtt_error"' in response.content.decode()
    assert "not captions at all" in response.content.decode()

    vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello there\n"
    assert client.post(url, {"vtt": vtt}).status_code == 302
    lesson.refresh_from_db()
    assert lesson.transcript == "Hello there"
    assert media.lesson_captions_read(lesson=lesson) == vtt


def test_resources_on_the_lesson_editor(client, mentor, draft):
    module = authoring.module_create(user=mentor, course=draft, title="M")
    lesson = authoring.lesson_create(user=mentor, module=module, title="L")
    client.force_login(mentor)
    url = reverse("courses:teach_resource_add", args=[lesson.pk])

    refused = client.post(
        url,
        {
            "resource-title": "Kept title",
            "resource-file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00", "application/pdf"),
        },
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'id="id_resource-file_error"' in page and 'value="Kept title"' in page

    client.post(
        url,
        {
            "resource-title": "Slides",
            "resource-file": SimpleUploadedFile("s.pdf", PDF, "application/pdf"),
        },
    )
    resource = Resource.objects.get()
    assert resource.title == "Slides" and resource.lesson == lesson
    assert (
        "Slides" in client.get(reverse("courses:teach_lesson", args=[lesson.pk])).content.decode()
    )
    client.post(reverse("courses:teach_resource_remove", args=[resource.pk]))
    assert not Resource.objects.exists()


# --- direct uploads ---------------------------------------------------------------------------


def start_upload(client, **payload):
    return client.post(
        reverse("api:upload-start"),
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )


def test_upload_start_is_for_authors_and_checks_the_declared_file(client, student, mentor):
    client.force_login(student)
    denied = start_upload(client, kind="video", filename="a.mp4", content_type="video/mp4", size=9)
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"

    client.force_login(mentor)
    wrong = start_upload(client, kind="video", filename="a.exe", content_type="text/html", size=9)
    assert wrong.status_code == 400 and wrong.json()["code"] == "file_type"
    unknown = start_upload(
        client, kind="avatar", filename="a.png", content_type="image/png", size=9
    )
    assert unknown.status_code == 400
    missing = start_upload(client, kind="video", filename="a.mp4")
    assert missing.status_code == 400 and "content_type" in missing.json()["errors"]


def test_file_lesson_upload_end_to_end_on_the_local_signed_url(client, mentor, draft):
    module = authoring.module_create(user=mentor, course=draft, title="M")
    lesson = authoring.lesson_create(user=mentor, module=module, title="Handout", kind="file")
    client.force_login(mentor)

    # given an upload form from the server
    form = start_upload(
        client,
        kind="document",
        filename="handout.pdf",
        content_type="application/pdf",
        size=len(PDF),
    ).json()
    assert form["url"].startswith("http://testserver/files/u/") and form["fields"] == {}
    # when the browser posts the file straight to it, then confirms the key
    stored = client.post(
        urllib.parse.urlsplit(form["url"]).path,
        {"file": SimpleUploadedFile("handout.pdf", PDF, "application/pdf")},
    )
    assert stored.status_code == 201
    confirmed = client.post(
        reverse("courses:teach_lesson_media", args=[lesson.pk]),
        {"key": form["key"]},
        HTTP_ACCEPT="application/json",
    )

    # then the lesson has the file and needs no processing
    assert confirmed.status_code == 200, confirmed.content
    lesson.refresh_from_db()
    assert lesson.media.name == form["key"] and lesson.media_status == "ready"
    assert default_storage.exists(form["key"])


def test_upload_confirm_refuses_someone_elses_key_and_wrong_content(
    client, mentor, other_mentor, draft
):
    module = authoring.module_create(user=mentor, course=draft, title="M")
    lesson = authoring.lesson_create(user=mentor, module=module, title="Clip", kind="video")
    client.force_login(mentor)
    url = reverse("courses:teach_lesson_media", args=[lesson.pk])

    foreign = f"uploads/video/{other_mentor.pk}/{'a' * 32}.mp4"
    response = client.post(url, {"key": foreign}, HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    # a PDF sent to a video lesson without JavaScript: the error comes back as a message
    response = client.post(
        url, {"file": SimpleUploadedFile("a.mp4", PDF, "video/mp4")}, follow=True
    )
    assert "not accepted" in response.content.decode()
    lesson.refresh_from_db()
    assert not lesson.media and lesson.media_status == "none"


def test_video_upload_without_javascript_starts_the_media_job(
    client, mentor, draft, django_capture_on_commit_callbacks
):
    module = authoring.module_create(user=mentor, course=draft, title="M")
    lesson = authoring.lesson_create(user=mentor, module=module, title="Clip", kind="video")
    client.force_login(mentor)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("courses:teach_lesson_media", args=[lesson.pk]),
            {"file": SimpleUploadedFile("clip.mp4", MP4, "video/mp4")},
        )

    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.media_status == "processing" and lesson.media.name.endswith(".mp4")
    job = ProcessingJob.objects.get(kind=media.LESSON_MEDIA_JOB)
    assert job.target == lesson and job.params["media"] == lesson.media.name
    assert callbacks  # the job is queued on commit
    status = client.get(reverse("courses:teach_media_status", args=[lesson.pk])).content.decode()
    assert 'hx-trigger="every 3s"' in status


def test_rerun_button_queues_the_narration_again(
    client, mentor, draft, django_capture_on_commit_callbacks
):
    module = authoring.module_create(user=mentor, course=draft, title="M")
    with django_capture_on_commit_callbacks(execute=False):
        lesson = authoring.lesson_create(user=mentor, module=module, title="T", content="Hi.")
    job = ProcessingJob.objects.get(kind=media.NARRATION_JOB)
    ProcessingJob.objects.filter(pk=job.pk).update(status="failed", error="espeak crashed")
    Lesson.objects.filter(pk=lesson.pk).update(media_status="failed")
    client.force_login(mentor)

    page = client.get(reverse("courses:teach_media_status", args=[lesson.pk])).content.decode()
    assert "espeak crashed" in page and "Record the narration again" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("courses:teach_media_rerun", args=[lesson.pk]), {"job": "narration"}
        )

    assert response.status_code == 302 and callbacks
    job.refresh_from_db()
    lesson.refresh_from_db()
    assert (job.status, job.error, lesson.media_status) == ("pending", "", "processing")
    # media jobs need a media file
    wrong = client.post(
        reverse("courses:teach_media_rerun", args=[lesson.pk]), {"job": "media"}, follow=True
    )
    assert "Upload a video or audio file first" in wrong.content.decode()


def test_cover_upload_end_to_end_on_s3(client, mentor, draft, s3_media, aws):
    client.force_login(mentor)
    image = png_bytes()

    # given a presigned POST for the cover
    form = start_upload(
        client, kind="image", filename="cover.png", content_type="image/png", size=len(image)
    ).json()
    assert form["url"].startswith(aws) and "policy" in form["fields"]
    # when the file goes straight to S3 and the key is confirmed
    posted = urllib3.request(
        "POST", form["url"], fields={**form["fields"], "file": ("c.png", image, "image/png")}
    )
    assert posted.status in (200, 201, 204), posted.data
    response = client.post(
        reverse("courses:teach_course_cover", args=[draft.slug]),
        {"key": form["key"]},
        HTTP_ACCEPT="application/json",
    )

    # then the course points at the object in the bucket, as the cover waiting for its check
    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert (draft.cover.name, draft.cover_pending.name) == ("", form["key"])
    head = aws_client("s3").head_object(Bucket=s3_media, Key=form["key"])
    assert head["ContentLength"] == len(image)


def test_lesson_media_upload_end_to_end_on_s3(client, mentor, draft, s3_media):
    module = authoring.module_create(user=mentor, course=draft, title="M")
    lesson = authoring.lesson_create(user=mentor, module=module, title="Handout", kind="file")
    client.force_login(mentor)

    form = start_upload(
        client,
        kind="document",
        filename="h.pdf",
        content_type="application/pdf",
        size=len(PDF),
    ).json()
    urllib3.request(
        "POST", form["url"], fields={**form["fields"], "file": ("h.pdf", PDF, "application/pdf")}
    )
    response = client.post(
        reverse("courses:teach_lesson_media", args=[lesson.pk]),
        {"key": form["key"]},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 200, response.content
    lesson.refresh_from_db()
    assert lesson.media.name == form["key"] and lesson.media_status == "ready"


def test_course_details_page_shows_current_tags_and_prerequisites(client, mentor, draft):
    tag, other_tag = TagFactory(name="python"), TagFactory(name="rust")
    basics = CourseFactory(title="Basics")
    authoring.course_update(
        user=mentor, course=draft, data={"tags": [tag], "prerequisites": [basics]}
    )
    client.force_login(mentor)

    form = client.get(reverse("courses:teach_course", args=[draft.slug])).context["form"]

    assert list(form["tags"].value()) == [tag.pk] and other_tag.pk not in form["tags"].value()
    assert list(form["prerequisites"].value()) == [basics.pk]
    assert (
        "Submit for review"
        in client.get(reverse("courses:teach_course", args=[draft.slug])).content.decode()
    )
