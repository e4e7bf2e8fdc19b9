"""Kalpla settings: the only settings module.

Every value comes from the environment (django-environ) and has a default that runs on a
laptop with nothing else installed: SQLite, local-memory cache, in-memory channel layer,
eager Celery, local files and console email. Setting DATABASE_URL, REDIS_URL,
CELERY_BROKER_URL and the AWS variables switches the same code to PostgreSQL, Redis, real
Celery workers and AWS. Every variable is listed in .env.example and the README.
"""

import secrets
from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

# --- core ----------------------------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-0123456789abcdef"

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
CI = env.bool("CI", default=False)
SITE_URL = env.str("KALPLA_SITE_URL", default="http://127.0.0.1:8000")
# Open Badges (assessments/badges/): the issuer's name in the badges' public documents, and the
# Ed25519 private key that signs Open Badges 3.0 credentials (PEM or base64 of the 32-byte
# seed). Without a key one is derived from SECRET_KEY (check warns: assessments.W001).
KALPLA_BADGE_ISSUER_NAME = env.str("KALPLA_BADGE_ISSUER_NAME", default="Kalpla")
KALPLA_BADGE_SIGNING_KEY = env.str("KALPLA_BADGE_SIGNING_KEY", default="")

INSTALLED_APPS = [
    # before the admin, so its translation tabs load first
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_celery_beat",
    "django_htmx",
    "django_guid",
    "csp",
    "anymail",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.facebook",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "allauth.headless",
    "allauth.usersessions",
    # kalpla: the project package, then the platform apps, then the product apps
    "kalpla",
    "jobs",
    "files",
    "mediatools",
    "moderation",
    "accounts",
    "courses",
    "enrollments",
    "assessments",
    "community",
    "commerce",
    "idempotency",
    "mentorship",
    "analytics",
    "notifications",
    "dashboards",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "kalpla.errors.ApiJsonErrorsMiddleware",  # JSON errors under /api/, also in debug
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kalpla.middleware.BodySizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "kalpla.errors.CommonMiddleware",  # Django's; no slash-appending redirects under /api/
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.AuthenticationMiddleware",  # Django's, the user from the cache
    "accounts.middleware.PageReadAheadMiddleware",  # a page's cache reads with the session's
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SessionActivityMiddleware",  # allauth's, once a minute per session
    "activity.visitor.VisitorIdMiddleware",  # the analytics visitor cookie, when a view asked
]

ROOT_URLCONF = "kalpla.urls"
WSGI_APPLICATION = "kalpla.wsgi.application"
ASGI_APPLICATION = "kalpla.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "accounts.context_processors.sign_in_next",
                "notifications.context_processors.bell",
                "kalpla.csrf.csrf",  # Django's CSRF token, masked with one read of urandom
            ],
        },
    },
]

# --- data ----------------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A psycopg connection pool per process: Django's persistent connections are per thread,
    # and ASGI runs each request's sync code in a fresh thread, so they would not be reused.
    if env.bool("DATABASE_POOL", default=True):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=20),
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves a few people at once: WAL lets readers run beside the one
    # writer, IMMEDIATE takes the write lock when a transaction starts (a read that later
    # writes cannot deadlock and fail at once), and writers wait their turn up to 20 s.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"].setdefault("TEST", {})
if env.str("KALPLA_TEST_DB_NAME", default=""):
    DATABASES["default"]["TEST"]["NAME"] = env.str("KALPLA_TEST_DB_NAME")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env.str("REDIS_URL", default="")
