"""The home pages say what Kalpla does today and greet people as what they are."""

import pytest

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NOT_THERE_YET = ("mentor", "quiz", "live", "group", "chat", "book")


def test_home_anonymous_promises_only_what_works(client):
    html = client.get("/").content.decode().lower()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    for word in NOT_THERE_YET:
        assert word not in main, f"the home page promises “{word}”"
    for feature in ("captions", "transcript", "narration", "progress", "review", "two-factor"):
        assert feature in main


def _sign_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_home_greets_a_first_sign_in_with_welcome(client):
    user = UserFactory(name="Nila New", last_login=None)
    _sign_in(client, user)
    html = client.get("/").content.decode()
    assert "Welcome, Nila" in html
    assert "Welcome back" not in html


def test_home_greets_a_returning_user_with_welcome_back(client):
    user = UserFactory(name="Ravi Regular")
    user.last_login = user.date_joined
    user.save(update_fields=["last_login"])
    _sign_in(client, user)
    assert "Welcome back, Ravi" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("roles", "is_staff", "sees_api"),
    [(("Student",), False, False), (("Mentor",), False, True), (("Admin",), True, True)],
)
def test_main_navigation_shows_the_api_link_to_mentors_and_staff_only(
    client, roles, is_staff, sees_api
):
    client.force_login(UserFactory(roles=roles, is_staff=is_staff))
    html = client.get("/courses/").content.decode()
    nav = html.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]
    assert ('href="/api/docs/"' in nav) is sees_api
