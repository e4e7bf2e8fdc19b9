"""Refunds: staff's (full or partial, through the gateway) and the gateway's own (webhook),
what happens to the order and the course (revoked per policy), the credit note and notice."""

import json
from collections.abc import Mapping
from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from commerce.gateways import GatewayError, RemoteRefund, WebhookEvent, base
from commerce.gateways.manual import ManualGateway
from commerce.models import GatewayEvent, Invoice, Order, Refund
from commerce.services.orders import order_mark_paid
from commerce.services.refunds import order_refundable, refund_create
from commerce.services.webhooks import webhook_receive
from commerce.tests.factories import order_for
from enrollments.grants import enrollment_grant
from enrollments.models import Enrollment
from kalpla.exceptions import Conflict, PermissionDenied, Unavailable, ValidationError
from notifications.models import Notification

pytestmark = pytest.mark.django_db


class RefundingGateway(ManualGateway):
    """Stripe's place in these tests: refunds and signed (by a header) refund webhooks."""

    name = "stripe"
    fail = False

    def refund(self, *, payment_id, amount, currency, reason):
        if RefundingGateway.fail:
            raise GatewayError("card network down")
        return RemoteRefund(payment_id, f"re_{payment_id}_{amount}", amount, currency, True)

    def webhook_parse(self, *, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        data = json.loads(body)
        refund = RemoteRefund(
            payment_id=data["payment"],
            refund_id=data["refund"],
            amount=Decimal(data["amount"]),
            currency="INR",
            succeeded=data.get("succeeded", True),
        )
        return WebhookEvent(
            event_id=data["id"],
            type="charge.refunded",
            kind="refund.succeeded",
            created_at=None,
            payload=data,
            refund=refund,
        )


def gateway() -> RefundingGateway:
    return RefundingGateway()


@pytest.fixture(autouse=True)
def _stripe_is_the_test_gateway(monkeypatch):
    monkeypatch.setitem(base.GATEWAY_MODULES, "stripe", "commerce.tests.test_refunds")
    RefundingGateway.fail = False


@pytest.fixture
def paid(admin_user, django_capture_on_commit_callbacks):
    """A student's manual order for a INR 1180 course, marked paid by staff (invoice issued)."""
    student = UserFactory()
    order = order_for(student)
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order=order, user=admin_user, note="Bank transfer")
    order.refresh_from_db()
    return order


def enrollment_of(order) -> Enrollment:
    return Enrollment.objects.get(user=order.user, course=order.items.get().course)


def test_refund_full_revokes_the_course_issues_a_credit_note_and_tells_the_student(
    paid, admin_user, django_capture_on_commit_callbacks
):
    assert enrollment_of(paid).status == Enrollment.Status.ACTIVE
    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_create(user=admin_user, order=paid, reason="Bought by mistake")
    assert (refund.amount, refund.status, refund.initiated_by) == (
        Decimal("1180.00"),
        Refund.Status.SUCCEEDED,
        admin_user,
    )
    assert refund.gateway_refund_id.startswith("manual-refund-")
    paid.refresh_from_db()
    assert paid.status == Order.Status.REFUNDED
    assert enrollment_of(paid).status == Enrollment.Status.CANCELLED
    note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert note.refund == refund and note.details["access_revoked"] is True
    notice = Notification.objects.get(recipient=paid.user, kind="commerce.refund")
    assert notice.data["revoked"] is True and notice.data["reason"] == "Bought by mistake"
    assert order_refundable(order=paid).amount == Decimal("0.00")


def test_refund_partial_keeps_the_course_until_the_rest_is_refunded(paid, admin_user):
    refund_create(user=admin_user, order=paid, amount=Decimal("180.00"), reason="Late start")
    paid.refresh_from_db()
    assert paid.status == Order.Status.PARTIALLY_REFUNDED
    assert enrollment_of(paid).status == Enrollment.Status.ACTIVE
    assert order_refundable(order=paid).amount == Decimal("1000.00")
    refund_create(user=admin_user, order=paid, reason="The rest")
    paid.refresh_from_db()
    assert paid.status == Order.Status.REFUNDED
    assert enrollment_of(paid).status == Enrollment.Status.CANCELLED
    assert list(Refund.objects.order_by("pk").values_list("amount", flat=True)) == [
        Decimal("180.00"),
        Decimal("1000.00"),
    ]
    assert Invoice.objects.filter(kind="credit_note").count() == 2


def test_refund_full_keeps_the_course_when_the_policy_says_so(paid, admin_user, settings):
    settings.KALPLA_REVOKE_ON_FULL_REFUND = False
    refund_create(user=admin_user, order=paid, reason="Goodwill")
    paid.refresh_from_db()
    assert paid.status == Order.Status.REFUNDED
    assert enrollment_of(paid).status == Enrollment.Status.ACTIVE


