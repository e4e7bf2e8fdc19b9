"""Small helpers shared by the browser tests."""

import base64
import hashlib
import hmac
import os
import re
import struct
import time

from playwright.sync_api import Page, expect

# Every page: one h1, one main landmark, and an accessible name for every visible form control.
_PAGE_BASICS_JS = """
() => {
  const problems = [];
  const h1s = document.querySelectorAll("h1");
  if (h1s.length !== 1) problems.push(`expected one h1, found ${h1s.length}`);
  const mains = document.querySelectorAll("main, [role=main]");
  if (mains.length !== 1) problems.push(`expected one main landmark, found ${mains.length}`);
  const skip = new Set(["hidden", "submit", "button", "reset", "image"]);
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.tagName === "INPUT" && skip.has(el.type)) continue;
    const style = getComputedStyle(el);
    const visible = el.getClientRects().length > 0 && style.visibility !== "hidden";
    if (!visible) continue;
    const byLabel = Array.from(el.labels || []).some((l) => l.textContent.trim() !== "");
    const byAria = (el.getAttribute("aria-label") || "").trim() !== "";
    const byLabelledBy = (el.getAttribute("aria-labelledby") || "")
      .split(/\\s+/).filter(Boolean)
      .some((id) => (document.getElementById(id)?.textContent || "").trim() !== "");
    if (!(byLabel || byAria || byLabelledBy)) {
      problems.push(`${el.tagName.toLowerCase()}[name=${el.name || "?"}] has no label`);
    }
  }
  return problems;
}
"""


def assert_page_basics(page: Page, screenshot: str = "") -> None:
    """One h1, a main landmark and labels for every visible input on the current page.

    With KALPLA_SCREENSHOT_DIR set, also saves a full-page PNG named ``screenshot``.
    """
    page.wait_for_load_state("domcontentloaded")
    problems = page.evaluate(_PAGE_BASICS_JS)
    assert problems == [], f"{page.url}: {problems}"
    directory = os.environ.get("KALPLA_SCREENSHOT_DIR", "")
    if directory and screenshot:
        os.makedirs(directory, exist_ok=True)
        page.screenshot(path=os.path.join(directory, f"{screenshot}.png"), full_page=True)


def totp_code(secret: str, counter: int | None = None) -> str:
    """RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits), like an authenticator app."""
    if counter is None:
        counter = int(time.time()) // 30
    key = base64.b32decode(secret.replace(" ", "").upper())
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def wait_for_next_totp_step(after_counter: int) -> int:
    """Authenticator codes are single use: wait until a code newer than ``after_counter``."""
    while (counter := int(time.time()) // 30) <= after_counter:
        time.sleep(0.25)
    return counter


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    """Fill the sign-in form (the landing page afterwards depends on the account)."""
    page.goto(f"{base_url}/accounts/login/")
    assert_page_basics(page)
    form = page.locator("main form").first
    form.get_by_label("Email", exact=True).fill(email)
    form.get_by_label("Password", exact=True).fill(password)
    form.get_by_role("button", name=re.compile(r"^sign in$", re.IGNORECASE)).click()
    page.wait_for_load_state("domcontentloaded")


def sign_out(page: Page) -> None:
    """Use the account menu in the top bar."""
    page.locator("details.menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
