"""Course services, split by subdomain: authoring, media, reviews, search."""
