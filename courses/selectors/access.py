"""access selectors."""
