"""Commerce in the admin: each part registers its models in its own module.

admin_billing registers orders (with their totals and the refund action), payments, refunds,
coupons, invoices and gateway events; admin_orders then adds the manual orders' "mark paid"
and "grant access" actions; admin_subscriptions registers plans and subscriptions."""

from commerce import admin_billing, admin_orders, admin_subscriptions  # noqa: F401
