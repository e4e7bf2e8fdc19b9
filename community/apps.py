from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        # Signal receivers, the notification kinds, and posts and comments in the
        # moderation queue.
        from community import kinds, receivers  # noqa: F401
        from community.models import Comment, Post
        from community.services import posts
        from moderation.services import moderation_register

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
