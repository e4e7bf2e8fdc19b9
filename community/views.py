"""Site pages of the community app: the moderation queue at /moderation/ (moderators only)."""

from functools import partial
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
from community.forms import DecisionForm
from community.services.sanctions import moderation_act
from kalpla.errors import service_run
from kalpla.exceptions import PermissionDenied
from moderation.models import ModerationItem

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
    page = Paginator(
        selectors.moderation_queue(status=status, reason=reason), QUEUE_PAGE_SIZE
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
            "querystring": urlencode(
                {k: v for k, v in {"status": status, "reason": reason}.items() if v}
            ),
        },
    )


@login_required
@require_POST
def moderation_decide(request: HttpRequest, item_id: int) -> HttpResponse:
    _require_moderator(request)
    item = selectors.moderation_item_get(item_id=item_id)
    form = DecisionForm(request.POST)
    back = reverse("community:moderation")
    if not form.is_valid():
        messages.error(request, _("Choose to keep or to hide the content."))
        return redirect(back)
    data = form.cleaned_data
    query = {k: data[k] for k in ("status", "reason", "page") if data.get(k)}
    if query:
        back += "?" + urlencode(query)
    decide = partial(moderation_act, item=item, by=signed_in_user(request))
    service_run(
        request,
        partial(decide, action=data["action"], note=data["note"]),
        success=_("Hidden. The decision is recorded.")
        if data["action"] == "hide"
        else _("Kept. The decision is recorded."),
    )
    return redirect(back)
