"""speech services (see kalpla/integrations/)."""
