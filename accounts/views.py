from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import ApiKeyCreateForm, ProfileForm
from accounts.policies import user_is_mentor_or_admin, user_is_moderator
from accounts.roles import primary_role
from community.selectors import (
    moderation_pending_total,
    moderation_queue,
    moderation_queue_rows,
)
from courses.policies import course_can_review
from courses.selectors import catalogue as course_selectors
from courses.selectors.authoring import review_queue
from enrollments import selectors as enrollment_selectors
from kalpla.exceptions import ApplicationError
from notifications.selectors import notification_list

RECENT_NOTIFICATIONS = 5
RECENT_REPORTS = 5
RECOMMENDED_TTL = 10 * 60


def _recommended_cards(user: object) -> list[dict[str, object]]:
    return [
        {
            "slug": course.slug,
            "title": course.title,
            "category": course.category.name if course.category else "",
            "rating": course.rating_average if course.rating_count else None,
            "rating_count": course.rating_count,
            "price": course_selectors.price_label(course),
            "thumbnail": course_selectors.course_thumbnail_url(course),
        }
        for course in course_selectors.course_recommendations(user=user)
    ]


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "home_anonymous.html")
    user = request.user
    context: dict[str, object] = {
        "role": primary_role(user),
        "first_visit": selectors.is_first_visit(request),
        "learning_list": enrollment_selectors.learning_list_html(
            user_id=user.pk,
            render=lambda: render_to_string(
                "enrollments/_learning_list.html",
                {"enrollments": enrollment_selectors.learning_list(user=user)},
            ),
        ),
        "recent_lessons": enrollment_selectors.recently_viewed_lessons(user=user),
        "recent_notifications": list(notification_list(user=user)[:RECENT_NOTIFICATIONS]),
        "recommended": enrollment_selectors.learning_cached(
            user_id=user.pk,
            part="recommended",
            build=lambda: _recommended_cards(user),
            timeout=RECOMMENDED_TTL,
        ),
    }
    if user_is_moderator(user):
        context["moderation_pending"] = moderation_pending_total()
        context["moderation_recent"] = moderation_queue_rows(
            list(moderation_queue(status="pending")[:RECENT_REPORTS])
        )
    if user_is_mentor_or_admin(user):
        context.update(enrollment_selectors.mentor_dashboard(user=user))
    if course_can_review(user=user):
        queue = review_queue()
        context["review_queue_count"] = queue.count()
        context["review_queue_recent"] = list(queue[:RECENT_REPORTS])
    return render(request, "home.html", context)


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_profile_update(user=selectors.signed_in_user(request), data=form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
def verification_resend(request: HttpRequest) -> HttpResponse:
    sent = services.email_verification_resend(request=request)
    if sent is None:
        messages.info(request, _("Sign in with your email and password to get a new link."))
        return redirect("account_login")
    if not sent:
        messages.warning(
            request, _("We sent you a link moments ago: wait a few minutes before asking again.")
        )
    return redirect("account_email_verification_sent")


@login_required
def api_keys(request: HttpRequest) -> HttpResponse:
    form = ApiKeyCreateForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            key, new_key = services.api_key_create(
                user=selectors.signed_in_user(request), name=form.cleaned_data["name"]
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("API key “%(name)s” created.") % {"name": key.name})
            form = ApiKeyCreateForm()
    keys = selectors.api_key_list(user=selectors.signed_in_user(request))
    return render(
        request, "accounts/api_keys.html", {"form": form, "keys": keys, "new_key": new_key}
    )


@login_required
@require_POST
def api_key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    key = selectors.api_key_get(user=selectors.signed_in_user(request), key_id=key_id)
    services.api_key_revoke(key=key)
    messages.success(request, _("API key “%(name)s” revoked.") % {"name": key.name})
    return redirect("accounts:api_keys")
