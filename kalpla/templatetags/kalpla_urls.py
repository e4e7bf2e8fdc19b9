"""``{% fixed_url 'name' %}``: ``{% url 'name' %}`` for a route without arguments, reversed once.

The top bar and footer of every page link to a dozen such routes; Django reverses each on
every render. Their path depends only on the URLconf and the script prefix, so it is
remembered per process for each pair.
"""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@lru_cache(maxsize=256)
def _reversed(name: str, urlconf: str | None, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def fixed_url(name: str) -> str:
    return _reversed(name, get_urlconf(), get_script_prefix())
