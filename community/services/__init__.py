"""Writes of the community app: <noun>_<verb>(*, ...) functions, by subdomain."""

from community.services.moderation import moderation_item_decide

__all__ = ["moderation_item_decide"]
