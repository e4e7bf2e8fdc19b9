"""``{% shared_part %}``: rendered once per language and flags, then reused."""

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from accounts.tests.factories import UserFactory
from kalpla.templatetags.kalpla_shell import SharedPartNode

pytestmark = pytest.mark.django_db

SOURCE = (
    "{% load i18n kalpla_shell %}"
    "{% shared_part user.is_authenticated is_mentor %}"
    "{% translate 'Home' %}{% if user.is_authenticated %}|in{% endif %}{% if is_mentor %}|mentor{% endif %}"
    "{% end_shared_part %}"
)


def test_rendered_once_per_language_and_flags_then_reused():
    template = engines["django"].from_string(SOURCE)
    (node,) = template.template.nodelist.get_nodes_by_type(SharedPartNode)
    anonymous = RequestFactory().get("/")
    anonymous.user = type("Anon", (), {"is_authenticated": False})()
    signed_in = RequestFactory().get("/")
    signed_in.user = UserFactory()
    assert template.render({}, anonymous) == "Home"
    assert template.render({"is_mentor": True}, signed_in) == "Home|in|mentor"
    assert template.render({"is_mentor": False}, signed_in) == "Home|in"
    with translation.override("hi"):
        hindi = template.render({}, anonymous)
    assert len(node.rendered) == 4
    assert template.render({}, anonymous) == "Home"  # reused, not the Hindi rendering
    with translation.override("hi"):
        assert template.render({}, anonymous) == hindi
    assert len(node.rendered) == 4


def test_top_bar_links_follow_the_viewers_roles(client):
    from accounts.roles import Role
    from accounts.services import user_roles_set

    student = UserFactory()
    mentor = UserFactory()
    user_roles_set(user=mentor, roles=(Role.MENTOR,))
    staff = UserFactory(is_staff=True)
    pages = {}
    for who in (student, mentor, staff):
        client.force_login(who)
        pages[who.pk] = client.get("/courses/").content.decode()
    assert 'href="/courses/teach/"' not in pages[student.pk]
    assert 'href="/courses/teach/"' in pages[mentor.pk]
    assert 'href="/admin/"' in pages[staff.pk] and 'href="/admin/"' not in pages[mentor.pk]
    for page in pages.values():
        assert 'href="/account/profile/"' in page and "Sign out" in page
