"""The admin index names each app's section once."""

import re
from collections import Counter

import pytest

pytestmark = pytest.mark.django_db


def test_admin_index_section_titles_are_distinct(client, admin_user):
    client.force_login(admin_user)
    html = client.get("/admin/").content.decode()
    captions = re.findall(r"<caption>\s*<a [^>]*>([^<]+)</a>", html)
    assert len(captions) > 3
    repeated = [name for name, n in Counter(c.strip().lower() for c in captions).items() if n > 1]
    assert not repeated, f"two admin sections are titled {repeated}"
