"""The segment editor's visual rule builder in Chromium: rules are chosen from lists, the JSON
the server validates is written as they change, the preview counts, and the saved segment
holds exactly the rules built."""

import json

from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, UserFactory
from analytics.models import Segment
from courses.tests.factories import CourseFactory

from .helpers import sign_in


def test_staff_build_a_segment_from_lists_and_save_it(page: Page, live_server) -> None:
    staff = UserFactory(roles=("Admin",), is_staff=True)
    course = CourseFactory(title="Python basics")
    base = live_server.url
    sign_in(page, base, staff.email, PASSWORD)
    page.goto(f"{base}/analytics/campaigns/segments/new/")
    page.get_by_label("Name", exact=True).fill("Stalled learners")
    editor = page.locator("[data-rule-editor]")
    expect(editor).to_be_visible()
    # the JSON textarea is tucked under a disclosure
    expect(page.locator("#id_rules")).to_be_hidden()

    editor.get_by_role("button", name="Add a rule").click()
    editor.get_by_label("Rule 1").select_option(label="Enrolled in course")
    editor.get_by_label("Course").select_option(label="Python basics")
    editor.get_by_role("button", name="Add a rule").click()
    editor.get_by_label("Rule 2").select_option(label="Inactive for at least (days)")
    editor.get_by_label("Days").fill("14")
    editor.get_by_label("Days").dispatch_event("change")
    expect(page.locator("#segment-preview")).to_contain_text("people match")
    editor.get_by_role("button", name="Add a group").click()
    editor.get_by_label("A group of rules matching").select_option(label="any of these")
    # the preview says what is missing
    expect(page.locator("#segment-preview")).to_contain_text("Choose a course")

    built = json.loads(page.locator("#id_rules").input_value())
    assert built == {
        "match": "all",
        "rules": [
            {"type": "enrolled_in", "course": course.pk},
            {"type": "inactive_days", "days": 14},
            {"match": "any", "rules": [{"type": "enrolled_in"}]},
        ],
    }
    # the group's rule has no course yet: the server says so and keeps what was built
    page.get_by_role("button", name="Save the segment").click()
    expect(page.get_by_text("Choose a course").first).to_be_visible()
    expect(page.locator("[data-rule-editor] .rule-editor__rule")).to_have_count(3)

    page.locator("[data-rule-editor] .rule-editor__group").get_by_role(
        "button", name="Remove"
    ).last.click()
    page.get_by_role("button", name="Save the segment").click()
    expect(page).to_have_url(f"{base}/analytics/campaigns/")
    assert Segment.objects.get(name="Stalled learners").rules == {
        "match": "all",
        "rules": [
            {"type": "enrolled_in", "course": course.pk},
            {"type": "inactive_days", "days": 14},
        ],
    }
