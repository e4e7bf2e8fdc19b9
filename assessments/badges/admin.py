"""Staff's view of badges (imported by ``assessments.admin``): badge classes, platform-wide
ones too, made and changed through the badge services (the image through the upload layer);
awards are records: staff revoke one with a reason. Awarding by hand is on the badge's page
(``/badges/teach/<id>/``), which checks who may award whom."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from files.uploads import validate_upload

from ..services.badges import badge_award_revoke, badge_class_create, badge_class_update
from .models import BadgeAward, BadgeClass
from .openbadges import badge_image_url

TEXT_FIELDS = ("name", "description", "criteria", "trigger")


class BadgeClassAdminForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("New image"),
        required=False,
        help_text=_("PNG, JPEG, WebP or GIF. Without one, a badge with its initials is drawn."),
    )

    class Meta:
        model = BadgeClass
        fields = ("course", *TEXT_FIELDS)

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload is not None:
            try:
                validate_upload(upload, kind="image")
            except DjangoValidationError as exc:
                raise forms.ValidationError(exc.messages) from None
        return upload


@admin.register(BadgeClass)
class BadgeClassAdmin(admin.ModelAdmin):
    form = BadgeClassAdminForm
    list_display = ("name", "course", "trigger", "created_at")
    list_filter = ("trigger",)
    search_fields = ("name", "course__title")
    raw_id_fields = ("course",)
    readonly_fields = ("uid", "picture", "manage")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["course", *TEXT_FIELDS, "upload"]
        return fields + list(self.readonly_fields) if obj else fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("course", *self.readonly_fields) if obj else ()

    @admin.display(description=_("Image"))
    def picture(self, obj: BadgeClass) -> str:
        url = badge_image_url(obj)
        return format_html('<img src="{}" alt="" width="96" height="96">', url) if url else "-"

    @admin.display(description=_("Awards"))
    def manage(self, obj: BadgeClass) -> str:
        url = reverse("assessments:teach_badge", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Award it and see who holds it"))

    def save_model(self, request: HttpRequest, obj: BadgeClass, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in TEXT_FIELDS}
        upload = form.cleaned_data.get("upload")
        if change:
            badge_class_update(user=request.user, badge=obj, image=upload, **data)
            return
        created = badge_class_create(
            user=request.user, course=form.cleaned_data.get("course"), image=upload, **data
        )
        obj.pk, obj.uid, obj.image = created.pk, created.uid, created.image


class BadgeAwardAdminForm(forms.ModelForm):
    revoke = forms.BooleanField(label=_("Revoke"), required=False)

    class Meta:
        model = BadgeAward
        fields = ("revoked_reason",)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("revoke") and not (data.get("revoked_reason") or "").strip():
            self.add_error("revoked_reason", _("Say why the badge is revoked."))
        return data


@admin.register(BadgeAward)
class BadgeAwardAdmin(admin.ModelAdmin):
    """Staff revoke an award (tick Revoke, say why); its public documents follow at once."""

    form = BadgeAwardAdminForm
    list_display = ("badge", "recipient", "issued_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("uid", "badge__name", "recipient__email")
    list_select_related = ("badge", "recipient")
    readonly_fields = (
        "uid", "badge", "recipient", "issued_at", "awarded_by", "evidence_url", "narrative",
        "identity_hash", "revoked_at", "revoked_by",
    )  # fmt: skip

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(self.readonly_fields)
        if obj is not None and not obj.is_revoked:
            return [*fields, "revoke", "revoked_reason"]
        return [*fields, "revoked_reason"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None and obj.is_revoked:
            return (*self.readonly_fields, "revoked_reason")
        return self.readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: BadgeAward, form: Any, change: bool) -> None:
        if form.cleaned_data.get("revoke"):
            badge_award_revoke(user=request.user, award=obj, reason=obj.revoked_reason)
