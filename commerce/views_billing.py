"""Site pages of receipts, purchases, refunds and revenue.

- /orders/<id>/receipt/: an order's receipt (the buyer's and staff's), its invoices and
  credit notes as PDFs (/invoices/<id>/pdf/);
- /account/purchases/: the signed-in user's orders, receipts and subscriptions;
- /staff/orders/<id>/refund/: staff refund a payment (full or partial, with a reason);
- /staff/revenue/: staff's revenue summary.
"""

from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kalpla.errors import service_run
from kalpla.exceptions import PermissionDenied

from . import selectors_billing as selectors
from .forms_billing import RefundForm, RevenueForm, revenue_default_range
from .invoice_pdf import invoice_pdf_response
from .policies_billing import refund_can_create, revenue_can_view
from .selectors_revenue import RevenueSummary, revenue_periods, revenue_summary
from .services.refunds import order_refundable, refund_create

PURCHASES_PER_PAGE = 20


@login_required
def receipt(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_receipt_get(user=request.user, order_id=order_id)
    return render(
        request,
        "commerce/receipt.html",
        {
            "order": order,
            "documents": selectors.order_documents(order=order),
            "refundable": order_refundable(order=order),
            "can_refund": refund_can_create(user=request.user),
        },
    )


@login_required
def invoice_download(request: HttpRequest, invoice_id: int) -> HttpResponseBase:
    invoice = selectors.invoice_get(user=request.user, invoice_id=invoice_id)
    return invoice_pdf_response(invoice)


@login_required
def purchases(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.my_orders(user=request.user), PURCHASES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "commerce/purchases.html",
        {
            "page": page,
            "orders": list(page.object_list),
            "subscriptions": list(selectors.my_subscriptions(user=request.user)[:20]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def refund_page(request: HttpRequest, order_id: int) -> HttpResponse:
    if not refund_can_create(user=request.user):
        raise PermissionDenied(_("Only staff refund payments."))
    order = selectors.order_receipt_get(user=request.user, order_id=order_id)
    form = RefundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = service_run(
            request,
            partial(
                refund_create,
                user=request.user,
                order=order,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
            ),
            form=form,
            success=_("The refund was made. The student has been told."),
        )
        if done.ok:
            return redirect("billing:receipt", order_id=order.pk)
    return render(
        request,
        "commerce/refund.html",
        {
            "order": order,
            "form": form,
            "refundable": order_refundable(order=order),
            "revoke_on_full": settings.KALPLA_REVOKE_ON_FULL_REFUND,
        },
        status=400 if form.errors else 200,
    )


@login_required
def revenue(request: HttpRequest) -> HttpResponse:
    if not revenue_can_view(user=request.user):
        raise PermissionDenied(_("Only staff see revenue."))
    start, end = revenue_default_range()
    data = request.GET if "start" in request.GET else {"start": start, "end": end, "by": "day"}
    form = RevenueForm(data)
    summary = None
    if form.is_valid():
        summary = revenue_summary(
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            by=form.cleaned_data["by"],
            gateway=form.cleaned_data["gateway"],
        )
    return render(
        request,
        "commerce/revenue.html",
        {"form": form, "summary": summary, "chart": _chart(summary)},
        status=200 if summary else 400,
    )


def _chart(summary: RevenueSummary | None) -> list[dict[str, Any]]:
    """Bars of net revenue for every period of the range, per currency (heights in % of the
    largest; a refund-only period is a red bar)."""
    if summary is None or not summary.rows:
        return []
    periods = revenue_periods(start=summary.start, end=summary.end, by=summary.by)
    nets: dict[str, dict[date, Decimal]] = {}
    for row in summary.rows:
        per = nets.setdefault(row.currency, {})
        per[row.period] = per.get(row.period, Decimal(0)) + row.net
    charts = []
    for currency, values in sorted(nets.items()):
        peak = max(abs(v) for v in values.values()) or Decimal(1)
        bars = [
            {
                "period": p,
                "net": values.get(p, Decimal(0)),
                "height": int(abs(values.get(p, Decimal(0))) * 100 / peak),
                "negative": values.get(p, Decimal(0)) < 0,
            }
            for p in periods
        ]
        charts.append({"currency": currency, "bars": bars})
    return charts
