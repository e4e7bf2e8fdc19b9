"""Site pages of commerce: checkout, the order page that waits for the gateway, staff orders,
and the gateways' webhooks."""

from functools import partial
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.policies import user_is_staff
from commerce import selectors
from commerce.forms import CouponForm, StaffNoteForm, StaffOrderFilterForm
from commerce.gateways import GatewayError, SignatureError, get_gateway
from commerce.models import Gateway, Order
from commerce.services import orders as services
from commerce.services.webhooks import webhook_receive
from commerce.templatetags.commerce_money import money_label
from courses.selectors.lessons import course_get_by_slug
from enrollments.cohorts.selectors import cohort_list, seats_left
from kalpla.errors import service_error_to_form, service_run
from kalpla.exceptions import ApplicationError, Conflict, PermissionDenied, error_body

STAFF_PAGE_SIZE = 25


def _order_page(order: Order) -> str:
    return reverse("commerce:order", args=[order.pk])


def _start_checkout(request: HttpRequest, order: Order) -> HttpResponse:
    """Send the buyer where the gateway says to pay; the order's page otherwise."""
    page = request.build_absolute_uri(_order_page(order))
    done = service_run(
        request,
        partial(
            services.order_checkout_start,
            order=order,
            success_url=page,
            cancel_url=f"{page}?cancelled=1",
        ),
        raises=(),
    )
    if done.ok and done.result.url and done.result.url != page:
        return redirect(done.result.url)
    return redirect(_order_page(order))


@login_required
def checkout(request: HttpRequest, slug: str) -> HttpResponse:
    """The order summary of a paid course, a coupon field and the pay button."""
    course = course_get_by_slug(slug=slug)
    data = request.POST if request.method == "POST" else request.GET
    form = CouponForm(data or None)
    code = form.data.get("coupon", "").strip() if form.is_bound else ""
    try:
        quote = services.course_quote(user=request.user, course=course)
    except Conflict as exc:
        messages.info(request, exc.message)
        return redirect("courses:detail", slug=course.slug)
    if code and form.is_valid():
        try:
            quote = services.course_quote(user=request.user, course=course, coupon_code=code)
        except ApplicationError as exc:
            service_error_to_form(form, exc)
    cohorts = [
        {"cohort": c, "seats_left": seats_left(c)}
        for c in cohort_list(course=course)
        if c.enrollment_open(timezone.now())
    ]
    cohort_id = _int_or_none(data.get("cohort"))
    if request.method == "POST" and not form.errors:
        done = service_run(
            request,
            partial(
                services.order_create,
                user=request.user,
                course=course,
                coupon_code=code,
                cohort_id=cohort_id,
            ),
            form=form,
        )
        if done.ok:
            order = done.result
            if order.status == Order.Status.PAID:
                messages.success(request, _("You are enrolled. Enjoy the course!"))
                return redirect(_order_page(order))
            return _start_checkout(request, order)
    return _gateway_csp(
        render(
            request,
            "commerce/checkout.html",
            {
                "course": course,
                "quote": quote,
                "quote_lines": [
                    {"title": line.item.title, "list_price": line.item.list_price}
                    for line in quote.lines
                ],
                "quote_total": money_label(quote.total, quote.currency),
                "form": form,
                "cohorts": cohorts,
                "cohort_id": cohort_id,
                "coupon_applied": quote.coupon,
                "gateway": get_gateway().name,
                "tax_name": quote.tax_name,
            },
        )
    )


