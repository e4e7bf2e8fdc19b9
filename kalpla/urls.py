from importlib import import_module

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

import notifications.mfa
from courses import urls as courses_urls
from dashboards.views import home
from enrollments import urls as enrollments_urls
from files.public_media import public_media
from kalpla import health
from notifications.email_events import VerifiedSesTrackingWebhookView


def _site_password_change(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    return redirect("account_change_password")


# Staff sign in with the site's login (second factor, rate limits) and change their password
# with the site's rate-limited form; the admin's own forms would skip both.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.password_change = _site_password_change  # type: ignore[method-assign,assignment]

# The lesson player and its file links are enrollments' (they apply the access rule) but keep
# their /courses/ paths and courses: names; authoring's fixed teach/ prefixes come first, the
# catalogue's <slug>/ patterns last.
courses_site = (
    courses_urls.authoring_urlpatterns
    + enrollments_urls.player_urlpatterns
    + courses_urls.catalogue_urlpatterns
)

# The API's routes in one flat list (no resolver level per app), the catalogue's first: it
# is what the apps read most. No two apps' routes overlap, so the order decides nothing else.
API_URLCONFS = (
    "courses.api.urls",
    "accounts.api.urls",
    "notifications.api.urls",
    "enrollments.api.urls",
    "community.api.urls",
    "assessments.api.urls",
    "commerce.api.urls",
    "commerce.api.urls_billing",
    "commerce.api.urls_subscriptions",
    "mentorship.api.urls",
    "analytics.api.urls",
)
api_v1 = [route for module in API_URLCONFS for route in import_module(module).urlpatterns]

# The API first: its prefix is its own, and every request to it then skips the site's routes.
urlpatterns = [
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("", home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("courses/", include((courses_site, courses_urls.app_name))),
    path("learning/", include("enrollments.urls")),
    path("moderation/", include("community.urls")),
    path("chat/", include("community.urls_chat")),
    path("groups/", include("community.urls_groups")),
    path("groups/", include("community.urls_posts")),
    path("feed/", include("community.urls_feed")),
    path("search/community/", include("community.urls_search")),
    path("", include("assessments.urls")),  # /quizzes/..., /assignments/...
    path("", include("commerce.urls")),  # /checkout/..., /orders/..., /staff/orders/, /webhooks/...
    # /orders/<id>/receipt/, /account/purchases/, /staff/revenue/...
    path("", include("commerce.urls_billing")),
    # /plans/..., /account/subscriptions/..., /staff/subscriptions/...
    path("", include("commerce.urls_subscriptions")),
    # /mentors/..., /mentoring/..., /meetings/..., /live/..., /calendar/...
    path("", include("mentorship.urls")),
    # /analytics/... (dashboards, experiments, campaigns)
    path("analytics/", include("analytics.urls")),
    path("_allauth/", include(notifications.mfa.headless_urlpatterns)),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("files/", include("files.urls")),
    # SES events over SNS: anymail's view, with the SNS signature checked as well. The only
    # anymail webhook routed: the other ESPs' views answer 500 for want of their settings.
    path(
        "anymail/amazon_ses/tracking/",
        VerifiedSesTrackingWebhookView.as_view(),
        name="amazon_ses_tracking_webhook",
    ),
    path("admin/", admin.site.urls),
]

if settings.DEBUG and not settings.AWS_STORAGE_BUCKET_NAME:
    # Public media (avatars, thumbnails) in development only, through one view that refuses
    # anything outside the public prefixes; private uploads go through the /files/ views.
    urlpatterns += [path("media/<path:path>", public_media, name="public_media")]

handler400 = "kalpla.errors.bad_request"
handler403 = "kalpla.errors.permission_denied"
handler404 = "kalpla.errors.page_not_found"
handler500 = "kalpla.errors.server_error"
