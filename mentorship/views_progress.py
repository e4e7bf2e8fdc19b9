"""Site actions of mentoring progress. The forms live on the session page and the mentorship
page (mentorship/parts_progress.py); every action here is a POST that goes back to the page it
came from (``next``) with a message, the form's errors included. Notes are edited on their own
page, and the mentorship's whole timeline has one (with "load more")."""

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kalpla.errors import service_run
from kalpla.exceptions import NotFound
from mentorship.forms_progress import (
    ActionItemForm,
    ActionItemToggleForm,
    GoalForm,
    GoalStatusForm,
    MilestoneForm,
    MilestoneMoveForm,
    NoShowForm,
    NoteForm,
    ProgressUpdateForm,
    RatingForm,
)
from mentorship.selectors import progress as selectors
from mentorship.selectors.timeline import mentorship_timeline
from mentorship.services import goals as goal_services
from mentorship.services import outcomes

# --- helpers -------------------------------------------------------------------------------


def timeline_url(mentorship_id: int) -> str:
    return reverse("mentorship:progress_timeline", args=[mentorship_id])


def _safe_next(request: HttpRequest, target: str) -> str:
    """``target`` when it is a page of this site, else an empty string."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """To the page the form was on (its ``next``), else ``fallback``."""
    return redirect(_safe_next(request, request.POST.get("next", "")) or fallback)


def _form_errors(request: HttpRequest, form: forms.BaseForm) -> None:
    """An invalid form, said as one error message naming the fields."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    messages.error(request, " ".join(parts))


def _run(
    request: HttpRequest,
    form: forms.BaseForm,
    call: Callable[[dict[str, Any]], Any],
    *,
    success: str,
    fallback: str,
) -> HttpResponse:
    """Validate ``form``; call the service with its cleaned data; go back with a message."""
    if form.is_valid():
        service_run(request, partial(call, form.cleaned_data), success=success)
    else:
        _form_errors(request, form)
    return _back(request, fallback)


def _party_user(mentorship: Any, party: str) -> Any:
    return mentorship.mentor if party == "mentor" else mentorship.mentee


# --- notes, action items, rating, no-show (the session page) --------------------------------


