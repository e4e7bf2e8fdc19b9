"""The profile page: the picture widget (thumbnail, change, remove) and the grouped zone list."""

import io
import re
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts import timezones
from accounts.forms import ProfileForm
from accounts.tests.factories import UserFactory
from accounts.validators import timezone_names

PROFILE = "/account/profile/"


def png(size: tuple[int, int] = (16, 16)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def profile_post(**extra: object) -> dict[str, object]:
    return {"name": "Asha Rao", "bio": "", "timezone": "UTC", "language": "", **extra}


@pytest.fixture
def asha(db):
    return UserFactory(name="Asha Rao")


@pytest.fixture
def asha_with_avatar(asha):
    asha.avatar.save("me.png", ContentFile(png()))
    return asha


def _form_html(html: str) -> str:
    start = html.index('<form method="post" enctype="multipart/form-data"')
    return html[start : html.index("</form>", start)]


# --- time zone choices ------------------------------------------------------------------------


def _groups(choices: timezones.GroupedChoices) -> dict[str, dict[str, str]]:
    return {str(label): dict(options) for label, options in choices}


def test_timezone_choices_hold_every_known_zone_once_grouped_by_region():
    choices = timezones.timezone_choices()
    values = [value for _label, options in choices for value, _ in options]
    assert sorted(values) == list(timezone_names())
    groups = _groups(choices)
    assert list(groups) == [
        "Africa",
        "America",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian Ocean",
        "Pacific",
        "UTC and other zones",
    ]
    assert groups["Asia"]["Asia/Kolkata"] == "Kolkata (UTC+05:30)"
    assert "Asia/Kolkata" not in groups["Europe"]
    other = choices[-1][1]
    assert other[0] == ("UTC", "UTC")
    assert {"Etc/GMT+5", "US/Eastern", "Antarctica/Troll"} <= set(groups["UTC and other zones"])
    # within a group, alphabetical by what people read
    asia_labels = [label for _value, label in choices[2][1]]
    assert asia_labels == sorted(asia_labels, key=str.casefold)


def test_zone_labels_read_city_first_with_the_offset_of_that_hour():
    january = int(datetime(2025, 1, 15, 12, tzinfo=UTC).timestamp()) // 3600
    july = int(datetime(2025, 7, 15, 12, tzinfo=UTC).timestamp()) // 3600
    winter = _groups(timezones._timezone_choices_for_hour(january))
    summer = _groups(timezones._timezone_choices_for_hour(july))
    assert winter["Europe"]["Europe/London"] == "London (UTC+00:00)"
    assert summer["Europe"]["Europe/London"] == "London (UTC+01:00)"
    assert winter["America"]["America/New_York"] == "New York (UTC-05:00)"
    assert (
        winter["America"]["America/Argentina/Buenos_Aires"] == "Buenos Aires, Argentina (UTC-03:00)"
    )
    assert winter["Pacific"]["Pacific/Marquesas"] == "Marquesas (UTC-09:30)"
    assert winter["Asia"]["Asia/Kathmandu"] == "Kathmandu (UTC+05:45)"
    assert winter["UTC and other zones"]["Etc/GMT+5"] == "Etc/GMT+5 (UTC-05:00)"


@pytest.mark.parametrize(
    ("offset", "label"),
    [
        (timedelta(0), "UTC+00:00"),
        (timedelta(hours=5, minutes=30), "UTC+05:30"),
        (timedelta(hours=-3), "UTC-03:00"),
        (timedelta(hours=-9, minutes=-30), "UTC-09:30"),
        (timedelta(hours=14), "UTC+14:00"),
    ],
)
def test_utc_offset_label(offset, label):
    assert timezones.utc_offset_label(offset) == label


def test_timezone_choices_are_built_once_an_hour(monkeypatch):
    built = []
    real_label = timezones.zone_label

    def counting_label(name: str, *, at: datetime) -> str:
        built.append(name)
        return real_label(name, at=at)

    now = [1_750_000_000.0]
    monkeypatch.setattr(timezones, "zone_label", counting_label)
    monkeypatch.setattr(timezones.time, "time", lambda: now[0])
    timezones._timezone_choices_for_hour.cache_clear()
    try:
        first = timezones.timezone_choices()
        now[0] += 60
        assert timezones.timezone_choices() is first
        assert len(built) == len(timezone_names())
        now[0] += 3600
        assert timezones.timezone_choices() is not first
        assert len(built) == 2 * len(timezone_names())
    finally:
        timezones._timezone_choices_for_hour.cache_clear()


@pytest.mark.django_db
def test_profile_page_does_not_load_every_zone_per_request(client, asha, monkeypatch):
    client.force_login(asha)
    client.get(PROFILE)  # builds this hour's choices
    loads = []
    real = zoneinfo.ZoneInfo

    def counting_zone(key: str) -> zoneinfo.ZoneInfo:
        loads.append(key)
        return real(key)

    monkeypatch.setattr(zoneinfo, "ZoneInfo", counting_zone)
    response = client.get(PROFILE)
    assert response.status_code == 200
    assert len(loads) <= 2, loads  # the request's own zone, not the list


# --- time zone field --------------------------------------------------------------------------


@pytest.mark.django_db
def test_timezone_select_is_grouped_with_filter_and_suggestion_hidden_without_js(client, asha):
    asha.timezone = "Asia/Kolkata"
    asha.save(update_fields=["timezone"])
    client.force_login(asha)
    html = _form_html(client.get(PROFILE).content.decode())
    assert '<label for="id_timezone">Time zone</label>' in html
    for region in ("Africa", "America", "Asia", "Europe", "Pacific", "UTC and other zones"):
        assert f'<optgroup label="{region}">' in html
    assert '<option value="Asia/Kolkata" selected>Kolkata (UTC+05:30)</option>' in html
    assert html.count(" selected>") == 1 + html.count('" selected>---')  # one zone selected
    # the enhancements are in the page for the script, hidden until it runs
    assert re.search(r'<div class="tz-picker__filter" data-tz-tools hidden>', html)
    assert '<label for="id_timezone_filter">' in html
    assert re.search(r"<button [^>]*data-tz-suggest hidden", html)
    assert "js/timezone.js" in client.get(PROFILE).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Asia/Kolkata", "US/Eastern", "Etc/GMT-14", "UTC"])
def test_profile_saves_any_known_zone_unchanged(client, asha, zone):
    client.force_login(asha)
    response = client.post(PROFILE, profile_post(timezone=zone))
    assert response.status_code == 302
    asha.refresh_from_db()
    assert asha.timezone == zone


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Nowhere/City", "Kolkata (UTC+05:30)", "Asia", ""])
def test_profile_refuses_unknown_zones_with_a_form_error(client, asha, zone):
    client.force_login(asha)
    response = client.post(PROFILE, profile_post(timezone=zone))
    assert response.status_code == 200
    assert "timezone" in response.context["form"].errors
    asha.refresh_from_db()
    assert asha.timezone == "UTC"


# --- picture ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_avatar_widget_shows_a_thumbnail_and_never_the_storage_name(client, asha_with_avatar):
    client.force_login(asha_with_avatar)
    html = client.get(PROFILE).content.decode()
    url = asha_with_avatar.avatar.url
    form = _form_html(html)
    assert (
        f'<img class="avatar avatar--large avatar-input__current" src="{url}" alt="Asha Rao"'
        in (form)
    )
    assert f'<img src="{url}" alt="">' in html  # the header shows the same URL
    # the storage name appears only inside that URL, never as text or a link
    assert asha_with_avatar.avatar.name not in html.replace(url, "")
    assert "Currently" not in html
    assert '<label class="avatar-input__label" for="id_avatar">Change picture</label>' in form
    assert 'accept="image/gif,image/jpeg,image/png,image/webp"' in form
    assert '<input type="checkbox" name="avatar-clear" id="avatar-clear_id">' in form
    assert '<label for="avatar-clear_id">Remove picture</label>' in form
    assert "<legend>Profile picture" in form


@pytest.mark.django_db
def test_avatar_widget_without_a_picture_offers_to_choose_one(client, asha):
    client.force_login(asha)
    form = _form_html(client.get(PROFILE).content.decode())
    assert "<img" not in form
    assert "Choose a picture" in form
    assert "avatar-clear" not in form


def test_avatar_widget_alt_text_is_the_users_name():
    user = UserFactory.build(name="Ravi <Kumar>", email="ravi@example.com")
    user.avatar.name = "avatars/9/abc"
    html = str(ProfileForm(instance=user)["avatar"])
    assert 'alt="Ravi &lt;Kumar&gt;"' in html
    assert "avatars/9/abc" in html  # only as the URL
    assert ">avatars/9/abc<" not in html


@pytest.mark.django_db
def test_profile_upload_then_remove_picture_deletes_the_file(
    client, asha, django_capture_on_commit_callbacks
):
    client.force_login(asha)
    upload = SimpleUploadedFile("me.png", png(), content_type="image/png")
    response = client.post(PROFILE, profile_post(avatar=upload))
    assert response.status_code == 302
    asha.refresh_from_db()
    name = asha.avatar.name
    assert name.startswith(f"avatars/{asha.pk}/") and default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PROFILE, profile_post(**{"avatar-clear": "on"}))
    assert response.status_code == 302
    asha.refresh_from_db()
    assert asha.avatar.name == ""
    assert not default_storage.exists(name)
    page = client.get(PROFILE).content.decode()
    assert '<span class="avatar" aria-hidden="true">A</span>' in page  # the header's initial
    assert "<img" not in _form_html(page)


