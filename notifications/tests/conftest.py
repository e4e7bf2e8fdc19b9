import pytest

from notifications import email_events
from notifications.email_events import EmailEvent


@pytest.fixture
def email_events_received(monkeypatch) -> list[EmailEvent]:
    """Every EmailEvent the webhook dispatches, after the configured handlers ran."""
    received: list[EmailEvent] = []
    configured = email_events.email_event_handlers
    monkeypatch.setattr(
        email_events, "email_event_handlers", lambda: [*configured(), received.append]
    )
    return received
