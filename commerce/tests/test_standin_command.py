import urllib.error
import urllib.request

import pytest
from django.core.management import CommandError, call_command

from commerce.management.commands import payments_standin


def test_payments_standin_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("payments_standin", "--port", "0")


def test_payments_standin_serves_until_interrupted(settings, monkeypatch, capsys):
    settings.DEBUG = True
    seen = {}

    def interrupt(_seconds):
        # the stand-in answers while the command waits
        url = capsys.readouterr().out.split("Stripe stand-in on ")[1].split(";")[0]
        try:
            urllib.request.urlopen(f"{url}/v1/checkout/sessions/cs_nope")
        except urllib.error.HTTPError as exc:
            seen["status"] = exc.code
            seen["body"] = exc.read()
        raise KeyboardInterrupt

    monkeypatch.setattr(payments_standin.time, "sleep", interrupt)
    call_command("payments_standin", "--port", "0")
    # Stripe's error shape for an unknown session
    assert seen["status"] == 404 and b"No such checkout.session" in seen["body"]
