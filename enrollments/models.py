"""Models of the enrollments app."""
