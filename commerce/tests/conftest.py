import pytest

from commerce.testing.razorpay_standin import RazorpayStandIn
from commerce.testing.stripe_standin import StripeStandIn


@pytest.fixture
def stripe_stand_in(settings):
    """Stripe's API on loopback, configured as the site's gateway (webhooks not sent)."""
    stand_in = StripeStandIn(api_key="sk_test_kalpla", webhook_secret="whsec_test_kalpla").start()
    settings.KALPLA_PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_API_BASE = stand_in.url
    settings.STRIPE_SECRET_KEY = "sk_test_kalpla"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_kalpla"
    yield stand_in
    stand_in.stop()


@pytest.fixture
def razorpay_stand_in(settings):
    """Razorpay's API on loopback, configured as the site's gateway (webhooks not sent)."""
    stand_in = RazorpayStandIn(
        key_id="rzp_test_kalpla", key_secret="kalpla_secret", webhook_secret="rzp_whsec"
    ).start()
    settings.KALPLA_PAYMENT_GATEWAY = "razorpay"
    settings.RAZORPAY_API_BASE = stand_in.url
    settings.RAZORPAY_KEY_ID = "rzp_test_kalpla"
    settings.RAZORPAY_KEY_SECRET = "kalpla_secret"
    settings.RAZORPAY_WEBHOOK_SECRET = "rzp_whsec"
    yield stand_in
    stand_in.stop()
