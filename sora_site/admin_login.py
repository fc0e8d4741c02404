"""Admin's sign-in is the site's sign-in: Django admin's own login form authenticates without
allauth's failed-login limits (and without two-factor), so staff accounts could be guessed at
without limit there. Its URL sends people to allauth's login page instead."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


def admin_login(request: HttpRequest) -> HttpResponseRedirect:
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return HttpResponseRedirect(target)
        # Signed in but not staff: sending them to the login page would bounce straight back.
        raise PermissionDenied("This account may not use the admin.")
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
