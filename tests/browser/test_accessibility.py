"""axe-core's WCAG 2.1 A and AA rules on the key pages of every role, over the demo data.

A serious or critical violation fails the test, so new pages keep the score at zero. The
rules come from the vendored axe-core (tests/browser/vendor, refreshed by `make axe-core`);
experimental rules with a WCAG 2.1 A/AA tag run too (label-content-name-mismatch is one).
"""

from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import Page

from accounts.demo import DEMO_PASSWORD
from accounts.tests.factories import PASSWORD, UserFactory
from courses.models import Course, Lesson

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
COURSE = "python-basics"

_RUN_AXE_JS = """
async (tags) => {
  const rules = axe.getRules(tags).map((rule) => rule.ruleId);
  const results = await axe.run(document, {
    runOnly: {type: "rule", values: rules},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
  }));
}
"""


def _violations(page: Page) -> list[dict]:
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(_RUN_AXE_JS, WCAG_TAGS)
    return [v for v in found if v["impact"] in FAILING_IMPACTS]


def _report(url: str, violations: list[dict]) -> str:
    lines = [f"{url}:"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        lines.extend(f"      {node}" for node in v["nodes"])
    return "\n".join(lines)


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    # The site's CSP refuses inline scripts, and injecting axe is one.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def demo(transactional_db) -> dict[str, str]:
    """The demo data, plus a course waiting for staff review; returns the paths to visit."""
    call_command("seed_demo", "--force", stdout=StringIO())
    course = Course.objects.get(slug=COURSE)
    video = Lesson.objects.filter(course=course).order_by("module__order", "order").first()
    text = Lesson.objects.filter(course=course, kind=Lesson.Kind.TEXT).order_by("pk").first()
    assert video is not None and text is not None
    Course.objects.filter(slug="ui-design-fundamentals").update(status=Course.Status.REVIEW)
    return {
        "course": f"/courses/{COURSE}/",
        "lesson": f"/courses/{COURSE}/lessons/{video.pk}/",
        "text_lesson": f"/courses/{COURSE}/lessons/{text.pk}/",
        "course_edit": f"/courses/teach/courses/{COURSE}/",
        "outline": f"/courses/teach/courses/{COURSE}/outline/",
        "lesson_edit": f"/courses/teach/lessons/{video.pk}/",
    }


def test_key_pages_of_every_role_have_no_serious_axe_violations(
    page: Page, live_server, demo: dict[str, str]
) -> None:
    base = live_server.url
    visits = {
        None: ["/", "/courses/", demo["course"], "/accounts/login/", "/accounts/signup/"],
        "student@example.com": [
            "/",
            demo["course"],
            demo["lesson"],
            demo["text_lesson"],
            "/notifications/",
            "/account/profile/",
            "/notifications/preferences/",
        ],
        "mentor@example.com": [
            "/",
            "/courses/teach/",
            demo["course_edit"],
            demo["outline"],
            demo["lesson_edit"],
        ],
        "moderator@example.com": ["/", "/moderation/"],
        "admin@example.com": ["/", "/courses/teach/review/"],
    }
    problems = []
    for email, paths in visits.items():
        page.context.clear_cookies()
        if email is not None:
            sign_in(page, base, email, DEMO_PASSWORD)
            assert page.url == f"{base}/", f"{email} could not sign in: {page.url}"
        for path in paths:
            response = page.goto(f"{base}{path}")
            assert response is not None and response.status == 200, f"{path} as {email}"
            violations = _violations(page)
            if violations:
                problems.append(_report(f"{path} as {email or 'anonymous'}", violations))
    assert not problems, "\n".join(problems)


def test_axe_check_reports_a_serious_violation(page: Page, live_server) -> None:
    """The check itself works: an image link without a name is a serious violation."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => {
          const a = document.createElement("a");
          a.href = "/";
          a.append(document.createElement("img"));
          document.querySelector("main").append(a);
        }"""
    )
    assert {v["id"] for v in _violations(page)} & {"link-name", "image-alt"}


def test_profile_with_a_picture_and_the_zone_tools_has_no_serious_axe_violations(
    page: Page, live_server
) -> None:
    """The demo pages show the profile without a picture; this one has both widgets in use."""
    user = UserFactory(name="Asha Rao", timezone="Europe/Paris")  # not the browser's zone
    user.avatar.save("me.png", ContentFile(_png()))
    sign_in(page, live_server.url, user.email, PASSWORD)
    page.goto(f"{live_server.url}/account/profile/")
    page.get_by_role("button", name="Your browser says UTC — use it").wait_for()
    page.get_by_label("Filter the list by city, region or offset").fill("paris")
    page.locator("[data-tz-count]").get_by_text("Matching zones: 1").wait_for()
    violations = _violations(page)
    assert not violations, _report("/account/profile/ with a picture", violations)


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (32, 32), (30, 140, 90)).save(buffer, format="PNG")
    return buffer.getvalue()
