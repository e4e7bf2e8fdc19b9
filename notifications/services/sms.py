"""sms notifications services."""