CACHE_KEY_PREFIX = env.str("KALPLA_CACHE_PREFIX", default="kalpla")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "kalpla.cache.PrefixedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        },
    }
    CHANNEL_LAYERS = {
        "default": {
            # channels_redis's layer in fewer Redis round trips (kalpla/channel_layer.py)
            "BACKEND": "kalpla.channel_layer.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # A socket's receive loop blocks in BZPOPMIN for 5 s (channels_redis);
                        # redis-py's default 5 s read timeout would race it and kill sockets
                        # idle that long.
                        "socket_timeout": 15,
                        "socket_connect_timeout": 2,
                        # redis-py's pool refuses a 101st concurrent command (default 100): a
                        # burst of sockets joining or leaving at once needs more.
                        "max_connections": 2000,
                    }
                ],
                "prefix": f"{CACHE_KEY_PREFIX}:asgi",
                # Frames waiting for a server process (all its sockets share one queue) and
                # for one socket; beyond it channels_redis drops them silently (default 100,
                # a fraction of a second of a busy room on a busy process).
                "capacity": 5000,
                # Seconds a frame may wait in a process's Redis queue before a later send to
                # that queue drops it (default 60). A process takes its waiting frames in
                # batches (kalpla/channel_layer.py), so a backlog under overload waits in its
                # memory, where nothing expires, and only a process that stopped taking (dead
                # or stuck) leaves frames to expire: five minutes of them, at most "capacity".
                # Its sockets catch up with since_seq when they reconnect.
                "expiry": 300,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        },
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Seconds a WebSocket without a session has to send its auth frame before it is closed 4401.
KALPLA_WS_AUTH_TIMEOUT = 5.0
# Largest WebSocket message in bytes. The server refuses bigger ones with close 1009 before
# reading them (uvicorn --ws-max-size is set from the same variable in the Makefile, the
# Dockerfile and docker-compose.yml); consumers answer frames over their own JSON limit
# (kalpla.consumers.MAX_FRAME_CHARS) with an error frame.
KALPLA_WS_MAX_FRAME_BYTES = env.int("KALPLA_WS_MAX_FRAME_BYTES", default=1024 * 1024)
# Idle request threads each ASGI server process keeps for the next requests (kalpla/asgi_handler.py)
KALPLA_ASGI_IDLE_THREADS = env.int("KALPLA_ASGI_IDLE_THREADS", default=32)
# Requests whose middleware and view run at once in each ASGI server process (0: no limit;
# the others wait in the event loop). Raise it for views that wait long on other services.
KALPLA_ASGI_THREADS = env.int("KALPLA_ASGI_THREADS", default=4)
# Chat frames a user may send in 10 seconds, in one room and across all rooms (then an error
# frame, code rate_limited).
KALPLA_CHAT_FRAMES_PER_ROOM = env.int("KALPLA_CHAT_FRAMES_PER_ROOM", default=20)
KALPLA_CHAT_FRAMES_PER_USER = env.int("KALPLA_CHAT_FRAMES_PER_USER", default=60)
# Seconds a chat socket stays online without a heartbeat (clients beat every 20 s), so a
# server process that dies takes its sockets' presence with it within this time.
KALPLA_CHAT_PRESENCE_TTL = env.int("KALPLA_CHAT_PRESENCE_TTL", default=60)

# Moderation (README, "Moderation"). Toxicity scores are 0..1: at or above FLAG the content
# goes to the queue (still shown under post-moderation), at or above HOLD it is held whatever
# the policy. Reviews follow KALPLA_REVIEW_MODERATION (post|pre); groups their own policy.
KALPLA_MODERATION_FLAG_THRESHOLD = env.float("KALPLA_MODERATION_FLAG_THRESHOLD", default=0.5)
KALPLA_MODERATION_HOLD_THRESHOLD = env.float("KALPLA_MODERATION_HOLD_THRESHOLD", default=0.8)
KALPLA_REVIEW_MODERATION = env.str("KALPLA_REVIEW_MODERATION", default="post")
# A user's first N posts and group messages are held until approved (0: no such rule).
KALPLA_MODERATION_NEW_ACCOUNT_POSTS = env.int("KALPLA_MODERATION_NEW_ACCOUNT_POSTS", default=3)
# Spam limits per user: chat messages and posts per minute (0: no limit), and the window in
# seconds within which the same text sent again by the same user is refused (0: off).
KALPLA_MODERATION_MESSAGES_PER_MINUTE = env.int("KALPLA_MODERATION_MESSAGES_PER_MINUTE", default=30)
KALPLA_MODERATION_POSTS_PER_MINUTE = env.int("KALPLA_MODERATION_POSTS_PER_MINUTE", default=5)
KALPLA_MODERATION_DUPLICATE_WINDOW = env.int("KALPLA_MODERATION_DUPLICATE_WINDOW", default=60)

# Sessions are read from the cache and kept in the database (a cache miss reads the row).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- auth ----------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Kalpla] "
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_USER_DISPLAY = "accounts.models.user_display"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # key: account and client address (accounts.adapters), so strangers cannot lock it
    "login_failed": "10/m/ip,5/5m/key",
    # key: account, only for addresses it never signed in from (accounts.adapters)
    "login_failed_account": "100/h/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
