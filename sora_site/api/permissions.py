"""Scopes: every API view names the scope each method needs; tokens must carry it."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from sora_site.api.models import PersonalAccessToken
from sora_site.api.scopes import ALL_SCOPES, scopes_parse


def granted_scopes(request: Request) -> frozenset[str]:
    """Scopes of the credential used. The site's own pages (session) act as the person."""
    auth = request.auth
    if isinstance(auth, PersonalAccessToken):
        return scopes_parse(auth.scopes)
    scope = getattr(auth, "scope", None)
    if isinstance(scope, str):  # an OAuth2 access token
        return scopes_parse(scope)
    if request.user and request.user.is_authenticated:
        return ALL_SCOPES
    return frozenset()


class InsufficientScope(exceptions.PermissionDenied):
    default_code = "insufficient_scope"


def required_scope_for(view: Any, method: str) -> str | None:
    """`required_scopes = {"GET": "videos:read", "POST": "videos:write"}` on the view."""
    scopes: dict[str, str] = getattr(view, "required_scopes", {})
    if method == "HEAD":
        method = "GET"
    return scopes.get(method)


class HasRequiredScope(BasePermission):
    """Authenticated, and the credential carries the scope the method needs.

    A view with no scope for a method refuses it (fail closed), except OPTIONS.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated("Authentication credentials were not provided.")
        if request.method == "OPTIONS":
            return True
        scope = required_scope_for(view, request.method or "GET")
        if scope is None:
            raise exceptions.MethodNotAllowed(request.method or "")
        if scope not in granted_scopes(request):
            raise InsufficientScope(f"This token lacks the scope {scope!r}.")
        return True
