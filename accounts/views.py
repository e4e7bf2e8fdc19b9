from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import ApiKeyCreateForm, ProfileForm
from kalpla.errors import service_run


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_profile_update(user=selectors.signed_in_user(request), data=form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
def verification_resend(request: HttpRequest) -> HttpResponse:
    sent = services.email_verification_resend(request=request)
    if sent is None:
        messages.info(request, _("Sign in with your email and password to get a new link."))
        return redirect("account_login")
    if not sent:
        messages.warning(
            request, _("We sent you a link moments ago: wait a few minutes before asking again.")
        )
    return redirect("account_email_verification_sent")


@login_required
def api_keys(request: HttpRequest) -> HttpResponse:
    form = ApiKeyCreateForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        user, name = selectors.signed_in_user(request), form.cleaned_data["name"]
        done = service_run(
            request,
            partial(services.api_key_create, user=user, name=name),
            form=form,
            success=lambda created: _("API key “%(name)s” created.") % {"name": created[0].name},
        )
        if done.ok:
            new_key = done.result[1]
            form = ApiKeyCreateForm()
    keys = selectors.api_key_list(user=selectors.signed_in_user(request))
    return render(
        request, "accounts/api_keys.html", {"form": form, "keys": keys, "new_key": new_key}
    )


@login_required
@require_POST
def api_key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    key = selectors.api_key_get(user=selectors.signed_in_user(request), key_id=key_id)
    services.api_key_revoke(key=key)
    messages.success(request, _("API key “%(name)s” revoked.") % {"name": key.name})
    return redirect("accounts:api_keys")
