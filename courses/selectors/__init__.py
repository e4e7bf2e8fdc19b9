"""Course reads, split by subdomain: catalogue, outline, access."""
