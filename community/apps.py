from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        # Signal receivers, the notification kinds (moderation, topic groups, mentions), and
        # chat messages, posts and comments in the moderation queue.
        from community import kinds, kinds_groups, receivers  # noqa: F401
        from community.models import Comment, Post
        from community.selectors import search_posts  # noqa: F401 - posts in community search
        from community.services import posts, sanctions
        from moderation.services import moderation_register

        sanctions.register()
        moderation_register(
            Post,
            describe=posts.post_describe,
            hide=posts.content_hide,
            keep=posts.content_keep,
            related=("group", "author"),
        )
        moderation_register(
            Comment,
            describe=posts.comment_describe,
            hide=posts.content_hide,
            keep=posts.content_keep,
            related=("post__group", "author"),
        )