def test_refund_does_not_take_back_a_course_held_by_something_else(paid, admin_user):
    # the student got the course again another way (a staff grant) after buying it
    course = paid.items.get().course
    enrollment_grant(user=paid.user, course=course, source="staff", reference="grant:scholarship")
    refund_create(user=admin_user, order=paid, reason="Scholarship instead")
    assert enrollment_of(paid).status == Enrollment.Status.ACTIVE


@pytest.mark.parametrize(
    ("kwargs", "error", "code", "field"),
    [
        ({"reason": " "}, ValidationError, "reason_required", "reason"),
        (
            {"reason": "x", "amount": Decimal("1180.01")},
            ValidationError,
            "invalid_amount",
            "amount",
        ),
        ({"reason": "x", "amount": Decimal("0")}, ValidationError, "invalid_amount", "amount"),
    ],
)
def test_refund_create_refuses_bad_input(paid, admin_user, kwargs, error, code, field):
    with pytest.raises(error) as caught:
        refund_create(user=admin_user, order=paid, **kwargs)
    assert caught.value.code == code and field in caught.value.errors
    assert not Refund.objects.exists()


def test_refund_create_is_staff_only_and_needs_something_to_refund(paid, admin_user):
    with pytest.raises(PermissionDenied):
        refund_create(user=paid.user, order=paid, reason="Please")
    pending = order_for(UserFactory())
    with pytest.raises(Conflict) as caught:
        refund_create(user=admin_user, order=pending, reason="Not paid")
    assert caught.value.code == "not_refundable"
    refund_create(user=admin_user, order=paid, reason="All")
    with pytest.raises(Conflict):
        refund_create(user=admin_user, order=paid, reason="Again")


def test_refund_gateway_failure_changes_nothing(admin_user, monkeypatch):
    order = order_for(UserFactory(), gateway="stripe")
    from commerce.services.orders import payment_record

    payment_record(
        order=order, gateway="stripe", payment_id="pi_1", amount=order.total, currency="INR"
    )
    RefundingGateway.fail = True
    with pytest.raises(Unavailable) as caught:
        refund_create(user=admin_user, order=order, reason="Mistake")
    assert caught.value.code == "gateway_error"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and not Refund.objects.exists()


def stripe_paid_order():
    from commerce.services.orders import payment_record

    order = order_for(UserFactory(), gateway="stripe")
    payment_record(
        order=order, gateway="stripe", payment_id="pi_42", amount=order.total, currency="INR"
    )
    return order


def refund_webhook(event_id, *, refund_id="re_1", amount="1180.00", payment="pi_42", **extra):
    body = json.dumps(
        {"id": event_id, "payment": payment, "refund": refund_id, "amount": amount, **extra}
    ).encode()
    return webhook_receive(gateway_name="stripe", body=body, headers={})


def test_refund_webhook_from_the_gateway_applies_once_and_revokes():
    order = stripe_paid_order()
    assert refund_webhook("evt_r1") == "applied"
    assert refund_webhook("evt_r1") == "duplicate"  # the same delivery again
    assert refund_webhook("evt_r2") == "duplicate"  # another event about the same refund
    refund = Refund.objects.get()
    assert (refund.status, refund.initiated_by, refund.gateway_refund_id) == (
        "succeeded",
        None,
        "re_1",
    )
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert enrollment_of(order).status == Enrollment.Status.CANCELLED
    assert list(GatewayEvent.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "applied",
        "duplicate",
    ]


def test_refund_webhook_partial_and_unknown_payment():
    order = stripe_paid_order()
    assert refund_webhook("evt_p", amount="100.00") == "applied"
    order.refresh_from_db()
    assert order.status == Order.Status.PARTIALLY_REFUNDED
    assert refund_webhook("evt_x", payment="pi_unknown") == "unknown_payment"


def test_refund_webhook_confirms_a_pending_staff_refund(admin_user, monkeypatch):
    order = stripe_paid_order()
    monkeypatch.setattr(
        RefundingGateway,
        "refund",
        lambda self, **kw: RemoteRefund(kw["payment_id"], "re_later", kw["amount"], "INR", False),
    )
    refund = refund_create(user=admin_user, order=order, reason="Asked")
    assert refund.status == Refund.Status.PENDING
    order.refresh_from_db()
    assert order.status == Order.Status.PAID  # not yet: the gateway settles it later
    assert order_refundable(order=order).amount == Decimal("0.00")  # held by the pending one
    assert refund_webhook("evt_c", refund_id="re_later") == "applied"
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and refund.initiated_by == admin_user
    assert order.status == Order.Status.REFUNDED
    assert Refund.objects.count() == 1
