"""Small things people saw on the course pages: one sort option per meaning, fieldsets for
groups of checkboxes."""

import re

import pytest

from courses.tests.factories import CourseFactory, TagFactory

pytestmark = pytest.mark.django_db


def _sort_options(html: str) -> list[str]:
    select = re.search(r'<select name="ordering".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))


def test_catalogue_sort_offers_best_match_once(client):
    options = _sort_options(client.get("/courses/").content.decode())
    assert options == ["Best match", "Newest", "Most popular", "Highest rated"]


def test_catalogue_api_still_accepts_relevance(client):
    response = client.get("/api/v1/courses/", {"search": "python", "ordering": "relevance"})
    assert response.status_code == 200


def test_course_form_groups_tags_and_prerequisites_in_fieldsets(client, mentor):
    course = CourseFactory(instructors=[mentor], created_by=mentor)
    TagFactory(name="python")
    CourseFactory(instructors=[mentor], created_by=mentor, title="Another course")
    client.force_login(mentor)
    html = client.get(f"/courses/teach/courses/{course.slug}/").content.decode()
    for label in ("Tags", "Prerequisites"):
        fieldset = re.search(rf"<fieldset[^>]*>\s*<legend>{label}\b.*?</fieldset>", html, re.S)
        assert fieldset is not None, f"{label} is not a fieldset with a legend"
        assert 'type="checkbox"' in fieldset.group(0)
