"""Platform services over the integrations layer."""

from kalpla.services import speech  # noqa: F401
