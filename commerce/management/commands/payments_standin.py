"""Run the local Stripe stand-in, to click through a card checkout without a Stripe account.

    DJANGO_DEBUG=true python manage.py payments_standin --port 12111 \
        --webhook-url http://127.0.0.1:8000/webhooks/stripe/
    # and run the site with:
    KALPLA_PAYMENT_GATEWAY=stripe STRIPE_API_BASE=http://127.0.0.1:12111 \
        STRIPE_SECRET_KEY=sk_test_local STRIPE_WEBHOOK_SECRET=whsec_local make run
"""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from commerce.testing.stripe_standin import StripeStandIn


class Command(BaseCommand):
    help = "Serve a local stand-in of Stripe's API and hosted checkout page (development only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=12111)
        parser.add_argument("--webhook-url", default="http://127.0.0.1:8000/webhooks/stripe/")
        parser.add_argument("--webhook-secret", default="whsec_local")
        parser.add_argument("--api-key", default="sk_test_local")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("payments_standin only runs with DJANGO_DEBUG=true.")
        stand_in = StripeStandIn(
            webhook_url=options["webhook_url"],
            webhook_secret=options["webhook_secret"],
            api_key=options["api_key"],
        ).start(port=options["port"])
        self.stdout.write(
            f"Stripe stand-in on {stand_in.url}; webhooks to {options['webhook_url']}.\n"
            f"Run the site with KALPLA_PAYMENT_GATEWAY=stripe STRIPE_API_BASE={stand_in.url} "
            f"STRIPE_SECRET_KEY={options['api_key']} "
            f"STRIPE_WEBHOOK_SECRET={options['webhook_secret']}"
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            stand_in.stop()
