"""Who may do what with plans and subscriptions.

- see plans: everyone (the plan pages are public, like the catalogue);
- subscribe, cancel, resume, open the billing portal: the subscriber, signed in;
- activate a manual subscription or record its renewal payment, list every subscription:
  staff.
"""

from typing import TYPE_CHECKING, Any

from accounts.policies import user_is_staff

if TYPE_CHECKING:
    from commerce.models import Subscription


def subscription_can_manage(*, user: Any, subscription: "Subscription") -> bool:
    """Cancel, resume or manage: the subscriber, or staff acting for them."""
    return getattr(user, "pk", None) == subscription.user_id or user_is_staff(user)


def subscriptions_can_administer(*, user: Any) -> bool:
    """Activate manual subscriptions, record their payments, see everyone's."""
    return user_is_staff(user)
