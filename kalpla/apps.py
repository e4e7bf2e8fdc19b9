from django.apps import AppConfig


class KalplaConfig(AppConfig):
    name = "kalpla"
    verbose_name = "Kalpla platform"
