"""Campaign tracking links: signed tokens for the email open pixel and for links.

A link token carries the campaign, the person (absent for the one link shared by every
recipient's notification), the channel and the original address; it is signed, so nobody can
make the redirect lead elsewhere, and the address is checked again when followed: only this
site and ``KALPLA_CAMPAIGN_LINK_HOSTS`` (no open redirect, even with a leaked signing key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

OPEN_SALT = "analytics.campaign.open"
CLICK_SALT = "analytics.campaign.click"
URL_RE = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)


@dataclass(frozen=True)
class Tracked:
    campaign_id: int
    user_id: int | None
    channel: str
    url: str = ""


def site_host() -> str:
    return urlsplit(settings.SITE_URL).netloc


def link_hosts() -> set[str]:
    return {site_host(), *settings.KALPLA_CAMPAIGN_LINK_HOSTS}


def link_is_allowed(url: str) -> bool:
    """A page of this site (a path) or an http(s) address on an allowed host."""
    if not url or url.startswith("//") or "\\" in url:
        return False
    if url.startswith("/"):
        return url_has_allowed_host_and_scheme(url, allowed_hosts=link_hosts())
    scheme = urlsplit(url).scheme.lower()
    return scheme in ("http", "https") and url_has_allowed_host_and_scheme(
        url, allowed_hosts=link_hosts()
    )


def absolute(path: str) -> str:
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/"))


def click_url(*, campaign_id: int, user_id: int | None, channel: str, url: str) -> str:
    token = signing.dumps(
        {"c": campaign_id, "u": user_id, "ch": channel, "l": url}, salt=CLICK_SALT, compress=True
    )
    return absolute(reverse("analytics:campaign_click", args=[token]))


def open_url(*, campaign_id: int, user_id: int) -> str:
    token = signing.dumps({"c": campaign_id, "u": user_id}, salt=OPEN_SALT, compress=True)
    return absolute(reverse("analytics:campaign_open", args=[token]))


def _read(token: str, salt: str) -> dict | None:
    try:
        data = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("c"), int) else None


def click_read(token: str) -> Tracked | None:
    data = _read(token, CLICK_SALT)
    if data is None or not isinstance(data.get("l"), str):
        return None
    user = data.get("u")
    return Tracked(
        campaign_id=data["c"],
        user_id=user if isinstance(user, int) else None,
        channel=str(data.get("ch", ""))[:8],
        url=data["l"],
    )


def open_read(token: str) -> Tracked | None:
    data = _read(token, OPEN_SALT)
    if data is None or not isinstance(data.get("u"), int):
        return None
    return Tracked(campaign_id=data["c"], user_id=data["u"], channel="email")


def links_in(text: str) -> list[str]:
    return URL_RE.findall(text or "")
