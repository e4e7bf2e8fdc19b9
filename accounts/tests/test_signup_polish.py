"""Sign-up keeps where the visitor was going, and its emails and pages are Kalpla's own."""

import re

import pytest
from django.core import mail

from courses.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
DATA = {
    "email": "nila@example.com",
    "name": "Nila New",
    "password1": "a-long-secret-phrase",
    "password2": "a-long-secret-phrase",
}


def _link(message: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", message)
    assert match is not None, message
    return match.group(1)


def test_signup_form_keeps_next(client):
    html = client.get(SIGNUP, {"next": "/courses/python/"}).content.decode()
    assert 'name="next" value="/courses/python/"' in html


def test_signup_then_verification_goes_to_next(client):
    course = CourseFactory()
    target = f"/courses/{course.slug}/"
    response = client.post(f"{SIGNUP}?next={target}", {**DATA, "next": target})
    assert response.status_code == 302
    link = _link(mail.outbox[0].body)
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == target


def test_top_bar_sign_in_and_sign_up_come_back_to_the_page(client):
    course = CourseFactory()
    html = client.get(f"/courses/{course.slug}/").content.decode()
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    nxt = f"?next=/courses/{course.slug}/"
    assert f'href="/accounts/signup/{nxt}"' in header
    assert f'href="/accounts/login/{nxt}"' in header


def test_top_bar_on_the_sign_in_page_keeps_its_next(client):
    html = client.get("/accounts/login/", {"next": "/courses/x/"}).content.decode()
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    assert 'href="/accounts/signup/?next=/courses/x/"' in header


def test_top_bar_ignores_a_next_pointing_elsewhere(client):
    html = client.get("/accounts/login/", {"next": "//evil.example/"}).content.decode()
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    assert "evil.example" not in header


@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [("en", "Confirm your email address", "Welcome to Kalpla"), ("hi", "ईमेल पते की पुष्टि", "स्वागत")],
)
def test_verification_email_is_kalplas_own_in_each_language(client, language, subject, greeting):
    client.post(SIGNUP, DATA, HTTP_ACCEPT_LANGUAGE=language)
    [message] = mail.outbox
    assert subject in message.subject
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert greeting in body
        assert "Nila" in body
        assert _link(body).startswith("/accounts/confirm-email/")
        assert "You're receiving this email" not in body


def test_verification_page_offers_to_send_the_email_again(client):
    html = client.post(SIGNUP, DATA, follow=True).content.decode()
    assert 'action="/account/verification/resend/"' in html
    assert "Send it again" in html


def test_verification_resend_sends_a_new_link(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "confirm_email": False}
    client.post(SIGNUP, DATA)
    response = client.post("/account/verification/resend/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 2
    assert "sent to nila@example.com" in response.content.decode()


def test_verification_resend_right_away_asks_to_wait(client):
    client.post(SIGNUP, DATA)
    response = client.post("/account/verification/resend/", follow=True)
    assert len(mail.outbox) == 1
    assert "wait a few minutes" in response.content.decode()


def test_verification_resend_without_a_pending_sign_up_goes_to_sign_in(client):
    response = client.post("/account/verification/resend/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_verification_email_html_names_its_language(client):
    client.post(SIGNUP, DATA, HTTP_ACCEPT_LANGUAGE="hi")
    assert '<html lang="hi">' in mail.outbox[0].alternatives[0][0]
