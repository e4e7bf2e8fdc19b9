"""Site forms of topic groups, their members and channels, and community search."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import Group, GroupMembership


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the group is about and who it is for."),
    )
    visibility = forms.ChoiceField(
        label=_("Who can join"),
        choices=[
            (Group.Visibility.PUBLIC, _("Public: listed, anyone signed in joins")),
            (Group.Visibility.PRIVATE, _("Private: people ask to join, moderators decide")),
            (Group.Visibility.INVITE, _("Invite only: moderators invite people")),
        ],
        widget=forms.RadioSelect,
        initial=Group.Visibility.PUBLIC,
    )


class JoinRequestForm(forms.Form):
    message = forms.CharField(label=_("A word for the moderators"), max_length=500, required=False)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the person to invite"))


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=GroupMembership.Role.choices)


class ChannelForm(forms.Form):
    name = forms.CharField(label=_("Channel name"), max_length=80)
    topic = forms.CharField(label=_("Topic"), max_length=250, required=False)


class ChannelEditForm(ChannelForm):
    archived = forms.BooleanField(label=_("Archived (no new messages)"), required=False)
