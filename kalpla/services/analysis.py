"""analysis services (see kalpla/integrations/)."""
