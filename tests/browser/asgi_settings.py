"""Settings for the uvicorn subprocess that the ``asgi_server`` fixture starts.

The test process tweaks kalpla.settings in the root conftest (fast password hashing, static
files served from the finders without a manifest); the subprocess must match, or users made
by the factories could not sign in and templates could not resolve ``{% static %}``.
"""

from kalpla.settings import *  # noqa: F403
from kalpla.settings import STORAGES

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# As the root conftest: a new account's first messages are not pre-moderated and no spam
# limits apply, so journeys that chat do not wait for a moderator (moderation's own tests
# turn them on).
KALPLA_MODERATION_NEW_ACCOUNT_POSTS = 0
KALPLA_MODERATION_MESSAGES_PER_MINUTE = 0
KALPLA_MODERATION_POSTS_PER_MINUTE = 0
KALPLA_MODERATION_DUPLICATE_WINDOW = 0
