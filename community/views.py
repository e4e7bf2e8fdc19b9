"""Site pages of moderation: the queue at /moderation/ and the audit log at /moderation/audit/
(moderators only), and the "Report" form any signed-in user reaches from a message."""

from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.policies import user_is_moderator
from accounts.selectors import signed_in_user
from community import selectors
from community.forms import ACTION_CHOICES, DecisionForm, ReportForm
from community.models import ModerationAction
from community.selectors.moderation import CONTENT_KINDS, queue_groups
from community.services.reports import report_create, reportable_get
from community.services.sanctions import moderation_act
from kalpla.errors import service_run
from kalpla.exceptions import PermissionDenied
from moderation.models import ModerationItem
from moderation.services import moderation_target_describe

QUEUE_PAGE_SIZE = 20


def _require_moderator(request: HttpRequest) -> None:
    if not user_is_moderator(request.user):
        raise PermissionDenied(_("Only moderators can open the moderation queue."))


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    _require_moderator(request)
    status = request.GET.get("status", "pending")
    if status not in selectors.QUEUE_STATUSES:
        status = "pending"
    reason = request.GET.get("reason", "")
    if reason not in ModerationItem.Reason.values:
        reason = ""
    filters = _queue_filters(request)
    page = Paginator(
        selectors.moderation_queue(status=status, reason=reason, **filters), QUEUE_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "community/moderation_queue.html",
        {
            "rows": selectors.moderation_queue_rows(list(page.object_list)),
            "page": page,
            "status": status,
            "reason": reason,
            "reasons": ModerationItem.Reason.choices,
            "pending_total": selectors.moderation_pending_total(),
            "groups": queue_groups(),
            "kinds": list(CONTENT_KINDS),
            "filters": filters,
            "actions": ACTION_CHOICES,
            "querystring": urlencode(
                {
                    k: v
                    for k, v in {"status": status, "reason": reason, **filters}.items()
                    if v not in ("", None)
                }
            ),
        },
    )


def _number(value: str, kind: type) -> Any:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def _queue_filters(request: HttpRequest) -> dict[str, Any]:
    """The queue's filters from the query string (unusable values are dropped)."""
    group_id = _number(request.GET.get("group", ""), int)
    kind = request.GET.get("kind", "")
    score_min = _number(request.GET.get("score_min", ""), float)
    score_max = _number(request.GET.get("score_max", ""), float)
    return {
        "group_id": group_id if group_id and 0 < group_id < 2**63 else None,
        "kind": kind if kind in CONTENT_KINDS else "",
        "score_min": score_min if score_min is not None and 0 <= score_min <= 1 else None,
        "score_max": score_max if score_max is not None and 0 <= score_max <= 1 else None,
    }


@login_required
@require_POST
def moderation_decide(request: HttpRequest, item_id: int) -> HttpResponse:
    _require_moderator(request)
    item = selectors.moderation_item_get(item_id=item_id)
    form = DecisionForm(request.POST)
    back = reverse("community:moderation")
    if not form.is_valid():
        messages.error(request, _("Choose an action (and 1 to 365 days for a mute)."))
        return redirect(back)
    data = form.cleaned_data
    query = {k: data[k] for k in ("status", "reason", "page") if data.get(k)}
    if query:
        back += "?" + urlencode(query)
    decide = partial(moderation_act, item=item, by=signed_in_user(request))
    service_run(
        request,
        partial(decide, action=data["action"], note=data["note"], days=data.get("days")),
        success=lambda row: (
            _("%(action)s. The action is recorded in the audit log.")
            % {"action": row.get_action_display()}
        ),
    )
    return redirect(back)


AUDIT_PAGE_SIZE = 50


@login_required
def moderation_message_context(request: HttpRequest, message_id: int) -> HttpResponse:
    """A flagged or reported chat message among the messages around it (the queue links
    here: moderators are not members of the rooms they moderate)."""
    _require_moderator(request)
    message, conversation = selectors.moderation_message_context(message_id=message_id)
    return render(
        request,
        "community/moderation/message_context.html",
        {
            "target": moderation_target_describe(message),
            "flagged": message,
            "conversation": conversation,
        },
    )


@login_required
def moderation_audit(request: HttpRequest) -> HttpResponse:
    _require_moderator(request)
    action = request.GET.get("action", "")
    if action not in ModerationAction.Action.values:
        action = ""
    page = Paginator(selectors.audit_log(action=action), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "community/moderation/audit.html",
        {
            "page": page,
            "action": action,
            "actions": ModerationAction.Action.choices,
            "querystring": urlencode({"action": action} if action else {}),
        },
    )


@login_required
def report_content(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    """The "Report" form for a message (or any reportable content the user can see)."""
    user = signed_in_user(request)
    target = reportable_get(kind=kind, object_id=object_id, user=user)
    described = moderation_target_describe(target)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            report = partial(
                report_create,
                reporter=user,
                kind=kind,
                object_id=object_id,
                reason=data["reason"],
                text=data["text"],
            )
            done = service_run(
                request,
                report,
                form=form,
                success=_("Thank you. The moderators will look at it."),
            )
            if done.ok:
                return redirect(described.url or reverse("home"))
        status = 400
    return render(
        request,
        "community/moderation/report.html",
        {"form": form, "target": described, "kind": kind},
        status=status,
    )