@pytest.mark.django_db
def test_profile_replacing_the_picture_deletes_the_old_file(
    client, asha_with_avatar, django_capture_on_commit_callbacks
):
    old = asha_with_avatar.avatar.name
    client.force_login(asha_with_avatar)
    upload = SimpleUploadedFile("new.png", png((20, 20)), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PROFILE, profile_post(avatar=upload))
    assert response.status_code == 302
    asha_with_avatar.refresh_from_db()
    assert asha_with_avatar.avatar.name not in ("", old)
    assert default_storage.exists(asha_with_avatar.avatar.name)
    assert not default_storage.exists(old)


@pytest.mark.django_db
def test_profile_save_without_touching_the_picture_keeps_it(
    client, asha_with_avatar, django_capture_on_commit_callbacks
):
    name = asha_with_avatar.avatar.name
    client.force_login(asha_with_avatar)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PROFILE, profile_post(bio="Hello"))
    assert response.status_code == 302
    asha_with_avatar.refresh_from_db()
    assert (asha_with_avatar.avatar.name, asha_with_avatar.bio) == (name, "Hello")
    assert default_storage.exists(name)


@pytest.mark.django_db
def test_profile_upload_and_remove_together_is_a_form_error(client, asha_with_avatar):
    name = asha_with_avatar.avatar.name
    client.force_login(asha_with_avatar)
    upload = SimpleUploadedFile("new.png", png(), content_type="image/png")
    response = client.post(PROFILE, profile_post(avatar=upload, **{"avatar-clear": "on"}))
    assert response.status_code == 200
    assert "avatar" in response.context["form"].errors
    asha_with_avatar.refresh_from_db()
    assert asha_with_avatar.avatar.name == name


