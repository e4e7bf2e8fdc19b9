"""``{% memo_part %}``: rendered once per language and keys, the CSRF token filled in each time."""

import re

import pytest
from django.middleware.csrf import CSRF_TOKEN_LENGTH, _unmask_cipher_token
from django.template import engines
from django.test import Client, RequestFactory
from django.utils import translation

from accounts.tests.factories import UserFactory
from kalpla.templatetags.kalpla_shell import CSRF_HOLE, MemoPartNode

pytestmark = pytest.mark.django_db

SOURCE = (
    "{% load i18n kalpla_shell %}"
    "{% memo_part name count %}{% translate 'Home' %}|{{ name }}|{{ count }}|{% csrf_token %}"
    "{% end_memo_part %}"
)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _request():
    request = RequestFactory().get("/")
    request.user = UserFactory()
    return request


def test_rendered_once_per_language_and_keys_with_each_requests_own_csrf_token():
    template = engines["django"].from_string(SOURCE)
    (node,) = template.template.nodelist.get_nodes_by_type(MemoPartNode)
    first, second = _request(), _request()
    one = template.render({"name": "Asha", "count": 2}, first)
    two = template.render({"name": "Asha", "count": 2}, second)
    assert len(node.rendered) == 1  # the second request reused the first's rendering
    tokens = [TOKEN.search(html).group(1) for html in (one, two)]
    assert len(set(tokens)) == 2 and all(len(t) == CSRF_TOKEN_LENGTH for t in tokens)
    assert (
        one.replace(tokens[0], "T")
        == two.replace(tokens[1], "T")
        == ('Home|Asha|2|<input type="hidden" name="csrfmiddlewaretoken" value="T">')
    )
    # each token is the request's own (the secret behind it is the one its cookie gets)
    assert _unmask_cipher_token(tokens[0]) == first.META["CSRF_COOKIE"]
    assert CSRF_HOLE not in one + two
    assert "|Ravi|0|" in template.render({"name": "Ravi", "count": 0}, _request())
    with translation.override("hi"):
        template.render({"name": "Asha", "count": 2}, _request())
    assert len(node.rendered) == 3


def test_without_a_request_it_renders_as_django_does_and_keeps_nothing():
    template = engines["django"].from_string(SOURCE)
    (node,) = template.template.nodelist.get_nodes_by_type(MemoPartNode)
    assert template.render({"name": "Asha", "count": 1}) == "Home|Asha|1|"
    assert node.rendered == {}


def test_memo_part_needs_a_key():
    with pytest.raises(Exception, match="at least one key"):
        engines["django"].from_string("{% load kalpla_shell %}{% memo_part %}x{% end_memo_part %}")


def test_each_viewer_sees_their_own_name_unread_count_and_a_working_sign_out():
    from notifications.tests.factories import NotificationFactory

    asha, ravi = UserFactory(name="Asha Rao"), UserFactory(name="Ravi Kumar")
    NotificationFactory(recipient=asha)
    pages = {}
    for who in (asha, ravi, asha):
        client = Client(enforce_csrf_checks=True)
        client.force_login(who)
        page = client.get("/courses/").content.decode()
        pages.setdefault(who.pk, []).append(page)
        token = TOKEN.findall(page)[0]
        # the sign-out form's token (filled into the kept top bar) is accepted
        assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert "Asha" in pages[asha.pk][0] and "Ravi" not in pages[asha.pk][0]
    assert "Ravi" in pages[ravi.pk][0] and "Asha" not in pages[ravi.pk][0]
    badge = re.compile(r"data-unread-count>(\d+)<")
    assert badge.search(pages[asha.pk][0]).group(1) == "1"
    assert badge.search(pages[ravi.pk][0]).group(1) == "0"
    assert badge.search(pages[asha.pk][1]).group(1) == "1"
