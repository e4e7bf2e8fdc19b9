"""Every HTTP URL pattern and WebSocket route of the project, found by walking the resolvers."""

from dataclasses import dataclass
from typing import Any

from channels.routing import URLRouter
from django.urls import URLPattern, URLResolver, get_resolver

# The admin's own pages are Django's; only its sign-in (sent to the site's login) is ours.
ADMIN_KEPT = frozenset({"admin:login"})


@dataclass(frozen=True)
class Pattern:
    key: str
    """The policy table's key: the namespaced URL name, or the route when unnamed."""
    route: str
    name: str | None


def _walk(entries: list[Any], prefix: str, namespaces: tuple[str, ...]) -> list[Pattern]:
    found: list[Pattern] = []
    for entry in entries:
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            found += _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            route = prefix + str(entry.pattern)
            found.append(Pattern(key=name or route, route=route, name=name))
    return found


def _unique(patterns: list[Pattern]) -> list[Pattern]:
    keys = [p.key for p in patterns]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    assert not twice, f"URL patterns share a policy key, name them apart: {twice}"
    return patterns


def url_patterns(urlconf: str | None = None) -> list[Pattern]:
    """Every pattern except the Django admin's (``ADMIN_KEPT`` stays), in resolution order."""
    every = _walk(get_resolver(urlconf).url_patterns, "", ())
    return _unique([p for p in every if not p.route.startswith("admin/") or p.key in ADMIN_KEPT])


def _url_router(app: Any) -> URLRouter:
    # ProtocolTypeRouter -> origin check -> auth middleware ... -> URLRouter
    app = app.application_mapping["websocket"]
    while not isinstance(app, URLRouter):
        app = getattr(app, "inner", None) or app.application
    return app


def websocket_patterns() -> list[Pattern]:
    """The routes ``kalpla.asgi.application`` serves over WebSocket (its URLRouter's)."""
    from kalpla.asgi import application

    routes = _walk(_url_router(application).routes, "", ())
    return _unique([Pattern(key=f"ws:{p.route}", route=p.route, name=None) for p in routes])
