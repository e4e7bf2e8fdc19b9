"""Plan and subscription pages: the plans (public), subscribing, the subscriber's own
subscriptions (cancel, resume, manage at the gateway) and the staff list where manual
subscriptions are activated and renewed."""

from datetime import timedelta
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from commerce.models import Subscription
from commerce.services.subscription_state import LIVE, subscription_has_access
from kalpla.errors import service_run

from . import selectors_subscriptions as selectors
from .services import subscriptions as services

CHECKOUT_PATIENCE = timedelta(minutes=30)


class MarkPaidForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("Payment reference"),
        required=False,
        max_length=80,
        help_text=gettext_lazy("The bank transfer or receipt id, if any."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SubscribeForm(forms.Form):
    coupon = forms.CharField(label=gettext_lazy("Coupon code"), required=False, max_length=40)


class StaffFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any")), *Subscription.Status.choices],
    )
    search = forms.CharField(label=gettext_lazy("Email or plan"), required=False, max_length=100)


@require_GET
def plans(request: HttpRequest) -> HttpResponse:
    subscribed = selectors.plans_subscribed(user=request.user)
    rows = [(p, subscribed.get(p.pk)) for p in selectors.plan_list()]
    return render(request, "commerce/plans.html", {"rows": rows})


@require_GET
def plan(request: HttpRequest, slug: str) -> HttpResponse:
    return _plan_page(request, selectors.plan_get(slug=slug), SubscribeForm())


def _plan_page(request: HttpRequest, found: Any, form: SubscribeForm) -> HttpResponse:
    subscribed = selectors.plans_subscribed(user=request.user).get(found.pk)
    return render(
        request,
        "commerce/plan.html",
        {"plan": found, "subscription": subscribed, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def plan_subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.plan_get(slug=slug)
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, found, form)
    detail = request.build_absolute_uri(reverse("subscriptions:detail", args=[0]))
    done = service_run(
        request,
        partial(
            services.subscription_start,
            user=request.user,
            plan=found,
            success_url=detail.replace("/0/", "/{subscription}/"),
            cancel_url=request.build_absolute_uri(reverse("subscriptions:plan", args=[slug])),
            coupon_code=form.cleaned_data["coupon"],
        ),
        form=form if form.cleaned_data["coupon"] else None,
    )
    if not done.ok:
        if form.errors:
            return _plan_page(request, found, form)
        return redirect("subscriptions:plan", slug=slug)
    started = done.result
    session = started.checkout
    if session is not None and session.url:
        return redirect(session.url)  # Stripe Checkout, Razorpay's subscription page
    return redirect("subscriptions:detail", subscription_id=started.subscription.pk)


@login_required
@require_GET
def my_subscriptions(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.subscription_list(user=request.user)[:100])
    now = timezone.now()
    return render(
        request,
        "commerce/my_subscriptions.html",
        {"rows": [(sub, subscription_has_access(subscription=sub, now=now)) for sub in rows]},
    )


@login_required
@require_GET
def subscription_detail(request: HttpRequest, subscription_id: int) -> HttpResponse:
    sub = selectors.subscription_get(user=request.user, subscription_id=subscription_id)
    checkout_open = sub.status == Subscription.Status.INCOMPLETE and sub.gateway != "manual"
    # a checkout left half an hour ago without word from the gateway: stop asking
    started = sub.order.updated_at if sub.order else sub.created_at
    waiting = checkout_open and timezone.now() - started < CHECKOUT_PATIENCE
    return render(
        request,
        "commerce/subscription.html",
        {
            "subscription": sub,
            "plan": sub.plan,
            "has_access": subscription_has_access(subscription=sub),
            "live": sub.status in LIVE,
            # a gateway's checkout not yet confirmed by its webhook: the page asks again
            "waiting": waiting,
            "checkout_open": checkout_open,
        },
    )


def _subscription_action(
    request: HttpRequest, subscription_id: int, service: Any, success: str
) -> HttpResponse:
    sub = selectors.subscription_get(user=request.user, subscription_id=subscription_id)
    service_run(request, partial(service, subscription=sub, user=request.user), success=success)
    return redirect("subscriptions:detail", subscription_id=sub.pk)


@login_required
@require_POST
def subscription_cancel(request: HttpRequest, subscription_id: int) -> HttpResponse:
    return _subscription_action(
        request,
        subscription_id,
        services.subscription_cancel,
        _("Cancelled. The plan will not renew; its courses stay open until the period ends."),
    )


@login_required
@require_POST
def subscription_resume(request: HttpRequest, subscription_id: int) -> HttpResponse:
    return _subscription_action(
        request,
        subscription_id,
        services.subscription_resume,
        _("Resumed: the plan renews as before."),
    )


@login_required
@require_POST
def subscription_manage(request: HttpRequest, subscription_id: int) -> HttpResponse:
    sub = selectors.subscription_get(user=request.user, subscription_id=subscription_id)
    back = request.build_absolute_uri(reverse("subscriptions:detail", args=[sub.pk]))
    done = service_run(
        request,
        partial(
            services.subscription_portal_url, subscription=sub, user=request.user, return_url=back
        ),
    )
    if done.ok:
        return redirect(done.result)
    return redirect("subscriptions:detail", subscription_id=sub.pk)


# --- staff -----------------------------------------------------------------------------------


@login_required
@require_GET
def staff_subscriptions(request: HttpRequest) -> HttpResponse:
    form = StaffFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.subscription_staff_list_for(
        user=request.user, status=filters.get("status", ""), search=filters.get("search", "")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    counts = selectors.subscription_status_counts()
    return render(
        request,
        "commerce/staff_subscriptions.html",
        {
            "form": form,
            "page": page,
            "counts": [
                (label, counts.get(value, 0)) for value, label in Subscription.Status.choices
            ],
            "mark_paid_form": MarkPaidForm(),
        },
    )


@login_required
@require_POST
def staff_subscription_mark_paid(request: HttpRequest, subscription_id: int) -> HttpResponse:
    sub = selectors.subscription_staff_get_for(user=request.user, subscription_id=subscription_id)
    form = MarkPaidForm(request.POST)
    if form.is_valid():
        service_run(
            request,
            partial(
                services.subscription_mark_paid,
                subscription=sub,
                by=request.user,
                **form.cleaned_data,
            ),
            success=_("Payment recorded: %(email)s's plan is paid for another period.")
            % {"email": sub.user.email},
        )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("subscriptions:staff") + f"#sub-{sub.pk}")
