"""The API's routes form one flat list (see ``kalpla.urls.API_URLCONFS``): no app's route may
hide another's, so the order of the apps in that list only decides how fast each resolves."""

from importlib import import_module

import pytest
from django.urls import resolve

from kalpla.urls import API_URLCONFS


def _fixed_routes():
    for module in API_URLCONFS:
        for pattern in import_module(module).urlpatterns:
            route = str(pattern.pattern)
            if "<" not in route:  # a route without converters can be requested as written
                yield module, route, pattern


@pytest.mark.parametrize(("module", "route", "pattern"), list(_fixed_routes()))
def test_each_fixed_api_route_reaches_its_own_view(module, route, pattern):
    match = resolve(f"/api/v1/{route}")
    assert match.url_name == pattern.name, f"{module}: {route} is answered by {match.url_name}"
    assert match.namespace == "api"


def test_no_route_is_listed_twice():
    routes = [str(p.pattern) for m in API_URLCONFS for p in import_module(m).urlpatterns]
    assert len(routes) == len(set(routes))