# Wrong passwords count per account and client address (accounts.adapters), so a stranger
# cannot lock the owner out; the address is read the way the API throttles read it.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("KALPLA_NUM_PROXIES", default=0)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# A code typed as it rolls over (or sent over a slow link) is still accepted: one 30 s step
# either side, as RFC 6238 section 5.2 recommends; allauth's default (0) refused it, and a
# sign-in or enrolment that took a second across a step boundary failed.
MFA_TOTP_TOLERANCE = 1
# The app above courses that knows who is enrolled and applies the access rule; the course
# page and reviews ask it through courses/learners.py, so courses imports nothing above it.
KALPLA_COURSE_LEARNERS = "enrollments.access"
# Analytics (analytics/): xAPI verbs without a standard IRI live under this base; raw events
# are kept this many days (daily rollups are kept for good).
KALPLA_XAPI_IRI_BASE = env("KALPLA_XAPI_IRI_BASE", default="https://kalpla.example/xapi")
# At-risk learners (analytics): inactive for this many days; behind when their progress is
# this many percentage points below the expected (cohort calendar or peers' median); a learner
# is nudged at most once per this many hours.
KALPLA_AT_RISK_INACTIVE_DAYS = env.int("KALPLA_AT_RISK_INACTIVE_DAYS", default=7)
KALPLA_AT_RISK_PACE_MARGIN = env.int("KALPLA_AT_RISK_PACE_MARGIN", default=20)
KALPLA_NUDGE_COOLDOWN_HOURS = env.int("KALPLA_NUDGE_COOLDOWN_HOURS", default=24)
# Campaign links may lead to this site and to these hosts (tracked redirects go nowhere else).
KALPLA_CAMPAIGN_LINK_HOSTS = env.list("KALPLA_CAMPAIGN_LINK_HOSTS", default=[])
KALPLA_ANALYTICS_RAW_DAYS = env.int("KALPLA_ANALYTICS_RAW_DAYS", default=400)
# How reported events reach their table: "redis" buffers them in a Redis list drained in bulk
# by Celery (every few seconds, and at once when FLUSH_SIZE events are waiting); "direct" is
# one insert per event on commit (the default without Redis).
KALPLA_ANALYTICS_BUFFER = env.str(
    "KALPLA_ANALYTICS_BUFFER", default="redis" if REDIS_URL else "direct"
)
if KALPLA_ANALYTICS_BUFFER not in ("redis", "direct"):
    raise ImproperlyConfigured("KALPLA_ANALYTICS_BUFFER must be redis or direct.")
KALPLA_ANALYTICS_FLUSH_SIZE = env.int("KALPLA_ANALYTICS_FLUSH_SIZE", default=2000)
# With "redis": each process gathers its events for up to BATCH_SECONDS (or BATCH_SIZE events)
# and appends them in one round trip; 0 seconds appends each at once.
KALPLA_ANALYTICS_BATCH_SECONDS = env.float("KALPLA_ANALYTICS_BATCH_SECONDS", default=0.5)
KALPLA_ANALYTICS_BATCH_SIZE = env.int("KALPLA_ANALYTICS_BATCH_SIZE", default=200)
# Seconds a process answers an anonymous catalogue API page it has just served from its
# memory (no round trip; its throttle counted in batches): 0 turns it off.
KALPLA_CATALOGUE_MEMORY_SECONDS = env.float("KALPLA_CATALOGUE_MEMORY_SECONDS", default=1.0)
# Lessons whose content an upper app provides, and the course editor's extra tabs
# (courses/activities.py).
KALPLA_LESSON_ACTIVITIES = {
    "quiz": "assessments.activities",
    "assignment": "assessments.activities_assignment",
}
KALPLA_COURSE_TEACH_TABS = [
    "assessments.activities",
    "assessments.activities_gradebook",
    "assessments.badges.tabs",
    "enrollments.cohorts.tabs",
]
# How long a seat freed in a paid course's cohort is held for the next person on its
# waitlist before it goes to the one after (enrollments/cohorts/waitlist.py).
KALPLA_WAITLIST_OFFER_HOURS = env.int("KALPLA_WAITLIST_OFFER_HOURS", default=48)
# Second factors of other apps: the account adapter puts these login stages right before
# allauth's TOTP/WebAuthn stage (accounts/adapters.py), so accounts imports none of them.
KALPLA_LOGIN_STAGES_BEFORE_MFA = ["notifications.mfa.SmsCodeStage"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "Kalpla"

USERSESSIONS_TRACK_ACTIVITY = True

HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_SERVE_SPECIFICATION = True

SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_PROVIDERS: dict[str, dict] = {}
if env.str("GOOGLE_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [
            {
                "client_id": env.str("GOOGLE_CLIENT_ID"),
                "secret": env.str("GOOGLE_CLIENT_SECRET", default=""),
            }
        ],
        "SCOPE": ["profile", "email"],
    }
if env.str("FACEBOOK_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["facebook"] = {
        "APPS": [
            {
                "client_id": env.str("FACEBOOK_CLIENT_ID"),
                "secret": env.str("FACEBOOK_CLIENT_SECRET", default=""),
            }
        ],
        "SCOPE": ["email", "public_profile"],
    }
if env.str("LINKEDIN_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": "linkedin",
                "name": "LinkedIn",
                "client_id": env.str("LINKEDIN_CLIENT_ID"),
                "secret": env.str("LINKEDIN_CLIENT_SECRET", default=""),
                "settings": {"server_url": "https://www.linkedin.com/oauth"},
            }
        ]
    }

