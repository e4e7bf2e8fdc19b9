"""The top bar's template helpers: fixed URLs and query values."""

from django.template import engines
from django.test import RequestFactory


def _render(text: str, **context) -> str:
    return engines["django"].from_string("{% load kalpla_urls %}" + text).render(context)


def test_fixed_url_is_the_route_reversed():
    assert _render("{% fixed_url 'courses:catalogue' %}") == "/courses/"


def test_query_value_shows_the_parameter_escaped_or_nothing():
    text = '{{ request.GET|query_value:"search" }}'
    searched = RequestFactory().get("/", {"search": "<b>yoga</b>"})
    assert _render(text, request=searched) == "&lt;b&gt;yoga&lt;/b&gt;"
    assert _render(text, request=RequestFactory().get("/")) == ""
    assert _render(text) == ""  # rendered without a request
