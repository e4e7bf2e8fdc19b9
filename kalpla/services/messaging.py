"""messaging services (see kalpla/integrations/)."""
