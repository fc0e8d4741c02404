"""People's pages: public profile, settings (profile, export, deletion), notifications."""

from __future__ import annotations

from typing import Any

from allauth.account.views import SignupView as AllauthSignupView
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts import invites, selectors, services
from accounts.forms import AccountDeleteForm, ProfileForm, WaitlistForm
from accounts.images import AVATAR_CONTENT_TYPE, AVATAR_MAX_BYTES
from accounts.models import User
from accounts.sharing import profile_preview_tags
from sora_site.core.errors import ApplicationError, ValidationFailed
from sora_site.core.uploads import upload_limit


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # every caller is behind login_required
    return user


@require_GET
def profile(request: HttpRequest, handle: str) -> HttpResponse:
    person = selectors.user_by_handle(handle=handle)
    if person is None:
        raise Http404("No such person.")
    if person.handle != handle:
        return redirect("accounts:profile", handle=person.handle, permanent=True)
    context = {
        "person": person,
        "preview_tags": profile_preview_tags(person, request.build_absolute_uri),
    }
    return render(request, "accounts/profile.html", context)


@require_GET
def avatar(request: HttpRequest, name: str) -> HttpResponseBase:
    try:
        fh = default_storage.open(f"avatars/{name}", "rb")
    except FileNotFoundError as exc:
        raise Http404("No such avatar.") from exc
    response = FileResponse(fh, content_type=AVATAR_CONTENT_TYPE)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@login_required
@require_GET
def settings_index(request: HttpRequest) -> HttpResponse:
    return redirect("accounts:settings_profile")


@upload_limit(lambda: AVATAR_MAX_BYTES)
@login_required
@require_http_methods(["GET", "POST"])
def settings_profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                # The avatar is checked first: a refused image leaves the whole profile as it was.
                upload = form.cleaned_data["avatar"]
                if upload:
                    services.avatar_update(user=user, upload=upload)
                elif form.cleaned_data["remove_avatar"]:
                    services.avatar_remove(user=user)
                services.profile_update(
                    user=user,
                    display_name=form.cleaned_data["display_name"],
                    bio=form.cleaned_data["bio"],
                )
            except ValidationFailed as exc:
                form.add_error("avatar" if exc.code != "too_long" else None, exc.detail)
            else:
                messages.success(request, "Your profile is saved.")
                return redirect("accounts:settings_profile")
    else:
        form = ProfileForm(initial={"display_name": user.display_name, "bio": user.bio})
    return render(request, "accounts/settings_profile.html", {"form": form, "section": "profile"})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def settings_export(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    if request.method == "POST":
        limited = ratelimit.consume_or_429(request, action="reauthenticate", user=user)
        if limited:
            return limited
        archive = services.user_export_build(user=user)
        return FileResponse(
            archive,
            as_attachment=True,
            filename=f"framecast-{user.handle}-export.zip",
            content_type="application/zip",
        )
    return render(request, "accounts/settings_export.html", {"section": "export"})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def settings_delete(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Password guesses through this form count like re-authentication attempts.
        limited = ratelimit.consume_or_429(request, action="reauthenticate", user=user)
        if limited:
            return limited
        try:
            services.user_delete(user=user, password=form.cleaned_data["password"])
        except ValidationFailed as exc:
            form.add_error("password", exc.detail)
        except ApplicationError as exc:
            form.add_error(None, exc.detail)
        else:
            logout(request)
            messages.success(request, "Your account and your files are deleted.")
            return redirect("home")
    return render(request, "accounts/settings_delete.html", {"form": form, "section": "delete"})


@login_required
@never_cache
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    items = list(selectors.notifications_recent(user=user))
    # Shown once, then read: the page itself still marks the ones that were new.
    services.notifications_mark_read(user=user)
    return render(
        request,
        "accounts/notifications.html",
        {"notifications": items, "notification_unread_count": 0},
    )


class SignupView(AllauthSignupView):
    """allauth's signup, where losing the race for an invite's last use is a form error."""

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return super().form_valid(form)
        except ValidationFailed as refused:
            form.add_error("invite_code" if "invite_code" in form.fields else None, refused.detail)
            return self.form_invalid(form)

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_initial()
        code = self.request.GET.get("invite", "")
        if code:  # the link a member sends: /accounts/signup/?invite=CODE
            initial["invite_code"] = invites.normalise_code(code)[:40]
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["signup_mode"] = invites.signup_mode()
        return context


signup = SignupView.as_view()


@never_cache
@require_http_methods(["GET", "POST"])
def waitlist(request: HttpRequest) -> HttpResponse:
    """Join the waitlist while sign-up is by invite or closed."""
    if invites.signup_mode() == invites.OPEN:
        return redirect("account_signup")
    form = WaitlistForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invites.waitlist_join(form.cleaned_data["email"])
            except ApplicationError as exc:
                form.add_error("email", exc.detail)
            else:
                messages.success(request, "You are on the waitlist. We will email you an invite.")
                return redirect("accounts:waitlist")
        status = 400
    return render(request, "accounts/waitlist.html", {"form": form}, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def settings_invites(request: HttpRequest) -> HttpResponse:
    """A member's invite codes: make one (up to their allowance), see who joined with them."""
    user = _user(request)
    if request.method == "POST":
        try:
            invites.invite_create(by=user)
        except ApplicationError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, "A new invite code is ready to send.")
        return redirect("accounts:settings_invites")
    context = {
        "section": "invites",
        "codes": list(user.invites_made.order_by("-created_at")),
        "left": invites.invites_left(user),
        "joined": invites.invitees(user),
        "signup_mode": invites.signup_mode(),
    }
    return render(request, "accounts/settings_invites.html", context)
