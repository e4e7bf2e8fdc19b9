"""Commerce in the admin: each part registers its models in its own module."""

from commerce import admin_orders, admin_subscriptions

__all__ = ["admin_orders", "admin_subscriptions"]