# --- i18n ----------------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("hi", _("Hindi"))]
# Data written by staff in each language (category names): courses/translation.py lists the
# fields; an empty translation falls back to English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- static and media ----------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = env.path("KALPLA_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("KALPLA_MEDIA_ROOT", default=BASE_DIR / "media")
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_ENDPOINT_URL = env.str("AWS_ENDPOINT_URL", default="") or None
AWS_REGION_NAME = env.str(
    "AWS_REGION_NAME", default=env.str("AWS_DEFAULT_REGION", default="us-east-1")
)
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
AWS_SESSION_TOKEN = env.str("AWS_SESSION_TOKEN", default="") or None

_static_backend = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
    if DEBUG
    else "whitenoise.storage.CompressedManifestStaticFilesStorage"
)
if AWS_STORAGE_BUCKET_NAME:
    _s3_options = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": AWS_ENDPOINT_URL,
        "region_name": AWS_REGION_NAME,
        "file_overwrite": False,
    }
    STORAGES = {
        # Private media: only reachable through short-lived presigned URLs.
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3_options,
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=300),
                "object_parameters": {"ServerSideEncryption": "AES256"},
            },
        },
        # Public, static-like media (thumbnails, posters) under public/: plain URLs cached for
        # a year. Names are never reused (file_overwrite off), so "immutable" is safe. No
        # public-read ACL: the bucket policy or a CDN (AWS_S3_PUBLIC_DOMAIN) exposes public/.
        "public": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3_options,
                "location": "public",
                "default_acl": None,
                "querystring_auth": False,
                "custom_domain": env.str("AWS_S3_PUBLIC_DOMAIN", default="") or None,
                "object_parameters": {
                    "ServerSideEncryption": "AES256",
                    "CacheControl": "max-age=31536000, immutable",
                },
            },
        },
        "staticfiles": {"BACKEND": _static_backend},
    }
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "public": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": Path(str(MEDIA_ROOT)) / "public",
                "base_url": f"{MEDIA_URL}public/",
            },
        },
        "staticfiles": {"BACKEND": _static_backend},
    }

DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("KALPLA_MAX_BODY_BYTES", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
KALPLA_MAX_UPLOAD_BYTES = env.int("KALPLA_MAX_UPLOAD_BYTES", default=500 * 1024 * 1024)

# --- email ---------------------------------------------------------------------------------

KALPLA_EMAIL_BACKEND = env.str("KALPLA_EMAIL_BACKEND", default="console")
EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "ses": "anymail.backends.amazon_ses.EmailBackend",
}.get(KALPLA_EMAIL_BACKEND, "")
if not EMAIL_BACKEND:
    raise ImproperlyConfigured("KALPLA_EMAIL_BACKEND must be console, file or ses.")
EMAIL_FILE_PATH = env.path("KALPLA_EMAIL_FILE_PATH", default=BASE_DIR / "var" / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kalpla <no-reply@kalpla.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

_aws_client_params = {
    key: value
    for key, value in {
        "region_name": AWS_REGION_NAME,
        "endpoint_url": AWS_ENDPOINT_URL,
        "aws_access_key_id": AWS_ACCESS_KEY_ID,
        "aws_secret_access_key": AWS_SECRET_ACCESS_KEY,
        "aws_session_token": AWS_SESSION_TOKEN,
    }.items()
    if value
}
ANYMAIL = {
    "AMAZON_SES_CLIENT_PARAMS": dict(_aws_client_params),
    "AMAZON_SES_CONFIGURATION_SET_NAME": env.str("AMAZON_SES_CONFIGURATION_SET", default="")
    or None,
    # Unset: a random per-process secret, so the SES webhook refuses everyone (401) until one
    # is configured. anymail itself only warns and accepts unauthenticated posts.
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default="")
    or f"unset:{secrets.token_urlsafe(32)}",
}

# The SES event webhook also checks Amazon SNS's message signature (kalpla/integrations/sns_signatures.py).
KALPLA_SNS_VERIFY_SIGNATURES = env.bool("KALPLA_SNS_VERIFY_SIGNATURES", default=True)

# Backend switches for the integrations layer (kalpla/integrations/).
KALPLA_AI_BACKEND = env.str("KALPLA_AI_BACKEND", default="local")
KALPLA_MESSAGING_BACKEND = env.str("KALPLA_MESSAGING_BACKEND", default="local")
KALPLA_MEETINGS_BACKEND = env.str("KALPLA_MEETINGS_BACKEND", default="local")
for _name in ("KALPLA_AI_BACKEND", "KALPLA_MESSAGING_BACKEND", "KALPLA_MEETINGS_BACKEND"):
    if globals()[_name] not in ("local", "aws"):
        raise ImproperlyConfigured(f"{_name} must be local or aws.")
