from typing import Any

from django.conf import settings
from django.core import checks

from files.services import FileLinkKind
from kalpla.checks import dotted_path_errors


@checks.register()
def file_link_kinds_resolve(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every file link kind that settings name is a FileLinkKind that imports (checked at
    start-up)."""
    errors: list[checks.CheckMessage] = []
    for kind, path in sorted(settings.KALPLA_FILE_LINK_KINDS.items()):
        errors += dotted_path_errors(
            path,
            what=f"File link kind {kind!r} of KALPLA_FILE_LINK_KINDS",
            hint="Name a FileLinkKind declared in the module of the app owning the files.",
            id="files.E001",
            expected=FileLinkKind,
        )
    return errors
