"""Forms of the segment editor and the campaign editor."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from analytics.models import CAMPAIGN_CHANNELS, Campaign, Segment


class SegmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    rules = forms.CharField(
        label=_("Rules (JSON)"),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "mono"}),
        help_text=_(
            'For example {"match": "all", "rules": [{"type": "enrolled_in", "course": 12}, '
            '{"type": "inactive_days", "days": 7}]}. The rule types are listed beside.'
        ),
    )

    def clean_rules(self) -> Any:
        try:
            return json.loads(self.cleaned_data["rules"])
        except ValueError:
            raise forms.ValidationError(_("This is not valid JSON.")) from None


def segment_initial(segment: Segment) -> dict[str, Any]:
    return {
        "name": segment.name,
        "description": segment.description,
        "rules": json.dumps(segment.rules, indent=2),
    }


class CampaignForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=CAMPAIGN_CHANNELS, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Campaign
        fields = (
            "name",
            "segment",
            "channels",
            "link_url",
            "inapp_title",
            "inapp_body",
            "email_subject",
            "email_body",
            "sms_text",
            "push_title",
            "push_body",
        )
        widgets = {
            "inapp_body": forms.Textarea(attrs={"rows": 3}),
            "email_body": forms.Textarea(attrs={"rows": 8}),
            "sms_text": forms.Textarea(attrs={"rows": 2}),
        }


class ScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        label=_("Send at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
