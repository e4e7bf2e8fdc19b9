from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaToolsConfig(AppConfig):
    """Media tools (ffmpeg, captions, speech and transcription). Not named ``media``: that is
    MEDIA_ROOT's directory (uploaded files) in a checkout and in the image."""

    name = "mediatools"
    verbose_name = _("Media tools")
