"""catalogue selectors."""
