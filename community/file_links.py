"""Links to posts' attachments (``/files/d/`` links naming the attachment, never a storage
path). Every request checks again who asks: whoever may read the post now."""

from typing import Any

from community.models import PostAttachment
from community.selectors.posts import post_get
from files.services import FileLinkKind, file_link_url, file_not_found
from kalpla.exceptions import NotFound
from kalpla.integrations.s3 import DownloadGrant

POST_ATTACHMENT = "post-attachment"
LINK_SECONDS = 15 * 60


def attachment_link(*, attachment: PostAttachment) -> str:
    return file_link_url(kind=POST_ATTACHMENT, object_id=attachment.pk, role="file")


def _attachment_file(object_id: str, role: str, user: Any) -> DownloadGrant:
    if role != "file" or not object_id.isdigit():
        raise file_not_found()
    attachment = PostAttachment.objects.filter(pk=int(object_id)).first()
    if attachment is None or not attachment.file or not getattr(user, "is_authenticated", False):
        raise file_not_found()
    try:
        post, _access = post_get(post_id=attachment.post_id, user=user)
    except NotFound:
        raise file_not_found() from None
    if post.is_deleted:
        raise file_not_found()
    return DownloadGrant(name=str(attachment.file.name), filename=attachment.file_name or None)


# Named in settings.KALPLA_FILE_LINK_KINDS under POST_ATTACHMENT.
POST_ATTACHMENT_LINK = FileLinkKind(resolve=_attachment_file, max_age=LINK_SECONDS)
