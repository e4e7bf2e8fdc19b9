from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "files"
    verbose_name = _("Files")

    def ready(self) -> None:
        from files import checks  # noqa: F401 - registers the start-up check of file link kinds
