"""Site pages of topic groups: the directory /groups/, creating one, its members, settings,
join requests and invitations; my invitations; community search.

The group home /groups/<id>/ (its feed) is the posts' page; it includes
templates/community/groups/_actions.html from here.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import signed_in_user
from community.forms_groups import (
    ChannelEditForm,
    ChannelForm,
    GroupForm,
    InviteForm,
    JoinRequestForm,
    RoleForm,
)
from community.models import Group
from community.selectors import groups as selectors
from community.selectors.search import search_all, search_hits, search_query_clean
from community.services import membership
from kalpla.errors import service_run
from kalpla.exceptions import PermissionDenied

DIRECTORY_PAGE = 20
MEMBERS_PAGE = 50
SEARCH_PAGE = 20


def _group(request: HttpRequest, group_id: int) -> Any:
    return selectors.group_get(group_id=group_id, user=signed_in_user(request))


def _members_url(group_id: int) -> str:
    return reverse("groups:members", args=[group_id])


def _require_manager(group: Any) -> None:
    if not selectors.group_is_manager(group=group):
        raise PermissionDenied(_("Only the group's owners and moderators can do this."))


def _require_owner(group: Any) -> None:
    if group.viewer_role != "owner":
        raise PermissionDenied(_("Only the group's owners can do this."))


def _querystring(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def group_directory(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    query = request.GET.get("q", "")
    mine = request.GET.get("mine") == "1"
    page = Paginator(
        selectors.group_directory(user=user, query=query, mine=mine), DIRECTORY_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "community/groups/directory.html",
        {
            "page": page,
            "q": query,
            "mine": mine,
            "querystring": _querystring(request),
            "invitation_count": selectors.my_invitations(user=user).count(),
        },
    )


@login_required
def group_new(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = service_run(
            request,
            lambda: membership.topic_group_create(
                user=signed_in_user(request), **form.cleaned_data
            ),
            form=form,
            success=_("Your group is ready. Invite people or share its link."),
        )
        if outcome.ok:
            return redirect(_members_url(outcome.result.pk))
    status = 400 if request.method == "POST" else 200
    return render(request, "community/groups/new.html", {"form": form}, status=status)


@login_required
def group_members(request: HttpRequest, group_id: int) -> HttpResponse:
    user = signed_in_user(request)
    group = _group(request, group_id)
    visible = selectors.group_members_visible(group=group, user=user)
    query = request.GET.get("q", "")
    page = (
        Paginator(selectors.group_members(group_id=group.pk, query=query), MEMBERS_PAGE).get_page(
            request.GET.get("page")
        )
        if visible
        else None
    )
    return render(
        request,
        "community/groups/members.html",
        {
            "group": group,
            "page": page,
            "q": query,
            "querystring": _querystring(request),
            "roles": RoleForm.base_fields["role"].choices,  # type: ignore[attr-defined]
            "request_form": JoinRequestForm(),
        },
    )


@login_required
@require_POST
def group_join(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    service_run(
        request,
        lambda: membership.group_join(group=group, user=signed_in_user(request)),
        success=_("Welcome to %(name)s.") % {"name": group.name},
    )
    return redirect(_members_url(group.pk))


@login_required
@require_POST
def group_leave(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    outcome = service_run(
        request,
        lambda: membership.group_leave(group=group, user=signed_in_user(request)),
        success=_("You left %(name)s.") % {"name": group.name},
    )
    if outcome.ok:
        return redirect("groups:directory")
    return redirect(_members_url(group.pk))


@login_required
@require_POST
def group_request(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    form = JoinRequestForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    service_run(
        request,
        lambda: membership.join_request_create(
            group=group, user=signed_in_user(request), message=message
        ),
        success=_("Your request was sent. You will be notified of the answer."),
    )
    return redirect(_members_url(group.pk))


@login_required
def group_settings(request: HttpRequest, group_id: int) -> HttpResponse:
    user = signed_in_user(request)
    group = _group(request, group_id)
    _require_manager(group)
    is_owner = group.viewer_role == "owner"
    form = GroupForm(
        request.POST or None,
        initial={
            "name": group.name,
            "description": group.description,
            "visibility": group.visibility,
        },
    )
    if request.method == "POST":
        _require_owner(group)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if group.kind != Group.Kind.TOPIC:
                data.pop("visibility")
            outcome = service_run(
                request,
                lambda: membership.group_update(group=group, user=user, **data),
                form=form,
                success=_("Settings saved."),
            )
            if outcome.ok:
                return redirect("groups:settings", group_id=group.pk)
    channels = [
        (
            channel,
            ChannelEditForm(
                initial={
                    "name": channel.name,
                    "topic": channel.topic,
                    "archived": channel.archived_at is not None,
                },
                prefix=f"c{channel.pk}",
            ),
        )
        for channel in selectors.group_channels(group_id=group.pk)
    ]
    return render(
        request,
        "community/groups/settings.html",
        {
            "group": group,
            "form": form,
            "is_owner": is_owner,
            "channels": channels,
            "channel_form": ChannelForm(prefix="new"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def channel_new(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    _require_manager(group)  # before the form says what is wrong with it
    form = ChannelForm(request.POST, prefix="new")
    if form.is_valid():
        service_run(
            request,
            lambda: membership.channel_add(
                group=group, user=signed_in_user(request), **form.cleaned_data
            ),
            success=_("Channel added."),
        )
    else:
        messages.error(request, _("Give the channel a name (up to 80 characters)."))
    return redirect(reverse("groups:settings", args=[group.pk]) + "#channels")


@login_required
@require_POST
def channel_edit(request: HttpRequest, group_id: int, channel_id: int) -> HttpResponse:
    group = _group(request, group_id)
    _require_manager(group)
    channel = selectors.channel_get(group_id=group.pk, channel_id=channel_id)
    form = ChannelEditForm(request.POST, prefix=f"c{channel.pk}")
    if form.is_valid():
        service_run(
            request,
            lambda: membership.channel_update(
                channel=channel, user=signed_in_user(request), **form.cleaned_data
            ),
            success=_("Channel saved."),
        )
    else:
        messages.error(request, _("Give the channel a name (up to 80 characters)."))
    return redirect(reverse("groups:settings", args=[group.pk]) + "#channels")


@login_required
@require_POST
def member_role(request: HttpRequest, group_id: int, user_id: int) -> HttpResponse:
    group = _group(request, group_id)
    _require_owner(group)
    form = RoleForm(request.POST)
    if form.is_valid():
        service_run(
            request,
            lambda: membership.member_role_set(
                group=group,
                user=signed_in_user(request),
                member_id=user_id,
                role=form.cleaned_data["role"],
            ),
            success=_("Role changed."),
        )
    else:
        messages.error(request, _("Choose owner, moderator or member."))
    return redirect(_members_url(group.pk))


@login_required
@require_POST
def member_remove(request: HttpRequest, group_id: int, user_id: int) -> HttpResponse:
    group = _group(request, group_id)
    service_run(
        request,
        lambda: membership.member_remove(
            group=group, user=signed_in_user(request), member_id=user_id
        ),
        success=_("Member removed."),
    )
    return redirect(_members_url(group.pk))


@login_required
@require_POST
def group_transfer(request: HttpRequest, group_id: int, user_id: int) -> HttpResponse:
    group = _group(request, group_id)
    service_run(
        request,
        lambda: membership.ownership_transfer(
            group=group, user=signed_in_user(request), member_id=user_id
        ),
        success=_("Ownership handed over; you are a moderator now."),
    )
    return redirect(_members_url(group.pk))


@login_required
def group_requests(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    _require_manager(group)
    return render(
        request,
        "community/groups/requests.html",
        {"group": group, "requests": selectors.join_requests_pending(group_id=group.pk)[:200]},
    )


@login_required
@require_POST
def request_decide(request: HttpRequest, group_id: int, request_id: int) -> HttpResponse:
    group = _group(request, group_id)
    join_request = selectors.join_request_get(group_id=group.pk, request_id=request_id)
    approve = request.POST.get("decision") == "approve"
    service_run(
        request,
        lambda: membership.join_request_decide(
            request=join_request, user=signed_in_user(request), approve=approve
        ),
        success=_("Request approved.") if approve else _("Request declined."),
    )
    return redirect("groups:requests", group_id=group.pk)


@login_required
def group_invitations(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    _require_manager(group)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitee = selectors.user_by_email(email=form.cleaned_data["email"])
        if invitee is None:
            form.add_error("email", _("Nobody with this email address has an account."))
        else:
            outcome = service_run(
                request,
                lambda: membership.invitation_create(
                    group=group, user=signed_in_user(request), invitee_id=invitee.pk
                ),
                form=form,
                success=_("Invitation sent."),
            )
            if outcome.ok:
                return redirect("groups:invitations", group_id=group.pk)
    return render(
        request,
        "community/groups/invitations.html",
        {
            "group": group,
            "form": form,
            "invitations": selectors.group_invitations(group_id=group.pk)[:200],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, group_id: int, invitation_id: int) -> HttpResponse:
    group = _group(request, group_id)
    service_run(
        request,
        lambda: membership.invitation_revoke(
            group=group, user=signed_in_user(request), invitation_id=invitation_id
        ),
        success=_("Invitation withdrawn."),
    )
    return redirect("groups:invitations", group_id=group.pk)


@login_required
def my_invitations(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "community/groups/my_invitations.html",
        {"invitations": selectors.my_invitations(user=user)[:200]},
    )


@login_required
@require_POST
def invitation_respond(request: HttpRequest, invitation_id: int) -> HttpResponse:
    user = signed_in_user(request)
    invitation = selectors.invitation_get(invitation_id=invitation_id, user=user)
    accept = request.POST.get("decision") == "accept"
    outcome = service_run(
        request,
        lambda: membership.invitation_respond(invitation=invitation, user=user, accept=accept),
        success=(
            _("Welcome to %(name)s.") % {"name": invitation.group.name}
            if accept
            else _("Invitation declined.")
        ),
    )
    if outcome.ok and accept:
        return redirect(_members_url(invitation.group_id))
    return redirect("groups:my_invitations")


@login_required
def community_search(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    query = search_query_clean(request.GET.get("q", ""))
    page = Paginator(search_all(user=user, query=query), SEARCH_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "community/groups/search.html",
        {
            "q": query,
            "page": page,
            "hits": search_hits(page.object_list, user=user),
            "querystring": _querystring(request),
        },
    )
