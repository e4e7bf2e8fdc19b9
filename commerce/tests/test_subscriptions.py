"""Subscriptions: subscribing, the gateway's events in any order, access following the state
(a lapse closes the plan's courses, a renewal reopens them with progress), cancel and resume,
manual payments recorded by staff."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from commerce.gateways import base
from commerce.models import Order, Payment, Subscription
from commerce.services import subscriptions as services
from commerce.services.subscription_state import add_interval, subscription_has_access
from commerce.services.webhooks import webhook_receive
from commerce.tests import fake_subscription_gateway as fake
from commerce.tests.factories import paid_course
from commerce.tests.factories_subscriptions import PlanFactory, subscribe
from commerce.tests.fake_gateway import GOOD
from enrollments.access import EnrollState, course_enroll_state
from enrollments.models import Enrollment
from enrollments.services import enrollment_create
from kalpla.exceptions import Conflict, PermissionDenied, Unavailable
from notifications.models import Notification

pytestmark = pytest.mark.django_db
S = Subscription.Status


@pytest.fixture(autouse=True)
def _fake_stripe(monkeypatch):
    monkeypatch.setitem(base.GATEWAY_MODULES, "stripe", "commerce.tests.fake_subscription_gateway")
    fake.calls.clear()
    fake.state.clear()
    monkeypatch.setitem(fake.down, "on", False)


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


@pytest.fixture
def course():
    return paid_course()


@pytest.fixture
def plan(course):
    return PlanFactory(courses=[course])


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- subscribing -------------------------------------------------------------------------------


def test_subscription_start_manual_waits_for_staff_without_access(plan, course):
    user = UserFactory()
    sub = subscribe(user, plan)
    assert sub.status == S.INCOMPLETE and sub.gateway == "manual"
    assert sub.order.status == Order.Status.PENDING
    assert sub.order.total == Decimal("499.00") and sub.order.items.get().plan == plan
    assert course_enroll_state(user=user, course=course) == EnrollState.PAYMENT_REQUIRED


def test_subscription_start_manual_trial_opens_the_plans_courses_at_once(course):
    plan = PlanFactory(courses=[course], trial_days=7)
    user = UserFactory()
    sub = subscribe(user, plan)
    assert sub.status == S.TRIALING
    assert sub.current_period_end == sub.trial_ends_at
    assert course_enroll_state(user=user, course=course) == EnrollState.ENROLL
    assert kinds(user) == ["commerce.subscription_started"]


def test_subscription_trial_that_turns_paid_is_announced_once(course, staff):
    plan = PlanFactory(courses=[course], trial_days=7)
    user = UserFactory()
    sub = subscribe(user, plan)
    sub = services.subscription_mark_paid(subscription=sub, by=staff)
    assert sub.status == S.ACTIVE
    # the paid month follows the trial, and "started" was said once, when the trial began
    assert sub.current_period_start == sub.trial_ends_at
    assert kinds(user).count("commerce.subscription_started") == 1


def test_subscription_start_gives_one_trial_per_person_and_plan(course):
    plan = PlanFactory(courses=[course], trial_days=7)
    user = UserFactory()
    first = subscribe(user, plan)
    services.subscription_cancel(subscription=first, user=user)
    Subscription.objects.filter(pk=first.pk).update(status=S.CANCELLED)
    assert subscribe(user, plan).status == S.INCOMPLETE


def test_subscription_start_twice_reuses_the_pending_one_and_refuses_a_second_live(plan, staff):
    user = UserFactory()
    sub = subscribe(user, plan)
    assert subscribe(user, plan).pk == sub.pk
    services.subscription_mark_paid(subscription=sub, by=staff)
    with pytest.raises(Conflict) as exc:
        subscribe(user, plan)
    assert exc.value.code == "already_subscribed"


def test_subscription_start_remote_returns_the_checkout_and_remembers_it(plan):
    user = UserFactory()
    started = services.subscription_start(
        user=user,
        plan=plan,
        gateway="stripe",
        success_url="http://testserver/account/subscriptions/{subscription}/",
        cancel_url="http://testserver/plans/",
    )
    sub = started.subscription
    assert started.checkout.url.startswith("https://pay.example/")
    expected = f"http://testserver/account/subscriptions/{sub.pk}/"
    assert fake.calls == [("start", expected)]
    sub.order.refresh_from_db()
    assert sub.order.gateway_order_id == f"cs_{sub.order.number}"


def test_subscription_start_gateway_down_is_unavailable(plan):
    fake.down["on"] = True
    with pytest.raises(Unavailable):
        subscribe(UserFactory(), plan, gateway="stripe")


def test_subscription_start_refuses_a_plan_not_on_sale():
    plan = PlanFactory(is_active=False)
    with pytest.raises(Exception) as exc:
        subscribe(UserFactory(), plan)
    assert getattr(exc.value, "code", "") == "not_found"


# --- staff: manual payments ------------------------------------------------------------------


def test_subscription_mark_paid_activates_then_extends_with_an_order_per_period(plan, staff):
    user = UserFactory()
    sub = subscribe(user, plan)
    sub = services.subscription_mark_paid(subscription=sub, by=staff, note="Bank transfer")
    assert sub.status == S.ACTIVE
    first_end = sub.current_period_end
    assert first_end == add_interval(sub.current_period_start, "month")
    first_order = Order.objects.get(pk=sub.order_id)
    assert first_order.status == Order.Status.PAID
    sub = services.subscription_mark_paid(subscription=sub, by=staff, reference="NEFT-42")
    assert sub.current_period_start == first_end
    assert sub.current_period_end == add_interval(first_end, "month")
    assert sub.order_id != first_order.pk
    assert Payment.objects.filter(order__user=user).count() == 2
    assert Payment.objects.filter(gateway_payment_id="NEFT-42", recorded_by=staff).exists()
    assert kinds(user) == ["commerce.subscription_started"]


def test_subscription_mark_paid_is_for_staff_and_manual_subscriptions(plan, staff):
    user = UserFactory()
    sub = subscribe(user, plan)
    with pytest.raises(PermissionDenied):
        services.subscription_mark_paid(subscription=sub, by=user)
    remote_sub = subscribe(UserFactory(), plan, gateway="stripe")
    with pytest.raises(Conflict) as exc:
        services.subscription_mark_paid(subscription=remote_sub, by=staff)
    assert exc.value.code == "not_manual"


def test_staff_marking_the_plan_order_paid_activates_the_subscription(plan, staff):
    from commerce.services.orders import order_mark_paid

    sub = subscribe(UserFactory(), plan)
    order_mark_paid(order=sub.order, user=staff, note="Cash")
    sub.refresh_from_db()
    assert sub.status == S.ACTIVE and sub.current_period_end > timezone.now()


# --- the gateway's events --------------------------------------------------------------------

T0 = timezone.now().replace(microsecond=0)


def _remote_sub(user=None, plan=None):
    plan = plan or PlanFactory()
    sub = subscribe(user or UserFactory(), plan, gateway="stripe")
    Subscription.objects.filter(pk=sub.pk).update(gateway_subscription_id="sub_1")
    sub.refresh_from_db()
    return sub


EVENTS = [
    # (at, status, cancel_at_period_end)
    (T0, "active", False),
    (T0 + timedelta(minutes=1), "past_due", False),
    (T0 + timedelta(minutes=2), "cancelled", False),
]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_subscription_apply_remote_out_of_order_ends_in_the_newest_state(order, plan):
    # given: a subscription and three events of its life, delivered in any order
    sub = _remote_sub(plan=plan)
    end = T0 + timedelta(days=30)
    # when
    outcomes = [
        services.subscription_apply_remote(
            gateway="stripe",
            remote=fake.remote("sub_1", EVENTS[i][1], start=T0, end=end),
            event_at=EVENTS[i][0],
        )
        for i in order
    ]
    # then: the newest event wins; older ones that came later were stale
    sub.refresh_from_db()
    assert sub.status == S.CANCELLED and sub.last_event_at == EVENTS[2][0]
    assert outcomes[order.index(2)] == "applied"
    assert not subscription_has_access(subscription=sub)


def test_subscription_apply_remote_first_event_finds_the_subscription_by_its_checkout(plan):
    user = UserFactory()
    sub = subscribe(user, plan, gateway="stripe")
    sub.order.refresh_from_db()
    session = sub.order.gateway_order_id
    remote = fake.remote(
        "sub_new",
        "active",
        order=session,
        start=T0,
        end=T0 + timedelta(days=30),
        paid=("in_1", "499.00"),
    )
    assert (
        services.subscription_apply_remote(gateway="stripe", remote=remote, event_at=T0)
        == "applied"
    )
    sub.refresh_from_db()
    assert (sub.status, sub.gateway_subscription_id, sub.gateway_customer_id) == (
        "active",
        "sub_new",
        "cus_1",
    )
    assert Order.objects.get(pk=sub.order_id).status == Order.Status.PAID
    assert kinds(user) == ["commerce.subscription_started"]


def test_subscription_apply_remote_renewal_payment_gets_its_own_order_once(plan):
    sub = _remote_sub(plan=plan)
    end = T0 + timedelta(days=30)
    first = fake.remote("sub_1", "active", start=T0, end=end, paid=("in_1", "499.00"))
    services.subscription_apply_remote(gateway="stripe", remote=first, event_at=T0)
    renewal = fake.remote(
        "sub_1", "active", start=end, end=end + timedelta(days=31), paid=("in_2", "499.00")
    )
    for _ in range(2):  # delivered twice under different event ids
        services.subscription_apply_remote(gateway="stripe", remote=renewal, event_at=end)
    assert Payment.objects.filter(order__user=sub.user).count() == 2
    assert Order.objects.filter(user=sub.user, status=Order.Status.PAID).count() == 2


def test_subscription_apply_remote_stale_event_still_records_its_payment(plan):
    sub = _remote_sub(plan=plan)
    services.subscription_apply_remote(
        gateway="stripe", remote=fake.remote("sub_1", "past_due"), event_at=T0 + timedelta(hours=1)
    )
    late = fake.remote("sub_1", "active", paid=("in_1", "499.00"))
    assert services.subscription_apply_remote(gateway="stripe", remote=late, event_at=T0) == "stale"
    sub.refresh_from_db()
    assert sub.status == S.PAST_DUE
    assert Payment.objects.filter(gateway_payment_id="in_1").exists()


def test_subscription_apply_remote_unknown_subscription_is_unmatched():
    remote = fake.remote("sub_nobody", "active")
    assert (
        services.subscription_apply_remote(gateway="stripe", remote=remote, event_at=T0)
        == "unmatched"
    )


def test_subscription_webhook_replayed_applies_once_and_tells_once(plan):
    sub = _remote_sub(plan=plan)
    body = fake.event_body(
        "evt_1",
        T0,
        id="sub_1",
        status="active",
        start=T0,
        end=T0 + timedelta(days=30),
        paid=["in_1", "499.00"],
    )
    headers = {"X-Test-Signature": GOOD}
    assert webhook_receive(gateway_name="stripe", body=body, headers=headers) == "applied"
    assert webhook_receive(gateway_name="stripe", body=body, headers=headers) == "duplicate"
    assert Payment.objects.count() == 1
    assert kinds(sub.user) == ["commerce.subscription_started"]


def test_subscription_past_due_tells_the_subscriber_and_keeps_access_for_the_grace_days(
    plan, settings
):
    settings.KALPLA_SUBSCRIPTION_GRACE_DAYS = 3
    sub = _remote_sub(plan=plan)
    now = timezone.now()
    services.subscription_apply_remote(
        gateway="stripe",
        remote=fake.remote("sub_1", "active", start=now - timedelta(days=30), end=now),
        event_at=T0,
    )
    services.subscription_apply_remote(
        gateway="stripe",
        remote=fake.remote("sub_1", "past_due", failed="Card declined"),
        event_at=T0 + timedelta(seconds=1),
    )
    sub.refresh_from_db()
    assert "commerce.subscription_payment_failed" in kinds(sub.user)
    assert subscription_has_access(subscription=sub, now=now + timedelta(days=2))
    assert not subscription_has_access(subscription=sub, now=now + timedelta(days=4))


# --- lapse and renewal: access follows, progress is kept -------------------------------------


def _enrolled_through_plan(user, course, progress=40):
    enrollment = enrollment_create(user=user, course=course)
    assert enrollment.source == Enrollment.Source.PLAN
    Enrollment.objects.filter(pk=enrollment.pk).update(progress_percent=progress)
    return enrollment


def test_subscription_lapse_closes_access_and_renewal_reopens_it_with_progress(
    plan, course, staff, settings
):
    settings.KALPLA_SUBSCRIPTION_GRACE_DAYS = 7
    from commerce.services.subscription_sweeps import subscriptions_sweep

    # given: an active manual plan and a course enrolled through it, 40% done
    user = UserFactory()
    sub = services.subscription_mark_paid(subscription=subscribe(user, plan), by=staff)
    enrollment = _enrolled_through_plan(user, course)
    end = sub.current_period_end
    # when: the paid time runs out, it is past due (still open) ...
    assert subscriptions_sweep(now=end + timedelta(hours=1)) == {"past_due": 1}
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    # ... and after the grace days it expires: the course closes, progress kept
    assert subscriptions_sweep(now=end + timedelta(days=8)) == {"expired": 1}
    enrollment.refresh_from_db()
    sub.refresh_from_db()
    assert sub.status == S.EXPIRED
    assert enrollment.status == Enrollment.Status.SUSPENDED and enrollment.progress_percent == 40
    assert course_enroll_state(user=user, course=course) == EnrollState.PAYMENT_REQUIRED
    # when: staff record the next payment, it comes back where it was
    sub = services.subscription_mark_paid(subscription=sub, by=staff)
    enrollment.refresh_from_db()
    assert sub.status == S.ACTIVE and sub.current_period_end > timezone.now()
    assert enrollment.status == Enrollment.Status.ACTIVE and enrollment.progress_percent == 40
    assert kinds(user).count("commerce.subscription_started") == 2
    assert "commerce.subscription_ended" in kinds(user)


def test_subscription_remote_lapse_and_renewal_move_the_enrollment(plan, course):
    user = UserFactory()
    sub = _remote_sub(user=user, plan=plan)
    end = T0 + timedelta(days=30)
    services.subscription_apply_remote(
        gateway="stripe", remote=fake.remote("sub_1", "active", start=T0, end=end), event_at=T0
    )
    enrollment = _enrolled_through_plan(user, course, progress=75)
    services.subscription_apply_remote(
        gateway="stripe", remote=fake.remote("sub_1", "expired"), event_at=end
    )
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.SUSPENDED
    renewed = fake.remote(
        "sub_1", "active", start=end + timedelta(days=2), end=end + timedelta(days=32)
    )
    services.subscription_apply_remote(
        gateway="stripe", remote=renewed, event_at=end + timedelta(days=2)
    )
    enrollment.refresh_from_db()
    sub.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE and enrollment.progress_percent == 75
    assert sub.cancelled_at is None


# --- cancel and resume -----------------------------------------------------------------------


def test_subscription_cancel_at_period_end_then_resume(plan, staff):
    from commerce.services.subscription_sweeps import subscriptions_sweep

    user = UserFactory()
    sub = services.subscription_mark_paid(subscription=subscribe(user, plan), by=staff)
    sub = services.subscription_cancel(subscription=sub, user=user)
    assert sub.cancel_at_period_end and sub.status == S.ACTIVE
    assert subscription_has_access(subscription=sub)
    assert "commerce.subscription_cancelled" in kinds(user)
    sub = services.subscription_resume(subscription=sub, user=user)
    assert not sub.cancel_at_period_end
    sub = services.subscription_cancel(subscription=sub, user=user)
    assert subscriptions_sweep(now=sub.current_period_end + timedelta(minutes=1)) == {
        "cancelled": 1
    }
    sub.refresh_from_db()
    assert sub.status == S.CANCELLED and not subscription_has_access(subscription=sub)
    with pytest.raises(Conflict):
        services.subscription_cancel(subscription=sub, user=user)


def test_subscription_cancel_remote_asks_the_gateway_and_refuses_others(plan):
    user = UserFactory()
    sub = _remote_sub(user=user, plan=plan)
    services.subscription_apply_remote(
        gateway="stripe",
        remote=fake.remote("sub_1", "active", start=T0, end=T0 + timedelta(days=30)),
        event_at=T0,
    )
    with pytest.raises(Exception) as exc:
        services.subscription_cancel(subscription=sub, user=UserFactory())
    assert getattr(exc.value, "code", "") == "not_found"
    services.subscription_cancel(subscription=sub, user=user)
    assert fake.calls[-1] == ("cancel", True)
    with pytest.raises(Conflict) as exc:
        services.subscription_resume(subscription=sub, user=user)
    assert exc.value.code == "resume_at_gateway"


def test_subscription_cancel_pending_drops_it_and_its_order(plan):
    user = UserFactory()
    sub = services.subscription_cancel(subscription=subscribe(user, plan), user=user)
    assert sub.status == S.CANCELLED
    assert Order.objects.get(pk=sub.order_id).status == Order.Status.CANCELLED


def test_subscription_portal_url_for_gateways_that_have_one(plan):
    user = UserFactory()
    sub = _remote_sub(user=user, plan=plan)
    url = services.subscription_portal_url(
        subscription=sub, user=user, return_url="http://testserver/x"
    )
    assert url.startswith("https://billing.example/")
    manual = subscribe(user, PlanFactory())
    with pytest.raises(Conflict):
        services.subscription_portal_url(
            subscription=manual, user=user, return_url="http://testserver/x"
        )


def test_subscription_apply_remote_payment_only_record_links_and_records_without_state(plan):
    # given: a pending Stripe subscription; its first invoice is paid before any state event
    sub = subscribe(UserFactory(), plan, gateway="stripe")
    paid = fake.remote("sub_7", "", order=sub.order.number, paid=("pi_1", "499.00"))
    # when
    outcome = services.subscription_apply_remote(gateway="stripe", remote=paid, event_at=T0)
    # then: the payment is recorded on the first order and the gateway's id is linked
    sub.refresh_from_db()
    assert outcome == "applied"
    assert sub.gateway_subscription_id == "sub_7" and sub.status == S.INCOMPLETE
    assert sub.last_event_at is None
    assert Order.objects.get(pk=sub.order_id).status == Order.Status.PAID


# --- coupons on plans ----------------------------------------------------------------------------


@pytest.fixture
def plan_coupon(monkeypatch, plan):
    """A plan coupon worth 100.00, as the coupons module would price it."""
    from commerce.models import Coupon
    from commerce.services import pricing

    coupon = Coupon.objects.create(
        code="PLAN100",
        kind="fixed",
        value=Decimal("100.00"),
        currency="INR",
        scope="plan",
        plan=plan,
    )

    def quote(*, code, user, items):
        if code.upper() != coupon.code:
            return real(code=code, user=user, items=items)
        return pricing.CouponQuote(coupon=coupon, discount=Decimal("100.00"))

    real = pricing.coupon_quote
    monkeypatch.setattr(pricing, "coupon_quote", quote)
    return coupon


def test_subscription_start_with_a_coupon_takes_off_the_first_period_only(plan, plan_coupon, staff):
    user = UserFactory()
    started = services.subscription_start(
        user=user,
        plan=plan,
        gateway="manual",
        success_url="http://t/",
        cancel_url="http://t/",
        coupon_code="plan100",
    )
    first = started.subscription.order
    assert (first.discount, first.total, first.coupon) == (
        Decimal("100.00"),
        Decimal("399.00"),
        plan_coupon,
    )
    sub = services.subscription_mark_paid(subscription=started.subscription, by=staff)
    assert Payment.objects.get(order=first).amount == Decimal("399.00")
    sub = services.subscription_mark_paid(subscription=sub, by=staff)
    assert Order.objects.get(pk=sub.order_id).total == Decimal("499.00")


def test_subscription_start_with_another_coupon_reprices_the_pending_order(plan, plan_coupon):
    user = UserFactory()
    sub = subscribe(user, plan)
    again = services.subscription_start(
        user=user,
        plan=plan,
        gateway="manual",
        success_url="http://t/",
        cancel_url="http://t/",
        coupon_code="PLAN100",
    ).subscription
    assert again.pk == sub.pk and again.order_id != sub.order_id
    assert Order.objects.get(pk=sub.order_id).status == Order.Status.CANCELLED
    assert again.order.total == Decimal("399.00")


def test_subscription_start_refuses_an_unknown_coupon(plan):
    from kalpla.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.subscription_start(
            user=UserFactory(),
            plan=plan,
            gateway="manual",
            success_url="http://t/",
            cancel_url="http://t/",
            coupon_code="NOPE",
        )
    assert "coupon" in exc.value.errors
    assert not Subscription.objects.exists()


# --- refunds ------------------------------------------------------------------------------------


def test_subscription_ends_when_its_plan_order_is_refunded_in_full(plan, course, staff, admin_user):
    from commerce.services.refunds import refund_create

    user = UserFactory()
    sub = services.subscription_mark_paid(subscription=subscribe(user, plan), by=staff)
    enrollment = _enrolled_through_plan(user, course)
    # when: staff refund the period's order in full
    refund_create(user=admin_user, order=Order.objects.get(pk=sub.order_id), reason="Mistake")
    # then: the subscription ends now, and the plan's course closes (progress kept)
    sub.refresh_from_db()
    enrollment.refresh_from_db()
    assert sub.status == S.CANCELLED and sub.current_period_end <= timezone.now()
    assert enrollment.status == Enrollment.Status.SUSPENDED and enrollment.progress_percent == 40
    assert "commerce.subscription_ended" in kinds(user)


def test_subscription_stays_when_an_older_periods_order_is_refunded(plan, staff, admin_user):
    from commerce.services.refunds import refund_create

    user = UserFactory()
    sub = services.subscription_mark_paid(subscription=subscribe(user, plan), by=staff)
    first_order_id = sub.order_id
    sub = services.subscription_mark_paid(subscription=sub, by=staff)
    refund_create(user=admin_user, order=Order.objects.get(pk=first_order_id), reason="Twice")
    sub.refresh_from_db()
    assert sub.status == S.ACTIVE
