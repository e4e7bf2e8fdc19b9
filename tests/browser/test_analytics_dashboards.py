"""The analytics dashboards in Chromium over the demo data: the demo mentor reaches their
course's dashboard from the menu, the vendored uPlot draws every chart, a table sorts by a
header click, and axe-core finds no serious WCAG violation on the pages."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD

from .helpers import sign_in
from .test_accessibility import _report, _violations


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    # injecting axe is an inline script, which the site's CSP refuses
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def demo(transactional_db) -> None:
    call_command("seed_demo", "--force", stdout=StringIO())


def test_mentor_course_dashboard_draws_charts_and_sorts(page: Page, live_server, demo) -> None:
    base = live_server.url
    sign_in(page, base, "mentor@example.com", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Analytics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Course analytics")
    problems = []
    if violations := _violations(page):
        problems.append(_report(page.url, violations))
    page.locator("#table-courses tbody th a").first.click()
    expect(page.locator("figure[data-chart] canvas")).to_have_count(3)
    page.get_by_role("link", name="Completed").click()
    expect(page.locator('#table-lessons th[aria-sort="descending"]')).to_have_count(1)
    if violations := _violations(page):
        problems.append(_report(page.url, violations))
    page.get_by_label("From").fill("2030-01-02")
    page.get_by_label("To").fill("2030-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert not problems, "\n".join(problems)


def test_staff_platform_dashboard_draws_charts(page: Page, live_server, demo) -> None:
    base = live_server.url
    sign_in(page, base, "admin@example.com", DEMO_PASSWORD)
    page.goto(f"{base}/analytics/?days=30")
    expect(page.locator("figure[data-chart] canvas")).to_have_count(4)
    violations = _violations(page)
    assert not violations, _report(page.url, violations)
