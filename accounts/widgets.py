"""Form widgets of the account pages (their templates: accounts/templates/accounts/widgets/)."""

from typing import Any

from django import forms


class AvatarInput(forms.ClearableFileInput):
    """The current picture as a thumbnail, a file input to change it and a box to remove it.

    Unlike ClearableFileInput it never prints the file's storage name: the thumbnail uses the
    URL the site shows everywhere else (the header's avatar).
    """

    template_name = "accounts/widgets/avatar_input.html"
    use_fieldset = True

    def __init__(self, attrs: dict[str, Any] | None = None, *, alt_text: str = "") -> None:
        super().__init__(attrs)
        self.alt_text = alt_text

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["alt_text"] = self.alt_text
        return context


class TimeZoneSelect(forms.Select):
    """A grouped select plus, with static/js/timezone.js, a filter and the browser's zone.

    Without JavaScript the filter and the suggestion stay hidden and the select works alone.
    """

    template_name = "accounts/widgets/timezone_select.html"