@pytest.mark.django_db
def test_profile_refused_picture_keeps_the_current_one(client, asha_with_avatar):
    name = asha_with_avatar.avatar.name
    client.force_login(asha_with_avatar)
    fake = SimpleUploadedFile("x.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png")
    response = client.post(PROFILE, profile_post(avatar=fake))
    assert response.status_code == 200
    assert "avatar" in response.context["form"].errors
    asha_with_avatar.refresh_from_db()
    assert asha_with_avatar.avatar.name == name and default_storage.exists(name)


@pytest.mark.django_db
def test_api_avatar_null_removes_the_picture_and_its_file(
    asha_with_avatar, api_client, django_capture_on_commit_callbacks
):
    name = asha_with_avatar.avatar.name
    api_client.force_authenticate(asha_with_avatar)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.patch("/api/v1/me/", {"avatar": None}, format="json")
    assert response.status_code == 200
    assert response.json()["avatar_url"] is None
    asha_with_avatar.refresh_from_db()
    assert asha_with_avatar.avatar.name == ""
    assert not default_storage.exists(name)


@pytest.mark.django_db
def test_a_users_language_does_not_outlive_their_request(client):
    from django.utils import translation

    hindi = UserFactory(language="hi")
    client.force_login(hindi)
    translation.activate("en")
    response = client.get("/account/profile/")
    assert response["Content-Language"] == "hi"
    assert translation.get_language() == "en"  # the next request (or test) starts as it was