AWS_CLIENT_PARAMS = _aws_client_params
# Payments (commerce): manual (offline, staff mark orders paid; the default), stripe or
# razorpay. Secrets only from the environment. *_API_BASE points an SDK elsewhere (tests'
# local stand-ins of the gateways' APIs); leave empty in production.
KALPLA_PAYMENT_GATEWAY = env.str("KALPLA_PAYMENT_GATEWAY", default="manual")
if KALPLA_PAYMENT_GATEWAY not in ("manual", "stripe", "razorpay"):
    raise ImproperlyConfigured("KALPLA_PAYMENT_GATEWAY must be manual, stripe or razorpay.")
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
RAZORPAY_KEY_ID = env.str("RAZORPAY_KEY_ID", default="")
RAZORPAY_KEY_SECRET = env.str("RAZORPAY_KEY_SECRET", default="")
RAZORPAY_WEBHOOK_SECRET = env.str("RAZORPAY_WEBHOOK_SECRET", default="")
RAZORPAY_API_BASE = env.str("RAZORPAY_API_BASE", default="")
# Tax on sales (e.g. GST 18% in India) and whether list prices include it.
KALPLA_TAX_RATE = Decimal(env.str("KALPLA_TAX_RATE", default="18.00"))
KALPLA_TAX_NAME = env.str("KALPLA_TAX_NAME", default="GST")
KALPLA_PRICES_INCLUDE_TAX = env.bool("KALPLA_PRICES_INCLUDE_TAX", default=True)
# The seller named on invoices.
KALPLA_SELLER_NAME = env.str("KALPLA_SELLER_NAME", default="Kalpla Learning Pvt. Ltd.")
KALPLA_SELLER_ADDRESS = env.str("KALPLA_SELLER_ADDRESS", default="Bengaluru, Karnataka, India")
KALPLA_SELLER_TAX_ID = env.str("KALPLA_SELLER_TAX_ID", default="")
# A full refund takes the course back.
KALPLA_REVOKE_ON_FULL_REFUND = env.bool("KALPLA_REVOKE_ON_FULL_REFUND", default=True)
# Subscriptions: a plan whose renewal payment failed keeps its courses open this many days
# after the paid period; renewal reminders go out this many days before it ends.
KALPLA_SUBSCRIPTION_GRACE_DAYS = env.int("KALPLA_SUBSCRIPTION_GRACE_DAYS", default=7)
KALPLA_SUBSCRIPTION_REMINDER_DAYS = env.int("KALPLA_SUBSCRIPTION_REMINDER_DAYS", default=3)

KALPLA_AWS_MAX_ATTEMPTS = env.int("KALPLA_AWS_MAX_ATTEMPTS", default=3)
# Presigned URLs: downloads (GET) and direct uploads (POST), in seconds.
KALPLA_DOWNLOAD_URL_EXPIRE = env.int("KALPLA_DOWNLOAD_URL_EXPIRE", default=300)
KALPLA_UPLOAD_URL_EXPIRE = env.int("KALPLA_UPLOAD_URL_EXPIRE", default=900)
# Transcribe reads media from and writes transcripts to this bucket (default: the media bucket).
KALPLA_TRANSCRIBE_BUCKET = env.str("KALPLA_TRANSCRIBE_BUCKET", default=AWS_STORAGE_BUCKET_NAME)
KALPLA_POLLY_ENGINE = env.str("KALPLA_POLLY_ENGINE", default="neural")
KALPLA_SNS_SMS_SENDER_ID = env.str("KALPLA_SNS_SMS_SENDER_ID", default="Kalpla")
KALPLA_SNS_APNS_APPLICATION_ARN = env.str("KALPLA_SNS_APNS_APPLICATION_ARN", default="")
KALPLA_SNS_FCM_APPLICATION_ARN = env.str("KALPLA_SNS_FCM_APPLICATION_ARN", default="")
KALPLA_CHIME_MEDIA_REGION = env.str("KALPLA_CHIME_MEDIA_REGION", default=AWS_REGION_NAME)
KALPLA_IVS_CHANNEL_TYPE = env.str("KALPLA_IVS_CHANNEL_TYPE", default="STANDARD")
# Mentorship meetings: "Join" stays open this long after a session ends; WebRTC ICE servers for
# the local backend's calls (STUN/TURN URLs, comma separated; none needed on one network) and
# the TURN credentials, if any.
KALPLA_MEETING_GRACE_MINUTES = env.int("KALPLA_MEETING_GRACE_MINUTES", default=15)
KALPLA_WEBRTC_ICE_URLS = env.list("KALPLA_WEBRTC_ICE_URLS", default=[])
KALPLA_WEBRTC_TURN_USERNAME = env.str("KALPLA_WEBRTC_TURN_USERNAME", default="")
KALPLA_WEBRTC_TURN_PASSWORD = env.str("KALPLA_WEBRTC_TURN_PASSWORD", default="")
# Local tools used by the local backends and the media pipeline (Debian packages).
KALPLA_FFMPEG_BINARY = env.str("KALPLA_FFMPEG_BINARY", default="ffmpeg")
KALPLA_FFPROBE_BINARY = env.str("KALPLA_FFPROBE_BINARY", default="ffprobe")
KALPLA_ESPEAK_BINARY = env.str("KALPLA_ESPEAK_BINARY", default="espeak-ng")
# The kinds of /files/d/ download links (files/services.py): each kind's name and the dotted
# path of the FileLinkKind of the app owning those files (who may follow a link, for how long).
# Links carry the name, so a name never changes. Checked at start-up (files.E001).
KALPLA_FILE_LINK_KINDS = {
    "upload": "files.services.UPLOAD_LINK",
    "course-cover": "courses.file_links.COURSE_COVER_LINK",
    "lesson-file": "courses.file_links.LESSON_FILE_LINK",
    "assignment-submission": "assessments.file_links.SUBMISSION_FILE_LINK",
    "certificate": "assessments.file_links.CERTIFICATE_LINK",
    "post-attachment": "community.file_links.POST_ATTACHMENT_LINK",
}

