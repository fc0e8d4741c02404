"""HTML pages of the API: developer apps, authorized apps, personal access tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from sora_site.api import selectors, services
from sora_site.api.endpoints.base import row_id
from sora_site.api.forms import AppForm, TokenForm
from sora_site.api.scopes import SCOPES
from sora_site.core.errors import ApplicationError, NotFound


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = TokenForm(request.POST or None)
    created_token = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            expires = form.cleaned_data["expires"]
            try:
                _, created_token = services.pat_create(
                    user=user,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_in_days=int(expires) if expires else None,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.detail)
                status = 400
            else:
                form = TokenForm()
        else:
            status = 400
    context = {
        "form": form,
        "created_token": created_token,
        "tokens": list(selectors.tokens_for(user=user)),
        "section": "tokens",
    }
    response = render(request, "api/tokens.html", context, status=status)
    if created_token:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.pat_revoke(user=_user(request), token_id=token_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    messages.success(request, "Token revoked: it no longer works.")
    return redirect("api_site:tokens")


@login_required
def authorized_apps(request: HttpRequest) -> HttpResponse:
    context = {
        "apps": selectors.authorized_apps_for(user=_user(request)),
        "scope_text": SCOPES,
        "section": "apps",
    }
    return render(request, "api/authorized_apps.html", context)


@login_required
@require_POST
def authorized_app_revoke(request: HttpRequest, application_id: int) -> HttpResponse:
    try:
        services.authorized_app_revoke(
            user=_user(request), application_id=row_id(application_id, "app")
        )
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    messages.success(request, "Access removed: the app can no longer use your account.")
    return redirect("api_site:authorized_apps")


@login_required
def developer_apps(request: HttpRequest) -> HttpResponse:
    apps = list(selectors.developer_apps_for(user=_user(request)))
    return render(request, "api/developer_apps.html", {"apps": apps, "section": "developers"})


@login_required
@require_http_methods(["GET", "POST"])
def developer_app_new(request: HttpRequest) -> HttpResponse:
    form = AppForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                app, secret = services.oauth_app_register(
                    user=_user(request),
                    name=form.cleaned_data["name"],
                    redirect_uris=form.cleaned_data["redirect_uris"],
                    client_type=form.cleaned_data["client_type"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.detail)
                status = 400
            else:
                response = render(
                    request, "api/developer_app_created.html", {"app": app, "secret": secret}
                )
                response["Cache-Control"] = "no-store"
                return response
        else:
            status = 400
    return render(
        request,
        "api/developer_app_new.html",
        {"form": form, "section": "developers"},
        status=status,
    )


@login_required
@require_POST
def developer_app_delete(request: HttpRequest, application_id: int) -> HttpResponse:
    try:
        services.oauth_app_delete(user=_user(request), application_id=application_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    messages.success(request, "App deleted; its tokens no longer work.")
    return redirect("api_site:developer_apps")
