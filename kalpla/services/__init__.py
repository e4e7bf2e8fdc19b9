"""Platform services over the integrations layer. Importing this package registers their
job handlers (kalpla.jobs), so workers and web processes know every job kind."""

from kalpla.services import analysis, files, speech  # noqa: F401
