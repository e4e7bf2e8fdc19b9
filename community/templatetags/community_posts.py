from django import template

from community.file_links import attachment_link
from community.models import PostAttachment

register = template.Library()


@register.filter
def attachment_url(attachment: PostAttachment) -> str:
    """The attachment's download link (checked again on every use)."""
    return attachment_link(attachment=attachment)
