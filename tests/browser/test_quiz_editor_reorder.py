"""A mentor reorders a quiz's questions in Chromium: dragging one by its handle, with
Alt+arrow keys, and with the arrow buttons (which move it in place with JavaScript). Each
change is saved at once as the whole new order and survives a reload. And the items of a new
ordering question are put in order the same way in the question bank's form."""

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, UserFactory
from assessments.models import Question, QuizSlot
from assessments.tests.factories import QuestionBankFactory, QuizFactory, QuizSlotFactory

from .helpers import assert_page_basics, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = ["Alpha", "Bravo", "Charlie", "Delta"]


@pytest.fixture
def quiz(db):
    mentor = UserFactory(roles=("Mentor",))
    quiz = QuizFactory(lesson__module__course__instructors=[mentor], lesson__title="Reorder me")
    for position, name in enumerate(TITLES, start=1):
        QuizSlotFactory(quiz=quiz, position=position, question__name=name)
    quiz.mentor = mentor
    return quiz


def _saved_names(quiz) -> list[str]:
    return list(
        QuizSlot.objects.filter(quiz=quiz)
        .order_by("position", "id")
        .values_list("question__name", flat=True)
    )


def test_mentor_drags_a_question_and_the_order_survives_a_reload(
    page: Page, live_server, quiz
) -> None:
    base = live_server.url
    sign_in(page, base, quiz.mentor.email, PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 1400})  # both ends of the drag in view
    page.goto(f"{base}/quizzes/teach/lessons/{quiz.lesson_id}/")
    names = page.locator(".slot-list .slot__what strong")
    expect(names).to_have_text(TITLES)
    expect(page.locator("#reorder-hint")).to_be_visible()  # shown once dragging works
    assert_page_basics(page, "quiz-editor")

    # Drag "Delta" by its handle above "Alpha".
    delta = page.locator(".slot", has_text="Delta")
    alpha = page.locator(".slot", has_text="Alpha")
    delta.locator(".drag-handle").drag_to(alpha, target_position={"x": 20, "y": 2})
    expect(page.locator("#reorder-status")).to_have_text("The new order is saved.")
    expect(names).to_have_text(["Delta", "Alpha", "Bravo", "Charlie"])
    # The arrows follow: the new first question cannot move up any more.
    expect(delta.get_by_role("button", name="Move “Delta” up")).to_be_disabled()
    expect(alpha.get_by_role("button", name="Move “Alpha” up")).to_be_enabled()

    page.reload()
    expect(names).to_have_text(["Delta", "Alpha", "Bravo", "Charlie"])
    assert _saved_names(quiz) == ["Delta", "Alpha", "Bravo", "Charlie"]


def test_mentor_moves_questions_with_the_keyboard(page: Page, live_server, quiz) -> None:
    base = live_server.url
    sign_in(page, base, quiz.mentor.email, PASSWORD)
    page.goto(f"{base}/quizzes/teach/lessons/{quiz.lesson_id}/")
    names = page.locator(".slot-list .slot__what strong")
    expect(page.locator("#reorder-hint")).to_be_visible()

    # The arrow button moves "Alpha" down in place (no page load) and keeps the focus on it.
    down = page.get_by_role("button", name="Move “Alpha” down")
    down.click()
    expect(names).to_have_text(["Bravo", "Alpha", "Charlie", "Delta"])
    expect(down).to_be_focused()
    expect(page.locator("#reorder-status")).to_have_text("The new order is saved.")

    # Alt+ArrowDown twice moves it on to the end; the focus stays where it was.
    page.keyboard.press("Alt+ArrowDown")
    expect(names).to_have_text(["Bravo", "Charlie", "Alpha", "Delta"])
    page.keyboard.press("Alt+ArrowDown")
    expect(names).to_have_text(["Bravo", "Charlie", "Delta", "Alpha"])
    # At the end "down" is disabled: the focus went to "up".
    expect(page.get_by_role("button", name="Move “Alpha” down")).to_be_disabled()
    expect(page.get_by_role("button", name="Move “Alpha” up")).to_be_focused()
    page.keyboard.press("Alt+ArrowUp")
    expect(names).to_have_text(["Bravo", "Charlie", "Alpha", "Delta"])

    # Every change was posted in turn: the last order is the one saved.
    expect(page.locator("#reorder-status")).to_have_text("The new order is saved.")
    page.reload()
    expect(names).to_have_text(["Bravo", "Charlie", "Alpha", "Delta"])
    assert _saved_names(quiz) == ["Bravo", "Charlie", "Alpha", "Delta"]


def test_without_javascript_the_arrows_still_move_questions(browser, live_server, quiz) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, quiz.mentor.email, PASSWORD)
        page.goto(f"{live_server.url}/quizzes/teach/lessons/{quiz.lesson_id}/")
        expect(page.locator("#reorder-hint")).to_be_hidden()
        page.get_by_role("button", name="Move “Charlie” up").click()
        names = page.locator(".slot-list .slot__what strong")
        expect(names).to_have_text(["Alpha", "Charlie", "Bravo", "Delta"])
        assert _saved_names(quiz) == ["Alpha", "Charlie", "Bravo", "Delta"]
    finally:
        context.close()


def test_mentor_puts_an_ordering_questions_items_in_order_by_dragging(
    page: Page, live_server, quiz
) -> None:
    bank = QuestionBankFactory(course=quiz.course, title="Sequences")
    base = live_server.url
    sign_in(page, base, quiz.mentor.email, PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.goto(f"{base}/quizzes/teach/banks/{bank.pk}/")
    page.get_by_label("Question", exact=True).fill("Put the planets in order from the sun.")
    items = page.get_by_label("Items, in the right order", exact=True).first
    items.fill("Earth\nMercury\nVenus")
    listed = page.locator("[data-reorder-local] .slot__what")
    expect(listed).to_have_text(["Earth", "Mercury", "Venus"])
    assert_page_basics(page, "bank-ordering")

    # Drag "Earth" below "Venus"; the textarea follows.
    earth = page.locator("[data-reorder-local] .slot", has_text="Earth")
    venus = page.locator("[data-reorder-local] .slot", has_text="Venus")
    venus.scroll_into_view_if_needed()  # both ends of the drag in view
    handle = earth.locator(".drag-handle").bounding_box()
    below = venus.bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(below["x"] + 20, below["y"] + below["height"] - 2, steps=8)
    page.mouse.up()
    expect(listed).to_have_text(["Mercury", "Venus", "Earth"])
    expect(page.locator("#id_ordering-items")).to_have_value("Mercury\nVenus\nEarth")
    # The arrows and Alt+arrows too.
    page.get_by_role("button", name="Move “Earth” up").click()
    expect(page.locator("#id_ordering-items")).to_have_value("Mercury\nEarth\nVenus")
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator("#id_ordering-items")).to_have_value("Mercury\nVenus\nEarth")

    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Question added.")).to_be_visible()
    question = Question.objects.get(bank=bank)
    assert [i["text"] for i in question.data["items"]] == ["Mercury", "Venus", "Earth"]
