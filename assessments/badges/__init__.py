"""Open Badges: badge classes per course (or platform-wide), their awards, and the public
verifiable documents (Open Badges 2.0 hosted JSON-LD, Open Badges 3.0 VC-JWT)."""
