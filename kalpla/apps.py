from django.apps import AppConfig


class KalplaConfig(AppConfig):
    name = "kalpla"
    verbose_name = "Kalpla platform"

    def ready(self) -> None:
        from kalpla import services  # noqa: F401 - registers the job handlers
