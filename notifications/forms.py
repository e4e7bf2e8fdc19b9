"""Site forms of the notification settings: the phone number and its code, preferences."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.kinds import CATEGORIES
from notifications.models import Channel, NotificationSettings
from notifications.services import phone as phone_service
from notifications.services import preferences


class PhoneNumberForm(forms.Form):
    number = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("International format with the country code, e.g. +919876543210."),
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "placeholder": "+919876543210"}
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        min_length=phone_service.CODE_LENGTH,
        max_length=phone_service.CODE_LENGTH + 2,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )


def cell_name(category: str, channel: str) -> str:
    return f"{category}__{channel}"


class PreferencesForm(forms.Form):
    quiet_start = forms.TimeField(
        label=_("From"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=_("Until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    digest = forms.ChoiceField(
        label=_("When emails arrive"),
        choices=NotificationSettings.Digest.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, matrix: preferences.Matrix, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category, label in CATEGORIES.items():
            locked = preferences.locked_channels(category)
            for channel in preferences.CHANNELS:
                self.fields[cell_name(category, channel)] = forms.BooleanField(
                    label=f"{Channel(channel).label}: {label}",
                    required=False,
                    initial=matrix[category][channel],
                    disabled=channel in locked,
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        problems = preferences.quiet_hours_errors(
            cleaned.get("quiet_start"), cleaned.get("quiet_end")
        )
        for field, errors in problems.items():
            for error in errors:
                self.add_error(field, error)
        return cleaned

    def matrix(self) -> preferences.Matrix:
        return {
            category: {
                channel: bool(self.cleaned_data.get(cell_name(category, channel)))
                for channel in preferences.CHANNELS
            }
            for category in CATEGORIES
        }

    def rows(self) -> list[dict[str, Any]]:
        """The checkbox matrix, one row per category, for the template."""
        return [
            {
                "key": category,
                "label": label,
                "locked": bool(preferences.locked_channels(category)),
                "cells": [self[cell_name(category, ch)] for ch in preferences.CHANNELS],
            }
            for category, label in CATEGORIES.items()
        ]
