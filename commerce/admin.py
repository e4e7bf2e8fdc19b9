"""Commerce in the admin: each part registers its models in its own module."""

from commerce import (
    admin_orders,  # noqa: F401
    admin_subscriptions,  # noqa: F401
)