# --- Celery --------------------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="kalpla")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Celery's Django fixup closes every database connection before and after each task, and with
# the psycopg pool the whole pool, so each task opened new connections (a PostgreSQL backend
# started per task; the certificate bench's worker spent 5 ms of CPU a job less without it).
# It now does that once per this many tasks; after each task kalpla/celery.py hands the
# connection back as Django does after a request.
CELERY_DB_REUSE_MAX = 1000
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Job kinds (jobs/kinds.py): each kind's name and the dotted path of its handler in the owning
# app's jobs.py, imported when a job of the kind first runs. Checked at start-up (jobs.E001).
KALPLA_JOB_KINDS = {
    "courses.lesson_media": "courses.jobs.lesson_media_job",
    "courses.lesson_narration": "courses.jobs.lesson_narration_job",
    "courses.cover_thumbnails": "courses.jobs.course_cover_thumbnails_job",
    "courses.review_sentiment": "courses.jobs.review_sentiment_job",
    "assessments.submission_transcript": "assessments.jobs.submission_transcript_job",
    "assessments.certificate_pdf": "assessments.jobs.certificate_pdf_job",
    "enrollments.import": "enrollments.imports.jobs.enrollment_import_job",
    "commerce.invoice_send": "commerce.jobs.invoice_send_job",
}
# Bulk enrollment from CSV (enrollments/imports/): rows per transaction (and per progress
# step), and the largest file taken.
KALPLA_ENROLLMENT_IMPORT_BATCH_SIZE = 1000
KALPLA_ENROLLMENT_IMPORT_MAX_ROWS = 50_000
KALPLA_ENROLLMENT_IMPORT_MAX_BYTES = 4 * 1024 * 1024  # under the 5 MB request body limit
# Short jobs that come in bulk share Celery messages when enqueued in one transaction
# (jobs/kinds.py): a course's certificates issued at once go 25 to a message.
KALPLA_JOB_BATCH_SIZES = {"assessments.certificate_pdf": 25}
CELERY_BEAT_SCHEDULE = {
    # analytics: yesterday's and today's rollups, rewritten (analytics/services/rollups.py)
    "analytics-rollups": {"task": "analytics.rollups_recent", "schedule": 3600.0},
    "notifications-release-held": {"task": "notifications.release_held", "schedule": 300.0},
    "analytics-campaigns-send-due": {"task": "analytics.campaigns_send_due", "schedule": 60.0},
    # jobs whose worker died mid-run (jobs/tasks.py)
    "jobs-requeue-stale": {"task": "jobs.requeue_stale", "schedule": 300.0},
    # Idempotency-Key answers older than a day (idempotency/keys.py)
    "idempotency-purge": {"task": "idempotency.purge", "schedule": 3600.0},
    "notifications-digests": {"task": "notifications.send_digests", "schedule": 3600.0},
    "notifications-clean-devices": {"task": "notifications.clean_devices", "schedule": 86400.0},
    "enrollments-activity-summary": {"task": "enrollments.activity_summary", "schedule": 3600.0},
    # lessons that open later are announced when they open (courses/services/announcements.py)
    "courses-lessons-due": {"task": "courses.lessons_announce_due", "schedule": 900.0},
    "courses-drip-lessons": {"task": "courses.drip_lessons_announce", "schedule": 3600.0},
    # quiz attempts past their deadline whose own deadline job was lost (assessments/tasks.py)
    "assessments-expire-overdue": {
        "task": "assessments.attempts_expire_overdue",
        "schedule": 60.0,
    },
    # gradebook: missing work counts as 0 once due (assessments/services/gradebook.py)
    "assessments-grades-due": {"task": "assessments.grades_due_sweep", "schedule": 300.0},
    # seats held for a cohort's waitlist that ran out go to the next person
    "enrollments-waitlist-offers": {
        "task": "enrollments.waitlist_offers_expire",
        "schedule": 300.0,
    },
    # orders whose payment webhook is overdue: ask the gateway (commerce/services/reconcile.py)
    "commerce-orders-reconcile": {"task": "commerce.orders_reconcile", "schedule": 300.0},
    # subscriptions: lapses, grace, missed gateway events; renewal reminders
    "commerce-subscriptions-sweep": {"task": "commerce.subscriptions_sweep", "schedule": 900.0},
    "commerce-subscription-reminders": {
        "task": "commerce.subscription_reminders",
        "schedule": 3600.0,
    },
    # mentoring sessions: reminders 24 h and 15 min before (mentorship/services/calendar.py)
    "mentorship-session-reminders": {"task": "mentorship.session_reminders", "schedule": 60.0},
    # mentoring sessions past their end (plus the join grace) become completed
    "mentorship-sessions-complete": {
        "task": "mentorship.sessions_complete_due",
        "schedule": 300.0,
    },
    # meetings of mentoring sessions past their end + grace are ended (deleted at Chime)
    "mentorship-meetings-end-due": {"task": "mentorship.meetings_end_due", "schedule": 300.0},
    # live classes: the reminder 15 minutes before, once each (mentorship/services/live.py)
    "mentorship-live-class-reminders": {"task": "mentorship.live_class_remind", "schedule": 60.0},
    # analytics: buffered learning events into their table; raw events past retention
    "analytics-events-drain": {"task": "analytics.events_buffer_drain", "schedule": 5.0},
    "analytics-events-prune": {"task": "analytics.events_prune", "schedule": 3600.0},
}

