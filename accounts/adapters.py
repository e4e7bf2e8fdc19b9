from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest
from django.utils.translation import get_language

from accounts.selectors import FIRST_VISIT_SESSION_KEY


class AccountAdapter(DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        from notifications.mfa import sms_login_stages

        return sms_login_stages(super().get_login_stages())

    def login(self, request: HttpRequest, user: Any) -> None:
        # Django sets last_login while signing in: whether this is the first one is known
        # only before, and the session it starts remembers it.
        first = user.last_login is None
        super().login(request, user)
        if first:
            request.session[FIRST_VISIT_SESSION_KEY] = True

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Kalpla's mail frame (notifications/email/base.html) names the language it is in.
        super().send_mail(template_prefix, email, {"LANGUAGE_CODE": get_language(), **context})

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from accounts.services import user_signup_complete

            user_signup_complete(user=user, name=form.cleaned_data.get("name", ""))
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        from accounts.services import user_signup_complete

        extra = sociallogin.account.extra_data or {}
        user_signup_complete(user=user, name=extra.get("name", "") or user.name)
        return user
