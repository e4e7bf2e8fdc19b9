"""Badge routes (added to the assessments app's site routes, at the site's root).

Public, no sign-in: the verifiable documents (``/badges/issuer/``, ``/badges/classes/<uid>/``,
``/badges/assertions/<uid>/``, the keys) and an award's share page. The recipient's signed
credential downloads, and the mentors' pages under ``/badges/teach/``.
"""

from django.urls import URLPattern, path

from ..views import badges, openbadges

urlpatterns: list[URLPattern] = [
    # Open Badges 2.0 hosted verification and the issuer's keys (JSON-LD / JSON)
    path("badges/issuer/", openbadges.issuer, name="badge_issuer"),
    path("badges/issuer/profile/", openbadges.issuer_profile, name="badge_issuer_profile"),
    path("badges/keys/", openbadges.key_set, name="badge_jwks"),
    path("badges/keys/<str:kid>/", openbadges.key, name="badge_key"),
    path("badges/classes/<uuid:uid>/", openbadges.badge_class, name="badge_class"),
    path("badges/assertions/<uuid:uid>/", openbadges.assertion, name="badge_assertion"),
    # an award's public page, and its recipient's Open Badges 3.0 credential
    path("badges/awards/<uuid:uid>/", badges.award_page, name="badge_award"),
    path(
        "badges/awards/<uuid:uid>/credential.jwt",
        openbadges.credential_jwt,
        name="badge_credential_jwt",
    ),
    path(
        "badges/awards/<uuid:uid>/credential.json",
        openbadges.credential_json,
        name="badge_credential_json",
    ),
    # mentors
    path("badges/teach/courses/<slug:slug>/", badges.teach_badges, name="teach_badges"),
    path("badges/teach/<int:badge_id>/", badges.teach_badge, name="teach_badge"),
    path("badges/teach/<int:badge_id>/award/", badges.teach_badge_award, name="teach_badge_award"),
    path(
        "badges/teach/awards/<int:award_id>/revoke/",
        badges.teach_award_revoke,
        name="teach_badge_revoke",
    ),
]
