"""What was sold, to whom, for how much: orders, payments, plans, coupons, refunds, invoices.

Money is a Decimal with two places and an ISO 4217 currency beside it (API.md shows it as
``{"amount": "49.00", "currency": "INR"}``). Gateway identifiers are unique per gateway so a
webhook delivered twice finds the row it already made.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ZERO = Decimal("0.00")


def money_field(verbose_name: Any, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        **kwargs,  # type: ignore[arg-type]
    )


class Gateway(models.TextChoices):
    MANUAL = "manual", _("Manual (offline)")
    STRIPE = "stripe", _("Stripe")
    RAZORPAY = "razorpay", _("Razorpay")
    # A 100% coupon: nothing to collect, no gateway involved.
    FREE = "free", _("No payment needed")


class Plan(models.Model):
    """A subscription: a price per month or year that unlocks some courses or all of them."""

    class Interval(models.TextChoices):
        MONTH = "month", _("Monthly")
        YEAR = "year", _("Yearly")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    interval = models.CharField(
        _("billing interval"), max_length=8, choices=Interval.choices, default=Interval.MONTH
    )
    price = money_field(_("price"))
    currency = models.CharField(_("currency"), max_length=3, default="INR")
    trial_days = models.PositiveSmallIntegerField(_("trial days"), default=0)
    all_courses = models.BooleanField(_("whole catalogue"), default=False)
    courses = models.ManyToManyField("courses.Course", blank=True, related_name="+")
    is_active = models.BooleanField(_("on sale"), default=True)
    # The gateway's own ids for the recurring price, set by staff or on first use.
    stripe_price_id = models.CharField(_("Stripe price id"), max_length=100, blank=True)
    razorpay_plan_id = models.CharField(_("Razorpay plan id"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ("price", "name")

    def __str__(self) -> str:
        return self.name


class Coupon(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage")
        FIXED = "fixed", _("Fixed amount")

    class Scope(models.TextChoices):
        GLOBAL = "global", _("Everything")
        COURSE = "course", _("One course")
        PLAN = "plan", _("One plan")

    code = models.CharField(_("code"), max_length=40, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, help_text=_("For fixed amounts.")
    )
    scope = models.CharField(
        _("applies to"), max_length=8, choices=Scope.choices, default=Scope.GLOBAL
    )
    course = models.ForeignKey(
        "courses.Course", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="coupons"
    )
    max_uses = models.PositiveIntegerField(_("uses allowed"), null=True, blank=True)
    max_uses_per_user = models.PositiveIntegerField(_("uses per person"), null=True, blank=True)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    first_purchase_only = models.BooleanField(_("first purchase only"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Redemptions by paid orders, counted under the coupon's row lock.
    times_used = models.PositiveIntegerField(_("times used"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ("-created_at",)
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(value__lte=100), name="coupon_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=(Q(scope="course") & Q(course__isnull=False))
                | (Q(scope="plan") & Q(plan__isnull=False))
                | (Q(scope="global") & Q(course__isnull=True) & Q(plan__isnull=True)),
                name="coupon_scope_target",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Payment failed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partly refunded")

    number = models.CharField(_("number"), max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    gateway = models.CharField(_("gateway"), max_length=10, choices=Gateway.choices)
    # The gateway's handle for this checkout (Stripe Checkout Session id, Razorpay order id).
    gateway_order_id = models.CharField(_("gateway reference"), max_length=100, blank=True)
    checkout_url = models.URLField(_("checkout address"), max_length=1000, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    subtotal = money_field(_("list price"))
    discount = money_field(_("discount"))
    tax = money_field(_("tax"))
    total = money_field(_("total"))
    tax_rate = models.DecimalField(_("tax rate %"), max_digits=5, decimal_places=2, default=ZERO)
    tax_inclusive = models.BooleanField(_("prices include tax"), default=True)
    coupon = models.ForeignKey(
        Coupon, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("purchase", "order")
        verbose_name_plural = _("orders")
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_order_id"],
                condition=~Q(gateway_order_id=""),
                name="order_unique_gateway_reference",
            )
        ]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return self.number


class OrderItem(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("Course")
        PLAN = "plan", _("Plan")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    course = models.ForeignKey(
        "courses.Course", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="order_items"
    )
    # The cohort chosen at checkout (enrollments' Cohort; an id, since commerce does not
    # import enrollments' models).
    cohort_id = models.PositiveIntegerField(_("cohort"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    list_price = money_field(_("list price"))
    discount = money_field(_("discount"))
    tax = money_field(_("tax"))
    total = money_field(_("total"))

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="course") & Q(course__isnull=False))
                | (Q(kind="plan") & Q(plan__isnull=False)),
                name="order_item_target",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Payment(models.Model):
    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    gateway = models.CharField(_("gateway"), max_length=10, choices=Gateway.choices)
    gateway_payment_id = models.CharField(_("gateway payment id"), max_length=100)
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # Who marked it paid, for manual payments.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_payment_id"], name="payment_unique_gateway_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.gateway_payment_id}"


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = money_field(_("amount"))
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    gateway_refund_id = models.CharField(_("gateway refund id"), max_length=100, blank=True)
    # None when the gateway started it (a refund made in the gateway's dashboard).
    initiated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["payment", "gateway_refund_id"],
                condition=~Q(gateway_refund_id=""),
                name="refund_unique_gateway_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} of {self.payment_id}"


class Subscription(models.Model):
    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", _("Awaiting first payment")
        TRIALING = "trialing", _("Trial")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Payment overdue")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="subscriptions"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="subscriptions"
    )
    gateway = models.CharField(_("gateway"), max_length=10, choices=Gateway.choices)
    gateway_subscription_id = models.CharField(
        _("gateway subscription id"), max_length=100, blank=True
    )
    gateway_customer_id = models.CharField(_("gateway customer id"), max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.INCOMPLETE,
        db_index=True,
    )
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    current_period_start = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True, db_index=True)
    cancel_at_period_end = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # When the gateway produced the newest event applied: an older event arriving late
    # does not undo a newer one.
    last_event_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_for = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_subscription_id"],
                condition=~Q(gateway_subscription_id=""),
                name="subscription_unique_gateway_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.plan_id}"


class GatewayEvent(models.Model):
    """A webhook event applied once: stored in the same transaction as its effect."""

    gateway = models.CharField(_("gateway"), max_length=10, choices=Gateway.choices)
    event_id = models.CharField(_("event id"), max_length=100)
    type = models.CharField(_("type"), max_length=80)
    payload = models.JSONField(_("payload"), default=dict)
    # Applied, or acknowledged and ignored (a type Kalpla does not act on).
    outcome = models.CharField(_("outcome"), max_length=20, default="applied")
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("gateway event")
        verbose_name_plural = _("gateway events")
        ordering = ("-received_at",)
        constraints = [
            models.UniqueConstraint(fields=["gateway", "event_id"], name="gateway_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.event_id}"


class Invoice(models.Model):
    """The numbered receipt of one payment (a credit note for a refund), numbered without
    gaps per year and kind."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    number = models.CharField(_("number"), max_length=32, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="invoices")
    refund = models.OneToOneField(
        Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_note"
    )
    # What the document says, frozen when issued: seller, buyer, lines, tax.
    details = models.JSONField(_("details"), default=dict)
    pdf = models.FileField(_("PDF"), upload_to="invoices/%Y/", blank=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ("-issued_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "sequence"], name="invoice_gapless_sequence"
            ),
            models.UniqueConstraint(
                fields=["payment"],
                condition=Q(kind="invoice"),
                name="invoice_one_per_payment",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class InvoiceCounter(models.Model):
    """The last number used per kind and year; incremented under its row lock."""

    kind = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="invoice_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"
