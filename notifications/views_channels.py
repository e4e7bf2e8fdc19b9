"""Site pages of the channels: one-click unsubscribe, phone verification, SMS sign-in codes."""

from functools import partial
from typing import Any

from allauth.account.decorators import reauthentication_required
from allauth.account.internal.decorators import login_stage_required
from allauth.account.stages import LoginStage
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import signed_in_user
from kalpla.errors import service_run
from kalpla.exceptions import ApplicationError
from notifications import mfa
from notifications.forms import CodeForm, PhoneNumberForm
from notifications.services import email as email_service
from notifications.services import phone as phone_service

# --- unsubscribe ---------------------------------------------------------------------------


def _unsubscribe_invalid(request: HttpRequest, *, expired: bool) -> HttpResponse:
    return render(
        request,
        "notifications/unsubscribe_invalid.html",
        {"expired": expired, "preferences_url": email_service.preferences_url()},
        status=410 if expired else 400,
    )


# Exempt from CSRF: mail providers send the RFC 8058 one-click POST
# ("List-Unsubscribe=One-Click") from their servers, with no cookie or CSRF token. The signed
# token in the URL is the authorisation, and a forged cross-site POST would need that token;
# the worst it could do is what the token's owner asked for, turning one category's email off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirmation (link scanners prefetch GETs); POST unsubscribes."""
    try:
        wanted = email_service.unsubscribe_token_read(token)
    except signing.SignatureExpired:
        return _unsubscribe_invalid(request, expired=True)
    except signing.BadSignature:
        return _unsubscribe_invalid(request, expired=False)
    user = get_user_model().objects.filter(pk=wanted.user_id, is_active=True).first()
    if user is None:
        return _unsubscribe_invalid(request, expired=False)
    context: dict[str, Any] = {
        "token": token,
        "category": wanted.category,
        "category_label": email_service.category_label(wanted.category),
        "email": user.email,
        "preferences_url": email_service.preferences_url(),
    }
    if request.method == "GET":
        return render(request, "notifications/unsubscribe.html", context)
    try:
        muted = email_service.email_unsubscribe(user=user, category=wanted.category)
    except ApplicationError as exc:
        return render(
            request, "notifications/unsubscribe.html", {**context, "error": exc.message}, status=400
        )
    context["muted_labels"] = [email_service.category_label(name) for name in muted]
    return render(request, "notifications/unsubscribe_done.html", context)


# --- phone verification --------------------------------------------------------------------


def _add_errors(form: forms.Form, exc: Exception, field: str) -> None:
    if isinstance(exc, ApplicationError):
        form.add_error(field if exc.code == "wrong_code" else None, exc.message)
    elif isinstance(exc, forms.ValidationError):
        for message in exc.messages:
            form.add_error(field, message)


@login_required
def phone(request: HttpRequest) -> HttpResponse:
    """Enter a number -> enter the code -> verified (then: SMS codes at sign-in)."""
    user = signed_in_user(request)
    action = request.POST.get("action", "")
    number_form = PhoneNumberForm(request.POST if action == "start" else None, prefix="phone")
    code_form = CodeForm(request.POST if action == "verify" else None, prefix="verify")
    if request.method == "POST":
        try:
            if action == "start" and number_form.is_valid():
                phone_service.phone_start(user=user, number=number_form.cleaned_data["number"])
                messages.success(request, _("We sent a code to your phone."))
                return redirect("notifications:phone")
            if action == "resend":
                phone_service.phone_resend(user=user)
                messages.success(request, _("We sent a new code to your phone."))
                return redirect("notifications:phone")
            if action == "verify" and code_form.is_valid():
                phone_service.phone_verify(user=user, code=code_form.cleaned_data["code"])
                messages.success(request, _("Your phone number is verified."))
                return redirect("notifications:phone")
        except (ApplicationError, forms.ValidationError) as exc:
            if action == "resend":
                messages.error(request, str(getattr(exc, "message", exc)))
                return redirect("notifications:phone")
            _add_errors(
                number_form if action == "start" else code_form,
                exc,
                "number" if action == "start" else "code",
            )
    current = phone_service.phone_get(user=user)
    context = {
        "phone": current,
        "number_form": number_form,
        "code_form": code_form,
        "code_pending": phone_service.phone_code_pending(phone=current),
        "resend_wait": phone_service.phone_resend_wait(phone=current),
        "changing": request.GET.get("change") == "1" or action == "start",
    }
    return render(request, "notifications/phone.html", context)


@login_required
@require_POST
@reauthentication_required
def phone_sms_mfa(request: HttpRequest) -> HttpResponse:
    """Turn SMS sign-in codes on or off (after confirming the password, like TOTP)."""
    enabled = request.POST.get("enabled") == "1"
    service_run(
        request,
        partial(phone_service.phone_sms_mfa_set, user=signed_in_user(request), enabled=enabled),
        success=_("You will get a code by SMS when you sign in.")
        if enabled
        else _("Sign-in codes by SMS are off."),
        raises=(),
    )
    return redirect("notifications:phone")


@login_required
@require_POST
@reauthentication_required
def phone_remove(request: HttpRequest) -> HttpResponse:
    phone_service.phone_delete(user=signed_in_user(request))
    messages.success(request, _("Your phone number was removed."))
    return redirect("notifications:phone")


# --- SMS code at sign-in (the login stage's page) ------------------------------------------


def _stage_page(request: HttpRequest, stage: LoginStage, form: CodeForm) -> HttpResponse:
    number = str(stage.state.get("number", ""))
    context = {
        "form": form,
        "choose": bool(stage.state.get("choose")),
        "has_app": mfa.has_app_authenticator(stage.login.user),
        "number_hint": f"•••• {number[-4:]}" if number else "",
        "resend_wait": mfa.sms_login_resend_wait(stage),
        "send_error": stage.state.get("send_error", ""),
    }
    return render(request, "notifications/phone_sms_code.html", context)


@login_stage_required(stage=mfa.SMS_STAGE_KEY, redirect_urlname="account_login")
@require_http_methods(["GET", "POST"])
def sms_code(request: HttpRequest) -> HttpResponse:
    stage: LoginStage = request._login_stage  # type: ignore[attr-defined]
    action = request.POST.get("action", "verify")
    form = CodeForm(request.POST if request.method == "POST" and action == "verify" else None)
    if request.method == "GET":
        return _stage_page(request, stage, form)
    try:
        if action == "send":
            mfa.sms_login_code_send(stage)
            messages.success(request, _("We sent a code to your phone."))
            return HttpResponseRedirect(reverse("notifications:sms_code"))
        if action == "use_app":
            return mfa.sms_login_use_app(stage)
        if action == "cancel":
            return stage.abort()
        if form.is_valid():
            mfa.sms_login_code_check(stage, form.cleaned_data["code"])
            return mfa.sms_login_complete(stage)
    except ApplicationError as exc:
        if exc.code in ("too_many_attempts", "too_many_codes"):
            messages.error(request, exc.message)
            return redirect("account_login")
        if action == "verify":
            form.add_error("code", exc.message)
        else:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("notifications:sms_code"))
    return _stage_page(request, stage, form)