# --- notifications -------------------------------------------------------------------------

KALPLA_REPLY_TO_EMAIL = env.str("KALPLA_REPLY_TO_EMAIL", default="")
KALPLA_SOFT_BOUNCE_LIMIT = env.int("KALPLA_SOFT_BOUNCE_LIMIT", default=3)
KALPLA_UNSUBSCRIBE_MAX_AGE_DAYS = env.int("KALPLA_UNSUBSCRIBE_MAX_AGE_DAYS", default=60)
KALPLA_DIGEST_HOUR = env.int("KALPLA_DIGEST_HOUR", default=8)
KALPLA_QUIET_HOURS_RELEASE_HOUR = env.int("KALPLA_QUIET_HOURS_RELEASE_HOUR", default=8)
# What runs for each email event of the SES webhook (notifications/email_events.py), in order:
# dotted paths of functions taking an EmailEvent (checked at start-up).
KALPLA_EMAIL_EVENT_HANDLERS = ["notifications.services.suppression.email_event_record"]

# --- REST API ------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiKeyAuthentication",
        "allauth.headless.contrib.rest_framework.authentication.XSessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "kalpla.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # Only filters a view declares (filterset_class); no search/ordering parameters that do
    # nothing. Empty or unusable values are a 400 (kalpla/api/filters.py).
    "DEFAULT_FILTER_BACKENDS": ["kalpla.api.filters.StrictFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "kalpla.api.throttling.AnonThrottle",
        "accounts.throttling.UserThrottle",
        "accounts.throttling.ApiKeyThrottle",
    ],
    # Trusted proxies in front of the app that append to X-Forwarded-For (0: use the peer).
    "NUM_PROXIES": env.int("KALPLA_NUM_PROXIES", default=0),
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("KALPLA_THROTTLE_ANON", default="60/min"),
        "user": env.str("KALPLA_THROTTLE_USER", default="600/min"),
        "api_key": env.str("KALPLA_THROTTLE_API_KEY", default="1200/min"),
        # POST /api/v1/events/ batches (up to 500 events each) per user and per visitor
        "events": env.str("KALPLA_THROTTLE_EVENTS", default="120/min"),
        "events_anon": env.str("KALPLA_THROTTLE_EVENTS_ANON", default="20/min"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    # Bodies are JSON, whose types the schema states; the few upload views add multipart
    # themselves (PATCH /api/v1/me/ with an avatar). Form encodings make every value a string.
    "DEFAULT_PARSER_CLASSES": ["kalpla.api.parsers.SafeJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "kalpla.api.schema.KalplaAutoSchema",
    "EXCEPTION_HANDLER": "kalpla.exceptions.api_exception_handler",
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S.%fZ",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Kalpla API",
    "DESCRIPTION": (
        "REST API of the Kalpla learning platform for the mobile apps and API clients.\n\n"
        "**Authentication.** Mobile apps sign in through the allauth headless app API "
        "(`POST /_allauth/app/v1/auth/login` with `email` and `password`; MFA continues at "
        "`/_allauth/app/v1/auth/2fa/authenticate`) and send the returned session token as "
        "`X-Session-Token` on every call. Integrations use `Authorization: Api-Key <key>` "
        "(create keys on the site under Account > API keys). The site uses its session "
        "cookie plus the CSRF token.\n\n"
        "A sign-in may also answer 401 with the pending flow `sms_code`: post the code sent by "
        'SMS to `/_allauth/app/v1/auth/2fa/sms` (`{"code": "123456"}`). On sign-out, '
        "send the device's push token as `X-Device-Token` so it stops receiving pushes.\n\n"
        "**Errors.** Every 4xx answer has the body "
        '`{"message": "...", "code": "...", "errors": {"field": ["..."]}}`; '
        "429 answers carry `Retry-After`.\n\n"
        "**Real time.** WebSockets live under `/ws/` (`/ws/me/`, `/ws/notifications/`) and "
        "carry JSON frames. Apps offer the subprotocols `kalpla.v1` and "
        "`kalpla.token.<session token>` (`Sec-WebSocket-Protocol`); the server answers "
        "`kalpla.v1` and never echoes the token. Alternatively send "
        '`{"type": "auth", "id": "1", "payload": {"token": "<session token>"}}` as the '
        "first frame. Close codes: 4401 sign in again, 4403 not allowed, 1009 message over "
        f"{KALPLA_WS_MAX_FRAME_BYTES} bytes, 1012 reconnect with backoff. The README "
        "describes every frame type."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Enums named once where two fields share a name: the lesson's "kind" keeps the name it had
    # before uploads and quizzes joined the API.
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "courses.models.Lesson.Kind",
        "UploadKindEnum": "courses.services.media.UPLOAD_KINDS",
        "QuestionKindEnum": "assessments.engine.kinds.QuestionKind",
        "QuizBehaviourEnum": "assessments.models.Quiz.Behaviour",
        "QuizReviewEnum": "assessments.models.Quiz.Review",
        "SubmissionStateEnum": "assessments.models.Submission.State",
        "TranscriptStateEnum": "assessments.models.TranscriptState",
        "GroupRoleEnum": "community.models.GroupMembership.Role",
        "ContentStatusEnum": ["published", "held", "hidden"],
        "GroupKindEnum": ["course", "topic"],
        "EnrollmentImportStatusEnum": "enrollments.models.EnrollmentImport.Status",
        "WaitlistStatusEnum": "enrollments.models.WaitlistEntry.Status",
        "CohortPlaceStatusEnum": ["enrolled", "waiting", "offered"],
        # mentoring progress: a note's visibility (groups have one too); mentor or mentee
        "GroupVisibilityEnum": "community.models.Group.Visibility",
        "NoteVisibilityEnum": "mentorship.models.SessionNote.Visibility",
        "MentoringPartyEnum": ["mentor", "mentee"],
        "AvailabilityExceptionKindEnum": "mentorship.models.AvailabilityException.Kind",
        "MentorSessionStatusEnum": "mentorship.models.MentorSession.Status",
        "LiveClassStatusEnum": "mentorship.models.LiveClass.Status",
        # who carries the video: a live class's stream, a session's meeting
        "LiveVideoProviderEnum": ["ivs", "local"],
        "MeetingProviderEnum": ["local", "chime"],
        # notification channels: a delivery's, and a campaign's choice of them
        "ChannelEnum": "notifications.models.Channel",
        # the learning event verbs (an experiment's goals)
        "VerbEnum": "activity.verbs.Verb",
    },
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "sessionToken": {"type": "apiKey", "in": "header", "name": "X-Session-Token"},
        }
    },
}

