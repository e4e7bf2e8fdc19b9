"""Commerce in the admin: each part registers its models in its own module.

admin_billing registers every model (orders with their totals and the refund action);
admin_orders then adds the manual orders' "mark paid" and "grant access" actions to it."""

from commerce import admin_billing, admin_orders  # noqa: F401
