"""Badge pages: an award's public share page (what it is, who issued it, whether it is valid;
links to its verifiable documents, LinkedIn and, for its recipient, the signed credential),
and the mentors' pages: a course's badges, one badge's awards, awarding by hand, revoking."""

from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.selectors.authoring import course_get_for_editing
from kalpla.errors import service_run

from ..badges import openbadges as ob
from ..badges import selectors
from ..badges.forms import AwardForm, BadgeForm
from ..services import badges as services

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"
LINKEDIN_SHARE = "https://www.linkedin.com/sharing/share-offsite/"


def award_links(award: Any) -> dict[str, str]:
    """The award's public URLs (absolute) and its LinkedIn links."""
    share = ob.url("badge_award", award.uid)
    issued = award.issued_at
    add = {
        "startTask": "CERTIFICATION_NAME",
        "name": award.badge.name,
        "organizationName": settings.KALPLA_BADGE_ISSUER_NAME,
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": share,
        "certId": str(award.uid),
    }
    return {
        "share": share,
        "assertion": ob.url("badge_assertion", award.uid),
        "badge_class": ob.url("badge_class", award.badge.uid),
        "issuer": ob.url("badge_issuer"),
        "image": ob.badge_image_url(award.badge),
        "jwt": reverse("assessments:badge_credential_jwt", args=[award.uid]),
        "json": reverse("assessments:badge_credential_json", args=[award.uid]),
        "linkedin_add": f"{LINKEDIN_ADD}?{urlencode(add)}",
        "linkedin_share": f"{LINKEDIN_SHARE}?{urlencode({'url': share})}",
    }


def award_page(request: HttpRequest, uid: Any) -> HttpResponse:
    award = selectors.badge_award_by_uid(uid=uid)
    if award is None:
        raise Http404(_("No such badge award."))
    return render(
        request,
        "assessments/badges/award.html",
        {
            "award": award,
            "badge": award.badge,
            "links": award_links(award),
            "is_recipient": request.user.pk == award.recipient_id,
            "issuer_name": settings.KALPLA_BADGE_ISSUER_NAME,
        },
    )


def my_badge_rows(*, user: Any, limit: int = 100) -> list[dict[str, Any]]:
    """The learner's badges (revoked ones too, marked) with their images' URLs."""
    return [
        {"award": award, "image": ob.badge_image_url(award.badge)}
        for award in selectors.my_badges(user=user)[:limit]
    ]


# --- mentors ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def teach_badges(request: HttpRequest, slug: str) -> HttpResponse:
    course = course_get_for_editing(slug=slug, user=request.user)
    badges = selectors.course_badges(course=course, user=request.user)
    form = BadgeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        create = partial(services.badge_class_create, course=course)
        if saved := _badge_save(request, form, create, success=_("Badge added.")):
            return saved
    return render(
        request,
        "assessments/badges/teach_list.html",
        {
            "course": course,
            "badges": [{"badge": b, "image_url": ob.badge_image_url(b)} for b in badges],
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def teach_badge(request: HttpRequest, badge_id: int) -> HttpResponse:
    badge = selectors.badge_get_for_editing(badge_id=badge_id, user=request.user)
    form = BadgeForm(request.POST or None, request.FILES or None, instance=badge)
    if request.method == "POST" and form.is_valid():
        update = partial(services.badge_class_update, badge=badge)
        if saved := _badge_save(request, form, update, success=_("Badge saved.")):
            return saved
    return _badge_page(request, badge, form=form, award_form=AwardForm())


def _badge_save(
    request: HttpRequest, form: BadgeForm, service: Callable[..., Any], *, success: str
) -> HttpResponse | None:
    """Run the create or update service with the form's fields: the badge's page, or None
    when the form shows the service's errors."""
    done = service_run(
        request,
        partial(
            service,
            user=request.user,
            image=form.cleaned_data["image"],
            **{name: form.cleaned_data[name] for name in BadgeForm.Meta.fields},
        ),
        form=form,
        success=success,
    )
    return redirect("assessments:teach_badge", badge_id=done.result.pk) if done.ok else None


@login_required
@require_POST
def teach_badge_award(request: HttpRequest, badge_id: int) -> HttpResponse:
    badge = selectors.badge_get_for_editing(badge_id=badge_id, user=request.user)
    form = AwardForm(request.POST)
    if form.is_valid():
        done = service_run(
            request,
            partial(
                services.badge_award_by_email,
                user=request.user,
                badge=badge,
                email=form.cleaned_data["email"],
                narrative=form.cleaned_data["narrative"],
            ),
            form=form,
            success=_("Badge awarded. The learner is told."),
        )
        if done.ok:
            return redirect("assessments:teach_badge", badge_id=badge.pk)
    return _badge_page(request, badge, form=BadgeForm(instance=badge), award_form=form)


@login_required
@require_POST
def teach_award_revoke(request: HttpRequest, award_id: int) -> HttpResponse:
    award = selectors.badge_award_get_for_editing(award_id=award_id, user=request.user)
    service_run(
        request,
        partial(
            services.badge_award_revoke,
            user=request.user,
            award=award,
            reason=request.POST.get("reason", "")[:500],
        ),
        success=_("Badge revoked."),
    )
    return redirect(reverse("assessments:teach_badge", args=[award.badge_id]) + "#awards")


def _badge_page(
    request: HttpRequest, badge: Any, *, form: BadgeForm, award_form: AwardForm
) -> HttpResponse:
    page = Paginator(selectors.badge_awards(badge=badge), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/badges/teach_badge.html",
        {
            "badge": badge,
            "course": badge.course,
            "form": form,
            "award_form": award_form,
            "page": page,
            "image_url": ob.badge_image_url(badge),
        },
        status=400 if request.method == "POST" else 200,
    )
