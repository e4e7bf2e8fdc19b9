"""Who may see and do what with orders' money: receipts, refunds, revenue.

- see an order's receipt and download its invoices: its buyer, and staff;
- refund a payment, see the revenue summary: staff.
"""

from typing import TYPE_CHECKING, Any

from accounts.policies import user_is_staff

if TYPE_CHECKING:
    from commerce.models import Order


def order_receipt_can_view(*, user: Any, order: "Order") -> bool:
    return getattr(user, "pk", None) == order.user_id or user_is_staff(user)


def refund_can_create(*, user: Any) -> bool:
    return user_is_staff(user)


def revenue_can_view(*, user: Any) -> bool:
    return user_is_staff(user)
