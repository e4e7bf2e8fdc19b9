"""Site pages of at-risk learners (staff and the course's mentors) and campaigns (staff), and
the tracking endpoints of campaign messages (open pixel, tracked links)."""

import base64
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import ALL_ROLES
from accounts.selectors import signed_in_user
from analytics.forms_campaigns import CampaignForm, ScheduleForm, SegmentForm, segment_initial
from analytics.policies import analytics_can_view_platform
from analytics.segments import RULE_TYPES, rule_labels
from analytics.selectors import campaigns as selectors
from analytics.selectors.at_risk import at_risk_learners, course_for_analytics
from analytics.services import at_risk as nudges
from analytics.services import campaigns as services
from analytics.tracking import click_read, open_read
from courses.selectors.lessons import course_list
from kalpla.errors import service_run
from kalpla.exceptions import NotFound, PermissionDenied, ValidationError

PAGE_SIZE = 25
# A transparent 1x1 GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _staff(request: HttpRequest) -> Any:
    user = signed_in_user(request)
    if not analytics_can_view_platform(user=user):
        raise PermissionDenied(_("Only staff manage segments and campaigns."))
    return user


# --- at-risk learners --------------------------------------------------------------------


@login_required
def at_risk(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_for_analytics(course_id=course_id, user=signed_in_user(request))
    learners = at_risk_learners(course_id=course.pk)
    page = Paginator(learners, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "analytics/at_risk.html",
        {"course": course, "page": page, "total": len(learners)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def at_risk_nudge(request: HttpRequest, course_id: int) -> HttpResponse:
    """GET: confirm; POST: nudge one learner (``learner``) or the whole list."""
    user = signed_in_user(request)
    course = course_for_analytics(course_id=course_id, user=user)
    raw = request.POST.get("learner") or request.GET.get("learner") or ""
    learner_ids = [int(raw)] if raw.isdigit() else None
    back = reverse("analytics:at_risk", args=[course.pk])
    if request.method == "GET":
        learners = at_risk_learners(course_id=course.pk)
        chosen = [x for x in learners if learner_ids is None or x.user_id in learner_ids]
        if not chosen:
            raise NotFound(_("This learner is not on the course's at-risk list."))
        return render(
            request,
            "analytics/at_risk_nudge.html",
            {"course": course, "chosen": chosen, "learner": raw if learner_ids else ""},
        )
    service_run(
        request,
        lambda: nudges.nudge_send(actor=user, course=course, learner_ids=learner_ids),
        success=lambda o: (
            ngettext("%(n)s learner nudged.", "%(n)s learners nudged.", len(o.nudged))
            % {"n": len(o.nudged)}
            + (
                " " + _("%(n)s nudged in the last day were skipped.") % {"n": len(o.skipped)}
                if o.skipped
                else ""
            )
        ),
    )
    return redirect(back)


# --- segments ----------------------------------------------------------------------------


@login_required
def campaigns_home(request: HttpRequest) -> HttpResponse:
    _staff(request)
    campaigns = Paginator(selectors.campaign_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "analytics/campaigns.html",
        {"segments": selectors.segment_list().order_by("name", "id")[:100], "page": campaigns},
    )


def _rule_help() -> list[tuple[str, str, str]]:
    labels = rule_labels()
    return [(name, labels[name], ", ".join(params)) for name, params in RULE_TYPES.items()]


def _rule_editor() -> dict[str, Any]:
    """What the visual rule editor (static/js/segment_rules.js) offers: each rule type with
    its label and parameters, and the choices of the course, role and language parameters."""
    labels = rule_labels()
    return {
        "types": [
            {
                "name": name,
                "label": labels[name],
                "params": [{"key": key, "kind": p.kind} for key, p in params.items()],
            }
            for name, params in RULE_TYPES.items()
        ],
        "courses": list(course_list().order_by("title").values_list("pk", "title")[:2000]),
        # the role names are msgids of the account pages' role labels
        "roles": [[str(role), _(str(role))] for role in ALL_ROLES],
        "languages": [[code, str(name)] for code, name in settings.LANGUAGES],
        "text": {
            "all": _("all of these"),
            "any": _("any of these"),
            "match": _("People who match"),
            "group": _("A group of rules matching"),
            "add_rule": _("Add a rule"),
            "add_group": _("Add a group"),
            "remove": _("Remove"),
            "rule": _("Rule"),
            "choose": _("Choose…"),
            "json": _("Edit the rules as JSON"),
            "empty": _("No rules yet: add one."),
            "params": {
                "course": _("Course"),
                "days": _("Days"),
                "percent": _("Percent"),
                "role": _("Role"),
                "language": _("Language"),
            },
        },
    }


@login_required
@require_http_methods(["GET", "POST"])
def segment_edit(request: HttpRequest, segment_id: int | None = None) -> HttpResponse:
    user = _staff(request)
    segment = selectors.segment_get(segment_id=segment_id) if segment_id else None
    initial = segment_initial(segment) if segment else {"rules": '{"match": "all", "rules": []}'}
    form = SegmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if segment is None:
            call: Any = lambda: services.segment_create(actor=user, **data)  # noqa: E731
        else:
            call = lambda: services.segment_update(actor=user, segment=segment, **data)  # noqa: E731
        outcome = service_run(request, call, form=form, success=_("Segment saved."))
        if outcome.ok:
            return redirect("analytics:campaigns")
    return render(
        request,
        "analytics/segment_form.html",
        {
            "form": form,
            "segment": segment,
            "rule_help": _rule_help(),
            "rule_editor": _rule_editor(),
        },
    )


@login_required
@require_POST
def segment_count(request: HttpRequest) -> HttpResponse:
    """The editor's live preview (htmx): the count and a sample, or what is wrong."""
    _staff(request)
    form = SegmentForm({"name": "-", "rules": request.POST.get("rules", "")})
    context: dict[str, Any] = {}
    if form.is_valid():
        outcome = service_run(
            request,
            lambda: selectors.segment_preview(
                rules=services.segment_rules_clean(form.cleaned_data["rules"])
            ),
            as_json=True,
        )
        if outcome.ok:
            context["preview"] = outcome.value
        else:
            errors = getattr(outcome.error, "errors", {}) or {}
            context["errors"] = errors.get("rules") or [str(outcome.error)]
    else:
        context["errors"] = form.errors.get("rules", [])
    return render(request, "analytics/_segment_count.html", context)


# --- campaigns ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, campaign_id: int | None = None) -> HttpResponse:
    user = _staff(request)
    campaign = selectors.campaign_get(campaign_id=campaign_id) if campaign_id else None
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if campaign is None:
            call: Any = lambda: services.campaign_create(actor=user, data=data)  # noqa: E731
        else:
            call = lambda: services.campaign_update(  # noqa: E731
                actor=user, campaign=campaign, data=data
            )
        outcome = service_run(request, call, form=form, success=_("Campaign saved."))
        if outcome.ok:
            return redirect("analytics:campaign", outcome.result.pk)
    return render(request, "analytics/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    _staff(request)
    campaign = selectors.campaign_get(campaign_id=campaign_id)
    report = selectors.campaign_report(campaign=campaign) if campaign.status == "sent" else None
    return render(
        request,
        "analytics/campaign_detail.html",
        {"campaign": campaign, "report": report, "schedule_form": ScheduleForm()},
    )


@login_required
@require_POST
def campaign_action(request: HttpRequest, campaign_id: int, action: str) -> HttpResponse:
    """send (now), schedule (``send_at``) or cancel (back to a draft)."""
    user = _staff(request)
    campaign = selectors.campaign_get(campaign_id=campaign_id)
    back = redirect("analytics:campaign", campaign.pk)
    if action == "send":
        service_run(
            request,
            lambda: services.campaign_schedule(actor=user, campaign=campaign, at=None),
            success=_("The campaign is on its way."),
        )
    elif action == "schedule":
        form = ScheduleForm(request.POST)
        if not form.is_valid():
            service_run(request, lambda: _invalid_time(form))
            return back
        service_run(
            request,
            lambda: services.campaign_schedule(
                actor=user, campaign=campaign, at=form.cleaned_data["send_at"]
            ),
            success=_("The campaign is scheduled."),
        )
    elif action == "cancel":
        service_run(
            request,
            lambda: services.campaign_cancel(actor=user, campaign=campaign),
            success=_("The campaign is a draft again."),
        )
    else:
        raise NotFound(_("No such action."))
    return back


def _invalid_time(form: ScheduleForm) -> None:
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    raise ValidationError(_("Choose when to send it."), errors=errors)


# --- tracking ----------------------------------------------------------------------------


@never_cache
def campaign_open(request: HttpRequest, token: str) -> HttpResponse:
    """The email's 1x1 pixel: records an open (a bad token still gets the image)."""
    tracked = open_read(token)
    if tracked is not None:
        services.campaign_open_record(tracked=tracked)
    return HttpResponse(PIXEL, content_type="image/gif")


@never_cache
def campaign_click(request: HttpRequest, token: str) -> HttpResponse:
    """A tracked link: records the click, then goes where it led (this site or an allowed
    host only; never elsewhere, whatever the token says)."""
    tracked = click_read(token)
    if tracked is None:
        raise NotFound(_("This link is not valid."))
    target = services.campaign_click_record(tracked=tracked, viewer=request.user)
    return HttpResponseRedirect(target)
