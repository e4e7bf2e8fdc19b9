"""The campaign email's body, rendered per recipient at send time: links rewritten to tracked
redirects and the 1x1 open pixel (templates/notifications/analytics.campaign/)."""

from typing import Any

from django import template
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from analytics.tracking import URL_RE, absolute, click_url, link_is_allowed, open_url

register = template.Library()


def _ids(context: Any) -> tuple[int, int] | None:
    user = context.get("user")
    campaign_id = context.get("campaign_id")
    if user is None or not isinstance(campaign_id, int):
        return None
    return campaign_id, user.pk


def _tracked(url: str, ids: tuple[int, int]) -> str:
    if not link_is_allowed(url):
        return url
    return click_url(campaign_id=ids[0], user_id=ids[1], channel="email", url=url)


@register.simple_tag(takes_context=True)
def campaign_email_html(context: Any) -> SafeString:
    body = str(context.get("email_body", ""))
    ids = _ids(context)
    if ids is None:
        return mark_safe(linebreaks(escape(body)))  # noqa: S308 - escaped above
    html = linebreaks(escape(body))

    def link(match: Any) -> str:
        shown = match.group(0)
        return f'<a href="{escape(_tracked(shown.replace("&amp;", "&"), ids))}">{shown}</a>'

    html = URL_RE.sub(link, html)
    link_url = str(context.get("link_url", ""))
    if link_url:
        target = escape(_tracked(absolute(link_url) if link_url.startswith("/") else link_url, ids))
        html += (
            f'<p><a href="{target}" style="display:inline-block;background:#4f46e5;'
            "color:#ffffff;text-decoration:none;font-weight:600;padding:10px 18px;"
            f'border-radius:8px;">{escape(_("Take a look"))}</a></p>'
        )
    pixel = escape(open_url(campaign_id=ids[0], user_id=ids[1]))
    html += f'<img src="{pixel}" width="1" height="1" alt="" style="display:block;border:0;">'
    return mark_safe(html)  # noqa: S308 - built from escaped parts


@register.simple_tag(takes_context=True)
def campaign_email_text(context: Any) -> str:
    body = str(context.get("email_body", ""))
    ids = _ids(context)
    if ids is None:
        return body
    text = URL_RE.sub(lambda m: _tracked(m.group(0), ids), body)
    link_url = str(context.get("link_url", ""))
    if link_url:
        text += "\n\n" + _tracked(absolute(link_url) if link_url.startswith("/") else link_url, ids)
    return text
