"""Local stand-ins of the payment gateways' HTTP APIs (tests, demos, Playwright journeys)."""
