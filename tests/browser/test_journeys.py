"""End-to-end journeys in Chromium: sign-up with email verification and TOTP, profile edits.

Every page the journeys load is checked for one h1, a main landmark and labelled inputs.
"""

import re
import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD, seed_demo_users
from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

from .helpers import assert_page_basics, sign_in, sign_out, totp_code, wait_for_next_totp_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONFIRM_LINK = re.compile(r"https?://\S+?(/accounts/confirm-email/\S+?/)(?=\s|$)")


def _confirmation_path(mailoutbox: list) -> str:
    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    match = CONFIRM_LINK.search(mailoutbox[0].body)
    assert match, mailoutbox[0].body
    return urlsplit(match.group(0)).path


def _expect_home(page: Page, base_url: str, name: str, *, first: bool = False) -> None:
    """The home greets a brand-new account with "Welcome", everyone else "Welcome back"."""
    expect(page).to_have_url(f"{base_url}/")
    greeting = f"Welcome, {name}" if first else f"Welcome back, {name}"
    expect(page.get_by_role("heading", level=1)).to_have_text(greeting)
    assert_page_basics(page)


def test_signup_verify_email_and_sign_in_with_totp(page: Page, live_server, mailoutbox) -> None:
    base = live_server.url
    email, password = "priya@example.com", "a-Long-and-unusual-passphrase-9"

    # Sign up: email, name, password.
    page.goto(f"{base}/accounts/signup/")
    assert_page_basics(page)
    form = page.locator("main form").first
    form.get_by_label("Email", exact=True).fill(email)
    form.get_by_label("Full name").fill("Priya Sharma")
    form.get_by_label("Password", exact=True).fill(password)
    form.get_by_label("Password (again)").fill(password)
    form.get_by_role("button", name=re.compile("sign up", re.IGNORECASE)).click()

    # The site asks to verify the address and has mailed a link.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_role("button", name="Send it again")).to_be_visible()
    assert_page_basics(page, "verification-sent")
    path = _confirmation_path(mailoutbox)

    # Open the link and confirm: the same browser is signed in straight away.
    page.goto(f"{base}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("confirm", re.I))
    assert_page_basics(page, "confirm-email")
    page.locator("main form").get_by_role("button", name="Confirm").click()
    _expect_home(page, base, "Priya", first=True)
    user = User.objects.get(email=email)
    assert user.name == "Priya Sharma"
    assert user.emailaddress_set.get(email=email).verified

    # Sign out and back in with the password.
    sign_out(page)
    assert_page_basics(page)
    sign_in(page, base, email, password)
    _expect_home(page, base, "Priya")

    # Two-factor page: activate an authenticator app from the secret shown on the page.
    page.goto(f"{base}/accounts/2fa/")
    assert_page_basics(page)
    totp_panel = page.locator("section", has=page.get_by_role("heading", name="Authenticator App"))
    totp_panel.get_by_role("link", name="Activate").click()
    # Changing two-factor settings asks for the password again first.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Access")
    assert_page_basics(page)
    page.get_by_label("Password", exact=True).fill(password)
    page.locator("main form").get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(f"{base}/accounts/2fa/totp/activate/")
    assert_page_basics(page)
    secret = page.get_by_label("Authenticator secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret), secret
    activated_at = int(time.time()) // 30
    page.get_by_label("Authenticator code").fill(totp_code(secret, activated_at))
    page.locator("main form").get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("recovery codes", re.I))
    assert_page_basics(page, "recovery-codes")
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    # Sign out; signing in again asks for the authenticator code after the password.
    sign_out(page)
    sign_in(page, base, email, password)
    expect(page).to_have_url(f"{base}/accounts/2fa/authenticate/")
    assert_page_basics(page)
    # Codes are single use: the app shows a new one in the next 30-second step.
    counter = wait_for_next_totp_step(activated_at)
    page.get_by_label("Code").fill(totp_code(secret, counter))
    page.locator("main form").first.get_by_role(
        "button", name=re.compile("^sign in$", re.I)
    ).click()
    _expect_home(page, base, "Priya")


def test_demo_admin_edits_profile_and_sees_errors(page: Page, live_server) -> None:
    base = live_server.url
    seed_demo_users()
    sign_in(page, base, "admin@example.com", DEMO_PASSWORD)
    _expect_home(page, base, "Arjun", first=True)
    expect(page.get_by_role("heading", name="Staff tools")).to_be_visible()

    page.goto(f"{base}/account/profile/")
    assert_page_basics(page)
    expect(page.get_by_role("link", name="Profile", exact=True).last).to_have_attribute(
        "aria-current", "page"
    )
    page.get_by_label("Name").fill("Arjun Rao")
    page.get_by_label("Bio").fill("Runs the platform.")
    # A time zone that is not on the list (as a tampered or stale form would send).
    page.locator("#id_timezone").evaluate(
        """(select) => {
            select.add(new Option("Mars/Olympus_Mons", "Mars/Olympus_Mons"));
            select.value = "Mars/Olympus_Mons";
        }"""
    )
    page.get_by_role("button", name="Save profile").click()

    timezone_field = page.locator(".field", has=page.locator("#id_timezone"))
    expect(timezone_field.locator(".error")).to_contain_text("Select a valid choice")
    expect(page.locator("#id_timezone")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Name")).to_have_value("Arjun Rao")
    expect(page.get_by_label("Bio")).to_have_value("Runs the platform.")
    assert_page_basics(page, "profile-error")
    assert User.objects.get(email="admin@example.com").name == "Arjun Admin"

    page.get_by_label("Time zone").select_option("Asia/Kolkata")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile was saved.")
    expect(page.get_by_label("Name")).to_have_value("Arjun Rao")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Kolkata")
    assert_page_basics(page)
    admin = User.objects.get(email="admin@example.com")
    assert (admin.name, admin.timezone, admin.bio) == (
        "Arjun Rao",
        "Asia/Kolkata",
        "Runs the platform.",
    )


def test_sign_in_through_the_asgi_server(page: Page, asgi_server: str) -> None:
    user = UserFactory(name="Kavya Iyer", roles=("Mentor",))
    sign_in(page, asgi_server, user.email, PASSWORD)
    _expect_home(page, asgi_server, "Kavya", first=True)
    expect(page.get_by_role("heading", name="Teaching")).to_be_visible()
