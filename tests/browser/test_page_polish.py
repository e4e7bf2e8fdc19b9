"""Details people noticed in the browser: filter controls that show their whole text."""

import pytest
from playwright.sync_api import Browser

from courses.tests.factories import CategoryFactory, CourseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Controls whose text does not fit: a select's chosen option wider than the select, or a
# label wider than its box.
_CUT_OFF_JS = """
(selector) => {
  const problems = [];
  const ctx = document.createElement("canvas").getContext("2d");
  for (const el of document.querySelectorAll(`${selector} select`)) {
    const style = getComputedStyle(el);
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = el.options[el.selectedIndex].text;
    const needed = ctx.measureText(text).width + parseFloat(style.paddingLeft)
      + parseFloat(style.paddingRight) + 16;  // the drop-down arrow
    if (needed > el.clientWidth) problems.push(`${el.name}: “${text}” (${needed}px > ${el.clientWidth}px)`);
  }
  for (const el of document.querySelectorAll(`${selector} label`)) {
    if (el.scrollWidth > el.clientWidth + 1) problems.push(`label “${el.textContent.trim()}”`);
  }
  return problems;
}
"""


@pytest.mark.parametrize("width", [1280, 1024, 375])
def test_catalogue_filters_show_their_whole_text(browser: Browser, live_server, width) -> None:
    CourseFactory(category=CategoryFactory(name="Data science"))
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/courses/")
        assert page.evaluate(_CUT_OFF_JS, ".catalogue-form__filters") == []
    finally:
        context.close()
