"""A mentor reorders the outline by dragging lessons and modules by their handles in
Chromium; the order is saved at once and survives a reload."""

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, UserFactory
from courses.models import Module
from courses.services import authoring
from courses.tests.factories import CourseFactory

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _titles(page: Page, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(selector).all_inner_texts()]


def test_mentor_drags_lessons_and_modules_into_a_new_order(page: Page, live_server) -> None:
    base = live_server.url
    mentor = UserFactory(roles=("Mentor",))
    course = CourseFactory(status="draft", instructors=[mentor], title="Drag and drop")
    first = authoring.module_create(user=mentor, course=course, title="Basics")
    authoring.module_create(user=mentor, course=course, title="Practice")
    for title in ("One", "Two", "Three"):
        authoring.lesson_create(user=mentor, module=first, title=title)
    sign_in(page, base, mentor.email, PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 1600})  # both ends of each drag in view
    page.goto(f"{base}/courses/teach/courses/{course.slug}/outline/")
    lessons = f"#module-{first.pk} .outline-lesson__title"
    expect(page.locator(lessons)).to_have_text(["One", "Two", "Three"])
    expect(page.locator("#reorder-hint")).to_be_visible()  # shown once dragging works

    # Drag "Three" by its handle above "One".
    three = page.locator(".outline-lesson", has_text="Three")
    one = page.locator(".outline-lesson", has_text="One")
    three.locator(".drag-handle").drag_to(one, target_position={"x": 20, "y": 2})
    expect(page.locator("#reorder-status")).to_have_text("The new order is saved.")
    expect(page.locator(lessons)).to_have_text(["Three", "One", "Two"])
    # The arrows follow: the new first lesson cannot move up any more.
    up = three.get_by_role("button", name="Move lesson “Three” up")
    expect(up).to_be_disabled()

    # Drag the second module above the first; the numbers follow.
    practice = page.locator(".outline-module", has_text="Practice")
    basics = page.locator(f"#module-{first.pk}")
    practice.locator(".outline-module__head .drag-handle").drag_to(
        basics, target_position={"x": 40, "y": 5}
    )
    expect(page.locator("#reorder-status")).to_have_text("The new order is saved.")
    expect(practice.locator(".outline-module__n")).to_have_text("1")

    page.reload()
    expect(page.locator(lessons)).to_have_text(["Three", "One", "Two"])
    expect(page.locator(".outline-module h2")).to_have_text(
        ["Module 1Practice", "Module 2Basics"], use_inner_text=False
    )
    assert list(Module.objects.filter(course=course).values_list("title", flat=True)) == [
        "Practice",
        "Basics",
    ]
