"""The authorization matrix's policy: what each role gets from every URL of the project.

Every URL pattern (by URL name, or by route when it has none) and WebSocket route must have
a row here; tests/authz/test_matrix.py requests each one as each role and fails on any
difference, on a pattern without a row and on a row without a pattern.

Outcomes, one per role in the order of ``ROLES``:

- ``ok``: allowed. 2xx, or a 3xx that is not a sign-in redirect; for an empty write probe
  (``post``/``patch`` without ``body``) also the validation answer to the empty body (400,
  or a redirect with an error message): the request got past the auth layer.
- ``login``: sign in first. A 302 to the sign-in page (site) or 401 (API, headless, files).
- ``reauth``: signed in, but asked for the password again first (allauth's reauthentication
  for sensitive account pages, a 302 on the site or a 401 flow in headless); the matrix signs
  in without a password.
- ``refused``: a site page said no with a redirect and an error message (how some site
  views answer a refusal the API answers with 403).
- ``403``, ``404``, ``400``, ``409``...: that status exactly. A 500 never matches.

The probes are safe:

- ``get``: pages, lists and details.
- ``post``/``patch``: write endpoints with an empty body, which the auth layer answers before
  validation. Where a view validates its input before the service applies the rule, the
  row gives a valid ``body`` instead (and 400 is then only a 400).
- ``act``/``delete``: actions that take no input (enroll, mark read, revoke, delete); they
  are performed for whoever may.

Every probe runs in a transaction that is rolled back (on-commit work never runs), so even a
performed action changes nothing for the next probe.

URL kwargs point at student A's objects (``tests/authz/conftest.py``): student B asking for
them is "another user's private data". Student B is enrolled in nothing; ``mentor`` teaches
the course, ``other_mentor`` teaches another one.
"""

from dataclasses import dataclass, field

ROLES = ("anonymous", "student_a", "student_b", "mentor", "other_mentor", "moderator", "staff")
OUTCOMES = ("ok", "login", "reauth", "refused")


@dataclass(frozen=True)
class Rule:
    method: str
    expect: dict[str, str]
    write: bool = False
    body: dict | None = None
    query: str = ""
    kwargs: dict[str, str] = field(default_factory=dict)
    """URL kwargs to use instead of the matrix's defaults (``World.kwargs``)."""


def _expect(outcomes: str) -> dict[str, str]:
    values = outcomes.split()
    assert len(values) == len(ROLES), f"{outcomes!r}: one outcome per role {ROLES}"
    for value in values:
        assert value in OUTCOMES or value.isdigit(), f"{outcomes!r}: unknown outcome {value!r}"
    return dict(zip(ROLES, values, strict=True))


def get(outcomes: str, **options: object) -> Rule:
    return Rule("GET", _expect(outcomes), **options)  # type: ignore[arg-type]


def post(outcomes: str, **options: object) -> Rule:
    """A POST to a write endpoint: empty, unless ``body`` is given."""
    return Rule("POST", _expect(outcomes), write=True, **options)  # type: ignore[arg-type]


def patch(outcomes: str, **options: object) -> Rule:
    return Rule("PATCH", _expect(outcomes), write=True, **options)  # type: ignore[arg-type]


def act(outcomes: str, **options: object) -> Rule:
    """A POST to an action that takes no input (enroll, mark read, delete...): the probe
    performs it, inside the rolled-back transaction; a 400 or an error message is a refusal."""
    return Rule("POST", _expect(outcomes), **options)  # type: ignore[arg-type]


def delete(outcomes: str, **options: object) -> Rule:
    """DELETE takes no input either: it is performed, inside the rolled-back transaction."""
    return Rule("DELETE", _expect(outcomes), **options)  # type: ignore[arg-type]


QUIZ = {"lesson_id": "@quiz_lesson_id"}
ASSIGNMENT = {"lesson_id": "@assignment_lesson_id"}
PAID = {"slug": "@paid_slug"}
POSTS = {"group_id": "@post_group_id"}  # the course group, where student A posted
PLAN = {"slug": "@plan_slug"}

