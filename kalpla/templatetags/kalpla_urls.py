"""``{% fixed_url 'name' %}``: ``{% url 'name' %}`` for a route without arguments, reversed once.

The top bar and footer of every page link to a dozen such routes; Django reverses each on
every render. Their path depends only on the URLconf and the script prefix, so it is
remembered per process for each pair.

``{{ request.GET|query_value:"search" }}``: one query parameter, "" when absent. Django's
``request.GET.search`` looks a missing key up as an attribute and then lists the
``QueryDict``'s attributes (``dir()``) to tell a missing one from a failing property: about
50 us on every page of the top bar's search box.
"""

from functools import lru_cache

from django import template
from django.http import QueryDict
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@lru_cache(maxsize=256)
def _reversed(name: str, urlconf: str | None, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def fixed_url(name: str) -> str:
    return _reversed(name, get_urlconf(), get_script_prefix())


@register.filter
def query_value(params: QueryDict | str, name: str) -> str:
    """``params[name]``, or "" (also when rendered without a request: ``params`` is "")."""
    return params.get(name, "") if isinstance(params, QueryDict) else ""