# --- security ------------------------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

_upload_origins = (
    [AWS_ENDPOINT_URL or f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_REGION_NAME}.amazonaws.com"]
    if AWS_STORAGE_BUCKET_NAME
    else []
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", "https:"],
        "media-src": ["'self'", "blob:", "https:"],
        "font-src": ["'self'", "data:"],
        # Browsers upload lesson media straight to the bucket (presigned POST).
        # Chime SDK meetings (aws backend) reach their signalling and ingestion endpoints.
        "connect-src": ["'self'", "ws:", "wss:", "https://*.chime.aws", *_upload_origins],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", "https:"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- logging -------------------------------------------------------------------------------

LOG_LEVEL = env.str("KALPLA_LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("KALPLA_LOG_FORMAT", default="text" if DEBUG else "json")
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "RETURN_HEADER": True, "EXPOSE_HEADER": True}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "django_guid.log_filters.CorrelationId"},
    },
    # Both formats redact secrets that travel in URLs (kalpla/log_filters.py): uvicorn's
    # access lines and Django's request warnings name the path with its query string.
    "formatters": {
        "json": {
            "()": "kalpla.log_filters.RedactingJsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "correlation_id": "request_id",
            },
        },
        "text": {
            "()": "kalpla.log_filters.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "INFO"},
        "django_guid": {"level": "WARNING"},
        "botocore": {"level": "WARNING"},
        # uvicorn's own handlers would print its lines unredacted: they go to ours instead.
        # Levels stay as uvicorn's --log-level / --no-access-log set them.
        **{
            name: {"handlers": ["console"], "propagate": False}
            for name in ("uvicorn.access", "uvicorn.error")
        },
    },
}