POLICY: dict[str, Rule] = {
    # --- site: home, health, language ---------------------------------------------------------
    # columns: anonymous student_a student_b mentor other_mentor moderator staff
    "home": get("ok ok ok ok ok ok ok"),
    "healthz": get("ok ok ok ok ok ok ok"),
    "readyz": get("ok ok ok ok ok ok ok"),
    "set_language": get("ok ok ok ok ok ok ok"),
    # --- allauth pages (/accounts/); sensitive ones ask for the password again ----------------
    "account_login": get("ok ok ok ok ok ok ok"),
    "account_logout": get("ok ok ok ok ok ok ok"),
    "account_inactive": get("ok ok ok ok ok ok ok"),
    "account_signup": get("ok ok ok ok ok ok ok"),
    "account_reauthenticate": get("login ok ok ok ok ok ok"),
    "account_email": get("login ok ok ok ok ok ok"),
    "account_email_verification_sent": get("ok ok ok ok ok ok ok"),
    "account_change_password": get("login ok ok ok ok ok ok"),
    "account_set_password": get("login ok ok ok ok ok ok"),
    "account_reset_password": get("ok ok ok ok ok ok ok"),
    "account_confirm_login_code": get("login ok ok ok ok ok ok"),
    "account_confirm_email": get("ok ok ok ok ok ok ok"),
    "account_reset_password_from_key_done": get("ok ok ok ok ok ok ok"),
    "account_reset_password_from_key": get("ok ok ok ok ok ok ok"),
    "account_reset_password_done": get("ok ok ok ok ok ok ok"),
    "mfa_index": get("login ok ok ok ok ok ok"),
    "mfa_authenticate": get("login ok ok ok ok ok ok"),
    "mfa_reauthenticate": get("login ok reauth reauth reauth reauth reauth"),
    "mfa_activate_totp": get("login reauth reauth reauth reauth reauth reauth"),
    # only student A has an authenticator app; without one these pages do not exist (404)
    "mfa_deactivate_totp": get("login reauth 404 404 404 404 404"),
    "mfa_view_recovery_codes": get("login 404 404 404 404 404 404"),
    "mfa_generate_recovery_codes": get("login reauth reauth reauth reauth reauth reauth"),
    "mfa_download_recovery_codes": get("login 404 404 404 404 404 404"),
    "mfa_list_webauthn": get("login ok ok ok ok ok ok"),
    "mfa_add_webauthn": get("login reauth reauth reauth reauth reauth reauth"),
    "mfa_reauthenticate_webauthn": get("login reauth reauth reauth reauth reauth reauth"),
    "mfa_remove_webauthn": get("login reauth reauth reauth reauth reauth reauth"),
    "mfa_edit_webauthn": get("login reauth reauth reauth reauth reauth reauth"),
    "socialaccount_login_cancelled": get("ok ok ok ok ok ok ok"),
    # the error page answers 401; signup needs a pending social login
    "socialaccount_login_error": get("login login login login login login login"),
    "socialaccount_signup": get("login login login login login login login"),
    "socialaccount_connections": get("login ok ok ok ok ok ok"),
    "accounts/social/login/cancelled/": get("ok ok ok ok ok ok ok"),
    "accounts/social/login/error/": get("ok ok ok ok ok ok ok"),
    "accounts/social/signup/": get("ok ok ok ok ok ok ok"),
    "accounts/social/connections/": get("ok ok ok ok ok ok ok"),
    # no client ids in the test settings: unconfigured providers are 404, never 500
    "google_login": get("404 404 404 404 404 404 404"),
    "google_callback": get("404 404 404 404 404 404 404"),
    "google_login_by_token": get("404 404 404 404 404 404 404"),
    "facebook_login": get("404 404 404 404 404 404 404"),
    "facebook_callback": get("404 404 404 404 404 404 404"),
    "facebook_login_by_token": get("404 404 404 404 404 404 404"),
    "openid_connect_login": get("404 404 404 404 404 404 404"),
    "openid_connect_callback": get("404 404 404 404 404 404 404"),
    "usersessions_list": get("login ok ok ok ok ok ok"),
    # --- Kalpla account pages (/account/) --------------------------------------------------------
    "accounts:profile": get("login ok ok ok ok ok ok"),
    # for a sign-in waiting on email verification; anyone else is sent to sign in
    "accounts:verification_resend": act("login login login login login login login"),
    "accounts:api_keys": get("login ok ok ok ok ok ok"),
    "accounts:api_key_revoke": act("login ok 404 404 404 404 404"),
    # --- notifications (/notifications/); B asking for A's notification gets 404 -----------------
    "notifications:list": get("login ok ok ok ok ok ok"),
    "notifications:read_all": act("login ok ok ok ok ok ok"),
    "notifications:read": act("login ok 404 404 404 404 404"),
    "notifications:open": get("login ok 404 404 404 404 404"),
    "notifications:preferences": get("login ok ok ok ok ok ok"),
    # the signed link is the credential (one-click unsubscribe from an email)
    "notifications:unsubscribe": get("ok ok ok ok ok ok ok"),
    "notifications:phone": get("login ok ok ok ok ok ok"),
    # security settings: signed-in users confirm their password first
    "notifications:phone_sms_mfa": post("login reauth reauth reauth reauth reauth reauth"),
    "notifications:phone_remove": act("login reauth reauth reauth reauth reauth reauth"),
    "notifications:sms_code": get("login ok ok ok ok ok ok"),
    # --- authoring (/courses/teach/): mentors and staff; a course's own mentors only -----------
    "courses:teach": get("login 403 403 ok ok 403 ok"),
    "courses:teach_course_create": get("login 403 403 ok ok 403 ok"),
    "courses:teach_review": get("login 403 403 403 403 403 ok"),
    "courses:teach_course": get("login 403 403 ok 403 403 ok"),
    "courses:teach_course_cover": post("login 403 403 ok 403 403 ok"),
    "courses:teach_outline": get("login 403 403 ok 403 403 ok"),
    "courses:teach_module_add": post("login 403 403 ok 403 403 ok"),
    "courses:teach_module_reorder": post("login 403 403 ok 403 403 ok"),
    # the course is published already: submit is refused (message) to those who may submit
    "courses:teach_course_submit": act("login 403 403 refused 403 403 refused"),
    "courses:teach_course_archive": act("login 403 403 ok 403 403 ok"),
    # publishing is staff's (review workflow); refused here because it is published already
    "courses:teach_course_publish": act("login 403 403 403 403 403 refused"),
    # the form is checked before the rule: the probe carries a valid note
    "courses:teach_course_return": post(
        "login 403 403 403 403 403 ok", body={"note": "Please add a syllabus."}
    ),
    "courses:teach_module_rename": post("login 403 403 ok 403 403 ok"),
    "courses:teach_module_delete": act("login 403 403 ok 403 403 ok"),
    "courses:teach_module_move": post("login 403 403 ok 403 403 ok"),
    "courses:teach_module_publish": post("login 403 403 ok 403 403 ok"),
    "courses:teach_lesson_reorder": post("login 403 403 ok 403 403 ok"),
    "courses:teach_lesson_add": post("login 403 403 ok 403 403 ok"),
    "courses:teach_lesson": get("login 403 403 ok 403 403 ok"),
    "courses:teach_lesson_delete": act("login 403 403 ok 403 403 ok"),
    "courses:teach_lesson_move": post("login 403 403 ok 403 403 ok"),
    "courses:teach_lesson_publish": post("login 403 403 ok 403 403 ok"),
    "courses:teach_lesson_media": post("login 403 403 ok 403 403 ok"),
    "courses:teach_media_status": get("login 403 403 ok 403 403 ok"),
    "courses:teach_media_rerun": post("login 403 403 ok 403 403 ok"),
    "courses:teach_media_remove": act("login 403 403 ok 403 403 ok"),
    "courses:teach_captions": post("login 403 403 ok 403 403 ok"),
    "courses:teach_captions_upload": post("login 403 403 ok 403 403 ok"),
    "courses:teach_resource_add": post("login 403 403 ok 403 403 ok"),
    "courses:teach_resource_remove": act("login 403 403 ok 403 403 ok"),
    # --- learning: player, catalogue, reviews, enrolment -------------------------------------------
    # signed links bound to student A: nobody else may use them, signed in or not
    "courses:lesson_file": get("403 ok 403 403 403 403 403"),
    # a locked lesson is a page (403) offering sign-in and enrolment, not a redirect
    "courses:lesson": get("403 ok 403 ok 403 403 ok"),
    # refusals on the site are a redirect back with an error message
    "courses:lesson_complete": act("login ok refused refused refused refused refused"),
    "courses:catalogue": get("ok ok ok ok ok ok ok"),
    # replies are the course's instructors', not staff's
    "courses:review_reply": post("login 403 403 ok 403 403 403"),
    "courses:review_hide": post("login 403 403 403 403 ok ok"),
    "courses:review_report": get("login ok ok ok ok ok ok"),
    "courses:detail": get("ok ok ok ok ok ok ok"),
    # the rule (enrolled students) lives in the service: a valid review is the probe
    "courses:review_save": post(
        "login ok refused refused refused refused refused", body={"rating": 4, "text": "Clear."}
    ),
    "enrollments:enroll": act("login ok ok ok ok ok ok"),
    "enrollments:unenroll": act("login ok ok ok ok ok ok"),
    # enrollment imports: staff and mentors; an import is its uploader's (the mentor's) and staff's
    "enrollments:import_list": get("login 403 403 ok ok 403 ok"),
    "enrollments:import_detail": get("login 403 403 ok 404 403 ok"),
    "enrollments:import_status": get("login 403 403 ok 404 403 ok"),
    "enrollments:import_errors": get("login 403 403 ok 404 403 ok"),
    # cohorts: student A holds the one seat of the course's cohort and waits for nothing;
    # the course's editors manage its cohorts
    "enrollments:cohorts": get("ok ok ok ok ok ok ok"),
    "enrollments:waitlist_join": act("login refused ok ok ok ok ok"),
    "enrollments:waitlist_leave": act("login refused refused refused refused refused refused"),
    "enrollments:offer_accept": act("login refused refused refused refused refused refused"),
    "enrollments:offer_decline": act("login refused refused refused refused refused refused"),
    "enrollments:teach_cohorts": get("login 403 403 ok 403 403 ok"),
    "enrollments:teach_cohort": get("login 403 403 ok 403 403 ok"),
    "enrollments:teach_cohort_roster": get("login 403 403 ok 403 403 ok"),
    "enrollments:teach_enrollment_cohort": post("login 403 403 ok 403 403 ok"),
    # --- moderation queue (/moderation/) -----------------------------------------------------------
    "community:moderation": get("login 403 403 403 403 ok ok"),
    "community:moderation_decide": post("login 403 403 403 403 ok ok"),
    # --- allauth headless (/_allauth/): app clients send X-Session-Token ----------------------------
    # SMS codes exist only during a pending sign-in
    "headless_app_sms_code": post("login login login login login login login"),
    "headless_browser_sms_code": post("login login login login login login login"),
    # allauth's phone endpoints would crash (no allauth phone support); numbers live at
    # /api/v1/me/phone/
    "headless_app_phone": get("404 404 404 404 404 404 404"),
    "headless_browser_phone": get("404 404 404 404 404 404 404"),
    "headless:browser:config": get("ok ok ok ok ok ok ok"),
    "headless:browser:account:current_session": get("login ok ok ok ok ok ok"),
    "headless:browser:account:reauthenticate": post("login ok ok ok ok ok ok"),
    # 409: no pending flow to continue
    "headless:browser:account:confirm_login_code": post("409 409 409 409 409 409 409"),
    "headless:browser:account:request_password_reset": post("ok ok ok ok ok ok ok"),
    "headless:browser:account:reset_password": post("ok ok ok ok ok ok ok"),
    "headless:browser:account:login": post("ok ok ok ok ok ok ok"),
    "headless:browser:account:signup": post("ok ok ok ok ok ok ok"),
    "headless:browser:account:verify_email": post("ok ok ok ok ok ok ok"),
    "headless:browser:account:resend_email_verification_code": post("409 409 409 409 409 409 409"),
    "headless:browser:account:verify_phone": post("409 409 409 409 409 409 409"),
    "headless:browser:account:resend_phone_verification_code": post("409 409 409 409 409 409 409"),
    "headless:browser:account:change_password": post("login ok ok ok ok ok ok"),
    "headless:browser:account:manage_email": get("login ok ok ok ok ok ok"),
    "headless:browser:account:manage_phone": get("404 404 404 404 404 404 404"),
    "headless:browser:socialaccount:manage_providers": get("login ok ok ok ok ok ok"),
    "headless:browser:socialaccount:provider_signup": post("409 409 409 409 409 409 409"),
    "headless:browser:socialaccount:redirect_to_provider": post(
        "login login login login login login login"
    ),
    "headless:browser:socialaccount:provider_token": post("ok ok ok ok ok ok ok"),
    "headless:browser:mfa:authenticate": post("login login login login login login login"),
    "headless:browser:mfa:reauthenticate": post("login ok ok ok ok ok ok"),
    "headless:browser:mfa:authenticate_webauthn": get("login login login login login login login"),
    "headless:browser:mfa:reauthenticate_webauthn": get("login ok ok ok ok ok ok"),
    "headless:browser:mfa:authenticators": get("login ok ok ok ok ok ok"),
    "headless:browser:mfa:manage_totp": get("login ok 404 404 404 404 404"),
    "headless:browser:mfa:manage_recovery_codes": get("login 404 404 404 404 404 404"),
    "headless:browser:mfa:manage_webauthn": get("login reauth reauth reauth reauth reauth reauth"),
    "headless:browser:usersessions:sessions": get("login ok ok ok ok ok ok"),
    "headless:app:config": get("ok ok ok ok ok ok ok"),
    "headless:app:account:current_session": get("login ok ok ok ok ok ok"),
    "headless:app:account:reauthenticate": post("login ok ok ok ok ok ok"),
    "headless:app:account:confirm_login_code": post("409 409 409 409 409 409 409"),
    "headless:app:account:request_password_reset": post("ok ok ok ok ok ok ok"),
    "headless:app:account:reset_password": post("ok ok ok ok ok ok ok"),
    "headless:app:account:login": post("ok ok ok ok ok ok ok"),
    "headless:app:account:signup": post("ok ok ok ok ok ok ok"),
    "headless:app:account:verify_email": post("ok ok ok ok ok ok ok"),
    "headless:app:account:resend_email_verification_code": post("409 409 409 409 409 409 409"),
    "headless:app:account:verify_phone": post("409 409 409 409 409 409 409"),
    "headless:app:account:resend_phone_verification_code": post("409 409 409 409 409 409 409"),
    "headless:app:account:change_password": post("login ok ok ok ok ok ok"),
    "headless:app:account:manage_email": get("login ok ok ok ok ok ok"),
    "headless:app:account:manage_phone": get("404 404 404 404 404 404 404"),
    "headless:app:socialaccount:manage_providers": get("login ok ok ok ok ok ok"),
    "headless:app:socialaccount:provider_signup": post("409 409 409 409 409 409 409"),
    "headless:app:socialaccount:redirect_to_provider": post(
        "login login login login login login login"
    ),
    "headless:app:socialaccount:provider_token": post("ok ok ok ok ok ok ok"),
    "headless:app:mfa:authenticate": post("login login login login login login login"),
    "headless:app:mfa:reauthenticate": post("login ok ok ok ok ok ok"),
    "headless:app:mfa:authenticate_webauthn": get("login login login login login login login"),
    "headless:app:mfa:reauthenticate_webauthn": get("login ok ok ok ok ok ok"),
    "headless:app:mfa:authenticators": get("login ok ok ok ok ok ok"),
    "headless:app:mfa:manage_totp": get("login ok 404 404 404 404 404"),
    "headless:app:mfa:manage_recovery_codes": get("login 404 404 404 404 404 404"),
    "headless:app:mfa:manage_webauthn": get("login reauth reauth reauth reauth reauth reauth"),
    "headless:app:usersessions:sessions": get("login ok ok ok ok ok ok"),
    "headless:app:tokens:refresh": post("ok ok ok ok ok ok ok"),
    "headless:openapi_yaml": get("ok ok ok ok ok ok ok"),
    "headless:openapi_json": get("ok ok ok ok ok ok ok"),
    "headless:openapi_html": get("ok ok ok ok ok ok ok"),
    # --- REST API (/api/v1/); API.md: 401 anonymous, 404 for another user's private data ------------
    "api:me": get("login ok ok ok ok ok ok"),
    "api:me-api-keys": get("login ok ok ok ok ok ok"),
    # DELETE is performed (rolled back) for the owner
    "api:me-api-key": delete("login ok 404 404 404 404 404"),
    "api:notifications": get("login ok ok ok ok ok ok"),
    "api:notifications-read-all": act("login ok ok ok ok ok ok"),
    "api:notifications-unread-count": get("login ok ok ok ok ok ok"),
    "api:notification-read": act("login ok 404 404 404 404 404"),
    "api:notification-preferences": get("login ok ok ok ok ok ok"),
    "api:me-phone": get("login ok ok ok ok ok ok"),
    "api:me-phone-verify": post("login ok ok ok ok ok ok"),
    "api:me-devices": get("login ok ok ok ok ok ok"),
    "api:me-device": delete("login ok 404 404 404 404 404"),
    # learning events: anyone reports (empty probe: the 400 of the batch); staff export
    "api:events-ingest": post("ok ok ok ok ok ok ok"),
    "api:analytics-xapi": get("login 403 403 403 403 403 ok", query="since=2026-01-01T00:00:00Z"),
    "api:course-list": get("ok ok ok ok ok ok ok"),
    "api:category-list": get("ok ok ok ok ok ok ok"),
    "api:course-detail": get("ok ok ok ok ok ok ok"),
    "api:course-reviews": get("ok ok ok ok ok ok ok"),
    # these two validate before the rule in the service: the probes are valid requests
    "api:review-reply": post("login 403 403 ok 403 403 403", body={"text": "Thank you!"}),
    "api:review-hide": post("login 403 403 403 403 ok ok"),
    # anyone signed in may report a review, except its author (400)
    "api:review-report": post("login 400 ok ok ok ok ok", body={"reason": "Rude."}),
    # direct uploads of course media (authoring): validates before the author check, so the
    # probe is a valid request
    "api:upload-start": post(
        "login 403 403 ok ok 403 ok",
        body={"kind": "image", "filename": "a.png", "content_type": "image/png", "size": 100},
    ),
    "api:me-recommended-courses": get("login ok ok ok ok ok ok"),
    "api:lesson-detail": get("login ok 403 ok 403 403 ok"),
    "api:lesson-progress": get("login ok 403 403 403 403 403"),
    "api:lesson-complete": act("login ok 403 403 403 403 403"),
    "api:course-enroll": act("login ok ok ok ok ok ok"),
    "api:me-enrollments": get("login ok ok ok ok ok ok"),
    "api:enrollment-imports": get("login 403 403 ok ok 403 ok"),
    "api:enrollment-import-detail": get("login 403 403 ok 404 403 ok"),
    "api:enrollment-import-errors": get("login 403 403 ok 404 403 ok"),
    "api:course-cohorts": get("ok ok ok ok ok ok ok"),
    "api:cohort-detail": get("ok ok ok ok ok ok ok"),
    "api:cohort-roster": get("login 403 403 ok 403 403 ok"),
    "api:cohort-waitlist": act("login 409 ok ok ok ok ok"),
    "api:cohort-waitlist-queue": get("login 403 403 ok 403 403 ok"),
    "api:cohort-offer-accept": act("login 409 409 409 409 409 409"),
    "api:cohort-offer-decline": act("login 409 409 409 409 409 409"),
    "api:enrollment-cohort": post("login 403 403 ok 403 403 ok"),
    # --- chat: the course group's room (student A and the mentor); student A's message --------
    "chat:rooms": get("login ok ok ok ok ok ok"),
    "chat:room": get("login ok 404 ok 404 404 404"),
    "chat:send": post("login ok 404 ok 404 404 404"),
    "chat:read": act("login ok 404 ok 404 404 404"),
    "chat:new": get("login ok ok ok ok ok ok"),
    # student A's message: its author edits; the mentor (the group's owner) may delete it
    "chat:edit": get("login ok 404 403 404 404 404"),
    "chat:delete": act("login ok 404 ok 404 404 404"),
    "chat:react": post("login ok 404 ok 404 404 404"),
    # anyone may block anyone (the mentor blocking themself is told no on the page)
    "chat:block": post("login ok ok ok ok ok ok"),
    "api:chat-rooms": get("login ok ok ok ok ok ok"),
    "api:chat-direct-start": post("login ok ok ok ok ok ok"),
    # members only; outsiders are not told the room exists (404), staff included
    "api:chat-room-messages": get("login ok 404 ok 404 404 404"),
    "api:chat-room-read": post("login ok 404 ok 404 404 404"),
    "api:chat-room-members": get("login ok 404 ok 404 404 404"),
    "api:chat-message-reactions": post("login ok 404 ok 404 404 404"),
    "api:chat-message": patch("login ok 404 ok 404 404 404"),
    "api:me-blocks": get("login ok ok ok ok ok ok"),
    "api:me-block": delete("login ok ok ok ok ok ok"),
    # --- topic groups: student A owns a private group (the mentor is a member, other_mentor has
    # asked to join); student A is invited to the mentor's invite-only group. A private group is
    # found by its link by anyone signed in (to ask to join); who is in it, only by members.
    "groups:directory": get("login ok ok ok ok ok ok"),
    "groups:new": get("login ok ok ok ok ok ok"),
    "groups:my_invitations": get("login ok ok ok ok ok ok"),
    "groups:invitation_respond": act("login ok 404 404 404 404 404"),
    "groups:members": get("login ok ok ok ok ok ok"),
    "groups:join": act("login refused refused refused refused refused refused"),
    "groups:leave": act("login refused refused ok refused refused refused"),
    "groups:request": act("login refused ok refused ok ok ok"),
    "groups:settings": get("login ok 403 403 403 403 403"),
    "groups:channel_new": post("login ok 403 403 403 403 403"),
    "groups:channel_edit": post("login ok 403 403 403 403 403"),
    "groups:member_role": post("login ok 403 403 403 403 403"),
    "groups:member_remove": act("login ok 403 refused 403 403 403"),
    "groups:transfer": act("login ok 403 403 403 403 403"),
    "groups:requests": get("login ok 403 403 403 403 403"),
    "groups:request_decide": act("login ok 403 403 403 403 403"),
    "groups:invitations": get("login ok 403 403 403 403 403"),
    # the mentor's invitation of student A to the mentor's invite-only group
    "groups:invitation_revoke": act(
        "login 403 404 ok 404 404 403", kwargs={"group_id": "@invited_to_group_id"}
    ),
    "community_search:search": get("login ok ok ok ok ok ok"),
    "api:groups": get("login ok ok ok ok ok ok"),
    "api:group": get("login ok ok ok ok ok ok"),
    "api:group-join": act("login 409 409 409 409 409 409"),
    "api:group-leave": act("login 409 409 ok 409 409 409"),
    "api:group-requests": get("login ok 403 403 403 403 403"),
    "api:group-request-approve": act("login ok 403 403 403 403 403"),
    "api:group-request-decline": act("login ok 403 403 403 403 403"),
    "api:group-invitations": get("login ok 403 403 403 403 403"),
    "api:group-invitation": delete(
        "login 403 404 ok 404 404 403", kwargs={"group_id": "@invited_to_group_id"}
    ),
    "api:group-members": get("login ok 403 ok 403 403 ok"),
    "api:group-member": patch("login ok 403 403 403 403 403", body={"role": "member"}),
    "api:group-transfer": post("login ok 403 403 403 403 403"),
    "api:group-channels": get("login ok 403 ok 403 403 403"),
    "api:group-channel": patch("login ok 403 403 403 403 403"),
    "api:me-invitations": get("login ok ok ok ok ok ok"),
    "api:me-invitation-accept": act("login ok 404 404 404 404 404"),
    "api:me-invitation-decline": act("login ok 404 404 404 404 404"),
    "api:search": get("login ok ok ok ok ok ok"),
    # --- posts: student A's post and comment in the course group (student A and the mentor,
    # its owner); site moderators and staff read every group and moderate, but only members
    # post, comment and react; outsiders are not told the group exists (404)
    "posts:group": get("login ok 404 ok 404 ok ok", kwargs=POSTS),
    "posts:create": post("login ok 404 ok 404 403 403", body={"body": "Hello"}, kwargs=POSTS),
    "posts:post": get("login ok 404 ok 404 ok ok", kwargs=POSTS),
    "posts:edit": get("login ok 404 404 404 404 404", kwargs=POSTS),
    "posts:delete": act("login ok 404 ok 404 ok ok", kwargs=POSTS),
    "posts:pin": act("login 403 404 ok 404 ok ok", kwargs=POSTS),
    "posts:lock": act("login 403 404 ok 404 ok ok", kwargs=POSTS),
    "posts:bookmark": act("login ok 404 ok 404 ok ok", kwargs=POSTS),
    "posts:react": post(
        "login ok 404 ok 404 403 403", body={"emoji": "👍", "on": "1"}, kwargs=POSTS
    ),
    "posts:comment": post("login ok 404 ok 404 403 403", body={"body": "Hi"}, kwargs=POSTS),
    "posts:comment_edit": get("login ok 404 404 404 404 404", kwargs=POSTS),
    "posts:comment_react": post(
        "login ok 404 ok 404 403 403", body={"emoji": "👍", "on": "1"}, kwargs=POSTS
    ),
    "posts:comment_delete": act("login ok 404 ok 404 ok ok", kwargs=POSTS),
    "feed:feed": get("login ok ok ok ok ok ok"),
    "feed:bookmarks": get("login ok ok ok ok ok ok"),
    "api:group-posts": get("login ok 404 ok 404 ok ok", kwargs=POSTS),
    "api:group-posts-seen": post("login ok 404 ok 404 ok ok", kwargs=POSTS),
    "api:post": get("login ok 404 ok 404 ok ok"),
    "api:post-pin": post("login 403 404 ok 404 ok ok"),
    "api:post-lock": post("login 403 404 ok 404 ok ok"),
    "api:post-bookmark": post("login ok 404 ok 404 ok ok"),
    "api:post-reactions": post("login ok 404 ok 404 403 403", body={"emoji": "👍"}),
    "api:post-comments": get("login ok 404 ok 404 ok ok"),
    "api:comment": patch("login ok 404 403 404 403 403", body={"body": "Edited"}),
    "api:comment-reactions": post("login ok 404 ok 404 403 403", body={"emoji": "👍"}),
    "api:me-feed": get("login ok ok ok ok ok ok"),
    "api:me-feed-groups": get("login ok ok ok ok ok ok"),
    "api:me-bookmarks": get("login ok ok ok ok ok ok"),
    "api:moderation-items": get("login 403 403 403 403 ok ok"),
    "api:moderation-item-decide": post("login 403 403 403 403 ok ok"),
    # --- moderation: reports, the audit log, a group's policy ----------------------------------
    "community:moderation_audit": get("login 403 403 403 403 ok ok"),
    "community:moderation_message_context": get("login 403 403 403 403 ok ok"),
    # the Report form of student A's message: for those who can read it (outsiders: 404)
    "community:report": get(
        "login ok 404 ok 404 404 404", kwargs={"kind": "message", "object_id": "@message_id"}
    ),
    "api:reports": post("login ok ok ok ok ok ok"),
    "api:moderation-audit": get("login 403 403 403 403 ok ok"),
    # the course group's moderation: its owners (the mentor) and site moderators set it;
    # a member may not (403), outsiders are not told the group exists (404)
    "api:group-moderation-policy": Rule(
        "PUT",
        _expect("login 403 404 ok 404 ok ok"),
        write=True,
        body={"moderation_policy": "post"},
        kwargs={"group_id": "@course_group_id"},
    ),
    # --- quizzes (assessments): the quiz lesson of the mentor's course; student A's open attempt
    "assessments:quiz": get("login ok 403 ok 403 403 ok", kwargs=QUIZ),
    # an attempt's pages are its student's (its review also the course's editors')
    "assessments:attempt": get("login ok 404 404 404 404 404"),
    "assessments:attempt_finish": get("login ok 404 404 404 404 404"),
    "assessments:attempt_submit": act("login ok 404 404 404 404 404"),
    "assessments:attempt_review": get("login ok 404 ok 404 404 ok"),
    # mentors' pages: the course's editors (its mentor, staff)
    "assessments:teach_quiz": get("login 403 403 ok 403 403 ok", kwargs=QUIZ),
    "assessments:teach_slot_add": post("login 403 403 ok 403 403 ok", kwargs=QUIZ),
    "assessments:teach_slot_remove": act("login 403 403 ok 403 403 ok"),
    "assessments:teach_slot_move": act("login 403 403 ok 403 403 ok"),
    "assessments:teach_slot_reorder": post("login 403 403 ok 403 403 ok", kwargs=QUIZ),
    "assessments:teach_banks": get("login 403 403 ok 403 403 ok"),
    "assessments:teach_bank": get("login 403 403 ok 403 403 ok"),
    "assessments:teach_bank_ordering": post("login 403 403 ok 403 403 ok"),
    "assessments:teach_bank_export": get("login 403 403 ok 403 403 ok"),
    "assessments:teach_question_delete": act("login 403 403 ok 403 403 ok"),
    # the grading queue lists the viewer's own courses' answers: every mentor and staff
    "assessments:teach_grading": get("login 403 403 ok ok 403 ok"),
    "assessments:teach_grade": get("login 403 403 ok 403 403 ok"),
    # assignments: whoever may open the lesson sees it (editors as a preview)
    "assessments:assignment": get("login ok 403 ok 403 403 ok", kwargs=ASSIGNMENT),
    "assessments:teach_assignment": get("login 403 403 ok 403 403 ok", kwargs=ASSIGNMENT),
    "assessments:teach_assignment_release": act("login 403 403 ok 403 403 ok", kwargs=ASSIGNMENT),
    "assessments:teach_assignment_extension": post(
        "login 403 403 ok 403 403 ok", kwargs=ASSIGNMENT
    ),
    "assessments:teach_assignment_rubric": post("login 403 403 ok 403 403 ok", kwargs=ASSIGNMENT),
    "assessments:teach_submission": get("login 403 403 ok 403 403 ok"),
    "api:lesson-assignment": get("login ok 403 ok 403 403 ok", kwargs=ASSIGNMENT),
    # only the course's students hand in work (editors see the assignment, 403 on handing in)
    "api:lesson-assignment-submissions": post("login ok 403 403 403 403 403", kwargs=ASSIGNMENT),
    "api:lesson-assignment-latest-submissions": get(
        "login 403 403 ok 403 403 ok", kwargs=ASSIGNMENT
    ),
    "api:lesson-assignment-release": post("login 403 403 ok 403 403 ok", kwargs=ASSIGNMENT),
    "api:lesson-assignment-extensions": post("login 403 403 ok 403 403 ok", kwargs=ASSIGNMENT),
    "api:submission-grade": post("login 403 403 ok 403 403 ok"),
    # the gradebook: the course's editors; "My grades": the enrolled learner only
    "assessments:gradebook": get("login 403 403 ok 403 403 ok"),
    "assessments:gradebook_export": get("login 403 403 ok 403 403 ok"),
    "assessments:gradebook_override": post("login 403 403 ok 403 403 ok"),
    "assessments:gradebook_settings": get("login 403 403 ok 403 403 ok"),
    "assessments:my_grades": get("login ok 404 404 404 404 404"),
    # a certificate's public check page: anyone (an unknown code is 404); my list: mine
    "assessments:certificate_verify": get("404 404 404 404 404 404 404"),
    "assessments:my_certificates": get("login ok ok ok ok ok ok"),
    "api:me-certificates": get("login ok ok ok ok ok ok"),
    # badges: the verifiable documents and an award's share page are public; the signed
    # credential is its recipient's (and staff's); the teach pages are the course's editors'
    "assessments:badge_issuer": get("ok ok ok ok ok ok ok"),
    "assessments:badge_issuer_profile": get("ok ok ok ok ok ok ok"),
    "assessments:badge_jwks": get("ok ok ok ok ok ok ok"),
    "assessments:badge_key": get("ok ok ok ok ok ok ok"),
    "assessments:badge_class": get("ok ok ok ok ok ok ok", kwargs={"uid": "@badge_class_uid"}),
    "assessments:badge_assertion": get("ok ok ok ok ok ok ok"),
    "assessments:badge_award": get("ok ok ok ok ok ok ok"),
    "assessments:badge_credential_jwt": get("login ok 404 404 404 404 ok"),
    "assessments:badge_credential_json": get("login ok 404 404 404 404 ok"),
    "assessments:teach_badges": get("login 403 403 ok 403 403 ok"),
    "assessments:teach_badge": get("login 403 403 ok 403 403 ok"),
    "assessments:teach_badge_award": post("login 403 403 ok 403 403 ok"),
    "assessments:teach_badge_revoke": post("login 403 403 ok 403 403 ok"),
    "api:me-badges": get("login ok ok ok ok ok ok"),
    "api:me-badge-credential": get("login ok 404 404 404 404 404"),
    "api:me-grades": get("login ok 404 404 404 404 404"),
    "api:course-gradebook": get("login 403 403 ok 403 403 ok"),
    "api:course-gradebook-items": get("login 403 403 ok 403 403 ok"),
    "api:lesson-quiz": get("login ok 403 ok 403 403 ok", kwargs=QUIZ),
    # student A resumes the open attempt; editors start a preview
    "api:lesson-quiz-attempts": act("login ok 403 ok 403 403 ok", kwargs=QUIZ),
    "api:attempt": get("login ok 404 ok 404 404 ok"),
    "api:attempt-answers": post("login ok 404 404 404 404 404"),
    "api:attempt-question-check": post("login ok 404 404 404 404 404"),
    "api:attempt-submit": act("login ok 404 404 404 404 404"),
    "api:course-question-banks": get("login 403 403 ok 403 403 ok"),
    "api:question-bank-questions": get("login 403 403 ok 403 403 ok"),
    "api:question-bank-import": post("login 403 403 ok 403 403 ok"),
    "api:question-bank-export": get("login 403 403 ok 403 403 ok"),
    "api:question": get("login 403 403 ok 403 403 ok"),
    "api:lesson-quiz-settings": get("login 403 403 ok 403 403 ok", kwargs=QUIZ),
    "api:lesson-quiz-slots": get("login 403 403 ok 403 403 ok", kwargs=QUIZ),
    "api:lesson-quiz-slots-order": post("login 403 403 ok 403 403 ok", kwargs=QUIZ),
    "api:quiz-slot": delete("login 403 403 ok 403 403 ok"),
    "api:attempt-question-grade": post("login 403 403 ok 403 403 ok"),
    # the grading queue lists the viewer's own courses' work: every mentor and staff
    "api:grading-answers": get("login 403 403 ok ok 403 ok"),
    "api:grading-submissions": get("login 403 403 ok ok 403 ok"),
    # --- commerce: a paid course anyone may buy; student A's pending manual order --------------
    "commerce:checkout": get("login ok ok ok ok ok ok", kwargs=PAID),
    "commerce:order": get("login ok 404 404 404 404 404"),
    "commerce:order_status": get("login ok 404 404 404 404 404"),
    "commerce:order_pay": act("login ok 404 404 404 404 404"),
    "commerce:order_cancel": act("login ok 404 404 404 404 404"),
    "commerce:staff_orders": get("login 403 403 403 403 403 ok"),
    "commerce:staff_order": get("login 403 403 403 403 403 ok"),
    # no auth: the signature is the credential (an empty body does not verify: 400)
    "commerce:webhook_stripe": post("ok ok ok ok ok ok ok"),
    "commerce:webhook_razorpay": post("ok ok ok ok ok ok ok"),
    "api:orders": post("login ok ok ok ok ok ok"),
    # staff may open every lesson: nothing to buy
    "api:order-quote": get("login ok ok ok ok ok 409", query="course=matrix-paid"),
    "api:me-order": get("login ok 404 404 404 404 404"),
    "api:order-pay": act("login ok 404 404 404 404 404"),
    "api:order-cancel": act("login ok 404 404 404 404 404"),
    "api:order-mark-paid": post("login 403 403 403 403 403 ok"),
    # receipts and purchases (the buyer's and staff's), refunds and revenue (staff)
    "billing:receipt": get("login ok 404 404 404 404 ok"),
    "billing:invoice_pdf": get("login ok 404 404 404 404 ok"),
    "billing:purchases": get("login ok ok ok ok ok ok"),
    "billing:refund": get("login 403 403 403 403 403 ok"),
    "billing:revenue": get("login 403 403 403 403 403 ok"),
    "api:me-orders": get("login ok ok ok ok ok ok"),
    "api:me-invoice-pdf": get("login ok 404 404 404 404 ok"),
    "api:coupons-check": post("login ok ok ok ok ok ok"),
    "api:order-refunds": post("login 403 403 403 403 403 ok"),
    "api:revenue": get("login 403 403 403 403 403 ok"),
    # --- plans and subscriptions (student A holds an active manual subscription) --------------
    "subscriptions:plans": get("ok ok ok ok ok ok ok"),
    "subscriptions:plan": get("ok ok ok ok ok ok ok", kwargs=PLAN),
    # student A subscribes already (an error message); the others subscribe
    "subscriptions:subscribe": act("login refused ok ok ok ok ok", kwargs=PLAN),
    "subscriptions:mine": get("login ok ok ok ok ok ok"),
    # a subscription is its subscriber's alone; staff manage them on the staff page
    "subscriptions:detail": get("login ok 404 404 404 404 404"),
    "subscriptions:cancel": act("login ok 404 404 404 404 404"),
    # not cancelled, and manual: nothing to resume, no portal (error messages)
    "subscriptions:resume": act("login refused 404 404 404 404 404"),
    "subscriptions:manage": act("login refused 404 404 404 404 404"),
    "subscriptions:staff": get("login 403 403 403 403 403 ok"),
    "subscriptions:staff_mark_paid": act("login 403 403 403 403 403 ok"),
    "api:plans": get("ok ok ok ok ok ok ok"),
    "api:plan": get("ok ok ok ok ok ok ok", kwargs=PLAN),
    "api:plan-subscribe": act("login 409 ok ok ok ok ok", kwargs=PLAN),
    "api:me-subscriptions": get("login ok ok ok ok ok ok"),
    "api:me-subscription": get("login ok 404 404 404 404 404"),
    "api:me-subscription-cancel": act("login ok 404 404 404 404 404"),
    "api:me-subscription-resume": act("login 409 404 404 404 404 404"),
    "api:me-subscription-portal": act("login 409 404 404 404 404 404"),
    "api:subscription-mark-paid": act("login 403 403 403 403 403 ok"),
    # --- analytics: dashboards (staff: platform and every course; mentors: their courses) ------
    "analytics:dashboard": get("login 403 403 403 403 403 ok"),
    "analytics:courses": get("login 403 403 ok ok 403 ok"),
    "analytics:course": get("login 403 403 ok 403 403 ok"),
    "api:analytics-overview": get("login 403 403 403 403 403 ok"),
    "api:analytics-courses": get("login 403 403 ok ok 403 ok"),
    "api:analytics-course": get("login 403 403 ok 403 403 ok"),
    "api:analytics-course-lessons": get("login 403 403 ok 403 403 ok"),
    # --- mentorship: calendar ---
    # the feed settings page and its two actions: everyone's own feed
    "mentorship:calendar": get("login ok ok ok ok ok ok"),
    "mentorship:calendar_rotate": act("login ok ok ok ok ok ok"),
    "mentorship:calendar_revoke": act("login ok ok ok ok ok ok"),
    # the secret link is the credential (calendar apps do not sign in): student A's token
    "mentorship:calendar_feed": get("ok ok ok ok ok ok ok"),
    # one session's invite: its mentee (student A) and its mentor only
    "mentorship:session_invite": get("login ok 404 ok 404 404 404"),
    "api:me-calendar-feed": get("login ok ok ok ok ok ok"),
    "api:me-calendar-feed-rotate": act("login ok ok ok ok ok ok"),
    "api:session-ics": get("login ok 404 ok 404 404 404"),
    # --- mentorship: progress ---
    # student A's mentorship with the mentor (session tomorrow, the mentor's PRIVATE note, an
    # action item, a goal with a milestone, an update). Its two people write; staff read (an
    # empty form is refused before the rule; a valid action is 403 for them); others 404.
    "mentorship:progress_note_add": post("login ok 404 ok 404 404 ok"),
    "mentorship:progress_note_edit": get("login 404 404 ok 404 404 404"),
    "mentorship:progress_note_delete": act("login 404 404 ok 404 404 404"),
    "mentorship:progress_session_rate": post("login ok 404 ok 404 404 ok"),
    "mentorship:progress_session_no_show": post("login ok 404 ok 404 404 ok"),
    "mentorship:progress_action_item_add": post("login ok 404 ok 404 404 ok"),
    "mentorship:progress_action_item_toggle": act("login ok 404 ok 404 404 403"),
    "mentorship:progress_action_item_delete": act("login ok 404 ok 404 404 403"),
    "mentorship:progress_goal_add": post("login ok 404 ok 404 404 ok"),
    "mentorship:progress_goal_edit": post("login ok 404 ok 404 404 ok"),
    "mentorship:progress_goal_status": post("login ok 404 ok 404 404 ok"),
    "mentorship:progress_goal_delete": act("login ok 404 ok 404 404 403"),
    "mentorship:progress_milestone_add": post("login ok 404 ok 404 404 ok"),
    "mentorship:progress_milestone_toggle": act("login ok 404 ok 404 404 403"),
    "mentorship:progress_milestone_move": post("login ok 404 ok 404 404 ok"),
    "mentorship:progress_milestone_delete": act("login ok 404 ok 404 404 403"),
    "mentorship:progress_update_add": post("login ok 404 ok 404 404 ok"),
    "mentorship:progress_timeline": get("login ok 404 ok 404 404 ok"),
    "api:mentoring-session-notes": get("login ok 404 ok 404 404 ok"),
    "api:mentoring-note": patch("login 404 404 ok 404 404 404"),
    "api:mentoring-action-items": get("login ok 404 ok 404 404 ok"),
    "api:mentoring-action-item": patch("login ok 404 ok 404 404 403"),
    # the session is tomorrow: not rateable yet; only the mentee rates
    "api:mentoring-session-rating": post("login 409 404 403 404 404 403", body={"rating": 5}),
    # not started yet; nobody marks themself absent
    "api:mentoring-session-no-show": post(
        "login 409 404 400 404 404 403", body={"party": "mentor"}
    ),
    "api:mentoring-goals": get("login ok 404 ok 404 404 ok"),
    "api:mentoring-goal": patch("login ok 404 ok 404 404 403"),
    "api:mentoring-goal-milestones": post("login ok 404 ok 404 404 ok"),
    "api:mentoring-milestone": patch("login ok 404 ok 404 404 403"),
    "api:mentoring-updates": get("login ok 404 ok 404 404 ok"),
    "api:mentoring-timeline": get("login ok 404 ok 404 404 ok"),
    "api:me-mentoring-overview": get("login ok ok ok ok ok ok"),
    # --- mentorship: meetings ---
    # the meeting page of the mentor's session with student A (tomorrow: the page says when
    # it opens); join info: its two participants only, 409 outside the join window
    "mentorship:meeting": get("login ok 403 ok 403 403 403"),
    "api:sessions-join": act("login 409 403 409 403 403 403"),
    # --- mentorship: directory ---------------------------------------------------------------
    # columns: anonymous student_a student_b mentor other_mentor moderator staff
    # student A's request is to other_mentor (pending); the mentorship is mentor + student A
    "mentorship:directory": get("login ok ok ok ok ok ok"),
    "mentorship:my_profile": get("login 403 403 ok ok 403 403"),
    "mentorship:suggested": get("login ok ok ok ok ok ok"),
    "mentorship:mentor": get("login ok ok ok ok ok ok"),
    # the empty form is re-rendered with its errors (400) for everyone signed in
    "mentorship:mentor_request": post("login ok ok ok ok ok ok"),
    "mentorship:mentorships": get("login ok ok ok ok ok ok"),
    "mentorship:preferences": get("login ok ok ok ok ok ok"),
    "mentorship:requests": get("login ok ok ok ok ok ok"),
    # a request is answered by its mentor only, withdrawn by its student only
    "mentorship:request_accept": act("login 404 404 404 ok 404 404"),
    "mentorship:request_decline": post("login 404 404 404 ok 404 404"),
    "mentorship:request_withdraw": act("login ok 404 404 404 404 404"),
    # staff see a mentorship; only its two people change it (it is active: resume is refused)
    "mentorship:mentorship": get("login ok 404 ok 404 404 ok"),
    "mentorship:mentorship_pause": act("login ok 404 ok 404 404 404"),
    "mentorship:mentorship_resume": act("login refused 404 refused 404 404 404"),
    "mentorship:mentorship_end": post("login ok 404 ok 404 404 404"),
    "api:mentors": get("login ok ok ok ok ok ok"),
    "api:mentor": get("login ok ok ok ok ok ok"),
    # both mentors have a profile; nobody else has one
    "api:me-mentor-profile": get("login 404 404 ok ok 404 404"),
    "api:me-mentoring-preferences": get("login ok ok ok ok ok ok"),
    "api:me-mentor-suggestions": get("login ok ok ok ok ok ok"),
    "api:mentorship-requests": get("login ok ok ok ok ok ok"),
    "api:mentorship-request-accept": act("login 404 404 404 ok 404 404"),
    "api:mentorship-request-decline": post("login 404 404 404 ok 404 404"),
    "api:mentorship-request-withdraw": act("login ok 404 404 404 404 404"),
    "api:mentorships": get("login ok ok ok ok ok ok"),
    "api:mentorship": get("login ok 404 ok 404 404 ok"),
    "api:mentorship-pause": act("login ok 404 ok 404 404 404"),
    "api:mentorship-resume": act("login 409 404 409 404 404 404"),
    "api:mentorship-end": post("login ok 404 ok 404 404 404"),
    # --- mentorship: live ----------------------------------------------------------------------
    # the mentor's class (tomorrow) of a course student A takes: the host and staff manage it,
    # enrolled students watch; anyone else gets 404. Only the host starts it (too early: a
    # message, or 409); staff may end, cancel and rotate the key but never see the key.
    "mentorship:live_classes": get("login ok ok ok ok ok ok"),
    "mentorship:live_class_new": get("login ok ok ok ok ok ok"),
    "mentorship:live_class": get("login ok 404 ok 404 404 ok"),
    "mentorship:live_class_edit": get("login 403 404 ok 404 404 ok"),
    "mentorship:live_class_cancel": get("login 403 404 ok 404 404 ok"),
    "mentorship:live_class_start": act("login 403 404 refused 404 404 403"),
    "mentorship:live_class_end": act("login 403 404 refused 404 404 refused"),
    "mentorship:live_class_stream_key": act("login 403 404 ok 404 404 ok"),
    "mentorship:live_class_recording": get("login 403 404 ok 404 404 ok"),
    "api:live-classes": get("login ok ok ok ok ok ok"),
    "api:live-class": get("login ok 404 ok 404 404 ok"),
    "api:live-class-start": act("login 403 404 409 404 404 403"),
    "api:live-class-end": act("login 403 404 409 404 404 409"),
    "api:live-class-cancel": act("login 403 404 ok 404 404 ok"),
    "api:live-class-stream-key": act("login 403 404 ok 404 404 ok"),
    "api:live-class-recording": post(
        "login 403 404 409 404 404 409", body={"url": "https://recordings.example/1"}
    ),
    "api:live-class-attendance": get("login 403 404 ok 404 404 ok"),
    # --- schema, signed files, webhooks, admin ---------------------------------------------------
    "schema": get("ok ok ok ok ok ok ok"),
    "api-docs": get("ok ok ok ok ok ok ok"),
    # --- mentorship: booking ---
    # a mentor's own weekly hours and exceptions: Mentor role with a profile (other_mentor has
    # one of their own: someone else's rule is a 404); the session tomorrow is student A's
    # and the mentor's (staff may look, not act)
    "mentorship:availability": get("login 403 403 ok ok 403 403"),
    "mentorship:availability_rule_new": post("login 403 403 ok ok 403 403"),
    "mentorship:availability_rule_edit": get("login 403 403 ok 404 403 403"),
    "mentorship:availability_rule_delete": act("login 403 403 ok 404 403 403"),
    "mentorship:availability_exception_new": post("login 403 403 ok ok 403 403"),
    "mentorship:availability_exception_edit": get("login 403 403 ok 404 403 403"),
    "mentorship:availability_exception_delete": act("login 403 403 ok 404 403 403"),
    "mentorship:book": get("login ok 404 ok 404 404 403"),
    "mentorship:sessions": get("login ok ok ok ok ok ok"),
    "mentorship:session": get("login ok 404 ok 404 404 ok"),
    # empty reason: the participants' cancel goes through, or (student A inside the window,
    # depending on the hour the matrix runs) is shown as the form's error (a 400)
    "mentorship:session_cancel": post("login ok 404 ok 404 404 403"),
    "mentorship:session_reschedule": get("login ok 404 ok 404 404 403"),
    "api:mentor-slots": get("login ok ok ok ok ok ok"),
    "api:me-availability-rules": get("login 403 403 ok ok 403 403"),
    "api:me-availability-rule": patch("login 403 403 ok 404 403 403"),
    "api:me-availability-exceptions": get("login 403 403 ok ok 403 403"),
    "api:me-availability-exception": patch("login 403 403 ok 404 403 403"),
    "api:me-sessions": get("login ok ok ok ok ok ok"),
    # a length the mentor does not offer: the participants get the service's 400, staff 403
    "api:mentorship-sessions": post(
        "login 400 404 400 404 404 403",
        body={"starts_at": "2030-01-07T10:00:00Z", "length_minutes": 45},
    ),
    "api:session": get("login ok 404 ok 404 404 ok"),
    # a reason that is not text: the input is refused before the rules (they are tested in
    # mentorship/tests/test_booking_services.py, whose windows depend on the hour)
    "api:session-cancel": post("login 400 404 400 404 404 400", body={"reason": 5}),
    # a time beyond the booking horizon: the participants get 409 (no such slot, or student A
    # inside the reschedule window), staff 403
    "api:session-reschedule": post(
        "login 409 404 409 404 404 403", body={"starts_at": "2030-01-07T10:00:00Z"}
    ),
    # --- analytics: A/B experiments (staff); the probe's experiment is a draft ---------------
    "analytics:experiments": get("login 403 403 403 403 403 ok"),
    "analytics:experiment_new": get("login 403 403 403 403 403 ok"),
    "analytics:experiment": get("login 403 403 403 403 403 ok"),
    "analytics:experiment_edit": get("login 403 403 403 403 403 ok"),
    "analytics:experiment_start": act("login 403 403 403 403 403 ok"),
    # a draft cannot be stopped, nor get a winner: staff are told so
    "analytics:experiment_stop": act("login 403 403 403 403 403 refused"),
    "analytics:experiment_winner": act("login 403 403 403 403 403 refused"),
    "api:analytics-experiments": get("login 403 403 403 403 403 ok"),
    "api:analytics-experiment": get("login 403 403 403 403 403 ok"),
    "api:analytics-experiment-start": act("login 403 403 403 403 403 ok"),
    "api:analytics-experiment-stop": act("login 403 403 403 403 403 409"),
    "api:analytics-experiment-winner": act("login 403 403 403 403 403 409"),
    "api:analytics-experiment-results": get("login 403 403 403 403 403 ok"),
    # anyone gets their variant (a visitor by the cookie)
    "api:experiment-assignment": get("ok ok ok ok ok ok ok"),
    # a lesson editor's preview link: checked on every request against who may edit the course
    "files:download": get("403 403 403 ok 403 403 ok"),
    "files:upload": post("login ok 403 403 403 403 403"),
    # basic auth (ANYMAIL_WEBHOOK_SECRET) before anything else
    "amazon_ses_tracking_webhook": post("login login login login login login login"),
    # --- analytics: at-risk learners (staff and the course's mentors), campaigns (staff) ------
    "analytics:at_risk": get("login 403 403 ok 403 403 ok"),
    # nobody in the matrix's course is at risk: the confirmation finds no one to nudge
    "analytics:at_risk_nudge": get("login 403 403 404 403 403 404"),
    "analytics:campaigns": get("login 403 403 403 403 403 ok"),
    "analytics:segment_new": get("login 403 403 403 403 403 ok"),
    "analytics:segment_edit": get("login 403 403 403 403 403 ok"),
    "analytics:segment_count": post("login 403 403 403 403 403 ok"),
    "analytics:campaign_new": get("login 403 403 403 403 403 ok"),
    "analytics:campaign": get("login 403 403 403 403 403 ok"),
    "analytics:campaign_edit": get("login 403 403 403 403 403 ok"),
    "analytics:campaign_action": act("login 403 403 403 403 403 ok", kwargs={"action": "send"}),
    # the signed token is the credential (an email's open pixel and tracked link)
    "analytics:campaign_open": get("ok ok ok ok ok ok ok"),
    "analytics:campaign_click": get("ok ok ok ok ok ok ok"),
    "api:analytics-at-risk": get("login 403 403 ok 403 403 ok"),
    # an empty body nudges the whole at-risk list (empty here)
    "api:analytics-nudges": post("login 403 403 ok 403 403 ok"),
    "api:analytics-segments": get("login 403 403 403 403 403 ok"),
    "api:analytics-segment-count": post("login 403 403 403 403 403 ok"),
    "api:analytics-segment": get("login 403 403 403 403 403 ok"),
    "api:analytics-campaigns": get("login 403 403 403 403 403 ok"),
    "api:analytics-campaign": get("login 403 403 403 403 403 ok"),
    "api:analytics-campaign-send": act("login 403 403 403 403 403 ok"),
    "api:analytics-campaign-schedule": post("login 403 403 403 403 403 ok"),
    "api:analytics-campaign-report": get("login 403 403 403 403 403 ok"),
    # the admin's sign-in sends people to the site's login; signed-in non-staff get 403
    "admin:login": get("login 403 403 403 403 403 ok"),
    # development /media/: the probe asks for a private file's path, which is never served
    "public_media": get("404 404 404 404 404 404 404"),
}

# WebSocket routes: "ok" is a socket that stays open; a number is the close code.
WEBSOCKET_POLICY: dict[str, str] = {
    "ws:ws/me/": "4401 ok ok ok ok ok ok",
    "ws:ws/notifications/": "4401 ok ok ok ok ok ok",
    # a room whose only member is the student A socket's user (test_matrix.WS_ROOM)
    "ws:ws/chat/<int:room_id>/": "4401 ok 4403 4403 4403 4403 4403",
    # the feed of that room's private group: its readers (student A; site moderators and
    # staff read every group)
    "ws:ws/groups/<int:group_id>/feed/": "4401 ok 4403 4403 4403 ok ok",
    # the mentor's session with student A, open now: its two participants only
    "ws:ws/meetings/<int:session_id>/": "4401 ok 4403 ok 4403 4403 4403",
    # the mentor's live class of a course student A takes: host, enrolled students and staff
    "ws:ws/live/<int:live_class_id>/": "4401 ok 4403 ok 4403 4403 ok",
}