@login_required
@require_POST
def note_add(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_user(session_id=session_id, user=request.user)
    form = NoteForm(request.POST, mentee=request.user.pk == session.mentee_id)
    return _run(
        request,
        form,
        lambda data: outcomes.session_note_create(
            session=session, author=request.user, body=data["body"], visibility=data["visibility"]
        ),
        success=_("Note saved."),
        fallback=reverse("mentorship:session", args=[session.pk]),
    )


@login_required
def note_edit(request: HttpRequest, session_id: int, note_id: int) -> HttpResponse:
    """Its own page: the form keeps what was typed and shows errors next to the fields."""
    note = selectors.note_get_for_user(note_id=note_id, user=request.user)
    if note.session_id != session_id or note.author_id != request.user.pk:
        raise NotFound(_("No such note."))
    mentee = request.user.pk == note.session.mentee_id
    initial = {"body": note.body, "visibility": note.visibility}
    form = NoteForm(request.POST or None, initial=initial, mentee=mentee)
    if request.method == "POST" and form.is_valid():
        done = service_run(
            request,
            partial(
                outcomes.session_note_update,
                note=note,
                by=request.user,
                body=form.cleaned_data["body"],
                visibility=form.cleaned_data["visibility"],
            ),
            form=form,
            success=_("Note saved."),
        )
        if done.ok:
            return _back(request, timeline_url(note.session.mentorship_id))
    return render(
        request,
        "mentorship/progress/note_edit.html",
        {"note": note, "form": form, "next": _safe_next(request, request.GET.get("next", ""))},
    )


@login_required
@require_POST
def note_delete(request: HttpRequest, session_id: int, note_id: int) -> HttpResponse:
    note = selectors.note_get_for_user(note_id=note_id, user=request.user)
    if note.session_id != session_id:
        raise NotFound(_("No such note."))
    service_run(
        request,
        partial(outcomes.session_note_delete, note=note, by=request.user),
        success=_("Note deleted."),
    )
    return _back(request, timeline_url(note.session.mentorship_id))


@login_required
@require_POST
def session_rate(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_user(session_id=session_id, user=request.user)
    return _run(
        request,
        RatingForm(request.POST),
        lambda data: outcomes.session_rate(
            session=session, by=request.user, rating=data["rating"], feedback=data["feedback"]
        ),
        success=_("Thank you for rating the session."),
        fallback=reverse("mentorship:session", args=[session.pk]),
    )


@login_required
@require_POST
def session_no_show(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_user(session_id=session_id, user=request.user)
    return _run(
        request,
        NoShowForm(request.POST),
        lambda data: outcomes.session_mark_no_show(
            session=session, by=request.user, party=data["party"]
        ),
        success=_("The session is marked as a no-show."),
        fallback=reverse("mentorship:session", args=[session.pk]),
    )


@login_required
@require_POST
def action_item_add(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    mentorship = selectors.mentorship_get_for_user(mentorship_id=mentorship_id, user=request.user)

    def create(data: dict[str, Any]) -> Any:
        session = None
        if data["session"]:
            session = selectors.session_get_for_user(session_id=data["session"], user=request.user)
        return outcomes.action_item_create(
            mentorship=mentorship,
            by=request.user,
            title=data["title"],
            owner=_party_user(mentorship, data["owner"]),
            due_on=data["due_on"],
            session=session,
        )

    return _run(
        request,
        ActionItemForm(request.POST),
        create,
        success=_("Action item added."),
        fallback=reverse("mentorship:mentorship", args=[mentorship.pk]),
    )


@login_required
@require_POST
def action_item_toggle(
    request: HttpRequest, mentorship_id: int, action_item_id: int
) -> HttpResponse:
    item = selectors.action_item_get_for_user(action_item_id=action_item_id, user=request.user)
    if item.mentorship_id != mentorship_id:
        raise NotFound(_("No such action item."))

    def toggle(data: dict[str, Any]) -> Any:
        change = outcomes.action_item_complete if data["done"] else outcomes.action_item_reopen
        return change(item=item, by=request.user)

    return _run(
        request,
        ActionItemToggleForm(request.POST),
        toggle,
        success=_("Action item updated."),
        fallback=reverse("mentorship:mentorship", args=[mentorship_id]),
    )


@login_required
@require_POST
def action_item_delete(
    request: HttpRequest, mentorship_id: int, action_item_id: int
) -> HttpResponse:
    item = selectors.action_item_get_for_user(action_item_id=action_item_id, user=request.user)
    if item.mentorship_id != mentorship_id:
        raise NotFound(_("No such action item."))
    service_run(
        request,
        partial(outcomes.action_item_delete, item=item, by=request.user),
        success=_("Action item deleted."),
    )
    return _back(request, timeline_url(mentorship_id))


# --- goals, milestones, updates (the mentorship page) ---------------------------------------


@login_required
@require_POST
def goal_add(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    mentorship = selectors.mentorship_get_for_user(mentorship_id=mentorship_id, user=request.user)
    return _run(
        request,
        GoalForm(request.POST),
        lambda data: goal_services.goal_create(mentorship=mentorship, by=request.user, **data),
        success=_("Goal added."),
        fallback=reverse("mentorship:mentorship", args=[mentorship.pk]),
    )


def _goal(request: HttpRequest, mentorship_id: int, goal_id: int) -> Any:
    goal = selectors.goal_get_for_user(goal_id=goal_id, user=request.user)
    if goal.mentorship_id != mentorship_id:
        raise NotFound(_("No such goal."))
    return goal


@login_required
@require_POST
def goal_edit(request: HttpRequest, mentorship_id: int, goal_id: int) -> HttpResponse:
    goal = _goal(request, mentorship_id, goal_id)
    return _run(
        request,
        GoalForm(request.POST),
        lambda data: goal_services.goal_update(goal=goal, by=request.user, **data),
        success=_("Goal saved."),
        fallback=reverse("mentorship:mentorship", args=[mentorship_id]),
    )


@login_required
@require_POST
def goal_status(request: HttpRequest, mentorship_id: int, goal_id: int) -> HttpResponse:
    goal = _goal(request, mentorship_id, goal_id)
    return _run(
        request,
        GoalStatusForm(request.POST),
        lambda data: goal_services.goal_set_status(goal=goal, by=request.user, **data),
        success=_("Goal status changed."),
        fallback=reverse("mentorship:mentorship", args=[mentorship_id]),
    )


@login_required
@require_POST
def goal_delete(request: HttpRequest, mentorship_id: int, goal_id: int) -> HttpResponse:
    goal = _goal(request, mentorship_id, goal_id)
    service_run(
        request,
        partial(goal_services.goal_delete, goal=goal, by=request.user),
        success=_("Goal deleted."),
    )
    return _back(request, timeline_url(mentorship_id))


@login_required
@require_POST
def milestone_add(request: HttpRequest, mentorship_id: int, goal_id: int) -> HttpResponse:
    goal = _goal(request, mentorship_id, goal_id)
    return _run(
        request,
        MilestoneForm(request.POST),
        lambda data: goal_services.milestone_add(goal=goal, by=request.user, **data),
        success=_("Milestone added."),
        fallback=reverse("mentorship:mentorship", args=[mentorship_id]),
    )


def _milestone(request: HttpRequest, mentorship_id: int, milestone_id: int) -> Any:
    milestone = selectors.milestone_get_for_user(milestone_id=milestone_id, user=request.user)
    if milestone.goal.mentorship_id != mentorship_id:
        raise NotFound(_("No such milestone."))
    return milestone


@login_required
@require_POST
def milestone_toggle(request: HttpRequest, mentorship_id: int, milestone_id: int) -> HttpResponse:
    milestone = _milestone(request, mentorship_id, milestone_id)

    def toggle(data: dict[str, Any]) -> Any:
        change = (
            goal_services.milestone_complete if data["done"] else goal_services.milestone_reopen
        )
        return change(milestone=milestone, by=request.user)

    return _run(
        request,
        ActionItemToggleForm(request.POST),
        toggle,
        success=_("Milestone updated."),
        fallback=reverse("mentorship:mentorship", args=[mentorship_id]),
    )


@login_required
@require_POST
def milestone_move(request: HttpRequest, mentorship_id: int, milestone_id: int) -> HttpResponse:
    milestone = _milestone(request, mentorship_id, milestone_id)
    return _run(
        request,
        MilestoneMoveForm(request.POST),
        lambda data: goal_services.milestone_move(
            milestone=milestone, by=request.user, offset=-1 if data["direction"] == "up" else 1
        ),
        success=_("Milestone moved."),
        fallback=reverse("mentorship:mentorship", args=[mentorship_id]),
    )


@login_required
@require_POST
def milestone_delete(request: HttpRequest, mentorship_id: int, milestone_id: int) -> HttpResponse:
    milestone = _milestone(request, mentorship_id, milestone_id)
    service_run(
        request,
        partial(goal_services.milestone_delete, milestone=milestone, by=request.user),
        success=_("Milestone deleted."),
    )
    return _back(request, timeline_url(mentorship_id))


@login_required
@require_POST
def update_add(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    mentorship = selectors.mentorship_get_for_user(mentorship_id=mentorship_id, user=request.user)
    goals = list(selectors.goal_list(mentorship=mentorship))
    by_id = {g.pk: g for g in goals}
    return _run(
        request,
        ProgressUpdateForm(request.POST, goals=goals),
        lambda data: goal_services.progress_update_create(
            mentorship=mentorship,
            by=request.user,
            body=data["body"],
            goal=by_id.get(data["goal"]) if data["goal"] else None,
            percent=data["percent"],
        ),
        success=_("Update posted."),
        fallback=reverse("mentorship:mentorship", args=[mentorship.pk]),
    )


# --- the timeline --------------------------------------------------------------------------


@login_required
def timeline(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    """The whole timeline, newest first; "load more" asks for the next page (with htmx only
    the items, without it the page from that point)."""
    mentorship = selectors.mentorship_get_for_user(mentorship_id=mentorship_id, user=request.user)
    cursor = request.GET.get("cursor") or None
    done = service_run(
        request,
        partial(mentorship_timeline, mentorship=mentorship, viewer=request.user, cursor=cursor),
    )
    if not done.ok:
        return redirect(timeline_url(mentorship.pk))
    context = {
        "mentorship": mentorship,
        "timeline": done.result,
        "timeline_url": timeline_url(mentorship.pk),
    }
    if getattr(request, "htmx", False):
        return render(request, "mentorship/progress/_timeline_items.html", context)
    return render(request, "mentorship/progress/timeline.html", context)