def _int_or_none(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def _gateway_csp(response: HttpResponse, widget: dict[str, Any] | None = None) -> HttpResponse:
    """Let the page's forms reach a gateway stand-in on plain http (development, tests),
    and load Razorpay's widget where it is offered."""
    update: dict[str, list[str]] = {}
    if settings.STRIPE_API_BASE:
        parts = urlsplit(settings.STRIPE_API_BASE)
        update["form-action"] = [f"{parts.scheme}://{parts.netloc}"]
    if widget:
        update["script-src"] = ["https://checkout.razorpay.com"]
        update["frame-src"] = ["https://api.razorpay.com", "https://checkout.razorpay.com"]
        update["connect-src"] = ["https://api.razorpay.com", "https://lumberjack.razorpay.com"]
    if update:
        response._csp_update = update  # type: ignore[attr-defined]  # django-csp reads it
    return response


def _order_context(order: Order) -> dict[str, Any]:
    course_item = next((item for item in order.items.all() if item.course_id), None)
    return {
        "order": order,
        "course": course_item.course if course_item else None,
        "waiting": order.status == Order.Status.PENDING and order.gateway != Gateway.MANUAL,
        "manual": order.gateway == Gateway.MANUAL,
        "tax_name": settings.KALPLA_TAX_NAME,
    }


@login_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    """The order's page: how to pay, "confirming your payment" until the webhook says so (it
    polls its status; the gateway's redirect back proves nothing), then the course."""
    order = selectors.order_get_for_user(order_id=order_id, user=request.user)
    context = _order_context(order)
    context["cancelled_at_gateway"] = request.GET.get("cancelled") == "1"
    context["widget"] = services.order_widget_options(order=order)
    return _gateway_csp(render(request, "commerce/order.html", context), context["widget"])


@login_required
def order_status(request: HttpRequest, order_id: int) -> HttpResponse:
    """The status part of the order's page (htmx polls it while the payment is confirmed)."""
    order = selectors.order_get_for_user(order_id=order_id, user=request.user)
    return render(request, "commerce/_order_status.html", _order_context(order))


@login_required
@require_POST
def order_pay(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get_for_user(order_id=order_id, user=request.user)
    return _start_checkout(request, order)


@login_required
@require_POST
def order_cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get_for_user(order_id=order_id, user=request.user)
    service_run(
        request,
        partial(services.order_cancel, order=order, user=request.user),
        success=_("The order is cancelled. Nothing was charged."),
        raises=(),
    )
    return redirect(_order_page(order))


# --- staff ---------------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    if not user_is_staff(request.user):
        raise PermissionDenied(_("Staff only."))


@login_required
def staff_orders(request: HttpRequest) -> HttpResponse:
    """Orders for staff: pending manual ones first by default, to mark paid."""
    _require_staff(request)
    form = StaffOrderFilterForm(
        request.GET or {"status": Order.Status.PENDING},
        statuses=Order.Status.choices,
        gateways=Gateway.choices,
    )
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.order_staff_list(
        status=filters.get("status", ""),
        gateway=filters.get("gateway", ""),
        search=filters.get("search", ""),
    )
    page = Paginator(queryset, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "commerce/staff_orders.html",
        {
            "form": form,
            "page": page,
            "querystring": urlencode({k: v for k, v in filters.items() if v}),
        },
    )


@login_required
def staff_order(request: HttpRequest, order_id: int) -> HttpResponse:
    """One order for staff, with "mark paid" and "grant access" (each with a note)."""
    _require_staff(request)
    order = selectors.order_get(order_id=order_id)
    form = StaffNoteForm(request.POST or None)
    action = request.POST.get("action", "")
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        if action == "grant":
            call: Any = partial(
                services.order_grant_access, order=order, user=request.user, note=note
            )
            success = _("Access granted.")
        else:
            call = partial(services.order_mark_paid, order=order, user=request.user, note=note)
            success = _("Order marked paid; the student is enrolled.")
        done = service_run(request, call, form=form, success=success, raises=())
        if done.ok:
            return redirect("commerce:staff_order", order_id=order.pk)
    return render(
        request,
        "commerce/staff_order.html",
        {"order": order, "form": form, "can_settle": order.status in services.OPEN_STATUSES},
    )


# --- webhooks ------------------------------------------------------------------------------


def _webhook(request: HttpRequest, gateway_name: str) -> HttpResponse:
    try:
        outcome = webhook_receive(
            gateway_name=gateway_name, body=request.body, headers=request.headers
        )
    except SignatureError:
        return JsonResponse(
            error_body(_("The signature does not verify."), "bad_signature"), status=400
        )
    except (GatewayError, ValueError, KeyError):
        return JsonResponse(
            error_body(_("This is not an event we can read."), "bad_event"), status=400
        )
    return JsonResponse({"outcome": outcome})


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    return _webhook(request, "stripe")


@csrf_exempt
@require_POST
def razorpay_webhook(request: HttpRequest) -> HttpResponse:
    return _webhook(request, "razorpay")
