"""Collects the WebSocket routes every installed app lists in its own routing.py."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


def _collect() -> list:
    patterns: list = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.routing"
        if config.name != "kalpla" and find_spec(module_name) is not None:
            patterns += getattr(import_module(module_name), "websocket_urlpatterns", [])
    return patterns


websocket_urlpatterns = _collect()
