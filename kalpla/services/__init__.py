"""Platform services over the integrations layer. Importing the package registers the file
link kind of direct uploads (kalpla.services.files)."""

from kalpla.services import files, speech  # noqa: F401
