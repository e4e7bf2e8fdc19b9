"""files services (see kalpla/integrations/)."""
